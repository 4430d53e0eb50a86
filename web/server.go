// Package web serves paxviz: the pages (templ), the sessions (one goroutine
// owning each simulation) and the websocket that streams every new state to
// the browser and carries clicks back as script lines.
package web

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/static"
	"github.com/paxviz/paxviz/store"
)

// Options configure a Server.
type Options struct {
	// StaticDir, when set, serves static files from disk (development).
	StaticDir string
	// MaxSessions caps live sessions; IdleTimeout expires sessions with no
	// subscriber and no command for that long.
	MaxSessions int
	IdleTimeout time.Duration
	// Origins are extra host patterns allowed to open websockets (the
	// page's own origin is always allowed).
	Origins []string
	// CommandRate and CommandBurst limit one connection's commands; the
	// Session and Addr pairs limit the commands of all the sockets of one
	// session and of one client address.
	CommandRate         float64
	CommandBurst        int
	SessionCommandRate  float64
	SessionCommandBurst int
	AddrCommandRate     float64
	AddrCommandBurst    int
	// UnwatchedTimeout expires sessions that never had a subscriber.
	UnwatchedTimeout time.Duration
	// One address may create CreateBurst sessions at once, then
	// CreatePerMinute a minute, and hold MaxSessionsPerAddr live ones.
	CreatePerMinute    float64
	CreateBurst        int
	MaxSessionsPerAddr int
	// MaxSockets caps the open websockets in all, per session and per
	// address.
	MaxSockets           int
	MaxSocketsPerSession int
	MaxSocketsPerAddr    int
	// WriteTimeout is the deadline of one websocket write: a client that
	// takes longer to accept a frame is dropped.
	WriteTimeout time.Duration
	// SearchGap is the least one address waits between two searches from
	// here (after a search it waits as long as that search took, at
	// least this); negative: no turns at all (tests).
	SearchGap time.Duration
	// Lessons lists the lessons (nil: none).
	Lessons LessonSource
	Logger  *slog.Logger
	// Store keeps sessions and rooms across restarts (nil: in memory).
	Store store.Store
	// Classroom configures live rooms (room.go).
	Classroom ClassroomOptions
}

// Server is the paxviz web app.
type Server struct {
	opts      Options
	reg       *Registry
	log       *slog.Logger
	mux       http.Handler
	gallery   gallery
	sockets   sockets
	addrCmds  addrBuckets
	searches  searchTurns
	rooms     *roomHub
	lessonLog lessonDiagLog
	cmpLimits compareLimits // comparisons per address (comparelimit.go)
}

// Limits of the web app. The per-address ones are sized for a classroom
// behind one NAT address (a few dozen learners each opening a lesson at
// once) and stop one client from taking the whole server: at the
// defaults one address creates at most 30 + 20 sessions in its first
// minute and 20 a minute after, where the session cap is 2,000.
const (
	DefaultMaxSessions          = 2000
	DefaultIdleTimeout          = 2 * time.Hour
	DefaultUnwatchedTimeout     = 2 * time.Minute
	DefaultCreateBurst          = 30
	DefaultCreatePerMinute      = 20
	DefaultMaxSessionsPerAddr   = 100
	DefaultMaxSockets           = 4000
	DefaultMaxSocketsPerSession = 1000
	DefaultMaxSocketsPerAddr    = 200
	DefaultWriteTimeout         = 5 * time.Second
	DefaultSearchGap            = 2 * time.Second
	// Commands a second (and bursts): a learner clicks or holds a key at
	// a few a second; a page also asks for its log.
	DefaultCommandRate         = 30
	DefaultCommandBurst        = 60
	DefaultSessionCommandRate  = 40
	DefaultSessionCommandBurst = 80
	DefaultAddrCommandRate     = 60
	DefaultAddrCommandBurst    = 120
	maxFrameBytes              = 4096
	maxFormBytes               = 1 << 20
	maxScriptBytes             = 256 << 10
)

// Timeouts of the HTTP server (item 15). A hijacked connection (a
// websocket) has its deadlines cleared by net/http, so none of them cuts a
// socket: a socket's writes have their own deadline (Options.WriteTimeout)
// and the socket caps bound how many may be held.
type Timeouts struct {
	// ReadHeader bounds reading a request's headers, Read the whole
	// request (a 1 MB form on a slow link), Write the time from the end of
	// the headers to the end of the answer (the slowest page is the
	// gallery's first look, whose searches have 60 s), Idle how long a
	// keep-alive connection may wait for its next request.
	ReadHeader, Read, Write, Idle time.Duration
}

