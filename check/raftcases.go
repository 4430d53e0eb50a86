package check

import (
	"context"
	"fmt"

	rf "github.com/paxviz/paxviz/engine/raft"
	"github.com/paxviz/paxviz/engine/sim"
)

// RaftBugCase is one Raft bug switch of raft.md §6 with the bounds within
// which the engine search finds its shortest counterexample (and the
// correct engine, at the same bounds, none): what the gallery's Raft
// section shows.
type RaftBugCase struct {
	Bug rf.Bug
	// Needs is raft.md §6's "Needs" column: servers / terms / commands,
	// plus faults.
	Needs string
	// Invariant is the invariant the shortest counterexample breaks (the
	// search looks for any; the tests check that this one breaks first).
	Invariant string
	// Note is the translation key of the text saying which rule the
	// switch bends and why that loses safety (i18n/raftcheck.go).
	Note string
	// Options are the search's cluster (noop=0, the bug on) and bounds;
	// Options.Bounds() renders them as paxviz check engine flags.
	Options RaftEngineOptions
}

// RaftBugCases returns one case per switch, in the order of raft.md §6
// (rf.AllBugs), with noop=0 as §6 assumes (except commit_beyond_new).
//
// Three cases search the fresh model (RaftEngineOptions.Fresh), where the
// full one is too large: commit_old_term (Figure 8, 20 steps, beyond the
// full model's reach), stale_append (one stale delivery) and
// commit_beyond_new; their counterexamples are real and replay. The
// searches take seconds on one core; stale_append's and commit_old_term's
// the longest. A caller that serves them (the gallery) should compute them
// once, off the request path, and show the others first.
func RaftBugCases() []RaftBugCase {
	c := func(bug rf.Bug, needs, inv string, servers, terms, cmds int, more func(o *RaftEngineOptions)) RaftBugCase {
		o := rf.DefaultOptions(servers)
		o.Noop = 0
		o.Bugs = rf.BugSet(0).With(bug)
		opt := RaftEngineOptions{Cluster: sim.RaftCluster{Opts: o, Seed: sim.DefaultSeed}, MaxTerm: terms, Commands: cmds}
		if more != nil {
			more(&opt)
		}
		return RaftBugCase{Bug: bug, Needs: needs, Invariant: inv, Note: "raftcheck." + bug.String() + ".why", Options: opt}
	}
	return []RaftBugCase{
		// Figure 8 is 20 steps deep: beyond what the full model's
		// breadth-first search exhausts (3.5 million states reach depth
		// 13). In the fresh model (RaftEngineOptions.Fresh: messages of a
		// term below the newest are lost) the search finds it in half a
		// million states, and the correct engine is exhausted there.
		c(rf.BugCommitOldTerm, "3 / 4 / 2", rf.InvLeaderCompleteness, 3, 4, 2, func(o *RaftEngineOptions) { o.Fresh = true }),
		c(rf.BugNoLogCheck, "3 / 2 / 1", rf.InvLeaderCompleteness, 3, 2, 1, nil),
		// §6 names one-vote-per-term and election-safety: the restarted
		// voter's second grant breaks the first at once, before any
		// second leader.
		c(rf.BugForgetVote, "3 / 1 / 0, restart", rf.InvOneVotePerTerm, 3, 1, 0, func(o *RaftEngineOptions) { o.Crashes = 1 }),
		c(rf.BugVolatileLog, "3 / 2 / 1, restart", rf.InvLeaderCompleteness, 3, 2, 1, func(o *RaftEngineOptions) { o.Crashes = 1 }),
		// The held t1 append is delivered after t2 began: one old message.
		// The full model finds the same 14 steps in 2.8 million states,
		// the fresh model with one stale delivery in a quarter million.
		c(rf.BugStaleAppend, "3 / 3 / 2", rf.InvLeaderCompleteness, 3, 3, 2, func(o *RaftEngineOptions) { o.Fresh, o.Stale = true, 1 }),
		c(rf.BugTruncateAlways, "3 / 2 / 2, reorder", rf.InvLeaderCompleteness, 3, 2, 2, nil),
		// §6's bounds (noop=0, three commands) are not exhausted to the
		// counterexample's depth (3.65 million states reach depth 14 in
		// ten minutes). With the no-op on, the leaders' no-ops play §6's
		// A and Y: one command (X, left on s1 only) suffices and the
		// search takes a minute. The new leader must tell s1 the new
		// commit index with an append built after the commit: one
		// heartbeat round. The full model finds the same 14 steps in half
		// a million states; the fresh model in 40,000, and its correct
		// engine is exhausted.
		c(rf.BugCommitBeyondNew, "3 / 2 / 3, probe=1", rf.InvStateMachineSafety, 3, 2, 1, func(o *RaftEngineOptions) {
			o.Cluster.Opts.Noop = 1
			o.Cluster.Opts.Probe = 1
			o.Heartbeats = 1
			o.Fresh = true
		}),
		c(rf.BugCountDuplicates, "4 / 1 / 0, two dup", rf.InvElectionSafety, 4, 1, 0, func(o *RaftEngineOptions) { o.Dups = 2 }),
		c(rf.BugNoStepDown, "2 / 2 / 0", rf.InvElectionSafety, 2, 2, 0, nil),
	}
}

// RaftCounterexample runs the case of bug and returns its shortest
// counterexample. The search is deterministic: callers may cache the
// result.
func RaftCounterexample(ctx context.Context, bug rf.Bug) (*Result, error) {
	for _, c := range RaftBugCases() {
		if c.Bug == bug {
			res, err := RaftEngine(ctx, c.Options)
			if err != nil {
				return nil, err
			}
			if res.Violation == nil && !res.Truncated {
				return res, fmt.Errorf("check: internal error: no counterexample for %s", bug)
			}
			return res, nil
		}
	}
	return nil, fmt.Errorf("%w %s", ErrNoCase, bug)
}
