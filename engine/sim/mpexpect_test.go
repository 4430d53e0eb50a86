package sim

import (
	"strings"
	"testing"

	"github.com/paxviz/paxviz/i18n"
)

// TestMPExpectWords: every Multi-Paxos expect form is said in words (a
// "want.*" key with every placeholder filled, in both languages), and its
// evaluation in a history agrees with the script's and is said in words
// too ("got.*").
func TestMPExpectWords(t *testing.T) {
	cl, err := ParseAnyCluster("cluster multipaxos servers=3 clients=2 leader=s1 lease=5 timeout=20")
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewMPHistory(cl.String())
	if err != nil {
		t.Fatal(err)
	}
	m := NewMachine(cl)
	for _, line := range []string{"put c1 x 1", "run until=quiet", "tick 2", "run until=quiet"} {
		st, err := cl.ParseStmt(line)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Do(line); err != nil {
			t.Fatal(line, err)
		}
		if _, err := m.Apply(&st); err != nil {
			t.Fatal(line, err)
		}
	}
	forms := []struct {
		line, want string
		ok         bool
	}{
		{"expect chosen s=1 c1.1", "c1.1 is chosen in slot 1", true},
		{"expect chosen s=2 none", "nothing is chosen in slot 2 yet", true},
		{"expect log s2 c1.1", "s2's log is c1.1", true},
		{"expect log s2 none", "s2 has decided no slot yet", false},
		{"expect value s3 x 2", "s3 has x = 2", false},
		{"expect reply c1 ok", "c1's latest response is ok", true},
		{"expect reply c1 ok id=c1.1", "c1's latest response, to c1.1, is ok", true},
		{"expect reply c2 none", "c2 has had no response yet", true},
		{"expect leader s1", "s1 leads", true},
		{"expect leader none", "no server leads", false},
		{"expect promised s2 1.1", "s2 has promised ballot 1.1", true},
		{"expect vote s3 s=1 1.1 c1.1", "s3 voted (1.1, c1.1) in slot 1", true},
		{"expect vote s3 s=2 none", "s3 has not voted in slot 2", true},
		{"expect lease s1 yes", "s1 holds a valid leader lease", true},
		{"expect lease s2 no", "s2 holds no valid leader lease", true},
		{"expect inflight 0", "0 messages are in flight", true},
		{"expect inflight 1 accept s1->s2", "1 messages matching accept s1->s2 are in flight", false},
		{"expect safe", "every invariant holds", true},
		{"expect violation linearizable", "the invariant linearizable is broken", false},
	}
	for _, f := range forms {
		st, err := cl.ParseStmt(f.line)
		if err != nil {
			t.Fatalf("%s: %v", f.line, err)
		}
		key, args := cl.ExpectWords(&st)
		if got := i18n.Format(i18n.EN, key, args); got != f.want {
			t.Errorf("%s: said %q, want %q", f.line, got, f.want)
		}
		if zh := i18n.Format(i18n.ZH, key, args); strings.Contains(zh, "{") || zh == key {
			t.Errorf("%s: in Chinese %q", f.line, zh)
		}
		ok, gkey, gargs := h.EvalDetail(&st)
		if mok, got := m.Eval(&st); ok != f.ok || mok != ok {
			t.Errorf("%s: holds %v in the history, %v in the machine (%s), want %v", f.line, ok, mok, got, f.ok)
		}
		for _, lg := range i18n.Langs {
			if s := i18n.Format(lg, gkey, gargs); !i18n.Has(gkey) || strings.Contains(s, "{") {
				t.Errorf("%s: the state said as %q (%s)", f.line, s, gkey)
			}
		}
	}
	// A single-decree cluster's expectations are the web's to say.
	sd, _ := ParseAnyCluster("cluster proposers=1 acceptors=3")
	st, _ := sd.ParseStmt("expect chosen X")
	if key, _ := sd.ExpectWords(&st); key != "" || st.Expect == nil || !st.IsExpect() {
		t.Errorf("single-decree: %q", key)
	}
	// An expectation is not an action.
	if _, err := m.Apply(&st); err == nil {
		t.Error("an expect line applied as an action")
	}
}
