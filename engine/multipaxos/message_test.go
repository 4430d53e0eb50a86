package multipaxos

import (
	"math/rand/v2"
	"testing"
)

// TestDescribe: every message type prints as multipaxos.md §2 shows it.
func TestDescribe(t *testing.T) {
	cfg := DefaultConfig(3, 2, 0)
	put := Cmd{Op: OpPut, ID: ReqID{2, 1}, Key: "y", Val: "2"}
	cas := Cmd{Op: OpCas, ID: ReqID{1, 4}, Key: "x", Val: "0", New: "1"}
	get := Cmd{Op: OpGet, ID: ReqID{1, 2}, Key: "x"}
	b := Ballot{2, 3}
	cases := []struct {
		m    Message
		want string
	}{
		{Message{ID: 7, Type: MsgRequest, From: 3, To: 0, Cmd: get}, "#7 request c1->s1 id=c1.2 op=get:x"},
		{Message{Type: MsgReply, From: 0, To: 3, Req: get.ID, Result: "1"}, "reply s1->c1 id=c1.2 r=1"},
		{Message{Type: MsgReply, From: 0, To: 3, Req: get.ID, NotLeader: true, Hint: 1}, "reply s1->c1 id=c1.2 err=not_leader hint=s2"},
		{Message{Type: MsgReply, From: 0, To: 3, Req: get.ID, NotLeader: true, Hint: None}, "reply s1->c1 id=c1.2 err=not_leader hint=none"},
		{Message{Type: MsgPrepare, From: 2, To: 0, Ballot: b, FromSlot: 4}, "prepare s3->s1 b=2.3 from=4"},
		{Message{Type: MsgPromise, From: 0, To: 2, Ballot: b, FromSlot: 4, Votes: []SlotVote{{4, Ballot{1, 1}, put}, {6, Ballot{1, 1}, Noop}}},
			"promise s1->s3 b=2.3 from=4 votes=[s=4 b=1.1 v=c2.1:put:y:2; s=6 b=1.1 v=noop]"},
		{Message{Type: MsgPromise, From: 0, To: 2, Ballot: b, FromSlot: 1}, "promise s1->s3 b=2.3 from=1 votes=[]"},
		{Message{Type: MsgNack, From: 1, To: 0, Ballot: Ballot{1, 1}, Promised: b, Rejects: MsgAccept, Slot: 5}, "nack s2->s1 b=1.1 promised=2.3 s=5"},
		{Message{Type: MsgNack, From: 1, To: 0, Ballot: Ballot{1, 1}, Promised: b, Rejects: MsgPrepare}, "nack s2->s1 b=1.1 promised=2.3"},
		{Message{Type: MsgAccept, From: 2, To: 1, Ballot: b, Slot: 5, Cmd: cas}, "accept s3->s2 b=2.3 s=5 v=c1.4:cas:x:0:1"},
		{Message{Type: MsgAccepted, From: 1, To: 2, Ballot: b, Slot: 5}, "accepted s2->s3 b=2.3 s=5"},
		{Message{Type: MsgCommit, From: 2, To: 1, Slot: 5, Cmd: cas}, "commit s3->s2 s=5 v=c1.4:cas:x:0:1"},
		{Message{Type: MsgHeartbeat, From: 2, To: 1, Ballot: b, Upto: 5, Round: 9}, "heartbeat s3->s2 b=2.3 upto=5 r=9"},
		{Message{Type: MsgHeartbeatOK, From: 1, To: 2, Ballot: b, Upto: 3, Round: 9}, "heartbeat_ok s2->s3 b=2.3 upto=3 r=9"},
	}
	for _, tc := range cases {
		if got := cfg.Describe(&tc.m); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
	for i := MsgRequest; i < NumMsgTypes; i++ {
		if got, ok := ParseMsgType(i.String()); !ok || got != i {
			t.Errorf("ParseMsgType(%q) = %v, %v", i, got, ok)
		}
	}
}

func TestParse(t *testing.T) {
	for _, s := range []string{"noop", "c1.3:put:x:1", "c2.1:get:y", "c9.12:cas:k:nil:v"} {
		c, err := ParseCmd(s)
		if err != nil || c.String() != s {
			t.Errorf("ParseCmd(%q) = %v, %v", s, c, err)
		}
	}
	for _, s := range []string{"", "c0.1:get:x", "c1.0:get:x", "c1.1:put:x", "c1.1:put:x:nil", "c1.1:del:x", "c1.1:put:x:a b", "x"} {
		if _, err := ParseCmd(s); err == nil {
			t.Errorf("ParseCmd(%q) must fail", s)
		}
	}
	for _, s := range []string{"1.1", "2.3", "none"} {
		if b, err := ParseBallot(s); err != nil || b.String() != s {
			t.Errorf("ParseBallot(%q) = %v, %v", s, b, err)
		}
	}
	for _, s := range []string{"", "1", "0.1", "1.0", "1.10", "+1.1", "1.+1", "x.y"} {
		if _, err := ParseBallot(s); err == nil {
			t.Errorf("ParseBallot(%q) must fail", s)
		}
	}
	if _, err := NewConfig(0, 1, 3, 10, 2, 0); err == nil {
		t.Error("servers=0 must be an error")
	}
	if _, err := NewConfig(3, 1, 0, 10, 2, 0); err == nil {
		t.Error("window=0 must be an error")
	}
}

// TestScriptErrors: what multipaxos.md §8 calls script errors are errors,
// not panics: a second outstanding request, a timeout with nothing
// outstanding or on a down server, crashing a client or a down server,
// restarting an up one.
func TestScriptErrors(t *testing.T) {
	cfg := DefaultConfig(3, 1, 0)
	st, err := NewState(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out Out
	c1 := cfg.Client(1)
	op, _ := NewOp("put", "x", "1")
	if err := st.Timeout(cfg, c1, TimerRetry, &out); err == nil {
		t.Error("timeout c1 with nothing outstanding must fail")
	}
	if err := st.Request(cfg, c1, op, None, &out); err != nil {
		t.Fatal(err)
	}
	if err := st.Request(cfg, c1, op, None, &out); err == nil {
		t.Error("a second outstanding request must fail")
	}
	if err := st.Crash(cfg, c1); err == nil {
		t.Error("crash c1 must fail")
	}
	if err := st.Restart(cfg, 0, &out); err == nil {
		t.Error("restarting an up server must fail")
	}
	if err := st.Crash(cfg, 0); err != nil {
		t.Fatal(err)
	}
	if err := st.Crash(cfg, 0); err == nil {
		t.Error("crashing a down server must fail")
	}
	if err := st.Timeout(cfg, 0, TimerElection, &out); err == nil {
		t.Error("a timeout on a down server must fail")
	}
	if _, err := NewState(cfg, cfg.Client(1)); err == nil {
		t.Error("leader=c1 must fail")
	}
}

// TestGarbageMessages: messages with arbitrary fields (unknown nodes and
// types, slots out of range, malformed commands) never panic a node.
func TestGarbageMessages(t *testing.T) {
	cfg := DefaultConfig(3, 2, 0)
	st, _ := NewState(cfg, 0)
	r := rand.New(rand.NewPCG(5, 6))
	var out Out
	node := func() NodeID { return NodeID(r.IntN(8) - 2) }
	slot := func() int32 {
		return []int32{-1, 0, 1, 2, 3, 7, MaxSlot + 1, 1 << 30}[r.IntN(8)]
	}
	cmds := []Cmd{{}, Noop, {Op: OpPut, ID: ReqID{1, 1}, Key: "x", Val: "1"}, {Op: OpGet, ID: ReqID{9, 3}, Key: "x"},
		{Op: OpCas, ID: ReqID{-1, -5}, Key: "y"}, {Op: 77, ID: ReqID{2, 1}}}
	for i := range 20000 {
		m := Message{
			Type: MsgType(r.IntN(int(NumMsgTypes) + 2)), From: node(), To: NodeID(r.IntN(cfg.Nodes())),
			Ballot: Ballot{int32(r.IntN(4)), int32(r.IntN(5))}, Slot: slot(), FromSlot: slot(),
			Cmd: cmds[r.IntN(len(cmds))], Promised: Ballot{int32(r.IntN(4)), int32(r.IntN(5))},
			Rejects: MsgType(r.IntN(12)), Upto: slot(), Round: int32(r.IntN(5) - 1),
			Req: ReqID{int8(r.IntN(4)), int32(r.IntN(3))}, NotLeader: r.IntN(2) == 0, Hint: node(),
			Votes: []SlotVote{{Slot: slot(), B: Ballot{1, 1}, Cmd: cmds[r.IntN(len(cmds))]}},
		}
		out.Reset()
		if st.Up(cfg, m.To) {
			_ = st.Step(cfg, &m, &out)
		}
		if i%97 == 0 {
			_ = st.Timeout(cfg, NodeID(r.IntN(cfg.Servers)), TimerKind(r.IntN(5)), &out)
		}
		_ = cfg.Describe(&m)
	}
	for i := range st.Servers {
		if n := st.Servers[i].V.Slots.Len(); n > 8 {
			t.Errorf("s%d grew %d slots from garbage", i+1, n)
		}
	}
}
