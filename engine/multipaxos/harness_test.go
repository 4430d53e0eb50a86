package multipaxos

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// world is a tiny deterministic world for tests only: an in-flight list in
// send order, explicit delivery by selector, drops, duplicates, crashes,
// partitions and logical time with per-node timers. The shared simulator
// (package sim) is the real world; this one exists so the protocol can be
// tested alone.
type world struct {
	t     testing.TB
	cfg   *Config
	st    State
	k     *Checker
	out   Out
	fly   []Message
	local []Message
	id    int
	step  int
	now   int
	// timers[node][kind] is a deadline (-1: stopped).
	timers [][NumTimerKinds]int
	// group[node] is the node's side of a partition (nil: whole).
	group []int
	rng   *rand.Rand
	// quiet keeps no trace and no notes (benchmarks).
	quiet bool
	trace []string
	// sent counts every message sent, per type, self messages excluded.
	sent [NumMsgTypes]int
}

func newWorld(t testing.TB, cfg *Config, leader string) *world {
	t.Helper()
	l := None
	if leader != "" {
		var ok bool
		if l, ok = cfg.Lookup(leader); !ok {
			t.Fatalf("no node %s", leader)
		}
	}
	st, err := NewState(cfg, l)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, cfg: cfg, st: st, k: NewChecker(cfg), timers: make([][NumTimerKinds]int, cfg.Nodes())}
	for i := range w.timers {
		for k := range w.timers[i] {
			w.timers[i][k] = -1
		}
	}
	for i := range cfg.Nodes() {
		w.out.Reset()
		w.st.Start(cfg, NodeID(i), &w.out)
		w.applyTimers(NodeID(i))
	}
	return w
}

func (w *world) node(name string) NodeID {
	w.t.Helper()
	id, ok := w.cfg.Lookup(name)
	if !ok {
		w.t.Fatalf("no node %s", name)
	}
	return id
}

func (w *world) blocked(from, to NodeID) bool {
	return w.group != nil && w.group[from] != w.group[to]
}

func (w *world) applyTimers(id NodeID) {
	for _, op := range w.out.Timers {
		if op.Stop {
			w.timers[id][op.Kind] = -1
			continue
		}
		d := op.Delay
		if op.Jitter > 0 {
			if w.rng != nil {
				d += w.rng.IntN(op.Jitter)
			} else {
				d += op.Jitter - 1 // without randomness: as late as allowed
			}
		}
		w.timers[id][op.Kind] = w.now + d
	}
}

// finish sends what the last handler at node id produced, applies its timer
// ops, judges its records, then handles messages to self first-in,
// first-out (multipaxos.md §8 "Sends and ids").
func (w *world) finish(id NodeID) {
	for {
		w.applyTimers(id)
		for _, m := range w.out.Msgs {
			w.id++
			m.ID = w.id
			switch {
			case m.To == m.From:
				w.local = append(w.local, m)
			case w.blocked(m.From, m.To):
				w.sent[m.Type]++
			default:
				w.sent[m.Type]++
				w.fly = append(w.fly, m)
			}
			if !w.quiet {
				w.trace = append(w.trace, "  "+w.cfg.Describe(&m))
			}
		}
		w.k.ObserveOut(w.step, &w.out)
		if len(w.local) == 0 {
			return
		}
		m := w.local[0]
		w.local = w.local[1:]
		w.out.Reset()
		id = m.To
		if err := w.st.Step(w.cfg, &m, &w.out); err != nil {
			w.t.Fatalf("step %d: %v", w.step, err)
		}
	}
}

func (w *world) begin(what string) {
	w.step++
	w.out.Reset()
	if !w.quiet {
		w.trace = append(w.trace, fmt.Sprintf("%d %s", w.step, what))
	}
}

// match reports whether m matches sel: "TYPE [FROM->TO] [key=value...]",
// with * for any type or node; key=value tokens must appear in m's printed
// form.
func (w *world) match(sel string, m *Message) bool {
	words := strings.Fields(sel)
	bare := *m
	bare.ID = 0
	desc := strings.Fields(w.cfg.Describe(&bare))
	if len(words) == 0 || (words[0] != "*" && words[0] != desc[0]) {
		return false
	}
	for _, x := range words[1:] {
		if from, to, ok := strings.Cut(x, "->"); ok && !strings.Contains(x, "=") {
			f, t, _ := strings.Cut(desc[1], "->")
			if (from != "*" && from != f) || (to != "*" && to != t) {
				return false
			}
			continue
		}
		if !slices.Contains(desc[2:], x) {
			return false
		}
	}
	return true
}

