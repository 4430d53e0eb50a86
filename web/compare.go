package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// The side-by-side page (issue 13, raft.md §8): one schedule run on
// Multi-Paxos and on Raft, two panes driven by one timeline, the counters
// compared. The server runs both protocols to the end and sends the
// per-tick frames; the page only scrubs through them.

// Web budgets on a comparison (the engine's own are wider).
const (
	compareWebUntil = 1000
	compareMaxJSON  = 6 << 20
)

// compareSlots bounds the comparisons computed at once.
var compareSlots = make(chan struct{}, 2)

// CompareExampleView is a ready schedule offered on the page.
type CompareExampleView struct {
	Name, Text string
}

// CompareData is the side-by-side page's view model.
type CompareData struct {
	Meta     Meta
	Script   string
	Examples []CompareExampleView
	Initial  []byte // the comparison of Script (JSON), or nil with Error
	Error    string
}

func (s *Server) compareRoutes(r chi.Router) {
	r.Get("/compare", s.handleCompare)
	r.Post("/compare", s.handleComparePost)
	r.Get("/s/{id}/compare", s.handleLessonCompareGet)
	r.Post("/s/{id}/compare", s.handleLessonComparePost)
}

func compareExamples() []CompareExampleView {
	out := make([]CompareExampleView, 0, len(sim.CompareExamples))
	for _, ex := range sim.CompareExamples {
		out = append(out, CompareExampleView{Name: ex.Name, Text: ex.Text})
	}
	return out
}

// runCompareJSON parses and runs a schedule for the address addr within
// the web budgets (comparelimit.go); the error is in the reader's
// language.
func (s *Server) runCompareJSON(lang i18n.Lang, addr, text string) ([]byte, string, int) {
	c, msg, status := s.runCompare(lang, addr, text)
	if c == nil {
		return nil, msg, status
	}
	b, err := json.Marshal(c)
	if err != nil || len(b) > compareMaxJSON {
		return nil, i18n.T(lang, "compare.too_big"), http.StatusRequestEntityTooLarge
	}
	return b, "", http.StatusOK
}

// runCompare is runCompareJSON without the JSON.
func (s *Server) runCompare(lang i18n.Lang, addr, text string) (*sim.Comparison, string, int) {
	sc, err := sim.ParseCompare(text)
	if err != nil {
		return nil, i18n.Format(lang, "compare.bad", map[string]string{"err": err.Error()}), http.StatusBadRequest
	}
	if sc.Until > compareWebUntil {
		return nil, i18n.Format(lang, "compare.too_long", map[string]string{"n": itoa(compareWebUntil)}), http.StatusBadRequest
	}
	switch s.cmpLimits.acquire(addr) {
	case compareTooFast:
		return nil, i18n.T(lang, "compare.too_fast"), http.StatusTooManyRequests
	case compareAddrBusy:
		return nil, i18n.T(lang, "compare.addr_busy"), http.StatusTooManyRequests
	}
	defer s.cmpLimits.release(addr)
	select {
	case compareSlots <- struct{}{}:
		defer func() { <-compareSlots }()
	default:
		return nil, i18n.T(lang, "compare.busy"), http.StatusServiceUnavailable
	}
	c, err := sim.RunCompare(sc, true)
	if err != nil {
		return nil, i18n.Format(lang, "compare.bad", map[string]string{"err": err.Error()}), http.StatusBadRequest
	}
	return c, "", http.StatusOK
}

// handleCompare shows the page with ?script= (a permalink), ?ex=NAME, or
// the first example, already run.
func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "compare", "compare.title")
	q := r.URL.Query()
	d := CompareData{Meta: m, Examples: compareExamples(), Script: sim.CompareExamples[0].Text}
	for _, ex := range sim.CompareExamples {
		if ex.Name == q.Get("ex") {
			d.Script = ex.Text
		}
	}
	if src := q.Get("script"); src != "" {
		d.Script = src
	}
	if len(d.Script) > sim.CompareMaxText {
		d.Script = d.Script[:sim.CompareMaxText]
	}
	d.Script = strings.ReplaceAll(d.Script, "\r\n", "\n")
	var status int
	d.Initial, d.Error, status = s.runCompareJSON(m.Lang, clientAddr(r), d.Script)
	s.render(w, r, status, ComparePage(d))
}

// handleComparePost runs the posted schedule (form field script) and
// answers JSON: the comparison, or {"error": "..."}.
func (s *Server) handleComparePost(w http.ResponseWriter, r *http.Request) {
	lang := langOf(r)
	r.Body = http.MaxBytesReader(w, r.Body, sim.CompareMaxText+4096)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		json.NewEncoder(w).Encode(map[string]string{"error": i18n.Format(lang, "compare.bad", map[string]string{"err": err.Error()})})
		return
	}
	b, msg, status := s.runCompareJSON(lang, clientAddr(r), strings.ReplaceAll(r.PostForm.Get("script"), "\r\n", "\n"))
	if status != http.StatusOK {
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{"error": msg})
		return
	}
	w.Write(b)
}
