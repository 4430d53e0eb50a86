package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// CompareLeaderCrash is the side-by-side page's first example.
const compareLeaderCrash = `compare servers=3 seed=7
at 0 put x 1
at 40 put y 2
at 60 put z 3
at 80 crash leader
at 82 put w 4
at 140 restart crashed
at 160 put v 5
run until=220
`

func runCompare(t *testing.T, text string, frames bool) *Comparison {
	t.Helper()
	sc, err := ParseCompare(text)
	if err != nil {
		t.Fatal(err)
	}
	c, err := RunCompare(sc, frames)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Same schedule, byte-identical output, frames included.
func TestCompareDeterministic(t *testing.T) {
	a, _ := json.Marshal(runCompare(t, compareLeaderCrash, true))
	b, _ := json.Marshal(runCompare(t, compareLeaderCrash, true))
	if !bytes.Equal(a, b) {
		t.Fatal("same schedule, different output")
	}
	if !strings.Contains(string(a), `"frames"`) {
		t.Fatal("no frames")
	}
}

// Raft's steady state costs 2(N−1) messages per command (append and
// appendreply to each follower; the commit index rides on the next
// append), and 2 message delays.
func TestCompareRaftSteadyCost(t *testing.T) {
	for _, n := range []int{3, 5} {
		text := fmt.Sprintf("compare servers=%d seed=3\n", n)
		for i := range 8 {
			text += fmt.Sprintf("at %d put k%d v\n", 40+25*i, i)
		}
		text += "run until=300\n"
		c := runCompare(t, text, false)
		r := c.Raft.Metrics
		if r.Committed != 8 || r.Steady.Commands < 4 {
			t.Fatalf("servers=%d: raft committed %d, %d in steady state", n, r.Committed, r.Steady.Commands)
		}
		// The replies beyond the majority arrive after the commit and
		// count towards their own command.
		if r.SteadyMin != 2*(n-1) {
			t.Errorf("servers=%d: raft steady state: fewest messages per command %d, want %d", n, r.SteadyMin, 2*(n-1))
		}
		if r.Elections != 1 || r.Won != 1 || r.MovedInVotes != 0 || r.Restamped != 0 {
			t.Errorf("servers=%d: raft without faults: %+v", n, r)
		}
		if m := c.MP.Metrics; m.Committed != 8 || m.SteadyMin <= 2*(n-1) {
			t.Errorf("servers=%d: multipaxos committed %d, fewest steady messages %d (accept, accepted and commit: more than Raft's %d)", n, m.Committed, m.SteadyMin, 2*(n-1))
		}
	}
}

// A leader crash makes both protocols elect again, and every command
// still commits once a leader is back.
func TestCompareLeaderCrash(t *testing.T) {
	c := runCompare(t, compareLeaderCrash, true)
	for _, s := range []CompareSide{c.MP, c.Raft} {
		m := s.Metrics
		if m.Won < 2 || m.Elections < m.Won {
			t.Errorf("%s: won %d of %d elections: the crash of the leader should force a second", s.Protocol, m.Won, m.Elections)
		}
		if m.Committed != 5 || m.Commands != 5 {
			t.Errorf("%s: %d of %d commands committed", s.Protocol, m.Committed, m.Commands)
		}
		if m.LeaderlessTicks == 0 || m.Change.Commands == 0 {
			t.Errorf("%s: no leaderless ticks or no leader-change command: %+v", s.Protocol, m)
		}
		if s.Violations != 0 {
			t.Errorf("%s: %d violations", s.Protocol, s.Violations)
		}
		// At tick 81 the old leader is down in the frames.
		var f *CompareFrame
		for i := range s.Frames {
			if s.Frames[i].Tick <= 81 {
				f = &s.Frames[i]
			}
		}
		down := 0
		for _, sv := range f.Servers {
			if !sv.Up {
				down++
			}
		}
		if down != 1 {
			t.Errorf("%s: %d servers down at tick 81", s.Protocol, down)
		}
	}
	if c.Raft.Metrics.MovedInVotes != 0 || c.Raft.Metrics.Restamped != 0 {
		t.Errorf("raft moves no entries in votes and keeps terms: %+v", c.Raft.Metrics)
	}
}

func TestCompareErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"", "compare servers=N"},
		{"cluster raft\nrun until=3", "compare servers=N"},
		{"compare servers=12\nrun until=3", "servers=12"},
		{"compare servers=3 colour=1\nrun until=3", `unknown key "colour"`},
		{"compare servers=3\nat 5 put x", "usage: at T put K V"},
		{"compare servers=3\nat 5 crash s4\nrun until=9", "crash s4"},
		{"compare servers=3\nat 5 heal\nat 4 heal\nrun until=9", "must not decrease"},
		{"compare servers=3\nat 5 heal", "must end with `run until=T`"},
		{"compare servers=3\nrun until=99999", "1..2000"},
		{"compare servers=3\nat 50 heal\nrun until=40", "not before run until=40"},
		{"compare servers=3\nat 5 partition s1 | s9\nrun until=9", `"s9"`},
		{"compare servers=3\nat 5 jump\nrun until=9", `unknown action "jump"`},
		{strings.Repeat("#", CompareMaxText+1), "bytes"},
	} {
		_, err := ParseCompare(tc.text)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.want)
		}
	}
}

// A long run with a flapping network ends within the event budget with an
// error or a result, never a hang; the largest allowed run stays bounded.
func TestCompareBudget(t *testing.T) {
	text := "compare servers=7 seed=1\n"
	for i := range 60 {
		text += fmt.Sprintf("at %d partition leader | *\nat %d heal\n", 30*i+10, 30*i+25)
	}
	text += "run until=2000\n"
	sc, err := ParseCompare(text)
	if err != nil {
		t.Fatal(err)
	}
	c, err := RunCompare(sc, false)
	if err != nil {
		if !strings.Contains(err.Error(), "events before tick") {
			t.Fatal(err)
		}
		return
	}
	if c.MP.Steps > CompareMaxEvents+2 || c.Raft.Steps > CompareMaxEvents+2 {
		t.Fatalf("steps %d %d over the budget", c.MP.Steps, c.Raft.Steps)
	}
}

// Every ready example parses, runs without a violation, and commits all
// its commands on both protocols.
func TestCompareExamples(t *testing.T) {
	for _, ex := range CompareExamples {
		c := runCompare(t, ex.Text, false)
		for _, s := range []CompareSide{c.MP, c.Raft} {
			if s.Violations != 0 || s.Metrics.Committed != s.Metrics.Commands || s.Metrics.Won < 1 {
				t.Errorf("%s/%s: %+v, %d violations", ex.Name, s.Protocol, s.Metrics, s.Violations)
			}
		}
		t.Logf("%s\n%s", ex.Name, FormatCompare(c))
	}
}

// Ticks that pass with nothing in flight count as leaderless too (before
// any election, no server leads; the driver then ticks in one go).
func TestCompareLeaderlessIdle(t *testing.T) {
	c := runCompare(t, "compare servers=3\nat 5 crash s1\nrun until=8\n", false)
	for _, s := range []CompareSide{c.MP, c.Raft} {
		if s.Metrics.LeaderlessTicks != 8 {
			t.Errorf("%s: %d leaderless ticks, want 8", s.Protocol, s.Metrics.LeaderlessTicks)
		}
	}
}
