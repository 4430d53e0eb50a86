package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/room"
)

// The value poll in Multi-Paxos and Raft rooms (roompoll.go).

// pollOf returns a room frame's poll (nil none).
func pollOf(f map[string]any) map[string]any {
	p, _ := f["poll"].(map[string]any)
	return p
}

func choicesOf(p map[string]any) []string {
	var out []string
	for _, c := range p["choices"].([]any) {
		out = append(out, c.(string))
	}
	return out
}

func errText(f map[string]any) string {
	s, _ := f["message"].(string)
	return s
}

// pollRoom starts a server with opts and a room on script, with the
// instructor teaching and one student joined who has had the first state.
func pollRoom(t *testing.T, opts Options, script string) (*httptest.Server, createResponse, *roomClient, *roomClient) {
	t.Helper()
	_, ts := newTestServer(t, opts)
	_, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(script)+`}`)
	if cr.Code == "" {
		t.Fatalf("create: %s", body)
	}
	teacher := newRoomClient(t, ts.URL)
	teacher.teach(cr)
	phone := newRoomClient(t, ts.URL)
	phone.join(cr.Code)
	phone.until("state", nil)
	return ts, cr, teacher, phone
}

// TestRoomSlotPoll: in a Multi-Paxos room the instructor asks which
// command slot 1 will choose; the choices are the request in flight and a
// no-op; a student answers; the result stays hidden until the reveal and
// is the god's-eye chosen command once the slot is chosen; going back
// before the choice takes the result back.
func TestRoomSlotPoll(t *testing.T) {
	_, _, teacher, phone := pollRoom(t, Options{}, mpRoomScript)

	teacher.send(roomClientFrame{Room: "poll value"})
	if e := teacher.until("error", nil); !strings.Contains(errText(e), "nothing is proposed for slot 1") {
		t.Fatalf("a slot poll with nothing proposed: %v", e)
	}
	teacher.send(roomClientFrame{Cmd: "put c1 x 1"})
	teacher.until("state", func(f map[string]any) bool { return len(f["state"].(map[string]any)["inflight"].([]any)) > 0 })
	teacher.send(roomClientFrame{Room: "poll value"})
	p := pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f) != nil }))
	cs := choicesOf(p)
	if p["kind"] != room.PollSlot || num(p, "slot") != 1 || len(cs) != 3 || !strings.HasSuffix(cs[0], "put:x:1") || cs[1] != noopText || cs[2] != choiceOther {
		t.Fatalf("slot poll %v", p)
	}
	put := cs[0]
	phone.send(roomClientFrame{Room: "answer 1 slot=1"})
	if y := phone.until("you", nil); num(y, "answer") != 0 {
		t.Fatalf("my answer %v", y)
	}
	teacher.send(roomClientFrame{Cmd: "run max=40"})
	teacher.until("state", func(f map[string]any) bool {
		c := f["mp"].(map[string]any)["chosen"].([]any)
		return len(c) > 0 && c[0] == put
	})
	// Chosen, but not revealed: the projector and the phones do not see
	// the result; the dashboard does.
	teacher.until("dash", func(f map[string]any) bool { return pollOf(f)["result"] == put })
	teacher.send(roomClientFrame{Room: "poll reveal"})
	p = pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f)["revealed"] == true }))
	if p["result"] != put || p["hist"].([]any)[0] != 1.0 {
		t.Fatalf("revealed poll %v", p)
	}
	teacher.send(roomClientFrame{Room: "poll value 1"})
	if e := teacher.until("error", nil); !strings.Contains(errText(e), "slot 1 is already chosen") {
		t.Fatalf("a poll on a chosen slot: %v", e)
	}
	for _, c := range []struct{ verb, want string }{
		{"poll value 5", "slot 5 is past the end"},
		{"poll value 99999999999999999999999999", "is not a slot or index number"},
		{"poll value 0", "0 is not a slot or index number"},
		{"poll value -2", "-2 is not a slot or index number"},
		{"poll value x", "x is not a slot or index number"},
		{"poll value 1 2", "usage: poll lesson|value [K]"},
		{"poll leader 2", "usage: poll lesson|value [K]"},
	} {
		teacher.send(roomClientFrame{Room: c.verb})
		if e := teacher.until("error", nil); !strings.Contains(errText(e), c.want) {
			t.Fatalf("%s: error %q, want %q", c.verb, errText(e), c.want)
		}
	}
	// Back to the start: nothing is chosen there, so there is no result.
	teacher.send(roomClientFrame{Cmd: "reset"})
	p = pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f)["result"] == nil }))
	if p["revealed"] != true {
		t.Fatalf("after the reset %v", p)
	}
}

