package web

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// mpDo runs lines on a session's goroutine and returns the latest view.
func mpDo(t *testing.T, s *Session, lines ...string) View {
	t.Helper()
	for _, line := range lines {
		var err error
		if cerr := s.call(context.Background(), func(s *Session) { err = s.handle(nil, line) }); cerr != nil {
			t.Fatal(cerr)
		}
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
	}
	var v View
	if err := json.Unmarshal(s.View(), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// A sandbox hosts a Multi-Paxos cluster: the view has the generic fields
// the diagram draws and the Multi-Paxos panels; undo, goto, branch and the
// script (export, permalink) work.
func TestMPSession(t *testing.T) {
	r := NewRegistry(4, time.Minute)
	defer r.Close()
	s, err := r.Create(context.Background(), CreateOptions{Src: "cluster multipaxos servers=3 clients=2 leader=s1\nput c1 x 1\nexpect safe\n"})
	if err != nil {
		t.Fatal(err)
	}
	v := mpDo(t, s)
	if v.Protocol != "multipaxos" || v.MP == nil || len(v.State.InFlight) != 1 || v.State.InFlight[0].Type != "request" || v.State.InFlight[0].Text == "" {
		t.Fatalf("view: %+v", v)
	}
	v = mpDo(t, s, "deliver #1", "deliver accept s1->s2", "deliver accepted s2->s1", "deliver reply", "get c2 x")
	if !v.MP.Servers[0].Leader || v.MP.Servers[0].Log[0].State != "executed" || v.MP.Chosen[0] != "c1.1:put:x:1" {
		t.Fatalf("s1: %+v chosen %v", v.MP.Servers[0], v.MP.Chosen)
	}
	if v.MP.Steady.Commands != 1 || v.MP.Steady.Delays != 2 || len(v.MP.Ops) != 2 || v.MP.Ops[0].Result != "ok" {
		t.Fatalf("counters %+v ops %+v", v.MP.Steady, v.MP.Ops)
	}
	lin := slices.IndexFunc(v.Invariants, func(i InvariantView) bool { return i.Name == "mp_linearizable" })
	if len(v.Invariants) < 7 || lin < 0 || !v.Invariants[lin].OK {
		t.Fatalf("invariants: %+v", v.Invariants)
	}
	end := v.End
	v = mpDo(t, s, "goto 2", "crash s1")
	if v.BranchesTotal != 2 || v.Step != 3 {
		t.Fatalf("branch: step %d, %d branches", v.Step, v.BranchesTotal)
	}
	script, err := s.Script(context.Background())
	if err != nil || !strings.HasPrefix(script, "cluster multipaxos") || !strings.Contains(script, "crash s1") {
		t.Fatalf("script %q: %v", script, err)
	}
	v = mpDo(t, s, "branch "+itoa(v.Branches[0].Tip))
	if v.Step != end {
		t.Fatalf("back on the first branch at %d, want %d", v.Step, end)
	}
	var err2 error
	s.call(context.Background(), func(s *Session) { err2 = s.handle(nil, "propose s1 X") })
	if err2 == nil {
		t.Fatal("a single-decree command was taken")
	}
}
