package check

import (
	"context"
	"testing"

	rf "github.com/paxviz/paxviz/engine/raft"
	"github.com/paxviz/paxviz/engine/sim"
)

func benchRaft(b *testing.B, opt RaftEngineOptions, want Stop) {
	b.Helper()
	var res *Result
	for b.Loop() {
		var err error
		res, err = RaftEngine(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	if res.Stop != want {
		b.Fatalf("%s: stopped with %s, want %s", res.Bounds, res.Stop, want)
	}
	b.ReportMetric(float64(res.DistinctStates), "states")
	b.ReportMetric(float64(res.DistinctStates)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(res.Transitions)*float64(b.N)/b.Elapsed().Seconds(), "generated/s")
	b.ReportMetric(res.BytesPerState, "bytes/state")
}

func raftBenchOptions(bugs rf.BugSet) RaftEngineOptions {
	o := rf.DefaultOptions(3)
	o.Noop = 0
	o.Bugs = bugs
	return RaftEngineOptions{Cluster: sim.RaftCluster{Opts: o, Seed: sim.DefaultSeed}, MaxTerm: 2, Commands: 1}
}

// BenchmarkRaftCorrect321: the complete search of the correct engine at
// 3 servers, 2 terms, 1 command, noop=0 (no_log_check's bounds).
func BenchmarkRaftCorrect321(b *testing.B) {
	benchRaft(b, raftBenchOptions(0), StopComplete)
}

// BenchmarkRaftCorrect321NoSymmetry: the same without server symmetry.
func BenchmarkRaftCorrect321NoSymmetry(b *testing.B) {
	opt := raftBenchOptions(0)
	opt.NoSymmetry = true
	benchRaft(b, opt, StopComplete)
}

// BenchmarkRaftCorrect321NoReduction: the same without any reduction.
func BenchmarkRaftCorrect321NoReduction(b *testing.B) {
	opt := raftBenchOptions(0)
	opt.NoReduction = true
	benchRaft(b, opt, StopComplete)
}

// BenchmarkRaftGalleryQuick: the six counterexamples of RaftBugCases that
// take seconds, one after another.
func BenchmarkRaftGalleryQuick(b *testing.B) {
	for b.Loop() {
		for _, c := range RaftBugCases() {
			if w := raftCaseWant[c.Bug]; w.found != "race" && w.found != "s" {
				continue
			}
			res, err := RaftEngine(context.Background(), c.Options)
			if err != nil || res.Violation == nil {
				b.Fatalf("%s: %v %+v", c.Bug, err, res)
			}
		}
	}
}

// raftFigure8Options are commit_old_term's bounds (3 servers, 4 terms, 2
// commands, noop=0) in the fresh model, with bugs switched on.
func raftFigure8Options(bugs rf.BugSet) RaftEngineOptions {
	opt := raftBenchOptions(bugs)
	opt.MaxTerm, opt.Commands, opt.Fresh = 4, 2, true
	return opt
}

// BenchmarkRaftFigure8Fresh: commit_old_term's shortest counterexample
// (Figure 8, 20 steps) in the fresh model.
func BenchmarkRaftFigure8Fresh(b *testing.B) {
	benchRaft(b, raftFigure8Options(rf.BugSet(0).With(rf.BugCommitOldTerm)), StopViolation)
}

// BenchmarkRaftCorrectFresh342: the complete search of the correct engine
// at the same bounds.
func BenchmarkRaftCorrectFresh342(b *testing.B) {
	benchRaft(b, raftFigure8Options(0), StopComplete)
}
