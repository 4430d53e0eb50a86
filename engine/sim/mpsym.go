package sim

import (
	"bytes"
	"encoding/binary"
	"slices"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// AppendRenamed appends to dst the canonical encoding (as Append, without
// time) of s with its clients renamed by r (mp.ClientRenaming): the
// encoding of the state the renamed schedule reaches. Dead messages are
// judged on s, before renaming (dead must be unchanged by renaming). The
// model checker's symmetry reduction stores a state under the least of
// these encodings (package check). Searches that let time pass or run
// the lock service do not use it.
func (c *MPCanon) AppendRenamed(dst []byte, s *MPSim, dead func(*mp.Message) bool, r mp.ClientRenaming) []byte {
	cfg := s.p.cfg
	st := s.p.st.RenameClients(cfg, r)
	dst = st.AppendCanonical(dst)
	dst = s.p.k.RenameClients(r).AppendCanonical(dst)
	g := make([]int8, len(s.W.group))
	for i, x := range s.W.group {
		g[r.Node(cfg, mp.NodeID(i))] = x
	}
	for _, x := range g {
		dst = append(dst, byte(x))
	}
	c.buf = c.buf[:0]
	starts := c.starts[:0]
	for i := range s.W.inflight {
		if dead != nil && dead(&s.W.inflight[i]) {
			continue
		}
		m := s.W.inflight[i]
		r.RenameMessage(cfg, &m)
		starts = append(starts, len(c.buf))
		c.buf = mp.AppendMessage(c.buf, &m)
	}
	starts = append(starts, len(c.buf))
	c.starts = starts
	c.msgs = c.msgs[:0]
	for i := 0; i+1 < len(starts); i++ {
		c.msgs = append(c.msgs, c.buf[starts[i]:starts[i+1]])
	}
	slices.SortFunc(c.msgs, bytes.Compare)
	dst = binary.AppendUvarint(dst, uint64(len(c.msgs)))
	for _, m := range c.msgs {
		dst = binary.AppendUvarint(dst, uint64(len(m)))
		dst = append(dst, m...)
	}
	return dst
}
