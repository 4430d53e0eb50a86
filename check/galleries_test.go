package check

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestGalleryCasesMP: the Multi-Paxos section lists every switch of
// MPBugCases, each with a counterexample that paxviz run replays.
func TestGalleryCasesMP(t *testing.T) {
	cases := GalleryCases(ProtoMultiPaxos)
	if len(cases) != len(MPBugCases()) || len(cases) == 0 {
		t.Fatalf("%d cases, want %d", len(cases), len(MPBugCases()))
	}
	for i, c := range cases {
		// The six log switches run on three servers; lease_no_drift and
		// no_fencing on one (MPLeaseBugCases).
		if c.Bug != MPBugCases()[i].Bug.String() || !strings.Contains(c.Bounds, "--protocol multipaxos") || c.Sizes.Servers != MPBugCases()[i].Options.Cluster.Servers || i < 6 && c.Sizes.Servers != 3 {
			t.Errorf("case %d: %+v", i, c)
		}
		res, err := c.Counterexample(context.Background())
		if err != nil || res.Violation == nil {
			t.Fatalf("%s: %v %+v", c.Bug, err, res)
		}
		if r := mpReplay(t, res.Violation.Script); r.ExitCode() != 0 {
			t.Errorf("%s: paxviz run exits %d", c.Bug, r.ExitCode())
		}
	}
	if got, err := FindGalleryCase(ProtoMultiPaxos, "no_adopt"); err != nil || got.Protocol != ProtoMultiPaxos {
		t.Errorf("find no_adopt: %+v %v", got, err)
	}
	if _, err := FindGalleryCase(ProtoMultiPaxos, "half_quorum"); !errors.Is(err, ErrNoCase) {
		t.Errorf("a single-decree switch in the Multi-Paxos section: %v", err)
	}
	if p := GalleryCases(ProtoPaxos); len(p) != len(BugCases()) || p[0].Bug != BugCases()[0].Bug.String() {
		t.Errorf("single-decree section: %d cases", len(p))
	}
	if GalleryCases("nonsense") != nil {
		t.Error("cases for an unknown protocol")
	}
}

