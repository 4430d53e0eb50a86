package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/engine/sim"
)

// TestShutdown (issue 8, item 19): on shutdown a subscriber is told
// "going away" (1001), not "too slow" (1008), and a session asked for
// meanwhile is refused with 503 (try again), not 400 (your script is
// wrong).
func TestShutdown(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster servers=3")
	w, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.next("state")
	// Read (and so answer the close handshake) while the server closes,
	// as a browser does.
	closed := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		for {
			if _, _, err := w.c.Read(ctx); err != nil {
				closed <- err
				return
			}
		}
	}()
	srv.Close()
	if err := <-closed; websocket.CloseStatus(err) != websocket.StatusGoingAway {
		t.Errorf("close status %v (%v), want 1001 going away", websocket.CloseStatus(err), err)
	}
	resp, body := get(t, ts.URL+"/sandbox?script="+url.QueryEscape("cluster servers=3"))
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "restarting") {
		t.Errorf("a creation during shutdown: %d %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

// TestPageWaitsWithDeadline (item 19): a page of a session that is busy
// answers 503 after pageWait instead of waiting forever.
func TestPageWaitsWithDeadline(t *testing.T) {
	defer func(d time.Duration) { pageWait = d }(pageWait)
	pageWait = 200 * time.Millisecond
	srv, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster servers=3")
	sess, _ := srv.Registry().Get(id)
	release := make(chan struct{})
	defer close(release)
	busy := make(chan struct{})
	go sess.call(context.Background(), func(*Session) { close(busy); <-release })
	<-busy
	client := &http.Client{Timeout: 5 * time.Second}
	for _, p := range []string{"/", "/export.pxs", "/link", "/fork", "/search"} {
		start := time.Now()
		resp, err := client.Get(ts.URL + "/s/" + id + p)
		if err != nil {
			t.Errorf("%s on a busy session: %v", p, err)
			continue
		}
		resp.Body.Close()
		if p == "/" {
			// The page itself needs nothing from the session's goroutine.
			if resp.StatusCode != 200 {
				t.Errorf("the page of a busy session: %d", resp.StatusCode)
			}
			continue
		}
		if resp.StatusCode != http.StatusServiceUnavailable || time.Since(start) > 3*time.Second {
			t.Errorf("%s on a busy session: %d after %v", p, resp.StatusCode, time.Since(start))
		}
	}
}

// TestPlayPanicRecovered (item 19): a panic in a play tick (outside any
// request) stops playing and leaves the process, and the session, alive.
func TestPlayPanicRecovered(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=1 acceptors=3 learners=1\ncrash a2\ncrash a3\npropose p1 X\n")
	w, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.next("state")
	w.send("play ms=25 stop=never")
	for s := w.next("state"); !s["playing"].(bool); s = w.next("state") {
	}
	sess, _ := srv.Registry().Get(id)
	var saved *sim.History
	// A bug, simulated: the next play tick dereferences a nil history.
	sess.call(context.Background(), func(s *Session) { saved, s.h = s.h, nil })
	time.Sleep(200 * time.Millisecond)
	playing := true
	if err := sess.call(context.Background(), func(s *Session) { s.h, playing = saved, s.playing }); err != nil {
		t.Fatalf("the session died: %v", err)
	}
	if playing {
		t.Error("still playing after a panic in a play tick")
	}
	w.send("tick")
	w.next("state")
}
