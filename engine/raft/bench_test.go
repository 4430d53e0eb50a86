package raft

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// steady drives a cluster in steady state after s1 wins t1: s1 proposes a
// value whenever nothing is in flight or every 8 deliveries, messages are
// delivered oldest first, and time advances every 16 steps (heartbeats).
// Every invariant is checked after every step.
func steady(w *world, steps int) {
	if !w.st.Servers[0].IsLeader() {
		w.timeout("s1")
		w.run(100)
	}
	n := 0
	values := make([]string, 64)
	for i := range values {
		values[i] = "v" + strconv.Itoa(i)
	}
	for w.step < steps {
		n++
		w.begin("")
		if err := w.st.Propose(w.cfg, 0, values[n%len(values)], &w.out); err != nil {
			w.t.Fatal(err)
		}
		w.finish(0)
		// Deliver in rounds, oldest first; what a round sends goes to
		// the next round (two buffers, so the queue never reallocates).
		for round := 0; len(w.fly) > 0 && w.step < steps && round < 2; round++ {
			batch := w.fly
			w.fly = w.spare[:0]
			for i := range batch {
				if w.step >= steps {
					w.fly = append(w.fly, batch[i:]...)
					break
				}
				w.deliverMsg(batch[i])
				if w.step%16 == 0 {
					w.tick(1)
				}
			}
			w.spare = batch[:0]
		}
	}
}

// BenchmarkSteadyState measures simulated events per second with every
// invariant on, 5 servers, one core (issue 13: at least 1,000,000). This
// is the protocol and checker's share of it, driven by the test world.
// Without compaction (out of scope, raft.md intro) a log only grows, so the
// run is cut into epochs of 20,000 steps, each a fresh cluster that elects
// s1 and commits about 2,000 entries: logs stay the size a session reaches.
// BenchmarkLongLog is the same without epochs.
func BenchmarkSteadyState(b *testing.B) {
	cfg := cfgOf(b, 5, "")
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	steps, committed := 0, 0
	for steps < b.N {
		w := newWorld(b, cfg)
		w.quiet, w.out.Quiet = true, true
		steady(w, min(b.N-steps, 20000))
		steps += w.step
		committed += int(w.k.CommittedCount())
		if len(w.k.Violations()) > 0 {
			b.Fatalf("steady state went wrong: %v", w.violations())
		}
	}
	b.ReportMetric(float64(steps)/time.Since(start).Seconds(), "steps/s")
	if committed < b.N/20 {
		b.Fatalf("steady state went wrong: %d committed in %d steps", committed, steps)
	}
}

// BenchmarkLongLog is BenchmarkSteadyState in one epoch: the log grows by
// one entry every ten steps, so the cost of growing and scanning long logs
// shows.
func BenchmarkLongLog(b *testing.B) {
	w := newWorld(b, cfgOf(b, 5, ""))
	w.quiet = true
	w.out.Quiet = true
	steady(w, 100)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	from := w.step
	steady(w, from+b.N)
	b.ReportMetric(float64(w.step-from)/time.Since(start).Seconds(), "steps/s")
	if len(w.k.Violations()) > 0 || w.k.CommittedCount() < int32(b.N/20) {
		b.Fatalf("steady state went wrong: %d committed, %v", w.k.CommittedCount(), w.violations())
	}
}

// BenchmarkClone measures cloning a 5-server state with a 200-entry log.
func BenchmarkClone(b *testing.B) {
	w := newWorld(b, cfgOf(b, 5, ""))
	w.quiet, w.out.Quiet = true, true
	steady(w, 3000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c := w.st.Clone()
		_ = c
	}
}

