package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/room"
)

// benchRoom is a room on a test server with n student sockets and the
// instructor's socket (all clients in this process, on 127.0.0.1).
type benchRoom struct {
	srv     *Server
	lr      *liveRoom
	base    string
	teacher *websocket.Conn
	conns   []*websocket.Conn
	close   func()
}

func newBenchRoom(b *testing.B, n int) *benchRoom {
	b.Helper()
	return newBenchRoomScript(b, n, roomScript)
}

// newBenchRoomScript is newBenchRoom on a room running script.
func newBenchRoomScript(b *testing.B, n int, script string) *benchRoom {
	b.Helper()
	srv := NewServer(Options{CommandRate: 1e9, CommandBurst: 1e9, MaxSessions: 5000,
		Classroom: ClassroomOptions{Limits: room.Limits{MaxStudents: n + 10, JoinRate: 1e9, JoinBurst: 1e9}}})
	ts := newServerForBench(srv)
	lr, err := srv.rooms.create(script, nil, 0)
	if err != nil {
		b.Fatal(err)
	}
	br := &benchRoom{srv: srv, lr: lr, base: ts.URL, close: func() { srv.Close(); ts.Close() }}
	wsURL := "ws" + strings.TrimPrefix(ts.URL, "http") + "/r/" + lr.code + "/ws"
	dial := func(cookie string) *websocket.Conn {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		c, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{HTTPHeader: http.Header{"Cookie": {cookie}}})
		if err != nil {
			b.Fatalf("dial: %v", err)
		}
		c.SetReadLimit(1 << 20)
		return c
	}
	br.teacher = dial(instructorCookie + "_" + lr.code + "=" + lr.m.Secret)
	for i := 0; i < n; i++ {
		id := "bench" + strconv.Itoa(i)
		lr.mu.Lock()
		if _, err := lr.m.Join(id, "en", time.Now()); err != nil {
			b.Fatal(err)
		}
		lr.mu.Unlock()
		br.conns = append(br.conns, dial(studentCookie+"_"+lr.code+"="+id))
	}
	return br
}

func (br *benchRoom) stop() {
	br.teacher.CloseNow()
	for _, c := range br.conns {
		c.CloseNow()
	}
	br.close()
}

func percentiles(b *testing.B, lat []time.Duration, prefix string) {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / 1e6 }
	b.ReportMetric(pct(0.5), prefix+"p50-ms")
	b.ReportMetric(pct(0.99), prefix+"p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/1e6, prefix+"max-ms")
}

// BenchmarkRoom1000Students: one room, 1,000 student sockets; the time
// from the instructor's action to the last student's frame of the new
// state, and how many states students lost. Target (issue 11): p99 under
// 100 ms, none lost.
func BenchmarkRoom1000Students(b *testing.B) { benchRoomFollow(b, roomScript) }

// BenchmarkRoom1000StudentsRaft is BenchmarkRoom1000Students in a Raft
// room (a leader, a committed log of 13 entries: a larger frame than a
// single-decree one; frame-bytes reports its size). Same targets.
func BenchmarkRoom1000StudentsRaft(b *testing.B) {
	script := raftRoomScript + "timeout s1\nrun max=6\n"
	for i := range 12 {
		script += "propose s1 v" + strconv.Itoa(i) + "\n"
	}
	benchRoomFollow(b, script+"run max=200\n")
}

