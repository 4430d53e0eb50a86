package raft

import (
	"testing"
)

// The teaching scenarios R1–R11 of raft.md §7, played step by step.

// TestR1HappyPath: s1 wins t1 with s2, s3; the no-op commits on the first
// reply; X commits at s1 on s2's reply before any follower knows; the next
// heartbeat carries commit=2. 4 messages per election, 4 per entry.
func TestR1HappyPath(t *testing.T) {
	w := newWorld(t, cfgOf(t, 3, ""))
	w.timeout("s1")
	w.traced("#1 requestvote s1->s2 t=1 lastIndex=0 lastTerm=0")
	w.traced("#2 requestvote s1->s3 t=1 lastIndex=0 lastTerm=0")
	w.deliver("requestvote")
	w.traced("#3 vote s2->s1 t=1 granted")
	w.deliver("vote s2->s1")
	w.expectLeader("s1")
	w.expectTerm("s1", 1)
	w.traced("#5 append s1->s2 t=1 prevIndex=0 prevTerm=0 entries=[1:noop] commit=0")
	w.deliver("vote s3->s1") // after the win: ignored
	w.expectLeader("s1")
	if got := w.sent[MsgRequestVote] + w.sent[MsgVote]; got != 4 {
		w.fail("%d election messages, want 4", got)
	}
	w.deliver("append s1->s2")
	w.traced("appendreply s2->s1 t=1 ok match=1")
	w.deliver("appendreply s2->s1")
	w.expectCommitted(1, "noop")
	w.expectCommit("s1", 1)
	w.expectApplied("s1", 1)
	w.deliver("append s1->s3")
	w.deliver("appendreply s3->s1")

	before := w.sent
	w.propose("s1", "X")
	w.traced("append s1->s2 t=1 prevIndex=1 prevTerm=1 entries=[1:X] commit=1")
	w.deliver("append s1->s2")
	w.deliver("appendreply s2->s1")
	w.expectCommitted(2, "X")
	w.expectCommit("s1", 2)
	w.expectCommit("s2", 1) // the follower does not know yet
	w.expectCommit("s3", 0) // its appends are still in flight
	w.deliver("append s1->s3")
	w.deliver("appendreply s3->s1")
	if got := w.sent[MsgAppend] + w.sent[MsgAppendReply] - before[MsgAppend] - before[MsgAppendReply]; got != 4 {
		w.fail("%d messages for one entry, want 4", got)
	}
	if l := w.srv("s1").V; l.MatchIndex[0] != 2 || l.MatchIndex[1] != 2 || l.NextIndex[0] != 3 || l.NextIndex[2] != 3 {
		w.fail("nextIndex %v matchIndex %v (the leader's own: its last index)", l.NextIndex, l.MatchIndex)
	}
	w.timeout("s1") // a leader's `timeout` is one heartbeat round
	w.traced("append s1->s2 t=1 prevIndex=2 prevTerm=1 entries=[] commit=2")
	w.run(10)
	for _, s := range []string{"s1", "s2", "s3"} {
		w.expectLog(s, "[1:noop 1:X]")
		w.expectCommit(s, 2)
		w.expectApplied(s, 2)
	}
	w.expectSafe()
}

// TestR2SplitVote: s3 votes s1, s4 votes s2: no leader in t1. Ticks fire
// a timer (and deliver nothing); the first to fire wins t2.
func TestR2SplitVote(t *testing.T) {
	w := newWorld(t, cfgOf(t, 4, ""))
	w.seed(2)
	w.timeout("s1")
	w.timeout("s2")
	w.deliver("requestvote s1->s3")
	w.deliver("requestvote s2->s4")
	w.deliver("requestvote s1->s2") // s2 voted for itself
	w.deliver("requestvote s2->s1")
	w.deliver("vote")
	if len(w.st.Leaders()) != 0 {
		w.fail("a leader in a split vote: %v", w.st.Leaders())
	}
	w.traced("vote s2->s1 t=1 refused")
	fly := len(w.fly)
	first := -1
	for i := 0; i < 100 && first < 0; i++ {
		w.tick(1)
		for j := range w.st.Servers {
			if w.st.Servers[j].D.Term == 2 {
				first = j
			}
		}
	}
	if first < 0 {
		w.fail("no timer fired in 100 ticks")
	}
	if len(w.fly) != fly+3 {
		w.fail("tick delivered something or sent more than one election's requests")
	}
	x := w.cfg.Name(NodeID(first))
	w.expectRole(x, RoleCandidate)
	w.deliver("requestvote " + x + "->* t=2")
	w.deliver("vote *->" + x + " t=2")
	w.expectLeader(x)
	w.expectTerm(x, 2)
	w.expectSafe()
}

