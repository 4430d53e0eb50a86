package sim

import (
	"reflect"
	"testing"
)

// TestWalkStates: Walk hands over, after each event, the same state a
// Seek to that step shows, and the same events as Events.
func TestWalkStates(t *testing.T) {
	cl, err := ParseCluster("cluster proposers=2 acceptors=3 learners=1")
	if err != nil {
		t.Fatal(err)
	}
	h := NewHistory(cl)
	for _, line := range []string{"propose p1 X", "propose p2 Y", "run max=40 dup=0.2 drop=0.1"} {
		st, err := ParseCommand(h.Config(), line)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := h.Do(st.Action, nil); err != nil {
			t.Fatal(err)
		}
	}
	end := h.End()
	from := 3
	evs, err := h.Events(from, end)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	var states [][]NodeState
	if err := h.Walk(from, end, func(ev *Event, s *Sim) {
		if ev == nil {
			steps = append(steps, from)
		} else {
			steps = append(steps, ev.Step)
		}
		states = append(states, s.State().Nodes)
	}); err != nil {
		t.Fatal(err)
	}
	if len(steps) != len(evs)+1 {
		t.Fatalf("walk saw %d events, Events %d", len(steps)-1, len(evs))
	}
	for i, step := range steps {
		if err := h.Seek(step); err != nil {
			t.Fatal(err)
		}
		if want := h.State().State().Nodes; !reflect.DeepEqual(states[i], want) {
			t.Errorf("step %d: walk's state differs from Seek's", step)
		}
	}
	if err := h.Walk(2, end+1, func(*Event, *Sim) {}); err == nil {
		t.Error("walk past the end: no error")
	}
}
