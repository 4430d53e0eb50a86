package raft

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// world is a tiny deterministic world for tests only: an in-flight list in
// send order, explicit delivery by selector, drops, duplicates, crashes,
// partitions and logical time with per-server timers drawn from per-server
// seeded streams (raft.md §3). The shared simulator (package sim) is the
// real world; this one exists so the protocol can be tested alone.
type world struct {
	t   testing.TB
	cfg *Config
	st  State
	k   *Checker
	out Out
	fly []Message
	// spare is a second in-flight buffer for steady's delivery rounds.
	spare []Message
	id    int
	step  int
	now   int
	// timers[server][kind] is a deadline (-1: stopped).
	timers [][NumTimerKinds]int
	// group[server] is the server's side of a partition (nil: whole).
	group []int
	// rngs[server] draws that server's timeouts (nil: the latest allowed).
	rngs []*rand.Rand
	// quiet keeps no trace and no notes (benchmarks).
	quiet bool
	trace []string
	// sent counts every message sent, per type.
	sent [NumMsgTypes]int
}

func cfgOf(t testing.TB, servers int, opts string) *Config {
	t.Helper()
	o := DefaultOptions(servers)
	for _, kv := range strings.Fields(opts) {
		k, v, _ := strings.Cut(kv, "=")
		if err := o.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	c, err := NewConfig(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newWorld(t testing.TB, cfg *Config) *world {
	w := &world{t: t, cfg: cfg, st: NewState(cfg), k: NewChecker(cfg), timers: make([][NumTimerKinds]int, cfg.Servers)}
	for i := range w.timers {
		for k := range w.timers[i] {
			w.timers[i][k] = -1
		}
	}
	for i := range cfg.Servers {
		w.out.Reset()
		w.st.Start(cfg, NodeID(i), &w.out)
		w.applyTimers(NodeID(i))
	}
	return w
}

// seed gives each server its own PCG stream for timer draws.
func (w *world) seed(seed uint64) {
	w.rngs = make([]*rand.Rand, w.cfg.Servers)
	for i := range w.rngs {
		w.rngs[i] = rand.New(rand.NewPCG(seed, uint64(i)+1))
	}
}

func (w *world) node(name string) NodeID {
	w.t.Helper()
	id, ok := w.cfg.Lookup(name)
	if !ok {
		w.t.Fatalf("no server %s", name)
	}
	return id
}

func (w *world) srv(name string) *Server { return &w.st.Servers[w.node(name)] }

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
			if w.rngs != nil {
				d += w.rngs[id].IntN(op.Jitter)
			} else {
				d += op.Jitter - 1 // without randomness: as late as allowed
			}
		}
		w.timers[id][op.Kind] = w.now + d
	}
}

// finish sends what the step at server id produced (ids in send order,
// also for messages a partition loses at once), applies its timer ops and
// judges its records.
func (w *world) finish(id NodeID) {
	w.applyTimers(id)
	for _, m := range w.out.Msgs {
		w.id++
		m.ID = w.id
		w.sent[m.Type]++
		if !w.blocked(m.From, m.To) {
			w.fly = append(w.fly, m)
		}
		if !w.quiet {
			w.trace = append(w.trace, "  "+w.cfg.Describe(&m))
		}
	}
	w.k.ObserveOut(w.step, &w.out)
	if !w.quiet {
		w.traceNotes()
		for _, v := range w.k.Violations() {
			if v.Step == w.step {
				w.trace = append(w.trace, "  VIOLATION "+v.Describe(w.cfg))
			}
		}
	}
}

// traceNotes traces the step's notes as ". KIND [BUG] SERVER".
func (w *world) traceNotes() {
	for _, n := range w.out.Notes {
		l := "  . " + n.Kind.String()
		if n.Bug != 0 {
			l += " " + n.Bug.String()
		}
		l += " " + w.cfg.Name(n.Node)
		w.trace = append(w.trace, l)
	}
}

func (w *world) begin(what string) {
	w.step++
	w.out.Reset()
	if !w.quiet {
		w.trace = append(w.trace, fmt.Sprintf("%d %s", w.step, what))
	}
}

// match reports whether m matches sel: "TYPE [FROM->TO] [word...]", with *
// for any type or server; every other word must appear in m's printed
// form (t=2, granted, ok, match=3, ...).
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
		w.fail("no in-flight message matches %q; in flight:\n%s", sel, w.inflight())
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

// deliverFirst delivers only the oldest in-flight message matching sel.
func (w *world) deliverFirst(sel string) {
	w.t.Helper()
	m := w.take(sel)[0]
	w.remove(m.ID)
	w.deliverMsg(m)
}

