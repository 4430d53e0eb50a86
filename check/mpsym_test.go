package check

import (
	"bytes"
	"math/rand/v2"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/engine/sim"
)

// mirrorAct returns action a (on state s) with clients renamed by r, and
// the state m it is to run on: messages are named by id, so the mirror's
// message is the one whose content is a's message renamed.
func mirrorAct(t *testing.T, e *mpSearch, s, m *sim.MPSim, r mp.ClientRenaming, a uint32) uint32 {
	t.Helper()
	kind, arg := unpackAct(a)
	switch kind {
	case mpActRequest:
		return packAct(kind, r.Client(arg+1)-1)
	case mpActRetry:
		return packAct(kind, int(r.Node(e.cfg, mp.NodeID(arg))))
	case mpActDeliver, mpActDup, mpActDrop:
		var want []byte
		for _, x := range s.InFlight() {
			if x.ID == arg {
				r.RenameMessage(e.cfg, &x)
				want = mp.AppendMessage(nil, &x)
			}
		}
		for _, x := range m.InFlight() {
			if bytes.Equal(mp.AppendMessage(nil, &x), want) {
				return packAct(kind, x.ID)
			}
		}
		t.Fatalf("no mirror of message %d in flight", arg)
	}
	return a
}

// TestMPClientSymmetry: along random schedules of a two- or three-client
// cluster, the state reached and the state reached by the mirrored
// schedule (clients renamed, and the values they write) have the same key with the
// reduction on — and different keys with it off, so the test sees real
// mirror pairs — and the same verdicts.
func TestMPClientSymmetry(t *testing.T) {
	for _, c := range []struct {
		bug              mp.Bug
		clients, renames int
	}{{0, 2, 1}, {mp.BugSkipPhase1, 2, 1}, {mp.BugNoDedup, 2, 1}, {0, 3, 5}} {
		bug := c.bug
		opt := MPEngineOptions{
			Cluster:  sim.MPCluster{Servers: 3, Clients: c.clients, Leader: "s1", Seed: sim.DefaultSeed, Bugs: mp.BugSet(bug)},
			Commands: 2 * c.clients, MaxRound: 3, Crashes: 1, Dups: 1, Drops: 1, Retries: 2,
		}
		if err := opt.normalize(); err != nil {
			t.Fatal(err)
		}
		e, err := newMPSearch(opt)
		if err != nil {
			t.Fatal(err)
		}
		noSym := *e
		noSym.sym = nil
		if len(e.sym) != c.renames {
			t.Fatalf("renamings %+v, want %d", e.sym, c.renames)
		}
		rng := rand.New(rand.NewPCG(1, uint64(bug)))
		differ, steps := 0, 0
		for walk := range 40 {
			r := e.sym[walk%len(e.sym)]
			x := &mpState{s: e.start.Clone()}
			y := &mpState{s: e.start.Clone()}
			for range 30 {
				var acts []uint32
				if _, err := e.actions(x, func(a uint32) (bool, error) { acts = append(acts, a); return false, nil }); err != nil {
					t.Fatal(err)
				}
				if len(acts) == 0 {
					break
				}
				a := acts[rng.IntN(len(acts))]
				b := mirrorAct(t, e, x.s, y.s, r, a)
				if err := e.apply(x, a); err != nil {
					t.Fatal(err)
				}
				if err := e.apply(y, b); err != nil {
					t.Fatal(err)
				}
				steps++
				kx, ky := e.key(nil, x), e.key(nil, y)
				if !bytes.Equal(kx, ky) {
					t.Fatalf("walk %d step %d: a state and its mirror have different keys", walk, steps)
				}
				if !bytes.Equal(noSym.key(nil, x), noSym.key(nil, y)) {
					differ++
				}
				for _, inv := range mp.Invariants {
					if x.s.Violated(inv) != y.s.Violated(inv) {
						t.Fatalf("walk %d: %s broken in one state and not in its mirror", walk, inv)
					}
				}
			}
		}
		t.Logf("%v, %d clients: %d steps, %d mirror pairs told apart without the reduction", bug, c.clients, steps, differ)
		if differ < steps/2 {
			t.Errorf("only %d of %d mirror pairs differ without the reduction", differ, steps)
		}
	}
}

// TestMPSymmetryKeepsVerdicts: with client symmetry on and off, the
// searches of the key-value switches give the same verdict and the same
// shortest counterexample length, with fewer states on; so does the
// correct engine at exec_out_of_order's bounds, complete both ways.
func TestMPSymmetryKeepsVerdicts(t *testing.T) {
	for _, c := range MPBugCases() {
		if c.Options.Workload != WorkloadKV || c.Options.Cluster.Clients < 2 {
			continue
		}
		for _, bug := range []mp.Bug{c.Bug, 0} {
			if bug == 0 && (c.Options.MaxRound > 1 || testing.Short() || raceEnabled) {
				continue // an election: too large for a unit test
			}
			on := c.Options
			on.Cluster.Bugs = mp.BugSet(bug)
			off := on
			off.NoSymmetry = true
			a, b := mustMP(t, on), mustMP(t, off)
			t.Logf("%s: %d states with symmetry, %d without", on.Bounds(), a.DistinctStates, b.DistinctStates)
			if a.Stop != b.Stop || (a.Violation == nil) != (b.Violation == nil) {
				t.Fatalf("%s: %s with symmetry, %s without", on.Bounds(), a.Stop, b.Stop)
			}
			if a.Violation != nil && (a.Violation.Steps != b.Violation.Steps || a.Violation.Invariant != b.Violation.Invariant) {
				t.Errorf("%s: %s in %d steps with symmetry, %s in %d without", on.Bounds(),
					a.Violation.Invariant, a.Violation.Steps, b.Violation.Invariant, b.Violation.Steps)
			}
			if a.DistinctStates >= b.DistinctStates {
				t.Errorf("%s: %d states with symmetry, %d without: no reduction", on.Bounds(), a.DistinctStates, b.DistinctStates)
			}
		}
	}
}

// TestMPSymmetryOff: the workloads that tie clients to roles, and the
// searches that let time pass, try no renaming.
func TestMPSymmetryOff(t *testing.T) {
	for _, c := range MPLeaseBugCases() {
		opt := c.Options
		if err := opt.normalize(); err != nil {
			t.Fatal(err)
		}
		e, err := newMPSearch(opt)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.sym) != 0 {
			t.Errorf("%s: %d renamings", opt.Bounds(), len(e.sym))
		}
	}
}

// TestMPCounts pins the figures of a few Multi-Paxos searches with client
// symmetry, so that a change to the engine or the reductions that changes
// the state space is noticed (without symmetry: 550, 85 and 5,821 states).
func TestMPCounts(t *testing.T) {
	for _, c := range MPBugCases() {
		var states, depth int
		var stop Stop
		switch c.Bug {
		case mp.BugSkipPhase1:
			states, depth, stop = 311, 7, StopViolation
		case mp.BugExecOutOfOrder:
			states, depth, stop = 47, 6, StopViolation
		default:
			continue
		}
		for _, clean := range []bool{false, true} {
			opt := c.Options
			if clean {
				if c.Bug != mp.BugExecOutOfOrder || raceEnabled {
					continue
				}
				opt.Cluster.Bugs = 0
				states, depth, stop = 2911, 17, StopComplete
			}
			res := mustMP(t, opt)
			if res.Stop != stop || res.DistinctStates != states || res.Depth != depth {
				t.Errorf("%s: %s, %d states, depth %d; want %s, %d, %d", opt.Bounds(), res.Stop, res.DistinctStates, res.Depth, stop, states, depth)
			}
		}
	}
}
