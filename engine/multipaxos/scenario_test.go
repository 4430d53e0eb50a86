package multipaxos

import (
	"strings"
	"testing"
)

func cfgWith(t *testing.T, servers, clients, window int, bugs string) *Config {
	t.Helper()
	bs, err := ParseBugs(bugs)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewConfig(servers, clients, window, DefaultTimeout, DefaultHeartbeat, bs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serverMsgs counts server-to-server messages sent (self excluded) of the
// given types.
func (w *world) serverMsgs(types ...MsgType) int {
	n := 0
	for _, t := range types {
		n += w.sent[t]
	}
	return n
}

// TestM1SteadyState: with phase 1 done (leader=s1) a put costs one round
// trip inside the cluster: 2 accept + 2 accepted (+2 commit off the critical
// path); standing first adds prepare and promise: 8 (+2).
func TestM1SteadyState(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 1, 3, ""), "s1")
	w.request("put c1 x 1")
	w.deliver("request c1->s1")
	w.deliver("accept s1->*")
	w.deliver("accepted *->s1")
	w.deliver("reply s1->c1")
	w.expectReply("c1", "ok")
	w.expectChosen(1, "c1.1:put:x:1")
	if got := w.serverMsgs(MsgAccept, MsgAccepted); got != 4 {
		w.fail("steady state: %d accept+accepted between servers, want 4", got)
	}
	if got := w.serverMsgs(MsgCommit); got != 2 {
		w.fail("steady state: %d commits, want 2", got)
	}
	// The critical path: request -> accept -> accepted -> reply.
	want := []string{
		"request c1->s1 id=c1.1 op=put:x:1",
		"accept s1->s2 b=1.1 s=1 v=c1.1:put:x:1",
		"accepted s2->s1 b=1.1 s=1",
		"reply s1->c1 id=c1.1 r=ok",
	}
	trace := strings.Join(w.trace, "\n")
	for _, line := range want {
		if !strings.Contains(trace, line) {
			w.fail("trace lacks %q", line)
		}
	}
	w.run(100)
	w.expectLog("s3", "c1.1")
	w.expectSafe()

	// Without leader=, phase 1 first: 2 prepare + 2 promise more.
	w = newWorld(t, cfgWith(t, 3, 1, 3, ""), "")
	w.timeout("s1")
	w.deliver("prepare s1->*")
	w.deliver("promise *->s1")
	w.expectLeader("s1")
	w.request("put c1 x 1")
	w.run(100)
	w.expectReply("c1", "ok")
	if got := w.serverMsgs(MsgPrepare, MsgPromise, MsgAccept, MsgAccepted); got != 8 {
		w.fail("with phase 1: %d messages between servers, want 8", got)
	}
	if got := w.serverMsgs(MsgCommit); got != 2 {
		w.fail("with phase 1: %d commits, want 2", got)
	}
	w.expectSafe()
}

// TestM2LeaderChange: c2's put is chosen in slot 2 at s1,s2 but known to
// nobody; s1 crashes; s3's phase 1 from slot 2 finds (1.1, c2.1) at s2 and
// re-proposes it at 2.3: one command chosen at two ballots, c2 answered by
// the new leader.
func TestM2LeaderChange(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 2, 3, ""), "s1")
	w.request("put c1 x 1")
	w.run(100)
	w.expectLog("s3", "c1.1")
	w.request("put c2 y 2")
	w.deliver("request c2->s1")
	w.deliver("accept s1->s2 s=2")
	w.drop("accept s1->s3 s=2")
	w.drop("accepted s2->s1 s=2")
	w.expectChosen(2, "c2.1:put:y:2")
	w.expectLog("s1", "c1.1")
	w.expectLog("s2", "c1.1")
	w.crash("s1")
	w.timeout("s3")
	w.deliver("prepare s3->s2 b=2.3 from=2")
	w.deliver("promise s2->s3 b=2.3 from=2 votes=[s=2 b=1.1 v=c2.1:put:y:2]")
	w.expectLeader("s3")
	w.take("accept s3->s2 b=2.3 s=2 v=c2.1:put:y:2")
	w.run(100)
	w.expectLog("s3", "c1.1 c2.1")
	w.expectLog("s2", "c1.1 c2.1")
	w.expectReply("c2", "ok")
	w.expectChosen(2, "c2.1:put:y:2")
	// Chosen at 1.1 (s1, s2) and again at 2.3 (s2, s3).
	var ballots []string
	for _, tl := range w.k.slots.At(1).allTallies() {
		if popcount(tl.Mask) >= w.cfg.Quorum {
			ballots = append(ballots, tl.B.String())
		}
	}
	if strings.Join(ballots, ",") != "1.1,2.3" {
		w.fail("slot 2 chosen at %v, want 1.1 and 2.3", ballots)
	}
	w.expectSafe()
}

