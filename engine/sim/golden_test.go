package sim

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the golden traces in testdata/golden")

// runGolden runs one script and returns its trace, failures and exit code as
// the golden text.
func runGolden(t *testing.T, path string) (string, *Result) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := Parse(filepath.Base(path), string(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var buf bytes.Buffer
	res := Exec(sc, &buf)
	for _, f := range res.Failures {
		fmt.Fprintf(&buf, "FAIL %s\n", f)
	}
	if res.Err != nil {
		fmt.Fprintf(&buf, "ERROR %s\n", res.Err)
	}
	fmt.Fprintf(&buf, "exit %d\n", res.ExitCode())
	return buf.String(), res
}

// TestGolden runs every script in testdata/golden and compares its trace
// with the .golden file beside it (make rewrite regenerates them). Every
// scenario must pass its own expectations.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.pxs")
	if len(files) < 18 {
		t.Fatalf("found %d golden scripts, want S1-S8 and ten bugs", len(files))
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".pxs"), func(t *testing.T) {
			got, res := runGolden(t, f)
			if res.ExitCode() != 0 {
				t.Errorf("exit %d:\n%s", res.ExitCode(), got)
			}
			gold := strings.TrimSuffix(f, ".pxs") + ".golden"
			if *rewrite {
				if err := os.WriteFile(gold, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gold)
			if err != nil {
				t.Fatalf("%v (run make rewrite)", err)
			}
			if got != string(want) {
				t.Errorf("trace differs from %s (run make rewrite and review the diff):\n%s", gold, diffLines(string(want), got))
			}
		})
	}
}

func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("first difference at line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return "(no difference)"
}

// TestScenarioFacts checks the paxos.md §8 expected figures that the
// scripts' own expectations cannot state.
func TestScenarioFacts(t *testing.T) {
	_, res := runGolden(t, "testdata/golden/s1-happy-path.pxs")
	// 3 prepare + 3 promise + 3 accept + 3 accepted.
	if got := res.Sim.NextID() - 1; got != 12 {
		t.Errorf("S1 sent %d messages, want 12", got)
	}
	if ch := res.Sim.ChosenValues(); len(ch) != 1 || ch[0].Step != 9 {
		t.Errorf("S1 chosen = %+v, want X at the second accept (step 9)", ch)
	}
	_, res = runGolden(t, "testdata/golden/s7-dueling-proposers.pxs")
	if res.Sim.ChosenValues()[0].Value != "Y" {
		t.Errorf("S7 fix: want Y chosen")
	}
}

// TestBugScriptsNeedTheBug runs every bug script with its bug switched off:
// the same schedule (skipping steps the correct protocol makes impossible)
// never breaks an invariant. With the bug on, the trace shows the bug act.
func TestBugScriptsNeedTheBug(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/bug-*.pxs")
	if len(files) != len(engine.AllBugs) {
		t.Fatalf("%d bug scripts, want one per bug (%d)", len(files), len(engine.AllBugs))
	}
	seen := map[string]bool{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "bug-"), ".pxs")
		seen[name] = true
		t.Run(name, func(t *testing.T) {
			trace, res := runGolden(t, f)
			if !res.Sim.Violated("") {
				t.Fatalf("bug on: no invariant broke")
			}
			if !strings.Contains(trace, "BUG "+name) {
				t.Errorf("bug on: the trace never shows BUG %s acting", name)
			}
			src, _ := os.ReadFile(f)
			sc, err := Parse(f, string(src))
			if err != nil {
				t.Fatal(err)
			}
			if sc.Cluster.Bugs.String() != name {
				t.Fatalf("script switches on %q, want only %q", sc.Cluster.Bugs, name)
			}
			cl := sc.Cluster
			cl.Bugs = 0
			s := New(cl)
			applied, skipped := 0, 0
			for _, st := range sc.Stmts {
				if st.Action == nil {
					continue
				}
				if _, err := s.Apply(st.Action); err != nil {
					skipped++
					continue
				}
				applied++
			}
			if s.Violated("") {
				t.Errorf("bug off: %v broke (%d actions applied, %d impossible)", s.Violations(), applied, skipped)
			}
			if applied == 0 {
				t.Errorf("bug off: no action applied")
			}
		})
	}
	for _, b := range engine.AllBugs {
		if !seen[b.String()] {
			t.Errorf("no script for bug %s", b)
		}
	}
}

// TestDeterminism runs every golden script twice: byte-identical traces.
func TestDeterminism(t *testing.T) {
	files, _ := filepath.Glob("testdata/golden/*.pxs")
	for _, f := range files {
		a, _ := runGolden(t, f)
		b, _ := runGolden(t, f)
		if a != b {
			t.Errorf("%s: two runs differ:\n%s", f, diffLines(a, b))
		}
	}
	// The scheduler too: a seeded run replays byte for byte, and another
	// seed gives another schedule.
	script := func(seed int) string {
		return fmt.Sprintf("cluster proposers=2 acceptors=3 seed=%d\npropose p1 X\npropose p2 Y\nrun max=300 drop=0.1 dup=0.1\n", seed)
	}
	trace := func(src string) string {
		sc, err := Parse("det", src)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		Exec(sc, &buf)
		return buf.String()
	}
	if trace(script(3)) != trace(script(3)) {
		t.Error("seed 3: two runs differ")
	}
	if trace(script(3)) == trace(script(4)) {
		t.Error("seeds 3 and 4 gave the same schedule")
	}
}
