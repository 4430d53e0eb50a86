package sim

import (
	"math/bits"
	"math/rand/v2"
	"sort"
)

// Proto is what the world needs from a protocol whose messages have type M
// and whose narration notes have type N. The world owns everything that is
// not the protocol: the in-flight multiset with ids, partitions, drops and
// duplicates, logical time and every node's timers (several kinds per node),
// the seeded scheduler, the trace, the step count and the step hooks. The
// protocol owns its nodes, its god's-eye records and its invariants; its
// handlers report what they do through the World they are given (Send, Arm,
// Stop, Note), never by returning values the world must interpret.
//
// Why generics over the message and note types, and an interface for the
// rest: the in-flight multiset is the world's hottest data (every event
// scans, removes or appends messages) and must hold the protocol's messages
// by value, without boxing or per-message allocation, and the trace must
// keep the protocol's notes as data (each front end renders them in its own
// language), so World is generic in M and N. Everything else is called a
// few times per event (no allocation: the protocol keeps its output
// buffers), so a plain interface is cheap, keeps the protocol's node types
// out of the world's signature, and lets one protocol value (the
// single-decree Sim, the Multi-Paxos MPSim) be both the state front ends
// hold and the protocol the world drives. The single-decree events/s
// benchmark guards the cost of the indirection.
type Proto[M, N any] interface {
	// Nodes is the number of nodes; ids are 0..Nodes()-1, dense.
	Nodes() int
	// Up reports whether node id is running.
	Up(id int) bool
	// Ends returns a message's sender and receiver.
	Ends(m *M) (from, to int)
	// SetID stamps the world's id on a message; MsgID reads it.
	SetID(m *M, id int)
	MsgID(m *M) int
	// Deliver hands m to its receiver, which is up.
	Deliver(m *M, w *World[M, N])
	// Timeout fires timer kind of node id: a due timer (byClock) or a
	// script's `timeout N`. An error means it cannot fire (a script error;
	// nothing changed).
	Timeout(id, kind int, byClock bool, w *World[M, N]) error
	// Crash keeps node id's durable state only; Restart brings it back.
	// An error means the action is impossible (nothing changed).
	Crash(id int, w *World[M, N]) error
	Restart(id int, w *World[M, N]) error
	// AnyChosen reports whether anything is chosen god's-eye (run
	// until=chosen).
	AnyChosen() bool
	// EndStep runs at the end of every event: the protocol's invariants
	// that are judged on the state after the step.
	EndStep(w *World[M, N])
	// WorldNote narrates one of the world's own events in the protocol's
	// note type (called only while tracing).
	WorldNote(k WorldNoteKind, node, peer, n, q int) N
}

// WorldNoteKind names the world's own narration: what happened around the
// nodes rather than in them.
type WorldNoteKind uint8

// The world's notes (arguments of WorldNote in brackets).
const (
	WNoteLost       WorldNoteKind = iota // a message to a down node is lost [to, from, id]
	WNoteDropped                         // the network lost a message [from, to, id]
	WNoteDuplicated                      // a copy is in flight [from, to, new id, old id]
	WNoteTick                            // time advances [_, _, ticks, new time]
	WNoteCrash                           // a node crashed [node]
	WNoteRestart                         // a node restarted [node]
	WNotePartition                       // the network is partitioned [_, _, messages cut]
	WNoteHeal                            // the network is whole again
	WNotePause                           // a node pauses (a GC pause) [node]
	WNoteResume                          // a paused node runs again [node, _, waiting messages]
	WNoteClock                           // a node's clock rate changes [node, _, rate %, clock in hundredths]
)

// MaxTimerKinds bounds the kinds of timer a node may have.
const MaxTimerKinds = 4

// WSent is one message an event sent, with its fate.
type WSent[M any] struct {
	Msg  M
	Fate Fate
}