// TestM3NoopHole: slot 2's accepts are lost, slots 1 and 3 reach s2; s1
// crashes; s2 leads and fills slot 2 with a no-op; c2's retry lands in
// slot 4 (PMS §3 in miniature).
func TestM3NoopHole(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 3, 3, ""), "s1")
	w.request("put c1 x 1")
	w.request("put c2 y 2")
	w.request("put c3 z 3")
	w.deliver("request *->s1")
	w.drop("accept s1->* s=2")
	w.deliver("accept s1->s2 s=1")
	w.deliver("accept s1->s2 s=3")
	w.drop("accept s1->s3")
	w.drop("accepted")
	w.crash("s1")
	w.timeout("s2")
	w.deliver("prepare s2->s3 b=2.2 from=1")
	w.deliver("promise s3->s2")
	w.expectLeader("s2")
	w.take("accept s2->s3 b=2.2 s=2 v=noop")
	w.deliver("accept s2->s3 s=1")
	w.deliver("accept s2->s3 s=3")
	w.deliver("accepted s3->s2 s=1")
	w.deliver("accepted s3->s2 s=3")
	w.expectLog("s2", "c1.1 _ c3.1") // slot 3 waits for the no-op
	if !w.st.Servers[1].Executed(1) || w.st.Servers[1].Executed(3) {
		w.fail("s2 must have executed slot 1 only")
	}
	w.run(100)
	w.expectLog("s2", "c1.1 noop c3.1")
	w.timeout("c2") // c2's request went to s1; its retry goes to s2
	w.run(100)
	w.expectLog("s2", "c1.1 noop c3.1 c2.1")
	w.expectLog("s3", "c1.1 noop c3.1 c2.1")
	w.expectReply("c1", "ok")
	w.expectReply("c2", "ok")
	w.expectReply("c3", "ok")
	w.expectSafe()
}

// TestM4DuelingLeaders: s1 and s2 stand alternately, each prepare landing
// before the other's accepts: nothing is decided, all is safe; once s1
// backs off, s2 finishes.
func TestM4DuelingLeaders(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 1, 3, ""), "")
	w.timeout("s1")
	w.deliver("prepare s1->*")
	w.deliver("promise *->s1")
	w.request("put c1 x 1")
	w.deliver("request c1->s1")
	stand := func(me, other string) {
		w.timeout(me)
		w.deliver("prepare " + me + "->*")
		w.deliver("promise *->" + me)
		w.expectLeader(me)
		w.deliver("accept " + other + "->*") // lands after the prepare: nacked
		w.deliver("nack *->" + other)
		if w.st.Servers[w.node(other)].IsLeader() {
			w.fail("%s still leads after the nacks", other)
		}
	}
	for range 3 {
		stand("s2", "s1")
		stand("s1", "s2")
	}
	for n := int32(1); n <= 3; n++ {
		w.expectChosen(n, "none")
	}
	w.expectSafe()
	if b := w.st.Servers[1].V.Backoff; b != MaxBackoff {
		w.fail("s2's back-off is %d after three lost ballots, want %d", b, MaxBackoff)
	}
	// s1 backs off; s2 stands once more and finishes.
	w.timeout("s2")
	w.run(200)
	w.expectLeader("s2")
	w.expectChosen(1, "c1.1:put:x:1")
	w.expectReply("c1", "ok")
	if b := w.st.Servers[1].V.Backoff; b != 1 {
		w.fail("a decided slot must reset s2's back-off, got %d", b)
	}
	w.expectSafe()
}

