package lessons

import (
	"strings"
	"testing"
	"testing/fstest"
)

// freshLesson plays one story twice: with ttl=20, then afresh on a
// cluster with ttl=10 (freshstep.go).
const freshLesson = `---
title: Fresh
summary: Twice.
objectives:
- Play it twice.
cluster: multipaxos servers=3 clients=2 leader=s1 app=lock ttl=20 seed=1
---

## Broken

Text.

` + "```actions\nacquire c1 f\nrun until=quiet\nexpect lease c1 f yes\n```" + `

## Again

Text.

` + "```actions\ncluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 seed=1\nexpect inflight 0\n```" + `

### Goal

Hold it.

` + "```goal\nexpect lease c1 f yes\n```\n\n```solution\nacquire c1 f\nrun until=quiet\n```\n"

func TestFreshStep(t *testing.T) {
	fs := fstest.MapFS{"31-fresh.en.md": {Data: []byte(freshLesson)}}
	if d := Check(fs, "31-fresh.en.md"); d.HasErrors() {
		t.Fatalf("%v", d)
	}
	l, d := Parse("31-fresh.en.md", []byte(freshLesson))
	if d.HasErrors() {
		t.Fatal(d)
	}
	if l.Steps[1].ClusterLine == "" || l.ClusterLineAt(0) != l.ClusterLine || !strings.Contains(l.ClusterLineAt(1), "ttl=10") {
		t.Fatalf("cluster lines: %q, %q", l.ClusterLineAt(0), l.ClusterLineAt(1))
	}
	// Step 2 starts from nothing: no grant, no message, and its entry
	// script runs on the fresh cluster alone.
	m, err := l.EntryMachine(1)
	if err != nil {
		t.Fatal(err)
	}
	if got := l.EntryScript(1); strings.Count(got, "cluster") != 1 || strings.Contains(got, "acquire") || !strings.Contains(got, "ttl=10") {
		t.Errorf("EntryScript(1) = %q", got)
	}
	if len(l.EntryStmts(1)) != 0 || len(l.EndStmts(1)) != 2 {
		t.Errorf("EntryStmts(1) %d, EndStmts(1) %d: want 0 and 2", len(l.EntryStmts(1)), len(l.EndStmts(1)))
	}
	if met, _ := l.Steps[1].GoalMetIn(m); met {
		t.Error("the goal holds on entry to the fresh step")
	}
	// The path script runs the first cluster and quotes the rest.
	ps := l.PathScript()
	if !strings.Contains(ps, "# step 2 starts afresh on: cluster multipaxos") || !strings.Contains(ps, "# acquire c1 f") {
		t.Errorf("PathScript:\n%s", ps)
	}
}

func TestFreshStepErrors(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		// not the first line of the block
		{"cluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 seed=1\nexpect inflight 0", "expect inflight 0\ncluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 seed=1", "belongs in the front matter"},
		// another protocol
		{"cluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 seed=1", "cluster raft servers=3", "of the lesson's protocol"},
		// a bad line
		{"cluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 seed=1", "cluster multipaxos servers=0", "bad cluster line"},
	} {
		src := strings.Replace(freshLesson, c.from, c.to, 1)
		d := Check(fstest.MapFS{"31-fresh.en.md": {Data: []byte(src)}}, "31-fresh.en.md")
		if !strings.Contains(d.Error(), c.want) {
			t.Errorf("%q: want %q in\n%v", c.to, c.want, d)
		}
	}
	// A single-decree lesson cannot start afresh.
	sd := "---\ntitle: T\nsummary: S.\nobjectives:\n- O.\ncluster: proposers=1 acceptors=3\n---\n\n## A\n\nText.\n\n```actions\ncluster proposers=1 acceptors=3\npropose p1 X\n```\n"
	d := Check(fstest.MapFS{"31-sd.en.md": {Data: []byte(sd)}}, "31-sd.en.md")
	if !strings.Contains(d.Error(), "belongs in the front matter") {
		t.Errorf("single-decree: %v", d)
	}
	// A translation must start afresh at the same step, on the same line.
	zh := strings.Replace(freshLesson, "ttl=10 seed=1\nexpect", "ttl=12 seed=1\nexpect", 1)
	d = Check(fstest.MapFS{"31-fresh.en.md": {Data: []byte(freshLesson)}, "31-fresh.zh.md": {Data: []byte(zh)}}, "31-fresh.en.md")
	if !strings.Contains(d.Error(), "starts afresh on") {
		t.Errorf("translation: %v", d)
	}
}
