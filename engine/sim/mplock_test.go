package sim

import (
	"os"
	"strings"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/i18n"
)

// TestMPLockScriptErrors: the lock forms' script errors exit 2 and name
// what was wrong.
func TestMPLockScriptErrors(t *testing.T) {
	lock := "cluster multipaxos servers=3 clients=2 leader=s1 app=lock\n"
	for _, c := range []struct{ src, want string }{
		{"cluster multipaxos servers=3 clients=1\nacquire c1 f", "app=lock"},
		{"cluster multipaxos servers=3 clients=1 ttl=5\n", "ttl= is the lock lease"},
		{"cluster multipaxos servers=3 clients=1 app=chubby\n", "app=chubby"},
		{"cluster multipaxos servers=3 clients=1 app=lock ttl=0\n", "ttl=0"},
		{lock + "renew c1 f", "no token"},
		{lock + "release c1 f", "no token"},
		{lock + "write c1 f A", "does not believe"},
		{lock + "acquire s1 f", "not a client"},
		{lock + "acquire c1 f:g", "keys and values"},
		{lock + "acquire c1", "usage"},
		{lock + "write c1 f", "usage"},
		{lock + "expect lease c1 f maybe", "usage"},
		{lock + "expect stored f", "usage"},
		{lock + "expect stored f A max=x", "bad token"},
		{lock + "acquire c1 f\nacquire c1 g", "outstanding"},
		{lock + "pause c1\nacquire c1 f", "paused"},
		{lock + "crash d1", "not a server"},
	} {
		sc, err := Parse("t", c.src)
		if err != nil {
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("%q: parse error %q lacks %q", c.src, err, c.want)
			}
			continue
		}
		res := Exec(sc, nil)
		if res.ExitCode() != 2 || res.Err == nil || !strings.Contains(res.Err.Error(), c.want) {
			t.Errorf("%q: exit %d, error %v; want exit 2 naming %q", c.src, res.ExitCode(), res.Err, c.want)
		}
	}
}

// TestMPLockClusterLine: app=lock round-trips through the canonical cluster
// line with its ttl (default 10), and a kv line prints as before.
func TestMPLockClusterLine(t *testing.T) {
	cl, err := ParseMPCluster("cluster multipaxos servers=3 clients=2 app=lock")
	if err != nil {
		t.Fatal(err)
	}
	if !cl.Lock || cl.TTL != mp.DefaultTTL || !strings.Contains(cl.String(), " app=lock ttl=10 ") {
		t.Fatalf("cluster %+v prints %q", cl, cl.String())
	}
	again, err := ParseMPCluster(cl.String())
	if err != nil || again != cl {
		t.Fatalf("round trip: %+v, %v", again, err)
	}
	kv, _ := ParseMPCluster("cluster multipaxos servers=3 clients=2 app=kv")
	if strings.Contains(kv.String(), "app=") {
		t.Errorf("a kv cluster prints %q", kv.String())
	}
	s := NewMP(cl)
	if s.p.cfg.Nodes() != 6 || s.p.Name(5) != "d1" || s.p.cfg.IsClient(5) || !s.p.Up(5) {
		t.Errorf("d1: nodes %d, name %q, client %v, up %v", s.p.cfg.Nodes(), s.p.Name(5), s.p.cfg.IsClient(5), s.p.Up(5))
	}
	if j := s.StateJSON(); len(j.Nodes) != 6 || j.Nodes[5].Role != "data" {
		t.Errorf("--json nodes: %+v", j.Nodes)
	}
}

// TestMPLockRenewAndRetry: a client renews on its own every ttl/3 while it
// believes, which keeps the lock from expiring; a retried acquire keeps the
// clock reading of its first send (t0), so a slow answer shortens the
// belief rather than restarting it.
func TestMPLockRenewAndRetry(t *testing.T) {
	src := `cluster multipaxos servers=3 clients=1 leader=s1 app=lock ttl=9 timeout=20 heartbeat=5 seed=3
acquire c1 f
drop request
tick 4
timeout c1
deliver request c1->s2
deliver reply s2->c1
deliver request c1->s1
deliver accept s1->s2
deliver accepted s2->s1
deliver reply s1->c1
expect reply c1 tok:1
expect lease c1 f yes
tick 5
expect lease c1 f no
`
	sc, err := Parse("t", src)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	res := Exec(sc, &sb)
	if res.ExitCode() != 0 {
		t.Fatalf("exit %d: %v\n%s", res.ExitCode(), res.Err, sb.String())
	}
	// t0 = 0 (the first send), span 9: the belief ends at 9.00 though
	// the answer came after the retry at time 4.
	b := res.MP.p.st.Lock.Belief(1, "f")
	if b.Token != 1 || b.Until != 900 {
		t.Errorf("belief %+v, want token 1 until 900", b)
	}

	renew := "cluster multipaxos servers=3 clients=1 leader=s1 app=lock ttl=30 timeout=100 heartbeat=3 seed=3\nacquire c1 f\n" +
		strings.Repeat("tick\nrun until=quiet\n", 30) + "expect lease c1 f yes\nexpect safe\n"
	sc, err = Parse("t", renew)
	if err != nil {
		t.Fatal(err)
	}
	sb.Reset()
	res = Exec(sc, &sb)
	if res.ExitCode() != 0 {
		t.Fatalf("exit %d: %v\n%s", res.ExitCode(), res.Err, sb.String())
	}
	log := strings.Join(res.MP.logWords(0), " ")
	if strings.Contains(log, "expire") || strings.Count(log, ":renew:f:1") < 3 {
		t.Errorf("s1's log %s: want renewals and no expire", log)
	}
	if !strings.Contains(sb.String(), "renews its lease on the lock") {
		t.Error("no renew narrated")
	}
}

// TestMPLockNarrationTranslated: the lock service's variants of shared
// notes and its timer have texts.
func TestMPLockNarrationTranslated(t *testing.T) {
	n := mpNarration(mp.DefaultConfig(3, 1, 0), &mp.Note{Kind: mp.NoteClientSend, N: mp.SendRenew})
	if !i18n.Has(n.Key) {
		t.Errorf("no translation for %s", n.Key)
	}
	if !i18n.Has("mp.timer." + mp.TimerName(mp.TimerRenew, true)) {
		t.Error("no translation for the renew timer")
	}
}

// TestMPLockView: the browser's view of a lock cluster plays M9 (the
// counters observe lock commands and stores) and shows d1 as a node of
// its own, neither server nor client.
func TestMPLockView(t *testing.T) {
	src, err := os.ReadFile("testdata/multipaxos/m9-fencing.pxs")
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
	g, v := h.View()
	if len(g.Nodes) != 6 || g.Nodes[5].Name != "d1" || g.Nodes[5].Role != "data" || len(v.Servers) != 3 || len(v.Clients) != 2 {
		t.Errorf("nodes %+v, %d servers, %d clients", g.Nodes, len(v.Servers), len(v.Clients))
	}
	if h.Violations() != 0 {
		t.Errorf("%d violations", h.Violations())
	}
}
