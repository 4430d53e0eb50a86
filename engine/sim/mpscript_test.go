package sim

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/i18n"
)

// TestMPScriptErrors: the script errors of multipaxos.md §8 stop the run
// with exit 2, name what was wrong, and take no step.
func TestMPScriptErrors(t *testing.T) {
	for _, c := range []struct{ script, want string }{
		{"put c1 x 1\nput c1 x 2", "outstanding"},
		{"timeout c1", "no request outstanding"},
		{"crash s1\ntimeout s1", "s1 is down"},
		{"crash s1\ncrash s1", "crash: s1"},
		{"restart s1", "restart: s1"},
		{"crash c1", "not a server"},
		{"deliver accept", "no in-flight message matches"},
		{"put c1 x 1 to=c1", "not a server"},
		{"get c1 x via=fast", "read paths"},
		{"put c1 x 1 via=lease", "for get only"},
		{"put c1 x nil", "nil is not a value"},
		{"put c1 x a:b", "keys and values"},
		{"expect chosen 3 x", "usage"},
		{"expect vote s1 s=1", "usage"},
		{"expect violation fenced", "unknown invariant"},
		{"deliver accept b=1", "bad ballot"},
		{"propose s1 X", "unknown command"},
		{"expect learned s1 X", "usage"},
	} {
		src := "cluster multipaxos servers=3 clients=1\n" + c.script
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
		before := strings.Count(c.script, "\n") // the lines before the failing one took one step each at most
		if res.MP.W.step > before {
			t.Errorf("%q: the failing line took a step (%d steps)", c.script, res.MP.W.step)
		}
	}
	for _, line := range []string{
		"cluster multipaxos servers=0", "cluster multipaxos clients=10", "cluster multipaxos leader=c1",
		"cluster multipaxos window=0", "cluster multipaxos lease=1001", "cluster multipaxos reads=fast",
		"cluster multipaxos servers=3 servers=3", "cluster multipaxos bugs=no_such",
	} {
		if _, err := Parse("t", line+"\n"); err == nil {
			t.Errorf("%q: want a cluster error", line)
		}
	}
}

// TestMPScriptRandomNeverPanics runs random Multi-Paxos scripts, valid and
// not, under the seeded scheduler with faults: nothing panics, every run
// ends, and a correct cluster never breaks an invariant.
func TestMPScriptRandomNeverPanics(t *testing.T) {
	words := []string{
		"put c1 x 1", "put c2 y 2", "get c1 x", "cas c2 x 1 2", "put c1 x 3 to=s2",
		"timeout s1", "timeout s2", "timeout s3", "timeout c1", "timeout c2",
		"crash s1", "crash s2", "restart s1", "restart s2", "tick", "tick 5",
		"deliver *", "deliver accept", "drop reply", "dup commit", "deliver #3",
		"partition s1 c1 | *", "partition s3 | *", "heal", "run max=20", "run max=30 drop=0.1 dup=0.1",
		"expect safe", "expect inflight 2", "expect log s1 none", "deliver prepare b=1.1", "deliver accepted s=1",
	}
	r := rand.New(rand.NewPCG(7, 9))
	for i := range 200 {
		var sb strings.Builder
		sb.WriteString("cluster multipaxos servers=3 clients=2 seed=" + itoa(i))
		if i%2 == 0 {
			sb.WriteString(" leader=s1")
		}
		sb.WriteByte('\n')
		for range 30 {
			sb.WriteString(words[r.IntN(len(words))] + "\n")
		}
		sc, err := Parse("rand", sb.String())
		if err != nil {
			t.Fatalf("parse: %v", err)
		}
		var buf bytes.Buffer
		res := Exec(sc, &buf)
		if vs := res.MP.Checker().Violations(); len(vs) > 0 {
			t.Fatalf("a correct cluster broke %s:\n%s", vs[0].Describe(res.MP.Config()), sb.String())
		}
	}
}

// TestMPNarrationTranslated: every Multi-Paxos note kind (and each variant
// chosen by its N), every timer and every invariant has a text in the
// translation table, so no trace line falls back to a bare key.
func TestMPNarrationTranslated(t *testing.T) {
	for k := mp.NoteKind(1); k < mp.NumNoteKinds; k++ {
		variants := []int{0}
		switch k {
		case mp.NoteStepDown:
			variants = []int{mp.StepDownNack, mp.StepDownHeartbeat, mp.StepDownTimeout}
		case mp.NoteClientSend:
			variants = []int{mp.SendNew, mp.SendRedirect, mp.SendRetry}
		case mp.NoteLead:
			variants = []int{0, 1} // nothing to re-propose (N < Slot 1), slots 1..1
		case mp.NoteReadLocal:
			variants = []int{mp.ReadLease, mp.ReadIndex}
		}
		for _, v := range variants {
			for _, peer2 := range []mp.NodeID{0, mp.None} { // guards: for a leader, or the quiet period
				n := mpNarration(mp.DefaultConfig(3, 1, 0), &mp.Note{Kind: k, N: v, Slot: 1, Peer2: peer2})
				if !i18n.Has(n.Key) {
					t.Errorf("no translation for %s", n.Key)
				}
			}
		}
	}
	for k := mp.TimerKind(0); k < mp.NumTimerKinds; k++ {
		if !i18n.Has("mp.timer." + k.String()) {
			t.Errorf("no translation for timer %s", k)
		}
	}
	for _, inv := range mp.Invariants {
		if !i18n.Has("inv." + inv) {
			t.Errorf("no translation for invariant %s", inv)
		}
	}
	n := Narration{Key: "note.mp.timer", Args: map[string]string{"node": "s1", "timer@": "mp.timer.election"}}
	if got := n.Text(i18n.EN); got != "s1's election timer fires" {
		t.Errorf("Text = %q", got)
	}
	if got := n.Text(i18n.ZH); !strings.Contains(got, "选举") {
		t.Errorf("Text(zh) = %q", got)
	}
}
