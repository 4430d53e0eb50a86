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
