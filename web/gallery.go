package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/i18n"
)

// gallery caches the checker's shortest counterexample for every bug: the
// searches are deterministic, so each runs once (on first use).
type gallery struct {
	mu      sync.Mutex
	results map[engine.Bug]*galleryEntry
}

type galleryEntry struct {
	once sync.Once
	res  *check.Result
	err  error
}

func (g *gallery) get(ctx context.Context, bug engine.Bug) (*check.Result, error) {
	g.mu.Lock()
	if g.results == nil {
		g.results = map[engine.Bug]*galleryEntry{}
	}
	e := g.results[bug]
	if e == nil {
		e = &galleryEntry{}
		g.results[bug] = e
	}
	g.mu.Unlock()
	e.once.Do(func() {
		// Not the request's context: the result is shared and cached.
		cctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		e.res, e.err = check.Counterexample(cctx, bug)
	})
	return e.res, e.err
}

// GalleryItem is one bug on the gallery page.
type GalleryItem struct {
	Bug       string
	Needs     string
	Bounds    string
	Invariant string
	Steps     int
	States    int
	Seconds   string
	Script    string
	Found     bool
	Err       string
}

func (s *Server) galleryRoutes(r chi.Router) {
	r.Get("/gallery", s.handleGallery)
	r.Get("/gallery/{bug}", s.handleGalleryPlay)
	r.Get("/s/{id}/search", s.handleSearch)
}

func (s *Server) handleGallery(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "gallery", "gallery.title")
	var items []GalleryItem
	for _, c := range check.BugCases() {
		it := GalleryItem{Bug: c.Bug.String(), Needs: c.Needs, Invariant: c.Options.Invariant}
		res, err := s.gallery.get(r.Context(), c.Bug)
		switch {
		case err != nil:
			it.Err = err.Error()
		case res.Violation != nil:
			it.Found, it.Steps, it.Script = true, res.Violation.Steps, res.Violation.Script
			it.States, it.Seconds = res.DistinctStates, strconv.FormatFloat(res.Seconds, 'f', 3, 64)
			it.Bounds = res.Bounds
		}
		items = append(items, it)
	}
	s.render(w, r, http.StatusOK, GalleryPage(GalleryData{Meta: m, Items: items}))
}

// handleGalleryPlay opens a session holding the counterexample of a bug,
// at step 0, ready to replay it with pauses where the bug acts.
func (s *Server) handleGalleryPlay(w http.ResponseWriter, r *http.Request) {
	lang := rememberLang(w, r)
	bug, err := engine.ParseBug(chi.URLParam(r, "bug"))
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, err.Error())
		return
	}
	res, err := s.gallery.get(r.Context(), bug)
	if err != nil || res.Violation == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, i18n.T(lang, "gallery.none"))
		return
	}
	v := res.Violation
	sess, err := s.create(r, v.Script, func(sess *Session) error {
		sess.gallery = &galleryRun{bug: bug, invariant: v.Invariant, pause: []int{}}
		for _, i := range v.BugSteps {
			sess.gallery.pause = append(sess.gallery.pause, i+1) // action i is step i+1: one event each
		}
		return sess.h.Seek(0)
	})
	if err != nil {
		status, msg := createError(w, lang, err)
		s.errorPage(w, r, status, msg)
		return
	}
	http.Redirect(w, r, "/s/"+sess.ID+"#replay", http.StatusSeeOther)
}

// galleryRun marks a session that plays a bug's counterexample.
type galleryRun struct {
	bug       engine.Bug
	invariant string
	pause     []int // steps where the bug acts, in order
}

// GalleryView is the gallery part of a view.
type GalleryView struct {
	Bug        string `json:"bug"`
	Invariant  string `json:"invariant"`
	PauseSteps []int  `json:"pause_steps"`
}

func (s *Session) galleryView() *GalleryView {
	g := s.gallery
	return &GalleryView{Bug: g.bug.String(), Invariant: g.invariant, PauseSteps: g.pause}
}

// searchSlots bounds concurrent "search from here" requests: a search
// may use a core for seconds.
var searchSlots = make(chan struct{}, 1)

// searchTurns keep one address from holding the search slot: after a
// search, its address waits as long as the search took (at least gap)
// before its next one, so others get turns in between.
type searchTurns struct {
	gap  time.Duration
	mu   sync.Mutex
	next map[string]time.Time // when each address may search again
}

// wait returns how long addr must still wait before searching.
func (t *searchTurns) wait(addr string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.next[addr].Sub(now)
}

// done records that addr searched from start to end.
func (t *searchTurns) done(addr string, start, end time.Time) {
	if t.gap < 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next == nil {
		t.next = map[string]time.Time{}
	}
	if len(t.next) >= maxAddrs {
		for k, at := range t.next {
			if at.Before(end) {
				delete(t.next, k)
			}
		}
	}
	t.next[addr] = end.Add(max(end.Sub(start), t.gap))
}

// SearchResult answers "search from here".
type SearchResult struct {
	Found     bool    `json:"found"`
	Invariant string  `json:"invariant,omitempty"`
	Steps     int     `json:"steps,omitempty"`
	URL       string  `json:"url,omitempty"`
	Script    string  `json:"script,omitempty"`
	States    int     `json:"states"`
	Depth     int     `json:"depth"`
	Seconds   float64 `json:"seconds"`
	Stop      string  `json:"stop"`
	Truncated bool    `json:"truncated"`
	Bounds    string  `json:"bounds"`
	Error     string  `json:"error,omitempty"`
	// Said says in words what was searched, and for a search that
	// stopped at its budget what it covered.
	Said string `json:"said"`
}

