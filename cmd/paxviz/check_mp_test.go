package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckMPEngine: check engine --protocol multipaxos with a bug switch
// exits 1 and prints JSON whose violation.script paxviz run replays with
// exit status 0; without the switch, at the same bounds, it exits 0.
func TestCheckMPEngine(t *testing.T) {
	args := []string{"engine", "--protocol", "multipaxos", "--servers", "3", "--clients", "2", "--commands", "2",
		"--window", "2", "--max-round", "1", "--json"}
	code, out, errs := runCheck(t, append(args, "--bugs", "exec_out_of_order")...)
	if code != checkViolation {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	var doc struct {
		DistinctStates int `json:"distinct_states"`
		Violation      *struct {
			Invariant string `json:"invariant"`
			Script    string `json:"script"`
			Steps     int    `json:"steps"`
		} `json:"violation"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Violation == nil {
		t.Fatalf("json %v:\n%s", err, out)
	}
	if doc.Violation.Invariant != "log-prefix" || doc.DistinctStates < 1 ||
		!strings.HasSuffix(strings.TrimSpace(doc.Violation.Script), "expect violation log-prefix") {
		t.Errorf("violation %+v, %d states", doc.Violation, doc.DistinctStates)
	}
	file := filepath.Join(t.TempDir(), "cx.pxs")
	if err := os.WriteFile(file, []byte(doc.Violation.Script), 0o644); err != nil {
		t.Fatal(err)
	}
	var rout, rerr strings.Builder
	if code := cmdRun([]string{file}, nil, &rout, &rerr); code != 0 {
		t.Errorf("paxviz run of the counterexample exits %d:\n%s%s", code, rout.String(), rerr.String())
	}
	code, out, errs = runCheck(t, args...)
	if code != checkOK || !strings.Contains(out, `"stop": "complete"`) {
		t.Errorf("the correct engine: exit %d\n%s%s", code, out, errs)
	}
	// Any number of workers finds the same: the figures but the times.
	untimed := func(s string) string {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.Contains(l, `"seconds"`) && !strings.Contains(l, `"states_per_second"`) {
				lines = append(lines, l)
			}
		}
		return strings.Join(lines, "\n")
	}
	for _, w := range []string{"1", "3"} {
		if code, wout, werrs := runCheck(t, append(args, "--workers", w)...); code != checkOK || untimed(wout) != untimed(out) {
			t.Errorf("--workers %s: exit %d\n%s%s\nwant\n%s", w, code, wout, werrs, out)
		}
	}
}

// TestCheckMPEngineUsage: bad protocol names, foreign flags and bad bounds
// are usage errors (exit 2) naming what was wrong.
func TestCheckMPEngineUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"engine", "--protocol", "zab"}, `unknown protocol "zab"`},
		{[]string{"engine", "--protocol", "multipaxos", "--proposers", "2"}, "flag provided but not defined: -proposers"},
		{[]string{"engine", "--protocol", "multipaxos", "--bugs", "nonsense"}, "--bugs"},
		{[]string{"engine", "--protocol", "multipaxos", "--commands", "99"}, "commands must be"},
		{[]string{"engine", "--protocol", "multipaxos", "--leader", "s7"}, "leader=s7"},
		{[]string{"engine", "--protocol", "multipaxos", "--workers", "0"}, "--workers must be 1 to 64"},
		{[]string{"engine", "--protocol", "raft", "--max-term", "2", "--commands", "1", "--workers", "65"}, "--workers must be 1 to 64"},
	} {
		code, out, errs := runCheck(t, c.args...)
		if code != checkUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q (want %q)\n%s", c.args, code, errs, c.want, out)
		}
	}
	// --protocol paxos is today's search.
	if code, out, _ := runCheck(t, "engine", "--protocol", "paxos", "--proposers", "2", "--acceptors", "3"); code != checkOK || !strings.Contains(out, "988 distinct states") {
		t.Errorf("--protocol paxos: exit %d\n%s", code, out)
	}
}
