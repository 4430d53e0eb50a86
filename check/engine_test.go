package check

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

func mustEngine(t *testing.T, opt EngineOptions) *Result {
	t.Helper()
	res, err := Engine(context.Background(), opt)
	if err != nil {
		t.Fatalf("%s: %v", opt.Bounds(), err)
	}
	return res
}

// replayWithout runs the actions of a counterexample script on the same
// cluster with the bug switches off, stopping at the first action that is
// impossible there (the correct engine sent other messages), and returns
// the simulation reached.
func replayWithout(t *testing.T, script string) (*sim.Sim, int) {
	t.Helper()
	sc, err := sim.Parse("counterexample", script)
	if err != nil {
		t.Fatalf("the counterexample does not parse: %v\n%s", err, script)
	}
	cl := sc.Cluster
	cl.Bugs = 0
	s := sim.New(cl)
	done := 0
	for _, st := range sc.Stmts {
		if st.Action == nil {
			continue
		}
		if _, err := s.Apply(st.Action); err != nil {
			break
		}
		done++
	}
	return s, done
}

// checkScript checks the form of a counterexample script: it starts with the
// cluster line of the search, uses no run command, every deliver, drop and
// dup picks exactly one message when it runs, it ends with expect violation
// NAME, and paxviz run of it exits 0.
func checkScript(t *testing.T, v *Violation, cl sim.Cluster, prefix int) {
	t.Helper()
	sc, err := sim.Parse("counterexample", v.Script)
	if err != nil {
		t.Fatalf("the counterexample does not parse: %v\n%s", err, v.Script)
	}
	if sc.Cluster != cl {
		t.Errorf("cluster line %v, want %v", sc.Cluster, cl)
	}
	lines := strings.Split(strings.TrimSpace(v.Script), "\n")
	if last := lines[len(lines)-1]; last != "expect violation "+v.Invariant {
		t.Errorf("the script ends with %q, not expect violation %s", last, v.Invariant)
	}
	s := sim.New(sc.Cluster)
	acts := 0
	for _, st := range sc.Stmts {
		if st.Action == nil {
			continue
		}
		a := st.Action
		switch kind := a.Kind; {
		case acts < prefix:
			// The caller's prefix may use any command.
		case kind == sim.ActRun:
			t.Errorf("the counterexample uses run: %s", st.Text)
		case kind == sim.ActDeliver || kind == sim.ActDrop || kind == sim.ActDup:
			if n := len(s.Matches(&a.Sel)); n != 1 {
				t.Errorf("line %d %q picks %d messages, not one", st.Line, st.Text, n)
			}
		}
		if _, err := s.Apply(a); err != nil {
			t.Fatalf("line %d %q: %v", st.Line, st.Text, err)
		}
		acts++
	}
	if acts-prefix != v.Steps || len(v.Actions) != v.Steps {
		t.Errorf("the script has %d actions and Actions %d, but Steps = %d", acts, len(v.Actions), v.Steps)
	}
	res := sim.Exec(sc, nil)
	if res.ExitCode() != 0 {
		t.Errorf("paxviz run of the counterexample exits %d: %v %v\n%s", res.ExitCode(), res.Err, res.Failures, v.Script)
	}
	if !res.Sim.Violated(v.Invariant) {
		t.Errorf("the counterexample does not break %s", v.Invariant)
	}
}

