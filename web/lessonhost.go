package web

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/lessons"
)

// The lesson player's protocol hook. lesson.go (steps, answers, reveals,
// solutions, the view) is the same for every protocol; a lessonHost does
// the three things that touch the session's history: enter a step (a
// fresh history replaying the canonical path), run a lesson's statements
// through it, and check one line of a goal. Hosting another protocol's
// lessons is one more lessonHost and one more case below.
type lessonHost interface {
	// enter replaces the session's history by one at step k's entry and
	// returns the step where the step's own actions begin (their events
	// play as a sequence), or -1.
	enter(s *Session, l *lessons.Lesson, k int) (int, error)
	// run performs action statements (expect lines are skipped) and
	// keeps their events for the animation.
	run(s *Session, stmts []sim.Stmt) error
	// check evaluates one expect line of a goal in the current state.
	check(s *Session, e *sim.Stmt) LessonCheckView
}

// lessonHostFor returns the host of l's protocol, or nil when the browser
// cannot play it yet.
func lessonHostFor(l *lessons.Lesson) lessonHost {
	switch l.Protocol {
	case sim.ProtoPaxos:
		return sdLessonHost{}
	case sim.ProtoMultiPaxos:
		return mpLessonHost{}
	case sim.ProtoRaft:
		return raftLessonHost{}
	}
	return nil
}

// sdLessonHost plays single-decree lessons on a sim.History.
type sdLessonHost struct{}

func (sdLessonHost) enter(s *Session, l *lessons.Lesson, k int) (int, error) {
	h := sim.NewHistory(l.Cluster)
	var items []replayItem
	for _, a := range l.EntryActions(k) {
		items = append(items, replayItem{act: &a})
	}
	// The step's own actions come last: their events play as a sequence
	// when the learner enters the step (a short one: at most
	// maxMoveEvents, as a move forward).
	own := min(len(lessons.Actions(l.Steps[k].Actions)), len(items))
	ctx, cancel := context.WithTimeout(context.Background(), ReplayTimeLimit)
	defer cancel()
	spent, cut, err := replay(ctx, h, items[:len(items)-own], MaxSessionEvents)
	from := h.Step()
	if err == nil && cut == nil {
		var more int
		more, cut, err = replay(ctx, h, items[len(items)-own:], MaxSessionEvents-spent)
		spent += more
	}
	if err == nil && cut != nil {
		err = fmt.Errorf("it needs more than %d events or %v", MaxSessionEvents, ReplayTimeLimit)
	}
	if err != nil {
		return -1, err
	}
	s.h, s.events = h, spent
	return from, nil
}

func (sdLessonHost) run(s *Session, stmts []sim.Stmt) error {
	var acts []string
	from := s.h.Step()
	for _, a := range lessons.Actions(stmts) {
		a := a
		n, err := s.h.Do(&a, nil)
		if err != nil && !errors.Is(err, sim.ErrNothing) {
			return fmt.Errorf("lesson: %s: %v", a.Format(s.h.Config()), err)
		}
		s.events += n
		acts = append(acts, a.Format(s.h.Config()))
	}
	s.setLastRange(from, s.h.Step())
	s.lastAct = strings.Join(acts, "; ")
	return nil
}

func (sdLessonHost) check(s *Session, e *sim.Stmt) LessonCheckView {
	ok, key, args := s.h.State().EvalDetail(e.Expect)
	want, wargs := s.h.State().Want(e.Expect)
	return LessonCheckView{Text: e.Text, OK: ok, Key: key, Args: args, Want: want, WantArgs: wargs}
}

// mpLessonHost plays Multi-Paxos lessons on a sim.MPHistory, with the
// Multi-Paxos view (static/mp.js) beside the lesson.
type mpLessonHost struct{}

func (mpLessonHost) enter(s *Session, l *lessons.Lesson, k int) (int, error) {
	h, err := newLogHistory(l.ClusterLineAt(k))
	if err != nil {
		return -1, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), ReplayTimeLimit)
	defer cancel()
	spent := 0
	for _, st := range l.EntryStmts(k) {
		if ctx.Err() != nil || mpLineBudget(st.Text, MaxSessionEvents-spent) != nil {
			return -1, fmt.Errorf("it needs more than %d events or %v", MaxSessionEvents, ReplayTimeLimit)
		}
		evs, err := h.Do(st.Text)
		if err != nil && !errors.Is(err, sim.ErrNothing) {
			return -1, fmt.Errorf("%s: %v", st.Text, err)
		}
		spent += len(evs)
	}
	s.mp, s.events = h, spent
	s.mpLast = nil
	return -1, nil
}

func (mpLessonHost) run(s *Session, stmts []sim.Stmt) error {
	var evs []sim.MPEvent
	var acts []string
	for _, st := range lessons.ActionStmts(stmts) {
		if err := mpLineBudget(st.Text, MaxSessionEvents-s.events); err != nil {
			return fmt.Errorf("lesson: %s: %v", st.Text, err)
		}
		got, err := s.mp.Do(st.Text)
		if err != nil && !errors.Is(err, sim.ErrNothing) {
			return fmt.Errorf("lesson: %s: %v", st.Text, err)
		}
		s.events += len(got)
		evs = append(evs, got...)
		acts = append(acts, st.Text)
	}
	s.mpLast, s.omitted = evs, 0
	if len(evs) > MaxLastEvents {
		s.mpLast, s.omitted = evs[len(evs)-MaxLastEvents:], len(evs)-MaxLastEvents
	}
	s.lastAct = strings.Join(acts, "; ")
	return nil
}

func (mpLessonHost) check(s *Session, e *sim.Stmt) LessonCheckView {
	ok, key, args := s.mp.EvalDetail(e)
	want, wargs := s.lesson.lesson.AnyCluster.ExpectWords(e)
	return LessonCheckView{Text: e.Text, OK: ok, Key: key, Args: args, Want: want, WantArgs: wargs}
}