// WEvent is one step of a World, recorded when World.Trace is set.
type WEvent[M, N any] struct {
	Step int
	// Act is the event in atomic script form (deliver #4, tick 1, crash a2).
	Act Action
	// Msg is the message delivered, dropped or duplicated (ID 0 otherwise).
	Msg M
	// Notes narrate the event, in order.
	Notes []N
	// Sent lists the messages the event sent, in id order.
	Sent []WSent[M]
	// Removed lists in-flight messages the event removed besides Msg
	// (those a partition cut).
	Removed []M
}

// World is the one world around any protocol: see Proto. A protocol's
// state type embeds it. It is not safe for concurrent use.
type World[M, N any] struct {
	// P is the protocol the world drives (the embedding state itself).
	P        Proto[M, N]
	inflight []M // the multiset of messages in the network, in id order
	nextID   int
	now      int
	// kinds is the number of timer kinds per node; timers[id*kinds+kind]
	// is a deadline in ticks (-1: stopped).
	kinds  int
	timers []int
	// group is each node's partition group; all equal when healed.
	group []int8
	rng   rand.PCG
	// nodeRng, made on first use, holds one PCG stream per node for
	// protocols whose timers draw per server (Raft redraws a server's
	// election timeout at every reset: raft.md §3), so that one server's
	// draws never shift another's.
	nodeRng []rand.PCG
	seed    uint64
	step    int
	work    []M // messages to self awaiting handling, in send order
	// cur and tmp hold the message being delivered and the one being
	// sent, so that the protocol's methods get pointers into the world
	// (a pointer to a local would escape through the interface and cost
	// an allocation per event).
	cur, tmp M

	// Trace, when set, receives every event.
	Trace func(*WEvent[M, N])
	ev    *WEvent[M, N]
	// OnStep, when set, is called after every event, with the state
	// consistent (History uses it to take snapshots).
	OnStep func()

	// clock and rate, made on the first SetRate, are each node's clock in
	// hundredths of a tick and its rate in percent of true time (nil: every
	// clock reads true time). paused, made on the first pause, marks nodes
	// in a GC pause. See clock.go.
	clock, rate []int
	paused      []bool
}

// initWorld sets up w, empty, around protocol p with nodes nodes and
// kinds timer kinds per node, seeded.
func (w *World[M, N]) initWorld(p Proto[M, N], nodes, kinds int, seed uint64) {
	*w = World[M, N]{P: p, nextID: 1, kinds: kinds, timers: make([]int, nodes*kinds), group: make([]int8, nodes),
		rng: *rand.NewPCG(seed, seed^0x9e3779b97f4a7c15), seed: seed}
	for i := range w.timers {
		w.timers[i] = -1
	}
}

// cloneWorld makes w's slices its own (after a struct copy) and points it
// at protocol p, without hooks.
func (w *World[M, N]) cloneWorld(p Proto[M, N]) {
	w.P = p
	w.inflight = append([]M(nil), w.inflight...)
	w.timers = append([]int(nil), w.timers...)
	w.group = append([]int8(nil), w.group...)
	w.nodeRng = append([]rand.PCG(nil), w.nodeRng...)
	w.clock = append([]int(nil), w.clock...)
	w.rate = append([]int(nil), w.rate...)
	w.paused = append([]bool(nil), w.paused...)
	w.work = nil
	w.Trace, w.ev, w.OnStep = nil, nil, nil
}

// Timer returns node id's deadline for timer kind (-1: stopped).
func (w *World[M, N]) Timer(id, kind int) int { return w.timers[id*w.kinds+kind] }

// Tracing reports whether events are recorded (protocols skip narration
// otherwise).
func (w *World[M, N]) Tracing() bool { return w.ev != nil }

// Begin starts event number step+1, described by act when tracing.
func (w *World[M, N]) Begin(act Action) {
	w.step++
	if w.Trace != nil {
		w.ev = &WEvent[M, N]{Step: w.step, Act: act}
	}
}

// Abort undoes Begin for an action that failed before changing anything
// (a script error): the step is not taken.
func (w *World[M, N]) Abort() {
	w.step--
	w.ev = nil
}