func benchRoomFollow(b *testing.B, script string) {
	const n = 1000
	br := newBenchRoomScript(b, n, script)
	defer br.stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	const maxSeq = 1 << 16
	var counts [maxSeq]atomic.Int32
	var done [maxSeq]atomic.Int64
	var lost atomic.Int64
	var wg sync.WaitGroup
	for _, c := range br.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			last := uint64(0)
			buf := make([]byte, 0, 64<<10)
			for {
				_, r, err := c.Reader(ctx)
				if err != nil {
					return
				}
				data, err := readAll(r, buf[:0])
				if err != nil {
					return
				}
				buf = data
				seq := seqOf(data)
				if seq == 0 || seq >= maxSeq || seq <= last {
					continue
				}
				if last != 0 && seq > last+1 {
					lost.Add(int64(seq - last - 1))
				}
				last = seq
				if counts[seq].Add(1) == n {
					done[seq].Store(time.Now().UnixNano())
				}
			}
		}()
	}
	go func() { // the instructor's socket is read too (frames must not pile up)
		for {
			if _, _, err := br.teacher.Read(ctx); err != nil {
				return
			}
		}
	}()
	waitFor := func(seq uint64) time.Time {
		deadline := time.Now().Add(20 * time.Second)
		for {
			if t := done[seq].Load(); t != 0 {
				return time.Unix(0, t)
			}
			if time.Now().After(deadline) {
				b.Fatalf("state %d reached %d of %d students", seq, counts[seq].Load(), n)
			}
			time.Sleep(20 * time.Microsecond)
		}
	}
	var v View
	json.Unmarshal(br.lr.sess.View(), &v)
	seq := v.Seq
	waitFor(seq)
	cmds := [][]byte{[]byte(`{"cmd":"undo"}`), []byte(`{"cmd":"redo"}`)}
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		seq++
		start := time.Now()
		if err := br.teacher.Write(ctx, websocket.MessageText, cmds[i%2]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, waitFor(seq).Sub(start))
	}
	b.StopTimer()
	percentiles(b, lat, "")
	b.ReportMetric(float64(lost.Load()), "lost")
	b.ReportMetric(float64(len(br.lr.sess.View())), "frame-bytes")
	cancel()
	br.stop()
	wg.Wait()
}

// BenchmarkRoom200Forks: 200 students each step their own fork (an
// ordinary session) at the same moment; the latency of each step to its
// new state. Target (issue 11): p99 under 50 ms.
func BenchmarkRoom200Forks(b *testing.B) {
	const n = 200
	srv := NewServer(Options{CommandRate: 1e9, CommandBurst: 1e9, SessionCommandRate: 1e9, SessionCommandBurst: 1e9,
		AddrCommandRate: 1e9, AddrCommandBurst: 1e9, MaxSocketsPerAddr: 1e6, MaxSockets: 1e6})
	ts := newServerForBench(srv)
	defer func() { srv.Close(); ts.Close() }()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type client struct {
		c   *websocket.Conn
		got chan time.Time
	}
	var clients []client
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		sess, err := srv.Registry().Create(context.Background(), CreateOptions{Src: roomScript})
		if err != nil {
			b.Fatal(err)
		}
		c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws/"+sess.ID, nil)
		if err != nil {
			b.Fatal(err)
		}
		c.SetReadLimit(1 << 20)
		cl := client{c, make(chan time.Time, 16)}
		clients = append(clients, cl)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, data, err := c.Read(ctx)
				if err != nil {
					return
				}
				if bytes.HasPrefix(data, []byte(`{"type":"state"`)) {
					cl.got <- time.Now()
				}
			}
		}()
		<-cl.got // the initial state
	}
	cmds := [][]byte{[]byte(`{"cmd":"undo"}`), []byte(`{"cmd":"redo"}`)}
	var lat []time.Duration
	var mu sync.Mutex
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var step sync.WaitGroup
		for _, cl := range clients {
			step.Add(1)
			go func() {
				defer step.Done()
				start := time.Now()
				if err := cl.c.Write(ctx, websocket.MessageText, cmds[i%2]); err != nil {
					return
				}
				select {
				case t := <-cl.got:
					mu.Lock()
					lat = append(lat, t.Sub(start))
					mu.Unlock()
				case <-time.After(10 * time.Second):
				}
			}()
		}
		step.Wait()
	}
	b.StopTimer()
	if len(lat) != n*b.N {
		b.Fatalf("%d of %d steps answered", len(lat), n*b.N)
	}
	percentiles(b, lat, "")
	cancel()
	for _, cl := range clients {
		cl.c.CloseNow()
	}
	wg.Wait()
}

