package sim

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine"
)

// walkClusters are the shapes random walks cover.
var walkClusters = []Cluster{
	{Proposers: 2, Acceptors: 3, Learners: 1},
	{Proposers: 3, Acceptors: 3, Learners: 2},
	{Proposers: 2, Acceptors: 5, Learners: 1},
	{Proposers: 1, Acceptors: 3, Learners: 1},
	{Proposers: 2, Acceptors: 4, Learners: 1},
	{Servers: 3},
	{Servers: 5},
}

type walkResult struct {
	script string
	sim    *Sim
}

func (w *walkResult) add(a Action) {
	w.script += a.Format(w.sim.cfg) + "\n"
}

// walk runs one seeded random schedule: a fault phase of steps actions,
// then (when live) a liveness phase in which the faults stop and one
// proposer keeps retrying. It returns the script that replays it.
func walk(seed uint64, steps int, live bool) (*walkResult, error) {
	r := rand.New(rand.NewPCG(seed, 0xfeed))
	cl := walkClusters[seed%uint64(len(walkClusters))]
	cl.Seed, cl.TimeoutTicks = seed, 5+int(seed%10)
	s := New(cl)
	w := &walkResult{script: cl.String() + "\n", sim: s}
	for i := 0; i < steps; i++ {
		a := RandomAction(s, r.IntN)
		if s.Check(&a) != nil {
			continue
		}
		if _, err := s.Apply(&a); err != nil {
			return w, err
		}
		w.add(a)
		if s.Violated("") {
			return w, fmt.Errorf("safety phase, step %d: %s", s.Step(), ViolationText("en", s.cfg, &s.Violations()[0]))
		}
	}
	if !live {
		return w, nil
	}
	for _, a := range Stabilize(s, "L") {
		w.add(a)
	}
	run := Action{Kind: ActRun, N: 50000, Until: UntilChosen}
	if _, err := s.Apply(&run); err != nil {
		return w, err
	}
	w.add(run)
	if s.Violated("") {
		return w, fmt.Errorf("liveness phase: %s", ViolationText("en", s.cfg, &s.Violations()[0]))
	}
	if len(s.ChosenValues()) == 0 {
		return w, fmt.Errorf("liveness phase: nothing chosen after %d events with one proposer retrying and no faults", run.N)
	}
	return w, nil
}

// TestRandomWalks runs thousands of seeded schedules with drops,
// duplicates, crashes, restarts and partitions on the correct engine: no
// invariant ever breaks, and once the faults stop and one proposer keeps
// retrying, a value is chosen. A failure prints the script that
// reproduces it (PAXVIZ_WALK_SEED=N runs one seed).
func TestRandomWalks(t *testing.T) {
	n := 3000
	if testing.Short() {
		n = 300
	}
	first := uint64(1)
	if s := os.Getenv("PAXVIZ_WALK_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		first, n = v, 1
	}
	chosen := 0
	for seed := first; seed < first+uint64(n); seed++ {
		w, err := walk(seed, 150, true)
		if err != nil {
			t.Fatalf("seed %d: %v\nreproduce with PAXVIZ_WALK_SEED=%d go test ./engine/sim -run TestRandomWalks, or paxviz run this script:\n%s",
				seed, err, seed, w.script)
		}
		chosen += len(w.sim.ChosenValues())
	}
	if chosen < n {
		t.Errorf("only %d values chosen over %d walks", chosen, n)
	}
}

// TestWalkScriptReplays: a walk's printed script replays to the same state,
// so a failure report is always reproducible.
func TestWalkScriptReplays(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		w, err := walk(seed, 120, seed%2 == 0)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := Parse("walk", w.script)
		if err != nil {
			t.Fatalf("seed %d: script does not parse: %v\n%s", seed, err, w.script)
		}
		res := Exec(sc, nil)
		if res.Err != nil {
			t.Fatalf("seed %d: replay: %v", seed, res.Err)
		}
		if a, b := res.Sim.Summary(), w.sim.Summary(); a != b {
			t.Fatalf("seed %d: replay differs:\n%s\nvs\n%s", seed, a, b)
		}
	}
}

