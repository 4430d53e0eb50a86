package sim

import (
	goparser "go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestBugNamesPerProtocol(t *testing.T) {
	for _, c := range []struct {
		proto string
		has   []string
		not   string
	}{
		{ProtoPaxos, []string{"no_adopt", "half_quorum", "count_duplicates"}, "skip_phase1"},
		{"paxos", []string{"ballot_reuse"}, "commit_old_term"},
		{ProtoMultiPaxos, []string{"skip_phase1", "no_dedup", "no_adopt"}, "half_quorum"},
		{ProtoRaft, []string{"commit_old_term", "keep_commit"}, "no_adopt"},
	} {
		names := BugNames(c.proto)
		for _, n := range c.has {
			if !slices.Contains(names, n) || !KnownBug(c.proto, n) {
				t.Errorf("%q: %s missing from %v", c.proto, n, names)
			}
		}
		if KnownBug(c.proto, c.not) {
			t.Errorf("%q: %s is another protocol's bug", c.proto, c.not)
		}
		if len(InvariantNames(c.proto)) == 0 {
			t.Errorf("%q: no invariants", c.proto)
		}
	}
	if BugNames("zab") != nil || KnownBug("zab", "no_adopt") {
		t.Error("an unknown protocol has bugs")
	}
	// The script parser and BugNames agree.
	for _, p := range Protocols {
		for _, b := range BugNames(p) {
			line := "cluster proposers=2 acceptors=3 bugs=" + b
			if p != ProtoPaxos {
				line = "cluster " + p + " bugs=" + b
			}
			if _, err := Parse("t", line+"\n"); err != nil {
				t.Errorf("%s: %v", line, err)
			}
		}
	}
}

func TestClusterWithBug(t *testing.T) {
	cl := Cluster{Proposers: 2, Acceptors: 3, Learners: 1, Seed: 1, TimeoutTicks: 10}
	cl, ok := cl.WithBug("half_quorum")
	if !ok {
		t.Fatal("half_quorum refused")
	}
	cl, ok = cl.WithBug("no_adopt")
	if !ok || !slices.Equal(cl.BugList(), []string{"no_adopt", "half_quorum"}) {
		t.Fatalf("bugs %v", cl.BugList())
	}
	if _, ok := cl.WithBug("skip_phase1"); ok {
		t.Error("a Multi-Paxos bug accepted on a single-decree cluster")
	}
	if !strings.Contains(cl.String(), "bugs=no_adopt,half_quorum") {
		t.Errorf("cluster line %q", cl)
	}
}

func TestFrontEndHelpers(t *testing.T) {
	cl, _ := ParseCluster("cluster proposers=1 acceptors=3")
	s := New(cl)
	var evs []*Event
	s.Trace = func(ev *Event) { evs = append(evs, ev) }
	p := NewCommandParser(cl)
	for _, line := range []string{"propose p1 X", "deliver prepare p1->a2", "crash a3", "tick"} {
		st, err := p.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(st.Action); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, ev := range evs {
		got = append(got, s.EventNode(ev))
	}
	if want := []string{"p1", "a2", "a3", ""}; !slices.Equal(got, want) {
		t.Errorf("event nodes %v, want %v", got, want)
	}
	if _, err := p.Parse("propose a1 X"); err == nil || !strings.Contains(err.Error(), "a1 is not a proposer") {
		t.Errorf("propose a1: %v", err)
	}
	for line, want := range map[string]string{
		"expect chosen none":              "want.chosen_none",
		"expect learned l1 X":             "want.learned",
		"expect inflight 2 accept p1->*":  "want.inflight_sel",
		"expect violation agreement":      "want.violation",
		"expect promised a1 none":         "want.promised_none",
		"expect accepted a2 1.1 X":        "want.accepted",
		"expect phase p1 accepting":       "want.phase",
		"expect safe":                     "want.safe",
		"expect violation":                "want.violation_any",
		"expect proposed p1 X":            "want.proposed",
		"expect accepted a1 none":         "want.accepted_none",
		"expect inflight 0":               "want.inflight",
		"expect learned l1 none":          "want.learned_none",
		"expect chosen X":                 "want.chosen",
		"expect promised a1 1.1":          "want.promised",
		"expect inflight 1 #3":            "want.inflight_sel",
		"expect violation learned-chosen": "want.violation",
	} {
		st, err := p.Parse(line)
		if err != nil {
			t.Fatal(err)
		}
		key, args := s.Want(st.Expect)
		if key != want {
			t.Errorf("%s: %s, want %s", line, key, want)
		}
		if strings.HasSuffix(key, "_sel") && args["sel"] == "" {
			t.Errorf("%s: no selector in %v", line, args)
		}
	}
}

func TestViolationNote(t *testing.T) {
	sc, err := Parse("t", "cluster proposers=2 acceptors=4 bugs=half_quorum\npropose p1 X\nrun max=200\npropose p2 Y\nrun max=400\n")
	if err != nil {
		t.Fatal(err)
	}
	s := New(sc.Cluster)
	var found []string
	notes := 0
	s.Trace = func(ev *Event) {
		for i := range ev.Notes {
			notes++
			if inv := ViolationNote(&ev.Notes[i]); inv != "" {
				found = append(found, inv)
			}
		}
	}
	for _, st := range sc.Stmts {
		if _, err := s.Apply(st.Action); err != nil {
			t.Fatal(err)
		}
	}
	if notes == 0 {
		t.Fatal("no notes")
	}
	var broken []string
	for _, v := range s.Violations() {
		broken = append(broken, v.Invariant)
	}
	if !slices.Equal(found, broken) {
		t.Errorf("violation notes %v, violations %v", found, broken)
	}
}

// TestFrontEndsNameNoProtocol: web and cmd see the world's generic types
// only (architecture.md "Who may name a protocol"); only sim and check/
// import a protocol package. The files listed in pending are other
// branches' work in progress and are switched there.
func TestFrontEndsNameNoProtocol(t *testing.T) {
	pending := map[string]bool{"web/gallery.go": true}
	protocol := func(path string) bool {
		return path == "github.com/paxviz/paxviz/engine" || strings.HasPrefix(path, "github.com/paxviz/paxviz/engine/") && path != "github.com/paxviz/paxviz/engine/sim"
	}
	root := filepath.Join("..", "..")
	for _, dir := range []string{"web", "lessons", "cmd/paxviz", "room", "store"} {
		files, err := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			if _, err := os.Stat(filepath.Join(root, dir)); err == nil {
				t.Fatalf("%s: no Go files found", dir)
			}
			continue
		}
		for _, f := range files {
			rel := filepath.ToSlash(strings.TrimPrefix(f, root+string(filepath.Separator)))
			if strings.HasSuffix(f, "_test.go") || pending[rel] {
				continue
			}
			af, err := goparser.ParseFile(token.NewFileSet(), f, nil, goparser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				if path, _ := strconv.Unquote(imp.Path.Value); protocol(path) {
					t.Errorf("%s imports %s: give it what it needs through engine/sim", rel, path)
				}
			}
		}
	}
}