// DefaultTimeouts are the HTTP server's timeouts.
var DefaultTimeouts = Timeouts{ReadHeader: 10 * time.Second, Read: 30 * time.Second, Write: 90 * time.Second, Idle: 60 * time.Second}

// maxHeaderBytes bounds a request's headers.
const maxHeaderBytes = 64 << 10

// NewHTTPServer returns an http.Server for h with the timeouts t.
func NewHTTPServer(h http.Handler, t Timeouts) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: t.ReadHeader, ReadTimeout: t.Read, WriteTimeout: t.Write,
		IdleTimeout: t.Idle, MaxHeaderBytes: maxHeaderBytes}
}

// NewServer builds the server and its router.
func NewServer(opts Options) *Server {
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.CommandRate <= 0 {
		opts.CommandRate = DefaultCommandRate
	}
	if opts.CommandBurst <= 0 {
		opts.CommandBurst = DefaultCommandBurst
	}
	if opts.SessionCommandRate <= 0 {
		opts.SessionCommandRate = DefaultSessionCommandRate
	}
	if opts.SessionCommandBurst <= 0 {
		opts.SessionCommandBurst = DefaultSessionCommandBurst
	}
	if opts.AddrCommandRate <= 0 {
		opts.AddrCommandRate = DefaultAddrCommandRate
	}
	if opts.AddrCommandBurst <= 0 {
		opts.AddrCommandBurst = DefaultAddrCommandBurst
	}
	if opts.UnwatchedTimeout <= 0 {
		opts.UnwatchedTimeout = DefaultUnwatchedTimeout
	}
	if opts.CreatePerMinute <= 0 {
		opts.CreatePerMinute = DefaultCreatePerMinute
	}
	if opts.CreateBurst <= 0 {
		opts.CreateBurst = DefaultCreateBurst
	}
	if opts.MaxSessionsPerAddr <= 0 {
		opts.MaxSessionsPerAddr = DefaultMaxSessionsPerAddr
	}
	if opts.MaxSockets <= 0 {
		opts.MaxSockets = DefaultMaxSockets
	}
	if opts.MaxSocketsPerSession <= 0 {
		opts.MaxSocketsPerSession = DefaultMaxSocketsPerSession
	}
	if opts.MaxSocketsPerAddr <= 0 {
		opts.MaxSocketsPerAddr = DefaultMaxSocketsPerAddr
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = DefaultWriteTimeout
	}
	if opts.SearchGap == 0 {
		opts.SearchGap = DefaultSearchGap
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{opts: opts, log: opts.Logger}
	s.reg = NewRegistry(opts.MaxSessions, opts.IdleTimeout)
	s.reg.UnwatchedTimeout = opts.UnwatchedTimeout
	s.reg.CreatePerMinute, s.reg.CreateBurst, s.reg.MaxPerAddr = opts.CreatePerMinute, opts.CreateBurst, opts.MaxSessionsPerAddr
	s.reg.CommandRate, s.reg.CommandBurst = opts.SessionCommandRate, opts.SessionCommandBurst
	s.reg.log = opts.Logger
	s.searches.gap = opts.SearchGap
	s.addrCmds = addrBuckets{rate: opts.AddrCommandRate, burst: float64(opts.AddrCommandBurst), m: map[string]*tokenBucket{}}
	s.sockets = sockets{bySession: map[string]int{}, byAddr: map[string]int{}}
	s.rooms = newRoomHub(s)
	s.mux = s.routes()
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Registry returns the session registry.
func (s *Server) Registry() *Registry { return s.reg }

// Close stops every session: rooms first (they save their state), then
// the sessions; their subscribers are told the server is going away
// (1001), and sessions asked for from now on are refused with 503. It
// waits (at most closeWait) for the sockets to finish their close
// handshakes.
func (s *Server) Close() {
	s.rooms.close()
	s.reg.Close()
	s.gallery.close()
	for deadline := time.Now().Add(closeWait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		s.sockets.mu.Lock()
		n := s.sockets.total
		s.sockets.mu.Unlock()
		if n == 0 {
			return
		}
	}
}

// closeWait bounds how long Close waits for the sockets' close handshakes.
const closeWait = 3 * time.Second

func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(s.logRequests)
	r.Use(securityHeaders)
	r.Get("/healthz", s.handleHealth)
	var staticFS fs.FS = static.FS()
	if s.opts.StaticDir != "" {
		staticFS = os.DirFS(s.opts.StaticDir)
	}
	fileServer := http.StripPrefix("/static/", http.FileServerFS(noDirs{staticFS}))
	r.Get("/static/*", func(w http.ResponseWriter, req *http.Request) {
		if s.opts.StaticDir != "" {
			w.Header().Set("Cache-Control", "no-store")
		} else {
			w.Header().Set("Cache-Control", "public, max-age=300")
		}
		fileServer.ServeHTTP(w, req)
	})
	r.Get("/", s.handleHome)
	r.Get("/sandbox", s.handleSandboxGet)
	r.Post("/sandbox", s.handleSandboxPost)
	r.Get("/p/{code}", s.handlePermalink)
	r.Route("/s/{id}", func(r chi.Router) {
		r.Get("/", s.handleSession)
		r.Get("/export.pxs", s.handleExport)
		r.Get("/link", s.handleLink)
	})
	r.Get("/ws/{id}", s.handleWS)
	s.lessonRoutes(r)
	s.resumeRoutes(r)
	r.Get("/instructor", s.handleInstructor)
	s.galleryRoutes(r)
	s.compareRoutes(r)
	s.roomRoutes(r)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.errorPage(w, req, http.StatusNotFound, i18n.T(langOf(req), "err.not_found"))
	})
	return r
}

