package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/i18n"
)

// gallery caches the checker's shortest counterexample for every bug of
// every protocol: the searches are deterministic, so each runs once, in
// the background from its first asking, one search at a time (some Raft
// cases search for a minute; the page does not wait for them). Keys are
// "protocol/bug".
type gallery struct {
	mu      sync.Mutex
	results map[string]*galleryEntry
	spec    galleryEntry // the MultiPaxos-SMR spec's own bug
	specMu  sync.Once
	last    chan struct{} // closed when the last turn taken ends: the next waits for it
	wg      sync.WaitGroup
	closed  bool
	ctx     context.Context
	cancel  context.CancelFunc
}

type galleryEntry struct {
	quick chan struct{} // closed once the first (quick) pass ended
	done  chan struct{}
	res   *check.Result
	spec  *check.SpecBug
	err   error
}

// galleryTimeout bounds one gallery search; a search runs first within
// galleryQuick, and one that needs longer runs again after the others.
// The gallery page waits for the quick passes (at most galleryPageWait)
// and says which searches are still running.
const (
	galleryQuick    = 5 * time.Second
	galleryTimeout  = 60 * time.Second
	galleryPageWait = 30 * time.Second
)

// entry returns c's entry, starting its search if nobody has.
func (g *gallery) entry(c check.GalleryCase) *galleryEntry {
	key := c.Protocol + "/" + c.Bug
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.results == nil {
		g.results = map[string]*galleryEntry{}
		g.ctx, g.cancel = context.WithCancel(context.Background())
	}
	e := g.results[key]
	if e != nil {
		return e
	}
	e = &galleryEntry{quick: make(chan struct{}), done: make(chan struct{})}
	g.results[key] = e
	if g.closed {
		e.err = ErrShuttingDown
		close(e.quick)
		close(e.done)
		return e
	}
	wait, release := g.turnLocked()
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		defer close(e.done)
		res, err := g.search(c, galleryQuick, wait, release)
		long := err == nil && res.Violation == nil && res.Stop == check.StopTimeout
		if !long {
			e.res, e.err = res, err
		}
		close(e.quick)
		if err == nil && res.Violation == nil && res.Stop == check.StopTimeout {
			// A long one: again with the full time, after the others.
			g.mu.Lock()
			wait, release := g.turnLocked()
			g.mu.Unlock()
			e.res, e.err = g.search(c, galleryTimeout, wait, release)
		}
	}()
	return e
}

// turnLocked takes the next turn to search (g.mu held): wait is closed
// when the turn comes, release ends it.
func (g *gallery) turnLocked() (wait <-chan struct{}, release func()) {
	prev, ch := g.last, make(chan struct{})
	g.last = ch
	return prev, func() { close(ch) }
}

// search runs c's search in its turn, within d.
func (g *gallery) search(c check.GalleryCase, d time.Duration, wait <-chan struct{}, release func()) (*check.Result, error) {
	defer release()
	if wait != nil {
		select {
		case <-wait:
		case <-g.ctx.Done():
			return nil, g.ctx.Err()
		}
	}
	// Not a request's context: the result is shared and cached.
	cctx, cancel := context.WithTimeout(g.ctx, d)
	defer cancel()
	return c.Counterexample(cctx)
}

