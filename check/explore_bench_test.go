package check

import (
	"context"
	"runtime"
	"testing"

	rf "github.com/paxviz/paxviz/engine/raft"
	"github.com/paxviz/paxviz/engine/sim"
)

// Benchmarks of the explorer on the correct Multi-Paxos and Raft engines at
// the bounds of the lead's long searches, cut at a fixed number of
// states (the searches themselves take hours). Each reports states/s;
// compare two versions with -cpu 1 in one run, alternating.

const exploreBenchStates = 300000

// mpLargeOptions are `paxviz check engine --protocol multipaxos --servers
// 3 --clients 1 --leader s1 --commands 2 --max-round 2 --ballots 2
// --retries 1`.
func mpLargeOptions(maxStates int) MPEngineOptions {
	def := sim.DefaultMPCluster()
	cl := sim.MPCluster{Servers: 3, Clients: 1, Window: def.Window, Leader: "s1", Timeout: def.Timeout, Heartbeat: def.Heartbeat, Seed: def.Seed}
	return MPEngineOptions{Cluster: cl, Commands: 2, MaxRound: 2, Ballots: 2, Retries: 1, MaxStates: maxStates}
}

// raftLargeOptions are `paxviz check engine --protocol raft --servers 3
// --max-term 3 --commands 2 --noop 0 --fresh --stale 1`.
func raftLargeOptions(maxStates int) RaftEngineOptions {
	o := rf.DefaultOptions(3)
	o.Noop = 0
	return RaftEngineOptions{Cluster: sim.RaftCluster{Opts: o, Seed: sim.DefaultSeed}, MaxTerm: 3, Commands: 2, Fresh: true, Stale: 1, MaxStates: maxStates}
}

func reportExplore(b *testing.B, res *Result) {
	b.ReportMetric(float64(res.Depth), "depth")
	b.ReportMetric(float64(res.DistinctStates)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(res.Transitions)*float64(b.N)/b.Elapsed().Seconds(), "generated/s")
}

// BenchmarkExploreMPLarge: the first 300,000 states of the Multi-Paxos
// search above.
func BenchmarkExploreMPLarge(b *testing.B) {
	var res *Result
	b.ReportAllocs()
	for b.Loop() {
		var err error
		res, err = MultiPaxosEngine(context.Background(), mpLargeOptions(exploreBenchStates))
		if err != nil || res.Stop != StopMaxStates {
			b.Fatalf("%v %+v", err, res)
		}
	}
	reportExplore(b, res)
}

// BenchmarkExploreRaftLarge: the first 300,000 states of the Raft search
// above.
func BenchmarkExploreRaftLarge(b *testing.B) {
	var res *Result
	b.ReportAllocs()
	for b.Loop() {
		var err error
		res, err = RaftEngine(context.Background(), raftLargeOptions(exploreBenchStates))
		if err != nil || res.Stop != StopMaxStates {
			b.Fatalf("%v %+v", err, res)
		}
	}
	reportExplore(b, res)
}

// mpTwoClientOptions are `paxviz check engine --protocol multipaxos
// --servers 3 --clients 2 --window 1 --leader s1 --commands 2 --max-round
// 2 --ballots 2`, where client symmetry applies.
func mpTwoClientOptions(maxStates int) MPEngineOptions {
	def := sim.DefaultMPCluster()
	cl := sim.MPCluster{Servers: 3, Clients: 2, Window: 1, Leader: "s1", Timeout: def.Timeout, Heartbeat: def.Heartbeat, Seed: def.Seed}
	return MPEngineOptions{Cluster: cl, Commands: 2, MaxRound: 2, Ballots: 2, MaxStates: maxStates}
}

// BenchmarkExploreMPTwoClients: the first 300,000 states of the
// two-client Multi-Paxos search above (the symmetry reduction's key is
// most of its cost).
func BenchmarkExploreMPTwoClients(b *testing.B) {
	var res *Result
	b.ReportAllocs()
	for b.Loop() {
		var err error
		res, err = MultiPaxosEngine(context.Background(), mpTwoClientOptions(exploreBenchStates))
		if err != nil || res.Stop != StopMaxStates {
			b.Fatalf("%v %+v", err, res)
		}
	}
	reportExplore(b, res)
}

// BenchmarkExploreMPTwoClientsWorkers: the same search with one worker
// per processor (-cpu 1,2: sequential, then two workers), as paxviz check
// engine runs it.
func BenchmarkExploreMPTwoClientsWorkers(b *testing.B) {
	var res *Result
	opt := mpTwoClientOptions(exploreBenchStates)
	opt.Workers = runtime.GOMAXPROCS(0)
	for b.Loop() {
		var err error
		res, err = MultiPaxosEngine(context.Background(), opt)
		if err != nil || res.Stop != StopMaxStates {
			b.Fatalf("%v %+v", err, res)
		}
	}
	reportExplore(b, res)
}
