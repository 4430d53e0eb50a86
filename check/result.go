package check

import (
	"context"
	"errors"
	"time"

	"github.com/paxviz/paxviz/engine/sim"
)

// Stop says why a search ended.
type Stop string

// Why a search ends. Only StopComplete and StopViolation are answers; the
// others mean a budget ran out and the search proved nothing beyond the
// states it reached.
const (
	// StopComplete: every reachable state within the bounds was explored
	// and no invariant broke.
	StopComplete Stop = "complete"
	// StopViolation: an invariant broke (or, with refinement checking, an
	// engine step was not a spec step); Result.Violation has the shortest
	// counterexample.
	StopViolation Stop = "violation"
	// StopMaxStates: the state budget ran out.
	StopMaxStates Stop = "max-states"
	// StopMaxMemory: the memory budget ran out.
	StopMaxMemory Stop = "max-memory"
	// StopTimeout: the time budget ran out.
	StopTimeout Stop = "timeout"
	// StopCanceled: the caller's context was canceled.
	StopCanceled Stop = "canceled"
)

// Budgets that apply when the options leave them zero. Two million engine
// states take about 40 seconds and 170 MB of search structures (the
// process's resident memory is about twice that, with Go's garbage
// collector); the spec search stores about 40 bytes a state.
const (
	DefaultMaxStates      = 2_000_000
	DefaultMaxMemoryBytes = 512 << 20
)

// ErrOptions marks options a search cannot run with (a usage error).
var ErrOptions = errors.New("check: bad options")

// Result is the outcome of a search: its figures and, when an invariant
// broke, the shortest counterexample. It marshals to the JSON that paxviz
// check --json prints.
type Result struct {
	// Search is "engine" or "spec".
	Search string `json:"search"`
	// Bounds describes the configuration and bounds searched, in flag form.
	Bounds string `json:"bounds"`
	// DistinctStates is the number of distinct states reached (TLC's
	// "distinct states found"), the initial state included.
	DistinctStates int `json:"distinct_states"`
	// Transitions is the number of successor states generated, duplicates
	// and stuttering steps included, plus the initial state (TLC's "states
	// generated").
	Transitions int64 `json:"transitions"`
	// Depth is TLC's depth: the number of states on the longest of the
	// shortest paths from the initial state (so the initial state alone
	// has depth 1).
	Depth int `json:"depth"`
	// Elapsed is the wall-clock time of the search; Seconds is the same in
	// seconds.
	Elapsed         time.Duration `json:"-"`
	Seconds         float64       `json:"seconds"`
	StatesPerSecond float64       `json:"states_per_second"`
	// Stop says why the search ended; Truncated is set when a budget ended
	// it (so "no violation" means only "none among the states reached").
	Stop      Stop `json:"stop"`
	Truncated bool `json:"truncated"`
	// MemoryBytes is the peak memory the search's own structures held
	// (state set, parent links, frontier; for the spec, the states
	// themselves); BytesPerState divides it by DistinctStates. The
	// process's resident memory is about twice as much.
	MemoryBytes   int64   `json:"memory_bytes"`
	BytesPerState float64 `json:"bytes_per_state"`
	// RefinementSteps is the number of engine steps checked against the
	// spec (engine searches with refinement checking on).
	RefinementSteps int64 `json:"refinement_steps,omitempty"`
	// Violation is nil when no invariant broke.
	Violation *Violation `json:"violation"`
}

// Violation is a shortest counterexample.
type Violation struct {
	// Invariant is the name of the broken invariant: one of
	// sim.Invariants for engine searches (or "refinement" when an engine
	// step is not a step of Lamport's spec), or a name from SpecInvariants.
	Invariant string `json:"invariant"`
	// Detail says what broke, in one English sentence.
	Detail string `json:"detail"`
	// Script replays the counterexample. For an engine search it is a
	// paxviz script (script.md) that ends with expect violation NAME, so
	// that paxviz run of it exits 0; it uses no run command, and its
	// selectors pick exactly one message each. For a spec search it is
	// the trace of spec actions, one a line.
	Script string `json:"script"`
	// Steps is the number of actions of the counterexample (after the
	// prefix, for a search from a given state).
	Steps int `json:"steps"`
	// Actions are the counterexample's actions, in order, as in the
	// script (engine searches only).
	Actions []sim.Action `json:"-"`
	// BugSteps lists the indices in Actions of the steps in which a bug
	// switch changed what a node did (engine.NoteBugActs): where a
	// player of the counterexample should pause.
	BugSteps []int `json:"bug_steps,omitempty"`
}

// finish fills the derived figures.
func (r *Result) finish(start time.Time, memory int64) {
	r.Elapsed = time.Since(start)
	r.Seconds = r.Elapsed.Seconds()
	if r.Seconds > 0 {
		r.StatesPerSecond = float64(r.DistinctStates) / r.Seconds
	}
	r.MemoryBytes = memory
	if r.DistinctStates > 0 {
		r.BytesPerState = float64(memory) / float64(r.DistinctStates)
	}
	r.Truncated = r.Stop != StopComplete && r.Stop != StopViolation
}

// budget watches the time and the caller's context during a search.
type budget struct {
	ctx      context.Context
	deadline time.Time
}

// stop reports whether the search must stop now, and why.
func (b *budget) stop() (Stop, bool) {
	if err := b.ctx.Err(); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return StopTimeout, true
		}
		return StopCanceled, true
	}
	if !b.deadline.IsZero() && !time.Now().Before(b.deadline) {
		return StopTimeout, true
	}
	return "", false
}
