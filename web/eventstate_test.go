package web

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/lessons"
)

// replayDeltas applies each event's changed node states to the frame's
// state before its first event: each delta must be a change, and the
// result must be the frame's final state.
func replayDeltas(t *testing.T, what string, v View, minChanging int) {
	t.Helper()
	if len(v.Last) == 0 || len(v.LastBefore) != len(v.State.Nodes) {
		t.Fatalf("%s: %d events, %d node states before them (want %d)", what, len(v.Last), len(v.LastBefore), len(v.State.Nodes))
	}
	nodes := map[string]sim.NodeState{}
	for _, n := range v.LastBefore {
		nodes[n.Name] = n
	}
	changing := 0
	for _, ev := range v.Last {
		if len(ev.Nodes) > 0 {
			changing++
		}
		for _, n := range ev.Nodes {
			if reflect.DeepEqual(nodes[n.Name], n) {
				t.Errorf("%s: step %d lists %s, which it did not change", what, ev.Step, n.Name)
			}
			nodes[n.Name] = n
		}
	}
	if changing < minChanging {
		t.Errorf("%s: only %d of %d events changed a node", what, changing, len(v.Last))
	}
	for _, want := range v.State.Nodes {
		if got := nodes[want.Name]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %s after the events' deltas is %+v, the frame's state %+v", what, want.Name, got, want)
		}
	}
}

// TestEventNodeStates (issue 10): a multi-event frame (run, Forward along
// the branch) carries, for each event, the node states it changed, so the
// cards show each event's effect; a long action keeps its deltas within
// the last MaxLastEvents events.
func TestEventNodeStates(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\npropose p2 Y\n")
	c, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.next("state")
	read := func() View {
		var v View
		b, _ := json.Marshal(c.next("state"))
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	c.send("run max=12")
	v := read()
	if len(v.Last) != 12 {
		t.Fatalf("run max=12: %d events", len(v.Last))
	}
	replayDeltas(t, "run", v, 6)
	end := v.Step
	c.send("goto 2")
	if v = read(); len(v.Last) != 0 {
		t.Errorf("back to step 2: %d events, want none", len(v.Last))
	}
	c.send("goto " + itoa(end))
	v = read()
	if len(v.Last) != end-2 || v.Last[0].Step != 3 {
		t.Fatalf("forward 2 -> %d: %d events", end, len(v.Last))
	}
	replayDeltas(t, "forward", v, 3)
	c.send("run max=200 dup=0.3")
	v = read()
	if len(v.Last) != MaxLastEvents || v.LastOmitted == 0 {
		t.Fatalf("long run: %d events, %d omitted", len(v.Last), v.LastOmitted)
	}
	replayDeltas(t, "long run", v, 1)
}

// TestEnterStepPlays (issue 10): entering a lesson step whose own actions
// take a few events sends them, with their node states, so the step's
// setup plays as a sequence.
func TestEnterStepPlays(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	resp, body := getFollow(t, ts.URL+"/lessons/02-happy-path?step=6")
	if resp.StatusCode != 200 {
		t.Fatalf("lesson: %d", resp.StatusCode)
	}
	id := regexpFind(body, `"session":"([0-9a-f]+)"`)
	c, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.next("state")
	c.send("lesson next")
	var v View
	b, _ := json.Marshal(c.next("state"))
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	if v.Lesson == nil || v.Lesson.Step != 6 || len(v.Last) < 2 || v.Last[0].Kind != "deliver" || v.LastOmitted != 0 {
		t.Fatalf("entering step 7: %d events (%+v)", len(v.Last), v.Last)
	}
	replayDeltas(t, "step 7's actions", v, 1)
}
