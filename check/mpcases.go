package check

import (
	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/engine/sim"
)

// MPBugCase is one Multi-Paxos bug switch with the bounds of
// multipaxos.md §5's "Needs" column, within which the engine search finds
// its counterexample (and the correct engine none).
type MPBugCase struct {
	Bug     mp.Bug
	Options MPEngineOptions
}

// MPBugCases lists the six switches of multipaxos.md §5 that break the
// key-value log, with their bounds: servers / ballot rounds / clients and
// commands / faults, as in the table. The cluster starts with s1 leading
// ballot 1.1 (leader=s1), so a second ballot is max-round 2.
func MPBugCases() []MPBugCase {
	cl := func(clients, window int, b mp.Bug) sim.MPCluster {
		return sim.MPCluster{Servers: 3, Clients: clients, Window: window, Timeout: mp.DefaultTimeout,
			Heartbeat: mp.DefaultHeartbeat, Leader: "s1", Seed: sim.DefaultSeed, Bugs: mp.BugSet(b)}
	}
	return []MPBugCase{
		{mp.BugSkipPhase1, MPEngineOptions{Cluster: cl(2, mp.DefaultWindow, mp.BugSkipPhase1), Commands: 2, MaxRound: 2, Ballots: 2}},
		{mp.BugNoAdopt, MPEngineOptions{Cluster: cl(2, mp.DefaultWindow, mp.BugNoAdopt), Commands: 2, MaxRound: 2, Ballots: 2}},
		// §5's schedule has two commands and a crash; the search finds a
		// shorter one with neither (the new leader's noop displaces the
		// one chosen command), so the bounds are the smaller ones.
		{mp.BugPrepareFromTop, MPEngineOptions{Cluster: cl(1, 2, mp.BugPrepareFromTop), Commands: 1, MaxRound: 2, Ballots: 2}},
		{mp.BugExecOutOfOrder, MPEngineOptions{Cluster: cl(2, 2, mp.BugExecOutOfOrder), Commands: 2, MaxRound: 1}},
		// The leader deciding on its own vote breaks learned-chosen at
		// once: no election is needed (§5 adds one to show a stale read).
		{mp.BugCommitMinority, MPEngineOptions{Cluster: cl(1, mp.DefaultWindow, mp.BugCommitMinority), Commands: 1, MaxRound: 1, Crashes: 1, Drops: 1}},
		{mp.BugNoDedup, MPEngineOptions{Cluster: cl(1, mp.DefaultWindow, mp.BugNoDedup), Commands: 1, MaxRound: 1, Drops: 1, Retries: 1}},
	}
}
