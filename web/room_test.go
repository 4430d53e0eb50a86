package web

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
	"github.com/paxviz/paxviz/room"
	"github.com/paxviz/paxviz/store"
)

// roomClient is one person's browser: a cookie jar and the room socket.
type roomClient struct {
	t    *testing.T
	base string
	jar  *cookiejar.Jar
	http *http.Client
	ws   *websocket.Conn
}

func newRoomClient(t *testing.T, base string) *roomClient {
	jar, _ := cookiejar.New(nil)
	return &roomClient{t: t, base: base, jar: jar, http: &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		return nil
	}}}
}

func (c *roomClient) get(path string) (*http.Response, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// dial opens the room socket with the jar's cookies.
func (c *roomClient) dial(code string) error {
	c.t.Helper()
	u, _ := url.Parse(c.base + "/r/" + code + "/ws")
	hdr := http.Header{}
	for _, ck := range c.jar.Cookies(u) {
		hdr.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(c.base, "http")+"/r/"+code+"/ws", &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		return err
	}
	ws.SetReadLimit(1 << 20)
	c.ws = ws
	c.t.Cleanup(func() { ws.CloseNow() })
	return nil
}

func (c *roomClient) send(f roomClientFrame) {
	c.t.Helper()
	b, _ := json.Marshal(f)
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.t.Fatalf("write %+v: %v", f, err)
	}
}

// until reads frames until one of type typ satisfies ok.
func (c *roomClient) until(typ string, ok func(map[string]any) bool) map[string]any {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := c.ws.Read(ctx)
		if err != nil {
			c.t.Fatalf("read (waiting for a %s frame): %v", typ, err)
		}
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			c.t.Fatal(err)
		}
		if testing.Verbose() && f["type"] != "state" {
			c.t.Logf("frame %s", b)
		}
		if f["type"] == typ && (ok == nil || ok(f)) {
			return f
		}
	}
}

func num(f map[string]any, path ...string) float64 {
	var v any = f
	for _, p := range path {
		m, _ := v.(map[string]any)
		v = m[p]
	}
	n, _ := v.(float64)
	return n
}

