package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCSPIgnoresHost (issue 8, item 20): the Host header is the client's to
// choose; it must not reach the Content-Security-Policy.
func TestCSPIgnoresHost(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	req := httptest.NewRequest("GET", "/", nil)
	req.Host = "evil.example; script-src *"
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	csp := rec.Header().Get("Content-Security-Policy")
	if strings.Contains(csp, "evil") || !strings.Contains(csp, "connect-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
}

// TestCacheControlAndNoListing (item 20): answers about a session are
// never cached, and /static/ does not list its files.
func TestCacheControlAndNoListing(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=2 acceptors=3 learners=0\npropose p1 X\n")
	for _, p := range []string{"/healthz", "/s/" + id + "/export.pxs", "/s/" + id + "/link", "/s/" + id + "/search"} {
		resp, _ := get(t, ts.URL+p)
		if cc := resp.Header.Get("Cache-Control"); resp.StatusCode != 200 || cc != "no-store" {
			t.Errorf("%s: %d, Cache-Control %q", p, resp.StatusCode, cc)
		}
	}
	for _, p := range []string{"/static/", "/static"} {
		resp, body := get(t, ts.URL+p)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "app.js") {
			t.Errorf("%s: %d; it lists the files", p, resp.StatusCode)
		}
	}
	if resp, _ := get(t, ts.URL+"/static/app.js"); resp.StatusCode != 200 {
		t.Errorf("/static/app.js: %d", resp.StatusCode)
	}
}

// TestSearchSlotShared (item 20): one address cannot hold the one search
// slot by searching back to back; another address gets its turn.
func TestSearchSlotShared(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	sess, err := srv.Registry().Create(context.Background(), CreateOptions{Src: "cluster proposers=2 acceptors=3 learners=0\npropose p1 X\n"})
	if err != nil {
		t.Fatal(err)
	}
	search := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/s/"+sess.ID+"/search", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		return rec
	}
	if rec := search("10.0.0.1:1"); rec.Code != 200 {
		t.Fatalf("first search: %d %s", rec.Code, rec.Body)
	}
	rec := search("10.0.0.1:2")
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Errorf("the same address again at once: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := search("10.0.0.2:1"); rec.Code != 200 {
		t.Errorf("another address: %d", rec.Code)
	}
}
