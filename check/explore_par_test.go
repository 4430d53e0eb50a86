package check

import (
	"fmt"
	"testing"
)

// sameSearch fails unless a and b are the same search outcome: figures,
// stop, memory of the search structures and counterexample.
func sameSearch(t *testing.T, what string, a, b *Result) {
	t.Helper()
	fig := func(r *Result) string {
		v := "none"
		if r.Violation != nil {
			v = r.Violation.Invariant + "\n" + r.Violation.Script
		}
		return fmt.Sprintf("states %d, transitions %d, depth %d, stop %s, memory %d, violation %s",
			r.DistinctStates, r.Transitions, r.Depth, r.Stop, r.MemoryBytes, v)
	}
	if fa, fb := fig(a), fig(b); fa != fb {
		t.Errorf("%s:\none worker: %s\nparallel:   %s", what, fa, fb)
	}
}

// parallelStates cuts the searches of TestExploreParallelSame: enough
// for several merges of runs per level, at an odd number so the cut
// falls inside a run.
func parallelStates() int {
	if testing.Short() || raceEnabled {
		return 1_999
	}
	return 40_001
}

// parallelWorkers are the worker counts TestExploreParallelSame compares
// with one (3 leaves the last merge of a level with fewer runs than
// workers more often).
func parallelWorkers() []int {
	if testing.Short() || raceEnabled {
		return []int{2}
	}
	return []int{2, 3}
}

// TestExploreParallelSame: a search expanded by 2 or 3 workers finds
// exactly what one worker finds (states, transitions, depth, stop, the
// same shortest counterexample), for every Multi-Paxos and Raft bug case,
// with the bug on and off, cut by the state budget or not. Under the race
// detector it also shows the workers share nothing they write.
func TestExploreParallelSame(t *testing.T) {
	max := parallelStates()
	for _, c := range MPBugCases() {
		for _, bugs := range []bool{true, false} {
			opt := c.Options
			if !bugs {
				opt.Cluster.Bugs = 0
			}
			opt.MaxStates = max
			what := fmt.Sprintf("multipaxos %s bugs=%v", c.Bug, bugs)
			one := mustMP(t, opt)
			for _, n := range parallelWorkers() {
				opt.Workers = n
				sameSearch(t, fmt.Sprintf("%s, %d workers", what, n), one, mustMP(t, opt))
			}
		}
	}
	for _, c := range RaftBugCases() {
		for _, bugs := range []bool{true, false} {
			opt := c.Options
			if !bugs {
				opt.Cluster.Opts.Bugs = 0
			}
			opt.MaxStates = max
			what := fmt.Sprintf("raft %s bugs=%v", c.Bug, bugs)
			one := mustRaft(t, opt)
			for _, n := range parallelWorkers() {
				opt.Workers = n
				sameSearch(t, fmt.Sprintf("%s, %d workers", what, n), one, mustRaft(t, opt))
			}
		}
	}
}

// TestExploreParallelUsed: with more than one worker the Multi-Paxos and
// Raft searches do fork (else TestExploreParallelSame compares the
// sequential search with itself); with one, or with a model that loads
// its states from keys, there are no workers.
func TestExploreParallelUsed(t *testing.T) {
	opt := MPBugCases()[0].Options
	if err := opt.normalize(); err != nil {
		t.Fatal(err)
	}
	e, err := newMPSearch(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		what  string
		n     int
		loads bool
		want  int
	}{{"multipaxos", 2, false, 2}, {"multipaxos", 3, false, 3}, {"one worker", 1, false, 0}, {"zero", 0, false, 0}, {"a loading model", 2, true, 0}} {
		if got := len(newExploreWorkers[*mpState](e, c.loads, c.n)); got != c.want {
			t.Errorf("%s, %d asked: %d workers, want %d", c.what, c.n, got, c.want)
		}
	}
	if got := len(newExploreWorkers[*raftState](&raftSearch{}, false, 2)); got != 2 {
		t.Errorf("raft: %d workers, want 2", got)
	}
}
