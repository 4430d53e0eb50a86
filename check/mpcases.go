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

// MPBugCases lists the switches of multipaxos.md §5: the six that break
// the key-value log, with their bounds (then the four lease and lock
// switches, MPLeaseBugCases): servers / ballot rounds / clients and
// commands / faults, as in the table. The cluster starts with s1 leading
// ballot 1.1 (leader=s1), so a second ballot is max-round 2.
func MPBugCases() []MPBugCase {
	cl := func(clients, window int, b mp.Bug) sim.MPCluster {
		return sim.MPCluster{Servers: 3, Clients: clients, Window: window, Timeout: mp.DefaultTimeout,
			Heartbeat: mp.DefaultHeartbeat, Leader: "s1", Seed: sim.DefaultSeed, Bugs: mp.BugSet(b)}
	}
	cases := []MPBugCase{
		// Window 1: the counterexamples are as short as with the default
		// window (7 and 9 steps), and the correct engine is exhausted at
		// these bounds (README; TestMPCorrectCleanLong).
		{mp.BugSkipPhase1, MPEngineOptions{Cluster: cl(2, 1, mp.BugSkipPhase1), Commands: 2, MaxRound: 2, Ballots: 2}},
		{mp.BugNoAdopt, MPEngineOptions{Cluster: cl(2, 1, mp.BugNoAdopt), Commands: 2, MaxRound: 2, Ballots: 2}},
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
	return append(cases, MPLeaseBugCases()...)
}

// MPLeaseBugCases lists the four lease and lock switches of
// multipaxos.md §5 with bounds at which the search finds them (mplease.go
// has the actions and workloads):
//
//   - read_no_lease: lease reads (reads=lease), c1 reads x while c2 puts
//     x 2 at s2, one election and no time: the deposed s1, which promised
//     2.2 but had no nack, answers from its copy (linearizable).
//   - lease_no_drift, on the lock service: one server, ttl 2, drift 50,
//     one clock slowed, two ticks: c1 still believes on its slow clock
//     when the leader's expire lets c2 in (lease-exclusive).
//   - restart_forgets_lease: lease 10, two ticks, one crash, one
//     election, no commands: a restarted server promises at once and a
//     second lease starts (lease-exclusive).
//   - no_fencing: one server, c1 acquires, writes, releases; c2 acquires
//     and writes; c1's store lands last (fencing).
func MPLeaseBugCases() []MPBugCase {
	cl := func(servers int, b mp.Bug) sim.MPCluster {
		return sim.MPCluster{Servers: servers, Clients: 2, Window: mp.DefaultWindow, Timeout: mp.DefaultTimeout,
			Heartbeat: 1, Leader: "s1", Seed: sim.DefaultSeed, Bugs: mp.BugSet(b)}
	}
	readNoLease := cl(3, mp.BugReadNoLease)
	readNoLease.Heartbeat, readNoLease.Lease, readNoLease.Reads = mp.DefaultHeartbeat, 5, mp.ViaLease
	noDrift := cl(1, mp.BugLeaseNoDrift)
	noDrift.Lock, noDrift.TTL, noDrift.Drift = true, 2, 50
	restart := cl(3, mp.BugRestartForgetsLease)
	restart.Clients, restart.Lease = 1, 10
	fencing := cl(1, mp.BugNoFencing)
	fencing.Heartbeat, fencing.Lock, fencing.TTL = mp.DefaultHeartbeat, true, mp.DefaultTTL
	return []MPBugCase{
		{mp.BugReadNoLease, MPEngineOptions{Cluster: readNoLease, Workload: WorkloadStaleRead, Commands: 2, MaxRound: 2, Ballots: 2}},
		{mp.BugLeaseNoDrift, MPEngineOptions{Cluster: noDrift, Workload: WorkloadLock, Commands: 2, MaxRound: 1, Ticks: 2, Clocks: 1}},
		{mp.BugRestartForgetsLease, MPEngineOptions{Cluster: restart, Workload: WorkloadNone, MaxRound: 2, Ballots: 2, Crashes: 1, Ticks: 2}},
		{mp.BugNoFencing, MPEngineOptions{Cluster: fencing, Workload: WorkloadLock, Commands: 5, MaxRound: 1}},
	}
}
