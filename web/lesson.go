package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

// LessonSource gives the current lessons (lessons.Source re-reads a
// --lessons directory when its files change).
type LessonSource interface {
	Lessons() (*lessons.Set, lessons.Diagnostics)
}

// lessonRun is a lesson session's place in its lesson.
type lessonRun struct {
	lesson   *lessons.Lesson
	step     int
	answer   int // chosen answer of the step's question, -1 none
	revealed bool
	met      bool
	checks   []LessonCheckView
	solved   bool           // the learner asked to be shown the solution
	maxStep  int            // furthest step entered
	cmp      *lessonCompare // a comparison step's comparison (cmplesson.go)
	cmpRev   int            // counts the comparisons shown
}

// LessonView is the lesson part of a view: where the learner is and what
// the goal and question say about the current state.
type LessonView struct {
	ID       string            `json:"id"`
	Step     int               `json:"step"`
	Steps    int               `json:"steps"`
	HasGoal  bool              `json:"has_goal"`
	Met      bool              `json:"met"`
	Checks   []LessonCheckView `json:"checks"`
	Answer   int               `json:"answer"`
	Correct  bool              `json:"correct"`
	Revealed bool              `json:"revealed"`
	Solved   bool              `json:"solved"`
	MaxStep  int               `json:"max_step"`
	// Compare: a comparison step's comparison (cmplesson.go).
	Compare *LessonCompareView `json:"compare,omitempty"`
}

// LessonCheckView is one expect line of a goal and whether it holds; Key
// and Args say (translatably) what the state is instead.
type LessonCheckView struct {
	Text string            `json:"text"`
	OK   bool              `json:"ok"`
	Key  string            `json:"key"`
	Args map[string]string `json:"args"`
	// Want and WantArgs say the claim itself in words (translatable).
	Want     string            `json:"want,omitempty"`
	WantArgs map[string]string `json:"want_args,omitempty"`
}

func (s *Session) lessonView() *LessonView {
	l := s.lesson
	lv := &LessonView{ID: l.lesson.ID, Step: l.step, Steps: len(l.lesson.Steps), Answer: l.answer, Revealed: l.revealed,
		Met: l.met, Solved: l.solved, MaxStep: l.maxStep, Checks: []LessonCheckView{}}
	st := &l.lesson.Steps[l.step]
	lv.HasGoal = st.Goal != nil
	lv.Checks = append(lv.Checks, l.checks...)
	if l.cmp != nil {
		lv.Compare = &LessonCompareView{Rev: l.cmpRev, Own: l.cmp.own}
	}
	if q := st.Question; q != nil && l.answer >= 0 {
		lv.Correct = q.IsCorrect(l.answer)
	}
	return lv
}

// afterChange runs after every state change: the goal is checked against
// the state the learner now sees.
func (s *Session) afterChange() {
	if s.lesson == nil {
		return
	}
	st := &s.lesson.lesson.Steps[s.lesson.step]
	host := lessonHostFor(s.lesson.lesson)
	if st.Goal == nil || host == nil {
		s.lesson.met, s.lesson.checks = false, nil
		return
	}
	if st.Compare != nil {
		s.lesson.met, s.lesson.checks = compareChecks(st, s.lesson.cmp)
		return
	}
	s.lesson.met, s.lesson.checks = true, nil
	for i := range st.Goal.Expects {
		e := &st.Goal.Expects[i]
		if !e.IsExpect() {
			continue
		}
		c := host.check(s, e)
		s.lesson.met = s.lesson.met && c.OK
		s.lesson.checks = append(s.lesson.checks, c)
	}
}

// enterStep puts the session in step k's entry state on the canonical path:
// a fresh history replaying the lesson up to there.
func (s *Session) enterStep(k int) error {
	l := s.lesson
	if k < 0 || k >= len(l.lesson.Steps) {
		return fmt.Errorf("lesson: no step %d (the lesson has steps 1..%d)", k+1, len(l.lesson.Steps))
	}
	host := lessonHostFor(l.lesson)
	if host == nil {
		return fmt.Errorf("lesson: %s lessons cannot be played in the browser yet", l.lesson.Protocol)
	}
	from, err := host.enter(s, l.lesson, k)
	if err != nil {
		return fmt.Errorf("lesson: step %d cannot be replayed: %v", k+1, err)
	}
	l.step, l.answer, l.revealed, l.solved = k, -1, false, false
	l.maxStep = max(l.maxStep, k)
	if err := s.enterCompare(); err != nil {
		return fmt.Errorf("lesson: step %d: its comparison does not run: %v", k+1, err)
	}
	s.playing = false
	s.setLast(nil)
	s.lastAct = ""
	if from >= 0 && s.h.Step()-from <= maxMoveEvents {
		s.setLastRange(from, s.h.Step())
	}
	s.afterChange()
	return nil
}

