package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

// openLessonAt opens a built-in lesson at a step as if from addr and
// returns the session id.
func openLessonAt(t *testing.T, h http.Handler, id, step, addr string) string {
	t.Helper()
	req := httptest.NewRequest("GET", "/lessons/"+id+"?lang=en&step="+step, nil)
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/s/") {
		t.Fatalf("open %s step %s: %d %q", id, step, rec.Code, rec.Body.String())
	}
	sid, _, _ := strings.Cut(strings.TrimPrefix(loc, "/s/"), "?")
	return sid
}

func lessonCompareCall(h http.Handler, method, sid, script, addr string) (int, map[string]any) {
	var req *http.Request
	if method == "POST" {
		req = httptest.NewRequest("POST", "/s/"+sid+"/compare", strings.NewReader(url.Values{"script": {script}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest("GET", "/s/"+sid+"/compare", nil)
	}
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var m map[string]any
	json.Unmarshal(rec.Body.Bytes(), &m)
	return rec.Code, m
}

// A lesson's comparison step over HTTP: the session holds the step's
// comparison, the learner's schedule replaces it and the goal is judged on
// it; a bad schedule names its line; a step without a comparison refuses;
// the per-address limits of /compare apply.
func TestLessonCompareAPI(t *testing.T) {
	srv := NewServer(Options{Lessons: lessons.NewSource("")})
	defer srv.Close()
	now := time.Unix(1e9, 0)
	srv.cmpLimits.now = func() time.Time { return now }
	h := srv.Handler()
	const addr = "127.0.0.1:40000"
	set, _ := lessons.Builtin()
	l := set.Lesson("12-paxos-and-raft", "en")
	goal := len(l.Steps) - 1
	if l.Steps[goal].Compare == nil || l.Steps[goal].Goal == nil {
		t.Fatal("lesson 12 does not end with a comparison goal")
	}
	sid := openLessonAt(t, h, "12-paxos-and-raft", "9", addr)
	met := func() (ok bool) {
		sess, err := srv.Registry().Get(sid)
		if err != nil {
			t.Fatal(err)
		}
		sess.call(t.Context(), func(s *Session) { ok = s.lesson.met })
		return
	}
	code, m := lessonCompareCall(h, "GET", sid, "", addr)
	if code != 200 || !strings.Contains(m["script"].(string), "crash leader") || m["own"] != false {
		t.Fatalf("GET: %d %v", code, m["error"])
	}
	if c, _ := m["comparison"].(map[string]any); c == nil || c["raft"] == nil || c["multipaxos"] == nil {
		t.Fatalf("GET: no comparison")
	}
	if met() {
		t.Fatal("the goal holds on the step's own schedule")
	}
	code, m = lessonCompareCall(h, "POST", sid, "compare servers=3 seed=7\nat 80 fly\nrun until=200", addr)
	if code != 400 || !strings.Contains(m["error"].(string), "line 2") {
		t.Errorf("a bad schedule: %d %v", code, m)
	}
	code, m = lessonCompareCall(h, "POST", sid, l.Steps[goal].Compare.Solution, addr)
	if code != 200 || m["own"] != true {
		t.Fatalf("POST: %d %v", code, m["error"])
	}
	if !met() {
		t.Error("the learner's schedule reaches the goal, but it is not met")
	}
	if _, m = lessonCompareCall(h, "GET", sid, "", addr); m["own"] != true || !strings.Contains(m["script"].(string), "partition leader") {
		t.Errorf("GET after the run: %v", m["script"])
	}
	// Reset brings back the step's schedule; "show me" runs the solution's.
	verb := func(args ...string) {
		sess, _ := srv.Registry().Get(sid)
		var err error
		sess.call(t.Context(), func(s *Session) { err = s.lessonVerb(args) })
		if err != nil {
			t.Fatalf("lesson %v: %v", args, err)
		}
	}
	verb("reset")
	if _, m = lessonCompareCall(h, "GET", sid, "", addr); m["own"] != false || !strings.Contains(m["script"].(string), "crash leader") || met() {
		t.Errorf("after reset: %v, met %v", m["script"], met())
	}
	verb("solve")
	if _, m = lessonCompareCall(h, "GET", sid, "", addr); !strings.Contains(m["script"].(string), "partition leader") || !met() {
		t.Errorf("after solve: %v, met %v", m["script"], met())
	}
	// Another step without a comparison.
	other := openLessonAt(t, h, "12-paxos-and-raft", "2", addr)
	if code, _ := lessonCompareCall(h, "POST", other, l.Steps[goal].Compare.Solution, addr); code != http.StatusConflict {
		t.Errorf("POST on a step without a comparison: %d", code)
	}
	if code, _ := lessonCompareCall(h, "GET", "nosuchsession", "", addr); code != http.StatusNotFound {
		t.Errorf("GET of no session: %d", code)
	}
	// The address's burst runs out as on /compare.
	limited := false
	for i := 0; i < 2*compareBurst && !limited; i++ {
		code, _ := lessonCompareCall(h, "POST", sid, l.Steps[goal].Compare.Solution, addr)
		limited = code == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("one address ran comparisons in a lesson without limit")
	}
	if code, _ := lessonCompareCall(h, "POST", sid, l.Steps[goal].Compare.Solution, "127.0.0.9:1"); code != 200 {
		t.Errorf("another address: %d", code)
	}
}

// Every counter a lesson may name is said in both languages.
func TestCompareCounterWords(t *testing.T) {
	for _, c := range lessons.CompareCounters {
		k := "cmpl.c." + c
		if !i18n.Has(k) || i18n.T(i18n.ZH, k) == i18n.T(i18n.EN, k) {
			t.Errorf("%s: no words in both languages", k)
		}
	}
}
