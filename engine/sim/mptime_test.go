package sim

import (
	"strings"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/i18n"
)

// TestMPTimeErrors: the time forms' script errors stop the run with exit
// 2, name what was wrong, and take no step.
func TestMPTimeErrors(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{"clock s1 rate=111", "within drift=10"},
		{"clock s1 rate=89", "within drift=10"},
		{"clock s1 rate=x", "within drift=10"},
		{"clock s1", "usage"},
		{"pause", "usage"},
		{"pause s9", "unknown node"},
		{"resume s1", "not paused"},
		{"pause s1\npause s1", "already paused"},
		{"crash s1\npause s1", "s1 is down"},
		{"pause c1\nput c1 x 1", "c1 is paused"},
		{"pause s1\ntimeout s1", "s1 is paused"},
		{"put c1 x 1\npause s1\ndeliver request", "wait for a paused node"},
		{"expect clock s1 1.234", "clock reading"},
		{"expect clock s1 -1", "clock reading"},
	} {
		src := "cluster multipaxos servers=3 clients=1 drift=10\n" + c.script
		sc, err := Parse("t", src)
		if err != nil {
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: parse error %q lacks %q", c.script, err, c.want)
			}
			continue
		}
		res := Exec(sc, nil)
		if res.ExitCode() != 2 || res.Err == nil || !strings.Contains(res.Err.Error(), c.want) {
			t.Errorf("%q: exit %d, error %v; want exit 2 naming %q", c.script, res.ExitCode(), res.Err, c.want)
			continue
		}
		if before := strings.Count(c.script, "\n"); res.MP.W.step > before {
			t.Errorf("%q: the failing line took a step (%d steps)", c.script, res.MP.W.step)
		}
	}
	for _, line := range []string{"cluster multipaxos drift=51", "cluster multipaxos drift=-1", "cluster multipaxos drift=x"} {
		if _, err := Parse("t", line+"\n"); err == nil || !strings.Contains(err.Error(), "drift") {
			t.Errorf("%q: want a drift error, got %v", line, err)
		}
	}
}

// TestMPClocks: clocks read true time until a rate is set; then each
// gains rate/100 per tick, exactly, including ticks that fire timers
// mid-way; a clone's clocks are its own.
func TestMPClocks(t *testing.T) {
	cl, err := ParseMPCluster("cluster multipaxos servers=3 clients=1 leader=s1 drift=20")
	if err != nil {
		t.Fatal(err)
	}
	s := NewMP(cl)
	s.W.Tick(3)
	if s.W.ClocksSet() || s.W.Clock(1) != 300 {
		t.Fatalf("before any rate: set=%v clock=%d, want false 300", s.W.ClocksSet(), s.W.Clock(1))
	}
	s.W.SetRate(0, 80, Action{Kind: ActProto, Text: "clock s1 rate=80"})
	s.W.SetRate(3, 120, Action{Kind: ActProto, Text: "clock c1 rate=120"})
	c := s.Clone()
	s.W.Tick(7) // heartbeats fire on the way
	for id, want := range map[int]int{0: 300 + 560, 1: 1000, 3: 300 + 840} {
		if got := s.W.Clock(id); got != want {
			t.Errorf("node %d clock %d, want %d", id, got, want)
		}
	}
	if got := c.W.Clock(0); got != 300 {
		t.Errorf("the clone's clock moved: %d", got)
	}
	if got := clockText(818); got != "8.18" {
		t.Errorf("clockText = %q", got)
	}
	if n, err := parseClock("8.1"); n != 810 || err != nil {
		t.Errorf("parseClock(8.1) = %d, %v", n, err)
	}
}

// TestMPPauseScheduler: while a node is paused the scheduler never
// delivers to it nor fires its timers, and run until=quiet ends with its
// mail waiting.
func TestMPPauseScheduler(t *testing.T) {
	cl, _ := ParseMPCluster("cluster multipaxos servers=3 clients=1 leader=s1 seed=7")
	s := NewMP(cl)
	pause := func(id int) { s.W.Pause(id, Action{Kind: ActProto, Text: "pause"}) }
	pause(1) // s2
	s.W.Trace = func(ev *WEvent[mp.Message, Narration]) {
		if ev.Msg.ID > 0 && ev.Act.Kind == ActDeliver && ev.Msg.To == 1 {
			t.Errorf("step %d delivered to paused s2", ev.Step)
		}
		for _, n := range ev.Notes {
			if n.Key == "note.mp.timer" && n.Args["node"] == "s2" {
				t.Errorf("step %d fired a timer of paused s2", ev.Step)
			}
		}
	}
	s.W.Run(500, UntilNone, 0, 0)
	if s.W.waiting(1) == 0 {
		t.Fatal("no mail waits for paused s2 after 500 events")
	}
	n := s.W.Run(500, UntilQuiet, 0, 0)
	if n >= 500 {
		t.Errorf("run until=quiet did not stop with only a paused node's mail in flight (%d events)", n)
	}
	s.W.Trace = nil
	s.W.Resume(1, Action{Kind: ActProto, Text: "resume"})
	if !s.W.Deliverable(s.W.IndexOf(firstTo(s, 1))) {
		t.Error("after resume s2's mail is still not deliverable")
	}
	if !i18n.Has("note.pause") || !i18n.Has("note.resume") || !i18n.Has("note.clock") {
		t.Error("time notes lack translations")
	}
}

func firstTo(s *MPSim, id int) int {
	for i := range s.W.inflight {
		if int(s.W.inflight[i].To) == id {
			return s.W.inflight[i].ID
		}
	}
	return -1
}