// TestR2FixedTimeoutsSplit: with election=15-15 every server fires at
// once, so every election splits (Raft §9.3); with randomised timeouts
// every seed elects a leader (the first timer to fire wins).
func TestR2FixedTimeoutsSplit(t *testing.T) {
	split := func(opts string, seed uint64) bool {
		w := newWorld(t, cfgOf(t, 4, opts))
		w.seed(seed)
		for range 100 {
			w.tick(1)
			w.run(100)
			if len(w.st.Leaders()) > 0 {
				return false
			}
		}
		w.expectSafe()
		return true
	}
	for seed := range uint64(10) {
		if !split("election=15-15", seed) {
			t.Fatalf("seed %d: election=15-15 elected a leader although every timer fires together", seed)
		}
	}
	for seed := range uint64(10) {
		if split("", seed) {
			t.Fatalf("seed %d: randomised timeouts elected no leader in 100 ticks", seed)
		}
	}
}

// electSettled runs prompt delivery and ticks until some server leads,
// then delivers what is in flight.
func (w *world) electSettled(maxTicks int) string {
	w.t.Helper()
	for range maxTicks {
		w.run(200)
		if ls := w.st.Leaders(); len(ls) == 1 {
			w.run(200)
			return w.cfg.Name(ls[0])
		}
		w.tick(1)
	}
	w.fail("no leader in %d ticks", maxTicks)
	return ""
}

// TestR3LeaderCrash: X committed; s1 crashes; the first to time out wins
// t2, with X.
func TestR3LeaderCrash(t *testing.T) {
	for seed := range uint64(5) {
		w := newWorld(t, cfgOf(t, 3, ""))
		w.seed(seed)
		w.win("s1", "s2", "s3")
		w.run(20)
		w.propose("s1", "X")
		w.run(20)
		w.expectCommitted(2, "X")
		w.crash("s1")
		l := w.electSettled(100)
		w.expectTerm(l, 2)
		w.expectLog(l, "[1:noop 1:X 2:noop]")
		w.expectCommitted(3, "noop")
		w.expectSafe()
	}
}

// TestR4StaleLeader: s1 leads t1 on the minority side; Y reaches s2 only;
// s3 wins t2 with s4, s5 and commits Z. Two leaders at once, in different
// terms: safe. After heal s1 steps down and s3 overwrites Y.
func TestR4StaleLeader(t *testing.T) {
	w := newWorld(t, cfgOf(t, 5, ""))
	w.win("s1", "s2", "s3", "s4", "s5")
	w.run(50)
	w.partition("s1 s2 | *")
	w.propose("s1", "Y")
	w.run(50)
	w.expectLog("s2", "[1:noop 1:Y]")
	w.expectCommitted(2, "none")
	w.timeout("s3")
	w.deliver("requestvote s3->s4")
	w.deliver("requestvote s3->s5")
	w.deliver("vote")
	w.expectLeader("s3")
	w.expectLeader("s1") // two leaders, of t1 and t2
	w.propose("s3", "Z")
	w.run(50)
	w.expectCommitted(3, "Z")
	w.heal()
	w.timeout("s3") // a heartbeat round reaches s1 and s2
	w.run(50)
	w.expectRole("s1", RoleFollower)
	w.traced(". truncate s2")
	for _, s := range []string{"s1", "s2", "s3", "s4", "s5"} {
		w.expectLog(s, "[1:noop 2:noop 2:Z]")
	}
	w.expectSafe()
}

// TestR5LogRepair (noop=0; Fig. 7): s3 missed B and C, the old leader s1
// keeps an uncommitted D, s2 leads t2: fail replies walk nextIndex back one
// at a time, then one append fixes each log. Again with probe=1.
func TestR5LogRepair(t *testing.T) {
	for _, opts := range []string{"noop=0", "noop=0 probe=1"} {
		w := newWorld(t, cfgOf(t, 3, opts))
		w.win("s1", "s2", "s3")
		w.run(20)
		w.propose("s1", "A")
		w.run(20)
		w.propose("s1", "B")
		w.propose("s1", "C")
		w.drop("append s1->s3")
		w.run(20)
		w.expectCommitted(3, "C")
		w.propose("s1", "D")
		w.dropAll()
		w.expectLog("s1", "[1:A 1:B 1:C 1:D]")
		w.expectLog("s3", "[1:A]")
		w.timeout("s2")
		w.deliver("requestvote s2->s1")
		w.deliver("requestvote s2->s3")
		w.deliver("vote")
		w.expectLeader("s2")
		w.propose("s2", "E")
		fails := w.sent[MsgAppendReply]
		w.run(50)
		for _, s := range []string{"s1", "s2", "s3"} {
			w.expectLog(s, "[1:A 1:B 1:C 2:E]")
		}
		w.traced("appendreply s3->s2 t=2 fail")
		w.traced(". truncate s1")
		w.expectCommitted(4, "E")
		if w.sent[MsgAppendReply]-fails < 4 {
			w.fail("%s: too few replies for a repair", opts)
		}
		w.expectSafe()
	}
}

