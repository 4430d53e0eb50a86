package check

import (
	"context"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
)

// Benchmarks for the figures in the README (make bench runs them with
// -cpu=1). Each reports states/s (distinct states per second of one
// search) next to the time per search.

func benchSpec(b *testing.B, opt SpecOptions, states int) {
	var res *Result
	b.ReportAllocs()
	for b.Loop() {
		var err error
		res, err = Spec(context.Background(), opt)
		if err != nil || res.Stop != StopComplete || res.DistinctStates != states {
			b.Fatalf("%s: %v %+v", opt.Bounds(), err, res)
		}
	}
	b.ReportMetric(float64(res.DistinctStates)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(res.Transitions)*float64(b.N)/b.Elapsed().Seconds(), "generated/s")
	b.ReportMetric(res.BytesPerState, "bytes/state")
}

// BenchmarkSpecSmall is MCPaxosSmall's model (3 acceptors, 2 values,
// ballots 0..2), which took TLC about a minute: the whole search, every
// invariant checked in every state. Target: under 1 second.
func BenchmarkSpecSmall(b *testing.B) {
	benchSpec(b, SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2}, 185369)
}

// BenchmarkSpecTiny is MCPaxosTiny's model (TLC: 3,921 states).
func BenchmarkSpecTiny(b *testing.B) {
	benchSpec(b, SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 1}, 3921)
}

func benchEngine(b *testing.B, line string, opt EngineOptions, states int) {
	cl, err := sim.ParseCluster(line)
	if err != nil {
		b.Fatal(err)
	}
	opt.Cluster = cl
	var res *Result
	b.ReportAllocs()
	for b.Loop() {
		res, err = Engine(context.Background(), opt)
		if err != nil || res.Stop != StopComplete || res.DistinctStates != states {
			b.Fatalf("%s: %v %+v", opt.Bounds(), err, res)
		}
	}
	b.ReportMetric(float64(res.DistinctStates)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(res.Transitions)*float64(b.N)/b.Elapsed().Seconds(), "generated/s")
	b.ReportMetric(res.BytesPerState, "bytes/state")
}

// BenchmarkEngine3x3 is the correct engine with 3 proposers and 3
// acceptors, one round each (the configuration of adopt_lowest and
// no_raise_on_accept): a complete search.
func BenchmarkEngine3x3(b *testing.B) {
	benchEngine(b, "cluster proposers=3 acceptors=3 learners=0", EngineOptions{}, 8156)
}

// BenchmarkEngineRetries is 2 proposers and 3 acceptors with retries up to
// round 2: about 100,000 states.
func BenchmarkEngineRetries(b *testing.B) {
	benchEngine(b, "cluster proposers=2 acceptors=3 learners=0", EngineOptions{MaxRound: 2}, 106861)
}

// BenchmarkEngineServers is 3 servers (no symmetry reduction).
func BenchmarkEngineServers(b *testing.B) {
	benchEngine(b, "cluster servers=3", EngineOptions{}, 38988)
}

// BenchmarkEngineRefine is 2 proposers, 3 acceptors and one duplication,
// every step checked against Paxos.tla.
func BenchmarkEngineRefine(b *testing.B) {
	benchEngine(b, "cluster proposers=2 acceptors=3 learners=0", EngineOptions{Dups: 1, Refine: true}, 18622)
}

// BenchmarkGallery computes the ten bug gallery counterexamples.
func BenchmarkGallery(b *testing.B) {
	for b.Loop() {
		for _, c := range BugCases() {
			if res, err := Engine(context.Background(), c.Options); err != nil || res.Violation == nil {
				b.Fatalf("%s: %v", c.Bug, err)
			}
		}
	}
}
