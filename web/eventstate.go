package web

import (
	"reflect"
	"slices"

	"github.com/paxviz/paxviz/engine/sim"
)

// maxMoveEvents bounds the events a move forward along the branch (Forward,
// the timeline, End) carries for the animation: a longer jump is shown at
// once, as a seek.
const maxMoveEvents = 30

// setLastRange keeps, for the views, the events of steps from+1..to of the
// current branch: the last MaxLastEvents of them (the rest counted in
// omitted), each with the node states it changed, and the node states
// before the first of them, so that the browser shows every event's effect
// on the cards while it plays the sequence. The events are recomputed by a
// walk from the nearest snapshot (at most sim.SnapshotEvery +
// MaxLastEvents events), whatever the length of the action.
func (s *Session) setLastRange(from, to int) {
	s.setLast(nil)
	if to <= from {
		return
	}
	start := max(from, to-MaxLastEvents)
	var before, prev []sim.NodeState
	var last []sim.Event
	var changed [][]sim.NodeState
	err := s.h.Walk(start, to, func(ev *sim.Event, st *sim.Sim) {
		if ev == nil {
			for i := range st.Nodes() {
				before = append(before, st.NodeState(i))
			}
			prev = slices.Clone(before)
			return
		}
		var delta []sim.NodeState
		for i := range prev {
			ns := st.NodeState(i)
			if !reflect.DeepEqual(ns, prev[i]) {
				delta = append(delta, ns)
				prev[i] = ns
			}
		}
		last = append(last, *ev)
		changed = append(changed, delta)
	})
	if err != nil {
		return // the view shows the end state only
	}
	s.last, s.lastNodes, s.lastBefore, s.omitted = last, changed, before, start-from
}
