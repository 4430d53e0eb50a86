package check

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"
)

// smrRun runs one search with the given workers and smallest parallel
// level.
func smrRun(t *testing.T, opt SMROptions, workers, parLevel int) *smrSearch {
	t.Helper()
	e, err := newSMRSearch(context.Background(), opt, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	e.workers, e.parLevel = workers, parLevel
	e.run()
	if e.err != nil {
		t.Fatal(e.err)
	}
	return e
}

// TestSMRParallelSameSearch: splitting levels over workers changes
// nothing a search reports or holds: counts, depth, stop, counterexample,
// the states in their order and every parent link are those of the
// sequential search, for complete searches, counterexamples (found in a
// parallel level: every level is split here), deadlocks and budgets.
func TestSMRParallelSameSearch(t *testing.T) {
	// Small searches (a few thousand states each, so that the race
	// detector's run stays short): complete ones with and without
	// symmetry, both seed bugs, and a budget stop in the small model.
	cases := []SMROptions{
		{Replicas: 3, Writes: 1, Reads: 0, MaxBallot: 2},
		{Replicas: 2, Writes: 2, Reads: 0, MaxBallot: 2, NoSymmetry: true},
		{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, SeedBug: SMRSeedBugs[0]},
		{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, SeedBug: SMRSeedBugs[1]},
		{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, MaxStates: 20_000},
	}
	for _, opt := range cases {
		seq := smrRun(t, opt, 1, smrParallelLevel)
		for _, w := range []int{2, 3} {
			par := smrRun(t, opt, w, 1)
			seq.res.Seconds, par.res.Seconds = 0, 0
			seq.res.StatesPerSecond, par.res.StatesPerSecond = 0, 0
			if !reflect.DeepEqual(seq.res, par.res) {
				t.Errorf("%s, %d workers: %+v\nsequential: %+v", opt.Bounds(), w, par.res, seq.res)
			}
			if !slices.Equal(seq.parent, par.parent) || seq.t.n != par.t.n {
				t.Errorf("%s, %d workers: other parent links (%d states, sequential %d)", opt.Bounds(), w, par.t.n, seq.t.n)
				continue
			}
			for i := range seq.t.n {
				if !equalWords(seq.t.state(i), par.t.state(i)) {
					t.Errorf("%s, %d workers: state %d differs", opt.Bounds(), w, i)
					break
				}
			}
		}
	}
}
