package check

import (
	"context"
	"encoding/binary"
	"fmt"
	"testing"
)

// grid is a toy model for the explorer: a point (x, y) in [0,n]², moved
// one step right, up or diagonally (a = 1, 2, 3); the target is a point.
// With swap, (x, y) and (y, x) are one state (the symmetry hook) and the
// target is either.
type grid struct {
	n, tx, ty int
	swap      bool
	loads     int
}

type point struct{ x, y int }

func (g *grid) root() *point { return &point{} }

func (g *grid) copyState(dst, src *point) *point {
	if dst == nil {
		dst = new(point)
	}
	*dst = *src
	return dst
}

func (g *grid) actions(p *point, visit func(a uint32) (bool, error)) (bool, error) {
	for a := uint32(1); a <= 3; a++ {
		if a&1 != 0 && p.x >= g.n || a&2 != 0 && p.y >= g.n {
			continue
		}
		if done, err := visit(a); done || err != nil {
			return done, err
		}
	}
	return false, nil
}

func (g *grid) apply(p *point, a uint32) error {
	if a == 0 || a > 3 {
		return fmt.Errorf("bad action %d", a)
	}
	if a&1 != 0 {
		p.x++
	}
	if a&2 != 0 {
		p.y++
	}
	return nil
}

func (g *grid) key(dst []byte, p *point) []byte {
	x, y := p.x, p.y
	if g.swap && y < x {
		x, y = y, x
	}
	return binary.AppendUvarint(binary.AppendUvarint(dst, uint64(x)), uint64(y))
}

func (g *grid) violated(p *point) bool {
	return p.x == g.tx && p.y == g.ty || g.swap && p.x == g.ty && p.y == g.tx
}

// loadGrid is grid with a loader: states are rebuilt from their keys.
type loadGrid struct{ grid }

func (g *loadGrid) load(dst *point, key []byte) (*point, error) {
	g.loads++
	if dst == nil {
		dst = new(point)
	}
	x, n := binary.Uvarint(key)
	y, _ := binary.Uvarint(key[n:])
	dst.x, dst.y = int(x), int(y)
	return dst, nil
}

func bounds(states int) exploreBounds {
	return exploreBounds{maxStates: states, maxMemory: 1 << 30, budget: budget{ctx: context.Background()}}
}

// TestExploreShortest: breadth first, the explorer finds a shortest path
// to the target (three diagonal steps, then one right: 4 steps to (4, 3)),
// replayable from its actions; with no target it visits every point once
// ((n+1)² states, depth n+1 with diagonals), in both storage modes.
func TestExploreShortest(t *testing.T) {
	for _, m := range []exploreModel[*point]{&grid{n: 6, tx: 4, ty: 3}, &loadGrid{grid{n: 6, tx: 4, ty: 3}}} {
		out, err := explore(m, bounds(1000))
		if err != nil || out.stop != StopViolation || len(out.path) != 4 {
			t.Fatalf("%T: %v %s path %v", m, err, out.stop, out.path)
		}
		p := m.root()
		for _, s := range out.path {
			if err := m.apply(p, s.act); err != nil {
				t.Fatal(err)
			}
		}
		if !m.violated(p) {
			t.Errorf("%T: the path leads to %+v", m, *p)
		}
	}
	for _, m := range []exploreModel[*point]{&grid{n: 6, tx: -1}, &loadGrid{grid{n: 6, tx: -1}}} {
		out, err := explore(m, bounds(1000))
		if err != nil || out.stop != StopComplete || out.states != 49 || out.depth != 7 || out.transitions != 1+3*36+6+6 {
			t.Errorf("%T: %v %s %d states, depth %d, %d transitions", m, err, out.stop, out.states, out.depth, out.transitions)
		}
	}
	lg := &loadGrid{grid{n: 6, tx: -1}}
	if _, err := explore[*point](lg, bounds(1000)); err != nil || lg.loads != 49 {
		t.Errorf("the loader rebuilt %d states, want 49 (%v)", lg.loads, err)
	}
}

// TestExploreSymmetryHook: a key that merges (x, y) with (y, x) stores
// each pair once and keeps the shortest path's length.
func TestExploreSymmetryHook(t *testing.T) {
	out, err := explore[*point](&grid{n: 6, tx: -1, swap: true}, bounds(1000))
	if err != nil || out.stop != StopComplete || out.states != 28 {
		t.Errorf("%v %s %d states, want 28", err, out.stop, out.states)
	}
	a, _ := explore[*point](&grid{n: 6, tx: 2, ty: 5}, bounds(1000))
	b, _ := explore[*point](&grid{n: 6, tx: 2, ty: 5, swap: true}, bounds(1000))
	if a.stop != StopViolation || b.stop != StopViolation || len(a.path) != 5 || len(b.path) != 5 || b.states >= a.states {
		t.Errorf("paths of %d and %d steps, want 5", len(a.path), len(b.path))
	}
}

// TestExploreBudgets: each budget stops the search with its reason.
func TestExploreBudgets(t *testing.T) {
	out, err := explore[*point](&grid{n: 50, tx: -1}, bounds(100))
	if err != nil || out.stop != StopMaxStates || out.states != 100 {
		t.Errorf("max-states: %v %s %d", err, out.stop, out.states)
	}
	b := bounds(1 << 20)
	b.maxMemory = 1
	if out, _ := explore[*point](&grid{n: 50, tx: -1}, b); out.stop != StopMaxMemory || out.peakMem <= 1 {
		t.Errorf("max-memory: %s, peak %d", out.stop, out.peakMem)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b = bounds(1 << 20)
	b.budget.ctx = ctx
	if out, _ := explore[*point](&grid{n: 50, tx: -1}, b); out.stop != StopCanceled {
		t.Errorf("canceled: %s", out.stop)
	}
	if out, _ := explore[*point](&grid{n: 5, tx: 0, ty: 0}, bounds(10)); out.stop != StopViolation || len(out.path) != 0 {
		t.Errorf("root violating: %s %v", out.stop, out.path)
	}
}

// countGrid is grid counting the steps applied.
type countGrid struct {
	grid
	applies int
}

func (g *countGrid) apply(p *point, a uint32) error {
	g.applies++
	return g.grid.apply(p, a)
}

// TestExploreReplayTrail: a state is rebuilt by replaying from the deepest
// state it shares with the path replayed before (build's trail), not from
// the start: on a 31×31 grid (961 states, depth 31) the rebuilding takes
// 10,385 applies, where replaying each state's parent from the start (once
// for a run of siblings) took 18,505.
func TestExploreReplayTrail(t *testing.T) {
	g := &countGrid{grid: grid{n: 30, tx: -1}}
	out, err := explore[*point](g, bounds(1<<20))
	if err != nil || out.stop != StopComplete || out.states != 961 {
		t.Fatalf("%v %s %d states", err, out.stop, out.states)
	}
	replays := g.applies - int(out.transitions-1)
	t.Logf("%d applies to rebuild %d states", replays, out.states)
	if replays > 10385 {
		t.Errorf("%d applies to rebuild %d states, want at most 10,385", replays, out.states)
	}
}