// TestRoomEntryPoll: in a Raft room the poll asks which entry index 2 will
// commit; the choices are the entries at that index in the servers' logs.
func TestRoomEntryPoll(t *testing.T) {
	_, _, teacher, phone := pollRoom(t, Options{}, raftRoomScript)
	teacher.send(roomClientFrame{Room: "poll value"})
	if e := teacher.until("error", nil); !strings.Contains(errText(e), "index 1") {
		t.Fatalf("an entry poll on empty logs: %v", e)
	}
	teacher.send(roomClientFrame{Cmd: "timeout s1"})
	teacher.send(roomClientFrame{Cmd: "run max=6"})
	teacher.until("state", func(f map[string]any) bool {
		s := raftServer(f, "s1")
		return s != nil && s["role"] == "leader"
	})
	teacher.send(roomClientFrame{Cmd: "propose s1 X"})
	teacher.send(roomClientFrame{Room: "poll value 2"})
	p := pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f) != nil }))
	if cs := choicesOf(p); p["kind"] != room.PollEntry || num(p, "slot") != 2 || len(cs) != 2 || cs[0] != "1:X" || cs[1] != choiceOther {
		t.Fatalf("entry poll %v", p)
	}
	teacher.send(roomClientFrame{Room: "poll value 9"})
	if e := teacher.until("error", nil); !strings.Contains(errText(e), "index 9 is past the end") {
		t.Fatalf("an entry poll past every log: %v", e)
	}
	phone.send(roomClientFrame{Room: "answer 1 index=2"})
	phone.until("you", func(f map[string]any) bool { return num(f, "answer") == 0 })
	teacher.send(roomClientFrame{Cmd: "run max=20"})
	teacher.until("dash", func(f map[string]any) bool { return pollOf(f)["result"] == "1:X" })
	teacher.send(roomClientFrame{Room: "poll reveal"})
	if p := pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f)["revealed"] == true })); p["result"] != "1:X" {
		t.Fatalf("revealed entry poll %v", p)
	}
	teacher.send(roomClientFrame{Room: "poll value 2"})
	if e := teacher.until("error", nil); !strings.Contains(errText(e), "index 2 is already committed (1:X)") {
		t.Fatalf("a poll on a committed index: %v", e)
	}
}

// TestRoomSlotPollHostile: answers to a slot poll that name no choice, a
// wrong slot, junk, or are oversized are refused with an error that says
// what was wrong, the socket stays usable (an oversized frame closes only
// the sender's socket, as for any room frame), and a good answer still
// counts; the room's answer rate and student cap hold for the new poll.
func TestRoomSlotPollHostile(t *testing.T) {
	ts, cr, teacher, phone := pollRoom(t, Options{CommandRate: 0.001, CommandBurst: 13,
		Classroom: ClassroomOptions{Limits: room.Limits{MaxStudents: 2}}}, mpRoomScript+"put c1 x 1\n")
	teacher.send(roomClientFrame{Room: "poll value"})
	phone.until("room", func(f map[string]any) bool { return pollOf(f) != nil })
	for _, c := range []struct{ verb, want string }{
		{"answer 4 slot=1", "no such choice"},
		{"answer 0 slot=1", "no such choice"},
		{"answer -1 slot=1", "no such choice"},
		{"answer 99999999999999999999999 slot=1", "no such choice"},
		{"answer one slot=1", "no such choice"},
		{"answer 1 slot=2", "asks about slot 1, not 2"},
		{"answer 1 slot=-3", "usage: answer N [slot=K]"},
		{"answer 1 slot=99999999999999999999", "usage: answer N [slot=K]"},
		{"answer 1 slot=x", "usage: answer N [slot=K]"},
		{"answer 1 term=1", "usage: answer N [slot=K]"},
		{"answer 1 slot=1 extra", "usage: answer N [slot=K]"},
		{"answer " + strings.Repeat("9", 2000), "malformed"},
	} {
		phone.send(roomClientFrame{Room: c.verb})
		e := phone.until("error", nil)
		if !strings.Contains(errText(e), c.want) {
			t.Fatalf("%.40s: error %q, want %q", c.verb, errText(e), c.want)
		}
	}
	phone.send(roomClientFrame{Room: "answer 2 slot=1"}) // the 13th frame: within the burst
	if y := phone.until("you", nil); num(y, "answer") != 1 {
		t.Fatalf("a good answer after the bad ones: %v", y)
	}
	// The answer rate: the burst is spent, the next answers are refused.
	phone.send(roomClientFrame{Room: "answer 1 slot=1"})
	phone.send(roomClientFrame{Room: "answer 1 slot=1"})
	if e := phone.until("error", nil); !strings.Contains(errText(e), "slow down") {
		t.Fatalf("an answer past the rate: %v", e)
	}
	// A frame past the size limit closes that socket only.
	big := newRoomClient(t, ts.URL)
	big.join(cr.Code)
	big.until("state", nil)
	if err := big.ws.Write(context.Background(), websocket.MessageText, []byte(`{"room":"answer 1 slot=1 `+strings.Repeat("x", maxFrameBytes)+`"}`)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		if _, _, err := big.ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
				t.Fatalf("an oversized answer: %v", err)
			}
			break
		}
	}
	// The cap: the room holds two students, a third is turned away.
	resp, _ := newRoomClient(t, ts.URL).get("/r/" + cr.Code)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("a third student in a room of two: %d", resp.StatusCode)
	}
	d := teacher.until("dash", func(f map[string]any) bool { return num(f, "poll", "answered") == 1 })
	if h := pollOf(d)["hist"].([]any); h[1] != 1.0 {
		t.Fatalf("the split after the hostile answers: %v", h)
	}
}

