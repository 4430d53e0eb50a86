package multipaxos

import (
	"strings"
	"testing"
)

// TestRestartCatchesUp: a restarted server keeps its promise and votes,
// comes back with an empty log, catches up from heartbeats and replays
// from slot 1 (a new incarnation: no exactly-once or log-prefix break).
func TestRestartCatchesUp(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 1, 3, ""), "s1")
	w.request("put c1 x 1")
	w.run(100)
	w.request("put c1 x 2")
	w.run(100)
	w.expectLog("s3", "c1.1 c1.2")
	votes := w.st.Servers[2].D
	w.crash("s3")
	if s3 := &w.st.Servers[2]; s3.D.Promised != votes.Promised || s3.D.Votes.Len() != 2 || s3.MaxDecided() != 0 || s3.V.KV.Len() != 0 {
		w.fail("a crash keeps promised and votes and loses the log: %+v", s3)
	}
	w.restart("s3")
	w.tick(DefaultHeartbeat)
	w.run(100)
	w.expectLog("s3", "c1.1 c1.2")
	if s3 := &w.st.Servers[2]; s3.V.SlotOut != 3 || s3.V.KV.Get("x") != "2" || s3.Incarnation != 1 {
		w.fail("s3 did not replay: slot_out %d, x=%s", s3.V.SlotOut, s3.V.KV.Get("x"))
	}
	w.expectSafe()
}

// TestStepDownAnswersTaken: a deposed leader answers every request it took
// and has not executed with not_leader, in arrival order, hint = the owner
// of its promise, and drops its queue.
func TestStepDownAnswersTaken(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 3, 1, ""), "s1")
	w.request("put c2 x 2")
	w.request("put c1 x 1")
	w.request("put c3 x 3")
	w.deliver("request")
	if q := len(w.st.Servers[0].V.Queue); q != 2 {
		w.fail("window=1: two requests should wait, %d do", q)
	}
	w.timeout("s2")
	w.deliver("prepare s2->s1") // s1 promises 2.2 but keeps leading
	w.expectLeader("s1")
	w.deliver("prepare s2->s3")
	w.deliver("accept s1->s3") // nacked: s3 promised 2.2
	n := len(w.trace)
	w.deliver("nack s3->s1")
	got := strings.Join(w.trace[n:], "\n")
	want := "  #15 reply s1->c2 id=c2.1 err=not_leader hint=s2\n" +
		"  #16 reply s1->c1 id=c1.1 err=not_leader hint=s2\n" +
		"  #17 reply s1->c3 id=c3.1 err=not_leader hint=s2"
	if !strings.Contains(got, want) {
		w.fail("step-down replies:\n%s\nwant\n%s", got, want)
	}
	if s1 := &w.st.Servers[0]; s1.IsLeader() || len(s1.V.Queue) != 0 || len(s1.V.Taken) != 0 || s1.V.Backoff != 2 {
		w.fail("s1 after the nack: %+v", s1.V)
	}
	w.run(300)
	w.expectSafe()
	for _, c := range []string{"c1", "c2", "c3"} {
		w.expectReply(c, "ok")
	}
}

// TestDisplacedRequeued: a leader whose proposal loses its slot to another
// leader's commit puts the command back at the head of its queue.
func TestDisplacedRequeued(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 2, 3, ""), "s1")
	w.request("put c1 x 1")
	w.deliver("request c1->s1")
	w.drop("accept s1->*") // only s1 voted c1.1 in slot 1
	w.timeout("s2")
	w.drop("prepare s2->s1")
	w.deliver("prepare s2->s3")
	w.deliver("promise s3->s2")
	w.expectLeader("s2")
	w.request("put c2 x 2 to=s2")
	w.deliver("request c2->s2")
	w.deliver("accept s2->s3")
	w.deliver("accepted s3->s2")
	w.expectChosen(1, "c2.1:put:x:2")
	w.expectLeader("s1") // s1 has heard of no higher ballot
	w.deliver("commit s2->s1 s=1")
	w.traced("accept s1->s2 b=1.1 s=2 v=c1.1:put:x:1") // re-proposed in the next slot
	w.run(300)
	w.expectChosen(2, "c1.1:put:x:1")
	w.expectReply("c1", "ok")
	w.expectSafe()
}

// TestWindow: with window=2 the third request waits until slot 1 is
// executed.
func TestWindow(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 3, 2, ""), "s1")
	w.request("put c1 x 1")
	w.request("put c2 x 2")
	w.request("put c3 x 3")
	w.deliver("request")
	if got := len(w.take("accept s1->s2")); got != 2 {
		w.fail("%d accepts with window=2, want 2", got)
	}
	w.deliver("accept s1->s2 s=2")
	w.deliver("accepted s2->s1 s=2")
	if got := len(w.take("accept s1->s2")); got != 1 {
		w.fail("slot 2 decided before slot 1 must not open the window")
	}
	w.deliver("accept s1->s2 s=1")
	w.deliver("accepted s2->s1 s=1")
	w.take("accept s1->s2 b=1.1 s=3 v=c3.1:put:x:3")
	w.run(100)
	w.expectLog("s1", "c1.1 c2.1 c3.1")
	w.expectSafe()
}