// TestBugsFound: for each of the ten bugs of paxos.md §3, the checker finds
// a violation within the "needs" configuration of that table; the script
// replays (paxviz run exits 0) and breaks safety only because of the bug
// (the same schedule without it is safe); and the correct engine, within
// the same bounds, has no violation at all. It also pins the length of
// each shortest counterexample: BFS finds a shortest one, and these lengths
// follow from the protocol (e.g. no_adopt: 2 proposals, then 4 prepares, 4
// promises and 4 accepts delivered).
func TestBugsFound(t *testing.T) {
	steps := map[engine.Bug]int{
		engine.BugNoAdopt: 14, engine.BugAdoptLowest: 20, engine.BugAcceptLower: 14,
		engine.BugNoRaiseOnAccept: 20, engine.BugVolatileAcceptor: 16, engine.BugPromiseNotDurable: 16,
		engine.BugBallotReuse: 14, engine.BugLearnerCrossBallot: 14, engine.BugHalfQuorum: 14,
		engine.BugCountDuplicates: 14,
	}
	for _, c := range BugCases() {
		t.Run(c.Bug.String(), func(t *testing.T) {
			res := mustEngine(t, c.Options)
			if res.Stop != StopViolation || res.Violation == nil {
				t.Fatalf("no violation found: %+v", res)
			}
			v := res.Violation
			if v.Invariant != c.Options.Invariant {
				t.Errorf("broke %s, want %s", v.Invariant, c.Options.Invariant)
			}
			if v.Steps != steps[c.Bug] {
				t.Errorf("a counterexample of %d steps, want %d", v.Steps, steps[c.Bug])
			}
			checkScript(t, v, c.Options.Cluster, 0)
			if len(v.BugSteps) == 0 {
				t.Errorf("no step of the counterexample shows the bug acting")
			}
			for _, i := range v.BugSteps {
				if i < 0 || i >= v.Steps {
					t.Errorf("bug step %d out of range", i)
				}
			}
			s, done := replayWithout(t, v.Script)
			if s.Violated("") {
				t.Errorf("without the bug, the schedule still breaks %s after %d actions:\n%s", s.Violations()[0].Invariant, done, v.Script)
			}

			clean := c.Options
			clean.Cluster.Bugs = 0
			clean.Invariant = ""
			r := mustEngine(t, clean)
			if r.Stop != StopComplete || r.Violation != nil {
				t.Errorf("correct engine, %s: stop %s, violation %+v", clean.Bounds(), r.Stop, r.Violation)
			}
			if r.DistinctStates < 10 || r.Depth < 10 {
				t.Errorf("correct engine: only %d states, depth %d", r.DistinctStates, r.Depth)
			}
		})
	}
}

// TestGalleryCoversEveryBug: every bug variant has exactly one case, in the
// order of paxos.md §3, and Counterexample answers for each.
func TestGalleryCoversEveryBug(t *testing.T) {
	cases := BugCases()
	if len(cases) != len(engine.AllBugs) {
		t.Fatalf("%d cases for %d bugs", len(cases), len(engine.AllBugs))
	}
	for i, b := range engine.AllBugs {
		if cases[i].Bug != b {
			t.Errorf("case %d is %s, want %s", i, cases[i].Bug, b)
		}
		if cases[i].Options.Cluster.Bugs != engine.BugSet(0).With(b) {
			t.Errorf("case %s has bugs %s", b, cases[i].Options.Cluster.Bugs)
		}
	}
	res, err := Counterexample(context.Background(), engine.BugNoAdopt)
	if err != nil || res.Violation == nil {
		t.Fatalf("Counterexample(no_adopt): %v, %+v", err, res)
	}
	if _, err := Counterexample(context.Background(), engine.Bug(1<<15)); !errors.Is(err, ErrNoCase) {
		t.Errorf("Counterexample of an unknown bug: %v", err)
	}
}

