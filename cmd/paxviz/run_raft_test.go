package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestRunRaftJSON: paxviz run --json on a Raft script prints step,
// committed as [index, term, value], violations, nodes keyed by server
// (role, term, votedFor or null, log as [term, value] pairs, commitIndex,
// lastApplied, crashed; a leader's nextIndex and matchIndex) and inflight
// (raft.md §9 "--json"), and the exit status.
func TestRunRaftJSON(t *testing.T) {
	src := "cluster raft servers=3 seed=1\ntimeout s1\ndeliver requestvote\ndeliver vote\npropose s1 X\ndeliver append s1->s2\ndeliver appendreply s2->s1\ncrash s3\nexpect committed 2 X\n"
	var out, errb bytes.Buffer
	if code := cmdRun([]string{"--json", "-"}, strings.NewReader(src), &out, &errb); code != 0 {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errb.String())
	}
	var doc struct {
		Protocol   string   `json:"protocol"`
		Step       int      `json:"step"`
		Committed  [][3]any `json:"committed"`
		Violations []string `json:"violations"`
		Nodes      map[string]struct {
			Role        string   `json:"role"`
			Term        int      `json:"term"`
			VotedFor    *string  `json:"votedFor"`
			Log         [][2]any `json:"log"`
			CommitIndex int      `json:"commitIndex"`
			LastApplied int      `json:"lastApplied"`
			Crashed     bool     `json:"crashed"`
			NextIndex   []int    `json:"nextIndex"`
			MatchIndex  []int    `json:"matchIndex"`
		} `json:"nodes"`
		InFlight []string `json:"inflight"`
		OK       bool     `json:"ok"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if doc.Protocol != "raft" || doc.Step == 0 || !doc.OK || doc.Violations == nil || doc.InFlight == nil || len(doc.Nodes) != 3 {
		t.Errorf("incomplete JSON:\n%s", out.String())
	}
	if len(doc.Committed) != 2 || doc.Committed[0][2] != "noop" || doc.Committed[1][0] != 2.0 || doc.Committed[1][1] != 1.0 || doc.Committed[1][2] != "X" {
		t.Errorf("committed = %v", doc.Committed)
	}
	s1, s2, s3 := doc.Nodes["s1"], doc.Nodes["s2"], doc.Nodes["s3"]
	if s1.Role != "leader" || s1.Term != 1 || s1.VotedFor == nil || *s1.VotedFor != "s1" || s1.CommitIndex != 2 || len(s1.NextIndex) != 3 || len(s1.MatchIndex) != 3 {
		t.Errorf("s1 = %+v", s1)
	}
	if s2.Role != "follower" || len(s2.Log) != 2 || s2.Log[1][1] != "X" || s2.NextIndex != nil {
		t.Errorf("s2 = %+v", s2)
	}
	if !s3.Crashed {
		t.Errorf("s3 = %+v, want crashed", s3)
	}
	// A violation without `expect violation` exits 1 and names the invariant.
	src = "cluster raft servers=2 noop=0 bugs=no_step_down\ntimeout s1\ndeliver requestvote\ndeliver vote\ntimeout s2\ndeliver requestvote\ndeliver vote\n"
	out.Reset()
	errb.Reset()
	if code := cmdRun([]string{"-"}, strings.NewReader(src), &out, &errb); code != 1 || !strings.Contains(errb.String(), "election-safety") {
		t.Errorf("exit %d, stderr %q: want 1 naming election-safety", code, errb.String())
	}
}