// TestRedirect: a follower names the owner of its promise; the client
// resends at once, and the leader's reply makes it the hint.
func TestRedirect(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 1, 3, ""), "s2")
	w.request("put c1 x 1") // to s1, a follower that promised 1.2
	w.deliver("request c1->s1")
	w.deliver("reply s1->c1 id=c1.1 err=not_leader hint=s2")
	w.take("request c1->s2 id=c1.1")
	w.run(100)
	w.expectReply("c1", "ok")
	if h := w.st.Clients[0].Hint; h != 1 {
		w.fail("c1's hint is %s, want s2", w.cfg.Name(h))
	}
	// With no leader anywhere: hint=none, the client tries the next server.
	w = newWorld(t, cfgWith(t, 3, 1, 3, ""), "")
	w.request("put c1 x 1 to=s2")
	w.deliver("request c1->s2")
	w.deliver("reply s2->c1 id=c1.1 err=not_leader hint=none")
	w.take("request c1->s3 id=c1.1")
}

// TestDuplicatesCountOnce: a duplicated accepted or promise counts once.
func TestDuplicatesCountOnce(t *testing.T) {
	w := newWorld(t, cfgWith(t, 5, 1, 3, ""), "")
	w.timeout("s1")
	w.deliver("prepare s1->s2")
	w.dup("promise s2->s1")
	w.deliver("promise s2->s1")
	if w.st.Servers[0].IsLeader() {
		w.fail("s1 leads on s1 and s2's promises (x2) of 5")
	}
	w.deliver("prepare s1->s3")
	w.deliver("promise s3->s1")
	w.expectLeader("s1")
	w.request("put c1 x 1")
	w.deliver("request")
	w.deliver("accept s1->s2")
	w.dup("accepted s2->s1")
	w.deliver("accepted s2->s1")
	w.expectChosen(1, "none")
	if !w.st.Servers[0].Decided(1).IsZero() {
		w.fail("s1 decided on s1 and s2's acks (x2) of 5")
	}
	w.run(100)
	w.expectReply("c1", "ok")
	w.expectSafe()
}

// TestQuietNotes: notes narrate every handler, and Quiet turns them off.
func TestQuietNotes(t *testing.T) {
	cfg := DefaultConfig(3, 1, 0)
	for _, quiet := range []bool{false, true} {
		st, _ := NewState(cfg, 0)
		out := Out{Quiet: quiet}
		op, _ := NewOp("put", "x", "1")
		if err := st.Request(cfg, cfg.Client(1), op, None, &out); err != nil {
			t.Fatal(err)
		}
		m := out.Msgs[0]
		out.Reset()
		if err := st.Step(cfg, &m, &out); err != nil {
			t.Fatal(err)
		}
		if got := len(out.Notes) > 0; got == quiet {
			t.Errorf("quiet=%v: %d notes", quiet, len(out.Notes))
		}
		for _, n := range out.Notes {
			if n.Kind.String() == "unknown" {
				t.Errorf("note kind %d has no name", n.Kind)
			}
		}
	}
	if int(NumNoteKinds) != len(noteNames) {
		t.Errorf("%d note kinds, %d names", NumNoteKinds, len(noteNames))
	}
}

// TestLostAcceptStalls documents a liveness limit of the contract: a
// stable leader never resends an accept, so a slot whose accepts are all
// lost stays a hole that blocks execution (later slots are decided, not
// executed) until a new leader's phase 1 fills it.
func TestLostAcceptStalls(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 2, 3, ""), "s1")
	w.request("put c1 x 1")
	w.deliver("request c1->s1")
	w.drop("accept s1->*")
	w.request("put c2 x 2")
	w.run(100)
	w.expectLog("s1", "_ c2.1")
	for range 3 * DefaultTimeout { // heartbeats keep s1 leading; c1 retries
		w.tick(1)
		w.run(100)
	}
	w.expectLeader("s1")
	if s1 := &w.st.Servers[0]; s1.V.SlotOut != 1 {
		w.fail("s1 executed past the hole: slot_out %d", s1.V.SlotOut)
	}
	w.expectReply("c2", "none")
	w.timeout("s2")
	w.run(300)
	w.expectLeader("s2")
	w.expectChosen(1, "c1.1:put:x:1") // s1's own vote, re-proposed
	w.expectReply("c1", "ok")
	w.expectReply("c2", "ok")
	w.expectSafe()
}

func TestLogMatches(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 2, 3, ""), "s1")
	s := &w.st.Servers[0]
	if !s.LogMatches([]string{"none"}) || s.LogMatches([]string{"_"}) {
		t.Fatal("an empty log reads as none")
	}
	w.request("put c1 x 1")
	w.request("get c2 x")
	w.run(100)
	s = &w.st.Servers[1]
	appendOf(&s.V.Slots, SlotState{}, SlotState{Decided: Noop})
	for _, ok := range []string{"c1.1 c2.1 _ noop", "c1.1:put:x:1 c2.1:get:x _ noop"} {
		if !s.LogMatches(strings.Fields(ok)) {
			t.Errorf("%q should match %s", ok, w.logOf("s2"))
		}
	}
	for _, bad := range []string{"c1.1 c2.1 _", "c1.1 c2.1 noop noop", "c2.1 c1.1 _ noop", "c1.1:put:x:2 c2.1 _ noop", "none", "c1.1 c2.1 _ _"} {
		if s.LogMatches(strings.Fields(bad)) {
			t.Errorf("%q should not match %s", bad, w.logOf("s2"))
		}
	}
}
