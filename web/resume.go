package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/i18n"
)

// Sessions that survive (issue 10): the browser keeps the record of its
// session (GET /s/{id}/record after each change, in localStorage); when
// the server no longer knows the session (a restart without a store, an
// expiry), the page posts that record to /resume and carries on in the
// session it gets back, saying so. The record is the one the store keeps
// (persist.go): the current branch's script, and for a lesson its step,
// the answer, the reveal and whether the learner was shown the solution.

func (s *Server) resumeRoutes(r chi.Router) {
	r.Get("/s/{id}/record", s.handleRecord)
	r.Post("/resume", s.handleResume)
}

// record returns what the store (and the browser) keeps of the session; it
// runs on the session goroutine.
func (s *Session) record() sessionRecord {
	rec := sessionRecord{Script: s.scriptText(), Seq: s.seq}
	if l := s.lesson; l != nil {
		rec.Lesson, rec.LessonLang, rec.LessonStep = l.lesson.ID, string(l.lesson.Lang), l.step
		rec.Answer, rec.Revealed, rec.Solved = l.answer+1, l.revealed, l.solved
	}
	return rec
}

// setupRecord puts a session just replayed from rec's script back in its
// lesson (when it has one and the lesson still has that step).
func (s *Server) setupRecord(sess *Session, rec sessionRecord) {
	if rec.Lesson == "" {
		return
	}
	set := s.lessonSet()
	if set == nil {
		return
	}
	l := set.Lesson(rec.Lesson, i18n.Parse(rec.LessonLang))
	if l == nil || rec.LessonStep < 0 || rec.LessonStep >= len(l.Steps) {
		return
	}
	run := &lessonRun{lesson: l, answer: -1, step: rec.LessonStep, maxStep: rec.LessonStep}
	if q := l.Steps[rec.LessonStep].Question; q != nil && rec.Answer > 0 && rec.Answer <= len(q.Choices) {
		run.answer = rec.Answer - 1
	}
	run.revealed = rec.Revealed && l.Steps[rec.LessonStep].Question != nil
	run.solved = rec.Solved && l.Steps[rec.LessonStep].Goal != nil
	sess.lesson, sess.lessonFile = run, l
	sess.afterChange()
}

func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		w.WriteHeader(http.StatusNotFound)
		json.NewEncoder(w).Encode(map[string]string{"error": i18n.T(langOf(r), "err.no_session")})
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), pageWait)
	defer cancel()
	var rec sessionRecord
	if err := sess.call(ctx, func(s *Session) { rec = s.record() }); err != nil {
		status, msg := waitErr(langOf(r), err)
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	json.NewEncoder(w).Encode(rec)
}

// handleResume re-creates a session from the record a browser kept; the
// answer is {"id", "url"} or {"error"} (translated).
func (s *Server) handleResume(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	lang := langOf(r)
	fail := func(status int, msg string) {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxScriptBytes+4096))
	var rec sessionRecord
	if err != nil || len(body) > maxScriptBytes+4096-1 || json.Unmarshal(body, &rec) != nil || rec.Script == "" {
		fail(http.StatusBadRequest, i18n.T(lang, "err.bad_form"))
		return
	}
	if len(rec.Script) > maxScriptBytes {
		fail(http.StatusRequestEntityTooLarge, i18n.T(lang, "err.too_large"))
		return
	}
	sess, err := s.create(r, rec.Script, func(sess *Session) error {
		s.setupRecord(sess, rec)
		if rec.Lesson != "" && sess.lesson == nil {
			return errors.New(i18n.T(lang, "err.no_lesson"))
		}
		return nil
	})
	if err != nil {
		status, msg := createError(w, lang, err)
		fail(status, msg)
		return
	}
	s.log.Info("session resumed from a browser's record", "id", sess.ID, "lesson", rec.Lesson)
	json.NewEncoder(w).Encode(map[string]string{"id": sess.ID, "url": "/s/" + sess.ID})
}