// TestRoomValuePollResult: the single-decree value poll is judged by the
// same record: once a value is chosen, the reveal names it.
func TestRoomValuePollResult(t *testing.T) {
	_, _, teacher, phone := pollRoom(t, Options{}, roomScript)
	teacher.send(roomClientFrame{Room: "poll value 1"})
	if e := teacher.until("error", nil); !strings.Contains(errText(e), "usage: poll value") {
		t.Fatalf("a slot for a single-decree value poll: %v", e)
	}
	teacher.send(roomClientFrame{Room: "poll value"})
	p := pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f) != nil }))
	if p["kind"] != room.PollValue || p["slot"] != nil || len(choicesOf(p)) != 2 {
		t.Fatalf("value poll %v", p)
	}
	phone.send(roomClientFrame{Room: "answer 1 slot=3"})
	if e := phone.until("error", nil); !strings.Contains(errText(e), "is about no slot or index (the answer named 3)") {
		t.Fatalf("a slot in an answer to a single-decree poll: %v", e)
	}
	teacher.send(roomClientFrame{Cmd: "run max=100"})
	st := teacher.until("state", func(f map[string]any) bool { return len(f["state"].(map[string]any)["chosen"].([]any)) == 1 })
	chosen := st["state"].(map[string]any)["chosen"].([]any)[0]
	teacher.send(roomClientFrame{Room: "poll reveal"})
	if p := pollOf(phone.until("room", func(f map[string]any) bool { return pollOf(f)["revealed"] == true })); p["result"] != chosen {
		t.Fatalf("revealed %v, chosen %v", p, chosen)
	}
}

// TestPollOutcomeResult: the result is the god's-eye record in the
// choices' spelling, whether or not it is among the choices.
func TestPollOutcomeResult(t *testing.T) {
	var o pollOutcome
	o.MP = &struct {
		Chosen []string `json:"chosen"`
	}{[]string{"c1.1:put:x:1", "", mpNoop, "!"}}
	o.Raft = &struct {
		Committed []raftCommitted `json:"committed"`
	}{[]raftCommitted{{Index: 1, Term: 1, Value: "noop"}, {Index: 2, Term: 3, Value: "Z"}}}
	o.State.Chosen = []string{"X"}
	for _, c := range []struct {
		p    room.Poll
		want string
	}{
		{room.Poll{Kind: room.PollSlot, Slot: 1, Choices: []string{"c2.1:put:y:2", noopText, choiceOther}}, "c1.1:put:x:1"},
		{room.Poll{Kind: room.PollSlot, Slot: 2}, ""},
		{room.Poll{Kind: room.PollSlot, Slot: 3}, noopText},
		{room.Poll{Kind: room.PollSlot, Slot: 4}, "!"},
		{room.Poll{Kind: room.PollSlot, Slot: 9}, ""},
		{room.Poll{Kind: room.PollEntry, Slot: 1}, "1:∅"},
		{room.Poll{Kind: room.PollEntry, Slot: 2}, "3:Z"},
		{room.Poll{Kind: room.PollEntry, Slot: 3}, ""},
		{room.Poll{Kind: room.PollValue}, "X"},
		{room.Poll{Kind: room.PollLeader}, ""},
	} {
		if got := o.result(&c.p); got != c.want {
			t.Errorf("%s poll on %d: result %q, want %q", c.p.Kind, c.p.Slot, got, c.want)
		}
	}
}