// TestM5LaggingReplica: s3 misses three decided puts; after the heal the
// leader's heartbeat carries upto=3, s3 answers upto=0 and gets the three
// commits resent, then executes 1, 2, 3.
func TestM5LaggingReplica(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 1, 3, ""), "s1")
	w.partition("s3 | *")
	for _, v := range []string{"1", "2", "3"} {
		w.request("put c1 x " + v)
		w.run(100)
		w.expectReply("c1", "ok")
	}
	w.expectLog("s3", "none")
	w.heal()
	w.tick(2)
	w.deliver("heartbeat s1->s3 b=1.1 upto=3 r=1")
	w.deliver("heartbeat_ok s3->s1 b=1.1 upto=0 r=1")
	w.take("commit s1->s3 s=1")
	w.take("commit s1->s3 s=3")
	w.run(100)
	w.expectLog("s3", "c1.1 c1.2 c1.3")
	s3 := &w.st.Servers[2]
	if s3.V.SlotOut != 4 || s3.V.KV.Get("x") != "3" {
		w.fail("s3 executed up to %d with x=%s, want 4 and 3", s3.V.SlotOut, s3.V.KV.Get("x"))
	}
	w.expectSafe()
}

// m6 plays M6: put x 0; cas x 0 1 executes, its reply is dropped; c1's
// retry is decided again in slot 3.
func m6(t *testing.T, bugs string) *world {
	w := newWorld(t, cfgWith(t, 3, 1, 3, bugs), "s1")
	w.request("put c1 x 0")
	w.run(100)
	w.request("cas c1 x 0 1")
	w.deliver("request")
	w.deliver("accept")
	w.deliver("accepted")
	w.drop("reply s1->c1 id=c1.2")
	w.timeout("c1") // to s2, which redirects to s1
	w.run(100)
	w.expectLog("s1", "c1.1 c1.2 c1.2")
	return w
}

// TestM6ExactlyOnce: the retry is skipped by the session table and c1 gets
// the cached ok; with no_dedup it runs again and fails.
func TestM6ExactlyOnce(t *testing.T) {
	w := m6(t, "")
	w.expectReply("c1", "ok")
	w.request("get c1 x")
	w.run(100)
	w.expectReply("c1", "1")
	w.expectSafe()

	w = m6(t, "no_dedup")
	w.expectReply("c1", "fail")
	w.expectViolation(InvExactlyOnce)
	w.request("get c1 x")
	w.run(100)
	w.expectReply("c1", "1")
	w.expectViolation(InvLinearizable)
}

// TestM10LeaderCutOff: s1 and c1 are cut off from the majority; c1's put
// gets slot 1 at s1 only; s1 steps down after timeout ticks without a
// majority; s2 leads, c2's put takes slot 1; after the heal c1's retry
// lands in slot 2. No dual commit.
func TestM10LeaderCutOff(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 2, 3, ""), "s1")
	w.partition("s1 c1 | *")
	w.request("put c1 x 1")
	w.deliver("request c1->s1")
	if w.st.Servers[0].Vote(1).Cmd.String() != "c1.1:put:x:1" {
		w.fail("s1 must have voted c1.1 in slot 1")
	}
	w.tick(DefaultTimeout - 1)
	w.expectLeader("s1")
	w.tick(1) // s1's step-down timer: no majority ack for timeout ticks
	if w.st.Servers[0].IsLeader() {
		w.fail("s1 still leads after %d ticks without a majority", DefaultTimeout)
	}
	w.take("reply s1->c1 id=c1.1 err=not_leader hint=none")
	w.timeout("s2")
	w.run(100)
	w.expectLeader("s2")
	w.request("put c2 x 2 to=s2")
	w.run(100)
	w.expectReply("c2", "ok")
	w.expectChosen(1, "c2.1:put:x:2")
	w.heal()
	w.timeout("c1") // c1 -> s2, the leader
	w.run(100)
	w.expectReply("c1", "ok")
	w.expectChosen(2, "c1.1:put:x:1")
	w.expectLog("s2", "c2.1 c1.1")
	w.expectSafe()
}