func (w *world) deliverMsg(m Message) {
	if w.quiet {
		w.begin("")
	} else {
		w.begin("deliver " + w.cfg.Describe(&m))
	}
	if !w.st.Up(w.cfg, m.To) {
		if !w.quiet {
			w.trace = append(w.trace, "  lost: "+w.cfg.Name(m.To)+" is crashed")
		}
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

// hold removes the matching messages from flight and returns them, for
// release later (a long delay).
func (w *world) hold(sel string) []Message {
	w.t.Helper()
	ms := w.take(sel)
	for _, m := range ms {
		w.remove(m.ID)
	}
	return ms
}

func (w *world) release(ms []Message) { w.fly = append(w.fly, ms...) }

func (w *world) dup(sel string) {
	w.t.Helper()
	for _, m := range w.take(sel) {
		w.begin("dup " + w.cfg.Describe(&m))
		w.id++
		m.ID = w.id
		w.fly = append(w.fly, m)
	}
}

func (w *world) propose(name, v string) {
	w.t.Helper()
	id := w.node(name)
	w.begin("propose " + name + " " + v)
	if err := w.st.Propose(w.cfg, id, v, &w.out); err != nil {
		w.t.Fatalf("propose %s %s: %v", name, v, err)
	}
	w.finish(id)
}

// timeout is `timeout S`.
func (w *world) timeout(name string) {
	w.t.Helper()
	w.fire(w.node(name), TimerElection)
}

func (w *world) fire(id NodeID, k TimerKind) {
	w.t.Helper()
	w.begin(fmt.Sprintf("timeout %s %s", w.cfg.Name(id), k))
	w.timers[id][k] = -1
	if err := w.st.Timeout(w.cfg, id, k, &w.out); err != nil {
		w.t.Fatalf("timeout %s: %v", w.cfg.Name(id), err)
	}
	w.finish(id)
}

func (w *world) crash(name string) {
	w.t.Helper()
	id := w.node(name)
	w.begin("crash " + name)
	if err := w.st.Crash(w.cfg, id, &w.out); err != nil {
		w.t.Fatal(err)
	}
	for k := range w.timers[id] {
		w.timers[id][k] = -1
	}
	w.k.ObserveOut(w.step, &w.out)
	if !w.quiet {
		w.traceNotes()
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

// partition splits the servers into groups ("s1 s2 | *"); in-flight
// messages between groups are lost.
func (w *world) partition(spec string) {
	w.begin("partition " + spec)
	w.group = make([]int, w.cfg.Servers)
	star := -1
	named := make([]bool, w.cfg.Servers)
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

// tick advances time n ticks; due timers fire in order of deadline, then
// server index (§9 "Time"); it delivers nothing.
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

// win is "sX wins tN with sY...": timeout sX, its requestvote to each sY
// delivered, the votes back.
func (w *world) win(x string, ys ...string) {
	w.t.Helper()
	w.timeout(x)
	t := "t=" + strconv.Itoa(int(w.srv(x).D.Term))
	for _, y := range ys {
		w.deliver("requestvote " + x + "->" + y + " " + t)
	}
	for _, y := range ys {
		if w.srv(x).V.Role == RoleCandidate {
			w.deliverFirst("vote " + y + "->" + x + " " + t)
		}
	}
	w.expectLeader(x)
}

// Expectations.

func (w *world) fail(format string, args ...any) {
	w.t.Helper()
	tr := w.trace
	if len(tr) > 300 {
		tr = tr[len(tr)-300:]
	}
	w.t.Fatalf("step %d: %s\ntrace:\n%s", w.step, fmt.Sprintf(format, args...), strings.Join(tr, "\n"))
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

// expectFirst: name is the first invariant broken.
func (w *world) expectFirst(name string) {
	w.t.Helper()
	vs := w.k.Violations()
	if len(vs) == 0 || vs[0].Invariant != name {
		w.fail("expected %s to break first; violations: %v", name, w.violations())
	}
}

func (w *world) violations() []string {
	var s []string
	for _, v := range w.k.Violations() {
		s = append(s, v.Describe(w.cfg))
	}
	return s
}

// expectCommitted is `expect committed I V|none`.
func (w *world) expectCommitted(i int32, want string) {
	w.t.Helper()
	c, ok := w.k.Committed(i)
	got := "none"
	if ok {
		got = c.Entry.Value
	}
	if got != want {
		w.fail("committed %d is %s, want %s", i, got, want)
	}
}

func (w *world) expectLog(name, want string) {
	w.t.Helper()
	if got := FormatLog(w.srv(name).D.Log); got != want {
		w.fail("log of %s is %s, want %s", name, got, want)
	}
}

func (w *world) expectLeader(name string) {
	w.t.Helper()
	if !w.srv(name).IsLeader() {
		w.fail("%s does not lead", name)
	}
}

func (w *world) expectRole(name string, r Role) {
	w.t.Helper()
	if got := w.srv(name).V.Role; got != r {
		w.fail("%s is %s, want %s", name, got, r)
	}
}

func (w *world) expectTerm(name string, t int32) {
	w.t.Helper()
	if got := w.srv(name).D.Term; got != t {
		w.fail("%s is in term %d, want %d", name, got, t)
	}
}

func (w *world) expectCommit(name string, n int32) {
	w.t.Helper()
	if got := w.srv(name).V.CommitIndex; got != n {
		w.fail("commit %s is %d, want %d", name, got, n)
	}
}

func (w *world) expectApplied(name string, n int32) {
	w.t.Helper()
	if got := w.srv(name).V.LastApplied; got != n {
		w.fail("applied %s is %d, want %d", name, got, n)
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
