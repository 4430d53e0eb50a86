package sim

import (
	"os"
	"strings"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	rf "github.com/paxviz/paxviz/engine/raft"
)

// mpHistoryFrom replays the action lines of a golden script into a history.
func mpHistoryFrom(t *testing.T, file string) *MPHistory {
	t.Helper()
	src, err := os.ReadFile("testdata/multipaxos/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var h *MPHistory
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(StripComment(line))
		if line == "" || strings.HasPrefix(line, "expect") {
			continue
		}
		if h == nil {
			if h, err = NewMPHistory(line); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := h.Do(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	return h
}

// The cost counters answer the article's question in numbers: with phase 1
// skipped a command costs two message delays, after a leader change four.
func TestMPHistoryCost(t *testing.T) {
	for _, tc := range []struct {
		file           string
		delays, change int
	}{
		{"m1-steady-state.pxs", 2, 0},
		{"m1-with-phase1.pxs", 4, 1},
		{"m2-leader-change.pxs", 4, 1},
	} {
		h := mpHistoryFrom(t, tc.file)
		_, v := h.View()
		if v.Change.Commands != tc.change || len(v.Recent) == 0 {
			t.Fatalf("%s: change=%d recent=%v", tc.file, v.Change.Commands, v.Recent)
		}
		if got := v.Recent[len(v.Recent)-1].Delays; got != tc.delays {
			t.Errorf("%s: last command took %d delays, want %d (%+v)", tc.file, got, tc.delays, v.Recent)
		}
	}
}

// Undo, redo, goto, a branch and its script replay to the same view.
func TestMPHistoryBranches(t *testing.T) {
	h := mpHistoryFrom(t, "m2-leader-change.pxs")
	end := h.End()
	g0, v0 := h.View()
	if len(v0.Servers) != 3 || v0.Slots != 2 || v0.Chosen[1] != "c2.1:put:y:2" || len(g0.Violations) != 0 {
		t.Fatalf("view: %+v %+v", g0, v0)
	}
	if !v0.Servers[2].Leader || v0.Servers[2].Log[1].State != "executed" || !v0.Servers[2].Log[1].Chosen {
		t.Fatalf("s3: %+v", v0.Servers[2])
	}
	script := h.Script()
	if err := h.Undo(); err != nil || h.Step() >= end {
		t.Fatalf("undo: %v at %d", err, h.Step())
	}
	if err := h.Redo(); err != nil || h.Step() != end {
		t.Fatalf("redo: %v at %d", err, h.Step())
	}
	if err := h.Seek(3); err != nil || h.Step() > 3 {
		t.Fatalf("seek: %v at %d", err, h.Step())
	}
	if _, err := h.Do("tick 5"); err != nil {
		t.Fatal(err)
	}
	bs := h.Branches()
	if len(bs) != 2 || !bs[1].Current || bs[0].First == "" {
		t.Fatalf("branches: %+v", bs)
	}
	if err := h.Switch(bs[0].Tip); err != nil || h.Step() != end || h.Script() != script {
		t.Fatalf("switch: %v at %d\n%s", err, h.Step(), h.Script())
	}
	g1, v1 := h.View()
	if g1.Step != g0.Step || len(v1.Recent) != len(v0.Recent) || v1.Servers[2].Log[1] != v0.Servers[2].Log[1] {
		t.Fatalf("after switch the view differs")
	}
	evs, err := h.Events(0, h.End())
	if err != nil || len(evs) != h.End() {
		t.Fatalf("events: %d, %v", len(evs), err)
	}
	if _, err := h.Do("expect safe"); err == nil {
		t.Fatal("an expect line was taken")
	}
	if _, err := h.Do("deliver #999"); err == nil {
		t.Fatal("a missing message was delivered")
	}
}

// TestViewInvariantPanel: the Multi-Paxos and Raft views mark each broken
// invariant in the safety panel with the step and text of its first
// violation (less its "NAME broken at step N: " prefix), keep the others OK, and list the
// broken ones among the state's violations, in the panel's order.
func TestViewInvariantPanel(t *testing.T) {
	mg, mv := mpHistoryFrom(t, "bug-skip_phase1.pxs").View()
	rg, rv := raftHistoryFrom(t, "bug-forget_vote.pxs", "").View()
	for _, c := range []struct {
		what   string
		g      StateJSON
		panel  []MPInvariant
		broken []string
		names  []string
	}{
		{"multipaxos", mg, mv.Invariants, []string{"agreement"}, mp.Invariants},
		{"raft", rg, rv.Invariants, []string{"election-safety", "one-vote-per-term"}, rf.Invariants},
	} {
		if len(c.panel) != len(c.names) {
			t.Fatalf("%s: %d invariants in the panel, want %d", c.what, len(c.panel), len(c.names))
		}
		var broken []string
		for i, inv := range c.panel {
			if inv.Name != c.names[i] {
				t.Errorf("%s: panel row %d is %s, want %s", c.what, i, inv.Name, c.names[i])
			}
			if inv.OK {
				if inv.Step != 0 || inv.Text != "" {
					t.Errorf("%s: %+v holds but has a step or text", c.what, inv)
				}
				continue
			}
			if inv.Step <= 0 || inv.Text == "" || strings.HasPrefix(inv.Text, inv.Name) || strings.Contains(inv.Text, "broken at step") {
				t.Errorf("%s: %+v should be broken at a step, with its text", c.what, inv)
			}
			d := c.g.ViolationDetail[len(broken)]
			if d.Invariant != inv.Name || d.Step != inv.Step || d.Args["text"] != inv.Text {
				t.Errorf("%s: violation %+v, want %+v", c.what, d, inv)
			}
			broken = append(broken, inv.Name)
		}
		if strings.Join(broken, " ") != strings.Join(c.broken, " ") || strings.Join(c.g.Violations, " ") != strings.Join(c.broken, " ") || len(c.g.ViolationDetail) != len(c.broken) {
			t.Errorf("%s: broken %v, violations %v, want %v", c.what, broken, c.g.Violations, c.broken)
		}
	}
}
