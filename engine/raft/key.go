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
func (st *State) AppendKey(cfg *Config, b []byte) []byte {
	for i := range st.Servers {
		s := &st.Servers[i]
		up := byte(0)
		if s.Up {
			up = 1
		}
		b = append(b, up, byte(s.V.Role))
		b = appendInt(b, int64(s.D.Term))
		b = appendInt(b, int64(s.D.VotedFor))
		b = appendEntries(b, s.D.Log)
		b = appendInt(b, int64(s.V.CommitIndex))
		b = appendInt(b, int64(s.V.LastApplied))
		if s.V.Role == RoleCandidate {
			b = appendUvarint(b, uint64(s.V.Votes))
			if cfg.Bugs.Has(BugCountDuplicates) {
				b = appendInt(b, int64(s.V.VoteMsgs))
			}
		}
		if s.V.Role == RoleLeader {
			for j := range s.V.NextIndex {
				b = appendInt(b, int64(s.V.NextIndex[j]))
				b = appendInt(b, int64(s.V.MatchIndex[j]))
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
func (k *Checker) AppendKey(b []byte) []byte {
	b = appendUvarint(b, uint64(k.broken))
	b = appendUvarint(b, uint64(len(k.leaders)))
	for _, l := range k.leaders {
		b = appendInt(b, int64(l.Term))
		b = appendInt(b, int64(l.Server))
	}
	for _, vs := range k.votes {
		if n := len(vs); n > 0 {
			b = appendInt(b, int64(vs[n-1].Term))
			b = appendInt(b, int64(vs[n-1].Server))
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
