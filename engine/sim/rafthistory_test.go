package sim

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// raftHistoryFrom replays the action lines of a Raft golden script into a
// history, stopping before line stop (0: all). Each expectation is checked
// against the history's current state, so the facade replays the goldens
// exactly as paxviz run does.
func raftHistoryFrom(t *testing.T, file string, stop string) *RaftHistory {
	t.Helper()
	src, err := os.ReadFile("testdata/raft/" + file)
	if err != nil {
		t.Fatal(err)
	}
	var h *RaftHistory
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(StripComment(line))
		if line == "" {
			continue
		}
		if stop != "" && line == stop {
			break
		}
		if h == nil {
			if h, err = NewRaftHistory(line); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if strings.HasPrefix(line, "expect") {
			st, err := parseStmt(&raftLang{cfg: h.Sim().Config()}, line)
			if err != nil {
				t.Fatal(err)
			}
			if ok, got := h.Sim().eval(st.Expect); !ok {
				t.Fatalf("%s: %s at step %d: %s", file, line, h.Step(), got)
			}
			continue
		}
		if _, err := h.Do(line); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	return h
}

// Every Raft golden replays through the facade with its expectations
// holding, and its events are one per step.
func TestRaftHistoryGoldens(t *testing.T) {
	files, _ := os.ReadDir("testdata/raft")
	n := 0
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".pxs") {
			continue
		}
		n++
		h := raftHistoryFrom(t, f.Name(), "")
		evs, err := h.Events(0, h.End())
		if err != nil || len(evs) != h.End() {
			t.Fatalf("%s: %d events for %d steps, %v", f.Name(), len(evs), h.End(), err)
		}
	}
	if n < 11 {
		t.Fatalf("only %d Raft scripts", n)
	}
}

// Figure 8 (c): B of term 2 sits on a majority (s1, s2, s3) under leader s1
// of term 4, and the view shows the commit point stopped below it; after
// (d) s5 leads term 5 and C has replaced B.
func TestRaftViewFigure8(t *testing.T) {
	h := raftHistoryFrom(t, "r6-figure8.pxs", "propose s1 D")
	_, v := h.View()
	s1 := v.Servers[0]
	if s1.Role != "leader" || s1.Term != 4 || s1.Commit >= 2 || len(s1.Log) != 2 || s1.Log[1] != (RaftEntryView{2, "B"}) {
		t.Fatalf("s1 at (c): %+v", s1)
	}
	for _, i := range []int{1, 2} {
		if sv := v.Servers[i]; len(sv.Log) != 2 || sv.Log[1].Term != 2 || sv.Commit > 1 {
			t.Fatalf("%s at (c): %+v", sv.Name, sv)
		}
	}
	if len(v.Committed) != 1 || v.Committed[0].Value != "A" {
		t.Fatalf("committed at (c): %+v", v.Committed)
	}
	if len(s1.Peers) != 4 || s1.Peers[1].Name != "s3" || s1.Peers[1].Match != 2 || s1.Peers[1].Next != 3 {
		t.Fatalf("s1's peers: %+v", s1.Peers)
	}
	if v.Servers[4].Up || v.MaxTerm != 4 {
		t.Fatalf("s5 should be down at (c): %+v", v.Servers[4])
	}
	if s1.Timer == nil || s1.Timer.Kind != "heartbeat" || s1.Timer.Full != 3 {
		t.Fatalf("a leader's timer is its heartbeat: %+v", s1.Timer)
	}
	if tm := v.Servers[1].Timer; tm == nil || tm.Kind != "election" || tm.Left <= 0 || tm.Left > tm.Full || tm.Full != v.ElectionMax {
		t.Fatalf("s2's election timer: %+v", tm)
	}

	h = raftHistoryFrom(t, "r6-figure8.pxs", "")
	g, v := h.View()
	if v.Servers[4].Role != "leader" || v.Servers[4].Term != 5 || v.Servers[2].Log[1] != (RaftEntryView{3, "C"}) {
		t.Fatalf("after (d): %+v", v.Servers)
	}
	if len(g.Violations) != 0 || len(v.Invariants) != 7 || !v.Invariants[0].OK {
		t.Fatalf("invariants: %+v", v.Invariants)
	}
	if c := v.Counters; c.Won != 5 || c.Elections != 7 {
		t.Fatalf("counters: %+v", c)
	}
}

