package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

// Comparison steps in the lesson player (issue 13): a step with a
// ```compare block (lessons/compare.go) shows the side-by-side panes of
// the /compare page, their shared timeline and counters, with the step's
// schedule in an editor. The learner may edit and run it (POST
// /s/{id}/compare, under the per-address limits of comparelimit.go); the
// step's goal is checked on the comparison the learner last ran, and
// "show me" runs the solution's schedule. The session keeps the
// comparison; the page fetches its frames (GET /s/{id}/compare) whenever
// the view's compare.rev changes.

// lessonCompare is a lesson session's current comparison.
type lessonCompare struct {
	script string
	c      *sim.Comparison
	json   []byte // c, marshalled
	own    bool   // the learner ran it (not the step's, nor the solution's)
}

// LessonCompareView is the comparison part of a lesson view.
type LessonCompareView struct {
	Rev int  `json:"rev"`
	Own bool `json:"own"`
}

// lessonCmpCache keeps the comparisons of lesson schedules (the step's
// own and the solutions): they are few, fixed and run often.
var lessonCmpCache struct {
	sync.Mutex
	m map[string]*lessonCompare
}

const lessonCmpCacheMax = 64

// lessonSchedule runs a schedule written in a lesson (checked by the
// linter), from the cache when it can.
func lessonSchedule(text string) (*lessonCompare, error) {
	lessonCmpCache.Lock()
	lc := lessonCmpCache.m[text]
	lessonCmpCache.Unlock()
	if lc != nil {
		return lc, nil
	}
	sc, err := lessons.ParseLessonCompare(text)
	if err != nil {
		return nil, err
	}
	c, err := sim.RunCompare(sc, true)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	lc = &lessonCompare{script: text, c: c, json: b}
	lessonCmpCache.Lock()
	if lessonCmpCache.m == nil || len(lessonCmpCache.m) >= lessonCmpCacheMax {
		lessonCmpCache.m = map[string]*lessonCompare{}
	}
	lessonCmpCache.m[text] = lc
	lessonCmpCache.Unlock()
	return lc, nil
}

// setLessonCompare makes text the step's current comparison.
func (s *Session) setLessonCompare(text string) error {
	lc, err := lessonSchedule(text)
	if err != nil {
		return err
	}
	if s.lesson.cmp == lc {
		return nil // the same comparison (a reveal, the next step's): the page keeps its place
	}
	s.lesson.cmp = lc
	s.lesson.cmpRev++
	return nil
}

// enterCompare starts a comparison step with its own schedule (or leaves
// a step that has none).
func (s *Session) enterCompare() error {
	l := s.lesson
	st := &l.lesson.Steps[l.step]
	if st.Compare == nil {
		if l.cmp != nil {
			l.cmp = nil
			l.cmpRev++
		}
		return nil
	}
	return s.setLessonCompare(st.Compare.Text)
}

// compareChecks judges a comparison step's goal on the current
// comparison. The words are translated by the page: an argument "@KEY"
// stands for the translation of KEY.
func compareChecks(st *lessons.Step, lc *lessonCompare) (bool, []LessonCheckView) {
	var c *sim.Comparison
	if lc != nil {
		c = lc.c
	}
	all := true
	var out []LessonCheckView
	for i := range st.Compare.Expects {
		e := &st.Compare.Expects[i]
		ok, _ := e.Eval(c)
		all = all && ok
		v := LessonCheckView{Text: e.Text, OK: ok, Want: "cmpl.want_n", WantArgs: map[string]string{
			"ap": protoWord(e.A.Proto), "ac": "@cmpl.c." + e.A.Counter, "op": opWord(e.Op), "n": strconv.Itoa(e.B.N)}}
		if e.B.Proto != "" {
			v.Want = "cmpl.want_o"
			v.WantArgs["bp"], v.WantArgs["bc"] = protoWord(e.B.Proto), "@cmpl.c."+e.B.Counter
		}
		v.Key, v.Args = "cmpl.none", map[string]string{}
		if c != nil {
			v.Key, v.Args = "cmpl.now_n", map[string]string{"ap": v.WantArgs["ap"], "ac": v.WantArgs["ac"], "av": strconv.Itoa(e.A.Value(c))}
			if e.B.Proto != "" {
				v.Key = "cmpl.now_o"
				v.Args["bp"], v.Args["bc"], v.Args["bv"] = v.WantArgs["bp"], v.WantArgs["bc"], strconv.Itoa(e.B.Value(c))
			}
		}
		out = append(out, v)
	}
	return all && len(out) > 0, out
}