// noDirs serves an FS's files but not its directories, so that /static/
// does not list what it holds.
type noDirs struct{ fs.FS }

func (n noDirs) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err != nil || st.IsDir() {
		f.Close()
		return nil, fs.ErrNotExist
	}
	return f, nil
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "status", ww.Status(), "dur", time.Since(start))
	})
}

// securityHeaders sets a strict Content-Security-Policy: only the app's
// own scripts, styles and websocket.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// connect-src 'self' covers the page's own ws:// and wss:// (CSP
		// Level 3); the Host header, the client's to choose, is not copied
		// in.
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// langOf picks the page language: ?lang=, then the lang cookie, then
// Accept-Language.
func langOf(r *http.Request) i18n.Lang {
	if l := r.URL.Query().Get("lang"); l != "" {
		return i18n.Parse(l)
	}
	if c, err := r.Cookie("lang"); err == nil {
		return i18n.Parse(c.Value)
	}
	al := strings.ToLower(r.Header.Get("Accept-Language"))
	if strings.HasPrefix(al, "zh") {
		return i18n.ZH
	}
	return i18n.EN
}

// rememberLang keeps an explicit ?lang= choice in a cookie.
func rememberLang(w http.ResponseWriter, r *http.Request) i18n.Lang {
	lang := langOf(r)
	if r.URL.Query().Get("lang") != "" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: string(lang), Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	}
	return lang
}

// meta builds a page's Meta and remembers an explicit ?lang= choice.
func (s *Server) meta(w http.ResponseWriter, r *http.Request, page, titleKey string) Meta {
	lang := rememberLang(w, r)
	return Meta{Lang: lang, Page: page, Title: i18n.T(lang, titleKey) + " · paxviz", Big: r.URL.Query().Get("big") == "1"}
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.log.Error("render", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, msg string) {
	m := s.meta(w, r, "error", "err.title")
	s.render(w, r, status, ErrorPage(ErrorData{Meta: m, Status: status, Message: msg}))
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "sessions": s.reg.Len()})
}

// examples are the ready-made scenarios on the home page (paxos.md §8).
var examples = []struct{ key, script string }{
	{"ex.happy", "cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n"},
	{"ex.dueling", "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\npropose p2 Y\n"},
	{"ex.backoff", "cluster proposers=2 acceptors=3 learners=1 timeout=6 jitter=12\npropose p1 X\npropose p2 Y\n"},
	{"ex.servers", "cluster servers=3\npropose s1 X\npropose s3 Y\n"},
	{"ex.minority", "cluster proposers=1 acceptors=3 learners=1\ncrash a3\npropose p1 X\n"},
	{"ex.partition", "cluster proposers=2 acceptors=5 learners=1\npartition p1 a1 a2 | *\npropose p1 X\npropose p2 Y\n"},
	{"ex.bug", "cluster proposers=2 acceptors=4 learners=1 bugs=half_quorum\npropose p1 X\npropose p2 Y\n"},
	{"raft.fig8", raftFigure8C},
}

func (s *Server) homeData(m Meta) HomeData {
	d := HomeData{Meta: m, Bugs: sim.BugNames(sim.ProtoPaxos),
		Form: SandboxForm{Mode: "roles", Proposers: 2, Acceptors: 3, Learners: 1, Servers: 3, Seed: 1, Timeout: sim.DefaultTimeoutTicks, Bugs: map[string]bool{}}}
	for _, e := range examples {
		d.Examples = append(d.Examples, Example{TitleKey: e.key, URL: "/sandbox?script=" + url.QueryEscape(e.script)})
	}
	d.Lessons = s.lessonList(m.Lang)
	return d
}

