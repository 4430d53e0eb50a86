package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
	"github.com/paxviz/paxviz/room"
	"github.com/paxviz/paxviz/store"
)

// Rooms on every protocol (issues 9, 11 and 13): a Multi-Paxos or Raft
// cluster, or a lesson of either, is hosted by the same room machinery as
// single-decree Paxos.

const (
	raftRoomScript = "cluster raft servers=3 seed=1\n"
	mpRoomScript   = "cluster multipaxos servers=3 clients=2 leader=s1\n"
)

// raftServer returns the Raft panel's entry for a server in a state frame.
func raftServer(f map[string]any, name string) map[string]any {
	r, _ := f["raft"].(map[string]any)
	ss, _ := r["servers"].([]any)
	for _, s := range ss {
		if m, _ := s.(map[string]any); m["name"] == name {
			return m
		}
	}
	return nil
}

// mpExecuted returns how many slots a Multi-Paxos server has executed.
func mpExecuted(f map[string]any, name string) float64 {
	m, _ := f["mp"].(map[string]any)
	ss, _ := m["servers"].([]any)
	for _, s := range ss {
		if sv, _ := s.(map[string]any); sv["name"] == name {
			n, _ := sv["executed"].(float64)
			return n
		}
	}
	return -1
}

// TestRoomProtoCreate: a room opens on a Multi-Paxos or a Raft cluster and
// on every Multi-Paxos and Raft lesson (14–19); the projector's page and a
// student's page say which view to draw, and both get that protocol's
// panels in the state.
func TestRoomProtoCreate(t *testing.T) {
	set, diags := lessons.Builtin()
	if set == nil || len(diags) > 0 {
		t.Fatalf("built-in lessons: %v", diags)
	}
	_, ts := newTestServer(t, Options{Lessons: staticLessons{set}})
	cases := []struct{ body, proto string }{
		{`{"script": ` + jsonString(mpRoomScript) + `}`, "multipaxos"},
		{`{"script": ` + jsonString(raftRoomScript) + `}`, "raft"},
	}
	for _, id := range []string{"14-decree-to-log", "15-leader-change", "16-what-clients-see"} {
		cases = append(cases, struct{ body, proto string }{`{"lesson":"` + id + `"}`, "multipaxos"})
	}
	for _, id := range []string{"17-raft-election", "18-raft-log-repair", "19-raft-figure8"} {
		cases = append(cases, struct{ body, proto string }{`{"lesson":"` + id + `","step":2}`, "raft"})
	}
	for _, c := range cases {
		code, cr, body := createRoom(t, ts.URL, c.body)
		if code != http.StatusCreated {
			t.Fatalf("create %s: %d %s", c.body, code, body)
		}
		teacher := newRoomClient(t, ts.URL)
		resp, page := teacher.get(strings.TrimPrefix(cr.InstructorURL, ts.URL))
		if resp.StatusCode != 200 || !strings.Contains(page, `data-protocol="`+c.proto+`"`) {
			t.Fatalf("%s: projector page %d does not name its protocol %s", c.body, resp.StatusCode, c.proto)
		}
		if err := teacher.dial(cr.Code); err != nil {
			t.Fatal(err)
		}
		st := teacher.until("state", nil)
		panel := map[string]string{"multipaxos": "mp", "raft": "raft"}[c.proto]
		if st["protocol"] != c.proto || st[panel] == nil {
			t.Fatalf("%s: the projector's state is protocol %v without its %s panels", c.body, st["protocol"], panel)
		}
		if strings.Contains(c.body, "lesson") && st["lesson"] == nil {
			t.Fatalf("%s: no lesson in the state", c.body)
		}
		s := newRoomClient(t, ts.URL)
		resp, page = s.get("/r/" + cr.Code)
		if resp.StatusCode != 200 || !strings.Contains(page, `data-protocol="`+c.proto+`"`) {
			t.Fatalf("%s: student page %d does not name its protocol", c.body, resp.StatusCode)
		}
		if err := s.dial(cr.Code); err != nil {
			t.Fatal(err)
		}
		if f := s.until("state", nil); f["protocol"] != c.proto || f[panel] == nil {
			t.Fatalf("%s: the student's state is protocol %v", c.body, f["protocol"])
		}
	}
	// From a Raft sandbox session: "Start a class" opens a Raft room.
	id := openScript(t, ts.URL, raftRoomScript+"timeout s1\n")
	resp, _ := get(t, ts.URL+"/s/"+id+"/room")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/teach?k=") {
		t.Fatalf("a room from a Raft session: %d %s", resp.StatusCode, loc)
	}
}

