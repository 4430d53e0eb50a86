package check

import (
	"context"
	"slices"
	"time"
)

// The one explorer of every engine-level search (`paxviz check engine`,
// single-decree, Multi-Paxos and Raft): a breadth-first
// search that finds a shortest counterexample, keeps a visited set of
// fingerprints (fingerprint.go), watches the state, memory and time
// budgets (Result's stop reasons), and keeps a parent link and the action
// taken for every state, from which the protocol rebuilds a replayable
// script.
//
// A protocol plugs in as an exploreModel[S], S being its search state (a
// pointer type: the simulation plus the schedule's budget counters, and
// whatever else the verdict depends on). The explorer owns a few S values
// and reuses them; it never looks inside one. What a model provides:
//
//   - root: the start state (the explorer copies it, never changes it);
//   - copyState(dst, src): dst made a copy of src; dst may be the zero S,
//     then a new one is returned;
//   - actions(s, visit): every action of the search from s, packed in a
//     uint32, in a fixed order (the order decides which shortest
//     counterexample is found); stop when visit says so;
//   - apply(s, a): action a performed on s, budget counters included (an
//     action found by actions from an equal state must apply);
//   - key(dst, s): s's canonical encoding appended to dst. States with the
//     same key must be interchangeable: the same verdicts now and after
//     every sequence of actions (up to renaming). This is the hook for
//     every state reduction: leave out what cannot matter (message ids,
//     dead messages), and for symmetry return the least encoding among
//     the renamings of s that the protocol's behaviour commutes with
//     (sim.Canon.AppendSymmetric, raftSearch.candidates, mpSym). The
//     explorer stores only the key's fingerprint;
//   - violated(s): s breaks what the search looks for.
//
// Optionally:
//
//   - exploreLoader: load(dst, key) rebuilds a state from its key. The
//     explorer then keeps the keys of the frontier (two BFS levels) and
//     expands a state by loading it; without it, it keeps only
//     fingerprints, parent links and actions (about 24 bytes a state) and
//     rebuilds a state by replaying its path from root (the states along
//     the last path replayed are kept, so a state costs the replay of
//     the steps below its deepest ancestor on that path: the children of
//     one parent cost one step each).
//   - exploreStutterer: stutter(base, next, a) says that the step a from
//     base to next needs no exploring (next is base less a message that
//     could matter to nothing, say): it counts as a transition only.
//
// The outcome (exploreOutcome) has the figures of Result and, on a
// violation, the path from root: each step's action and the fingerprint
// of the state it reached. A model with a loader (whose stored states may
// be renamed representatives) rebuilds the real schedule by matching
// fingerprints (engineSearch.counterexample); a replaying model simply
// replays the actions from root.
//
// Porting Raft (raftengine.go) is mechanical: its search state becomes
// {*sim.RaftSim, mpHeader} with apply advancing the header as actions
// does today; key is encode (its candidates are the symmetry hook);
// drops is the stutterer; report replays outcome.path's actions.
type exploreModel[S any] interface {
	root() S
	copyState(dst, src S) S
	actions(s S, visit func(a uint32) (bool, error)) (bool, error)
	apply(s S, a uint32) error
	key(dst []byte, s S) []byte
	violated(s S) bool
}

// exploreLoader is implemented by models whose states can be rebuilt from
// their keys (see exploreModel).
type exploreLoader[S any] interface {
	load(dst S, key []byte) (S, error)
}

// exploreStutterer is implemented by models that skip some steps (see
// exploreModel).
type exploreStutterer[S any] interface {
	stutter(base, next S, a uint32) bool
}

// exploreBounds are the budgets of one exploration, and its workers
// (explore_par.go; 0 or 1: the explorer expands every state itself).
type exploreBounds struct {
	maxStates int
	maxMemory int64
	budget    budget
	workers   int
}

// exploreStep is one step of a counterexample: the action and the
// fingerprint of the state it reached.
type exploreStep struct {
	act uint32
	fp  fp
}

// exploreOutcome is what an exploration found.
type exploreOutcome struct {
	stop        Stop
	states      int
	transitions int64
	depth       int
	peakMem     int64
	// path leads from root to the violating state (empty when root
	// violates); nil unless stop is StopViolation.
	path []exploreStep
}

// explorer is one breadth-first exploration of a model.
type explorer[S any] struct {
	m      exploreModel[S]
	loader exploreLoader[S]
	b      exploreBounds

	set    *fpSet
	parent []uint32 // each state's parent (root is its own)
	act    []uint32 // the action that reached each state (root: 0)
	cur    frontier
	next   frontier

	start S
	// replayer rebuilds the states of the level being expanded (base) and
	// holds their successors (work) and the key of the last one.
	replayer[S]
	// workers expand a level in parallel (explore_par.go); none when the
	// model cannot fork or one goroutine is all there is.
	workers []*exploreWorker[S]

	out exploreOutcome
}