// fig8 plays Fig. 8 (a)–(c) in five servers (noop=0).
func fig8(t *testing.T, bugs string) *world {
	opts := "noop=0"
	if bugs != "" {
		opts += " bugs=" + bugs
	}
	w := newWorld(t, cfgOf(t, 5, opts))
	w.win("s1", "s2", "s3", "s4", "s5")
	w.run(50)
	w.propose("s1", "A")
	w.run(50)
	w.crash("s1") // a leader's timeout is a heartbeat: restart it to stand
	w.restart("s1")
	w.win("s1", "s2", "s3", "s4", "s5") // t2
	w.run(50)
	// (a) B (t2) reaches S2 only.
	w.propose("s1", "B")
	w.deliver("append s1->s2")
	w.dropAll()
	// (b) S5 wins t3 with S3, S4; C at 2.
	w.crash("s1")
	w.win("s5", "s3", "s4")
	w.dropAll()
	w.propose("s5", "C")
	w.dropAll()
	w.expectLog("s5", "[1:A 3:C]")
	// (c) S1 times out until it wins t4 with S2, S3.
	w.crash("s5")
	w.restart("s1")
	w.timeout("s1") // t3: s3 voted for s5
	w.deliver("requestvote s1->s3")
	w.deliver("vote s3->s1")
	w.dropAll()
	w.expectRole("s1", RoleCandidate)
	w.win("s1", "s2", "s3") // t4
	w.drop("* s1->s4")
	w.deliver("append s1->s3 prevIndex=2")
	w.traced("appendreply s3->s1 t=4 fail")
	w.deliver("appendreply s3->s1 fail")
	w.deliver("append s1->s3 t=4 prevIndex=1 prevTerm=1 entries=[2:B]")
	w.run(20)
	w.expectLog("s3", "[1:A 2:B]")
	if bugs == "" {
		w.expectCommitted(2, "none")
	}
	w.propose("s1", "D")
	return w
}

// TestR6Figure8: (d) S5 overwrites B, never committed; (e) D commits B with
// it and S5 can no longer win; with commit_old_term (c) commits B by
// counting and (d) breaks leader-completeness.
func TestR6Figure8(t *testing.T) {
	d := func(w *world) {
		w.dropAll() // D's appends held for good
		w.crash("s1")
		w.restart("s5")
		w.timeout("s5") // t4: s2, s3 voted for s1
		w.deliver("requestvote s5->*")
		w.deliver("vote")
		w.dropAll()
		w.timeout("s5") // t5
		w.deliver("requestvote s5->*")
		w.deliver("vote")
		w.run(50)
	}
	w := fig8(t, "")
	d(w)
	w.traced(". truncate s2")
	w.expectLeader("s5")
	w.expectTerm("s5", 5)
	w.expectLog("s2", "[1:A 3:C]")
	w.expectLog("s3", "[1:A 3:C]")
	w.expectSafe()

	w = fig8(t, "") // (e)
	w.deliver("append s1->s2")
	w.deliver("append s1->s3")
	w.deliver("appendreply")
	w.expectCommitted(2, "B")
	w.expectCommitted(3, "D")
	w.dropAll()
	w.crash("s1")
	w.restart("s5")
	for range 3 {
		w.timeout("s5")
		w.deliver("requestvote s5->*")
		w.deliver("vote")
		w.expectRole("s5", RoleCandidate)
	}
	w.expectSafe()

	w = fig8(t, "commit_old_term")
	w.expectCommitted(2, "B")
	d(w)
	w.expectFirst(InvLeaderCompleteness)
}

// TestR7ElectionRestriction: X committed on s1, s2 while s3 was away; s1
// crashes; s3's request is refused; s2 wins t3 with s3.
func TestR7ElectionRestriction(t *testing.T) {
	w := newWorld(t, cfgOf(t, 3, ""))
	w.win("s1", "s2", "s3")
	w.run(20)
	w.partition("s3 | *")
	w.propose("s1", "X")
	w.run(20)
	w.expectCommitted(2, "X")
	w.heal()
	w.crash("s1")
	w.timeout("s3")
	w.deliver("requestvote s3->s2")
	w.traced("vote s2->s3 t=2 refused")
	w.deliver("vote s2->s3")
	w.expectRole("s3", RoleCandidate)
	w.win("s2", "s3")
	w.expectTerm("s2", 3)
	w.run(20)
	w.expectLog("s3", "[1:noop 1:X 3:noop]")
	w.expectSafe()
}

