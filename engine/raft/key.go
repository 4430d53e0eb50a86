package raft

// Canonical encodings for the model checker (check/): two states with the
// same key behave the same under every future schedule, so an explorer
// may visit one of them only. No symmetry reduction: servers keep their
// names, as traces print them.

func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

func appendInt(b []byte, x int64) []byte { return appendUvarint(b, uint64(x<<1^(x>>63))) }

func appendEntries(b []byte, es []Entry) []byte {
	b = appendUvarint(b, uint64(len(es)))
	for _, e := range es {
		b = appendInt(b, int64(e.Term))
		b = appendUvarint(b, uint64(len(e.Value)))
		b = append(b, e.Value...)
	}
	return b
}

// AppendKey appends a canonical encoding of st to b: every server's
// durable state and what of its volatile state decides its future (role,
// commitIndex, lastApplied, votes; a leader's nextIndex and matchIndex;
// the vote-message count under count_duplicates). The known leader is left
// out: it only narrates.
func (st *State) AppendKey(cfg *Config, b []byte) []byte { return st.AppendKeyPerm(cfg, nil, b) }

// Perm renames servers for symmetry reduction: server i becomes server
// p[i]. Servers are interchangeable in Raft (no rule depends on an id but
// to tell servers apart; ids only order sends, which the in-flight
// multiset forgets), so a state and its renaming behave alike under
// renamed schedules: an explorer may keep one state per renaming class.
// A nil Perm is the identity.
type Perm []NodeID

func (p Perm) of(id NodeID) NodeID {
	if p == nil || id < 0 || int(id) >= len(p) {
		return id
	}
	return p[id]
}

// Inverse returns q with q[p[i]] = i (nil for nil).
func (p Perm) Inverse() Perm {
	if p == nil {
		return nil
	}
	q := make(Perm, len(p))
	for i, x := range p {
		q[x] = NodeID(i)
	}
	return q
}

// old returns the server renamed to new id i, given the inverse q.
func (q Perm) old(i int) int {
	if q == nil {
		return i
	}
	return int(q[i])
}

func (p Perm) bits(x uint16) uint16 {
	if p == nil {
		return x
	}
	var y uint16
	for i := range p {
		if x&(1<<uint(i)) != 0 {
			y |= 1 << uint(p[i])
		}
	}
	return y
}

// AppendKeyPerm appends the encoding AppendKey gives of st with its
// servers renamed by p: AppendKeyPerm(cfg, p, b) of st equals AppendKey of
// the renamed state.
func (st *State) AppendKeyPerm(cfg *Config, p Perm, b []byte) []byte {
	q := p.Inverse()
	for i := range st.Servers {
		s := &st.Servers[q.old(i)]
		up := byte(0)
		if s.Up {
			up = 1
		}
		b = append(b, up, byte(s.V.Role))
		b = appendInt(b, int64(s.D.Term))
		b = appendInt(b, int64(p.of(s.D.VotedFor)))
		b = appendEntries(b, s.D.Log)
		b = appendInt(b, int64(s.V.CommitIndex))
		b = appendInt(b, int64(s.V.LastApplied))
		if s.V.Role == RoleCandidate {
			b = appendUvarint(b, uint64(p.bits(s.V.Votes)))
			if cfg.Bugs.Has(BugCountDuplicates) {
				b = appendInt(b, int64(s.V.VoteMsgs))
			}
		}
		if s.V.Role == RoleLeader {
			for j := range s.V.NextIndex {
				o := q.old(j)
				b = appendInt(b, int64(s.V.NextIndex[o]))
				b = appendInt(b, int64(s.V.MatchIndex[o]))
			}
		}
	}
	return b
}

// AppendKey appends a canonical encoding of what k has recorded that the
// servers' states do not show and a future step may be judged against:
// the leader of each term, each server's latest vote, the committed and
// applied records, and which invariants are already broken. (Its log
// mirror, terms and leaders equal the servers' own.)
func (k *Checker) AppendKey(b []byte) []byte { return k.AppendKeyPerm(nil, b) }

// AppendKeyPerm is AppendKey with the servers renamed by p.
func (k *Checker) AppendKeyPerm(p Perm, b []byte) []byte {
	q := p.Inverse()
	b = appendUvarint(b, uint64(k.broken))
	b = appendUvarint(b, uint64(len(k.leaders)))
	for _, l := range k.leaders {
		b = appendInt(b, int64(l.Term))
		b = appendInt(b, int64(p.of(l.Server)))
	}
	for i := range k.votes {
		vs := k.votes[q.old(i)]
		if n := len(vs); n > 0 {
			b = appendInt(b, int64(vs[n-1].Term))
			b = appendInt(b, int64(p.of(vs[n-1].Server)))
		} else {
			b = append(b, 0)
		}
	}
	b = appendUvarint(b, uint64(len(k.committed)))
	for _, c := range k.committed {
		b = appendInt(b, int64(c.LeaderTerm))
		b = appendEntries(b, []Entry{c.Entry})
	}
	return appendEntries(b, k.applied)
}

// AppendMessageKey appends a canonical encoding of m's content with its
// servers renamed by p: its id is left out, and the fields its type does
// not use.
func AppendMessageKey(b []byte, m *Message, p Perm) []byte {
	b = append(b, byte(m.Type), byte(p.of(m.From)), byte(p.of(m.To)))
	b = appendInt(b, int64(m.Term))
	switch m.Type {
	case MsgRequestVote:
		b = appendInt(b, int64(m.LastIndex))
		b = appendInt(b, int64(m.LastTerm))
	case MsgVote:
		if m.Granted {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	case MsgAppend:
		b = appendInt(b, int64(m.PrevIndex))
		b = appendInt(b, int64(m.PrevTerm))
		b = appendEntries(b, m.Entries)
		b = appendInt(b, int64(m.Commit))
	case MsgAppendReply:
		if m.Success {
			b = append(b, 1)
			b = appendInt(b, int64(m.Match))
		} else {
			b = append(b, 0)
		}
	}
	return b
}
