package sim

import (
	"math/bits"
	"math/rand/v2"
	"sort"
	"strconv"
)

// Proto is what the world needs from a protocol, for a protocol whose
// messages have type M. The world owns everything that is not the
// protocol: the in-flight multiset with ids, partitions, drops and
// duplicates, logical time and every node's timers (several kinds per
// node), the seeded scheduler, the trace and the step count. The protocol
// owns its nodes, its god's-eye records and its invariants; its handlers
// report what they do through the World they are given (Send, Arm, Stop,
// Note, Violate), never by returning values the world must interpret.
//
// Why generics over the message type and an interface for the rest: the
// in-flight multiset is the world's hottest data (every event scans,
// removes or appends messages) and must hold the protocol's messages by
// value, without boxing or per-message allocation, so World is generic in
// M. Everything else is called once per handler (a few indirect calls per
// event, no allocation: the protocol keeps its output buffers), so a plain
// interface is cheap, keeps the protocol's node type out of the world's
// signature and lets front ends hold any protocol's world behind one
// non-generic facade (Runner).
type Proto[M any] interface {
	// Nodes is the number of nodes; ids are 0..Nodes()-1, dense.
	Nodes() int
	// Name names node id ("s1", "c2"); Lookup is its inverse.
	Name(id int) string
	Lookup(name string) (int, bool)
	// Up reports whether node id is running.
	Up(id int) bool
	// Ends returns a message's sender and receiver.
	Ends(m *M) (from, to int)
	// SetID stamps the world's id on a message; MsgID reads it.
	SetID(m *M, id int)
	MsgID(m *M) int
	// Describe renders a message in script syntax (with "#N " when its id
	// is not zero).
	Describe(m *M) string
	// Deliver hands m to its receiver, which is up.
	Deliver(m *M, w *World[M])
	// Timeout fires timer kind of node id (a script's `timeout N`, or a
	// due timer). An error means it cannot fire (a script error).
	Timeout(id, kind int, w *World[M]) error
	// Crash keeps node id's durable state only; Restart brings it back.
	Crash(id int, w *World[M]) error
	Restart(id int, w *World[M]) error
	// AnyChosen reports whether anything is chosen god's-eye (run
	// until=chosen).
	AnyChosen() bool
}

// TimerKinds bounds the kinds of timer a node may have.
const TimerKinds = 4

// WSent is one message an event sent, with its fate.
type WSent[M any] struct {
	Msg  M
	Fate Fate
}

// WEvent is one step of a World, recorded when World.Trace is set.
type WEvent[M any] struct {
	Step int
	// Act is the event in atomic script form (deliver #4, tick 1, crash s2).
	Act string
	// Msg is the message delivered, dropped or duplicated (HasMsg).
	Msg    M
	HasMsg bool
	// Notes narrate the event, in order (English).
	Notes []string
	// Sent lists the messages the event sent, in id order; Removed those a
	// partition cut.
	Sent    []WSent[M]
	Removed []M
}

// World is the one world around any protocol: see Proto. It is not safe
// for concurrent use.
type World[M any] struct {
	P        Proto[M]
	inflight []M
	nextID   int
	now      int
	// timers[id*TimerKinds+kind] is a deadline in ticks (-1: stopped).
	timers []int
	group  []int8
	rng    rand.PCG
	step   int
	work   []M // messages to self awaiting handling, in send order

	// Trace, when set, receives every event.
	Trace func(*WEvent[M])
	ev    *WEvent[M]
}

// NewWorld returns a world around protocol p (its initial state), seeded.
func NewWorld[M any](p Proto[M], seed uint64) *World[M] {
	n := p.Nodes()
	w := &World[M]{P: p, nextID: 1, timers: make([]int, n*TimerKinds), group: make([]int8, n),
		rng: *rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)}
	for i := range w.timers {
		w.timers[i] = -1
	}
	return w
}

// CloneWorld copies w's world part around protocol state p (the caller
// clones the protocol), without its Trace hook.
func (w *World[M]) CloneWorld(p Proto[M]) *World[M] {
	c := *w
	c.P = p
	c.inflight = append([]M(nil), w.inflight...)
	c.timers = append([]int(nil), w.timers...)
	c.group = append([]int8(nil), w.group...)
	c.work = nil
	c.Trace, c.ev = nil, nil
	return &c
}

// Step returns the number of events so far; Now logical time.
func (w *World[M]) Step() int { return w.step }

// Now returns logical time in ticks.
func (w *World[M]) Now() int { return w.now }

// InFlight returns the in-flight messages in id order (do not modify).
func (w *World[M]) InFlight() []M { return w.inflight }

// Timer returns node id's deadline for timer kind (-1: stopped).
func (w *World[M]) Timer(id, kind int) int { return w.timers[id*TimerKinds+kind] }

// Tracing reports whether events are recorded (protocols skip narration
// otherwise).
func (w *World[M]) Tracing() bool { return w.ev != nil }