func createRoom(t *testing.T, base, body string) (int, createResponse, string) {
	t.Helper()
	resp, err := http.Post(base+"/api/rooms", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var cr createResponse
	json.Unmarshal(b, &cr)
	return resp.StatusCode, cr, string(b)
}

const roomScript = "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\npropose p2 Y\n"

// teach opens the instructor URL in c (setting the cookie) and the socket.
func (c *roomClient) teach(cr createResponse) {
	c.t.Helper()
	resp, body := c.get(strings.TrimPrefix(cr.InstructorURL, c.base))
	if resp.StatusCode != 200 || !strings.Contains(body, `id="room-teach"`) {
		c.t.Fatalf("instructor page: %d %.300s", resp.StatusCode, body)
	}
	if strings.Contains(resp.Request.URL.String(), "k=") {
		c.t.Fatalf("the secret stayed in the address bar: %s", resp.Request.URL)
	}
	if err := c.dial(cr.Code); err != nil {
		c.t.Fatal(err)
	}
}

func (c *roomClient) join(code string) {
	c.t.Helper()
	resp, body := c.get("/r/" + code)
	if resp.StatusCode != 200 || !strings.Contains(body, `id="room-try"`) {
		c.t.Fatalf("student page: %d %.300s", resp.StatusCode, body)
	}
	if err := c.dial(code); err != nil {
		c.t.Fatal(err)
	}
}

func TestRoomCreateAPI(t *testing.T) {
	set, diags := lessons.Builtin()
	if set == nil || len(diags) > 0 {
		t.Fatalf("built-in lessons: %v", diags)
	}
	_, ts := newTestServer(t, Options{Lessons: staticLessons{set}})
	for _, bad := range []string{``, `{}`, `{"script":"x","lesson":"y"}`, `{"scrip":"x"}`, `[1]`, `{"lesson":"nope"}`,
		`{"lesson":"02-happy-path","step":99}`, `{"script":"cluster acceptors=banana"}`} {
		if code, _, body := createRoom(t, ts.URL, bad); code != http.StatusBadRequest || !strings.Contains(body, "error") {
			t.Errorf("POST %s: %d %s", bad, code, body)
		}
	}
	code, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	if code != http.StatusCreated || len(cr.Code) != room.CodeLen || cr.JoinURL != ts.URL+"/r/"+cr.Code || !strings.HasPrefix(cr.InstructorURL, ts.URL+"/r/"+cr.Code+"/teach?k=") {
		t.Fatalf("create: %d %s", code, body)
	}
	resp, status := get(t, ts.URL+"/api/rooms/"+strings.ToLower(cr.Code))
	var st map[string]any
	json.Unmarshal([]byte(status), &st)
	if resp.StatusCode != 200 || st["code"] != cr.Code || st["open"] != true || st["students"] != 0.0 || st["step"] != 2.0 {
		t.Fatalf("status: %d %s", resp.StatusCode, status)
	}
	secret := strings.TrimPrefix(cr.InstructorURL, ts.URL+"/r/"+cr.Code+"/teach?k=")
	if strings.Contains(status, secret) {
		t.Fatal("the status leaks the instructor secret")
	}
	if resp, _ := get(t, ts.URL+"/api/rooms/ACDEF0"); resp.StatusCode != 404 {
		t.Fatalf("unknown code: %d", resp.StatusCode)
	}
	// A lesson room at step 2 reports the lesson step.
	code, lcr, body := createRoom(t, ts.URL, `{"lesson":"02-happy-path","step":2}`)
	if code != http.StatusCreated {
		t.Fatalf("lesson room: %d %s", code, body)
	}
	_, status = get(t, ts.URL+"/api/rooms/"+lcr.Code)
	json.Unmarshal([]byte(status), &st)
	if st["step"] != 2.0 || st["lesson"] != "02-happy-path" {
		t.Fatalf("lesson room status %s", status)
	}
	// Student links carry no secret; the page of a student has no teaching tools.
	c := newRoomClient(t, ts.URL)
	_, page := c.get("/r/" + cr.Code)
	if strings.Contains(page, secret) || strings.Contains(page, `id="room-teach"`) {
		t.Fatal("the student page carries the secret or the teaching tools")
	}
	resp, png := get(t, ts.URL+"/r/"+cr.Code+"/qr.png")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !strings.HasPrefix(png, "\x89PNG") {
		t.Fatalf("qr: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// /join?code= finds the room in any case, with dashes.
	resp, _ = get(t, ts.URL+"/join?code="+strings.ToLower(cr.Code[:3]+"-"+cr.Code[3:]))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/r/"+cr.Code {
		t.Fatalf("join form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, ts.URL+"/join?code=XXXXXX"); resp.StatusCode != 404 {
		t.Fatalf("join an unknown code: %d", resp.StatusCode)
	}
	// A room from a session's state.
	id := openScript(t, ts.URL, roomScript)
	resp, _ = get(t, ts.URL+"/s/"+id+"/room")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "/teach?k=") {
		t.Fatalf("room from a session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

type staticLessons struct{ set *lessons.Set }

func (s staticLessons) Lessons() (*lessons.Set, lessons.Diagnostics) { return s.set, nil }

func jsonString(s string) string { b, _ := json.Marshal(s); return string(b) }

func TestRoomInstructorCookie(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, cr, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	// Without the cookie, the teach page and the instructor's powers are refused.
	c := newRoomClient(t, ts.URL)
	if resp, _ := c.get("/r/" + cr.Code + "/teach"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("teach without cookie: %d", resp.StatusCode)
	}
	if resp, _ := c.get("/r/" + cr.Code + "/teach?k=00000000000000000000000000000000"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("teach with a wrong secret: %d", resp.StatusCode)
	}
	resp, err := noRedirect.Get(cr.InstructorURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var ck *http.Cookie
	for _, k := range resp.Cookies() {
		if k.Name == "pxi_"+cr.Code {
			ck = k
		}
	}
	if resp.StatusCode != http.StatusSeeOther || ck == nil || !ck.HttpOnly || ck.Path != "/r/"+cr.Code || resp.Header.Get("Location") != "/r/"+cr.Code+"/teach" {
		t.Fatalf("instructor link: %d %+v %s", resp.StatusCode, ck, resp.Header.Get("Location"))
	}
	// A socket without any cookie is refused (students join by the page first).
	if err := newRoomClient(t, ts.URL).dial(cr.Code); err == nil {
		t.Fatal("a socket without a cookie was accepted")
	}
}

// TestRoomFollowAndReadOnly: students follow the instructor's steps live;
// a student's command gets an error frame and changes nothing; a late
// joiner gets the current state at once.
func TestRoomFollowAndReadOnly(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, cr, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	teacher.until("state", nil)
	alice := newRoomClient(t, ts.URL)
	alice.join(cr.Code)
	first := alice.until("state", nil)
	step0 := num(first, "step")
	alice.until("you", func(f map[string]any) bool { return num(f, "num") == 1 })

	alice.send(roomClientFrame{Cmd: "deliver #1"})
	e := alice.until("error", nil)
	if e["cmd"] != "deliver #1" || !strings.Contains(e["message"].(string), "only the instructor") {
		t.Fatalf("student command: %v", e)
	}
	teacher.send(roomClientFrame{Cmd: "deliver #1"})
	st := alice.until("state", func(f map[string]any) bool { return num(f, "step") > step0 })
	if num(st, "step") != step0+1 {
		t.Fatalf("student saw step %v after one delivery from %v (their own command must not have counted)", num(st, "step"), step0)
	}
	// A student cannot run the instructor's room verbs either.
	alice.send(roomClientFrame{Room: "lock"})
	if e := alice.until("error", nil); !strings.Contains(e["message"].(string), "only the instructor") {
		t.Fatalf("student lock: %v", e)
	}
	// Late joiner: the current state at once, in their language.
	bob := newRoomClient(t, ts.URL)
	bob.get("/r/" + cr.Code + "?lang=zh")
	if err := bob.dial(cr.Code); err != nil {
		t.Fatal(err)
	}
	if f := bob.until("state", nil); num(f, "step") != step0+1 {
		t.Fatalf("late joiner got step %v", num(f, "step"))
	}
	bob.send(roomClientFrame{Cmd: "undo"})
	if e := bob.until("error", nil); !strings.Contains(e["message"].(string), "只有讲师") {
		t.Fatalf("Chinese student's error: %v", e)
	}
	teacher.until("dash", func(f map[string]any) bool {
		l, _ := f["by_lang"].(map[string]any)
		return num(f, "connected") == 2 && l["zh"] == 1.0 && l["en"] == 1.0
	})
	// Malformed frames: an error, not a closed socket.
	alice.ws.Write(context.Background(), websocket.MessageText, []byte(`{"cmd":"x","room":"y"}`))
	alice.until("error", nil)
	alice.ws.Write(context.Background(), websocket.MessageText, []byte(`not json`))
	alice.until("error", nil)
}

// TestRoomPollForkShare runs a poll to its histogram with a re-vote, then
// releases the class, forks, shares and projects a fork.
func TestRoomPollForkShare(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	_, cr, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	var students []*roomClient
	for i := 0; i < 3; i++ {
		s := newRoomClient(t, ts.URL)
		s.join(cr.Code)
		students = append(students, s)
	}
	teacher.send(roomClientFrame{Room: "poll revote"})
	teacher.until("error", nil)
	teacher.send(roomClientFrame{Room: "poll message"})
	teacher.send(roomClientFrame{Room: "poll value"})
	p := students[0].until("room", func(f map[string]any) bool {
		p, _ := f["poll"].(map[string]any)
		return p != nil && p["kind"] == "value"
	})["poll"].(map[string]any)
	if p["n"] != 2.0 || p["choices"].([]any)[0] != "X" {
		t.Fatalf("value poll %v", p)
	}
	students[0].send(roomClientFrame{Room: "answer 1"})
	students[1].send(roomClientFrame{Room: "answer 2"})
	students[2].send(roomClientFrame{Room: "answer 2"})
	students[2].send(roomClientFrame{Room: "answer 9"})
	students[2].until("error", nil)
	teacher.send(roomClientFrame{Room: "answer 1"})
	teacher.until("error", nil)
	f := students[0].until("room", func(f map[string]any) bool { return num(f, "poll", "answered") == 3 })
	if _, ok := f["poll"].(map[string]any)["hist"]; ok {
		t.Fatal("the split is shown before the reveal")
	}
	teacher.until("dash", func(f map[string]any) bool { return num(f, "poll", "answered") == 3 })
	teacher.send(roomClientFrame{Room: "poll reveal"})
	f = students[1].until("room", func(f map[string]any) bool {
		p, _ := f["poll"].(map[string]any)
		return p != nil && p["revealed"] == true
	})
	if h := f["poll"].(map[string]any)["hist"].([]any); h[0] != 1.0 || h[1] != 2.0 {
		t.Fatalf("histogram %v", h)
	}
	teacher.send(roomClientFrame{Room: "poll revote"})
	students[0].until("room", func(f map[string]any) bool { return num(f, "poll", "round") == 2 && num(f, "poll", "answered") == 0 })
	teacher.send(roomClientFrame{Room: "poll end"})
	teacher.until("dash", func(f map[string]any) bool { return f["poll"] == nil && len(f["polls"].([]any)) == 2 })

	// Forks: refused before the release, then each student gets a session.
	students[0].send(roomClientFrame{Room: "fork"})
	if e := students[0].until("error", nil); !strings.Contains(e["message"].(string), "not let") {
		t.Fatalf("fork before release: %v", e)
	}
	teacher.send(roomClientFrame{Room: "release"})
	students[0].until("room", func(f map[string]any) bool { return f["released"] == true })
	students[0].send(roomClientFrame{Room: "fork"})
	you := students[0].until("you", func(f map[string]any) bool { return f["fork"] != "" })
	forkID := you["fork"].(string)
	fork, _, err := dialWS(t, ts.URL, forkID, nil)
	if err != nil {
		t.Fatalf("fork socket: %v", err)
	}
	fork.next("state")
	fork.send("deliver #1")
	fork.send("deliver #2")
	fs := fork.next("state")
	for num(fs, "step") < 4 {
		fs = fork.next("state")
	}
	students[0].send(roomClientFrame{Room: "share"})
	d := teacher.until("dash", func(f map[string]any) bool { return len(f["shares"].([]any)) == 1 })
	sh := d["shares"].([]any)[0].(map[string]any)
	if sh["student"] != 1.0 || sh["step"] != 4.0 || num(d, "on_forks") != 1 {
		t.Fatalf("share %v, dash %v", sh, d)
	}
	if _, leaked := sh["session"]; !leaked {
		t.Log("share has no session id")
	}
	// The fork changed nothing in the class; projecting it does.
	teacher.send(roomClientFrame{Room: "project " + itoa(int(sh["id"].(float64)))})
	st := students[1].until("state", func(f map[string]any) bool { return num(f, "step") == 4 })
	if n := len(st["state"].(map[string]any)["inflight"].([]any)); n != len(fs["state"].(map[string]any)["inflight"].([]any)) {
		t.Fatalf("projected state has %d in flight, the fork %d", n, len(fs["state"].(map[string]any)["inflight"].([]any)))
	}
	students[0].send(roomClientFrame{Room: "back"})
	students[0].until("you", func(f map[string]any) bool { return f["fork"] == "" })
	if srv.Registry().Len() < 1 {
		t.Fatal("the fork is not an ordinary session")
	}
}

func TestRoomLockCloseAndLimits(t *testing.T) {
	_, ts := newTestServer(t, Options{Classroom: ClassroomOptions{Limits: room.Limits{MaxStudents: 2, JoinRate: 0.001, JoinBurst: 3}}})
	_, cr, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	a := newRoomClient(t, ts.URL)
	a.join(cr.Code)
	teacher.send(roomClientFrame{Room: "lock"})
	teacher.until("dash", nil)
	a.until("room", func(f map[string]any) bool { return f["locked"] == true })
	if resp, body := newRoomClient(t, ts.URL).get("/r/" + cr.Code); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "locked") {
		t.Fatalf("join a locked room: %d", resp.StatusCode)
	}
	// A member reloading a locked room gets back in.
	if resp, _ := a.get("/r/" + cr.Code); resp.StatusCode != 200 {
		t.Fatalf("member reload: %d", resp.StatusCode)
	}
	teacher.send(roomClientFrame{Room: "unlock"})
	a.until("room", func(f map[string]any) bool { return f["locked"] == false })
	newRoomClient(t, ts.URL).get("/r/" + cr.Code) // second student
	if resp, _ := newRoomClient(t, ts.URL).get("/r/" + cr.Code); resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third student in a room of 2: %d", resp.StatusCode)
	}
	// The join rate (burst 3 per address) is spent by now.
	_, cr2, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	if resp, _ := newRoomClient(t, ts.URL).get("/r/" + cr2.Code); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("join past the rate: %d", resp.StatusCode)
	}
	teacher.send(roomClientFrame{Room: "close"})
	a.until("room", func(f map[string]any) bool { return f["closed"] == true })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := a.ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
				t.Fatalf("room close: %v", err)
			}
			break
		}
	}
	if resp, _ := get(t, ts.URL+"/api/rooms/"+cr.Code); resp.StatusCode != 404 {
		t.Fatalf("closed room still there: %d", resp.StatusCode)
	}
}

