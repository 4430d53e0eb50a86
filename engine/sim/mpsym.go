package sim

import mp "github.com/paxviz/paxviz/engine/multipaxos"

// AppendRenamed appends to dst the canonical encoding (as Append, without
// time) of s with its clients renamed by r (mp.ClientRenaming): the
// encoding of the state the renamed schedule reaches. Dead messages are
// judged on s, before renaming (dead must be unchanged by renaming). The
// model checker's symmetry reduction stores a state under the least of
// these encodings (package check). Searches that let time pass or run
// the lock service do not use it.
func (c *MPCanon) AppendRenamed(dst []byte, s *MPSim, dead func(*mp.Message) bool, r mp.ClientRenaming) []byte {
	cfg := s.p.cfg
	dst = s.p.st.AppendCanonicalRenamed(dst, &r)
	dst = s.p.k.AppendCanonicalRenamed(dst, &r, &c.sc)
	g := c.group[:0]
	for range s.W.group {
		g = append(g, 0)
	}
	c.group = g
	for i, x := range s.W.group {
		g[r.Node(cfg, mp.NodeID(i))] = x
	}
	for _, x := range g {
		dst = append(dst, byte(x))
	}
	return c.appendMsgs(dst, s, dead, cfg, &r)
}
