// Package web serves paxviz: the pages (templ), the sessions (one goroutine
// owning each simulation) and the websocket that streams every new state to
// the browser and carries clicks back as script lines.
package web

import (
	"bytes"
	"compress/flate"
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

	"github.com/paxviz/paxviz/engine"
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
	// CommandRate and CommandBurst limit one connection's commands.
	CommandRate  float64
	CommandBurst int
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
	opts    Options
	reg     *Registry
	log     *slog.Logger
	mux     http.Handler
	gallery gallery
	rooms   *roomHub
}

// Limits of the web app.
const (
	DefaultMaxSessions = 2000
	DefaultIdleTimeout = 2 * time.Hour
	maxFrameBytes      = 4096
	maxFormBytes       = 1 << 20
	maxScriptBytes     = 256 << 10
)

// NewServer builds the server and its router.
func NewServer(opts Options) *Server {
	if opts.MaxSessions <= 0 {
		opts.MaxSessions = DefaultMaxSessions
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.CommandRate <= 0 {
		opts.CommandRate = 30
	}
	if opts.CommandBurst <= 0 {
		opts.CommandBurst = 60
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{opts: opts, log: opts.Logger}
	s.reg = NewRegistry(opts.MaxSessions, opts.IdleTimeout)
	s.reg.log = opts.Logger
	s.rooms = newRoomHub(s)
	s.mux = s.routes()
	return s
}

// Handler returns the HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Registry returns the session registry.
func (s *Server) Registry() *Registry { return s.reg }

// Close stops every session (rooms first: they save their state).
func (s *Server) Close() {
	s.rooms.close()
	s.reg.Close()
}

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
	fileServer := http.StripPrefix("/static/", http.FileServerFS(staticFS))
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
	s.galleryRoutes(r)
	s.roomRoutes(r)
	r.NotFound(func(w http.ResponseWriter, req *http.Request) {
		s.errorPage(w, req, http.StatusNotFound, i18n.T(langOf(req), "err.not_found"))
	})
	return r
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
		host := r.Host
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self' ws://"+host+" wss://"+host+"; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
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
}

func (s *Server) homeData(m Meta) HomeData {
	d := HomeData{Meta: m, Bugs: engine.AllBugs,
		Form: SandboxForm{Mode: "roles", Proposers: 2, Acceptors: 3, Learners: 1, Servers: 3, Seed: 1, Timeout: sim.DefaultTimeoutTicks, Bugs: map[string]bool{}}}
	for _, e := range examples {
		d.Examples = append(d.Examples, Example{TitleKey: e.key, URL: "/sandbox?script=" + url.QueryEscape(e.script)})
	}
	d.Lessons, d.LessonErrors = s.lessonList(m.Lang)
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
	sess, err := s.reg.Create(src, nil)
	if err != nil {
		status := http.StatusBadRequest
		if errors.Is(err, ErrTooManySessions) {
			status = http.StatusServiceUnavailable
		}
		s.errorPage(w, r, status, i18n.T(langOf(r), "err.bad_script")+" "+err.Error())
		return
	}
	http.Redirect(w, r, "/s/"+sess.ID, http.StatusSeeOther)
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
			d.Errors = []string{err.Error()}
			s.render(w, r, http.StatusBadRequest, Home(d))
			return
		}
	}
	if len(src) > maxScriptBytes {
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, i18n.T(langOf(r), "err.too_large"))
		return
	}
	sess, err := s.reg.Create(src, nil)
	if err != nil {
		m := s.meta(w, r, "home", "home.title")
		d := s.homeData(m)
		d.Errors = []string{i18n.T(m.Lang, "err.bad_script") + " " + err.Error()}
		d.Form.Script = src
		status := http.StatusBadRequest
		if errors.Is(err, ErrTooManySessions) {
			status = http.StatusServiceUnavailable
		}
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

func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	sess := s.session(w, r)
	if sess == nil {
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
	script, err := sess.Script(r.Context())
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, i18n.T(langOf(r), "err.no_session"))
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="paxviz-`+sess.ID+`.pxs"`)
	io.WriteString(w, "# exported from paxviz; replay with: paxviz run FILE\n")
	io.WriteString(w, script)
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	sess := s.session(w, r)
	if sess == nil {
		return
	}
	script, err := sess.Script(r.Context())
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound, i18n.T(langOf(r), "err.no_session"))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{
		"permalink": EncodePermalink(script),
		"script":    "/sandbox?script=" + url.QueryEscape(script),
	})
}
