package web

import (
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

// lessonDiagLog writes the problems of the lesson files to the server log
// when they change (not on every page).
type lessonDiagLog struct {
	mu   sync.Mutex
	last string
	// failed holds, per lesson id, why a lesson that reads cleanly could
	// not be opened (its steps do not replay here); bounded by the number
	// of lessons, since only known lessons are opened.
	failed map[string]string
	// said is what was last logged about a lesson's URL, per lesson id.
	said map[string]string
}

// unavailable writes to the server log, once per reason, why lesson id's
// URL cannot be served.
func (l *lessonDiagLog) unavailable(log *slog.Logger, id, why string) {
	l.mu.Lock()
	if l.said == nil {
		l.said = map[string]string{}
	}
	changed := l.said[id] != why
	l.said[id] = why
	l.mu.Unlock()
	if changed {
		log.Error("lesson unavailable: its URL shows visitors \"this lesson is unavailable\"", "lesson", id, "why", why)
	}
}

// openFailed records (and logs) that lesson id's steps could not be
// replayed; ok clears it once the lesson opens again.
func (l *lessonDiagLog) openFailed(log *slog.Logger, id string, err error) {
	l.mu.Lock()
	if l.failed == nil {
		l.failed = map[string]string{}
	}
	if err == nil {
		delete(l.failed, id)
		l.mu.Unlock()
		return
	}
	l.failed[id] = err.Error()
	l.mu.Unlock()
	l.unavailable(log, id, err.Error())
}

// failures lists the lessons that could not be opened, by id.
func (l *lessonDiagLog) failures() []LessonProblem {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []LessonProblem
	for id, why := range l.failed {
		out = append(out, LessonProblem{ID: id, File: id, Where: id, Msg: why, Hidden: true})
	}
	slices.SortFunc(out, func(a, b LessonProblem) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (l *lessonDiagLog) report(log *slog.Logger, diags lessons.Diagnostics) {
	text := diags.Error()
	l.mu.Lock()
	changed := text != l.last
	l.last = text
	l.mu.Unlock()
	if !changed {
		return
	}
	for _, d := range diags {
		if d.Severity == lessons.SevError {
			log.Error("lesson file: the lesson is not shown", "problem", d.Error())
		} else {
			log.Warn("lesson file: the lesson is shown", "problem", d.Error())
		}
	}
}

// lessonProblems are the diagnostics for the instructor's page: file names
// without the server's directories.
func lessonProblems(diags lessons.Diagnostics) []LessonProblem {
	var out []LessonProblem
	for _, d := range diags {
		where := filepath.Base(d.File)
		if d.Line > 0 {
			where += ":" + strconv.Itoa(d.Line)
		}
		msg := d.Msg
		if dir := filepath.Dir(d.File); dir != "." && dir != "" {
			msg = strings.ReplaceAll(msg, dir+string(filepath.Separator), "")
		}
		id, _, _ := lessons.ParseName(filepath.Base(d.File))
		out = append(out, LessonProblem{ID: id, File: filepath.Base(d.File), Where: where, Msg: msg, Hidden: d.Severity == lessons.SevError})
	}
	return out
}

// handleInstructor shows the problems found in the lesson files and the
// lessons that could not be opened; ?lesson=ID shows only why that
// lesson is unavailable (the link its URL gives).
func (s *Server) handleInstructor(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "instructor", "instr.title")
	d := InstructorData{Meta: m}
	if s.opts.Lessons != nil {
		_, diags := s.opts.Lessons.Lessons()
		s.lessonLog.report(s.log, diags)
		d.Problems = append(lessonProblems(diags), s.lessonLog.failures()...)
	}
	if id := r.URL.Query().Get("lesson"); id != "" {
		d.Focus = id
		d.Problems = slices.DeleteFunc(d.Problems, func(p LessonProblem) bool { return p.ID != id })
	}
	s.render(w, r, http.StatusOK, InstructorPage(d))
}

// brokenLesson says, for the server log and the instructor, why lesson id
// is not served: the errors of its files ("" when no file of that id has
// one: the lesson does not exist).
func (s *Server) brokenLesson(id string) string {
	if s.opts.Lessons == nil || id == "" {
		return ""
	}
	_, diags := s.opts.Lessons.Lessons()
	var why []string
	for _, p := range lessonProblems(diags) {
		if p.ID == id && p.Hidden {
			why = append(why, p.Where+": "+p.Msg)
		}
	}
	return strings.Join(why, "; ")
}

// lessonUnavailable is the page a visitor gets for a broken lesson's URL:
// a plain "this lesson is unavailable" (no file names, no server paths),
// with a link for the instructor to the reason.
func (s *Server) lessonUnavailable(w http.ResponseWriter, r *http.Request, lang i18n.Lang, id string) {
	m := s.meta(w, r, "error", "err.title")
	s.render(w, r, http.StatusServiceUnavailable, ErrorPage(ErrorData{Meta: m, Status: http.StatusServiceUnavailable,
		Message: i18n.T(lang, "err.lesson_unavailable"), Instructor: "/instructor?lesson=" + url.QueryEscape(id)}))
}