// TestRoomProtoRaftFollow: the instructor drives a Raft election and a
// proposal; a student's phone follows every step, cannot drive, and
// answers a "who leads next" poll whose choices are the servers.
func TestRoomProtoRaftFollow(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(raftRoomScript)+`}`)
	if cr.Code == "" {
		t.Fatalf("create: %s", body)
	}
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	teacher.until("state", nil)
	phone := newRoomClient(t, ts.URL)
	phone.join(cr.Code)
	phone.until("state", nil)

	phone.send(roomClientFrame{Cmd: "timeout s2"})
	if e := phone.until("error", nil); !strings.Contains(e["message"].(string), "only the instructor") {
		t.Fatalf("a student's Raft command: %v", e)
	}
	teacher.send(roomClientFrame{Room: "poll leader"})
	p := phone.until("room", func(f map[string]any) bool { return f["poll"] != nil })["poll"].(map[string]any)
	if p["kind"] != room.PollLeader || p["n"] != 3.0 || p["choices"].([]any)[0] != "s1" {
		t.Fatalf("leader poll %v", p)
	}
	phone.send(roomClientFrame{Room: "answer 1"})
	teacher.until("dash", func(f map[string]any) bool { return num(f, "poll", "answered") == 1 })

	teacher.send(roomClientFrame{Cmd: "timeout s1"})
	f := phone.until("state", func(f map[string]any) bool {
		s := raftServer(f, "s1")
		return s != nil && s["role"] == "candidate"
	})
	if num(raftServer(f, "s1"), "term") != 1 {
		t.Fatalf("the candidate's term: %v", raftServer(f, "s1"))
	}
	teacher.send(roomClientFrame{Room: "poll message"})
	p = phone.until("room", func(f map[string]any) bool {
		p, _ := f["poll"].(map[string]any)
		return p != nil && p["kind"] == "message"
	})["poll"].(map[string]any)
	if p["n"] != 2.0 || !strings.Contains(p["choices"].([]any)[0].(string), "requestvote") {
		t.Fatalf("message poll in a Raft room: %v", p)
	}
	teacher.send(roomClientFrame{Cmd: "run max=6"})
	phone.until("state", func(f map[string]any) bool {
		s := raftServer(f, "s1")
		return s != nil && s["role"] == "leader"
	})
	teacher.send(roomClientFrame{Cmd: "propose s1 X"})
	teacher.send(roomClientFrame{Cmd: "run max=20"})
	f = phone.until("state", func(f map[string]any) bool {
		r, _ := f["raft"].(map[string]any)
		c, _ := r["committed"].([]any)
		return len(c) == 2
	})
	if c := f["raft"].(map[string]any)["committed"].([]any)[1].(map[string]any); c["v"] != "X" {
		t.Fatalf("committed %v", c)
	}
	// The status API reads the step from the frames the room relays (it
	// may lag the phone by a moment: the frame is published first).
	deadline := time.Now().Add(5 * time.Second)
	for {
		var api roomAPIStatus
		resp, b := get(t, ts.URL+"/api/rooms/"+cr.Code)
		json.Unmarshal([]byte(b), &api)
		if resp.StatusCode == 200 && api.SimStep == int(num(f, "step")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("status API: %d %+v, the phone is at step %v", resp.StatusCode, api, num(f, "step"))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRoomProtoMPForkShare: in a Multi-Paxos room a student forks (a
// Multi-Paxos session of their own), commits a put there, shares it, and
// the instructor projects it to the class.
func TestRoomProtoMPForkShare(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	_, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(mpRoomScript)+`}`)
	if cr.Code == "" {
		t.Fatalf("create: %s", body)
	}
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	a := newRoomClient(t, ts.URL)
	a.join(cr.Code)
	b := newRoomClient(t, ts.URL)
	b.join(cr.Code)
	b.until("state", nil)
	teacher.send(roomClientFrame{Room: "poll value"})
	if e := teacher.until("error", nil); !strings.Contains(e["message"].(string), "nothing is proposed for slot 1") {
		t.Fatalf("a value poll with no command: %v", e)
	}
	teacher.send(roomClientFrame{Room: "release"})
	a.until("room", func(f map[string]any) bool { return f["released"] == true })
	a.send(roomClientFrame{Room: "fork"})
	forkID := a.until("you", func(f map[string]any) bool { return f["fork"] != "" })["fork"].(string)
	fork, _, err := dialWS(t, ts.URL, forkID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := fork.next("state"); f["protocol"] != "multipaxos" {
		t.Fatalf("the fork is protocol %v", f["protocol"])
	}
	fork.send("put c1 x 1")
	fork.send("run max=30")
	fs := fork.next("state")
	for mpExecuted(fs, "s1") < 1 {
		fs = fork.next("state")
	}
	a.send(roomClientFrame{Room: "share"})
	d := teacher.until("dash", func(f map[string]any) bool { return len(f["shares"].([]any)) == 1 })
	sh := d["shares"].([]any)[0].(map[string]any)
	if sh["step"] != fs["step"] {
		t.Fatalf("share at step %v, the fork is at %v", sh["step"], fs["step"])
	}
	teacher.send(roomClientFrame{Room: "project " + itoa(int(sh["id"].(float64)))})
	st := b.until("state", func(f map[string]any) bool { return mpExecuted(f, "s1") == 1 })
	if st["step"] != fs["step"] || st["protocol"] != "multipaxos" {
		t.Fatalf("projected step %v (fork %v), protocol %v", st["step"], fs["step"], st["protocol"])
	}
	// The class goes on from the projected state.
	teacher.send(roomClientFrame{Cmd: "put c2 y 2"})
	b.until("state", func(f map[string]any) bool { return num(f, "step") == num(st, "step")+1 })
}

// TestRoomProtoRestart: a Raft room and a Multi-Paxos lesson room survive
// a restart on the same store: the state, the lesson step, the students
// and the instructor's control.
func TestRoomProtoRestart(t *testing.T) {
	set, _ := lessons.Builtin()
	dir := t.TempDir()
	st, err := store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := NewServer(Options{Store: st, Lessons: staticLessons{set}})
	ts := newServerForBench(srv)
	_, raft, body := createRoom(t, ts.URL, `{"script": `+jsonString(raftRoomScript)+`}`)
	if raft.Code == "" {
		t.Fatalf("create: %s", body)
	}
	_, les, body := createRoom(t, ts.URL, `{"lesson":"15-leader-change","step":2}`)
	if les.Code == "" {
		t.Fatalf("create lesson room: %s", body)
	}
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(raft)
	alice := newRoomClient(t, ts.URL)
	alice.join(raft.Code)
	teacher.send(roomClientFrame{Cmd: "timeout s1"})
	teacher.send(roomClientFrame{Cmd: "run max=6"})
	before := alice.until("state", func(f map[string]any) bool {
		s := raftServer(f, "s1")
		return s != nil && s["role"] == "leader"
	})
	lt := newRoomClient(t, ts.URL)
	lt.teach(les)
	lt.send(roomClientFrame{Cmd: "lesson next"})
	lbefore := lt.until("state", func(f map[string]any) bool { return num(f, "lesson", "step") == 2 })
	srv.Close()
	ts.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv = NewServer(Options{Store: st, Lessons: staticLessons{set}})
	defer srv.Close()
	ts = newServerForBench(srv)
	defer ts.Close()
	moveCookies(t, teacher, raft, ts.URL)
	moveCookies(t, alice, raft, ts.URL)
	moveCookies(t, lt, les, ts.URL)
	if err := alice.dial(raft.Code); err != nil {
		t.Fatalf("student reconnect after restart: %v", err)
	}
	after := alice.until("state", nil)
	bs, _ := json.Marshal(before["raft"])
	as, _ := json.Marshal(after["raft"])
	if string(bs) != string(as) || after["step"] != before["step"] {
		t.Fatalf("Raft room after restart differs:\nbefore %s\nafter  %s", bs, as)
	}
	if you := alice.until("you", nil); num(you, "num") != 1 {
		t.Fatalf("student after restart: %v", you)
	}
	if err := teacher.dial(raft.Code); err != nil {
		t.Fatal(err)
	}
	teacher.send(roomClientFrame{Cmd: "propose s1 Y"})
	alice.until("state", func(f map[string]any) bool { return num(f, "step") == num(before, "step")+1 })

	if err := lt.dial(les.Code); err != nil {
		t.Fatal(err)
	}
	lafter := lt.until("state", nil)
	lb, _ := json.Marshal(lbefore["mp"])
	la, _ := json.Marshal(lafter["mp"])
	if num(lafter, "lesson", "step") != 2 || string(lb) != string(la) {
		t.Fatalf("lesson room after restart: step %v\nbefore %s\nafter  %s", num(lafter, "lesson", "step"), lb, la)
	}
	lt.send(roomClientFrame{Cmd: "lesson next"})
	lt.until("state", func(f map[string]any) bool { return num(f, "lesson", "step") == 3 })
}

// TestRoomProtoLimits: the room's limits hold in a Raft room: the student
// cap, the join rate per address, the socket's frame size and a student's
// read-only seat.
func TestRoomProtoLimits(t *testing.T) {
	_, ts := newTestServer(t, Options{Classroom: ClassroomOptions{Limits: room.Limits{MaxStudents: 2, JoinRate: 0.001, JoinBurst: 3}}})
	_, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(raftRoomScript)+`}`)
	if cr.Code == "" {
		t.Fatalf("create: %s", body)
	}
	a := newRoomClient(t, ts.URL)
	a.join(cr.Code)
	a.until("state", nil)
	newRoomClient(t, ts.URL).get("/r/" + cr.Code)
	if resp, _ := newRoomClient(t, ts.URL).get("/r/" + cr.Code); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("third student in a Raft room of 2: %d", resp.StatusCode)
	}
	_, cr2, _ := createRoom(t, ts.URL, `{"script": `+jsonString(mpRoomScript)+`}`)
	if resp, _ := newRoomClient(t, ts.URL).get("/r/" + cr2.Code); resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("join past the rate in a Multi-Paxos room: %d", resp.StatusCode)
	}
	big, _ := json.Marshal(roomClientFrame{Cmd: "propose s1 " + strings.Repeat("x", maxFrameBytes)})
	a.ws.Write(context.Background(), websocket.MessageText, big)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := a.ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
				t.Fatalf("an oversized frame: %v", err)
			}
			break
		}
	}
}

