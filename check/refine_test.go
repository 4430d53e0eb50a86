package check

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

// TestRefinementEngineSearch: every step of the engine-level search of the
// correct engine is a step of Lamport's Paxos.tla (or a short sequence of
// them, or a stutter): with refinement checking on, the searches complete
// with no mismatch. Reference: Paxos.tla, THEOREM Implementation.
func TestRefinementEngineSearch(t *testing.T) {
	type cfg struct {
		line                string
		round, crash, dup   int
		minStates, minSteps int
	}
	cases := []cfg{
		{"cluster proposers=2 acceptors=3 learners=0", 1, 0, 0, 1000, 5000},
		{"cluster proposers=1 acceptors=3 learners=1", 2, 0, 0, 10000, 50000},
		{"cluster servers=2", 2, 0, 0, 100, 100},
		{"cluster proposers=2 acceptors=3 learners=0", 1, 0, 1, 10000, 50000},
	}
	if !raceEnabled {
		cases = append(cases,
			cfg{"cluster proposers=2 acceptors=3 learners=0", 1, 1, 0, 30000, 100000},
			cfg{"cluster servers=3", 1, 0, 0, 30000, 100000},
		)
	}
	for _, c := range cases {
		cl, err := sim.ParseCluster(c.line)
		if err != nil {
			t.Fatal(err)
		}
		opt := EngineOptions{Cluster: cl, MaxRound: c.round, Crashes: c.crash, Dups: c.dup, Refine: true}
		res := mustEngine(t, opt)
		if res.Stop != StopComplete || res.Violation != nil {
			t.Errorf("%s: stop %s, violation %+v", opt.Bounds(), res.Stop, res.Violation)
			continue
		}
		if res.DistinctStates < c.minStates || res.RefinementSteps < int64(c.minSteps) {
			t.Errorf("%s: only %d states and %d steps checked", opt.Bounds(), res.DistinctStates, res.RefinementSteps)
		}
	}
}

// TestRefinementBugsFail: bug variants generally fail refinement, and the
// checker names the first step that is not a spec step. The exception is
// learner_cross_ballot: Paxos.tla has no learners, so a learner's bug
// refines it (and breaks learned-chosen, which the spec does not state).
func TestRefinementBugsFail(t *testing.T) {
	want := map[engine.Bug]string{
		engine.BugNoAdopt:           "Phase2a(1.2, Y) is not enabled",
		engine.BugAdoptLowest:       "is not enabled",
		engine.BugAcceptLower:       "needs the 2a ballot 1.1 >= maxBal 1.2",
		engine.BugNoRaiseOnAccept:   "which no spec action explains",
		engine.BugVolatileAcceptor:  "crash a",
		engine.BugPromiseNotDurable: "crash a",
		engine.BugBallotReuse:       "Phase1b(a",
		engine.BugHalfQuorum:        "Phase2a(1.1, X) is not enabled",
		engine.BugCountDuplicates:   "Phase2a(1.1, X) is not enabled",
	}
	for _, c := range BugCases() {
		if c.Bug == engine.BugAdoptLowest && raceEnabled {
			continue // 85,000 states without symmetry
		}
		opt := c.Options
		opt.Refine = true
		// Search for a violation that never comes (values are only ever
		// proposed ones), so the search runs until refinement fails.
		opt.Invariant = sim.InvValidity
		res := mustEngine(t, opt)
		if c.Bug == engine.BugLearnerCrossBallot {
			if res.Stop != StopComplete || res.Violation != nil {
				t.Errorf("%s: %s %+v, want a complete search", c.Bug, res.Stop, res.Violation)
			}
			continue
		}
		v := res.Violation
		if v == nil || v.Invariant != "refinement" {
			t.Errorf("%s: %+v, want a refinement failure", c.Bug, v)
			continue
		}
		if !strings.Contains(v.Detail, want[c.Bug]) || !strings.HasPrefix(v.Detail, fmt.Sprintf("step %d, ", v.Steps)) {
			t.Errorf("%s: detail %q, want step %d and %q", c.Bug, v.Detail, v.Steps, want[c.Bug])
		}
		if !strings.Contains(v.Script, "# refinement: "+v.Detail) {
			t.Errorf("%s: the script does not say why:\n%s", c.Bug, v.Script)
		}
		if err := verifyScript(v.Script); err != nil {
			t.Errorf("%s: %v", c.Bug, err)
		}
	}
}

