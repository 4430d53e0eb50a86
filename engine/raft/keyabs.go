package raft

// AppendKeyLive is AppendKeyPerm less the records no future step can be
// judged against, given st, the servers' state they were recorded with
// (the model checker's state abstraction). Every rule records a vote or a
// leadership at the server's currentTerm, which is durable and never
// decreases (under every switch), so:
//
//   - a server's latest vote of a term below its currentTerm is never
//     compared again (one-vote-per-term compares a vote with the same
//     server's earlier votes of the same term): left out;
//   - the leader of a term below every server's currentTerm is never
//     compared again (no server can lead that term any more): left out;
//   - a committed record's leader term below every server's currentTerm
//     is only ever compared as "below the term of a leader" (every leader,
//     now or later, has a term at least the least currentTerm): it is
//     encoded as "old", not by its value.
//
// Two states with equal servers and equal live keys are therefore judged
// alike under every schedule: an explorer may keep one of them.
func (k *Checker) AppendKeyLive(p Perm, st *State, b []byte) []byte {
	q := p.Inverse()
	low := int32(-1)
	for i := range st.Servers {
		if t := st.Servers[i].D.Term; low < 0 || t < low {
			low = t
		}
	}
	b = appendUvarint(b, uint64(k.broken))
	n := 0
	for _, l := range k.leaders {
		if l.Term >= low {
			n++
		}
	}
	b = appendUvarint(b, uint64(n))
	for _, l := range k.leaders {
		if l.Term >= low {
			b = appendInt(b, int64(l.Term))
			b = appendInt(b, int64(p.of(l.Server)))
		}
	}
	for i := range k.votes {
		o := q.old(i)
		vs := k.votes[o]
		if n := len(vs); n > 0 && o < len(st.Servers) && vs[n-1].Term >= st.Servers[o].D.Term {
			b = appendInt(b, int64(vs[n-1].Term))
			b = appendInt(b, int64(p.of(vs[n-1].Server)))
		} else {
			b = append(b, 0)
		}
	}
	b = appendUvarint(b, uint64(len(k.committed)))
	for _, c := range k.committed {
		t := int64(c.LeaderTerm)
		if c.LeaderTerm != 0 && c.LeaderTerm < low {
			t = -1
		}
		b = appendInt(b, t)
		b = appendEntries(b, []Entry{c.Entry})
	}
	return appendEntries(b, k.applied)
}