// TestBuggyWalksBreak checks the walker can find bugs: with some bug
// switches on, some walk breaks safety (so a clean run of the correct
// engine means something).
func TestBuggyWalksBreak(t *testing.T) {
	for _, bugs := range []string{"half_quorum", "no_adopt", "accept_lower", "volatile_acceptor", "count_duplicates"} {
		found := false
		for seed := uint64(1); seed <= 3000 && !found; seed++ {
			r := rand.New(rand.NewPCG(seed, 0xbad))
			cl, err := ParseCluster(fmt.Sprintf("cluster proposers=2 acceptors=%d seed=%d bugs=%s", 3+int(seed%2), seed, bugs))
			if err != nil {
				t.Fatal(err)
			}
			s := New(cl)
			for i := 0; i < 200 && !s.Violated(""); i++ {
				a := RandomAction(s, r.IntN)
				if s.Check(&a) == nil {
					s.Apply(&a)
				}
			}
			found = s.Violated("")
		}
		if !found {
			t.Errorf("bugs=%s: no walk broke safety", bugs)
		}
	}
}

func TestCloneIsIndependent(t *testing.T) {
	w, err := walk(7, 200, false)
	if err != nil {
		t.Fatal(err)
	}
	s := w.sim
	before := s.Summary()
	c := s.Clone()
	if c.Summary() != before {
		t.Fatal("clone differs from the original")
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 300; i++ {
		a := RandomAction(c, r.IntN)
		if c.Check(&a) == nil {
			c.Apply(&a)
		}
	}
	if s.Summary() != before {
		t.Fatal("stepping the clone changed the original: Clone is not deep")
	}
	if strings.Contains(before, "final state: step 0") {
		t.Fatal("walk did nothing")
	}
}

// TestBallotReuseKeepsEveryVote replays a long ballot_reuse schedule (70
// rounds, more tallies than are ever pruned) in which a plain ballot is
// issued a third time after its tally went dead: the vote that tally held
// still counts, so X is chosen and agreement is reported broken.
// (A reviewer's reproduction: pruning once forgot that vote.)
func TestBallotReuseKeepsEveryVote(t *testing.T) {
	src, err := os.ReadFile("testdata/ballot-reuse-prune.pxs")
	if err != nil {
		t.Fatal(err)
	}
	res := Exec(mustParse(t, string(src)), nil)
	if res.ExitCode() != 0 {
		t.Fatalf("exit %d: %v %v", res.ExitCode(), res.Failures, res.Err)
	}
}

// TestChosenOracle: on random walks of every bug variant (and none), long
// enough for old tallies to be forgotten, the chosen values the simulator
// keeps are exactly those a brute-force count of every vote ever cast
// finds, and agreement is reported broken exactly when two are chosen.
func TestChosenOracle(t *testing.T) {
	seeds := 12
	if testing.Short() {
		seeds = 3
	}
	bugs := append([]engine.Bug{0}, engine.AllBugs...)
	for _, bug := range bugs {
		for seed := uint64(1); seed <= uint64(seeds); seed++ {
			cl := Cluster{Proposers: 2 + int(seed%2), Acceptors: 3 + int(seed%3), Learners: 1, Seed: seed, TimeoutTicks: 3, Bugs: engine.BugSet(bug)}
			s := New(cl)
			type key struct {
				b engine.Ballot
				v engine.Value
			}
			votes := map[key]map[engine.NodeID]bool{}
			s.Trace = func(ev *Event) {
				for _, n := range ev.Notes {
					if n.Kind == engine.NoteAccept {
						k := key{n.B, n.V}
						if votes[k] == nil {
							votes[k] = map[engine.NodeID]bool{}
						}
						votes[k][n.Node] = true
					}
				}
			}
			r := rand.New(rand.NewPCG(seed, uint64(bug)))
			for i := 0; i < 1500; i++ {
				// Mostly the scheduler (many ballots, many votes), with
				// the walker's faults in between.
				var a Action
				switch x := r.IntN(10); {
				case x < 6:
					a = Action{Kind: ActRun, N: 10, DropPerMille: 100, DupPerMille: 50}
				case x < 7:
					a = Action{Kind: ActPropose, Node: s.cfg.Proposers[r.IntN(len(s.cfg.Proposers))], Value: []engine.Value{"X", "Y", "Z"}[r.IntN(3)]}
				default:
					a = RandomAction(s, r.IntN)
				}
				if s.Check(&a) == nil {
					s.Apply(&a)
				}
			}
			want := map[engine.Value]bool{}
			for k, acc := range votes {
				if len(acc) >= s.cfg.Quorum {
					want[k.v] = true
				}
			}
			got := map[engine.Value]bool{}
			for _, c := range s.ChosenValues() {
				got[c.Value] = true
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Errorf("bug %v seed %d: chosen %v, brute force %v (%d distinct votes)", bug, seed, got, want, len(votes))
			}
			if s.Violated(InvAgreement) != (len(want) > 1) {
				t.Errorf("bug %v seed %d: agreement reported %v with %d values chosen", bug, seed, s.Violated(InvAgreement), len(want))
			}
		}
	}
}