// TestReductionKeepsVerdicts: the reductions (acceptor symmetry, dead
// messages left out) change no verdict and no counterexample length; only
// the number of states. Each search is compared with the same search
// without symmetry, and (where the unreduced search is small enough) with
// no reduction at all.
func TestReductionKeepsVerdicts(t *testing.T) {
	type cfg struct {
		line                       string
		round, ballots, crash, dup int
		inv                        string
		// cost of the comparisons: 0 runs always; 1 compares without
		// symmetry except under the race detector (ten times slower) and
		// with no reduction only in full race-free runs (it takes
		// seconds); 2 compares only without symmetry, in full race-free
		// runs (the unreduced search has millions of states).
		cost int
	}
	cases := []cfg{
		{"cluster proposers=2 acceptors=3 learners=0", 1, 0, 0, 0, "", 1},
		{"cluster proposers=2 acceptors=3 learners=1", 1, 0, 0, 0, "", 1},
		{"cluster proposers=2 acceptors=3 learners=0", 1, 0, 1, 0, "", 1},
		{"cluster proposers=2 acceptors=3 learners=0", 1, 0, 0, 1, "", 1},
		{"cluster proposers=2 acceptors=3 learners=0", 2, 2, 0, 0, "", 1},
		{"cluster proposers=1 acceptors=3 learners=1", 2, 0, 0, 0, "", 1},
		{"cluster proposers=3 acceptors=3 learners=0", 1, 0, 0, 0, "", 2},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=no_adopt", 1, 0, 0, 0, "", 0},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=no_adopt", 2, 2, 0, 0, "", 1},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=accept_lower", 1, 0, 0, 0, "", 0},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=ballot_reuse", 1, 0, 0, 0, "", 0},
		{"cluster proposers=2 acceptors=3 learners=1 bugs=learner_cross_ballot", 1, 0, 0, 0, "", 1},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=volatile_acceptor", 1, 0, 1, 0, "agreement", 1},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=promise_not_durable", 1, 0, 1, 0, "agreement", 1},
		{"cluster proposers=2 acceptors=3 learners=0 bugs=count_duplicates", 1, 0, 0, 1, "", 1},
		{"cluster proposers=2 acceptors=4 learners=0 bugs=half_quorum", 1, 0, 0, 0, "", 1},
		{"cluster proposers=3 acceptors=3 learners=0 bugs=adopt_lowest", 1, 0, 0, 0, "", 2},
		{"cluster proposers=3 acceptors=3 learners=0 bugs=no_raise_on_accept", 1, 0, 0, 0, "", 2},
		{"cluster servers=2", 1, 0, 0, 0, "", 0},
		{"cluster servers=3 bugs=no_adopt", 1, 0, 0, 0, "", 0},
	}
	same := func(opt EngineOptions, a, b *Result, what string) {
		t.Helper()
		if a.Stop != b.Stop || b.Truncated {
			t.Errorf("%s: stop %s reduced, %s %s", opt.Bounds(), a.Stop, b.Stop, what)
			return
		}
		if (a.Violation == nil) != (b.Violation == nil) {
			t.Errorf("%s: violation %v reduced, %v %s", opt.Bounds(), a.Violation, b.Violation, what)
			return
		}
		if v := a.Violation; v != nil && (v.Steps != b.Violation.Steps || v.Invariant != b.Violation.Invariant) {
			t.Errorf("%s: %s in %d steps reduced, %s in %d %s", opt.Bounds(), v.Invariant, v.Steps, b.Violation.Invariant, b.Violation.Steps, what)
		}
		if a.Violation == nil && a.DistinctStates >= b.DistinctStates {
			t.Errorf("%s: %d states reduced, %d %s: no reduction", opt.Bounds(), a.DistinctStates, b.DistinctStates, what)
		}
	}
	full := !testing.Short() && !raceEnabled
	for _, c := range cases {
		cl, err := sim.ParseCluster(c.line)
		if err != nil {
			t.Fatal(err)
		}
		if c.cost > 0 && raceEnabled || c.cost > 1 && testing.Short() {
			continue
		}
		opt := EngineOptions{Cluster: cl, MaxRound: c.round, Ballots: c.ballots, Crashes: c.crash, Dups: c.dup, Invariant: c.inv, MaxStates: 3_000_000}
		reduced := mustEngine(t, opt)
		if sim.Symmetric(opt.Cluster.EngineConfig()) {
			o := opt
			o.NoSymmetry = true
			same(opt, reduced, mustEngine(t, o), "without symmetry")
		}
		if c.cost == 0 || c.cost == 1 && full {
			o := opt
			o.NoReduction = true
			same(opt, reduced, mustEngine(t, o), "unreduced")
		}
	}
}

// TestEngineCounts pins the figures of a few complete searches of the
// correct engine, so that a change to the engine or the reductions that
// changes the state space is noticed.
func TestEngineCounts(t *testing.T) {
	for _, c := range []struct {
		line          string
		round, crash  int
		states, depth int
	}{
		{"cluster proposers=2 acceptors=3 learners=0", 1, 0, 315, 17},
		{"cluster proposers=2 acceptors=3 learners=1", 1, 0, 988, 23}, // 955 before decided (issue 8)
		{"cluster proposers=3 acceptors=3 learners=0", 1, 0, 8156, 25},
		{"cluster servers=2", 2, 0, 1032, 15}, // 1062 before a learned server stopped on a late accepted
	} {
		cl, err := sim.ParseCluster(c.line)
		if err != nil {
			t.Fatal(err)
		}
		res := mustEngine(t, EngineOptions{Cluster: cl, MaxRound: c.round, Crashes: c.crash})
		if res.Stop != StopComplete || res.Violation != nil {
			t.Errorf("%s: stop %s, violation %+v", c.line, res.Stop, res.Violation)
		}
		if c.states > 0 && (res.DistinctStates != c.states || res.Depth != c.depth) {
			t.Errorf("%s: %d states, depth %d; want %d, %d", c.line, res.DistinctStates, res.Depth, c.states, c.depth)
		}
		if res.Transitions <= int64(res.DistinctStates) || res.MemoryBytes <= 0 || res.BytesPerState <= 0 {
			t.Errorf("%s: figures %+v", c.line, res)
		}
	}
}

