package raft

// Copies into existing values, for model checkers that make a state a
// copy of another many times a second: each CloneInto leaves its
// destination equal to what Clone returns, reusing the destination's
// buffers instead of allocating new ones. The destination must own its
// buffers (a value made by Clone, NewState/NewChecker or an earlier
// CloneInto, none of whose arrays another live value, a message say,
// shares): they are overwritten.

// cloneSliceInto returns a copy of src in dst's buffer when it is large
// enough. Unlike cloneSlice it keeps dst's buffer (empty) for a nil src:
// no code of the package tells a nil slice from an empty one, and a
// server's first entry would otherwise allocate a log in every copy.
func cloneSliceInto[T any](dst, src []T) []T {
	if dst == nil && src != nil {
		dst = make([]T, 0, len(src))
	}
	return append(dst[:0], src...)
}

// CloneInto makes d a deep copy of s, as s.Clone() would return.
func (s *Server) CloneInto(d *Server) {
	log, next, match := d.D.Log, d.V.NextIndex, d.V.MatchIndex
	*d = *s
	d.D.Log = cloneSliceInto(log, s.D.Log)
	d.V.NextIndex = cloneSliceInto(next, s.V.NextIndex)
	d.V.MatchIndex = cloneSliceInto(match, s.V.MatchIndex)
}

// CloneInto makes d a deep copy of st, as st.Clone() would return.
func (st *State) CloneInto(d *State) {
	if len(d.Servers) != len(st.Servers) || d.Servers == nil {
		d.Servers = make([]Server, len(st.Servers))
	}
	for i := range st.Servers {
		st.Servers[i].CloneInto(&d.Servers[i])
	}
}

// CloneInto makes d an independent copy of k, as k.Clone() would return.
func (k *Checker) CloneInto(d *Checker) {
	old := *d
	*d = *k
	d.logs = old.logs
	if len(d.logs) != len(k.logs) || d.logs == nil {
		d.logs = make([][]Entry, len(k.logs))
	}
	for i, l := range k.logs {
		d.logs[i] = cloneSliceInto(d.logs[i], l)
	}
	d.term = cloneSliceInto(old.term, k.term)
	d.leading = cloneSliceInto(old.leading, k.leading)
	d.votes = old.votes
	if len(d.votes) != len(k.votes) || d.votes == nil {
		d.votes = make([][]termServer, len(k.votes))
	}
	for i, v := range k.votes {
		d.votes[i] = cloneSliceInto(d.votes[i], v)
	}
	d.leaders = cloneSliceInto(old.leaders, k.leaders)
	d.committed = cloneSliceInto(old.committed, k.committed)
	d.applied = cloneSliceInto(old.applied, k.applied)
	d.found = cloneSliceInto(old.found, k.found)
}
