package sim

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func mustParse(t testing.TB, src string) *Script {
	t.Helper()
	sc, err := Parse("test", src)
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func mustAction(t testing.TB, h *History, line string) *Action {
	t.Helper()
	st, err := ParseCommand(h.Config(), line)
	if err != nil || st.Action == nil {
		t.Fatalf("%q: %v", line, err)
	}
	return st.Action
}

func do(t testing.TB, h *History, line string) int {
	t.Helper()
	n, err := h.Do(mustAction(t, h, line), nil)
	if err != nil {
		t.Fatalf("%q: %v", line, err)
	}
	return n
}

// replayState runs a script from scratch and returns its summary.
func replayState(t testing.TB, script string) string {
	t.Helper()
	res := Exec(mustParse(t, script), nil)
	if res.Err != nil {
		t.Fatalf("replay: %v\n%s", res.Err, script)
	}
	return res.Sim.Summary()
}

func TestHistorySeekUndoRedo(t *testing.T) {
	cl, _ := ParseCluster("cluster proposers=2 acceptors=3 seed=5")
	h := NewHistory(cl)
	do(t, h, "propose p1 X")
	if n := do(t, h, "deliver prepare p1->*"); n != 3 {
		t.Fatalf("deliver prepare took %d events", n)
	}
	do(t, h, "deliver promise *->p1")
	do(t, h, "run max=40 drop=0.1")
	end := h.End()
	final := h.State().Summary()
	// Every step seeks to the same state as a fresh replay of the
	// exported script up to it.
	for step := end; step >= 0; step-- {
		if err := h.Seek(step); err != nil {
			t.Fatal(err)
		}
		if h.State().Step() != step {
			t.Fatalf("seek %d: state at step %d", step, h.State().Step())
		}
		if got, want := h.State().Summary(), replayState(t, h.Script()); got != want {
			t.Fatalf("step %d: seek and replay differ:\n%s\nvs\n%s\nscript:\n%s", step, got, want, h.Script())
		}
	}
	if err := h.Undo(); err == nil {
		t.Fatal("undo before step 0 succeeded")
	}
	for h.Step() < end {
		if err := h.Redo(); err != nil {
			t.Fatal(err)
		}
	}
	if h.State().Summary() != final {
		t.Fatal("redo to the end does not restore the final state")
	}
	if err := h.Seek(end + 1); !errors.Is(err, ErrNoStep) {
		t.Fatalf("seek past the end: %v", err)
	}
}

func TestHistoryBranches(t *testing.T) {
	cl, _ := ParseCluster("cluster proposers=2 acceptors=3")
	h := NewHistory(cl)
	do(t, h, "propose p1 X")
	do(t, h, "deliver prepare p1->*") // steps 2..4
	do(t, h, "deliver promise *->p1")
	mainEnd := h.End()
	mainState := h.State().Summary()
	// Go back into the middle of the three deliveries and act: a branch.
	if err := h.Seek(3); err != nil {
		t.Fatal(err)
	}
	do(t, h, "propose p2 Y")
	if h.End() != 4 || h.Step() != 4 {
		t.Fatalf("new branch ends at %d (step %d), want 4", h.End(), h.Step())
	}
	br := h.Branches()
	if len(br) != 2 {
		t.Fatalf("branches: %+v", br)
	}
	var old Branch
	for _, b := range br {
		if !b.Current {
			old = b
		}
	}
	// Branches fork at action boundaries: the old branch leaves the new
	// one after step 1, where its three-message deliver starts.
	if old.End != mainEnd || old.Fork != 1 || old.First != "deliver prepare p1->*" {
		t.Fatalf("old branch: %+v", old)
	}
	// The branch's script keeps the first two deliveries as atomic ones.
	if want := "deliver #1\ndeliver #2\npropose p2 Y\n"; !strings.HasSuffix(h.Script(), want) {
		t.Fatalf("branch script:\n%s", h.Script())
	}
	if got := replayState(t, h.Script()); got != h.State().Summary() {
		t.Fatal("branch state differs from its script's replay")
	}
	// Switch back: the old branch is intact.
	if err := h.Switch(old.Tip); err != nil {
		t.Fatal(err)
	}
	if h.State().Summary() != mainState {
		t.Fatal("switching back does not restore the old branch")
	}
	// Redoing the recorded action from the past does not fork.
	h.Seek(1)
	do(t, h, "deliver prepare p1->*")
	if len(h.Branches()) != 2 || h.Step() != 4 || h.End() != mainEnd {
		t.Fatalf("redo of the same action forked: %+v", h.Branches())
	}
	// A run with nothing to do records nothing.
	h2 := NewHistory(cl)
	if _, err := h2.Do(mustAction(t, h2, "run"), nil); !errors.Is(err, ErrNothing) {
		t.Fatalf("empty run: %v", err)
	}
	// An impossible action is refused and changes nothing.
	if _, err := h.Do(mustAction(t, h, "deliver #999"), nil); !errors.Is(err, ErrAction) {
		t.Fatalf("impossible action: %v", err)
	}
}

// TestHistoryLongRunSeek: a long scheduler run in one action is still
// seekable into its middle (snapshots inside the action).
func TestHistoryLongRunSeek(t *testing.T) {
	cl, _ := ParseCluster("cluster proposers=2 acceptors=3 seed=9")
	h := NewHistory(cl)
	do(t, h, "propose p1 X")
	do(t, h, "propose p2 Y")
	do(t, h, "run max=2000 drop=0.05 dup=0.05")
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 20; i++ {
		step := r.IntN(h.End() + 1)
		if err := h.Seek(step); err != nil {
			t.Fatal(err)
		}
		if got, want := h.State().Summary(), replayState(t, h.Script()); got != want {
			t.Fatalf("step %d differs from replay", step)
		}
	}
}

func TestHistoryEvents(t *testing.T) {
	cl, _ := ParseCluster("cluster proposers=1 acceptors=3")
	h := NewHistory(cl)
	do(t, h, "propose p1 X")
	do(t, h, "deliver prepare p1->*")
	evs, err := h.Events(0, h.End())
	if err != nil || len(evs) != 4 {
		t.Fatalf("events: %d, %v", len(evs), err)
	}
	if evs[2].Act.Format(h.Config()) != "deliver #2" || evs[2].Step != 3 {
		t.Fatalf("event 3: %+v", evs[2])
	}
	if h.Step() != 4 {
		t.Fatal("Events moved the current step")
	}
}