// TestRoomProtoBadScript: a Multi-Paxos or Raft script that does not
// build is refused with an error naming its line, and leaves no session
// behind (it replaces TestMPRoomRefused: rooms no longer refuse the
// protocol itself).
func TestRoomProtoBadScript(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	for _, script := range []string{"cluster multipaxos servers=3 clients=1\nput c9 x 1\n", "cluster raft servers=3\ntimeout s7\n"} {
		code, _, body := createRoom(t, ts.URL, `{"script": `+jsonString(script)+`}`)
		if code != http.StatusBadRequest || !strings.Contains(body, "script:2:") {
			t.Fatalf("%q: %d %s", script, code, body)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for srv.rooms.reg.Len() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := srv.rooms.reg.Len(); n != 0 {
		t.Fatalf("%d room sessions left", n)
	}
	for _, k := range []string{"room.protocol_paxos", "room.protocol_multipaxos", "room.protocol_raft"} {
		if !i18n.Has(k) {
			t.Errorf("no text for %s", k)
		}
	}
}

// TestRoomProtoLessonGoal: in a room on Raft lesson 17, a student's fork
// is a Raft lesson session at the class's step; playing the step's
// solution there meets its goal, and the instructor's dashboard counts it.
func TestRoomProtoLessonGoal(t *testing.T) {
	set, _ := lessons.Builtin()
	l := set.Lesson("17-raft-election", "en")
	k := -1
	for i, st := range l.Steps {
		if st.Goal != nil && len(lessons.ActionStmts(st.Goal.Solution)) > 0 {
			k = i
			break
		}
	}
	if k < 0 {
		t.Fatal("lesson 17 has no step with a goal and a solution")
	}
	_, ts := newTestServer(t, Options{Lessons: staticLessons{set}, Classroom: ClassroomOptions{Tick: 20 * time.Millisecond}})
	code, cr, body := createRoom(t, ts.URL, `{"lesson":"17-raft-election","step":`+itoa(k+1)+`}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	s := newRoomClient(t, ts.URL)
	s.join(cr.Code)
	teacher.send(roomClientFrame{Room: "release"})
	s.until("room", func(f map[string]any) bool { return f["released"] == true })
	s.send(roomClientFrame{Room: "fork"})
	forkID := s.until("you", func(f map[string]any) bool { return f["fork"] != "" })["fork"].(string)
	fork, _, err := dialWS(t, ts.URL, forkID, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := fork.next("state")
	if f["protocol"] != "raft" || num(f, "lesson", "step") != float64(k) || f["lesson"].(map[string]any)["met"] != false {
		t.Fatalf("the fork: protocol %v, lesson %v", f["protocol"], f["lesson"])
	}
	teacher.until("dash", func(f map[string]any) bool { return num(f, "on_forks") == 1 && num(f, "goal_met") == 0 })
	for _, st := range lessons.ActionStmts(l.Steps[k].Goal.Solution) {
		fork.send(st.Text)
	}
	for f = fork.next("state"); f["lesson"].(map[string]any)["met"] != true; f = fork.next("state") {
	}
	teacher.until("dash", func(f map[string]any) bool { return num(f, "goal_met") == 1 })
}

// TestRoomProtoProjectOtherProtocol: a shared copy of another protocol
// than the room's is refused, in the instructor's language (a room's
// protocol never changes).
func TestRoomProtoProjectOtherProtocol(t *testing.T) {
	for _, c := range []struct {
		room, script, want string
		lang               i18n.Lang
	}{
		{"raft", mpRoomScript, "this room runs raft; the shared copy runs multipaxos", i18n.EN},
		{"", raftRoomScript, "这个课堂运行的是 paxos；分享的副本运行的是 raft", i18n.ZH},
		{"multipaxos", roomScript, "the shared copy runs paxos", i18n.EN},
	} {
		rc := &roomConn{lr: &liveRoom{proto: c.room}, lang: c.lang}
		if err := rc.sameProtocol(c.script); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("room %q, copy %.30q: %v", c.room, c.script, err)
		}
	}
	rc := &roomConn{lr: &liveRoom{proto: "raft"}, lang: i18n.EN}
	if err := rc.sameProtocol(raftRoomScript + "timeout s1\n"); err != nil {
		t.Errorf("a Raft copy in a Raft room: %v", err)
	}
}