// TestRoomRestart: a room's state, its students and the instructor's
// cookie survive a server restart on the same store (written, closed,
// reopened, compared).
func TestRoomRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(Options{Store: st})
	ts := newServerForBench(srv)
	_, cr, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	alice := newRoomClient(t, ts.URL)
	alice.join(cr.Code)
	teacher.send(roomClientFrame{Cmd: "deliver #1"})
	teacher.send(roomClientFrame{Cmd: "deliver #2"})
	before := alice.until("state", func(f map[string]any) bool { return num(f, "step") == 4 })
	teacher.send(roomClientFrame{Room: "poll value"})
	teacher.send(roomClientFrame{Room: "lock"})
	alice.until("room", func(f map[string]any) bool { return f["poll"] != nil && f["locked"] == true })
	alice.send(roomClientFrame{Room: "answer 2"})
	teacher.until("dash", func(f map[string]any) bool { return num(f, "poll", "answered") == 1 })
	// Stop: the sockets are told the server is going away.
	srv.Close()
	ts.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := alice.ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusGoingAway {
				t.Fatalf("on shutdown the socket closed with %v, want going away", err)
			}
			break
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv = NewServer(Options{Store: st})
	defer srv.Close()
	ts = newServerForBench(srv)
	defer ts.Close()
	// The cookies were set for the old port: copy them to the new one.
	moveCookies(t, teacher, cr, ts.URL)
	moveCookies(t, alice, cr, ts.URL)
	if err := alice.dial(cr.Code); err != nil {
		t.Fatalf("student reconnect after restart: %v", err)
	}
	after := alice.until("state", nil)
	bs, _ := json.Marshal(before["state"])
	as, _ := json.Marshal(after["state"])
	if !bytes.Equal(bs, as) || num(after, "step") != 4 {
		t.Fatalf("state after restart differs:\nbefore %s\nafter  %s", bs, as)
	}
	you := alice.until("you", nil)
	if num(you, "num") != 1 || num(you, "answer") != 1 {
		t.Fatalf("student after restart: %v", you)
	}
	r := alice.until("room", nil)
	if r["locked"] != true || num(r, "poll", "answered") != 1 || r["poll"].(map[string]any)["kind"] != "value" {
		t.Fatalf("room after restart: %v", r)
	}
	if err := teacher.dial(cr.Code); err != nil {
		t.Fatal(err)
	}
	teacher.send(roomClientFrame{Cmd: "deliver #3"})
	if e := alice.until("state", func(f map[string]any) bool { return num(f, "step") == 5 }); e == nil {
		t.Fatal("the instructor lost control after the restart")
	}
}