// refineWalk runs one seeded random schedule (the walker's whole action
// vocabulary: deliveries, drops, duplicates, proposals, timeouts, ticks,
// crashes, restarts, partitions, heals and scheduler runs) with every event
// checked against the spec. It returns the script of the walk and the first
// mismatch.
func refineWalk(cl sim.Cluster, seed uint64, steps int) (string, error) {
	r := rand.New(rand.NewPCG(seed, 0x7a))
	s := sim.New(cl)
	g := NewRefinement(s)
	var rerr error
	s.Trace = func(ev *sim.Event) {
		if rerr == nil {
			rerr = g.Observe(s, ev)
		}
	}
	var sb strings.Builder
	sb.WriteString(cl.String() + "\n")
	for i := 0; i < steps && rerr == nil; i++ {
		a := sim.RandomAction(s, r.IntN)
		if s.Check(&a) != nil {
			continue
		}
		sb.WriteString(a.Format(s.Config()) + "\n")
		if _, err := s.Apply(&a); err != nil {
			return sb.String(), err
		}
	}
	if rerr == nil && g.Steps() == 0 {
		rerr = errors.New("no event was checked")
	}
	return sb.String(), rerr
}

var refineClusters = []sim.Cluster{
	{Proposers: 2, Acceptors: 3, Learners: 1},
	{Proposers: 3, Acceptors: 3, Learners: 2},
	{Proposers: 2, Acceptors: 5, Learners: 1},
	{Proposers: 2, Acceptors: 4, Learners: 0},
	{Servers: 3},
	{Servers: 5},
}

// TestRefinementRandomWalks: in thousands of random schedules of the
// correct engine, with every fault, every event is a spec step. A failure
// prints the script that reproduces it.
func TestRefinementRandomWalks(t *testing.T) {
	n := 600
	if testing.Short() || raceEnabled {
		n = 120
	}
	for seed := uint64(1); seed <= uint64(n); seed++ {
		cl := refineClusters[seed%uint64(len(refineClusters))]
		cl.Seed, cl.TimeoutTicks = seed, 5+int(seed%10)
		script, err := refineWalk(cl, seed, 200)
		if err != nil {
			t.Fatalf("seed %d: %v\npaxviz run this script to see the step:\n%s", seed, err, script)
		}
	}
}

// TestRefinementRandomWalksCatchBugs: random walks of bug variants that
// break the spec's rules fail refinement, so a clean run of the correct
// engine means something.
func TestRefinementRandomWalksCatchBugs(t *testing.T) {
	for _, bug := range []engine.Bug{engine.BugNoAdopt, engine.BugAcceptLower, engine.BugBallotReuse, engine.BugHalfQuorum, engine.BugVolatileAcceptor, engine.BugNoRaiseOnAccept} {
		found := false
		for seed := uint64(1); seed <= 2000 && !found; seed++ {
			cl := sim.Cluster{Proposers: 2, Acceptors: 3 + int(seed%2), Learners: 1, Seed: seed, TimeoutTicks: 10, Bugs: engine.BugSet(0).With(bug)}
			_, err := refineWalk(cl, seed, 200)
			if err != nil && !errors.Is(err, ErrRefinement) {
				t.Fatalf("%s seed %d: %v", bug, seed, err)
			}
			found = err != nil
		}
		if !found {
			t.Errorf("%s: no random walk failed refinement", bug)
		}
	}
}

// TestSpecBallot: the map from engine ballots to spec ballot numbers is
// one-to-one and keeps the order, plain rounds included.
func TestSpecBallot(t *testing.T) {
	const p = 3
	var prev engine.Ballot
	seen := map[int]bool{}
	for r := int32(1); r <= 5; r++ {
		for i := int32(0); i <= p; i++ {
			b := engine.Ballot{Round: r, Index: i}
			n := SpecBallot(b, p)
			if seen[n] || n < 0 {
				t.Fatalf("ballot %s maps to %d twice or below 0", b, n)
			}
			seen[n] = true
			if !prev.IsZero() && SpecBallot(prev, p) >= n {
				t.Errorf("%s -> %d is not above %s -> %d", b, n, prev, SpecBallot(prev, p))
			}
			prev = b
		}
	}
	if SpecBallot(engine.Ballot{}, p) != -1 {
		t.Errorf("the zero ballot maps to %d, want -1", SpecBallot(engine.Ballot{}, p))
	}
}