// Begin starts event number Step()+1; SetAct describes it when tracing.
func (w *World[M]) Begin() {
	w.step++
	if w.Trace != nil {
		w.ev = &WEvent[M]{Step: w.step}
	}
}

// Abort undoes Begin for an action that failed before changing anything
// (a script error): the step is not taken.
func (w *World[M]) Abort() {
	w.step--
	w.ev = nil
}

// SetAct sets the current event's atomic script form (when tracing).
func (w *World[M]) SetAct(act string) {
	if w.ev != nil {
		w.ev.Act = act
	}
}

// End hands the event to Trace.
func (w *World[M]) End() {
	if w.ev != nil {
		ev := w.ev
		w.ev = nil
		w.Trace(ev)
	}
}

// Note narrates the current event (ignored when not tracing).
func (w *World[M]) Note(text string) {
	if w.ev != nil {
		w.ev.Notes = append(w.ev.Notes, text)
	}
}

// Send gives m the next id and puts it in flight, or queues it for its
// sender (a message to self, handled after the current handler), or loses
// it (partition, full network).
func (w *World[M]) Send(m M) {
	w.P.SetID(&m, w.nextID)
	w.nextID++
	from, to := w.P.Ends(&m)
	fate := FateInFlight
	switch {
	case w.group[from] != w.group[to]:
		fate = FateBlocked
	case from == to:
		fate = FateLocal
		w.work = append(w.work, m)
	case len(w.inflight) >= MaxInFlight:
		fate = FateLost
	default:
		w.inflight = append(w.inflight, m)
	}
	if w.ev != nil {
		w.ev.Sent = append(w.ev.Sent, WSent[M]{Msg: m, Fate: fate})
	}
}

// Arm (re)arms timer kind of node id to fire delay ticks from now plus a
// seeded draw in [0, jitter).
func (w *World[M]) Arm(id, kind, delay, jitter int) {
	d := w.now + delay
	if jitter > 0 {
		d += w.intn(jitter)
	}
	w.timers[id*TimerKinds+kind] = d
}

// Stop stops timer kind of node id.
func (w *World[M]) Stop(id, kind int) { w.timers[id*TimerKinds+kind] = -1 }

// StopAll stops every timer of node id (a crash).
func (w *World[M]) StopAll(id int) {
	for k := range TimerKinds {
		w.timers[id*TimerKinds+k] = -1
	}
}

// Drain handles messages to self, first in, first out.
func (w *World[M]) Drain() {
	for i := 0; i < len(w.work); i++ {
		m := w.work[i]
		if _, to := w.P.Ends(&m); w.P.Up(to) {
			w.P.Deliver(&m, w)
		}
	}
	w.work = w.work[:0]
}

// IndexOf finds message id in flight (-1: none).
func (w *World[M]) IndexOf(id int) int {
	i := sort.Search(len(w.inflight), func(i int) bool { return w.P.MsgID(&w.inflight[i]) >= id })
	if i < len(w.inflight) && w.P.MsgID(&w.inflight[i]) == id {
		return i
	}
	return -1
}

func (w *World[M]) remove(i int) M {
	m := w.inflight[i]
	copy(w.inflight[i:], w.inflight[i+1:])
	var zero M
	w.inflight[len(w.inflight)-1] = zero
	w.inflight = w.inflight[:len(w.inflight)-1]
	return m
}

func (w *World[M]) beginMsg(verb string, i int) {
	w.Begin()
	if w.ev != nil {
		w.ev.Act = verb + " #" + strconv.Itoa(w.P.MsgID(&w.inflight[i]))
	}
}

// DeliverAt delivers in-flight message i as one event.
func (w *World[M]) DeliverAt(i int) {
	w.beginMsg("deliver", i)
	m := w.remove(i)
	if w.ev != nil {
		w.ev.Msg, w.ev.HasMsg = m, true
	}
	_, to := w.P.Ends(&m)
	if !w.P.Up(to) {
		if w.ev != nil {
			w.Note(w.P.Name(to) + " is down: the message is lost")
		}
	} else {
		w.P.Deliver(&m, w)
		w.Drain()
	}
	w.End()
}

// DropAt loses in-flight message i as one event.
func (w *World[M]) DropAt(i int) {
	w.beginMsg("drop", i)
	m := w.remove(i)
	if w.ev != nil {
		w.ev.Msg, w.ev.HasMsg = m, true
		w.Note("the network loses #" + strconv.Itoa(w.P.MsgID(&m)))
	}
	w.End()
}

// DupAt duplicates in-flight message i as one event.
func (w *World[M]) DupAt(i int) {
	w.beginMsg("dup", i)
	m := w.inflight[i]
	c := m
	w.P.SetID(&c, w.nextID)
	w.nextID++
	w.inflight = append(w.inflight, c)
	if w.ev != nil {
		w.ev.Msg, w.ev.HasMsg = m, true
		w.ev.Sent = append(w.ev.Sent, WSent[M]{Msg: c, Fate: FateInFlight})
	}
	w.End()
}