// replayer rebuilds states by replaying their paths (see build), and
// makes their successors (successors).
type replayer[S any] struct {
	m          exploreModel[S]
	stutter    exploreStutterer[S]
	base, work S
	key        []byte
	// trail are the states along the path last replayed (see build).
	trail    []S
	trailIDs []uint32
	pathBuf  []uint32
}

// runEngineSearch is the one driver of every `check engine` search: it
// explores m within the options' budgets (the deadline counted from
// start), fills res from the outcome and hands a violation's path to
// report. It returns the peak memory for res.finish, which the caller
// calls once it has added what its protocol reports.
func runEngineSearch[S any](ctx context.Context, m exploreModel[S], res *Result, start time.Time, maxStates int, maxMemory int64, timeout time.Duration, workers int, report func([]exploreStep) error) (int64, error) {
	b := exploreBounds{maxStates: maxStates, maxMemory: maxMemory, budget: budget{ctx: ctx}, workers: workers}
	if timeout > 0 {
		b.budget.deadline = start.Add(timeout)
	}
	out, err := explore(m, b)
	if err != nil {
		return 0, err
	}
	out.fill(res)
	if out.stop == StopViolation {
		if err := report(out.path); err != nil {
			return 0, err
		}
	}
	return out.peakMem, nil
}

// stepActs is the actions of a path, for models that replay them.
func stepActs(path []exploreStep) []uint32 {
	acts := make([]uint32, len(path))
	for i, st := range path {
		acts[i] = st.act
	}
	return acts
}

// explore runs the breadth-first search of m within b.
func explore[S any](m exploreModel[S], b exploreBounds) (*exploreOutcome, error) {
	x := &explorer[S]{m: m, b: b, set: newFPSet()}
	x.replayer.m = m
	x.loader, _ = m.(exploreLoader[S])
	x.replayer.stutter, _ = m.(exploreStutterer[S])
	x.workers = newExploreWorkers(m, x.loader != nil, b.workers)
	err := x.run()
	return &x.out, err
}

func (x *explorer[S]) memory() int64 {
	m := x.set.bytes() + int64(cap(x.parent)+cap(x.act))*4 + x.cur.bytes() + x.next.bytes()
	x.out.peakMem = max(x.out.peakMem, m)
	return m
}

func (x *explorer[S]) run() error {
	out := &x.out
	x.start = x.m.root()
	if x.m.violated(x.start) {
		out.stop, out.path = StopViolation, []exploreStep{}
		return nil
	}
	x.key = x.m.key(x.key[:0], x.start)
	id, _ := x.set.insert(fingerprint(x.key))
	x.parent, x.act = append(x.parent, id), append(x.act, 0)
	x.push(&x.cur, id)
	out.states, out.transitions, out.depth = 1, 1, 1
	for n := 0; len(x.cur.ids) > 0; {
		level := x.level
		if len(x.workers) > 0 {
			level = x.levelParallel
		}
		if done, err := level(&n); err != nil || done {
			return err
		}
		x.memory()
		x.cur, x.next = x.next, x.cur
		x.next.reset()
		if len(x.cur.ids) > 0 {
			out.depth++
		}
	}
	out.stop = StopComplete
	return nil
}

// level expands the states of the current level one by one; n counts
// the states expanded in the whole search (the budgets are watched every
// 64). It returns done when the search is over.
func (x *explorer[S]) level(n *int) (bool, error) {
	for i, id := range x.cur.ids {
		if *n%64 == 0 && x.overBudget() {
			return true, nil
		}
		*n++
		done, err := x.expand(i, id)
		if err != nil || done {
			x.memory()
			return true, err
		}
	}
	return false, nil
}

// overBudget reports whether a budget ran out, with the reason in x.out.
func (x *explorer[S]) overBudget() bool {
	if why, stop := x.b.budget.stop(); stop {
		x.out.stop = why
		x.memory()
		return true
	}
	if x.memory() > x.b.maxMemory {
		x.out.stop = StopMaxMemory
		return true
	}
	return false
}

// push adds state id, whose key is in x.key, to frontier f.
func (x *explorer[S]) push(f *frontier, id uint32) {
	if x.loader != nil {
		f.push(x.key, id)
		return
	}
	f.ids = append(f.ids, id)
}

// path returns the states from root (excluded) to state id.
func (x *explorer[S]) path(id uint32) []uint32 {
	var p []uint32
	for id != 0 {
		p = append(p, id)
		id = x.parent[id]
	}
	slices.Reverse(p)
	return p
}