func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	m := s.meta(w, r, "home", "home.title")
	s.render(w, r, http.StatusOK, Home(s.homeData(m)))
}

// handleSandboxGet opens a sandbox replaying ?script= (a permalink).
func (s *Server) handleSandboxGet(w http.ResponseWriter, r *http.Request) {
	src := r.URL.Query().Get("script")
	if src == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.openScript(w, r, src)
}

func (s *Server) openScript(w http.ResponseWriter, r *http.Request, src string) {
	rememberLang(w, r)
	if len(src) > maxScriptBytes {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, i18n.T(langOf(r), "err.too_large"))
		return
	}
	sess, err := s.create(r, src, nil)
	if err != nil {
		status, msg := createError(w, langOf(r), err)
		s.errorPage(w, r, status, msg)
		return
	}
	http.Redirect(w, r, "/s/"+sess.ID, http.StatusSeeOther)
}

// create starts a session for a request: bounded by the request's
// context, its notices in the request's language.
func (s *Server) create(r *http.Request, src string, setup func(*Session) error) (*Session, error) {
	return s.reg.Create(r.Context(), CreateOptions{Src: src, Setup: setup, Lang: langOf(r), Addr: clientAddr(r)})
}

// createStatus is the HTTP status for an error of Registry.Create: the
// server's limits are 503 (try again later), a bad script 400.
func createStatus(err error) int {
	switch {
	case errors.Is(err, ErrAddrLimit):
		return http.StatusTooManyRequests
	case errors.Is(err, ErrTooManySessions), errors.Is(err, ErrShuttingDown),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// createError is the status and the message in lang for an error of
// Registry.Create; a refusal for load says when to try again.
func createError(w http.ResponseWriter, lang i18n.Lang, err error) (int, string) {
	status := createStatus(err)
	switch {
	case errors.Is(err, ErrAddrLimit):
		w.Header().Set("Retry-After", "60")
		return status, i18n.T(lang, "err.addr_sessions")
	case errors.Is(err, ErrTooManySessions):
		w.Header().Set("Retry-After", "60")
		return status, i18n.T(lang, "err.too_many_sessions")
	case errors.Is(err, ErrShuttingDown):
		w.Header().Set("Retry-After", "5")
		return status, i18n.T(lang, "err.shutting_down")
	case status == http.StatusBadRequest:
		return status, i18n.T(lang, "err.bad_script") + " " + openErrorText(lang, err)
	}
	return status, err.Error()
}

// handleSandboxPost starts a sandbox from the home page form: a pasted or
// uploaded script, or the chosen cluster shape.
func (s *Server) handleSandboxPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		err = r.ParseMultipartForm(maxFormBytes)
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, i18n.T(langOf(r), "err.bad_form"))
		return
	}
	src := strings.TrimSpace(r.FormValue("script"))
	if f, _, ferr := r.FormFile("file"); ferr == nil {
		b, _ := io.ReadAll(io.LimitReader(f, maxScriptBytes+1))
		f.Close()
		if len(bytes.TrimSpace(b)) > 0 {
			src = string(b)
		}
	}
	if src == "" {
		src, err = clusterFromForm(r)
		if err != nil {
			m := s.meta(w, r, "home", "home.title")
			d := s.homeData(m)
			d.Errors = []string{openErrorText(m.Lang, err)}
			s.render(w, r, http.StatusBadRequest, Home(d))
			return
		}
	}
	if len(src) > maxScriptBytes {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, i18n.T(langOf(r), "err.too_large"))
		return
	}
	sess, err := s.create(r, src, nil)
	if err != nil {
		m := s.meta(w, r, "home", "home.title")
		d := s.homeData(m)
		status, msg := createError(w, m.Lang, err)
		d.Errors = []string{msg}
		d.Form.Script = src
		s.render(w, r, status, Home(d))
		return
	}
	http.Redirect(w, r, "/s/"+sess.ID, http.StatusSeeOther)
}

