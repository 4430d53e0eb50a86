package raft

import "testing"

// Each bug switch of raft.md §6 breaks the invariant §6 names first on the
// schedule of §6 with the switch on (noop=0), and the same schedule is safe
// with it off.

// dropAll drops whatever is in flight.
func (w *world) dropAll() {
	if len(w.fly) > 0 {
		w.drop("*")
	}
}

func bugWorld(t *testing.T, servers int, opts, bug string, on bool) *world {
	t.Helper()
	if on {
		opts += " bugs=" + bug
	}
	return newWorld(t, cfgOf(t, servers, "noop=0 "+opts))
}

// both runs play with the switch on, then off.
func both(t *testing.T, bug, first string, play func(on bool) *world) {
	t.Helper()
	w := play(true)
	w.expectFirst(first)
	w.traced(". bug " + bug)
	w = play(false)
	w.expectSafe()
}

// Fig. 8 in three servers.
func TestBugCommitOldTerm(t *testing.T) {
	both(t, "commit_old_term", InvLeaderCompleteness, func(on bool) *world {
		w := bugWorld(t, 3, "", "commit_old_term", on)
		w.win("s1", "s2")
		w.dropAll()
		w.propose("s1", "X")
		w.dropAll()
		w.timeout("s2") // t2: s2 heard nothing from s1's term
		w.deliver("requestvote s2->s3")
		w.deliver("vote s3->s2")
		w.expectLeader("s2")
		w.propose("s2", "Y")
		w.deliver("requestvote s2->s1") // s1 hears t2 (refuses: its log is newer)
		w.expectRole("s1", RoleFollower)
		w.dropAll()
		w.win("s1", "s3")          // t3
		w.deliver("append s1->s3") // prevIndex=1: fails
		w.deliver("appendreply s3->s1 fail")
		w.deliver("append s1->s3 prevIndex=0") // backtracks X onto s3
		w.deliver("appendreply s3->s1")
		if on {
			w.expectCommitted(1, "X")
			w.expectApplied("s1", 1)
		} else {
			w.expectCommitted(1, "none")
		}
		w.deliver("requestvote s1->s2 t=3") // s2 hears t3 (refuses: its log is newer)
		w.dropAll()
		w.win("s2", "s3") // t4: lastTerm 2 > 1
		w.run(20)
		w.expectLog("s3", "[2:Y]")
		if on {
			w.expectViolation(InvStateMachineSafety)
		}
		return w
	})
}

// xOnS2 plays "s1 wins t1 (s3 votes too); X reaches s2 only, commits".
func xOnS2(w *world) {
	w.timeout("s1")
	w.deliver("requestvote")
	w.deliver("vote")
	w.expectLeader("s1")
	w.dropAll()
	w.propose("s1", "X")
	w.deliver("append s1->s2")
	w.deliver("appendreply s2->s1")
	w.expectCommitted(1, "X")
	w.dropAll()
}

func TestBugNoLogCheck(t *testing.T) {
	both(t, "no_log_check", InvLeaderCompleteness, func(on bool) *world {
		w := bugWorld(t, 3, "", "no_log_check", on)
		xOnS2(w)
		w.timeout("s3")
		w.deliver("requestvote s3->s2")
		w.deliver("vote s2->s3")
		if !on {
			w.traced("vote s2->s3 t=2 refused")
			w.expectRole("s3", RoleCandidate)
		}
		return w
	})
}

func TestBugVolatileLog(t *testing.T) {
	both(t, "volatile_log", InvLeaderCompleteness, func(on bool) *world {
		w := bugWorld(t, 3, "", "volatile_log", on)
		xOnS2(w)
		w.crash("s2")
		w.restart("s2")
		if on {
			w.expectLog("s2", "[]")
		} else {
			w.expectLog("s2", "[1:X]")
		}
		w.timeout("s3")
		w.deliver("requestvote s3->s2")
		w.deliver("vote s2->s3")
		return w
	})
}

func TestBugForgetVote(t *testing.T) {
	both(t, "forget_vote", InvOneVotePerTerm, func(on bool) *world {
		w := bugWorld(t, 3, "", "forget_vote", on)
		w.timeout("s1")
		w.timeout("s3")
		w.deliver("requestvote s1->s2")
		w.deliver("vote s2->s1")
		w.expectLeader("s1")
		w.crash("s2")
		w.restart("s2")
		w.deliver("requestvote s3->s2 t=1")
		w.deliver("vote s2->s3")
		if on {
			w.expectLeader("s3")
			w.expectViolation(InvElectionSafety)
		} else {
			w.expectRole("s3", RoleCandidate)
		}
		return w
	})
}