// lessonVerb handles "lesson next|prev|goto K|reset|answer I|reveal|solve".
func (s *Session) lessonVerb(args []string) error {
	if s.lesson == nil {
		return errors.New("lesson: this session is not a lesson")
	}
	if len(args) == 0 {
		return errors.New("usage: lesson next|prev|goto STEP|reset|answer CHOICE|reveal|solve")
	}
	l := s.lesson
	st := &l.lesson.Steps[l.step]
	var err error
	switch args[0] {
	case "next":
		if l.step+1 >= len(l.lesson.Steps) {
			return errors.New("lesson: this is the last step")
		}
		err = s.enterStep(l.step + 1)
	case "prev":
		if l.step == 0 {
			return errors.New("lesson: this is the first step")
		}
		err = s.enterStep(l.step - 1)
	case "reset":
		err = s.enterStep(l.step)
	case "goto":
		if len(args) != 2 {
			return errors.New("usage: lesson goto STEP (1-based)")
		}
		n, perr := strconv.Atoi(args[1])
		if perr != nil {
			return fmt.Errorf("lesson goto: %q is not a step number", args[1])
		}
		err = s.enterStep(n - 1)
	case "answer":
		q := st.Question
		if q == nil || len(q.Choices) == 0 {
			return errors.New("lesson: this step asks no question")
		}
		if len(args) != 2 {
			return errors.New("usage: lesson answer CHOICE (1-based)")
		}
		n, perr := strconv.Atoi(args[1])
		if perr != nil || n < 1 || n > len(q.Choices) {
			return fmt.Errorf("lesson answer: choose 1..%d", len(q.Choices))
		}
		l.answer = n - 1
		if q.Kind == lessons.Predict && !l.revealed {
			err = s.reveal()
		}
	case "reveal":
		q := st.Question
		if q == nil || q.Kind != lessons.Predict {
			return errors.New("lesson: there is nothing to reveal in this step")
		}
		if l.revealed {
			return errors.New("lesson: already revealed")
		}
		err = s.reveal()
	case "solve":
		if st.Goal == nil {
			return errors.New("lesson: this step has no goal")
		}
		if err = s.enterStep(l.step); err == nil {
			err = s.runStmts(st.Goal.Solution)
			if c := st.Compare; err == nil && c != nil && c.Solution != "" {
				err = s.setLessonCompare(c.Solution)
			}
			l.solved = true
		}
	default:
		return fmt.Errorf("lesson: unknown verb %q (next, prev, goto, reset, answer, reveal, solve)", args[0])
	}
	if err != nil {
		return err
	}
	s.afterChange()
	s.publish()
	return nil
}

// reveal runs a prediction's reveal actions from the step's entry state, so
// that every learner sees the same outcome.
func (s *Session) reveal() error {
	l := s.lesson
	q := l.lesson.Steps[l.step].Question
	answer := l.answer
	if err := s.enterStep(l.step); err != nil {
		return err
	}
	l.answer = answer
	if err := s.runStmts(q.Reveal); err != nil {
		return err
	}
	l.revealed = true
	return nil
}

// runStmts performs a lesson's actions through the history, keeping their
// events for the animation.
func (s *Session) runStmts(stmts []sim.Stmt) error {
	host := lessonHostFor(s.lesson.lesson)
	if host == nil {
		return fmt.Errorf("lesson: %s lessons cannot be played in the browser yet", s.lesson.lesson.Protocol)
	}
	return host.run(s, stmts)
}

// Lesson pages.

func (s *Server) lessonSet() *lessons.Set {
	if s.opts.Lessons == nil {
		return nil
	}
	set, _ := s.opts.Lessons.Lessons()
	return set
}

// lessonList returns the home page's lessons in lang. The problems found
// in lesson files are for the instructor (the server log and
// /instructor), not for every visitor.
func (s *Server) lessonList(lang i18n.Lang) (items []LessonItem) {
	if s.opts.Lessons == nil {
		return nil
	}
	set, diags := s.opts.Lessons.Lessons()
	s.lessonLog.report(s.log, diags)
	if set == nil {
		return nil
	}
	for _, sum := range set.List(lang) {
		items = append(items, LessonItem{ID: sum.ID, Title: sum.Title, Summary: sum.Summary, Steps: sum.Steps,
			Minutes: sum.Minutes, Translated: sum.Lang == lang})
	}
	return items
}

func (s *Server) lessonRoutes(r chi.Router) {
	r.Get("/lessons", func(w http.ResponseWriter, req *http.Request) {
		http.Redirect(w, req, "/#lessons-h", http.StatusSeeOther)
	})
	r.Get("/lessons/{id}", s.handleLesson)
	r.Get("/s/{id}/fork", s.handleFork)
}