// End checks the protocol's invariants and hands the event to Trace, then
// to OnStep.
func (w *World[M, N]) End() {
	w.P.EndStep(w)
	if w.ev != nil {
		ev := w.ev
		w.ev = nil
		w.Trace(ev)
	}
	if w.OnStep != nil {
		w.OnStep()
	}
}

// Note narrates the current event (ignored when not tracing).
func (w *World[M, N]) Note(n N) {
	if w.ev != nil {
		w.ev.Notes = append(w.ev.Notes, n)
	}
}

// worldNote narrates one of the world's own events.
func (w *World[M, N]) worldNote(k WorldNoteKind, node, peer, n, q int) {
	if w.ev != nil {
		w.ev.Notes = append(w.ev.Notes, w.P.WorldNote(k, node, peer, n, q))
	}
}

// Send gives m the next id and puts it in flight, or queues it for its
// sender (a message to self, handled after the current handler), or loses
// it (partition, full network).
func (w *World[M, N]) Send(m M) {
	// Stamp and route the copy in the in-flight slice itself: one copy of
	// the message on the common path, and the protocol's methods get a
	// pointer into the world rather than to a local.
	n := len(w.inflight)
	w.inflight = append(w.inflight, m)
	p := &w.inflight[n]
	w.P.SetID(p, w.nextID)
	w.nextID++
	from, to := w.P.Ends(p)
	fate := FateInFlight
	switch {
	case w.group[from] != w.group[to]:
		fate = FateBlocked
	case from == to:
		fate = FateLocal
		w.work = append(w.work, *p)
	case n >= MaxInFlight:
		fate = FateLost
	}
	if w.ev != nil {
		w.ev.Sent = append(w.ev.Sent, WSent[M]{Msg: *p, Fate: fate})
	}
	if fate != FateInFlight {
		w.inflight = w.inflight[:n]
	}
}

// Arm (re)arms timer kind of node id to fire delay ticks from now plus a
// seeded draw in [0, jitter).
func (w *World[M, N]) Arm(id, kind, delay, jitter int) {
	d := w.now + delay
	if jitter > 0 {
		d += w.intn(jitter)
	}
	w.timers[id*w.kinds+kind] = d
}

// ArmOwn (re)arms timer kind of node id to fire after a delay drawn
// uniformly from [lo, hi] on node id's own stream (see nodeRng).
func (w *World[M, N]) ArmOwn(id, kind, lo, hi int) {
	if w.nodeRng == nil {
		w.nodeRng = make([]rand.PCG, len(w.group))
		for i := range w.nodeRng {
			w.nodeRng[i] = *rand.NewPCG(w.seed, uint64(i+1)*0x9e3779b97f4a7c15)
		}
	}
	d := lo
	if hi > lo {
		d += intnFrom(&w.nodeRng[id], hi-lo+1)
	}
	w.timers[id*w.kinds+kind] = w.now + d
}

// Stop stops timer kind of node id.
func (w *World[M, N]) Stop(id, kind int) { w.timers[id*w.kinds+kind] = -1 }

// StopAll stops every timer of node id (a crash).
func (w *World[M, N]) StopAll(id int) {
	for k := range w.kinds {
		w.timers[id*w.kinds+k] = -1
	}
}

// Drain handles messages to self, first in, first out.
func (w *World[M, N]) Drain() {
	for i := 0; i < len(w.work); i++ {
		// The handler may append to work: index it afresh every time.
		if _, to := w.P.Ends(&w.work[i]); w.P.Up(to) {
			w.cur = w.work[i]
			w.P.Deliver(&w.cur, w)
		}
	}
	w.work = w.work[:0]
}

// IndexOf finds message id in flight (-1: none).
func (w *World[M, N]) IndexOf(id int) int {
	i := sort.Search(len(w.inflight), func(i int) bool { return w.P.MsgID(&w.inflight[i]) >= id })
	if i < len(w.inflight) && w.P.MsgID(&w.inflight[i]) == id {
		return i
	}
	return -1
}

func (w *World[M, N]) remove(i int) {
	copy(w.inflight[i:], w.inflight[i+1:])
	w.inflight = w.inflight[:len(w.inflight)-1]
}