func (w *world) take(sel string) []Message {
	w.t.Helper()
	var got []Message
	for _, m := range w.fly {
		if w.match(sel, &m) {
			got = append(got, m)
		}
	}
	if len(got) == 0 {
		w.t.Fatalf("step %d: no in-flight message matches %q; in flight:\n%s", w.step, sel, w.inflight())
	}
	return got
}

func (w *world) remove(id int) bool {
	for i := range w.fly {
		if w.fly[i].ID == id {
			w.fly = append(w.fly[:i], w.fly[i+1:]...)
			return true
		}
	}
	return false
}

func (w *world) inflight() string {
	var sb strings.Builder
	for _, m := range w.fly {
		sb.WriteString("  " + w.cfg.Describe(&m) + "\n")
	}
	return sb.String()
}

// deliver delivers every in-flight message matching sel, oldest first.
func (w *world) deliver(sel string) {
	w.t.Helper()
	for _, m := range w.take(sel) {
		if w.remove(m.ID) {
			w.deliverMsg(m)
		}
	}
}

func (w *world) deliverMsg(m Message) {
	if w.quiet {
		w.begin("")
	} else {
		w.begin("deliver " + w.cfg.Describe(&m))
	}
	if !w.st.Up(w.cfg, m.To) {
		w.trace = append(w.trace, "  lost: "+w.cfg.Name(m.To)+" is down")
		return
	}
	if err := w.st.Step(w.cfg, &m, &w.out); err != nil {
		w.t.Fatalf("step %d: %v", w.step, err)
	}
	w.finish(m.To)
}

func (w *world) drop(sel string) {
	w.t.Helper()
	for _, m := range w.take(sel) {
		w.begin("drop " + w.cfg.Describe(&m))
		w.remove(m.ID)
	}
}

func (w *world) dup(sel string) {
	w.t.Helper()
	for _, m := range w.take(sel) {
		w.begin("dup " + w.cfg.Describe(&m))
		w.id++
		m.ID = w.id
		w.fly = append(w.fly, m)
	}
}

// request runs a script line "put c1 x 1 [to=s2]" as one step.
func (w *world) request(line string) {
	w.t.Helper()
	words := strings.Fields(line)
	to := None
	if last := words[len(words)-1]; strings.HasPrefix(last, "to=") {
		to = w.node(strings.TrimPrefix(last, "to="))
		words = words[:len(words)-1]
	}
	op, err := NewOp(words[0], words[2:]...)
	if err != nil {
		w.t.Fatal(err)
	}
	c := w.node(words[1])
	w.begin(line)
	if err := w.st.Request(w.cfg, c, op, to, &w.out); err != nil {
		w.t.Fatalf("%s: %v", line, err)
	}
	w.finish(c)
}

// timeout fires an election timer (server) or retry timer (client) now.
func (w *world) timeout(name string) {
	w.t.Helper()
	id := w.node(name)
	k := TimerElection
	if w.cfg.IsClient(id) {
		k = TimerRetry
	}
	w.fire(id, k)
}

func (w *world) fire(id NodeID, k TimerKind) {
	w.t.Helper()
	w.begin(fmt.Sprintf("timeout %s %s", w.cfg.Name(id), k))
	if err := w.st.Timeout(w.cfg, id, k, &w.out); err != nil {
		w.t.Fatalf("timeout %s: %v", w.cfg.Name(id), err)
	}
	w.timers[id][k] = -1
	w.finish(id)
}

func (w *world) crash(name string) {
	w.t.Helper()
	id := w.node(name)
	w.begin("crash " + name)
	if err := w.st.Crash(w.cfg, id); err != nil {
		w.t.Fatal(err)
	}
	for k := range w.timers[id] {
		w.timers[id][k] = -1
	}
}

func (w *world) restart(name string) {
	w.t.Helper()
	id := w.node(name)
	w.begin("restart " + name)
	if err := w.st.Restart(w.cfg, id, &w.out); err != nil {
		w.t.Fatal(err)
	}
	w.finish(id)
}

