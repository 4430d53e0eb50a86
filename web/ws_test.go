package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

type wsClient struct {
	t *testing.T
	c *websocket.Conn
}

func dialWS(t *testing.T, base, id string, hdr http.Header) (*wsClient, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws/"+id, &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		return nil, resp, err
	}
	c.SetReadLimit(4 << 20) // a state with 1,000 messages in flight is ~200 KB
	t.Cleanup(func() { c.CloseNow() })
	return &wsClient{t: t, c: c}, resp, nil
}

func (w *wsClient) send(cmd string) {
	w.t.Helper()
	b, _ := json.Marshal(clientFrame{Cmd: cmd})
	if err := w.c.Write(context.Background(), websocket.MessageText, b); err != nil {
		w.t.Fatalf("write %q: %v", cmd, err)
	}
}

// next reads frames until one of the given type arrives.
func (w *wsClient) next(typ string) map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := w.c.Read(ctx)
		if err != nil {
			w.t.Fatalf("read (waiting for %s): %v", typ, err)
		}
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			w.t.Fatal(err)
		}
		if f["type"] == typ {
			return f
		}
	}
}

func inflight(f map[string]any) int {
	return len(f["state"].(map[string]any)["inflight"].([]any))
}

// TestWebsocketRoundTrip: a click (a script line) changes the state for
// every subscriber; a bad command gets an error frame, leaves the state
// unchanged and keeps the socket open.
func TestWebsocketRoundTrip(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=1 acceptors=3 seed=7")
	a, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := a.next("state")
	b.next("state")
	if first["step"].(float64) != 0 {
		t.Fatalf("first state at step %v", first["step"])
	}
	a.send("propose p1 X")
	s1 := a.next("state")
	s2 := b.next("state")
	if inflight(s1) != 3 || inflight(s2) != 3 || s1["seq"] != s2["seq"] {
		t.Fatalf("after propose: %d and %d in flight", inflight(s1), inflight(s2))
	}
	last := s1["last"].([]any)
	if len(last) != 1 || last[0].(map[string]any)["act"] != "propose p1 X" {
		t.Errorf("last events: %v", last)
	}
	for _, bad := range []string{"deliver #99", "propose p7 X", "frobnicate", "expect chosen X", "goto 999", "play ms=1"} {
		a.send(bad)
		e := a.next("error")
		if e["cmd"] != bad || e["message"] == "" {
			t.Errorf("%q: error frame %v", bad, e)
		}
	}
	// Malformed frames.
	a.c.Write(context.Background(), websocket.MessageText, []byte("not json"))
	if e := a.next("error"); !strings.Contains(e["message"].(string), "malformed frame") {
		t.Errorf("malformed frame: %v", e)
	}
	a.c.Write(context.Background(), websocket.MessageBinary, []byte{1, 2, 3})
	a.next("error")
	// Still open, state unchanged: the next good command builds on step 1.
	a.send("deliver prepare p1->a1")
	s := a.next("state")
	if s["step"].(float64) != 2 || inflight(s) != 3 {
		t.Errorf("after errors and one delivery: step %v, %d in flight", s["step"], inflight(s))
	}
	// Session verbs.
	a.send("undo")
	if s := a.next("state"); s["step"].(float64) != 1 {
		t.Errorf("undo: step %v", s["step"])
	}
	a.send("goto 0")
	if s := a.next("state"); s["step"].(float64) != 0 || inflight(s) != 0 {
		t.Errorf("goto 0: %v", s["step"])
	}
	a.send("redo")
	a.next("state")
	a.send("log 0 2")
	l := a.next("log")
	lines := l["lines"].([]any)
	if len(lines) != 2 || lines[1].(map[string]any)["a"] != "deliver #1" {
		t.Errorf("log: %v", lines)
	}
}

func TestWebsocketLimits(t *testing.T) {
	_, ts := newTestServer(t, Options{CommandRate: 1, CommandBurst: 3})
	id := openScript(t, ts.URL, "cluster proposers=1 acceptors=3")
	// A foreign origin is refused.
	_, resp, err := dialWS(t, ts.URL, id, http.Header{"Origin": {"http://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign origin: err %v resp %v", err, resp)
	}
	// Unknown session.
	if _, resp, err := dialWS(t, ts.URL, "nosuch", nil); err == nil || resp.StatusCode != 404 {
		t.Errorf("unknown session: %v", err)
	}
	a, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.next("state")
	// Rate limit: the burst passes, then error frames; the socket stays.
	for i := 0; i < 3; i++ {
		a.send("tick")
		a.next("state")
	}
	a.send("tick")
	if e := a.next("error"); !strings.Contains(strings.ToLower(e["message"].(string)), "too many commands") {
		t.Errorf("rate limit: %v", e)
	}
	// An oversized frame closes the connection with 1009.
	a.c.Write(context.Background(), websocket.MessageText, []byte(`{"cmd":"`+strings.Repeat("x", 2*maxFrameBytes)+`"}`))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := a.c.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
				t.Errorf("oversized frame: %v", err)
			}
			break
		}
	}
}

func TestPlay(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=1 acceptors=3 learners=1 seed=3\npropose p1 X")
	a, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.next("state")
	a.send("play ms=25 stop=chosen")
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		s := a.next("state")
		if len(s["state"].(map[string]any)["chosen"].([]any)) > 0 {
			if s["playing"].(bool) {
				s = a.next("state") // the pause follows
			}
			if s["playing"].(bool) {
				t.Fatal("still playing after a value was chosen")
			}
			return
		}
	}
	t.Fatal("play never chose a value")
}

// FuzzSessionLine: nothing a client sends can crash a session; a failed
// line leaves the state unchanged.
func FuzzSessionLine(f *testing.F) {
	for _, s := range []string{"propose p1 X", "deliver #1", "goto 3", "branch 2", "play ms=30 drop=5%", "log 0 9", "partition p1 | *",
		"run max=5 until=chosen", "undo", "lesson next", "expect safe", "dup *", "tick 1000", "goto -1", "log 5 1"} {
		f.Add(s)
	}
	reg := NewRegistry(10, time.Hour)
	defer reg.Close()
	f.Fuzz(func(t *testing.T, line string) {
		s, err := reg.Create(context.Background(), CreateOptions{Src: "cluster proposers=2 acceptors=3\npropose p1 X\n"})
		if err != nil {
			t.Skip()
		}
		defer func() { s.playing = false }()
		before := s.h.Script()
		beforeStep := s.h.Step()
		sub := &subscriber{ch: make(chan []byte, 1024), closeSlow: func() {}}
		if err := s.call(context.Background(), func(s *Session) {
			if err := s.safely(request{sub: sub, line: line}); err != nil {
				if s.h.Script() != before || s.h.Step() != beforeStep {
					t.Errorf("%q failed (%v) but changed the state", line, err)
				}
				if strings.HasPrefix(err.Error(), "internal error") {
					t.Errorf("%q: %v", line, err)
				}
			}
		}); err != nil {
			t.Fatal(err)
		}
		s.Close()
	})
}
