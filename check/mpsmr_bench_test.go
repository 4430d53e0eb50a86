package check

import (
	"context"
	"testing"
)

// BenchmarkSMRSmall: MultiPaxos_MC_small.cfg (3 replicas, 1 write, 1 read,
// MaxBallot 2, replica symmetry): 343,796 distinct states, 736,012
// generated. The target: under one second on one core (make bench
// runs with -cpu=1).
func BenchmarkSMRSmall(b *testing.B) {
	benchSMR(b, SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2}, 343796)
}

// BenchmarkSMRSmallNoSymmetry: the same model with its SYMMETRY line
// removed: 2,062,561 distinct states, 4,415,485 generated.
func BenchmarkSMRSmallNoSymmetry(b *testing.B) {
	benchSMR(b, SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, NoSymmetry: true}, 2062561)
}

func benchSMR(b *testing.B, opt SMROptions, distinct int) {
	var res *SMRResult
	for b.Loop() {
		var err error
		res, err = MultiPaxosSMR(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
	}
	if res.DistinctStates != distinct || res.Stop != StopComplete {
		b.Fatalf("%d distinct states, stop %s; want %d, complete", res.DistinctStates, res.Stop, distinct)
	}
	b.ReportMetric(float64(res.DistinctStates)*float64(b.N)/b.Elapsed().Seconds(), "states/s")
	b.ReportMetric(float64(res.TotalStates), "generated")
	b.ReportMetric(float64(res.MemoryBytes)/(1<<20), "MB")
}
