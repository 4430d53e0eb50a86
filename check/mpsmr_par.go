package check

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// A level of the MultiPaxos-SMR search is expanded by several workers at
// once, and its results are taken by the search in exactly the order one
// worker would produce them, so that the distinct states, states
// generated, depth, state numbers, parent links, budgets' stopping points
// and counterexamples are those of the sequential search, whatever the
// number of workers or their timing.
//
// The work splits where the time goes: generating a state's successors and
// their canonical forms (the least over the symmetry group) — about half
// of the search — needs only the state and the model, so workers do it
// for blocks of smrBlockLen states of the level into private buffers; the
// search itself then takes each block in order and does what needs the
// set of states seen (inserting, numbering, counting, checking a new
// state's verdict, which the worker computed). While it takes one block,
// the workers are expanding the next ones (at most smrAhead blocks wait).

// smrParallelLevel is the smallest level worth splitting.
const smrParallelLevel = 4096

// smrBlockLen is the number of states of a level in one block.
const smrBlockLen = 256

// smrWorkers is the number of workers a level is split over: one per
// processor Go may use (with GOMAXPROCS 1, as in benchmarks run with
// -cpu 1, the search is sequential).
func smrWorkers() int { return runtime.GOMAXPROCS(0) }

// smrRec is one successor a worker generated: the action, how many more
// identical successors TLC counts for it (takeNewRequest's witnesses), the
// verdict of the invariants on it, and the error of a port's fact that
// failed while generating it.
type smrRec struct {
	act         smrAct
	extra       int32
	bad, detail string
	err         error
}

// smrBlock is the successors of states lo..hi-1 of a level: recs in the
// order generated, ends[i-lo] the end of state i's in recs, and for each
// successor its canonical form (keys, words each) and hash.
type smrBlock struct {
	lo, hi int
	recs   []smrRec
	ends   []int
	keys   []uint64
	hashes []uint64
	ready  chan struct{}
}

// record is emit for a worker: it keeps the successor in e.next, with its
// canonical form and verdict, in the block; a failed fact ends the
// expansion (the search stops there).
func (e *smrSearch) record(changed int, act smrAct) bool {
	b := e.blk
	rec := smrRec{act: act, err: e.err}
	if e.err == nil {
		key := e.canon.canon(&e.next, changed, smrDelta(act.kind))
		b.keys = append(b.keys, key...)
		b.hashes = append(b.hashes, hashWords(key))
		rec.bad, rec.detail = e.m.check(&e.next)
	} else {
		b.keys = append(b.keys, make([]uint64, e.m.words)...)
		b.hashes = append(b.hashes, 0)
	}
	b.recs = append(b.recs, rec)
	return e.err != nil
}

// level expands states lo..hi-1 (one whole level) with workers; it
// returns true when the search is over.
func (e *smrSearch) level(lo, hi, workers int) bool {
	nb := (hi - lo + smrBlockLen - 1) / smrBlockLen
	ahead := 4 * workers
	blocks := make([]*smrBlock, nb)
	for j := range blocks {
		blocks[j] = &smrBlock{lo: lo + j*smrBlockLen, hi: min(lo+(j+1)*smrBlockLen, hi), ready: make(chan struct{})}
	}
	// The states of this level are in blocks the search no longer writes
	// (new states go after hi); the workers read them through a copy of
	// the block list, which the search may reallocate as it grows.
	arena := append([][]uint64(nil), e.t.blocks...)
	words := e.t.words
	tokens := make(chan struct{}, ahead)
	for range ahead {
		tokens <- struct{}{}
	}
	quit := make(chan struct{})
	var next atomic.Int64
	var wg sync.WaitGroup
	var pool sync.Pool
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &smrSearch{opt: e.opt, m: e.m, canon: newSMRCanon(e.m)}
			for {
				select {
				case <-tokens:
				case <-quit:
					return
				}
				j := int(next.Add(1) - 1)
				if j >= nb {
					return
				}
				b := blocks[j]
				if r, ok := pool.Get().(*smrBlock); ok {
					b.recs, b.ends, b.keys, b.hashes = r.recs[:0], r.ends[:0], r.keys[:0], r.hashes[:0]
				}
				w.blk = b
				for i := b.lo; i < b.hi; i++ {
					o := (i & (1<<smrBlockShift - 1)) * words
					p := arena[i>>smrBlockShift][o : o+words]
					e.m.decode(p, &w.cur)
					w.canon.setParent(&w.cur, p)
					w.expand(&w.cur)
					b.ends = append(b.ends, len(b.recs))
					if w.err != nil {
						// The search stops at this successor.
						break
					}
				}
				close(b.ready)
				if w.err != nil {
					return
				}
			}
		}()
	}
	defer func() {
		close(quit)
		wg.Wait()
	}()
	res := &e.res
	for j, b := range blocks {
		<-b.ready
		k := 0
		for i := b.lo; i < b.hi; i++ {
			if (i-lo)%64 == 0 {
				if why, stop := e.budget.stop(); stop {
					res.Stop = why
					return true
				}
			}
			e.curID = i
			e.succs = 0
			end := len(b.recs)
			if i-b.lo < len(b.ends) {
				end = b.ends[i-b.lo]
			}
			for ; k < end; k++ {
				if e.take(b, k) {
					return true
				}
			}
			if e.succs == 0 {
				e.violation(i, nil, "deadlock", "no action is enabled and the spec has not terminated (CHECK_DEADLOCK)")
				return true
			}
		}
		blocks[j] = nil
		pool.Put(b)
		tokens <- struct{}{}
	}
	return false
}

// take is emit for the search in a parallel level: the k-th successor of
// block b, taken as emit would have taken it. It returns true when the
// search is over.
func (e *smrSearch) take(b *smrBlock, k int) bool {
	rec := &b.recs[k]
	e.succs++
	e.res.Transitions++
	if rec.err != nil {
		e.err = rec.err
		e.done = true
		return true
	}
	need := e.t.growBytes()
	if len(e.parent) == cap(e.parent) {
		need += int64(cap(e.parent)) * 4
	}
	if need > 0 && e.memory()+need > e.opt.MaxMemoryBytes {
		e.res.Stop = StopMaxMemory
		e.done = true
		return true
	}
	if e.t.n >= MaxSMRStates {
		e.res.Stop = StopMaxStates
		e.done = true
		return true
	}
	w := e.t.words
	key := b.keys[k*w : (k+1)*w]
	if _, isNew := e.t.insert(key, b.hashes[k]); isNew {
		e.res.DistinctStates++
		e.parent = append(e.parent, uint32(e.curID))
		if rec.bad != "" {
			e.badKey = append(e.badKey[:0], key...)
			act := rec.act
			e.violation(e.curID, &act, rec.bad, rec.detail)
			return true
		}
		if e.opt.MaxStates > 0 && e.res.DistinctStates >= e.opt.MaxStates {
			e.res.Stop = StopMaxStates
			e.done = true
			return true
		}
	}
	e.res.Transitions += int64(rec.extra)
	e.succs += int(rec.extra)
	return false
}
