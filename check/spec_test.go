package check

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func mustSpec(t *testing.T, opt SpecOptions) *Result {
	t.Helper()
	res, err := Spec(context.Background(), opt)
	if err != nil {
		t.Fatalf("%s: %v", opt.Bounds(), err)
	}
	return res
}

// TestSpecTLCCounts: the spec search reproduces TLC's recorded results for
// Lamport's spec exactly (tlaplus/Examples manifest.json; paxos.md §10):
// distinct states, states generated and depth.
func TestSpecTLCCounts(t *testing.T) {
	for _, c := range []struct {
		opt                  SpecOptions
		distinct, gen, depth int
		model                string
	}{
		{SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 1}, 3921, 23563, 17, "PaxosHowToWinATuringAward/MCPaxosTiny.cfg"},
		{SpecOptions{Acceptors: 1, Values: 1, MaxBallot: 1}, 25, 82, 9, "Paxos/MCPaxos.cfg"},
	} {
		res := mustSpec(t, c.opt)
		if res.Stop != StopComplete || res.Violation != nil {
			t.Errorf("%s: stop %s, violation %+v", c.model, res.Stop, res.Violation)
		}
		if res.DistinctStates != c.distinct || res.Transitions != int64(c.gen) || res.Depth != c.depth {
			t.Errorf("%s: %d distinct, %d generated, depth %d; TLC found %d, %d, %d",
				c.model, res.DistinctStates, res.Transitions, res.Depth, c.distinct, c.gen, c.depth)
		}
	}
}

// TestSpecSmallModel pins the count for MCPaxosSmall's constants (3
// acceptors, 2 values, ballots 0..2), which TLC's manifest does not record
// (it ran for a minute there), and for two other models.
func TestSpecSmallModel(t *testing.T) {
	for _, c := range []struct {
		opt             SpecOptions
		distinct, depth int
	}{
		{SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2}, 185369, 25},
		{SpecOptions{Acceptors: 3, Values: 3, MaxBallot: 1}, 6801, 17},
		{SpecOptions{Acceptors: 2, Values: 2, MaxBallot: 2}, 0, 0},
	} {
		res := mustSpec(t, c.opt)
		if res.Stop != StopComplete || res.Violation != nil {
			t.Errorf("%s: stop %s, violation %+v", c.opt.Bounds(), res.Stop, res.Violation)
		}
		if c.distinct > 0 && (res.DistinctStates != c.distinct || res.Depth != c.depth) {
			t.Errorf("%s: %d states, depth %d; want %d, %d", c.opt.Bounds(), res.DistinctStates, res.Depth, c.distinct, c.depth)
		}
	}
}

// TestSpecBrokenQuorums: with quorums that need not intersect (one
// acceptor of three), two values get chosen; the shortest trace has eight
// steps (two ballots, each Phase1a, Phase1b, Phase2a, Phase2b), and the
// invariant that breaks is Consistency: VotesSafe and OneValuePerBallot
// still hold, since Voting's safety argument is where quorums must meet.
func TestSpecBrokenQuorums(t *testing.T) {
	res := mustSpec(t, SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2, Quorum: 1})
	v := res.Violation
	if v == nil || v.Invariant != "Consistency" || v.Steps != 8 {
		t.Fatalf("violation %+v, want Consistency in 8 steps", v)
	}
	lines := strings.Split(strings.TrimSpace(v.Script), "\n")
	var acts []string
	for _, l := range lines {
		if !strings.HasPrefix(l, "#") && l != "Init" {
			acts = append(acts, l)
		}
	}
	if len(acts) != 8 || !strings.Contains(v.Script, "\nInit\n") {
		t.Errorf("trace of %d actions:\n%s", len(acts), v.Script)
	}
	for _, want := range []string{"Phase1a(", "Phase1b(a", "Phase2a(", "Phase2b(a"} {
		if strings.Count(v.Script, want) != 2 {
			t.Errorf("the trace does not have two %s...:\n%s", want, v.Script)
		}
	}
	// Two of four acceptors: quorums still fail to intersect.
	res = mustSpec(t, SpecOptions{Acceptors: 4, Values: 2, MaxBallot: 1, Quorum: 2})
	if res.Violation == nil || res.Violation.Invariant != "Consistency" {
		t.Errorf("2 of 4: %+v", res.Violation)
	}
	// Three of four do intersect: safe.
	res = mustSpec(t, SpecOptions{Acceptors: 4, Values: 2, MaxBallot: 1, Quorum: 3})
	if res.Violation != nil || res.Stop != StopComplete {
		t.Errorf("3 of 4: %+v", res.Violation)
	}
}