// moveCookies re-files a client's room cookies under a new base URL (the
// restarted test server listens on another port).
func moveCookies(t *testing.T, c *roomClient, cr createResponse, newBase string) {
	t.Helper()
	oldU, _ := url.Parse(cr.JoinURL + "/ws")
	newU, _ := url.Parse(newBase + "/r/" + cr.Code + "/ws")
	cs := c.jar.Cookies(oldU)
	if len(cs) == 0 {
		t.Fatal("no cookies to move")
	}
	for _, ck := range cs {
		ck.Path = "/r/" + cr.Code
	}
	c.jar.SetCookies(newU, cs)
	c.base = newBase
}

// TestSessionRestart: sandbox and lesson sessions survive a restart on
// the same store under their old ids (their pages reconnect to the same
// /ws/{id}); a session that ended is not brought back.
func TestSessionRestart(t *testing.T) {
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, _ := lessons.Builtin()
	opts := Options{Store: st, Lessons: staticLessons{set}}
	srv := NewServer(opts)
	ts := newServerForBench(srv)
	id := openScript(t, ts.URL, roomScript)
	c, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.next("state")
	c.send("deliver #1")
	c.send("deliver #4")
	before := c.next("state")
	for num(before, "step") < 4 {
		before = c.next("state")
	}
	resp, body := getFollow(t, ts.URL+"/lessons/02-happy-path?step=2")
	if resp.StatusCode != 200 {
		t.Fatalf("lesson: %d", resp.StatusCode)
	}
	lessonID := regexpFind(body, `"session":"([0-9a-f]+)"`)
	gone := openScript(t, ts.URL, roomScript)
	g, _ := srv.Registry().Get(gone)
	g.Close()
	srv.Close()
	ts.Close()
	st.Close()

	st, err = store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	opts.Store = st
	srv = NewServer(opts)
	defer srv.Close()
	ts = newServerForBench(srv)
	defer ts.Close()
	c, _, err = dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatalf("the sandbox did not survive the restart: %v", err)
	}
	after := c.next("state")
	bs, _ := json.Marshal(before["state"])
	as, _ := json.Marshal(after["state"])
	if !bytes.Equal(bs, as) {
		t.Fatalf("sandbox state after restart:\nbefore %s\nafter  %s", bs, as)
	}
	if num(after, "seq") <= num(before, "seq") {
		t.Fatalf("restored session's seq %v is not past the page's %v: the page would ignore it", num(after, "seq"), num(before, "seq"))
	}
	l, _, err := dialWS(t, ts.URL, lessonID, nil)
	if err != nil {
		t.Fatalf("the lesson session did not survive: %v", err)
	}
	if f := l.next("state"); num(f, "lesson", "step") != 1 || f["lesson"].(map[string]any)["id"] != "02-happy-path" {
		t.Fatalf("lesson after restart: %v", f["lesson"])
	}
	if _, err := srv.Registry().Get(gone); err == nil {
		t.Fatal("an ended session came back")
	}
}