// TestR8RestartReapply: a restart keeps term and log, loses commit and
// applied; the next heartbeat re-applies. With keep_commit the restart
// re-applies at once. Both safe.
func TestR8RestartReapply(t *testing.T) {
	for _, opts := range []string{"", "bugs=keep_commit"} {
		w := newWorld(t, cfgOf(t, 3, opts))
		w.win("s1", "s2", "s3")
		w.propose("s1", "X")
		w.propose("s1", "Y")
		w.run(50)
		w.timeout("s1")
		w.run(50)
		w.expectApplied("s2", 3)
		w.crash("s2")
		w.restart("s2")
		w.expectTerm("s2", 1)
		w.expectLog("s2", "[1:noop 1:X 1:Y]")
		if opts == "" {
			w.expectCommit("s2", 0)
			w.expectApplied("s2", 0)
			w.timeout("s1")
			w.run(50)
		} else {
			w.expectCommit("s2", 3)
		}
		w.expectApplied("s2", 3)
		w.expectSafe()
	}
}

// TestR9Noop: noop=0: X on every live server yet uncommitted
// (raftscope#22) until Y commits; noop=1: the no-op commits X at once.
func TestR9Noop(t *testing.T) {
	for _, noop := range []string{"noop=0", "noop=1"} {
		w := newWorld(t, cfgOf(t, 3, noop))
		w.win("s1", "s2", "s3")
		w.run(20)
		w.propose("s1", "X")
		w.deliver("append s1->s2")
		w.drop("appendreply")
		w.drop("append s1->s3")
		w.crash("s1")
		w.win("s2", "s3")
		w.run(20)
		if noop == "noop=0" {
			w.expectLog("s3", "[1:X]")
			w.expectCommitted(1, "none")
			w.expectCommit("s2", 0)
			w.propose("s2", "Y")
			w.run(20)
			w.expectCommitted(1, "X")
			w.expectCommitted(2, "Y")
		} else {
			w.expectLog("s3", "[1:noop 1:X 2:noop]")
			w.expectCommitted(2, "X")
		}
		w.expectSafe()
	}
}

// TestR10Duplicates: a copied vote after the win is ignored; copied
// appends delivered out of order never shorten a log. With truncate_always
// the older copy shortens it.
func TestR10Duplicates(t *testing.T) {
	for _, bug := range []string{"", "truncate_always"} {
		w := newWorld(t, cfgOf(t, 3, "bugs="+bug))
		w.timeout("s1")
		w.deliver("requestvote s1->s2")
		w.dup("vote s2->s1")
		w.deliver("vote s2->s1")
		w.expectLeader("s1")
		w.traced(". vote_ignored s1")
		w.drop("requestvote")
		w.drop("append s1->s2")
		w.propose("s1", "X")
		w.dup("append s1->s2")
		w.propose("s1", "Y")
		w.dup("append s1->s2 1:Y]")
		w.deliver("append s1->s2 1:Y]")
		w.expectLog("s2", "[1:noop 1:X 1:Y]")
		w.deliver("append s1->s2 entries=[1:noop")
		if bug == "" {
			w.expectLog("s2", "[1:noop 1:X 1:Y]")
		} else {
			w.expectLog("s2", "[1:noop 1:X]")
		}
		w.run(50)
		w.expectSafe()
	}
}

// TestR11ReturningServer: s3, partitioned, times out to t4; after heal its
// reply deposes s1; s3 lacks X and cannot win; s1 wins t5 while s3's
// request is refused.
func TestR11ReturningServer(t *testing.T) {
	w := newWorld(t, cfgOf(t, 3, ""))
	w.win("s1", "s2", "s3")
	w.run(20)
	w.partition("s3 | *")
	w.propose("s1", "X")
	w.run(20)
	w.expectCommitted(2, "X")
	for range 3 {
		w.timeout("s3")
	}
	w.expectTerm("s3", 4)
	w.heal()
	w.timeout("s1") // heartbeat
	w.deliver("append s1->s3")
	w.deliver("appendreply s3->s1 t=4 fail")
	w.expectRole("s1", RoleFollower)
	w.expectTerm("s1", 4)
	w.run(20)
	w.timeout("s1") // t5
	w.timeout("s3") // t5 too
	w.deliver("requestvote s1->s2")
	w.deliver("requestvote s3->s2")
	w.traced("vote s2->s3 t=5 refused")
	w.deliver("vote s2->s1")
	w.expectLeader("s1")
	w.expectTerm("s1", 5)
	w.run(50)
	w.expectLog("s3", "[1:noop 1:X 5:noop]")
	w.expectSafe()
}
