package sim

import (
	"strings"
	"testing"

	"github.com/paxviz/paxviz/i18n"
)

// TestMPLockExpectWords: a lock client's belief and d1's store, as a
// lesson's goal says them (mplockwords.go), and what the state is instead,
// judged without reading a client as a server (one server: c1 is node 1).
func TestMPLockExpectWords(t *testing.T) {
	cl, err := ParseAnyCluster("cluster multipaxos servers=1 clients=2 leader=s1 app=lock ttl=10 timeout=30")
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewMPHistory(cl.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"acquire c1 f", "run until=quiet", "write c1 f A", "run until=quiet"} {
		if _, err := h.Do(line); err != nil {
			t.Fatal(line, err)
		}
	}
	for _, f := range []struct {
		line, want, got string
		ok              bool
	}{
		{"expect lease c1 f yes", "c1 believes it holds lock f", "its token for f is 1 (0: none), its belief runs until 15.00", true},
		{"expect lease c2 f no", "c2 does not believe it holds lock f", "its token for f is 0 (0: none), its belief runs until -", true},
		{"expect lease c2 f yes", "c2 believes it holds lock f", "c2's clock reads", false},
		{"expect stored f A", "d1 has f = A", "d1 has f = A, highest token 1", true},
		{"expect stored f B max=3", "d1 has f = B, highest token 3", "d1 has f = A, highest token 1", false},
		{"expect stored g nil", "d1 has g = nil", "d1 has g = nil, highest token 0", true},
	} {
		st, err := cl.ParseStmt(f.line)
		if err != nil {
			t.Fatalf("%s: %v", f.line, err)
		}
		key, args := cl.ExpectWords(&st)
		if got := i18n.Format(i18n.EN, key, args); got != f.want {
			t.Errorf("%s: said %q, want %q", f.line, got, f.want)
		}
		if zh := i18n.Format(i18n.ZH, key, args); strings.Contains(zh, "{") || !i18n.Has(key) {
			t.Errorf("%s: in Chinese %q", f.line, zh)
		}
		ok, gkey, gargs := h.EvalDetail(&st)
		if ok != f.ok {
			t.Errorf("%s: holds %v, want %v", f.line, ok, f.ok)
		}
		if got := i18n.Format(i18n.EN, gkey, gargs); !strings.Contains(got, f.got) {
			t.Errorf("%s: the state said as %q, want %q in it", f.line, got, f.got)
		}
		if zh := i18n.Format(i18n.ZH, gkey, gargs); strings.Contains(zh, "{") || !i18n.Has(gkey) {
			t.Errorf("%s: the state in Chinese %q", f.line, zh)
		}
	}
}