// handleLesson starts a fresh lesson session from the current lesson file
// (so an instructor's edit shows on reload) at ?step=N (1-based).
func (s *Server) handleLesson(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "lesson", "ui.lesson")
	set := s.lessonSet()
	var l *lessons.Lesson
	if set != nil {
		l = set.Lesson(chi.URLParam(r, "id"), m.Lang)
	}
	if l == nil {
		id := chi.URLParam(r, "id")
		if why := s.brokenLesson(id); why != "" {
			s.lessonLog.unavailable(s.log, id, why)
			s.lessonUnavailable(w, r, m.Lang, id)
			return
		}
		s.errorPage(w, r, http.StatusNotFound, i18n.T(m.Lang, "err.no_lesson"))
		return
	}
	step := 0
	if v := r.URL.Query().Get("step"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > len(l.Steps) {
			s.errorPage(w, r, http.StatusBadRequest, fmt.Sprintf(i18n.T(m.Lang, "err.bad_step"), len(l.Steps)))
			return
		}
		step = n - 1
	}
	sess, err := s.create(r, l.ClusterLine+"\n", func(sess *Session) error {
		sess.lesson = &lessonRun{lesson: l, answer: -1}
		sess.lessonFile = l
		return sess.enterStep(step)
	})
	if err != nil {
		status, msg := createError(w, m.Lang, err)
		if status == http.StatusBadRequest || status == http.StatusInternalServerError {
			// The lesson file, not the learner: the reason is for the
			// instructor (the log, /instructor), not for every visitor.
			s.lessonLog.openFailed(s.log, l.ID, err)
			s.lessonUnavailable(w, r, m.Lang, l.ID)
			return
		}
		s.errorPage(w, r, status, msg)
		return
	}
	s.lessonLog.openFailed(s.log, l.ID, nil)
	// The lesson's session lives in the URL, like a sandbox's: a reload,
	// a language switch and the back button keep the step, the learner's
	// actions, answers and reveals. Without ?step= the page continues
	// where this browser left off (#continue).
	q := url.Values{}
	for _, k := range []string{"lang", "big"} {
		if v := r.URL.Query().Get(k); v != "" {
			q.Set(k, v)
		}
	}
	to := "/s/" + sess.ID
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	if r.URL.Query().Get("step") == "" {
		to += "#continue"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// handleFork continues in a new sandbox from a session's current state.
func (s *Server) handleFork(w http.ResponseWriter, r *http.Request) {
	sess := s.session(w, r)
	if sess == nil {
		return
	}
	script, ok := s.script(w, r, sess)
	if !ok {
		return
	}
	s.openScript(w, r, script)
}

// lessonPage is the lesson content the page embeds: every step's text,
// rendered to safe HTML in the page's language.
func lessonPage(l *lessons.Lesson, lang i18n.Lang, explicitStep bool) *LessonPage {
	p := &LessonPage{ID: l.ID, Title: l.Title, Lang: string(l.Lang), Translated: l.Lang == lang, ExplicitStep: explicitStep}
	p.Summary = l.Summary
	p.Objectives = l.Objectives
	p.Sources = l.Sources
	for _, st := range l.Steps {
		sp := LessonStepContent{Title: st.Title, HTML: lessons.Render(st.Narrative), Compare: st.Compare != nil}
		p.HasCompare = p.HasCompare || st.Compare != nil
		if g := st.Goal; g != nil {
			sp.Goal = &LessonGoalContent{HTML: lessons.Render(g.Text), Hint: lessons.Render(g.Hint)}
		}
		if q := st.Question; q != nil {
			qc := &LessonQuestionContent{Kind: string(q.Kind), HTML: lessons.Render(q.Prompt), Explanation: lessons.Render(q.Explanation), HasReveal: len(q.Reveal) > 0}
			for _, c := range q.Choices {
				qc.Choices = append(qc.Choices, lessons.RenderInline(c.Text))
			}
			sp.Question = qc
		}
		p.Steps = append(p.Steps, sp)
	}
	return p
}

// lessonPage for an existing session (the /s/{id} page of a lesson).
func (s *Server) lessonPage(sess *Session, lang i18n.Lang) *LessonPage {
	l := sess.lessonFile // set before the session started; never changes
	if l == nil {
		return nil
	}
	if set := s.lessonSet(); set != nil {
		if fresh := set.Lesson(l.ID, lang); fresh != nil && len(fresh.Steps) == len(l.Steps) {
			l = fresh
		}
	}
	return lessonPage(l, lang, true)
}
