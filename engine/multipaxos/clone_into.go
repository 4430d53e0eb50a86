package multipaxos

// Copies into existing values, for model checkers that make a state a
// copy of another many times a second: each CloneInto leaves its
// destination equal to what Clone returns, reusing the destination's
// buffers instead of allocating new ones. The destination must own its
// buffers (a value made by Clone, NewState/NewChecker or an earlier
// CloneInto, none of whose slices another live value shares): they are
// overwritten.

// cloneSliceInto returns cloneSlice(src), in dst's buffer when it is
// large enough.
func cloneSliceInto[T any](dst, src []T) []T {
	if src == nil {
		return nil
	}
	if dst == nil {
		dst = make([]T, 0, len(src))
	}
	return append(dst[:0], src...)
}

// appendNilInto returns append([]T(nil), src...), in dst's buffer when it
// is large enough.
func appendNilInto[T any](dst, src []T) []T {
	if len(src) == 0 {
		return nil
	}
	return append(dst[:0], src...)
}

// cloneInto makes p a copy of src, as src.Clone() would return but for
// keeping p's buffers where src has none (only pages.go sees the
// difference between a nil and an empty page, and it makes none).
func (p *Pages[T]) cloneInto(src *Pages[T]) {
	p.head, p.n = append(p.head[:0], src.head...), src.n
	if src.tail == nil {
		p.tail = p.tail[:0]
		return
	}
	old := p.tail
	if old == nil {
		old = make([][]T, 0, len(src.tail))
	}
	t := old[:0]
	for i, pg := range src.tail {
		var d []T
		if i < len(old) {
			d = old[i]
		}
		t = append(t, cloneSliceInto(d, pg))
	}
	p.tail = t
}

// CloneInto makes d a deep copy of s, as s.Clone() would return.
func (s *Server) CloneInto(d *Server) {
	old := *d
	*d = *s
	d.D.Votes = old.D.Votes
	d.D.Votes.cloneInto(&s.D.Votes)
	d.V.Adopt = cloneSliceInto(old.V.Adopt, s.V.Adopt)
	d.V.Queue = cloneSliceInto(old.V.Queue, s.V.Queue)
	d.V.Taken = cloneSliceInto(old.V.Taken, s.V.Taken)
	d.V.Slots = old.V.Slots
	d.V.Slots.cloneInto(&s.V.Slots)
	d.V.Props = old.V.Props
	d.V.Props.cloneInto(&s.V.Props)
	d.V.KV = KV{pairs: s.V.KV.pairs}
	if s.V.KV.pairs != nil {
		d.V.KV.pairs = appendNilInto(old.V.KV.pairs, s.V.KV.pairs)
	}
	d.V.Sessions = cloneSliceInto(old.V.Sessions, s.V.Sessions)
	d.V.Acked = cloneSliceInto(old.V.Acked, s.V.Acked)
	d.V.Sent = cloneSliceInto(old.V.Sent, s.V.Sent)
	d.V.Reads = cloneSliceInto(old.V.Reads, s.V.Reads)
	d.V.Locks = s.V.Locks.clone()
}

// CloneInto makes d a deep copy of st, as st.Clone() would return.
func (st *State) CloneInto(d *State) {
	if len(d.Servers) != len(st.Servers) {
		d.Servers = make([]Server, len(st.Servers))
	}
	for i := range st.Servers {
		st.Servers[i].CloneInto(&d.Servers[i])
	}
	d.Clients = appendNilInto(d.Clients, st.Clients)
	d.Lock = nil
	if st.Lock != nil {
		d.Lock = st.Lock.clone()
	}
}

// CloneInto makes d an independent copy of k, as k.Clone() would return.
func (k *Checker) CloneInto(d *Checker) {
	old := *d
	*d = *k
	// The first slots' records beyond t0, d's own, are reused.
	var spare [16]*slotMore
	for i := range min(old.slots.Len(), len(spare)) {
		spare[i] = old.slots.At(i).x
	}
	d.slots = old.slots
	d.slots.cloneInto(&k.slots)
	for i := range d.slots.Len() {
		if s := d.slots.At(i); s.x != nil {
			x := new(slotMore)
			if i < len(spare) && spare[i] != nil {
				x = spare[i]
			}
			tallies, chosen := x.tallies, x.chosen
			*x = *s.x
			x.tallies = cloneSliceInto(tallies, s.x.tallies)
			x.chosen = cloneSliceInto(chosen, s.x.chosen)
			s.x = x
		}
	}
	d.servers = old.servers
	if len(d.servers) != len(k.servers) {
		d.servers = make([]serverRecord, len(k.servers))
	}
	for i, s := range k.servers {
		applied := d.servers[i].applied
		d.servers[i] = s
		if len(applied) != len(s.applied) {
			applied = make([][]uint64, len(s.applied))
		}
		for j, a := range s.applied {
			applied[j] = cloneSliceInto(applied[j], a)
		}
		d.servers[i].applied = applied
	}
	d.issued = old.issued
	if len(d.issued) != len(k.issued) {
		d.issued = make([]Pages[Cmd], len(k.issued))
	}
	for i := range k.issued {
		d.issued[i].cloneInto(&k.issued[i])
	}
	d.lin = old.lin
	k.lin.cloneInto(&d.lin)
	d.fenced = cloneSliceInto(old.fenced, k.fenced)
	d.found = cloneSliceInto(old.found, k.found)
}

// cloneInto makes d a copy of l, as l.clone() would return (the scratch
// space, which responses only need, left empty as clone leaves it).
func (l *linChecker) cloneInto(d *linChecker) {
	d.broken = l.broken
	d.stack, d.seen, d.spare = nil, nil, nil
	if d.keys == nil {
		d.keys = make(map[string]*keyHistory, len(l.keys))
	}
	for k := range d.keys {
		if _, ok := l.keys[k]; !ok {
			delete(d.keys, k)
		}
	}
	for k, h := range l.keys {
		e := d.keys[k]
		if e == nil {
			e = new(keyHistory)
			d.keys[k] = e
		}
		old := *e
		*e = *h
		e.configs = cloneSliceInto(old.configs, h.configs)
		e.past = cloneSliceInto(old.past, h.past)
		e.init = cloneSliceInto(old.init, h.init)
		e.ops = cloneSliceInto(old.ops, h.ops)
		e.events = cloneSliceInto(old.events, h.events)
	}
}