// handleSearch runs a bounded search from the session's current state
// (its script is the prefix), within a state and time budget.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	sess := s.session(w, r)
	if sess == nil {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	if sess.mp != nil { // set at creation, never changed: safe to read here
		w.WriteHeader(http.StatusBadRequest)
		key := "mp.search_unavailable"
		if sess.isRaft() {
			key = "raft.search_unavailable"
		}
		enc.Encode(SearchResult{Error: i18n.T(langOf(r), key)})
		return
	}
	busy := func(retry time.Duration) {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(retry, time.Second).Round(time.Second)/time.Second)))
		w.WriteHeader(http.StatusTooManyRequests)
		enc.Encode(SearchResult{Error: i18n.T(langOf(r), "search.busy")})
	}
	addr := clientAddr(r)
	if wait := s.searches.wait(addr, time.Now()); wait > 0 {
		busy(wait)
		return
	}
	wctx, cancel := context.WithTimeout(r.Context(), pageWait)
	defer cancel()
	script, err := sess.Script(wctx)
	var rounds int
	if err == nil {
		rounds, err = maxRound(wctx, sess)
	}
	if err != nil {
		status, msg := waitErr(langOf(r), err)
		w.WriteHeader(status)
		enc.Encode(SearchResult{Error: msg})
		return
	}
	// The slot is taken only now: waiting for a busy session does not
	// hold it.
	select {
	case searchSlots <- struct{}{}:
		defer func() { <-searchSlots }()
	default:
		busy(time.Second)
		return
	}
	start := time.Now()
	defer func() { s.searches.done(addr, start, time.Now()) }()
	cl, prefix, err := check.ParsePrefix(script)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		enc.Encode(SearchResult{Error: err.Error()})
		return
	}
	// Quick bounds by default: proposers that have not proposed yet may
	// propose, nobody starts a ballot beyond the highest round used, no
	// crash or duplicate. ?deep=1 allows one more round, one crash and one
	// duplicate (a far larger search).
	opt := check.EngineOptions{Cluster: cl, Prefix: prefix, MaxRound: min(rounds, check.MaxMaxRound),
		MaxStates: 200_000, Timeout: 8 * time.Second}
	if r.URL.Query().Get("deep") == "1" {
		opt.MaxRound = min(opt.MaxRound+1, check.MaxMaxRound)
		opt.Crashes, opt.Dups = 1, 1
		opt.MaxStates, opt.Timeout = 1_000_000, 20*time.Second
	}
	res, err := check.Engine(r.Context(), opt)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, check.ErrOptions) {
			status = http.StatusBadRequest
		}
		w.WriteHeader(status)
		enc.Encode(SearchResult{Error: err.Error()})
		return
	}
	out := SearchResult{States: res.DistinctStates, Depth: res.Depth, Seconds: res.Seconds, Stop: string(res.Stop), Truncated: res.Truncated, Bounds: res.Bounds}
	out.Said = searchWords(langOf(r), opt, res.Stop, res.Depth)
	if v := res.Violation; v != nil {
		out.Found, out.Invariant, out.Steps, out.Script = true, v.Invariant, v.Steps, v.Script
		out.URL = "/sandbox?script=" + url.QueryEscape(v.Script)
	}
	enc.Encode(out)
}

// maxRound returns the highest ballot round any proposer has used.
func maxRound(ctx context.Context, sess *Session) (int, error) {
	n := 0
	err := sess.call(ctx, func(sess *Session) {
		st := sess.h.State()
		for _, p := range st.Config().Proposers {
			n = max(n, int(st.Nodes()[p].P.RoundUsed))
		}
	})
	if err != nil {
		return 0, err
	}
	return max(n, 1), nil
}

// GalleryData is the gallery page's view model.
type GalleryData struct {
	Meta  Meta
	Items []GalleryItem
}

func galleryWhy(m Meta, bug string) string { return m.T("gallery." + bug + ".why") }

func galleryStats(m Meta, it GalleryItem) string {
	return i18n.Fill(m.T("gallery.steps"), map[string]string{"n": itoa(it.Steps), "states": fmt.Sprint(it.States), "secs": it.Seconds})
}

// searchWords says what a search from here looked at, and where a search
// stopped by its budget got to.
func searchWords(lang i18n.Lang, opt check.EngineOptions, stop check.Stop, depth int) string {
	args := map[string]string{"round": strconv.Itoa(opt.MaxRound), "max": thousands(opt.MaxStates),
		"secs": strconv.Itoa(int(opt.Timeout / time.Second)), "depth": strconv.Itoa(depth)}
	said := i18n.Format(lang, "search.said", args) + " "
	if opt.Crashes > 0 || opt.Dups > 0 {
		said += i18n.T(lang, "search.said_deep")
	} else {
		said += i18n.T(lang, "search.said_quick")
	}
	switch stop {
	case check.StopMaxStates, check.StopMaxMemory:
		said += " " + i18n.Format(lang, "search.stop_states", args)
	case check.StopTimeout:
		said += " " + i18n.Format(lang, "search.stop_time", args)
	}
	return said
}