func regexpFind(s, re string) string {
	m := regexp.MustCompile(re).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestRoomTranslationKeys: every room.* key the room's Go, templ and JS
// code uses is in the table (with Chinese; TestTranslationKeys checks
// that every key has it).
func TestRoomTranslationKeys(t *testing.T) {
	re := regexp.MustCompile(`(?:\bT|\bt|errT)\("(room\.[a-z0-9_]*[a-z0-9])"`)
	seen := 0
	for _, f := range []string{"room.go", "roomproto.go", "roompoll.go", "room.templ", "../static/room.js", "../static/roompoll.js"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !i18n.Has(m[1]) {
				t.Errorf("%s uses %q, which is not in the translation table", f, m[1])
			}
		}
	}
	// Keys built at run time: "room.q_" + a poll kind.
	for _, k := range []string{room.PollLesson, room.PollValue, room.PollMessage, room.PollLeader, room.PollSlot, room.PollEntry} {
		if !i18n.Has("room.q_" + k) {
			t.Errorf("no text for poll kind %s", k)
		}
	}
	// "room.result_" + a value poll's kind (roompoll.js).
	for _, k := range []string{room.PollValue, room.PollSlot, room.PollEntry} {
		if !i18n.Has("room.result_" + k) {
			t.Errorf("no result text for poll kind %s", k)
		}
	}
	if seen < 60 {
		t.Errorf("found only %d key uses; the scanner is broken", seen)
	}
}