// BenchmarkRoomPoll1000: 1,000 students answer a poll within one second.
// Reported: answers counted, the projector's (instructor's socket) room
// status frames per second while answers arrive, the longest gap between
// two of them, and the delay of an instructor's command sent mid-flood.
// Targets (issue 11): all counted, at least 4 updates a second, no frame
// to the instructor delayed past 250 ms.
func BenchmarkRoomPoll1000(b *testing.B) {
	const n = 1000
	br := newBenchRoom(b, n)
	defer br.stop()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for _, c := range br.conns {
		go func() {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					return
				}
			}
		}()
	}
	type tframe struct {
		at       time.Time
		typ      string
		answered int
		poll     bool // the frame shows an open poll
	}
	frames := make(chan tframe, 1<<16)
	go func() {
		for {
			_, data, err := br.teacher.Read(ctx)
			if err != nil {
				return
			}
			var f struct {
				Type string `json:"type"`
				Poll *struct {
					Answered int `json:"answered"`
				} `json:"poll"`
			}
			json.Unmarshal(data, &f)
			tf := tframe{at: time.Now(), typ: f.Type}
			if f.Poll != nil {
				tf.answered, tf.poll = f.Poll.Answered, true
			}
			frames <- tf
		}
	}()
	var maxGap, cmdLat time.Duration
	var perSec float64
	counted := 0
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		for len(frames) > 0 {
			<-frames
		}
		br.teacher.Write(ctx, websocket.MessageText, []byte(`{"room":"poll value"}`))
		for f := range frames {
			// Wait for the poll itself: a periodic dashboard frame from
			// before it opened also says 0 answered, and answers sent
			// then would be refused (no poll open).
			if f.typ == "dash" && f.poll && f.answered == 0 {
				break
			}
		}
		start := time.Now()
		var sent sync.WaitGroup
		for i, c := range br.conns {
			sent.Add(1)
			go func() {
				defer sent.Done()
				time.Sleep(time.Duration(i) * time.Second / n)
				c.Write(ctx, websocket.MessageText, []byte(`{"room":"answer `+strconv.Itoa(1+i%2)+`"}`))
			}()
		}
		// Mid-flood, the instructor steps the cluster.
		time.Sleep(500 * time.Millisecond)
		cmdStart := time.Now()
		br.teacher.Write(ctx, websocket.MessageText, []byte(`{"cmd":"run max=1"}`))
		last := start
		updates := 0
		gotCmd := false
		deadline := time.After(10 * time.Second)
	wait:
		for {
			select {
			case f := <-frames:
				if f.typ == "state" && !gotCmd && f.at.After(cmdStart) {
					gotCmd = true
					cmdLat = max(cmdLat, f.at.Sub(cmdStart))
				}
				if f.typ != "dash" {
					continue
				}
				if f.at.Sub(start) <= time.Second {
					updates++
				}
				if f.at.Sub(last) > 250*time.Millisecond && testing.Verbose() {
					b.Logf("gap %v ending at %v after the start (answered %d)", f.at.Sub(last), f.at.Sub(start), f.answered)
				}
				maxGap = max(maxGap, f.at.Sub(last))
				last = f.at
				if f.answered == n && gotCmd {
					counted = f.answered
					break wait
				}
			case <-deadline:
				br.lr.mu.Lock()
				got := br.lr.m.Poll.Answered()
				br.lr.mu.Unlock()
				b.Fatalf("after 10 s the poll counted %d of %d answers", got, n)
			}
		}
		sent.Wait()
		perSec += float64(updates)
		br.teacher.Write(ctx, websocket.MessageText, []byte(`{"room":"poll end"}`))
	}
	b.StopTimer()
	b.ReportMetric(float64(counted), "counted")
	b.ReportMetric(perSec/float64(b.N), "updates/s")
	b.ReportMetric(float64(maxGap)/1e6, "max-gap-ms")
	b.ReportMetric(float64(cmdLat)/1e6, "cmd-ms")
	cancel()
}