// DeliverAt delivers in-flight message i as one event.
func (w *World[M, N]) DeliverAt(i int) {
	w.cur = w.inflight[i]
	w.remove(i)
	m := &w.cur
	id := w.P.MsgID(m)
	w.Begin(Action{Kind: ActDeliver, Sel: Selector{ID: id}})
	if w.ev != nil {
		w.ev.Msg = *m
	}
	from, to := w.P.Ends(m)
	if !w.P.Up(to) {
		w.worldNote(WNoteLost, to, from, id, 0)
	} else {
		w.P.Deliver(m, w)
		w.Drain()
	}
	w.End()
}

// DropAt loses in-flight message i as one event.
func (w *World[M, N]) DropAt(i int) {
	w.cur = w.inflight[i]
	w.remove(i)
	m := &w.cur
	id := w.P.MsgID(m)
	w.Begin(Action{Kind: ActDrop, Sel: Selector{ID: id}})
	if w.ev != nil {
		w.ev.Msg = *m
	}
	from, to := w.P.Ends(m)
	w.worldNote(WNoteDropped, from, to, id, 0)
	w.End()
}

// DupAt duplicates in-flight message i as one event: the copy takes the
// next id.
func (w *World[M, N]) DupAt(i int) {
	w.cur = w.inflight[i]
	id := w.P.MsgID(&w.cur)
	w.Begin(Action{Kind: ActDup, Sel: Selector{ID: id}})
	if w.ev != nil {
		w.ev.Msg = w.cur
	}
	w.tmp = w.cur
	w.P.SetID(&w.tmp, w.nextID)
	w.nextID++
	w.inflight = append(w.inflight, w.tmp)
	from, to := w.P.Ends(&w.cur)
	w.worldNote(WNoteDuplicated, from, to, w.P.MsgID(&w.tmp), id)
	if w.ev != nil {
		w.ev.Sent = append(w.ev.Sent, WSent[M]{Msg: w.tmp, Fate: FateInFlight})
	}
	w.End()
}

// Fire runs a script's `timeout N` (timer kind of node id) as one event;
// on an error nothing changed and no step was taken.
func (w *World[M, N]) Fire(id, kind int) error {
	w.Begin(Action{Kind: ActTimeout, Node: nodeID(id)})
	old := w.timers[id*w.kinds+kind]
	w.timers[id*w.kinds+kind] = -1
	if err := w.P.Timeout(id, kind, false, w); err != nil {
		w.timers[id*w.kinds+kind] = old
		w.Abort()
		return err
	}
	w.Drain()
	w.End()
	return nil
}

// Tick advances time n ticks as one event, firing due timers in order of
// deadline, then node, then kind.
func (w *World[M, N]) Tick(n int) {
	w.Begin(Action{Kind: ActTick, N: n})
	w.tick(n)
	w.End()
}

func (w *World[M, N]) tick(n int) {
	target := w.now + n
	w.worldNote(WNoteTick, 0, 0, n, target)
	for {
		i, d := w.nextDeadline()
		if i < 0 || d > target {
			break
		}
		w.advance(max(d, w.now))
		w.timers[i] = -1
		if w.P.Timeout(i/w.kinds, i%w.kinds, true, w) == nil {
			w.Drain()
		}
	}
	w.advance(target)
}

// nextDeadline returns the timer slot due first (lowest node, then kind,
// on a tie), or -1.
func (w *World[M, N]) nextDeadline() (int, int) {
	best, bd := -1, 0
	if w.paused != nil {
		return w.nextDeadlineUnpaused()
	}
	for i, d := range w.timers {
		if d >= 0 && (best < 0 || d < bd) {
			best, bd = i, d
		}
	}
	return best, bd
}

// timersArmed reports whether any timer is running.
func (w *World[M, N]) timersArmed() bool {
	if w.paused != nil {
		return w.timersArmedUnpaused()
	}
	for _, d := range w.timers {
		if d >= 0 {
			return true
		}
	}
	return false
}

