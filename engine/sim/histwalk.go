package sim

import "fmt"

// Walk replays steps from+1..to of the current branch, as Events does,
// calling fn first with a nil event and the state at step from, then after
// each event with the event and the state just after it (for a view that
// shows each event's effect on the nodes). fn must not keep or change s.
// Walk does not change the current state.
func (h *History) Walk(from, to int, fn func(ev *Event, s *Sim)) error {
	if from < 0 || to > h.End() || from > to {
		return fmt.Errorf("%w: events %d..%d", ErrNoStep, from, to)
	}
	s, err := h.stateAt(from)
	if err != nil {
		return err
	}
	fn(nil, s)
	s.Trace = func(ev *Event) { fn(ev, s) }
	return h.replay(s, h.pathIndex(from), to)
}
