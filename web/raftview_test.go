package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/store"
)

// A sandbox hosts a Raft cluster: the view has the generic fields the
// diagram draws and the Raft panels; every control (deliver, drop, dup,
// crash, restart, partition, heal, tick, timeout, propose, undo, goto,
// branch, play) works and the script replays.
func TestRaftSession(t *testing.T) {
	r := NewRegistry(4, time.Minute)
	defer r.Close()
	s, err := r.Create(context.Background(), CreateOptions{Src: "cluster raft servers=3 seed=1\ntimeout s1\nexpect safe\n"})
	if err != nil {
		t.Fatal(err)
	}
	v := mpDo(t, s)
	if v.Protocol != "raft" || v.Raft == nil || v.MP != nil || len(v.State.InFlight) != 2 || v.State.InFlight[0].Type != "requestvote" {
		t.Fatalf("view: %+v", v)
	}
	if sv := v.Raft.Servers[0]; sv.Role != "candidate" || sv.Term != 1 || sv.VotedFor != "s1" || len(sv.Votes) != 1 {
		t.Fatalf("s1: %+v", sv)
	}
	if len(v.State.Nodes) != 3 || v.State.Nodes[0].Role != "server" || len(v.Invariants) != 7 || v.Invariants[0].Name != "election-safety" {
		t.Fatalf("nodes %+v invariants %+v", v.State.Nodes, v.Invariants)
	}
	v = mpDo(t, s, "deliver #1", "dup #3", "deliver #3", "deliver #4", "drop #2")
	if sv := v.Raft.Servers[0]; sv.Role != "leader" || len(sv.Peers) != 2 || sv.Peers[0].Next != 1 || len(sv.Log) != 1 || sv.Log[0].Value != "noop" {
		t.Fatalf("s1 after the election: %+v", sv)
	}
	if len(v.Last) != 1 || v.Last[0].Kind != "drop" {
		t.Fatalf("last: %+v", v.Last)
	}
	v = mpDo(t, s, "propose s1 X", "deliver append s1->s2", "deliver appendreply s2->s1")
	if v.Raft.Servers[0].Commit != 2 || len(v.Raft.Committed) != 2 || v.Raft.Committed[1].Value != "X" {
		t.Fatalf("commit: %+v %+v", v.Raft.Servers[0], v.Raft.Committed)
	}
	if v.Last[0].Msg == nil || v.Last[0].Node != "s1" || v.State.Chosen[1] != "X" {
		t.Fatalf("last: %+v", v.Last)
	}
	v = mpDo(t, s, "partition s1 | s2 s3", "tick 25", "heal", "crash s2", "restart s2", "timeout s3")
	if !strings.Contains(v.LastAct, "timeout s3") || v.Raft.Servers[1].Commit != 0 {
		t.Fatalf("after faults: %q %+v", v.LastAct, v.Raft.Servers[1])
	}
	end := v.End
	v = mpDo(t, s, "goto 4", "crash s1")
	if v.BranchesTotal != 2 || v.Step != 5 {
		t.Fatalf("branch: step %d, %d branches", v.Step, v.BranchesTotal)
	}
	script, err := s.Script(context.Background())
	if err != nil || !strings.HasPrefix(script, "cluster raft servers=3") || !strings.Contains(script, "crash s1") {
		t.Fatalf("script %q: %v", script, err)
	}
	v = mpDo(t, s, "branch "+itoa(v.Branches[0].Tip))
	if v.Step != end {
		t.Fatalf("back on the first branch at %d, want %d", v.Step, end)
	}
	v = mpDo(t, s, "undo", "redo")
	if v.Step != end {
		t.Fatalf("undo/redo: %d", v.Step)
	}
	for _, bad := range []string{"propose s1 noop", "deliver prepare", "put c1 x 1", "expect safe"} {
		var err2 error
		s.call(context.Background(), func(s *Session) { err2 = s.handle(nil, bad) })
		if err2 == nil {
			t.Errorf("%q was taken", bad)
		}
	}
	v = mpDo(t, s, "play ms=25")
	if !v.Playing {
		t.Fatal("play did not start")
	}
}