// TestRoomLesson: a lesson room polls the step's own question, follows
// "lesson next", and the dashboard counts the students whose fork reaches
// the step's goal.
func TestRoomLesson(t *testing.T) {
	set, _ := lessons.Builtin()
	_, ts := newTestServer(t, Options{Lessons: staticLessons{set}})
	code, cr, body := createRoom(t, ts.URL, `{"lesson":"02-happy-path","step":1}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	s := newRoomClient(t, ts.URL)
	s.join(cr.Code)
	teacher.send(roomClientFrame{Room: "poll lesson"})
	p := s.until("room", func(f map[string]any) bool { return f["poll"] != nil })["poll"].(map[string]any)
	if p["kind"] != "lesson" || p["n"] != 3.0 || p["step"] != 0.0 {
		t.Fatalf("lesson poll %v", p)
	}
	teacher.send(roomClientFrame{Cmd: "lesson next"})
	s.until("state", func(f map[string]any) bool { return num(f, "lesson", "step") == 1 })
	teacher.send(roomClientFrame{Room: "poll lesson"})
	if e := teacher.until("error", nil); !strings.Contains(e["message"].(string), "no question") {
		t.Fatalf("poll on a step without a question: %v", e)
	}
	teacher.send(roomClientFrame{Room: "release"})
	s.until("room", func(f map[string]any) bool { return f["released"] == true })
	s.send(roomClientFrame{Room: "fork"})
	forkID := s.until("you", func(f map[string]any) bool { return f["fork"] != "" })["fork"].(string)
	fork, _, err := dialWS(t, ts.URL, forkID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := fork.next("state"); f["lesson"].(map[string]any)["met"] != false {
		t.Fatalf("the goal holds before any move: %v", f["lesson"])
	}
	teacher.until("dash", func(f map[string]any) bool { return num(f, "on_forks") == 1 && num(f, "goal_met") == 0 })
	l := set.Lesson("02-happy-path", "en")
	cfg := sim.NewHistory(l.Cluster).Config()
	for _, a := range lessons.Actions(l.Steps[1].Goal.Solution) {
		fork.send(a.Format(cfg))
	}
	for f := fork.next("state"); f["lesson"].(map[string]any)["met"] != true; f = fork.next("state") {
	}
	teacher.until("dash", func(f map[string]any) bool { return num(f, "goal_met") == 1 })
}

// TestRoomIdleExpiry: a room nobody is in and nobody acts in expires, and
// its record leaves the store; a room with a connected student does not.
func TestRoomIdleExpiry(t *testing.T) {
	st := store.NewMem()
	_, ts := newTestServer(t, Options{Store: st, Classroom: ClassroomOptions{Tick: 10 * time.Millisecond, Limits: room.Limits{IdleExpiry: 300 * time.Millisecond}}})
	_, idle, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	_, busy, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	s := newRoomClient(t, ts.URL)
	s.join(busy.Code)
	s.until("state", nil)
	if _, ok, _ := st.Get(store.Rooms, idle.Code); !ok {
		t.Fatal("a new room is not in the store")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, _ := get(t, ts.URL+"/api/rooms/"+idle.Code)
		if resp.StatusCode == http.StatusNotFound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the idle room did not expire")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if _, ok, _ := st.Get(store.Rooms, idle.Code); ok {
		t.Fatal("an expired room stayed in the store")
	}
	if resp, _ := get(t, ts.URL+"/api/rooms/"+busy.Code); resp.StatusCode != 200 {
		t.Fatalf("a room with a student expired: %d", resp.StatusCode)
	}
}

// TestRoomBadVerbs: junk on the room socket gets error frames, never a
// panic or a closed socket.
func TestRoomBadVerbs(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, cr, _ := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	s := newRoomClient(t, ts.URL)
	s.join(cr.Code)
	for _, v := range []string{"answer", "answer x", "answer -1", "answer 99999999999999999999", "fork now", "share", "back",
		"poll", "dance", strings.Repeat("x", 2000)} {
		s.send(roomClientFrame{Room: v})
		s.until("error", nil)
	}
	for _, v := range []string{"poll", "poll nope", "poll reveal", "project", "project x", "project 7", "answer 1", "lock now now"} {
		teacher.send(roomClientFrame{Room: v})
		teacher.until("error", nil)
	}
	teacher.send(roomClientFrame{Cmd: "undo"})
	s.until("state", nil) // both sockets still open
}

// Every sandbox, lesson and gallery page offers "Start a class" (a link to
// /s/{id}/room, which opens the instructor's page), and the home page
// offers "Join a class".
func TestStartAndJoinLinks(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, home := get(t, ts.URL+"/")
	if !strings.Contains(home, `id="join-link"`) || !strings.Contains(home, `href="/join"`) {
		t.Errorf("home page has no Join a class link")
	}
	id := openScript(t, ts.URL, "cluster servers=3\npropose s1 X\n")
	_, page := get(t, ts.URL+"/s/"+id+"/")
	if !strings.Contains(page, `id="btn-room"`) || !strings.Contains(page, `href="/s/`+id+`/room"`) {
		t.Fatalf("sandbox page has no Start a class link")
	}
	resp, body := get(t, ts.URL+"/s/"+id+"/room")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/r/") || !strings.Contains(loc, "/teach?k=") {
		t.Errorf("start a class: %d %q\n%.300s", resp.StatusCode, loc, body)
	}
}