// TestDeterministic: the same search twice gives the same figures and the
// same counterexample, byte for byte.
func TestDeterministic(t *testing.T) {
	opt := BugCases()[0].Options
	a, b := mustEngine(t, opt), mustEngine(t, opt)
	if a.DistinctStates != b.DistinctStates || a.Transitions != b.Transitions || a.Violation.Script != b.Violation.Script {
		t.Errorf("two runs differ:\n%s\n%s", a.Violation.Script, b.Violation.Script)
	}
}

// TestSearchFromHere: a search can start from the state a script reaches;
// the counterexample starts with that script's actions and is shortest
// from there.
func TestSearchFromHere(t *testing.T) {
	cl, prefix, err := ParsePrefix(`cluster proposers=2 acceptors=3 learners=0 bugs=no_adopt
propose p1 X
deliver prepare p1->*
deliver promise *->p1
deliver accept p1->a1
deliver accept p1->a2
expect chosen X
`)
	if err != nil {
		t.Fatal(err)
	}
	if len(prefix) != 5 {
		t.Fatalf("prefix has %d actions", len(prefix))
	}
	res := mustEngine(t, EngineOptions{Cluster: cl, Prefix: prefix, Invariant: sim.InvAgreement})
	v := res.Violation
	if v == nil {
		t.Fatalf("no violation from here: %+v", res)
	}
	// p2 proposes, two prepares and two promises, two accepts: 7 steps.
	if v.Steps != 7 {
		t.Errorf("%d steps from here, want 7:\n%s", v.Steps, v.Script)
	}
	if !strings.Contains(v.Script, "\ndeliver promise *->p1\n") {
		t.Errorf("the script does not start with the prefix:\n%s", v.Script)
	}
	checkScript(t, v, cl, len(prefix))

	// A prefix that is impossible is a usage error.
	_, err = Engine(context.Background(), EngineOptions{Cluster: cl, Prefix: []sim.Action{{Kind: sim.ActTimeout, Node: 0}}})
	if !errors.Is(err, ErrOptions) {
		t.Errorf("impossible prefix: %v", err)
	}
	// A start state that already breaks the invariant is its own answer.
	res = mustEngine(t, EngineOptions{Cluster: cl, Prefix: append(prefix, v.Actions...)})
	if res.Violation == nil || res.Violation.Steps != 0 {
		t.Errorf("violated start state: %+v", res.Violation)
	}
}

