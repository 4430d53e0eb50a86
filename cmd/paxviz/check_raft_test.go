package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckRaftEngine: check engine --protocol raft with a bug switch exits
// 1 and prints JSON whose violation.script paxviz run replays with exit
// status 0; without the switch, at the same bounds, it exits 0 with a
// complete search.
func TestCheckRaftEngine(t *testing.T) {
	args := []string{"engine", "--protocol", "raft", "--servers", "3", "--max-term", "1", "--commands", "0",
		"--crashes", "1", "--noop", "0", "--json"}
	code, out, errs := runCheck(t, append(args, "--bugs", "forget_vote")...)
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
	if doc.Violation.Invariant != "one-vote-per-term" || doc.Violation.Steps != 5 || doc.DistinctStates < 1 ||
		!strings.HasSuffix(strings.TrimSpace(doc.Violation.Script), "expect violation one-vote-per-term") {
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
}

// TestCheckRaftEngineUsage: foreign flags, unknown bugs and bad bounds are
// usage errors (exit 2) naming what was wrong.
func TestCheckRaftEngineUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"engine", "--protocol", "raft", "--clients", "2"}, "flag provided but not defined: -clients"},
		{[]string{"engine", "--protocol", "raft", "--bugs", "nonsense"}, "--bugs"},
		{[]string{"engine", "--protocol", "raft", "--max-term", "0"}, "--max-term"},
		{[]string{"engine", "--protocol", "raft", "--max-term", "99"}, "max-term must be"},
		{[]string{"engine", "--protocol", "raft", "--servers", "0"}, "--servers"},
		{[]string{"engine", "--protocol", "raft", "--noop", "2"}, "noop=2"},
		{[]string{"engine", "--protocol", "raft", "--invariant", "agreement"}, "unknown invariant"},
		{[]string{"engine", "--protocol", "raft", "--stale", "1"}, "set fresh too"},
		{[]string{"engine", "--protocol", "raft", "--fresh", "--stale", "-1"}, "stale must be"},
	} {
		code, out, errs := runCheck(t, c.args...)
		if code != checkUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q (want %q)\n%s", c.args, code, errs, c.want, out)
		}
	}
}

// TestCheckRaftEngineFresh: --fresh searches the fresh model and says so in
// the bounds the result prints; its counterexample replays.
func TestCheckRaftEngineFresh(t *testing.T) {
	code, out, errs := runCheck(t, "engine", "--protocol", "raft", "--servers", "2", "--max-term", "2", "--commands", "0",
		"--bugs", "no_step_down", "--fresh", "--json")
	if code != checkViolation || !strings.Contains(out, "--fresh --stale 0") {
		t.Fatalf("exit %d, want 1 and the fresh bounds\n%s%s", code, out, errs)
	}
	var doc struct {
		Violation *struct {
			Script string `json:"script"`
			Steps  int    `json:"steps"`
		} `json:"violation"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || doc.Violation == nil || doc.Violation.Steps != 6 {
		t.Fatalf("json %v:\n%s", err, out)
	}
	file := filepath.Join(t.TempDir(), "cx.pxs")
	if err := os.WriteFile(file, []byte(doc.Violation.Script), 0o644); err != nil {
		t.Fatal(err)
	}
	var rout, rerr strings.Builder
	if code := cmdRun([]string{file}, nil, &rout, &rerr); code != 0 {
		t.Errorf("paxviz run of the counterexample exits %d:\n%s%s", code, rout.String(), rerr.String())
	}
}