func TestBugStaleAppend(t *testing.T) {
	both(t, "stale_append", InvLeaderCompleteness, func(on bool) *world {
		w := bugWorld(t, 3, "", "stale_append", on)
		w.win("s1", "s2")
		w.dropAll()
		w.propose("s1", "X")
		held := w.hold("append s1->s3")
		w.dropAll()
		w.win("s2", "s3") // t2
		w.dropAll()
		w.propose("s2", "Y")
		w.deliver("append s2->s3")
		w.deliver("appendreply s3->s2")
		w.expectCommitted(1, "Y")
		w.dropAll()
		w.release(held)
		w.deliver("append s1->s3 t=1")
		if on {
			w.expectLog("s3", "[1:X]")
		} else {
			w.expectLog("s3", "[2:Y]")
		}
		w.deliver("appendreply s3->s1 t=2") // deposes s1
		w.expectRole("s1", RoleFollower)
		w.timeout("s1") // t3
		w.deliver("requestvote s1->s3")
		w.deliver("vote s3->s1")
		if !on {
			w.expectRole("s1", RoleCandidate)
		}
		return w
	})
}

func TestBugTruncateAlways(t *testing.T) {
	both(t, "truncate_always", InvLeaderCompleteness, func(on bool) *world {
		w := bugWorld(t, 3, "", "truncate_always", on)
		w.win("s1", "s2")
		w.dropAll()
		w.propose("s1", "X") // #a [X]
		w.drop("append s1->s3")
		w.propose("s1", "Y") // #b [X Y]
		w.drop("append s1->s3")
		w.deliver("append s1->s2 1:Y]") // #b first
		w.deliver("appendreply s2->s1")
		w.expectCommitted(2, "Y")
		w.deliver("append s1->s2 entries=[1:X]") // #a
		if on {
			w.expectLog("s2", "[1:X]")
		} else {
			w.expectLog("s2", "[1:X 1:Y]")
		}
		w.dropAll()
		w.win("s2", "s3") // t2
		w.run(20)
		return w
	})
}

func TestBugCommitBeyondNew(t *testing.T) {
	both(t, "commit_beyond_new", InvStateMachineSafety, func(on bool) *world {
		w := bugWorld(t, 3, "probe=1", "commit_beyond_new", on)
		w.win("s1", "s2", "s3")
		w.run(20)
		w.propose("s1", "A")
		w.run(20)
		w.timeout("s1") // heartbeat: commit=1 everywhere
		w.run(20)
		for _, s := range []string{"s1", "s2", "s3"} {
			w.expectApplied(s, 1)
		}
		w.propose("s1", "X")
		w.dropAll()
		w.win("s2", "s3") // t2
		w.drop("append s2->s1")
		w.run(20)
		w.propose("s2", "Y")
		w.drop("append s2->s1")
		w.run(20)
		w.expectCommitted(2, "Y")
		w.timeout("s2") // heartbeat
		w.drop("append s2->s3")
		w.deliver("append s2->s1 prevIndex=1 prevTerm=1 entries=[] commit=2")
		if on {
			w.expectApplied("s1", 2)
		} else {
			w.expectApplied("s1", 1)
			w.run(20)
			w.expectLog("s1", "[1:A 2:Y]")
		}
		return w
	})
}

func TestBugCountDuplicates(t *testing.T) {
	both(t, "count_duplicates", InvElectionSafety, func(on bool) *world {
		w := bugWorld(t, 4, "", "count_duplicates", on)
		w.timeout("s1")
		w.timeout("s3")
		w.deliver("requestvote s1->s2")
		w.deliver("requestvote s3->s4")
		w.dup("vote s2->s1")
		w.dup("vote s4->s3")
		w.deliver("vote")
		if !on {
			w.expectRole("s1", RoleCandidate)
			w.expectRole("s3", RoleCandidate)
		}
		return w
	})
}

func TestBugNoStepDown(t *testing.T) {
	both(t, "no_step_down", InvElectionSafety, func(on bool) *world {
		w := bugWorld(t, 2, "", "no_step_down", on)
		w.win("s1", "s2")
		w.run(10)
		w.timeout("s2") // t2
		w.deliver("requestvote s2->s1")
		if on {
			w.expectLeader("s1")
			w.expectTerm("s1", 2)
		} else {
			w.expectRole("s1", RoleFollower)
		}
		w.deliver("vote s1->s2")
		w.expectLeader("s2")
		return w
	})
}