// TestCloneIndependent: stepping a clone leaves the original as it was,
// and every slice of a cloned server has its own backing array (a field
// added without a line in Clone fails here); the same for the checker.
func TestCloneIndependent(t *testing.T) {
	w := newWorld(t, cfgOf(t, 3, ""))
	steady(w, 300)
	w.propose("s1", "Z")
	before := fmt.Sprintf("%+v", w.st)
	beforeK := fmt.Sprintf("%+v", *w.k)
	c := w.st.Clone()
	k := w.k.Clone()
	for i := range c.Servers {
		checkNoAlias(t, fmt.Sprintf("server %d", i), reflect.ValueOf(&w.st.Servers[i]).Elem(), reflect.ValueOf(&c.Servers[i]).Elem())
	}
	checkNoAlias(t, "checker", reflect.ValueOf(w.k).Elem(), reflect.ValueOf(k).Elem())
	orig, origK := w.st, w.k
	w.st, w.k = c, k
	steady(w, w.step+500)
	w.crash("s1")
	w.timeout("s2")
	w.run(500)
	w.propose("s2", "W")
	w.run(500)
	if got := fmt.Sprintf("%+v", orig); got != before {
		t.Fatal("stepping the clone changed the original state")
	}
	if got := fmt.Sprintf("%+v", *origK); got != beforeK {
		t.Fatal("stepping the cloned checker changed the original")
	}
	if fmt.Sprintf("%+v", c) == before || !w.st.Servers[1].IsLeader() {
		t.Fatal("the clone did not move: the test tests nothing")
	}
}

// TestMessagesKeepEntries: an append's entries may share the sender's log,
// so a cut on the sender (a deposed leader repaired by a new one) must not
// change an append still in flight.
func TestMessagesKeepEntries(t *testing.T) {
	w := newWorld(t, cfgOf(t, 3, "noop=0"))
	w.win("s1", "s2")
	w.dropAll()
	w.propose("s1", "X")
	w.propose("s1", "Y")
	held := w.hold("append s1->s3 1:Y]")
	want := w.cfg.Describe(&held[0])
	w.dropAll()
	w.timeout("s2") // t2: s2 has nothing of s1's
	w.deliver("requestvote s2->s3")
	w.deliver("vote s3->s2")
	w.propose("s2", "Z")
	w.dropAll()
	w.timeout("s2") // heartbeat: repair s1, whose X, Y are cut
	w.run(50)
	w.expectLog("s1", "[2:Z]")
	if got := w.cfg.Describe(&held[0]); got != want {
		t.Fatalf("an in-flight append changed under a cut: %s, was %s", got, want)
	}
	w.expectSafe()
}

// checkNoAlias fails when a non-empty slice reachable in a (through structs
// and slices) shares its backing array with the same slice in b.
func checkNoAlias(t *testing.T, path string, a, b reflect.Value) {
	t.Helper()
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			checkNoAlias(t, path+"."+a.Type().Field(i).Name, a.Field(i), b.Field(i))
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			t.Errorf("%s: the clone shares its backing array", path)
		}
		for i := range min(a.Len(), b.Len()) {
			checkNoAlias(t, fmt.Sprintf("%s[%d]", path, i), a.Index(i), b.Index(i))
		}
	}
}

// TestKey: a clone has its original's key; two schedules reaching the same
// state (deliveries in either order) have one key; a step that changes
// state changes it.
func TestKey(t *testing.T) {
	play := func(order []string) (*world, string) {
		w := newWorld(t, cfgOf(t, 3, ""))
		w.timeout("s1")
		for _, sel := range order {
			w.deliver(sel)
		}
		return w, string(w.k.AppendKey(w.st.AppendKey(w.cfg, nil)))
	}
	w, a := play([]string{"requestvote s1->s2", "requestvote s1->s3"})
	_, b := play([]string{"requestvote s1->s3", "requestvote s1->s2"})
	if a != b {
		t.Fatal("the same state gave two keys")
	}
	c := w.st.Clone()
	if string(c.AppendKey(w.cfg, nil)) != string(w.st.AppendKey(w.cfg, nil)) {
		t.Fatal("a clone has another key")
	}
	w.deliver("vote s2->s1")
	if string(w.k.AppendKey(w.st.AppendKey(w.cfg, nil))) == a {
		t.Fatal("winning an election left the key as it was")
	}
}