// clusterFromForm builds a cluster line from the sandbox form.
func clusterFromForm(r *http.Request) (string, error) {
	num := func(name string, def int) (int, error) {
		v := strings.TrimSpace(r.FormValue(name))
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s: %q is not a whole number", name, v)
		}
		return n, nil
	}
	var parts []string
	if r.FormValue("mode") == "servers" {
		n, err := num("servers", 3)
		if err != nil {
			return "", err
		}
		parts = append(parts, "servers="+itoa(n))
	} else {
		for _, k := range []struct {
			name string
			def  int
		}{{"proposers", 2}, {"acceptors", 3}, {"learners", 1}} {
			n, err := num(k.name, k.def)
			if err != nil {
				return "", err
			}
			parts = append(parts, k.name+"="+itoa(n))
		}
	}
	seed := strings.TrimSpace(r.FormValue("seed"))
	if seed != "" {
		parts = append(parts, "seed="+seed)
	}
	if t := strings.TrimSpace(r.FormValue("timeout")); t != "" {
		parts = append(parts, "timeout="+t)
	}
	if j := strings.TrimSpace(r.FormValue("jitter")); j != "" && j != "0" {
		parts = append(parts, "jitter="+j)
	}
	if bugs := r.Form["bugs"]; len(bugs) > 0 {
		parts = append(parts, "bugs="+strings.Join(bugs, ","))
	}
	line := "cluster " + strings.Join(parts, " ")
	if _, err := sim.ParseCluster(line); err != nil {
		return "", err
	}
	return line + "\n", nil
}

// Permalinks: a script compressed with DEFLATE and base64url-encoded.

// EncodePermalink returns the short permalink path of a script.
func EncodePermalink(script string) string {
	var buf bytes.Buffer
	zw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zw.Write([]byte(script))
	zw.Close()
	return "/p/" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// DecodePermalink reverses EncodePermalink; the output is bounded.
func DecodePermalink(code string) (string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(code)
	if err != nil {
		return "", errors.New("the link is damaged (not base64url)")
	}
	b, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(raw)), maxScriptBytes+1))
	if err != nil {
		return "", errors.New("the link is damaged (bad compressed data)")
	}
	if len(b) > maxScriptBytes {
		return "", errors.New("the linked script is too large")
	}
	return string(b), nil
}

func (s *Server) handlePermalink(w http.ResponseWriter, r *http.Request) {
	src, err := DecodePermalink(chi.URLParam(r, "code"))
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, err.Error())
		return
	}
	s.openScript(w, r, src)
}

func (s *Server) session(w http.ResponseWriter, r *http.Request) *Session {
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, i18n.T(langOf(r), "err.no_session"))
		return nil
	}
	return sess
}

// pageWait bounds how long a page waits for a busy session's goroutine
// (a variable for tests).
var pageWait = 5 * time.Second

// waitErr is the status and message for a session that did not answer a
// page in time: gone (404) or busy (503).
func waitErr(lang i18n.Lang, err error) (int, string) {
	if errors.Is(err, ErrSessionClosed) {
		return http.StatusNotFound, i18n.T(lang, "err.no_session")
	}
	return http.StatusServiceUnavailable, i18n.T(lang, "err.session_busy")
}

// script returns a session's script for a page, waiting at most pageWait
// and no longer than the request; on failure it has written the error
// page.
func (s *Server) script(w http.ResponseWriter, r *http.Request, sess *Session) (string, bool) {
	ctx, cancel := context.WithTimeout(r.Context(), pageWait)
	defer cancel()
	script, err := sess.Script(ctx)
	if err != nil {
		status, msg := waitErr(langOf(r), err)
		if status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "5")
		}
		s.errorPage(w, r, status, msg)
		return "", false
	}
	return script, true
}

func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	sess, err := s.reg.Get(chi.URLParam(r, "id"))
	if err != nil {
		// The page tries to re-create the session from the record this
		// browser kept of it (resume.js), and says so.
		m := s.meta(w, r, "error", "err.title")
		s.render(w, r, http.StatusNotFound, ErrorPage(ErrorData{Meta: m, Status: http.StatusNotFound,
			Message: i18n.T(m.Lang, "err.no_session"), Resume: chi.URLParam(r, "id")}))
		return
	}
	m := s.meta(w, r, "sandbox", "ui.sandbox")
	d := SandboxData{Meta: m, Session: sess.ID, Initial: sess.View()}
	if lp := s.lessonPage(sess, m.Lang); lp != nil {
		d.Lesson = lp
		d.Meta.Page = "lesson"
		d.Meta.Title = lp.Title + " · paxviz"
	}
	s.render(w, r, http.StatusOK, Sandbox(d))
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	sess := s.session(w, r)
	if sess == nil {
		return
	}
	script, ok := s.script(w, r, sess)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="paxviz-`+sess.ID+`.pxs"`)
	io.WriteString(w, "# exported from paxviz; replay with: paxviz run FILE\n")
	io.WriteString(w, script)
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	sess := s.session(w, r)
	if sess == nil {
		return
	}
	script, ok := s.script(w, r, sess)
	if !ok {
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{
		"permalink": EncodePermalink(script),
		"script":    "/sandbox?script=" + url.QueryEscape(script),
	})
}
