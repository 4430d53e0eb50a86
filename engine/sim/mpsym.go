package sim

import (
	"bytes"

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
	return c.appendRest(s.p.st.AppendCanonicalRenamed(dst, &r), s, dead, &r)
}

// appendRest appends what follows the servers' and clients' state in the
// encoding of s renamed by r (nil: Append's, with time when c.Time): the
// checker's records, the partition and the in-flight messages.
func (c *MPCanon) appendRest(dst []byte, s *MPSim, dead func(*mp.Message) bool, r *mp.ClientRenaming) []byte {
	cfg := s.p.cfg
	dst = s.p.k.AppendCanonicalRenamed(dst, r, &c.sc)
	if r == nil {
		for _, g := range s.W.group {
			dst = append(dst, byte(g))
		}
		if c.Time {
			dst = c.appendTime(dst, s)
		}
		return c.appendMsgs(dst, s, dead, cfg, nil)
	}
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
	return c.appendMsgs(dst, s, dead, cfg, r)
}

// AppendLeast appends to dst the least of the encodings of s renamed by
// each of rs (a nil entry: Append's encoding, the others AppendRenamed's),
// which must not be empty. The servers' and clients' state, which starts
// every encoding, is encoded first for all of them: a renaming whose
// start is not an extension of the least start is greater, so only the
// others are encoded in full.
func (c *MPCanon) AppendLeast(dst []byte, s *MPSim, dead func(*mp.Message) bool, rs []*mp.ClientRenaming) []byte {
	if len(rs) == 1 {
		return c.appendRest(s.p.st.AppendCanonicalRenamed(dst, rs[0]), s, dead, rs[0])
	}
	for len(c.parts) < len(rs) {
		c.parts = append(c.parts, nil)
	}
	parts := c.parts[:len(rs)]
	best := 0
	for j, r := range rs {
		parts[j] = s.p.st.AppendCanonicalRenamed(parts[j][:0], r)
		if bytes.Compare(parts[j], parts[best]) < 0 {
			best = j
		}
	}
	m := parts[best] // later appends to parts[best] leave these bytes be
	least := -1
	for j, r := range rs {
		if !bytes.HasPrefix(parts[j], m) {
			continue // it differs from m within both, and is greater there
		}
		parts[j] = c.appendRest(parts[j], s, dead, r)
		if least < 0 || bytes.Compare(parts[j], parts[least]) < 0 {
			least = j
		}
	}
	return append(dst, parts[least]...)
}