// The commit_old_term bug breaks leader-completeness, and the view says
// which invariant and at which step.
func TestRaftViewViolation(t *testing.T) {
	h := raftHistoryFrom(t, "bug-commit_old_term.pxs", "")
	g, v := h.View()
	if len(g.Violations) == 0 || g.Bugs[0] != "commit_old_term" {
		t.Fatalf("violations %v bugs %v", g.Violations, g.Bugs)
	}
	found := false
	for _, inv := range v.Invariants {
		if inv.Name == "leader-completeness" {
			found = !inv.OK && inv.Step > 0 && inv.Text != ""
		}
	}
	if !found {
		t.Fatalf("leader-completeness not reported: %+v", v.Invariants)
	}
}

// Undo, redo, goto, a branch, a switch back and the script replay to the
// same view; events, expectations and bad lines behave as MPHistory's.
func TestRaftHistoryBranches(t *testing.T) {
	h := raftHistoryFrom(t, "r1-happy-path.pxs", "")
	end := h.End()
	view := func() string {
		g, v := h.View()
		b, err := json.Marshal([]any{g, v})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	v0 := view()
	script := h.Script()
	if err := h.Undo(); err != nil || h.Step() >= end {
		t.Fatalf("undo: %v at %d", err, h.Step())
	}
	if err := h.Redo(); err != nil || h.Step() != end || view() != v0 {
		t.Fatalf("redo: %v at %d", err, h.Step())
	}
	if err := h.Seek(4); err != nil || h.Step() != 4 {
		t.Fatalf("seek: %v at %d", err, h.Step())
	}
	_, v3 := h.View() // s1 has s2's vote
	if v3.Servers[0].Role != "leader" || v3.Servers[0].Term != 1 {
		t.Fatalf("at step 3 s1 leads t1: %+v", v3.Servers[0])
	}
	if _, err := h.Do("crash s1"); err != nil {
		t.Fatal(err)
	}
	bs := h.Branches()
	if len(bs) != 2 || !bs[1].Current || bs[0].First == "" || bs[0].Fork != 4 {
		t.Fatalf("branches: %+v", bs)
	}
	if err := h.Switch(bs[0].Tip); err != nil || h.Step() != end || h.Script() != script || view() != v0 {
		t.Fatalf("switch: %v at %d\n%s", err, h.Step(), h.Script())
	}
	// The script rebuilds the same state.
	h2 := &RaftHistory{}
	var err error
	for i, line := range strings.Split(strings.TrimSpace(script), "\n") {
		if i == 0 {
			if h2, err = NewRaftHistory(line); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := h2.Do(line); err != nil {
			t.Fatal(err)
		}
	}
	g2, v2 := h2.View()
	b2, _ := json.Marshal([]any{g2, v2})
	if string(b2) != v0 {
		t.Fatalf("script replay differs:\n%s\n%s", b2, v0)
	}
	// Doing the next recorded action from the past moves along the branch.
	if err := h.Seek(0); err != nil {
		t.Fatal(err)
	}
	evs, err := h.Do("timeout s1")
	if err != nil || len(evs) != 1 || len(h.Branches()) != 2 || evs[0].Node != "s1" || len(evs[0].Sent) != 2 {
		t.Fatalf("redo by line: %v %+v", err, evs)
	}
	if evs[0].Sent[0].Msg.Type != "requestvote" || evs[0].Sent[0].Msg.Ballot != "t1" || evs[0].Notes[0].Key != "note.raft.election" {
		t.Fatalf("event: %+v", evs[0])
	}
	for _, bad := range []string{"expect safe", "deliver #999", "propose s9 X", "propose s1 noop", "bogus"} {
		if _, err := h.Do(bad); err == nil {
			t.Errorf("%q was taken", bad)
		}
	}
	if err := h.Seek(end + 1); err == nil {
		t.Error("seek past the end")
	}
	if _, err := NewRaftHistory("cluster raft servers=12"); err == nil {
		t.Error("12 servers accepted")
	}
}

// A split vote (R2) counts two elections and no win in term 1.
func TestRaftCounters(t *testing.T) {
	h := raftHistoryFrom(t, "r2-split-vote.pxs", "tick 10")
	if c := h.Counters(); c.Elections != 2 || c.Won != 0 || c.Messages != 10 {
		t.Fatalf("split vote: %+v", c)
	}
	if _, err := h.Do("tick 10"); err != nil {
		t.Fatal(err)
	}
	if c := h.Counters(); c.Elections != 3 || c.LeaderlessTick != 10 {
		t.Fatalf("after tick: %+v", c)
	}
}
