package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestRunMultiPaxosJSON: paxviz run --json on a Multi-Paxos script prints
// step, time, chosen as [slot, command] pairs, violations, replies per
// client, nodes and inflight (multipaxos.md §8), and the exit status.
func TestRunMultiPaxosJSON(t *testing.T) {
	src := "cluster multipaxos servers=3 clients=1 leader=s1\nput c1 x 1\nrun until=quiet\nget c1 x\nrun until=quiet\nexpect reply c1 1\n"
	var out, errb bytes.Buffer
	if code := cmdRun([]string{"--json", "-"}, strings.NewReader(src), &out, &errb); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errb.String())
	}
	var doc struct {
		Step       int                            `json:"step"`
		Time       *int                           `json:"time"`
		Chosen     [][2]any                       `json:"chosen"`
		Violations []string                       `json:"violations"`
		Replies    map[string][]map[string]string `json:"replies"`
		Nodes      []map[string]any               `json:"nodes"`
		InFlight   []string                       `json:"inflight"`
		OK         bool                           `json:"ok"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if doc.Step == 0 || doc.Time == nil || !doc.OK || doc.Violations == nil || doc.InFlight == nil || len(doc.Nodes) != 4 {
		t.Errorf("incomplete JSON:\n%s", out.String())
	}
	if len(doc.Chosen) != 2 || doc.Chosen[0][0] != 1.0 || doc.Chosen[0][1] != "c1.1:put:x:1" || doc.Chosen[1][1] != "c1.2:get:x" {
		t.Errorf("chosen = %v", doc.Chosen)
	}
	if rs := doc.Replies["c1"]; len(rs) != 2 || rs[1]["id"] != "c1.2" || rs[1]["r"] != "1" {
		t.Errorf("replies = %v", doc.Replies)
	}
	// A violation without `expect violation` exits 1 and names the invariant.
	src = "cluster multipaxos servers=3 clients=2 window=2 leader=s1 bugs=exec_out_of_order\nput c1 x 1\nput c2 x 2\ndeliver request\ndeliver accept\ndeliver accepted\ndeliver commit s1->s2 s=2\ndeliver commit s1->s2 s=1\n"
	out.Reset()
	errb.Reset()
	if code := cmdRun([]string{"-"}, strings.NewReader(src), &out, &errb); code != 1 || !strings.Contains(errb.String(), "log-prefix") {
		t.Errorf("exit %d, stderr %q: want 1 naming log-prefix", code, errb.String())
	}
}
