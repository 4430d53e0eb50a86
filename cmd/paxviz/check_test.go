package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCheck(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cmdCheck(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestCheckEngineViolation: a bug variant exits 1 and prints a
// counterexample that paxviz run replays with exit status 0.
func TestCheckEngineViolation(t *testing.T) {
	code, out, errs := runCheck(t, "engine", "--proposers", "2", "--acceptors", "3", "--learners", "0", "--bugs", "no_adopt")
	if code != checkViolation {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errs)
	}
	i := strings.Index(out, "# paxviz check engine:")
	if i < 0 || !strings.Contains(out, "VIOLATION: agreement") {
		t.Fatalf("no counterexample in the output:\n%s", out)
	}
	file := filepath.Join(t.TempDir(), "cx.pxs")
	if err := os.WriteFile(file, []byte(out[i:]), 0o644); err != nil {
		t.Fatal(err)
	}
	var rout, rerr bytes.Buffer
	if code := cmdRun([]string{file}, nil, &rout, &rerr); code != 0 {
		t.Errorf("paxviz run of the counterexample exits %d:\n%s%s", code, rout.String(), rerr.String())
	}
}

// TestCheckEngineClean: the correct engine exits 0; --json gives the
// figures and a null violation.
func TestCheckEngineClean(t *testing.T) {
	code, out, _ := runCheck(t, "engine", "--proposers", "2", "--acceptors", "3")
	if code != checkOK || !strings.Contains(out, "no violation") || !strings.Contains(out, "988 distinct states") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCheck(t, "engine", "--servers", "2", "--max-round", "2", "--refine", "--json")
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != checkOK {
		t.Fatalf("exit %d, json %v:\n%s", code, err, out)
	}
	for _, k := range []string{"distinct_states", "depth", "seconds", "states_per_second", "memory_bytes", "refinement_steps", "stop"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in the JSON", k)
		}
	}
	if v, ok := doc["violation"]; !ok || v != nil {
		t.Errorf("violation = %v, want null", v)
	}
}

// TestCheckEngineJSONViolation: with a violation, --json gives the
// invariant and the script, and the exit status is still 1.
func TestCheckEngineJSONViolation(t *testing.T) {
	code, out, _ := runCheck(t, "engine", "--proposers", "2", "--acceptors", "4", "--learners", "0", "--bugs", "half_quorum", "--json")
	var doc struct {
		DistinctStates int `json:"distinct_states"`
		Violation      *struct {
			Invariant string `json:"invariant"`
			Script    string `json:"script"`
		} `json:"violation"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != checkViolation {
		t.Fatalf("exit %d, json %v:\n%s", code, err, out)
	}
	if doc.Violation == nil || doc.Violation.Invariant != "agreement" || !strings.HasSuffix(doc.Violation.Script, "expect violation agreement\n") {
		t.Errorf("violation %+v", doc.Violation)
	}
}

// TestCheckBudget: a search stopped by a budget says so and exits 3.
func TestCheckBudget(t *testing.T) {
	code, out, _ := runCheck(t, "engine", "--proposers", "3", "--acceptors", "3", "--max-states", "100")
	if code != checkBudget || !strings.Contains(out, "INCOMPLETE: the state budget ran out") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCheck(t, "spec", "--acceptors", "3", "--values", "2", "--max-ballot", "2", "--max-states", "100")
	if code != checkBudget || !strings.Contains(out, "INCOMPLETE") {
		t.Errorf("spec: exit %d:\n%s", code, out)
	}
}

// TestCheckFrom: --from starts the search at the end of a script.
func TestCheckFrom(t *testing.T) {
	file := filepath.Join(t.TempDir(), "here.pxs")
	src := "cluster proposers=2 acceptors=3 learners=0 bugs=no_adopt\npropose p1 X\ndeliver prepare p1->*\ndeliver promise *->p1\ndeliver accept p1->*\n"
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCheck(t, "engine", "--from", file, "--invariant", "agreement")
	if code != checkViolation || !strings.Contains(out, "deliver accept p1->*\n") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckSpec: the spec search reproduces TLC's count and exits 0; a
// broken quorum exits 1 with the trace.
func TestCheckSpec(t *testing.T) {
	code, out, _ := runCheck(t, "spec", "--acceptors", "3", "--values", "2", "--max-ballot", "1")
	if code != checkOK || !strings.Contains(out, "3,921 distinct states (23,563 generated), depth 17") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCheck(t, "spec", "--acceptors", "3", "--values", "2", "--max-ballot", "1", "--quorum", "1")
	if code != checkViolation || !strings.Contains(out, "VIOLATION of Consistency") || !strings.Contains(out, "Phase2b(a") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckUsage: bad flags are usage errors (exit 2) with a clear message,
// never a panic or a hang.
func TestCheckUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "usage:"},
		{[]string{"nope"}, `unknown search "nope"`},
		{[]string{"engine"}, "give --proposers P and --acceptors A"},
		{[]string{"engine", "--proposers", "2"}, "give --proposers P and --acceptors A"},
		{[]string{"engine", "--proposers", "2", "--acceptors", "3", "--bugs", "nope"}, `unknown bug "nope"`},
		{[]string{"engine", "--proposers", "0", "--acceptors", "3"}, "proposers=0"},
		{[]string{"engine", "--proposers", "2", "--acceptors", "3", "--max-round", "99"}, "max-round must be"},
		{[]string{"engine", "--proposers", "2", "--acceptors", "3", "--invariant", "liveness"}, `unknown invariant "liveness"`},
		{[]string{"engine", "--proposers", "2", "--acceptors", "3", "--max-states", "0"}, "--max-states must be positive"},
		{[]string{"engine", "--proposers", "2", "--acceptors", "3", "--max-memory", "-1"}, "--max-memory"},
		{[]string{"engine", "--servers", "3", "--proposers", "2"}, "cannot be combined"},
		{[]string{"engine", "--from", "/nonexistent.pxs"}, "no such file"},
		{[]string{"engine", "--proposers", "2", "--acceptors", "3", "extra"}, `unexpected argument "extra"`},
		{[]string{"engine", "--proposers", "x"}, "invalid value"},
		{[]string{"spec", "--acceptors", "3", "--values", "2"}, "missing --max-ballot"},
		{[]string{"spec", "--acceptors", "30", "--values", "2", "--max-ballot", "1"}, "acceptors must be"},
		{[]string{"spec", "--acceptors", "3", "--values", "6", "--max-ballot", "6"}, "do not fit"},
	} {
		code, out, errs := runCheck(t, c.args...)
		if code != checkUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, stderr %q (stdout %q), want 2 and %q", c.args, code, errs, out, c.want)
		}
	}
}
