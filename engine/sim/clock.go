package sim

// Node clocks and GC pauses (multipaxos.md §3.3): true time (now) moves
// only on tick; each node's clock then gains rate/100 of it, so clocks
// disagree as soon as one rate differs from 100. A paused node handles
// nothing and fires no timer while its clock runs on; the mail sent to it
// waits in flight until it resumes. Both are inputs of the adversary, as
// a partition is: nothing here draws from the seeded streams, and a world
// that never sets a rate or pauses a node runs exactly as before.

// ClockUnit is the number of clock units in one tick: clocks count
// hundredths of a tick, so that rates in percent stay exact.
const ClockUnit = 100

// Clock returns node id's clock in hundredths of a tick.
func (w *World[M, N]) Clock(id int) int {
	if w.clock == nil {
		return w.now * ClockUnit
	}
	return w.clock[id]
}

// Rate returns node id's clock rate in percent of true time.
func (w *World[M, N]) Rate(id int) int {
	if w.rate == nil {
		return 100
	}
	return w.rate[id]
}

// ClocksSet reports whether any clock has ever run at a rate other than
// 100 (until then every clock reads true time).
func (w *World[M, N]) ClocksSet() bool { return w.clock != nil }

// Now returns true time in ticks.
func (w *World[M, N]) Now() int { return w.now }

// advance moves true time to t (t ≥ now), every clock at its rate.
func (w *World[M, N]) advance(t int) {
	if w.clock != nil {
		for i := range w.clock {
			w.clock[i] += (t - w.now) * w.rate[i]
		}
	}
	w.now = t
}

// SetRate makes node id's clock run at rate percent of true time from now
// on, as one event described by act.
func (w *World[M, N]) SetRate(id, rate int, act Action) {
	w.Begin(act)
	if w.clock == nil {
		w.clock = make([]int, len(w.group))
		w.rate = make([]int, len(w.group))
		for i := range w.clock {
			w.clock[i] = w.now * ClockUnit
			w.rate[i] = 100
		}
	}
	w.rate[id] = rate
	w.worldNote(WNoteClock, id, 0, rate, w.clock[id])
	w.End()
}

// Paused reports whether node id is in a GC pause.
func (w *World[M, N]) Paused(id int) bool { return w.paused != nil && w.paused[id] }

// anyPaused reports whether some node is paused.
func (w *World[M, N]) anyPaused() bool {
	for _, p := range w.paused {
		if p {
			return true
		}
	}
	return false
}

// Pause stops node id (up, not paused: the caller checks) as one event
// described by act: it handles nothing and fires no timer until Resume;
// its state and clock are kept.
func (w *World[M, N]) Pause(id int, act Action) {
	w.Begin(act)
	if w.paused == nil {
		w.paused = make([]bool, len(w.group))
	}
	w.paused[id] = true
	w.worldNote(WNotePause, id, 0, 0, 0)
	w.End()
}

// Resume ends node id's pause as one event described by act. Its overdue
// timers fire at the next tick; its waiting mail can be delivered again.
func (w *World[M, N]) Resume(id int, act Action) {
	w.Begin(act)
	w.paused[id] = false
	w.worldNote(WNoteResume, id, 0, w.waiting(id), 0)
	w.End()
}

// Unpause ends node id's pause without an event (a crash ends it).
func (w *World[M, N]) Unpause(id int) {
	if w.paused != nil {
		w.paused[id] = false
	}
}

// waiting counts the messages in flight to node id.
func (w *World[M, N]) waiting(id int) int {
	n := 0
	for i := range w.inflight {
		if _, to := w.P.Ends(&w.inflight[i]); to == id {
			n++
		}
	}
	return n
}

// Deliverable reports whether in-flight message i may be delivered now
// (its receiver is not paused).
func (w *World[M, N]) Deliverable(i int) bool {
	if w.paused == nil {
		return true
	}
	_, to := w.P.Ends(&w.inflight[i])
	return !w.paused[to]
}

// deliverable counts the in-flight messages that may be delivered now.
func (w *World[M, N]) deliverable() int {
	if !w.anyPaused() {
		return len(w.inflight)
	}
	n := 0
	for i := range w.inflight {
		if w.Deliverable(i) {
			n++
		}
	}
	return n
}

// runOneWaiting is RunOne while some node is paused: the scheduler picks
// only among the messages that may be delivered.
func (w *World[M, N]) runOneWaiting(dropPM, dupPM int) bool {
	var idx []int
	for i := range w.inflight {
		if w.Deliverable(i) {
			idx = append(idx, i)
		}
	}
	k := len(idx)
	armed := w.timersArmed()
	if k == 0 {
		if !armed {
			return false
		}
		_, d := w.nextDeadline()
		w.Tick(max(d-w.now, 1))
		return true
	}
	c := k
	if armed {
		c++
	}
	i := w.intn(c)
	if i == k {
		w.Tick(1)
		return true
	}
	i = idx[i]
	if dropPM+dupPM > 0 {
		r := w.intn(1000)
		switch {
		case r < dropPM:
			w.DropAt(i)
			return true
		case r < dropPM+dupPM && len(w.inflight) < MaxInFlight:
			w.DupAt(i)
			return true
		}
	}
	w.DeliverAt(i)
	return true
}

// nextDeadlineUnpaused is nextDeadline skipping paused nodes' timers (kept
// apart so that the common path stays a plain scan).
func (w *World[M, N]) nextDeadlineUnpaused() (int, int) {
	best, bd := -1, 0
	for i, d := range w.timers {
		if d >= 0 && (best < 0 || d < bd) && !w.paused[i/w.kinds] {
			best, bd = i, d
		}
	}
	return best, bd
}

// timersArmedUnpaused is timersArmed counting only running nodes' timers.
func (w *World[M, N]) timersArmedUnpaused() bool {
	for i, d := range w.timers {
		if d >= 0 && !w.paused[i/w.kinds] {
			return true
		}
	}
	return false
}
