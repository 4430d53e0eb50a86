package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldenMultiPaxos runs every Multi-Paxos script in
// testdata/multipaxos (scenarios M1-M11 of multipaxos.md §7, M9 in both forms, the
// clocks-and-pause script T1, and for each bug switch a script that breaks
// its invariant with the switch on and one that holds with it off) and
// compares its trace with the .golden file beside it (make rewrite
// regenerates them). A script breaks an invariant exactly when its cluster
// line switches a bug on (M7 and M11's buggy run included).
func TestGoldenMultiPaxos(t *testing.T) {
	files, _ := filepath.Glob("testdata/multipaxos/*.pxs")
	want := []string{"m1-", "m2-", "m3-", "m4-", "m5-", "m6-", "m7-", "m8-", "m9-fencing.", "m9-no-fencing.", "m10-",
		"m11-lease-drift.", "m11-lease-no-drift.", "t1-"}
	for _, bug := range []string{"skip_phase1", "no_adopt", "prepare_from_top", "exec_out_of_order", "commit_minority", "no_dedup",
		"read_no_lease", "lease_no_drift", "restart_forgets_lease", "no_fencing"} {
		want = append(want, "bug-"+bug+".", "bug-"+bug+"-off.")
	}
	// M7/M8 and M11's two runs are pairs too (read_no_lease on the read
	// path, lease_no_drift on the leader lease; bug-lease_no_drift shows it
	// on the lock service's ttl): the rule below checks that each breaks
	// or holds.
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
			bugOn := res.MP.Cluster().Bugs != 0
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