// build makes x.base state id, the i-th of the current level: loaded from
// its key, or replayed from the deepest state of the trail on its path.
//
// The trail is the states along the path last replayed (trail[k] at depth
// k, trail[0] the start, trailIDs their ids): the parents of one level
// come in the order of the level before, so consecutive parents share
// most of their path, and only the steps below the deepest shared state
// are replayed (one copy and one apply each) instead of the whole path.
func (x *explorer[S]) build(i int, id uint32) error {
	if x.loader != nil {
		var err error
		x.base, err = x.loader.load(x.base, x.cur.state(i))
		return err
	}
	return x.replayer.build(x.start, x.parent, x.act, id)
}

// build makes r.base state id, whose parent and action links are parent
// and act, replayed from start (see explorer.build).
func (r *replayer[S]) build(start S, parent, act []uint32, id uint32) error {
	if id == 0 {
		r.base = r.m.copyState(r.base, start)
		return nil
	}
	p := r.pathTo(parent, parent[id])
	if len(r.trail) == 0 {
		r.trail, r.trailIDs = append(r.trail, start), append(r.trailIDs, 0)
	}
	k := 0 // the steps of p the trail already holds
	for k < len(p) && k+1 < len(r.trailIDs) && r.trailIDs[k+1] == p[k] {
		k++
	}
	r.trailIDs = r.trailIDs[:k+1]
	for ; k < len(p); k++ {
		if len(r.trail) == k+1 {
			var zero S
			r.trail = append(r.trail, zero)
		}
		r.trail[k+1] = r.m.copyState(r.trail[k+1], r.trail[k])
		if err := r.m.apply(r.trail[k+1], act[p[k]]); err != nil {
			return err
		}
		r.trailIDs = append(r.trailIDs, p[k])
	}
	r.base = r.m.copyState(r.base, r.trail[len(p)])
	return r.m.apply(r.base, act[id])
}

// pathTo returns the states from root (excluded) to state id, in a buffer
// reused by the next call.
func (r *replayer[S]) pathTo(parent []uint32, id uint32) []uint32 {
	p := r.pathBuf[:0]
	for id != 0 {
		p = append(p, id)
		id = parent[id]
	}
	slices.Reverse(p)
	r.pathBuf = p
	return p
}

// expand generates every successor of state id, the i-th of the current
// level. It returns done when the search is over.
func (x *explorer[S]) expand(i int, id uint32) (bool, error) {
	if err := x.build(i, id); err != nil {
		return true, err
	}
	return x.successors(func(s succ) bool { return x.take(id, s) })
}

// succKind tells what one step from a state made.
type succKind uint8

const (
	succState     succKind = iota // a successor, to be looked up
	succStutter                   // a transition and nothing to explore
	succViolation                 // a successor that breaks the invariant
)

// succ is one successor of a state: the action and the fingerprint of the
// key of the state it reached.
type succ struct {
	act  uint32
	kind succKind
	fp   fp
}

// successors hands visit each successor of r.base, in the order of the
// model's actions, until visit says done; a successor's key is in r.key
// while visit runs. It returns done when visit said so or an action
// failed (with the error).
func (r *replayer[S]) successors(visit func(s succ) bool) (bool, error) {
	return r.m.actions(r.base, func(a uint32) (bool, error) {
		r.work = r.m.copyState(r.work, r.base)
		if err := r.m.apply(r.work, a); err != nil {
			return true, err
		}
		if r.stutter != nil && r.stutter.stutter(r.base, r.work, a) {
			return visit(succ{act: a, kind: succStutter}), nil
		}
		r.key = r.m.key(r.key[:0], r.work)
		s := succ{act: a, kind: succState, fp: fingerprint(r.key)}
		if r.m.violated(r.work) {
			s.kind = succViolation
		}
		return visit(s), nil
	})
}

// take counts successor s of state id and stores it if it is new (its
// key in x.key, for a model with a loader); it returns done when the
// search is over: a violation, or the state budget.
func (x *explorer[S]) take(id uint32, s succ) bool {
	out := &x.out
	out.transitions++
	switch s.kind {
	case succStutter:
		return false
	case succViolation:
		out.stop = StopViolation
		for _, n := range x.path(id) {
			out.path = append(out.path, exploreStep{act: x.act[n], fp: x.set.fps[n]})
		}
		out.path = append(out.path, exploreStep{act: s.act, fp: s.fp})
		return true
	}
	nid, isNew := x.set.insert(s.fp)
	if !isNew {
		return false
	}
	if out.states >= x.b.maxStates {
		out.stop = StopMaxStates
		return true
	}
	out.states++
	x.parent = append(x.parent, id)
	x.act = append(x.act, s.act)
	x.push(&x.next, nid)
	return false
}

// fill copies the figures of o into r (not the violation: the protocol
// builds that).
func (o *exploreOutcome) fill(r *Result) {
	r.Stop = o.stop
	r.DistinctStates = o.states
	r.Transitions = o.transitions
	r.Depth = o.depth
}