// TestSearchFromMP: a search from a Multi-Paxos session's state finds the
// bug of its cluster line's switch within the quick bounds, with the
// session's own lines first, and nothing with the switch off.
func TestSearchFromMP(t *testing.T) {
	ctx := context.Background()
	const cl = "cluster multipaxos servers=3 clients=2 leader=s1"
	res, b, err := SearchFrom(ctx, cl+" bugs=no_adopt\n", false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stop == StopTimeout && raceEnabled {
		// The quick search's 8 s of wall time (6,617 states) runs out
		// under the race detector on a loaded machine.
		t.Skipf("the quick search timed out under the race detector after %d states", res.DistinctStates)
	}
	if res.Violation == nil || res.Violation.Invariant != "agreement" || b.Elections != 1 || b.MaxRound != 2 || b.Commands != 2 || !strings.Contains(res.Bounds, "--ballots 2") {
		t.Fatalf("no_adopt from the start: %+v %+v", res, b)
	}
	// From a later state: c1's put committed; the search adds requests
	// beyond it (c1's next is a get), and its script starts with the
	// session's lines.
	prefix := cl + " bugs=skip_phase1\nput c1 x 1\ndeliver request c1->s1\n# a comment\nexpect inflight 2\n"
	res, b, err = SearchFrom(ctx, prefix, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	v := res.Violation
	if v == nil {
		t.Fatalf("skip_phase1 from a later state: %+v", res)
	}
	if !strings.Contains(v.Script, "leader=s1 seed=1 bugs=skip_phase1\n") {
		t.Errorf("no cluster line:\n%s", v.Script)
	}
	if i, j := strings.Index(v.Script, "put c1 x 1\ndeliver request c1->s1\n"), strings.Index(v.Script, "expect inflight"); i < 0 || j >= 0 {
		t.Errorf("the prefix is not the script's start (or its expectation was kept):\n%s", v.Script)
	}
	if r := mpReplay(t, v.Script); r.ExitCode() != 0 {
		t.Errorf("paxviz run exits %d:\n%s", r.ExitCode(), v.Script)
	}
	if !strings.Contains(res.Bounds, "prefix actions") {
		t.Errorf("bounds %q do not say where the search started", res.Bounds)
	}
	// The correct engine: nothing found among the states the budget
	// allows (the quick bounds hold hundreds of thousands).
	res, _, err = SearchFrom(ctx, cl+"\nput c1 x 1\n", false, 3000, 0)
	if err != nil || res.Violation != nil || res.Stop != StopMaxStates || !res.Truncated {
		t.Fatalf("correct engine: %v %+v", err, res)
	}
	// Deep: more bounds, a bigger budget.
	_, b, err = SearchFrom(ctx, cl+" bugs=commit_minority\n", true, 0, 0)
	if err != nil || b.Crashes != 1 || b.Drops != 1 || b.Elections != 2 || b.MaxStates != FromHereDeepStates {
		t.Errorf("deep: %v %+v", err, b)
	}
}

func TestSearchFromRefuses(t *testing.T) {
	ctx := context.Background()
	for _, src := range []string{
		"cluster proposers=2 acceptors=3\npropose p1 X\n",      // single-decree: Engine with ParsePrefix
		"cluster multipaxos servers=3 clients=1\npause s2\n",   // pauses are not modelled
		"cluster multipaxos servers=3 clients=1\nput c9 x 1\n", // a bad line
		"cluster multipaxos servers=3 clients=0 leader=s1\n",   // nobody to send requests
		"put c1 x 1\n",                 // no cluster line
		"",                             // nothing
		"cluster nonsense servers=3\n", // unknown protocol
		"cluster multipaxos servers=3 clients=1 bugs=no_such_bug\n", // bad cluster line
	} {
		if _, _, err := SearchFrom(ctx, src, false, 0, 0); !errors.Is(err, ErrOptions) {
			t.Errorf("%q: %v, want ErrOptions", src, err)
		}
	}
}

// TestSpecBugSteps: the spec's own counterexample, step by step, for the
// gallery's words.
func TestSpecBugSteps(t *testing.T) {
	sb, err := MultiPaxosSMRSpecBugSteps()
	if err != nil {
		t.Fatal(err)
	}
	if sb.Violation.Invariant != "Linearizability" || len(sb.Steps) != 19 || !strings.Contains(sb.Bounds, "--max-ballot 3") {
		t.Fatalf("%+v", sb)
	}
	first, last := sb.Steps[0], sb.Steps[len(sb.Steps)-1]
	if first.Action != "BecomeLeader" || first.Replica != "s1" || first.Arg != "b = 1" || !strings.HasPrefix(first.State, "leader s1") || first.Observed != "<<>>" {
		t.Errorf("first step %+v", first)
	}
	if last.Action != "HandleAcceptReplies" || last.N != 19 || !strings.Contains(last.Observed, `Ack(r1, "nil")`) {
		t.Errorf("last step %+v", last)
	}
	if sb.Steps[12].Action != "HandleCommitNotice" || sb.Steps[12].Replica != "s1" {
		t.Errorf("step 13 %+v", sb.Steps[12])
	}
}

// TestGalleryCasesRaft: the Raft section lists RaftBugCases with their
// why-texts, and a case's search finds its counterexample.
func TestGalleryCasesRaft(t *testing.T) {
	if !slicesContains(GalleryProtocols(), ProtoRaft) {
		t.Fatal("no Raft section")
	}
	cases := GalleryCases(ProtoRaft)
	if len(cases) != len(RaftBugCases()) || len(cases) == 0 {
		t.Fatalf("%d cases, want %d", len(cases), len(RaftBugCases()))
	}
	for i, c := range cases {
		rc := RaftBugCases()[i]
		if c.Bug != rc.Bug.String() || c.Why != rc.Note || c.Invariant != rc.Invariant || !strings.Contains(c.Bounds, "--protocol raft") || c.Sizes.Servers < 2 || c.Sizes.Terms < 1 {
			t.Errorf("case %d: %+v", i, c)
		}
	}
	c, err := FindGalleryCase(ProtoRaft, "no_step_down")
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Counterexample(context.Background())
	if err != nil || res.Violation == nil || res.Violation.Invariant != c.Invariant {
		t.Fatalf("no_step_down: %v %+v", err, res)
	}
}

// TestSearchFromRaft: a search from a Raft session's state: s1 leads term
// 1; one more election (term 2) is enough for no_step_down's two leaders,
// and the counterexample starts with the session's lines.
func TestSearchFromRaft(t *testing.T) {
	ctx := context.Background()
	const prefix = "\ntimeout s1\ndeliver requestvote s1->s2\ndeliver vote s2->s1\n"
	res, b, err := SearchFrom(ctx, "cluster raft servers=2 noop=0 bugs=no_step_down"+prefix, false, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	v := res.Violation
	if v == nil || v.Invariant != "election-safety" || b.Protocol != ProtoRaft || b.MaxRound != 2 || b.Elections != 1 || b.Retries != 0 {
		t.Fatalf("no_step_down: %+v %+v", res, b)
	}
	if !strings.Contains(v.Script, prefix[1:]) || !strings.Contains(res.Bounds, "--max-term 2") {
		t.Errorf("the session's lines do not start the script:\n%s", v.Script)
	}
	if r := mpReplay(t, v.Script); r.ExitCode() != 0 {
		t.Errorf("paxviz run exits %d:\n%s", r.ExitCode(), v.Script)
	}
	res, _, err = SearchFrom(ctx, "cluster raft servers=2 noop=0"+prefix, false, 0, 0)
	if err != nil || res.Violation != nil {
		t.Fatalf("correct engine: %v %+v", err, res)
	}
	if !CanSearchFrom(ProtoRaft) || !CanSearchFrom(ProtoMultiPaxos) || CanSearchFrom(ProtoPaxos) {
		t.Error("CanSearchFrom")
	}
}