// partition splits the nodes into groups ("s1 c1 | *"); in-flight messages
// between groups are lost.
func (w *world) partition(spec string) {
	w.begin("partition " + spec)
	w.group = make([]int, w.cfg.Nodes())
	star := -1
	named := make([]bool, w.cfg.Nodes())
	for g, part := range strings.Split(spec, "|") {
		for _, name := range strings.Fields(part) {
			if name == "*" {
				star = g
				continue
			}
			id := w.node(name)
			w.group[id] = g
			named[id] = true
		}
	}
	for i := range w.group {
		if !named[i] {
			w.group[i] = star
			if star < 0 {
				w.group[i] = 100 + i
			}
		}
	}
	kept := w.fly[:0]
	for _, m := range w.fly {
		if !w.blocked(m.From, m.To) {
			kept = append(kept, m)
		}
	}
	w.fly = kept
}

func (w *world) heal() {
	w.begin("heal")
	w.group = nil
}

// tick advances time n ticks; due timers fire s1..sN, then c1..cM.
func (w *world) tick(n int) {
	for range n {
		w.now++
		for id := range w.timers {
			for k := range w.timers[id] {
				if w.timers[id][k] >= 0 && w.timers[id][k] <= w.now {
					w.fire(NodeID(id), TimerKind(k))
				}
			}
		}
	}
}

// run delivers the oldest in-flight message until none is left (at most
// max deliveries).
func (w *world) run(max int) {
	for i := 0; i < max && len(w.fly) > 0; i++ {
		m := w.fly[0]
		w.fly = w.fly[1:]
		w.deliverMsg(m)
	}
}

// Expectations.

func (w *world) fail(format string, args ...any) {
	w.t.Helper()
	w.t.Fatalf("step %d: %s\ntrace:\n%s", w.step, fmt.Sprintf(format, args...), strings.Join(w.trace, "\n"))
}

func (w *world) expectSafe() {
	w.t.Helper()
	if vs := w.k.Violations(); len(vs) > 0 {
		w.fail("expected safe, got %s", vs[0].Describe(w.cfg))
	}
}

func (w *world) expectViolation(name string) {
	w.t.Helper()
	if !w.k.Broken(name) {
		w.fail("expected %s to be broken; violations: %v", name, w.violations())
	}
}

func (w *world) violations() []string {
	var s []string
	for _, v := range w.k.Violations() {
		s = append(s, v.Describe(w.cfg))
	}
	return s
}

func (w *world) expectChosen(slot int32, want string) {
	w.t.Helper()
	var got []string
	for _, c := range w.k.Chosen(slot) {
		got = append(got, c.String())
	}
	if want == "none" && len(got) == 0 {
		return
	}
	if len(got) != 1 || got[0] != want {
		w.fail("slot %d chose %v, want %s", slot, got, want)
	}
}

// logOf prints a server's decided slots 1..max as `expect log` reads them.
func (w *world) logOf(name string) string {
	s := &w.st.Servers[w.node(name)]
	var words []string
	for n := int32(1); n <= s.MaxDecided(); n++ {
		c := s.Decided(n)
		switch {
		case c.IsZero():
			words = append(words, "_")
		case c.Op == OpNoop:
			words = append(words, "noop")
		default:
			words = append(words, c.ID.String())
		}
	}
	if len(words) == 0 {
		return "none"
	}
	return strings.Join(words, " ")
}

func (w *world) expectLog(name, want string) {
	w.t.Helper()
	if got := w.logOf(name); got != want {
		w.fail("log of %s is %q, want %q", name, got, want)
	}
}

func (w *world) expectReply(client, want string) {
	w.t.Helper()
	c := w.st.Client(w.cfg, w.node(client))
	got := c.LastResult
	if c.Last.IsZero() {
		got = "none"
	}
	if got != want {
		w.fail("reply to %s is %q, want %q", client, got, want)
	}
}

func (w *world) expectLeader(name string) {
	w.t.Helper()
	if !w.st.Servers[w.node(name)].IsLeader() {
		w.fail("%s does not lead", name)
	}
}

// traced fails unless some traced line contains s.
func (w *world) traced(s string) {
	w.t.Helper()
	for _, l := range w.trace {
		if strings.Contains(l, s) {
			return
		}
	}
	w.fail("the trace lacks %q", s)
}
