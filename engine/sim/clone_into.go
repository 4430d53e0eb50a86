package sim

// Fast paths for model checkers, which copy a state and step it many
// times a second. CloneInto leaves its destination equal to what Clone
// returns (see multipaxos/clone_into.go), reusing the destination's
// buffers. The destination must own its buffers (made by Clone or an
// earlier CloneInto, and no other live simulation shares them): they are
// overwritten.

// appendNilInto returns append([]T(nil), src...), in dst's buffer when it
// is large enough.
func appendNilInto[T any](dst, src []T) []T {
	if len(src) == 0 {
		return nil
	}
	return append(dst[:0], src...)
}

// cloneWorldInto makes w a copy of src pointing at protocol p, as a struct
// copy followed by cloneWorld would, in w's buffers.
func (w *World[M, N]) cloneWorldInto(src *World[M, N], p Proto[M, N]) {
	old := *w
	*w = *src
	w.P = p
	w.inflight = appendNilInto(old.inflight, src.inflight)
	w.timers = appendNilInto(old.timers, src.timers)
	w.group = appendNilInto(old.group, src.group)
	w.nodeRng = appendNilInto(old.nodeRng, src.nodeRng)
	w.clock = appendNilInto(old.clock, src.clock)
	w.rate = appendNilInto(old.rate, src.rate)
	w.paused = appendNilInto(old.paused, src.paused)
	w.work = nil
	w.Trace, w.ev, w.OnStep = nil, nil, nil
}

// cloneInto makes d a copy of p, as p.clone() would return, keeping d's
// output buffer (reset).
func (p *mpProto) cloneInto(d *mpProto) {
	d.cfg, d.reported = p.cfg, p.reported
	p.st.CloneInto(&d.st)
	if d.k == nil {
		d.k = p.k.Clone()
	} else {
		p.k.CloneInto(d.k)
	}
	if len(d.replies) != len(p.replies) {
		d.replies = make([][]mpReply, len(p.replies))
	}
	for i := range p.replies {
		d.replies[i] = appendNilInto(d.replies[i], p.replies[i])
	}
	d.out.Reset()
	d.out.Quiet, d.out.Clock = false, 0
}

// CloneInto makes dst an independent copy of s (without its Trace hook),
// as s.Clone() would return, reusing dst's buffers, and returns dst; a
// nil dst gets s.Clone().
func (s *MPSim) CloneInto(dst *MPSim) *MPSim {
	if dst == nil {
		return s.Clone()
	}
	s.p.cloneInto(dst.p)
	dst.W.cloneWorldInto(s.W, dst.p)
	dst.cl = s.cl
	return dst
}

// cloneInto makes d a copy of p, as p.clone() would return, keeping d's
// output buffer (reset).
func (p *raftProto) cloneInto(d *raftProto) {
	d.cfg, d.reported = p.cfg, p.reported
	p.st.CloneInto(&d.st)
	if d.k == nil {
		d.k = p.k.Clone()
	} else {
		p.k.CloneInto(d.k)
	}
	d.out.Reset()
	d.out.Quiet = false
}

// CloneInto makes dst an independent copy of s (without its Trace hook),
// as s.Clone() would return, reusing dst's buffers, and returns dst; a
// nil dst gets s.Clone().
func (s *RaftSim) CloneInto(dst *RaftSim) *RaftSim {
	if dst == nil {
		return s.Clone()
	}
	s.p.cloneInto(dst.p)
	dst.W.cloneWorldInto(s.W, dst.p)
	dst.cl = s.cl
	return dst
}

// actOnID performs `k #id` (k deliver, drop or dup) as checkCommon and
// applyCommon do, without building the Action (which escapes: an
// allocation per step of a model checker). It returns false, having done
// nothing, when the action would be refused: the caller then takes the
// common path, which says why. In-flight messages are in id order, each
// id once.
func (w *World[M, N]) actOnID(k Kind, id int) bool {
	i := w.IndexOf(id)
	if i < 0 || k == ActDeliver && !w.Deliverable(i) || k == ActDup && len(w.inflight)+1 > MaxInFlight {
		return false
	}
	switch k {
	case ActDeliver:
		w.DeliverAt(i)
	case ActDrop:
		w.DropAt(i)
	case ActDup:
		w.DupAt(i)
	default:
		return false
	}
	return true
}
