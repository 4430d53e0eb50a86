package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// heavyScript is the worst kind of link the review found: every run line
// asks for the most events a run may take, with duplicates filling the
// network (so every snapshot the history keeps is as big as it gets).
func heavyScript(runs int) string {
	var sb strings.Builder
	sb.WriteString("cluster proposers=3 acceptors=9 learners=3 timeout=3\npropose p1 X\npropose p2 Y\npropose p3 Z\n")
	for i := 0; i < runs; i++ {
		sb.WriteString("run max=100000 dup=0.5\n")
	}
	return sb.String()
}

// allocDuring returns the bytes allocated (by the whole process) while f
// runs.
func allocDuring(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// TestWorstPermalinkBounded (issue 8, item 13): a short permalink asking
// for 300,000 events costs a bounded amount of memory, opens a session
// cut at the event budget, and tells its first viewer what was cut.
func TestWorstPermalinkBounded(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	code := EncodePermalink(heavyScript(3))
	if len(code) > 160 {
		t.Fatalf("the link is %d bytes; the point is that a short one is heavy", len(code))
	}
	var resp *http.Response
	alloc := allocDuring(func() { resp, _ = get(t, ts.URL+code) })
	const bound = 32 << 20
	if alloc > bound {
		t.Errorf("opening a %d-byte link allocated %d MB; the budget allows %d MB", len(code), alloc>>20, bound>>20)
	}
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("status %d: a cut script still opens, at the cut", resp.StatusCode)
	}
	id := strings.TrimPrefix(resp.Header.Get("Location"), "/s/")
	sess, err := srv.Registry().Get(id)
	if err != nil {
		t.Fatal(err)
	}
	var step int
	sess.call(context.Background(), func(s *Session) { step = s.h.Step() })
	if step > MaxSessionEvents || step < MaxSessionEvents/2 {
		t.Errorf("the session is at step %d; the budget is %d events", step, MaxSessionEvents)
	}
	// The viewer is told which line was cut and why.
	ws, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	e := ws.next("error")
	msg, _ := e["message"].(string)
	if !strings.Contains(msg, "line 5") || !strings.Contains(msg, "10,000") {
		t.Errorf("cut notice = %q; want the line and the budget", msg)
	}
}

// TestCapCheckedBeforeReplay (item 13): when the sessions are all taken, a
// heavy link is refused before any of it is replayed.
func TestCapCheckedBeforeReplay(t *testing.T) {
	_, ts := newTestServer(t, Options{MaxSessions: 1})
	openScript(t, ts.URL, "cluster proposers=1 acceptors=1")
	u := ts.URL + "/sandbox?script=" + url.QueryEscape(heavyScript(1))
	var resp *http.Response
	alloc := allocDuring(func() { resp, _ = get(t, u) })
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
	if alloc > 2<<20 {
		t.Errorf("a refused link allocated %d KB: it was replayed before the cap was checked", alloc>>10)
	}
}

// TestCreateHonoursContext (item 13): a replay stops when its request is
// gone.
func TestCreateHonoursContext(t *testing.T) {
	reg := NewRegistry(10, 0)
	defer reg.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := reg.Create(ctx, CreateOptions{Src: heavyScript(1)})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if reg.Len() != 0 {
		t.Errorf("%d sessions after a cancelled creation", reg.Len())
	}
}

