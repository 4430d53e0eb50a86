package sim

import "strings"

// Do performs one line of a Multi-Paxos script on s as paxviz run does:
// an action, or nothing for a blank or comment line or an expectation
// (which checks and changes nothing). It is how a search starts from a
// session's state: the session's script, line by line.
func (s *MPSim) Do(line string) error {
	text := strings.TrimSpace(StripComment(strings.TrimSuffix(line, "\r")))
	if text == "" {
		return nil
	}
	st, err := parseStmt(&mpLang{cfg: s.p.cfg}, text)
	if err != nil {
		return err
	}
	if st.Expect != nil {
		return nil
	}
	return s.apply(&st)
}

// PausedNodes returns the names of the nodes that are paused, in id order.
func (s *MPSim) PausedNodes() []string {
	var out []string
	for id := range s.p.Nodes() {
		if s.W.Paused(id) {
			out = append(out, s.p.Name(id))
		}
	}
	return out
}