// TestSpecInvariantsCatch: each invariant check fails on a state that
// breaks it (built by hand), so a clean search means something.
func TestSpecInvariantsCatch(t *testing.T) {
	m := newSpecModel(SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2})
	fresh := func() []uint64 {
		s := make([]uint64, m.words)
		for a := 0; a < m.nA; a++ {
			m.setAcc(s, a, specAcc{-1, -1, -1})
		}
		return s
	}
	// vote records a consistent vote: 2a, 2b and the acceptor's variables.
	vote := func(s []uint64, a, b, v int) {
		setBit(s, m.bit2a(b, v))
		setBit(s, m.bit2b(a, b, v))
		m.setAcc(s, a, specAcc{b, b, v})
	}
	if bad, _ := m.checkState(fresh()); bad != "" {
		t.Fatalf("the initial state breaks %s", bad)
	}
	cases := []struct {
		name  string
		build func() []uint64
	}{
		{"Inv", func() []uint64 { // maxBal < maxVBal
			s := fresh()
			vote(s, 0, 1, 0)
			m.setAcc(s, 0, specAcc{0, 1, 0})
			return s
		}},
		{"Inv", func() []uint64 { // a 2b with no 2a
			s := fresh()
			setBit(s, m.bit2b(1, 0, 0))
			m.setAcc(s, 1, specAcc{0, 0, 0})
			return s
		}},
		{"Inv", func() []uint64 { // a 1b above maxBal
			s := fresh()
			setBit(s, m.bit1b(2, 1, -1, -1))
			return s
		}},
		{"Inv", func() []uint64 { // a 2a no quorum shows safe
			s := fresh()
			setBit(s, m.bit2a(0, 1))
			return s
		}},
	}
	for i, c := range cases {
		bad, detail := m.checkState(c.build())
		if bad != c.name {
			t.Errorf("case %d: got %q (%s), want %s", i, bad, detail, c.name)
		}
	}
	// Voting's invariant on its own (Inv would catch these states first).
	var w specView
	s := fresh()
	vote(s, 0, 0, 0)
	vote(s, 1, 0, 1)
	m.view(s, &w)
	if bad, _ := m.votingInv(&w); bad != "OneValuePerBallot" {
		t.Errorf("two values voted in ballot 0: %q", bad)
	}
	s = fresh()
	vote(s, 0, 0, 0)
	vote(s, 1, 0, 0)
	vote(s, 2, 1, 1) // v2 at 1, though v1 was chosen at 0
	m.view(s, &w)
	if bad, _ := m.votingInv(&w); bad != "VotesSafe" {
		t.Errorf("an unsafe vote: %q", bad)
	}
	m1 := newSpecModel(SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2, Quorum: 1})
	s = make([]uint64, m1.words)
	for a := 0; a < 3; a++ {
		m1.setAcc(s, a, specAcc{-1, -1, -1})
	}
	setBit(s, m1.bit2b(0, 0, 0))
	setBit(s, m1.bit2b(1, 1, 1))
	m1.setAcc(s, 1, specAcc{1, 1, 1})
	m1.view(s, &w)
	if bad, _ := m1.votingInv(&w); bad != "Consistency" {
		t.Errorf("two values chosen with quorums of one: %q", bad)
	}
	if _, err := m.typeOK(&specView{acc: [MaxSpecAcceptors]specAcc{{maxBal: 9}}}); err == "" {
		t.Errorf("TypeOK accepts a ballot out of range")
	}

	// The voting step check: a vote for v2 at ballot 1 after v1 was
	// chosen at 0 is not a Voting step.
	s = fresh()
	for a := 0; a < 3; a++ {
		m.setAcc(s, a, specAcc{0, -1, -1})
	}
	vote(s, 0, 0, 0)
	vote(s, 1, 0, 0)
	m.setAcc(s, 2, specAcc{1, -1, -1})
	setBit(s, m.bit2a(1, 1))
	tt := append([]uint64(nil), s...)
	setBit(tt, m.bit2b(2, 1, 1))
	m.setAcc(tt, 2, specAcc{1, 1, 1})
	m.view(s, &w)
	if why := m.votingStep(&w, tt, 2, 1, 1); !strings.Contains(why, "ShowsSafeAt") {
		t.Errorf("voting step: %q", why)
	}
	if bad, _ := m.checkState(tt); bad == "" {
		t.Errorf("a state where v1 is chosen and v2 voted unsafely passes every invariant")
	}
	u := append([]uint64(nil), tt...)
	vote(u, 1, 1, 1)
	vote(u, 2, 1, 1)
	if bad, _ := m.checkState(u); bad == "" {
		t.Errorf("a state with two values chosen passes every invariant")
	}
}

// TestSpecBudgets: budgets stop the spec search with a clear reason.
func TestSpecBudgets(t *testing.T) {
	res := mustSpec(t, SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2, MaxStates: 1000})
	if res.Stop != StopMaxStates || !res.Truncated || res.DistinctStates != 1000 {
		t.Errorf("state budget: %+v", res)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Spec(ctx, SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 2})
	if err != nil || res.Stop != StopCanceled || !res.Truncated {
		t.Errorf("canceled: %v %+v", err, res)
	}
}

// TestSpecOptionsErrors: constants outside the search's range are usage
// errors.
func TestSpecOptionsErrors(t *testing.T) {
	for _, opt := range []SpecOptions{
		{Acceptors: 0, Values: 1, MaxBallot: 1},
		{Acceptors: MaxSpecAcceptors + 1, Values: 1, MaxBallot: 1},
		{Acceptors: 3, Values: 0, MaxBallot: 1},
		{Acceptors: 3, Values: 2, MaxBallot: -1},
		{Acceptors: 3, Values: 2, MaxBallot: MaxSpecBallot + 1},
		{Acceptors: 3, Values: 6, MaxBallot: 5},
		{Acceptors: 3, Values: 2, MaxBallot: 1, Quorum: 4},
		{Acceptors: 3, Values: 2, MaxBallot: 1, MaxStates: -5},
	} {
		if _, err := Spec(context.Background(), opt); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: %v, want ErrOptions", opt, err)
		}
	}
}
