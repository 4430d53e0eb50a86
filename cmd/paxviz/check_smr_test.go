package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestCheckSpecSMR: paxviz check spec --model multipaxos-smr prints TLC's
// figures for MultiPaxos_MC_small.cfg and exits 0.
func TestCheckSpecSMR(t *testing.T) {
	code, out, errs := runCheck(t, "spec", "--model", "multipaxos-smr", "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2")
	if code != checkOK || !strings.Contains(out, "343,796 distinct states (736,012 generated), depth 28") || !strings.Contains(out, "no violation") {
		t.Errorf("exit %d:\n%s%s", code, out, errs)
	}
}

// TestCheckSpecSMRJSON: --json gives distinct_states, total_states (TLC's
// states generated) and depth; a seeded bug exits 1 with its trace.
func TestCheckSpecSMRJSON(t *testing.T) {
	code, out, _ := runCheck(t, "spec", "--model=multipaxos-smr", "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "--seed-bug", "majority-minus-one", "--json")
	var doc struct {
		Model          string `json:"model"`
		DistinctStates int    `json:"distinct_states"`
		TotalStates    int64  `json:"total_states"`
		Depth          int    `json:"depth"`
		Seconds        float64
		Violation      *struct {
			Invariant string `json:"invariant"`
			Script    string `json:"script"`
			Steps     int    `json:"steps"`
		} `json:"violation"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != checkViolation {
		t.Fatalf("exit %d, json %v:\n%s", code, err, out)
	}
	if doc.Model != "multipaxos-smr" || doc.DistinctStates == 0 || doc.TotalStates < int64(doc.DistinctStates) || doc.Depth != 11 {
		t.Errorf("figures %+v", doc)
	}
	if v := doc.Violation; v == nil || v.Invariant != "Linearizability" || v.Steps != 10 || !strings.Contains(v.Script, "HandleAcceptReplies(") {
		t.Errorf("violation %+v", doc.Violation)
	}
	code, out, _ = runCheck(t, "spec", "--model", "multipaxos-smr", "--replicas", "2", "--writes", "1", "--reads", "0", "--max-ballot", "2", "--json")
	var clean map[string]any
	if err := json.Unmarshal([]byte(out), &clean); err != nil || code != checkOK {
		t.Fatalf("exit %d, json %v:\n%s", code, err, out)
	}
	for _, k := range []string{"distinct_states", "total_states", "depth", "seconds", "memory_bytes", "stop"} {
		if _, ok := clean[k]; !ok {
			t.Errorf("no %q in the JSON", k)
		}
	}
	if v, ok := clean["violation"]; !ok || v != nil {
		t.Errorf("violation = %v, want null", v)
	}
}

// TestCheckSpecSMRText: a deadlock is a violation with its trace; a budget
// that runs out exits 3.
func TestCheckSpecSMRText(t *testing.T) {
	code, out, _ := runCheck(t, "spec", "--model", "multipaxos-smr", "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "--seed-bug", "no-accept-reply")
	if code != checkViolation || !strings.Contains(out, "VIOLATION of deadlock") || !strings.Contains(out, "shortest trace, 9 steps") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCheck(t, "spec", "--model", "multipaxos-smr", "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "--max-states", "100")
	if code != checkBudget || !strings.Contains(out, "INCOMPLETE") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	// The default model is still Lamport's Paxos.tla, named or not.
	for _, args := range [][]string{
		{"spec", "--acceptors", "3", "--values", "2", "--max-ballot", "1"},
		{"spec", "--model", "paxos", "--acceptors", "3", "--values", "2", "--max-ballot", "1"},
	} {
		code, out, _ = runCheck(t, args...)
		if code != checkOK || !strings.Contains(out, "3,921 distinct states (23,563 generated), depth 17") {
			t.Errorf("%q: exit %d:\n%s", args, code, out)
		}
	}
}

// TestCheckSpecSMRUsage: bad flags are usage errors that say what is
// wrong.
func TestCheckSpecSMRUsage(t *testing.T) {
	smr := []string{"spec", "--model", "multipaxos-smr"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"spec", "--model", "raft"}, `unknown model "raft"`},
		{append(smr, "--replicas", "3", "--writes", "1", "--max-ballot", "2"), "missing --reads"},
		{append(smr, "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "1"), "MaxBallot >= 2"},
		{append(smr, "--replicas", "30", "--writes", "1", "--reads", "1", "--max-ballot", "2"), "replicas must be"},
		{append(smr, "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "--seed-bug", "x"), `unknown seed bug "x"`},
		{append(smr, "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "--max-memory", "0"), "--max-memory"},
		{append(smr, "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "--acceptors", "3"), "provided but not defined"},
		{append(smr, "--replicas", "3", "--writes", "1", "--reads", "1", "--max-ballot", "2", "extra"), `unexpected argument "extra"`},
	} {
		code, out, errs := runCheck(t, c.args...)
		if code != checkUsage || !strings.Contains(errs, c.want) {
			t.Errorf("%q: exit %d, stderr %q (stdout %q), want 2 and %q", c.args, code, errs, out, c.want)
		}
	}
}
