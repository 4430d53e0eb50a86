package check

import "sync"

// Parallel expansion. Most of a search's time is spent making successors
// and their keys (copy, apply, canonical encoding, fingerprint); the
// visited set, the parent links and the frontier are cheap. So a level is
// cut in runs of exploreChunk states, each worker expands one run in its
// own goroutine (with its own fork of the model and its own trail), and
// then the explorer merges the successors run after run, state after
// state, in exactly the order the sequential explorer would have made
// them: the same states get the same numbers, the budgets are watched at
// the same states, and the same violation is found first. Results are
// byte-identical to a search with one worker (TestExploreParallelSame);
// only the time and the memory of the runs in hand differ.

// exploreForker is implemented by models whose states several goroutines
// may expand at once: fork returns a model that does exactly what this
// one does, with buffers of its own, for one goroutine. The models share
// their start state and configuration, and read them only.
type exploreForker[S any] interface {
	fork() exploreModel[S]
}

// MaxWorkers bounds the workers of one search (Workers in the options;
// paxviz check engine --workers): each holds a trail and a run of
// successors.
const MaxWorkers = 64

// exploreChunk is how many states of a level one worker expands between
// two merges.
const exploreChunk = 256

// newExploreWorkers returns n workers for a search of m, or none when it
// runs in one goroutine (n below 2, a model that does not fork, a model
// that loads its states from keys: its frontier holds keys, which the
// workers do not return).
func newExploreWorkers[S any](m exploreModel[S], loads bool, n int) []*exploreWorker[S] {
	n = min(n, MaxWorkers)
	f, ok := m.(exploreForker[S])
	if n < 2 || !ok || loads {
		return nil
	}
	ws := make([]*exploreWorker[S], n)
	for i := range ws {
		w := &exploreWorker[S]{}
		w.m = f.fork()
		w.replayer.stutter, _ = w.m.(exploreStutterer[S])
		ws[i] = w
	}
	return ws
}

// exploreWorker expands a run of a level's states.
type exploreWorker[S any] struct {
	replayer[S]

	succs []succ
	ends  []int   // the successors of the k-th state of the run end at ends[k]
	errs  []error // the k-th state's error (nil: none)
}

// run expands states ids, whose paths are in parent and act (read only
// while workers run), from start.
func (w *exploreWorker[S]) run(start S, parent, act []uint32, ids []uint32) {
	w.succs, w.ends, w.errs = w.succs[:0], w.ends[:0], w.errs[:0]
	for _, id := range ids {
		err := w.expand(start, parent, act, id)
		w.ends = append(w.ends, len(w.succs))
		w.errs = append(w.errs, err)
	}
}

// expand records the successors of state id, in the order of the model's
// actions, up to the first violation or error.
func (w *exploreWorker[S]) expand(start S, parent, act []uint32, id uint32) error {
	if err := w.build(start, parent, act, id); err != nil {
		return err
	}
	_, err := w.successors(func(s succ) bool {
		w.succs = append(w.succs, s)
		return s.kind == succViolation
	})
	return err
}

// levelParallel expands the current level with the workers (see level).
func (x *explorer[S]) levelParallel(n *int) (bool, error) {
	ids := x.cur.ids
	step := len(x.workers) * exploreChunk
	var wg sync.WaitGroup
	for lo := 0; lo < len(ids); lo += step {
		runs := x.runs(ids, lo)
		for w, r := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				x.workers[w].run(x.start, x.parent, x.act, r)
			}()
		}
		wg.Wait()
		for w, r := range runs {
			wk := x.workers[w]
			for k, id := range r {
				if *n%64 == 0 && x.overBudget() {
					return true, nil
				}
				*n++
				done, err := x.merge(id, wk, k)
				if err != nil || done {
					x.memory()
					return true, err
				}
			}
		}
	}
	return false, nil
}

// runs cuts the states of ids from lo into one run per worker at most.
func (x *explorer[S]) runs(ids []uint32, lo int) [][]uint32 {
	var runs [][]uint32
	for range x.workers {
		if lo >= len(ids) {
			break
		}
		hi := min(lo+exploreChunk, len(ids))
		runs = append(runs, ids[lo:hi])
		lo = hi
	}
	return runs
}

// merge does with the successors worker wk made of state id (the k-th of
// its run) what expand does with them as it makes them.
func (x *explorer[S]) merge(id uint32, wk *exploreWorker[S], k int) (bool, error) {
	lo := 0
	if k > 0 {
		lo = wk.ends[k-1]
	}
	for _, s := range wk.succs[lo:wk.ends[k]] {
		if x.take(id, s) {
			return true, nil
		}
	}
	if err := wk.errs[k]; err != nil {
		return true, err
	}
	return false, nil
}