// CrashNode crashes node id as one event: it keeps its durable state, its
// timers stop. On an error nothing changed and no step was taken.
func (w *World[M, N]) CrashNode(id int) error {
	w.Begin(Action{Kind: ActCrash, Node: nodeID(id)})
	if err := w.P.Crash(id, w); err != nil {
		w.Abort()
		return err
	}
	w.StopAll(id)
	w.worldNote(WNoteCrash, id, 0, 0, 0)
	w.End()
	return nil
}

// RestartNode restarts node id as one event. On an error nothing changed
// and no step was taken.
func (w *World[M, N]) RestartNode(id int) error {
	w.Begin(Action{Kind: ActRestart, Node: nodeID(id)})
	if err := w.P.Restart(id, w); err != nil {
		w.Abort()
		return err
	}
	w.worldNote(WNoteRestart, id, 0, 0, 0)
	w.Drain()
	w.End()
	return nil
}

// Partition splits the network (g: a group per node) as one event, act
// being the script's partition; the messages crossing it are lost.
func (w *World[M, N]) Partition(g []int8, act Action) {
	w.Begin(act)
	copy(w.group, g)
	cut := 0
	kept := w.inflight[:0]
	for j := range w.inflight {
		from, to := w.P.Ends(&w.inflight[j])
		if w.group[from] != w.group[to] {
			cut++
			if w.ev != nil {
				w.ev.Removed = append(w.ev.Removed, w.inflight[j])
			}
			continue
		}
		kept = append(kept, w.inflight[j])
	}
	var zero M
	for i := len(kept); i < len(w.inflight); i++ {
		w.inflight[i] = zero
	}
	w.inflight = kept
	w.worldNote(WNotePartition, 0, 0, cut, 0)
	w.End()
}

// Heal joins the network again as one event.
func (w *World[M, N]) Heal() {
	w.Begin(Action{Kind: ActHeal})
	clear(w.group)
	w.worldNote(WNoteHeal, 0, 0, 0, 0)
	w.End()
}

// partitioned reports whether the network is partitioned.
func (w *World[M, N]) partitioned() bool {
	for _, g := range w.group {
		if g != w.group[0] {
			return true
		}
	}
	return false
}

// RunOne lets the scheduler take one event, exactly as Sim's run does:
// deliver (or at the given rates drop or duplicate) a uniformly chosen
// in-flight message, or let one tick pass; with nothing in flight, time
// jumps to the next deadline.
func (w *World[M, N]) RunOne(dropPM, dupPM int) bool {
	if w.paused != nil && w.anyPaused() {
		return w.runOneWaiting(dropPM, dupPM)
	}
	k := len(w.inflight)
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
	if dropPM+dupPM > 0 {
		r := w.intn(1000)
		switch {
		case r < dropPM:
			w.DropAt(i)
			return true
		case r < dropPM+dupPM && k < MaxInFlight:
			w.DupAt(i)
			return true
		}
	}
	w.DeliverAt(i)
	return true
}

// Run is the scheduler: at most max events, stopping early on until.
func (w *World[M, N]) Run(max int, until Until, dropPM, dupPM int) int {
	start := w.step
	for n := 0; n < max; n++ {
		if until == UntilChosen && w.P.AnyChosen() || until == UntilQuiet && (len(w.inflight) == 0 || w.paused != nil && w.deliverable() == 0) {
			break
		}
		if !w.RunOne(dropPM, dupPM) {
			break
		}
	}
	return w.step - start
}

// intn returns a uniform int in [0, n) from the world's PCG stream (the
// same algorithm as Sim.intn).
func (w *World[M, N]) intn(n int) int { return intnFrom(&w.rng, n) }

// intnFrom draws a uniform int in [0, n) from r.
func intnFrom(r *rand.PCG, n int) int {
	un := uint64(n)
	for {
		hi, lo := bits.Mul64(r.Uint64(), un)
		if lo < un {
			thresh := -un % un
			if lo < thresh {
				continue
			}
		}
		return int(hi)
	}
}
