package web

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Replay of a Multi-Paxos session's recorded branch, one action per tick:
// what a gallery counterexample plays, pausing where the bug acts (as the
// single-decree replay in session.go does).

// mpSetReplay starts replaying the branch forward from the current step.
func (s *Session) mpSetReplay(args []string) error {
	ms := s.playMillis
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		n, err := strconv.Atoi(v)
		if !ok || k != "ms" || err != nil || n < minPlayMillis || n > maxPlayMillis {
			return fmt.Errorf("usage: replay [ms=%d..%d]", minPlayMillis, maxPlayMillis)
		}
		ms = n
	}
	if s.mp.Step() >= s.mp.End() {
		return errors.New("replay: this is the end of the branch; go back first")
	}
	s.playMillis, s.playing, s.replaying, s.pausedBug = ms, true, true, false
	s.publish()
	return nil
}

// mpReplayStep moves one action forward along the branch, with its events
// for the animation.
func (s *Session) mpReplayStep() {
	h := s.mp
	from := h.Step()
	if err := h.Redo(); err != nil {
		s.playing, s.replaying = false, false
		s.publish()
		return
	}
	evs, err := h.Events(from, h.Step())
	if err != nil {
		evs = nil
	}
	s.mpLast = evs
	if len(evs) > MaxLastEvents {
		s.mpLast = evs[len(evs)-MaxLastEvents:]
	}
	s.omitted = len(evs) - len(s.mpLast)
	s.lastAct = ""
	if len(evs) > 0 {
		s.lastAct = evs[0].Act
	}
	s.pausedBug = false
	if s.gallery != nil && slices.Contains(s.gallery.pause, h.Step()) {
		s.playing, s.replaying, s.pausedBug = false, false, true
	}
	if h.Step() >= h.End() {
		s.playing, s.replaying = false, false
	}
	s.publish()
}
