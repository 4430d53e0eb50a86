package web

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// newTestServer starts the app on an httptest server; both stop at the
// end of the test.
func newTestServer(t testing.TB, opts Options) (*Server, *httptest.Server) {
	t.Helper()
	srv := NewServer(opts)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	return srv, ts
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t testing.TB, u string) (*http.Response, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// getFollow is get following redirects (a lesson redirects to its session).
func getFollow(t testing.TB, u string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// openScript opens a sandbox for script and returns its session id.
func openScript(t testing.TB, base, script string) string {
	t.Helper()
	resp, body := get(t, base+"/sandbox?script="+url.QueryEscape(script))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("open script: %d %s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/s/") {
		t.Fatalf("redirect to %q", loc)
	}
	return strings.TrimPrefix(loc, "/s/")
}

func TestHomePage(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	resp, body := get(t, ts.URL+"/")
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{`id="sandbox-form"`, `name="bugs" value="no_adopt"`, `/static/home.js`, `id="i18n"`, "Learn Paxos by driving it"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
	// Chinese: from ?lang=zh (and remembered in a cookie), or Accept-Language.
	resp, body = get(t, ts.URL+"/?lang=zh")
	if !strings.Contains(body, "动手驱动，学会 Paxos") || !strings.Contains(body, `lang="zh-Hans"`) {
		t.Error("?lang=zh does not give the Chinese page")
	}
	if c := resp.Cookies(); len(c) == 0 || c[0].Name != "lang" || c[0].Value != "zh" {
		t.Errorf("language choice not kept: %v", c)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/", nil)
	req.Header.Set("Accept-Language", "zh-CN,zh;q=0.9")
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := io.ReadAll(r2.Body)
	r2.Body.Close()
	if !strings.Contains(string(b2), "动手驱动") {
		t.Error("Accept-Language: zh not honoured")
	}
}

func TestHealthzAndNotFound(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	resp, body := get(t, ts.URL+"/healthz")
	if resp.StatusCode != 200 || !strings.Contains(body, `"ok":true`) {
		t.Errorf("healthz: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, ts.URL+"/no/such/page")
	if resp.StatusCode != 404 || !strings.Contains(body, "There is no such page") {
		t.Errorf("404: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, ts.URL+"/s/nosuchsession/")
	if resp.StatusCode != 404 {
		t.Errorf("missing session: %d", resp.StatusCode)
	}
}

func TestSandboxFromForm(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	form := url.Values{"mode": {"roles"}, "proposers": {"2"}, "acceptors": {"5"}, "learners": {"2"}, "seed": {"42"}, "timeout": {"7"}, "bugs": {"no_adopt", "half_quorum"}}
	resp, err := noRedirect.PostForm(ts.URL+"/sandbox", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d", resp.StatusCode)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/s/")
	_, body := get(t, ts.URL+"/s/"+id+"/export.pxs")
	want := "cluster proposers=2 acceptors=5 learners=2 seed=42 bugs=no_adopt,half_quorum timeout=7"
	if !strings.Contains(body, want) {
		t.Errorf("export = %q, want %q", body, want)
	}
	// Servers mode.
	resp, _ = noRedirect.PostForm(ts.URL+"/sandbox", url.Values{"mode": {"servers"}, "servers": {"5"}})
	resp.Body.Close()
	_, body = get(t, ts.URL+resp.Header.Get("Location")+"/export.pxs")
	if !strings.Contains(body, "cluster servers=5 seed=1") {
		t.Errorf("servers export = %q", body)
	}
	// A bad shape re-renders the form with the error.
	resp, err = noRedirect.PostForm(ts.URL+"/sandbox", url.Values{"acceptors": {"12"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "acceptors=12: must be 1..9") {
		t.Errorf("bad form: %d %s", resp.StatusCode, b)
	}
}

func TestSandboxFromScriptLink(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	script := "cluster proposers=1 acceptors=3 seed=7\npropose p1 X\ndeliver prepare p1->*\n"
	id := openScript(t, ts.URL, script)
	resp, body := get(t, ts.URL+"/s/"+id+"/")
	if resp.StatusCode != 200 || !strings.Contains(body, `id="initial"`) || !strings.Contains(body, `"step":4`) {
		t.Fatalf("session page: %d (want the initial view at step 4)", resp.StatusCode)
	}
	_, exp := get(t, ts.URL+"/s/"+id+"/export.pxs")
	if !strings.Contains(exp, "cluster proposers=1 acceptors=3 learners=1 seed=7\npropose p1 X\ndeliver prepare p1->*\n") {
		t.Errorf("export:\n%s", exp)
	}
	// A bad script names its line.
	resp, body = get(t, ts.URL+"/sandbox?script="+url.QueryEscape("cluster proposers=1 acceptors=3\npropose p9 X\n"))
	if resp.StatusCode != 400 || !strings.Contains(body, "script:2: propose: unknown node") {
		t.Errorf("bad script: %d %s", resp.StatusCode, body)
	}
	resp, body = get(t, ts.URL+"/sandbox?script="+url.QueryEscape("cluster proposers=1 acceptors=3\ndeliver #5\n"))
	if resp.StatusCode != 400 || !strings.Contains(body, "script:2: deliver: no in-flight message matches") {
		t.Errorf("impossible script: %d %s", resp.StatusCode, body)
	}
}

func TestPermalink(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	script := "cluster servers=3 seed=3\npropose s1 X\nrun max=20 drop=0.1\n"
	code := EncodePermalink(script)
	if len(code) > len("/sandbox?script=")+len(url.QueryEscape(script)) {
		t.Errorf("permalink %q is not shorter than the script link", code)
	}
	back, err := DecodePermalink(strings.TrimPrefix(code, "/p/"))
	if err != nil || back != script {
		t.Fatalf("round trip: %q, %v", back, err)
	}
	resp, _ := get(t, ts.URL+code)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("permalink: %d", resp.StatusCode)
	}
	_, exp := get(t, ts.URL+resp.Header.Get("Location")+"/export.pxs")
	if !strings.Contains(exp, "run max=20 drop=0.1") {
		t.Errorf("permalink session export:\n%s", exp)
	}
	for _, bad := range []string{"!!!", "AAAA", strings.Repeat("x", 50)} {
		if resp, _ := get(t, ts.URL+"/p/"+bad); resp.StatusCode != 400 {
			t.Errorf("/p/%s: %d", bad, resp.StatusCode)
		}
	}
	// The link endpoint gives both forms for the current state.
	id := openScript(t, ts.URL, script)
	_, j := get(t, ts.URL+"/s/"+id+"/link")
	if !strings.Contains(j, `"permalink":"/p/`) || !strings.Contains(j, `"script":"/sandbox?script=`) {
		t.Errorf("link: %s", j)
	}
}

func TestSessionCapAndExpiry(t *testing.T) {
	srv, ts := newTestServer(t, Options{MaxSessions: 2, IdleTimeout: 150 * time.Millisecond})
	openScript(t, ts.URL, "cluster proposers=1 acceptors=1")
	openScript(t, ts.URL, "cluster proposers=1 acceptors=1")
	resp, body := get(t, ts.URL+"/sandbox?script="+url.QueryEscape("cluster proposers=1 acceptors=1"))
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "too many live sessions") || resp.Header.Get("Retry-After") == "" {
		t.Errorf("third session: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.Registry().Len() > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := srv.Registry().Len(); n != 0 {
		t.Errorf("%d idle sessions did not expire", n)
	}
}

// TestTranslationKeys: every key the pages and scripts use exists in both
// languages.
func TestTranslationKeys(t *testing.T) {
	keyRE := regexp.MustCompile(`(?:\bT|\bt)\("((?:ui|home|err|ex|keys|role|phase|msg|inv|viol|note|bug|lesson|gallery)\.[a-z0-9_.-]+[a-z0-9])"`)
	files, _ := filepath.Glob("*.templ")
	more, _ := filepath.Glob("*.go")
	js, _ := filepath.Glob("../static/*.js")
	files = append(append(files, more...), js...)
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_templ.go") || strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !i18n.Has(m[1]) {
				t.Errorf("%s uses %q, which is not in the translation table", f, m[1])
			}
		}
	}
	for _, k := range []string{"keys.step", "ex.happy", "err.no_session"} {
		if !i18n.Has(k) {
			t.Errorf("missing %s", k)
		}
	}
	for _, s := range shortcuts {
		if !i18n.Has(s.Key) {
			t.Errorf("shortcut key %s missing", s.Key)
		}
	}
	for _, e := range examples {
		if !i18n.Has(e.key) {
			t.Errorf("example key %s missing", e.key)
		}
	}
	if seen < 50 {
		t.Errorf("found only %d key uses; the scanner is broken", seen)
	}
	if m := i18n.Missing(); len(m) > 0 {
		t.Errorf("keys without Chinese: %v", m)
	}
}

// newServerForBench serves srv on an httptest server (benchmarks).
func newServerForBench(srv *Server) *httptest.Server { return httptest.NewServer(srv.Handler()) }

// TestLessonsDirReload: lessons read from --lessons DIR appear on the home
// page, change when the file changes (no rebuild, no restart), and a
// broken lesson file is reported to the instructor without hiding the
// others.
func TestLessonsDirReload(t *testing.T) {
	dir := t.TempDir()
	lesson := func(title string) string {
		return "---\ntitle: " + title + "\nsummary: A test lesson.\nobjectives:\n- Deliver prepares.\ncluster: proposers=1 acceptors=3 learners=1\n---\n\n" +
			"## Start\n\np1 proposes X.\n\n```actions\npropose p1 X\n```\n\n### Goal\n\nDeliver the prepares.\n\n```goal\nexpect promised a1 1.1\n```\n\n### Hint\n\nDeliver them.\n\n```solution\ndeliver prepare p1->*\n```\n"
	}
	write := func(name, src string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("90-mine.en.md", lesson("My first lesson"))
	src := lessons.NewSource(dir)
	src.PollInterval = 0
	var logBuf syncBuffer
	_, ts := newTestServer(t, Options{Lessons: src, Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
	_, body := get(t, ts.URL+"/")
	if !strings.Contains(body, "My first lesson") || !strings.Contains(body, "Agreement by message passing") {
		t.Fatalf("home page lacks the directory lesson or the built-in ones")
	}
	time.Sleep(10 * time.Millisecond) // a new modification time
	write("90-mine.en.md", lesson("My edited lesson"))
	_, body = get(t, ts.URL+"/")
	if !strings.Contains(body, "My edited lesson") || strings.Contains(body, "My first lesson") {
		t.Errorf("the edit does not show after a reload")
	}
	resp, page := getFollow(t, ts.URL+"/lessons/90-mine")
	if resp.StatusCode != 200 || !strings.Contains(page, "My edited lesson") {
		t.Errorf("lesson page: %d", resp.StatusCode)
	}
	if !strings.Contains(page, `<li>Deliver prepares.</li>`) {
		t.Errorf("the lesson page does not show the lesson's objectives")
	}
	write("91-broken.en.md", "---\ntitle: Broken\nsummary: x\ncluster: proposers=1 acceptors=3\n---\n\n## S\n\nText.\n\n```actions\ndeliver accept p1->a1\n```\n")
	_, body = get(t, ts.URL+"/")
	if !strings.Contains(body, "My edited lesson") {
		t.Errorf("a broken lesson must not hide the others")
	}
	if strings.Contains(body, "91-broken") || strings.Contains(body, dir) {
		t.Errorf("the home page shows lesson file problems to every visitor")
	}
	// The instructor sees them, file:line without the server's directory,
	// and that the lesson is hidden; the server log has them too.
	_, page = get(t, ts.URL+"/instructor")
	if !strings.Contains(page, "91-broken.en.md:") || strings.Contains(page, dir) || !strings.Contains(page, "the lesson is not shown") {
		t.Errorf("the instructor page does not report the broken lesson (file:line, hidden, no server path):\n%s", page)
	}
	if !strings.Contains(logBuf.String(), "91-broken.en.md") {
		t.Errorf("the server log does not report the broken lesson: %q", logBuf.String())
	}
	// The broken lesson's URL: visitors read a plain "unavailable" (no
	// file, no path, no engine words); the instructor's link and the log
	// say why.
	for _, lang := range []string{"en", "zh"} {
		req, _ := http.NewRequest("GET", ts.URL+"/lessons/91-broken", nil)
		req.Header.Set("Cookie", "lang="+lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		page = string(b)
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(page, i18n.T(i18n.Lang(lang), "err.lesson_unavailable")) ||
			strings.Contains(page, "91-broken.en.md") || strings.Contains(page, dir) || strings.Contains(page, "deliver accept") {
			t.Errorf("%s: the broken lesson's URL: %d\n%s", lang, resp.StatusCode, page)
		}
		if !strings.Contains(page, `href="/instructor?lesson=91-broken"`) {
			t.Errorf("%s: the broken lesson's page has no link to the reason for the instructor", lang)
		}
	}
	_, page = get(t, ts.URL+"/instructor?lesson=91-broken")
	if !strings.Contains(page, "91-broken.en.md:") || strings.Contains(page, "90-mine") || strings.Contains(page, dir) {
		t.Errorf("/instructor?lesson=91-broken does not say why (only for that lesson, without the server path):\n%s", page)
	}
	if l := logBuf.String(); !strings.Contains(l, "lesson unavailable") || !strings.Contains(l, "lesson=91-broken") {
		t.Errorf("the server log does not say why the lesson's URL is unavailable: %q", l)
	}
	if resp, _ := get(t, ts.URL+"/lessons/99-nothing"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown lesson: %d, want 404", resp.StatusCode)
	}
}

// syncBuffer is a bytes.Buffer safe for a logger and a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