// get returns c's counterexample, waiting for its search while ctx lasts.
func (g *gallery) get(ctx context.Context, c check.GalleryCase) (*check.Result, error) {
	e := g.entry(c)
	select {
	case <-e.done:
		return e.res, e.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// peek returns c's counterexample if its search ended in its quick pass
// (waiting for that pass while ctx lasts); running is set when the
// search goes on (a long one) or ctx ended first.
func (g *gallery) peek(ctx context.Context, c check.GalleryCase) (res *check.Result, running bool, err error) {
	e := g.entry(c)
	select {
	case <-e.quick:
	case <-e.done:
	case <-ctx.Done():
	}
	select {
	case <-e.done:
		return e.res, false, e.err
	default:
		return nil, true, nil
	}
}

// close stops the searches under way and waits for them.
func (g *gallery) close() {
	g.mu.Lock()
	g.closed = true
	if g.cancel != nil {
		g.cancel()
	}
	g.mu.Unlock()
	g.wg.Wait()
}

// specBug returns the MultiPaxos-SMR spec's counterexample, step by step.
func (g *gallery) specBug() (*check.SpecBug, error) {
	g.specMu.Do(func() { g.spec.spec, g.spec.err = check.MultiPaxosSMRSpecBugSteps() })
	return g.spec.spec, g.spec.err
}

// GalleryItem is one bug on the gallery page.
type GalleryItem struct {
	Protocol  string
	Bug       string
	Key       string // i18n prefix of its texts: gallery.BUG (single-decree), gallery.PROTOCOL.BUG
	Why       string // i18n key of its why-text
	Needs     string
	NeedsKey  string // i18n key of the label of Needs's notation
	Sizes     string // the search's bounds in words
	Bounds    string
	Invariant string
	Steps     int
	States    int
	Seconds   string
	Script    string
	Found     bool
	Computing bool // the search is still running
	Err       string
	PlayURL   string
}

// GallerySection is one protocol's part of the gallery.
type GallerySection struct {
	Protocol string
	Items    []GalleryItem
}

// SpecView is the gallery entry of the MultiPaxos-SMR spec's own bug.
type SpecView struct {
	Invariant, Detail, Bounds, Script string
	Steps                             []SpecStepView
	Err                               string
}

// SpecStepView is one step of the spec's trace, in words.
type SpecStepView struct {
	N               int
	Code            string // Action(replica)
	Words           string
	State, Observed string
	Key             bool // where the bug acts
}

// specKeySteps are the steps of the spec's trace where its bug acts (see
// the why-text and check.smrSpecBugTrace): s1 commits its stale slot 1,
// adopts w1 there as the leader of ballot 3 without running it, and
// acknowledges r1 with the value before w1.
var specKeySteps = []int{13, 16, 19}

func (s *Server) galleryRoutes(r chi.Router) {
	r.Get("/gallery", s.handleGallery)
	r.Get("/gallery/{bug}", s.handleGalleryPlay)
	r.Get("/gallery/{proto}/{bug}", s.handleGalleryPlay)
	r.Get("/s/{id}/search", s.handleSearch)
}

// galleryKey is the i18n prefix of a bug's texts.
func galleryKey(protocol, bug string) string {
	if protocol == check.ProtoPaxos {
		return "gallery." + bug
	}
	return "gallery." + protocol + "." + bug
}

// galleryPlayURL is where a bug's counterexample plays (single-decree
// ones keep their old addresses).
func galleryPlayURL(protocol, bug string) string {
	if protocol == check.ProtoPaxos {
		return "/gallery/" + bug
	}
	return "/gallery/" + protocol + "/" + bug
}

func (s *Server) handleGallery(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "gallery", "gallery.title")
	d := GalleryData{Meta: m}
	// Start every search (in page order), then wait for each until the
	// page's deadline.
	protos := check.GalleryProtocols()
	for _, proto := range protos {
		for _, c := range check.GalleryCases(proto) {
			s.gallery.entry(c)
		}
	}
	wctx, cancel := context.WithTimeout(r.Context(), galleryPageWait)
	defer cancel()
	for _, proto := range protos {
		sec := GallerySection{Protocol: proto}
		for _, c := range check.GalleryCases(proto) {
			it := GalleryItem{Protocol: proto, Bug: c.Bug, Key: galleryKey(proto, c.Bug), Why: galleryWhyKey(c), Needs: c.Needs, NeedsKey: galleryNeedsKey(proto),
				Sizes: gallerySizes(m, c.Sizes), Invariant: c.Invariant, Bounds: c.Bounds, PlayURL: galleryPlayURL(proto, c.Bug)}
			res, running, err := s.gallery.peek(wctx, c)
			switch {
			case running:
				it.Computing = true
			case err != nil:
				it.Err = err.Error()
			case res.Violation != nil:
				it.Found, it.Steps, it.Script = true, res.Violation.Steps, res.Violation.Script
				it.Invariant = res.Violation.Invariant
				it.States, it.Seconds = res.DistinctStates, strconv.FormatFloat(res.Seconds, 'f', 3, 64)
				it.Bounds = res.Bounds
			}
			sec.Items = append(sec.Items, it)
		}
		d.Sections = append(d.Sections, sec)
	}
	d.Spec = s.specView(m)
	s.render(w, r, http.StatusOK, GalleryPage(d))
}

// specView renders the spec's counterexample in words.
func (s *Server) specView(m Meta) *SpecView {
	sb, err := s.gallery.specBug()
	if err != nil {
		return &SpecView{Err: i18n.Fill(m.T("gallery.spec.unavailable"), map[string]string{"err": err.Error()})}
	}
	v := &SpecView{Invariant: sb.Violation.Invariant, Detail: sb.Violation.Detail, Bounds: sb.Bounds, Script: sb.Violation.Script}
	for _, st := range sb.Steps {
		key := "gallery.spec.act." + st.Action
		words := st.Action + " " + st.Arg
		if i18n.Has(key) {
			words = i18n.Fill(m.T(key), map[string]string{"r": st.Replica, "arg": st.Arg})
		}
		v.Steps = append(v.Steps, SpecStepView{N: st.N, Code: st.Action + "(" + st.Replica + ")", Words: words,
			State: st.Replica + ": " + st.State, Observed: st.Observed, Key: slices.Contains(specKeySteps, st.N)})
	}
	return v
}

// gallerySizes says a case's bounds in words: "3 servers, 2 clients, ...".
func gallerySizes(m Meta, z check.Sizes) string {
	var parts []string
	add := func(key string, n int) {
		if n > 0 {
			parts = append(parts, i18n.Fill(m.T("gallery.size."+key), map[string]string{"n": strconv.Itoa(n)}))
		}
	}
	add("servers", z.Servers)
	add("clients", z.Clients)
	add("commands", z.Commands)
	add("ballots", z.Ballots)
	add("terms", z.Terms)
	add("crashes", z.Crashes)
	add("dups", z.Dups)
	add("drops", z.Drops)
	add("retries", z.Retries)
	return strings.Join(parts, m.T("gallery.size.sep"))
}

// handleGalleryPlay opens a session holding the counterexample of a bug,
// at step 0, ready to replay it with pauses where the bug acts.
func (s *Server) handleGalleryPlay(w http.ResponseWriter, r *http.Request) {
	lang := rememberLang(w, r)
	proto := chi.URLParam(r, "proto")
	if proto == "" {
		proto = check.ProtoPaxos
	}
	c, err := check.FindGalleryCase(proto, chi.URLParam(r, "bug"))
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, err.Error())
		return
	}
	res, err := s.gallery.get(r.Context(), c)
	if err != nil || res.Violation == nil {
		s.errorPage(w, r, http.StatusServiceUnavailable, i18n.T(lang, "gallery.none"))
		return
	}
	v := res.Violation
	sess, err := s.create(r, v.Script, func(sess *Session) error {
		sess.gallery = &galleryRun{protocol: proto, bug: c.Bug, why: galleryWhyKey(c), invariant: v.Invariant, pause: []int{}}
		for _, i := range v.BugSteps {
			sess.gallery.pause = append(sess.gallery.pause, i+1) // action i is step i+1: one event each
		}
		if sess.mp != nil {
			return sess.mp.Seek(0)
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
	protocol  string
	bug       string
	why       string // i18n key of the why-text
	invariant string
	pause     []int // steps where the bug acts, in order
}

// GalleryView is the gallery part of a view.
type GalleryView struct {
	Protocol   string `json:"protocol"`
	Bug        string `json:"bug"`
	Why        string `json:"why"` // i18n key
	Invariant  string `json:"invariant"`
	PauseSteps []int  `json:"pause_steps"`
}

// setGalleryView fills a Multi-Paxos or Raft view's replay and gallery
// fields.
func (s *Session) setGalleryView(v *View) {
	v.Replaying, v.PausedBug = s.replaying, s.pausedBug
	if s.gallery != nil {
		v.Gallery = s.galleryView()
	}
}

func (s *Session) galleryView() *GalleryView {
	g := s.gallery
	return &GalleryView{Protocol: g.protocol, Bug: g.bug, Why: g.why, Invariant: g.invariant, PauseSteps: g.pause}
}

// protocol names a session's protocol as check does (set at creation,
// never changed: safe to read from any goroutine).
func (s *Session) protocol() string {
	switch {
	case s.mp == nil:
		return check.ProtoPaxos
	case s.isRaft():
		return check.ProtoRaft
	}
	return check.ProtoMultiPaxos
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
	// Single-decree sessions search with their History's rounds (below);
	// every other protocol through check.SearchFrom, which reads the
	// state from the script. (sess.mp is set at creation, never changed:
	// safe to read here.)
	generic := sess.mp != nil
	if proto := sess.protocol(); generic && !check.CanSearchFrom(proto) {
		w.WriteHeader(http.StatusBadRequest)
		enc.Encode(SearchResult{Error: i18n.T(langOf(r), proto+".search_unavailable")})
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
	if err == nil && !generic {
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
	deep := r.URL.Query().Get("deep") == "1"
	if generic {
		res, b, err := check.SearchFrom(r.Context(), script, deep, 0, 0)
		if err != nil {
			status := http.StatusInternalServerError
			if errors.Is(err, check.ErrOptions) {
				status = http.StatusBadRequest
			}
			w.WriteHeader(status)
			enc.Encode(SearchResult{Error: err.Error()})
			return
		}
		enc.Encode(searchResult(langOf(r), res, searchWordsFrom(langOf(r), b, res.Stop, res.Depth)))
		return
	}
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
		MaxStates: check.FromHereStates, Timeout: check.FromHereTimeout}
	if deep {
		opt.MaxRound = min(opt.MaxRound+1, check.MaxMaxRound)
		opt.Crashes, opt.Dups = 1, 1
		opt.MaxStates, opt.Timeout = check.FromHereDeepStates, check.FromHereDeepTime
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
	enc.Encode(searchResult(langOf(r), res, searchWords(langOf(r), opt, res.Stop, res.Depth)))
}

// searchResult is the answer to a search from here that ran.
func searchResult(lang i18n.Lang, res *check.Result, said string) SearchResult {
	out := SearchResult{States: res.DistinctStates, Depth: res.Depth, Seconds: res.Seconds, Stop: string(res.Stop), Truncated: res.Truncated, Bounds: res.Bounds}
	out.Said = said
	if v := res.Violation; v != nil {
		out.Found, out.Invariant, out.Steps, out.Script = true, v.Invariant, v.Steps, v.Script
		out.URL = "/sandbox?script=" + url.QueryEscape(v.Script)
		out.Said += " " + i18n.Format(lang, "search.found_words", map[string]string{"steps": strconv.Itoa(v.Steps), "inv": v.Invariant})
	}
	return out
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
	Meta     Meta
	Sections []GallerySection
	Spec     *SpecView
}

// galleryWhat and galleryWhy are a bug's texts: what the switch bends and
// why that loses safety.
func galleryWhat(m Meta, it GalleryItem) string {
	if it.Protocol == check.ProtoPaxos {
		return m.T("bug." + it.Bug)
	}
	return m.T(it.Key + ".what")
}

func galleryWhy(m Meta, it GalleryItem) string { return m.T(it.Why) }

// galleryNeedsKey is the label of a protocol's "needs" notation.
func galleryNeedsKey(protocol string) string {
	if protocol == check.ProtoRaft {
		return "raftcheck.needs"
	}
	return "gallery.needs"
}

// galleryWhyKey is the translation key of a case's why-text.
func galleryWhyKey(c check.GalleryCase) string {
	if c.Why != "" {
		return c.Why
	}
	return galleryKey(c.Protocol, c.Bug) + ".why"
}

func galleryStats(m Meta, it GalleryItem) string {
	return i18n.Fill(m.T("gallery.steps"), map[string]string{"n": itoa(it.Steps), "states": fmt.Sprint(it.States), "secs": it.Seconds})
}

// searchWordsFrom says what a search from here of another protocol than
// single-decree looked at (check.SearchFrom's bounds), and where a search
// stopped by its budget got to.
func searchWordsFrom(lang i18n.Lang, b check.SearchBounds, stop check.Stop, depth int) string {
	args := map[string]string{"round": strconv.Itoa(b.MaxRound), "elections": strconv.Itoa(b.Elections),
		"commands": strconv.Itoa(b.Commands), "max": thousands(b.MaxStates),
		"secs": strconv.Itoa(int(b.Timeout / time.Second)), "depth": strconv.Itoa(depth)}
	key := "search.said_mp"
	if b.Protocol == check.ProtoRaft {
		key = "search.said_raft"
	}
	said := i18n.Format(lang, key, args) + " "
	if b.Crashes > 0 || b.Dups > 0 || b.Drops > 0 || b.Retries > 0 {
		said += i18n.T(lang, key+"_deep")
	} else {
		said += i18n.T(lang, key+"_quick")
	}
	switch stop {
	case check.StopMaxStates, check.StopMaxMemory:
		said += " " + i18n.Format(lang, "search.stop_states", args)
	case check.StopTimeout:
		said += " " + i18n.Format(lang, "search.stop_time", args)
	}
	return said
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
