package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenMultiPaxos runs every Multi-Paxos script in
// testdata/multipaxos (scenarios M1-M6 and M10 of multipaxos.md §7, and for
// each bug switch a script that breaks its invariant with the switch on and
// one that holds with it off) and compares its trace with the .golden file
// beside it (make rewrite regenerates them).
func TestGoldenMultiPaxos(t *testing.T) {
	files, _ := filepath.Glob("testdata/multipaxos/*.pxs")
	want := []string{"m1-", "m2-", "m3-", "m4-", "m5-", "m6-", "m10-"}
	for _, bug := range []string{"skip_phase1", "no_adopt", "prepare_from_top", "exec_out_of_order", "commit_minority", "no_dedup"} {
		want = append(want, "bug-"+bug+".", "bug-"+bug+"-off.")
	}
	for _, w := range want {
		found := false
		for _, f := range files {
			found = found || strings.HasPrefix(filepath.Base(f), w)
		}
		if !found {
			t.Errorf("no golden script %s*.pxs in testdata/multipaxos", w)
		}
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".pxs"), func(t *testing.T) {
			got, res := runGolden(t, f)
			if res.ExitCode() != 0 {
				t.Errorf("exit %d:\n%s", res.ExitCode(), got)
			}
			if res.MP == nil {
				t.Fatal("not run as a Multi-Paxos cluster")
			}
			bugOn := strings.HasPrefix(filepath.Base(f), "bug-") && !strings.HasSuffix(f, "-off.pxs")
			if broken := len(res.MP.Checker().Violations()) > 0; broken != bugOn {
				t.Errorf("invariants broken: %v, want %v", broken, bugOn)
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
			// The same script gives the same trace.
			if again, _ := runGolden(t, f); again != got {
				t.Errorf("a second run gives another trace:\n%s", diffLines(got, again))
			}
		})
	}
}