// A Raft sandbox opens from a script link and a permalink, exports its
// script, and survives a server restart through the store.
func TestRaftSandboxLinks(t *testing.T) {
	st := store.NewMem()
	srv, ts := newTestServer(t, Options{Store: st})
	script := "cluster raft servers=3 seed=4\ntimeout s2\ndeliver requestvote s2->*\n"
	id := openScript(t, ts.URL, script)
	resp, body := get(t, ts.URL+"/s/"+id+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, `"protocol":"raft"`) {
		t.Fatalf("session page: %d", resp.StatusCode)
	}
	_, exp := get(t, ts.URL+"/s/"+id+"/export.pxs")
	if !strings.Contains(exp, "cluster raft servers=3 election=10-20 heartbeat=3 noop=1 batch=0 probe=0 seed=4\ntimeout s2\ndeliver requestvote s2->*\n") {
		t.Errorf("export:\n%s", exp)
	}
	resp, _ = get(t, ts.URL+EncodePermalink(script))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("permalink: %d", resp.StatusCode)
	}
	_, exp = get(t, ts.URL+resp.Header.Get("Location")+"/export.pxs")
	if !strings.Contains(exp, "deliver requestvote s2->*") {
		t.Errorf("permalink export:\n%s", exp)
	}
	resp, body = get(t, ts.URL+"/sandbox?script="+url.QueryEscape("cluster raft servers=3\npropose s9 X\n"))
	if resp.StatusCode != 400 || !strings.Contains(body, "script:2: propose: unknown server") {
		t.Errorf("bad script: %d %s", resp.StatusCode, body)
	}
	// The browser's record re-creates the session elsewhere (resume).
	_, rec := get(t, ts.URL+"/s/"+id+"/record")
	var rr sessionRecord
	if err := json.Unmarshal([]byte(rec), &rr); err != nil || !strings.HasPrefix(rr.Script, "cluster raft") {
		t.Fatalf("record %s: %v", rec, err)
	}
	// A server restart with a store brings the session back.
	srv.Close()
	srv2, ts2 := newTestServer(t, Options{Store: st})
	if n := srv2.reg.Len(); n != 2 {
		t.Errorf("restored %d sessions, want 2", n)
	}
	resp, body = get(t, ts2.URL+"/s/"+id+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, `"protocol":"raft"`) || !strings.Contains(body, `"step":3`) {
		t.Fatalf("after restart %s: %d %s", id, resp.StatusCode, body)
	}
}

// The home page's Figure 8 example is the golden R6 script up to (c), and
// the session it opens shows B, of term 2, on a majority and uncommitted.
func TestRaftFigure8Example(t *testing.T) {
	src, err := os.ReadFile("../engine/sim/testdata/raft/r6-figure8.pxs")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		l = strings.Join(strings.Fields(sim.StripComment(l)), " ")
		if l == "" || strings.HasPrefix(l, "expect") {
			continue
		}
		lines = append(lines, l)
	}
	want := strings.Split(strings.TrimSpace(raftFigure8C), "\n")
	if len(want) > len(lines) || !slices.Equal(lines[:len(want)], want) || lines[len(want)] != "propose s1 D" {
		t.Fatalf("raftFigure8C is not R6 up to (c):\n%s", strings.Join(want, "\n"))
	}
	r := NewRegistry(4, time.Minute)
	defer r.Close()
	s, err := r.Create(context.Background(), CreateOptions{Src: raftFigure8C})
	if err != nil {
		t.Fatal(err)
	}
	v := mpDo(t, s)
	for _, sv := range v.Raft.Servers[:3] {
		if len(sv.Log) != 2 || sv.Log[1] != (sim.RaftEntryView{Term: 2, Value: "B"}) || sv.Commit >= 2 {
			t.Errorf("%s: %+v", sv.Name, sv)
		}
	}
	if len(v.Raft.Committed) != 1 {
		t.Errorf("committed: %+v", v.Raft.Committed)
	}
	_, ts := newTestServer(t, Options{})
	_, home := get(t, ts.URL+"/")
	if !strings.Contains(home, `id="raft-link"`) || !strings.Contains(home, url.QueryEscape("cluster raft servers=5 noop=0 seed=6")) {
		t.Error("the home page offers no Raft sandbox or Figure 8 example")
	}
}

// Search from here searches a Raft session (check.SearchFrom) and says
// what it searched, and a room hosts a Raft cluster (roomproto_test.go
// tests the room itself).
func TestRaftSearchAndRoom(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	sess, err := srv.reg.Create(context.Background(), CreateOptions{Src: "cluster raft servers=3\ntimeout s1\n"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(ts.URL + "/s/" + sess.ID + "/search")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out SearchResult
	json.NewDecoder(resp.Body).Decode(&out)
	if resp.StatusCode != http.StatusOK || out.Found || !strings.Contains(out.Said, "terms up to 2") || !strings.Contains(out.Bounds, "--protocol raft") {
		t.Fatalf("%d %+v", resp.StatusCode, out)
	}
	code, _, body := createRoom(t, ts.URL, `{"script": "cluster raft servers=3\n"}`)
	if code != http.StatusCreated {
		t.Fatalf("room: %d %s", code, body)
	}
}
