package sim

import "strings"

// Do performs one line of a Raft script on s as paxviz run does: an
// action, or nothing for a blank or comment line or an expectation. It is
// how a search starts from a session's state (see MPSim.Do).
func (s *RaftSim) Do(line string) error {
	text := strings.TrimSpace(StripComment(strings.TrimSuffix(line, "\r")))
	if text == "" {
		return nil
	}
	st, err := parseStmt(&raftLang{cfg: s.p.cfg}, text)
	if err != nil {
		return err
	}
	if st.Expect != nil {
		return nil
	}
	return s.apply(&st)
}

// PausedNodes returns the names of the nodes that are paused, in id order.
func (s *RaftSim) PausedNodes() []string {
	var out []string
	for id := range s.p.Nodes() {
		if s.W.Paused(id) {
			out = append(out, s.p.Name(id))
		}
	}
	return out
}