func protoWord(p string) string {
	switch p {
	case "multipaxos":
		return "@compare.mp"
	case "raft":
		return "@compare.raft"
	}
	return "@cmpl.p.both"
}

func opWord(op string) string {
	switch op {
	case "!=":
		return "≠"
	case "<=":
		return "≤"
	case ">=":
		return "≥"
	}
	return op
}

// lessonCompareReply is what GET and POST /s/{id}/compare answer.
type lessonCompareReply struct {
	Rev        int             `json:"rev"`
	Script     string          `json:"script"`
	Own        bool            `json:"own"`
	Comparison json.RawMessage `json:"comparison"`
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// lessonCompareNow reads a session's comparison (ok false: the session is
// not on a comparison step).
func lessonCompareNow(ctx context.Context, sess *Session) (rep lessonCompareReply, step int, ok bool, err error) {
	err = sess.call(ctx, func(s *Session) {
		if s.lesson == nil || s.lesson.cmp == nil {
			return
		}
		lc := s.lesson.cmp
		rep = lessonCompareReply{Rev: s.lesson.cmpRev, Script: lc.script, Own: lc.own, Comparison: lc.json}
		step, ok = s.lesson.step, true
	})
	return
}

// handleLessonCompareGet answers the session's current comparison.
func (s *Server) handleLessonCompareGet(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		writeJSONError(w, http.StatusNotFound, i18n.T(lang, "err.no_session"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), pageWait)
	defer cancel()
	rep, _, ok, err := lessonCompareNow(ctx, sess)
	if err != nil {
		status, msg := waitErr(lang, err)
		writeJSONError(w, status, msg)
		return
	}
	if !ok {
		writeJSONError(w, http.StatusConflict, i18n.T(lang, "cmpl.not_here"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(rep)
}

// handleLessonComparePost runs the learner's schedule (form field script)
// in a comparison step, under the per-address limits, and makes it the
// step's comparison: the goal is judged on it and every viewer of the
// session sees it.
func (s *Server) handleLessonComparePost(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, sim.CompareMaxText+4096)
	if err := r.ParseForm(); err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, i18n.Format(lang, "compare.bad", map[string]string{"err": err.Error()}))
		return
	}
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		writeJSONError(w, http.StatusNotFound, i18n.T(lang, "err.no_session"))
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), pageWait)
	defer cancel()
	_, step, ok, err := lessonCompareNow(ctx, sess)
	if err != nil {
		status, msg := waitErr(lang, err)
		writeJSONError(w, status, msg)
		return
	}
	if !ok {
		writeJSONError(w, http.StatusConflict, i18n.T(lang, "cmpl.not_here"))
		return
	}
	script := strings.ReplaceAll(r.PostForm.Get("script"), "\r\n", "\n")
	c, msg, status := s.runCompare(lang, clientAddr(r), script)
	if c == nil {
		writeJSONError(w, status, msg)
		return
	}
	b, err := json.Marshal(c)
	if err != nil || len(b) > compareMaxJSON {
		writeJSONError(w, http.StatusRequestEntityTooLarge, i18n.T(lang, "compare.too_big"))
		return
	}
	var rep lessonCompareReply
	moved := false
	err = sess.call(ctx, func(x *Session) {
		if x.lesson == nil || x.lesson.step != step || x.lesson.cmp == nil {
			moved = true
			return
		}
		x.lesson.cmp = &lessonCompare{script: script, c: c, json: b, own: true}
		x.lesson.cmpRev++
		x.afterChange()
		x.publish()
		rep = lessonCompareReply{Rev: x.lesson.cmpRev, Script: script, Own: true, Comparison: b}
	})
	if err != nil {
		status, msg := waitErr(lang, err)
		writeJSONError(w, status, msg)
		return
	}
	if moved {
		writeJSONError(w, http.StatusConflict, i18n.T(lang, "cmpl.not_here"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(rep)
}