// BenchmarkWorstPermalink measures the memory and time of opening the
// worst permalink (five run max=100000 lines that fill the network with
// duplicates): the event budget bounds both.
func BenchmarkWorstPermalink(b *testing.B) {
	srv := NewServer(Options{MaxSessions: 1 << 20})
	defer srv.Close()
	src := heavyScript(5)
	b.ReportAllocs()
	b.ReportMetric(float64(len(EncodePermalink(src))), "link-bytes")
	for i := 0; i < b.N; i++ {
		s, err := srv.Registry().Create(context.Background(), CreateOptions{Src: src})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// TestReplayTimeLimit (item 13): a replay past its deadline stops between
// actions and says so, in both languages.
func TestReplayTimeLimit(t *testing.T) {
	sc, err := sim.Parse("script", "cluster proposers=1 acceptors=3\npropose p1 X\ntick\n")
	if err != nil {
		t.Fatal(err)
	}
	var items []replayItem
	for _, st := range sc.Stmts {
		items = append(items, replayItem{line: st.Line, text: st.Text, act: st.Action})
	}
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	h := sim.NewHistory(sc.Cluster)
	n, cut, err := replay(ctx, h, items, MaxSessionEvents)
	if err != nil || cut == nil || !cut.Time || cut.Line != 2 || n != 0 {
		t.Fatalf("replay past its deadline: %d events, cut %+v, err %v", n, cut, err)
	}
	if en := cut.notice(i18n.EN); !strings.Contains(en, "line 2") || !strings.Contains(en, "2 s") {
		t.Errorf("notice: %q", en)
	}
	if zh := cut.notice(i18n.ZH); !strings.Contains(zh, "第 2 行") {
		t.Errorf("zh notice: %q", zh)
	}
}

// largestCommand opens a session whose network is full and runs the
// largest live command on it, returning the state frame it produced.
func largestCommand(t testing.TB, base string, dial func(id string) *websocket.Conn) []byte {
	id := openScript(t, base, "cluster proposers=3 acceptors=9 learners=3 timeout=3\npropose p1 X\npropose p2 Y\npropose p3 Z\nrun max=3000 dup=0.5\n")
	c := dial(id)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := c.Read(ctx); err != nil { // the first state
		t.Fatal(err)
	}
	cmd := fmt.Sprintf(`{"cmd":"run max=%d dup=0.5"}`, MaxCommandEvents)
	if err := c.Write(ctx, websocket.MessageText, []byte(cmd)); err != nil {
		t.Fatal(err)
	}
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(b, []byte(`{"type":"state"`)) {
			return b
		}
	}
}

// TestLiveCommandBounded (issue 8, item 14): one live command may run at
// most MaxCommandEvents events, and its state frame carries only the last
// MaxLastEvents of them with a count of the rest.
func TestLiveCommandBounded(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=3 acceptors=9 learners=3 timeout=3\npropose p1 X\npropose p2 Y\n")
	a, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.next("state")
	a.send("run max=100000 dup=0.5")
	if e := a.next("error"); !strings.Contains(e["message"].(string), "at most 1,000 events") {
		t.Errorf("run max=100000: %v", e)
	}
	frame := largestCommand(t, ts.URL, func(id string) *websocket.Conn {
		w, _, err := dialWS(t, ts.URL, id, nil)
		if err != nil {
			t.Fatal(err)
		}
		return w.c
	})
	var v View
	if err := json.Unmarshal(frame, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Last) != MaxLastEvents || v.LastOmitted != MaxCommandEvents-MaxLastEvents || v.Last[len(v.Last)-1].Step != v.Step {
		t.Errorf("last: %d events (up to step %d of %d), %d omitted", len(v.Last), v.Last[len(v.Last)-1].Step, v.Step, v.LastOmitted)
	}
	t.Logf("largest command frame: %d bytes", len(frame))
	if len(frame) > 512<<10 {
		t.Errorf("frame of %d KB", len(frame)>>10)
	}
}

// BenchmarkLargestCommandFrame reports the size of the state frame the
// largest live command sends (run max=1000 with duplicates, the network
// full of 1,000 messages).
func BenchmarkLargestCommandFrame(b *testing.B) {
	// Every iteration opens a session from 127.0.0.1: lift the
	// per-address caps.
	srv := NewServer(Options{MaxSessions: 1 << 20, CreatePerMinute: 1e9, CreateBurst: 1 << 30, MaxSessionsPerAddr: 1 << 30, MaxSocketsPerAddr: 1 << 30})
	ts := newServerForBench(srv)
	defer srv.Close()
	defer ts.Close()
	size := 0
	for i := 0; i < b.N; i++ {
		size = max(size, len(largestCommand(b, ts.URL, func(id string) *websocket.Conn {
			c, _, err := websocket.Dial(context.Background(), "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws/"+id, nil)
			if err != nil {
				b.Fatal(err)
			}
			c.SetReadLimit(64 << 20)
			b.Cleanup(func() { c.CloseNow() })
			return c
		})))
	}
	b.ReportMetric(float64(size), "frame-bytes")
}

// TestBranchListCapped (issue 8, item 17): however many branches a session
// grows, a state frame lists at most MaxBranchesListed of them (the current
// one always) and counts them all.
func TestBranchListCapped(t *testing.T) {
	_, ts := newTestServer(t, Options{CommandRate: 1e6, CommandBurst: 1e6, SessionCommandRate: 1e6, SessionCommandBurst: 1e6, AddrCommandRate: 1e6, AddrCommandBurst: 1e6})
	id := openScript(t, ts.URL, "cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n")
	w, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.next("state")
	const n = 150 // the first tick extends the only branch; each later one forks
	for i := 0; i < n; i++ {
		w.send("goto 1")
		w.next("state")
		w.send(fmt.Sprintf("tick %d", i+1)) // a new branch each time
		w.next("state")
	}
	w.send("goto 0")
	_, b, err := w.c.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var v View
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	current := 0
	for _, br := range v.Branches {
		if br.Current {
			current++
		}
	}
	if len(v.Branches) > MaxBranchesListed || current != 1 || v.BranchesTotal != n {
		t.Errorf("frame lists %d branches (%d current) of %d; want at most %d, the current one among them, and a total of %d",
			len(v.Branches), current, v.BranchesTotal, MaxBranchesListed, n)
	}
	t.Logf("frame with %d branches: %d bytes", v.BranchesTotal, len(b))
}