// TestBudgets: a search that runs out of states, memory, time or context
// stops with a clear reason and Truncated set, never an error.
func TestBudgets(t *testing.T) {
	cl := sim.Cluster{Proposers: 3, Acceptors: 3, Learners: 1, Seed: 1, TimeoutTicks: 10}
	res := mustEngine(t, EngineOptions{Cluster: cl, MaxStates: 500})
	if res.Stop != StopMaxStates || !res.Truncated || res.DistinctStates != 500 || res.Violation != nil {
		t.Errorf("state budget: %+v", res)
	}
	res = mustEngine(t, EngineOptions{Cluster: cl, MaxMemoryBytes: 64 << 10})
	if res.Stop != StopMaxMemory || !res.Truncated {
		t.Errorf("memory budget: %+v", res)
	}
	res = mustEngine(t, EngineOptions{Cluster: cl, Timeout: time.Nanosecond})
	if res.Stop != StopTimeout || !res.Truncated {
		t.Errorf("time budget: %+v", res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Engine(ctx, EngineOptions{Cluster: cl})
	if err != nil || res.Stop != StopCanceled || !res.Truncated {
		t.Errorf("canceled: %v %+v", err, res)
	}
	ctx, cancel = context.WithTimeout(context.Background(), time.Nanosecond)
	defer cancel()
	<-ctx.Done()
	res, err = Engine(ctx, EngineOptions{Cluster: cl})
	if err != nil || res.Stop != StopTimeout {
		t.Errorf("context deadline: %v %+v", err, res)
	}
}

// TestEngineOptionsErrors: unusable options are usage errors.
func TestEngineOptionsErrors(t *testing.T) {
	ok := sim.Cluster{Proposers: 2, Acceptors: 3, Learners: 1, Seed: 1, TimeoutTicks: 10}
	for _, opt := range []EngineOptions{
		{Cluster: sim.Cluster{Proposers: 0, Acceptors: 3, TimeoutTicks: 10}},
		{Cluster: ok, MaxRound: -1},
		{Cluster: ok, MaxRound: MaxMaxRound + 1},
		{Cluster: ok, Crashes: -1},
		{Cluster: ok, Dups: MaxDups + 1},
		{Cluster: ok, Ballots: -2},
		{Cluster: ok, Invariant: "liveness"},
		{Cluster: ok, MaxStates: -1},
		{Cluster: ok, Timeout: -time.Second},
	} {
		if _, err := Engine(context.Background(), opt); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: error %v, want ErrOptions", opt, err)
		}
	}
}

// TestBallotsBound: --ballots bounds the ballots started across proposers.
func TestBallotsBound(t *testing.T) {
	cl := sim.Cluster{Proposers: 2, Acceptors: 3, Learners: 0, Seed: 1, TimeoutTicks: 10, Bugs: engine.BugSet(0).With(engine.BugNoAdopt)}
	res := mustEngine(t, EngineOptions{Cluster: cl, Ballots: 1})
	if res.Stop != StopComplete || res.Violation != nil {
		t.Errorf("no_adopt with one ballot: %+v", res)
	}
	res = mustEngine(t, EngineOptions{Cluster: cl, Ballots: 2})
	if res.Violation == nil {
		t.Errorf("no_adopt with two ballots: %+v", res)
	}
	// adopt_lowest with two proposers, one of which retries: three
	// ballots are enough, as with three proposers.
	cl.Bugs = engine.BugSet(0).With(engine.BugAdoptLowest)
	res = mustEngine(t, EngineOptions{Cluster: cl, MaxRound: 2, Ballots: 3})
	if res.Violation == nil || res.Violation.Invariant != sim.InvAgreement {
		t.Errorf("adopt_lowest, 2 proposers, 3 ballots: %+v", res)
	}
}

// TestDropsAndTargets: drops add states but no violation and no shorter
// counterexample; searching for any invariant finds the first one to
// break (the durability bugs break promise-monotonic within three steps:
// propose, deliver a prepare, crash the acceptor that promised).
func TestDropsAndTargets(t *testing.T) {
	cl := sim.Cluster{Proposers: 2, Acceptors: 3, Learners: 0, Seed: 1, TimeoutTicks: 10}
	plain := mustEngine(t, EngineOptions{Cluster: cl})
	drops := mustEngine(t, EngineOptions{Cluster: cl, Drops: true})
	if drops.Stop != StopComplete || drops.Violation != nil || drops.DistinctStates <= plain.DistinctStates {
		t.Errorf("drops: %d states (%d without), %+v", drops.DistinctStates, plain.DistinctStates, drops.Violation)
	}
	cl.Bugs = engine.BugSet(0).With(engine.BugAcceptLower)
	a := mustEngine(t, EngineOptions{Cluster: cl})
	b := mustEngine(t, EngineOptions{Cluster: cl, Drops: true})
	if a.Violation == nil || b.Violation == nil || a.Violation.Steps != b.Violation.Steps {
		t.Errorf("accept_lower with and without drops: %+v %+v", a.Violation, b.Violation)
	}
	for _, bug := range []engine.Bug{engine.BugVolatileAcceptor, engine.BugPromiseNotDurable} {
		cl.Bugs = engine.BugSet(0).With(bug)
		res := mustEngine(t, EngineOptions{Cluster: cl, Crashes: 1})
		v := res.Violation
		if v == nil || v.Invariant != sim.InvPromiseMonotonic || v.Steps != 3 {
			t.Errorf("%s: %+v, want promise-monotonic in 3 steps", bug, v)
			continue
		}
		if v.Actions[2].Kind != sim.ActCrash {
			t.Errorf("%s: the third step is %s, not a crash", bug, v.Actions[2].Format(cl.EngineConfig()))
		}
	}
}
