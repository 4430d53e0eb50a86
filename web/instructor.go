package web

import (
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/paxviz/paxviz/lessons"
)

// lessonDiagLog writes the problems of the lesson files to the server log
// when they change (not on every page).
type lessonDiagLog struct {
	mu   sync.Mutex
	last string
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
		out = append(out, LessonProblem{File: filepath.Base(d.File), Where: where, Msg: msg, Hidden: d.Severity == lessons.SevError})
	}
	return out
}

// handleInstructor shows the problems found in the lesson files.
func (s *Server) handleInstructor(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "instructor", "instr.title")
	d := InstructorData{Meta: m}
	if s.opts.Lessons != nil {
		_, diags := s.opts.Lessons.Lessons()
		s.lessonLog.report(s.log, diags)
		d.Problems = lessonProblems(diags)
	}
	s.render(w, r, http.StatusOK, InstructorPage(d))
}