// Fire runs a script's `timeout N` (timer kind) as one event.
func (w *World[M]) Fire(id, kind int, act string) error {
	w.Begin()
	w.SetAct(act)
	old := w.timers[id*TimerKinds+kind]
	w.timers[id*TimerKinds+kind] = -1
	if err := w.P.Timeout(id, kind, w); err != nil {
		w.timers[id*TimerKinds+kind] = old
		w.Abort()
		return err
	}
	w.Drain()
	w.End()
	return nil
}

// Tick advances time n ticks as one event, firing due timers in order of
// deadline, then node, then kind.
func (w *World[M]) Tick(n int) {
	w.Begin()
	if w.ev != nil {
		w.ev.Act = "tick"
		if n != 1 {
			w.ev.Act += " " + strconv.Itoa(n)
		}
	}
	w.tick(n)
	w.End()
}

func (w *World[M]) tick(n int) {
	target := w.now + n
	if w.ev != nil {
		w.Note("time " + strconv.Itoa(w.now) + " -> " + strconv.Itoa(target))
	}
	for {
		i, d := w.nextDeadline()
		if i < 0 || d > target {
			break
		}
		w.now = d
		w.timers[i] = -1
		id, kind := i/TimerKinds, i%TimerKinds
		if w.P.Timeout(id, kind, w) == nil {
			w.Drain()
		}
	}
	w.now = target
}

// nextDeadline returns the timer slot due first (lowest node, then kind,
// on a tie), or -1.
func (w *World[M]) nextDeadline() (int, int) {
	best, bd := -1, 0
	for i, d := range w.timers {
		if d >= 0 && (best < 0 || d < bd) {
			best, bd = i, d
		}
	}
	return best, bd
}

// TimersArmed reports whether any timer is running.
func (w *World[M]) TimersArmed() bool {
	for _, d := range w.timers {
		if d >= 0 {
			return true
		}
	}
	return false
}

// CrashNode crashes node id as one event.
func (w *World[M]) CrashNode(id int) error {
	w.Begin()
	w.SetAct("crash " + w.P.Name(id))
	if err := w.P.Crash(id, w); err != nil {
		w.Abort()
		return err
	}
	w.StopAll(id)
	w.End()
	return nil
}

// RestartNode restarts node id as one event.
func (w *World[M]) RestartNode(id int) error {
	w.Begin()
	w.SetAct("restart " + w.P.Name(id))
	if err := w.P.Restart(id, w); err != nil {
		w.Abort()
		return err
	}
	w.Drain()
	w.End()
	return nil
}

// Partition splits the network (g: a group per node) as one event; the
// messages crossing it are lost.
func (w *World[M]) Partition(g []int8, act string) {
	w.Begin()
	w.SetAct(act)
	copy(w.group, g)
	kept := w.inflight[:0]
	for _, m := range w.inflight {
		from, to := w.P.Ends(&m)
		if w.group[from] != w.group[to] {
			if w.ev != nil {
				w.ev.Removed = append(w.ev.Removed, m)
			}
			continue
		}
		kept = append(kept, m)
	}
	var zero M
	for i := len(kept); i < len(w.inflight); i++ {
		w.inflight[i] = zero
	}
	w.inflight = kept
	w.End()
}

// Heal joins the network again as one event.
func (w *World[M]) Heal() {
	w.Begin()
	w.SetAct("heal")
	clear(w.group)
	w.End()
}

// Partitioned reports whether the network is partitioned; Group gives a
// node's side.
func (w *World[M]) Partitioned() bool {
	for _, g := range w.group {
		if g != w.group[0] {
			return true
		}
	}
	return false
}

// Group returns node id's partition group.
func (w *World[M]) Group(id int) int { return int(w.group[id]) }

// RunOne lets the scheduler take one event, exactly as Sim's run does:
// deliver (or at the given rates drop or duplicate) a uniformly chosen
// in-flight message, or let one tick pass; with nothing in flight, time
// jumps to the next deadline.
func (w *World[M]) RunOne(dropPM, dupPM int) bool {
	k := len(w.inflight)
	armed := w.TimersArmed()
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
func (w *World[M]) Run(max int, until Until, dropPM, dupPM int) int {
	start := w.step
	for n := 0; n < max; n++ {
		if until == UntilChosen && w.P.AnyChosen() || until == UntilQuiet && len(w.inflight) == 0 {
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
func (w *World[M]) intn(n int) int {
	un := uint64(n)
	for {
		hi, lo := bits.Mul64(w.rng.Uint64(), un)
		if lo < un {
			thresh := -un % un
			if lo < thresh {
				continue
			}
		}
		return int(hi)
	}
}
