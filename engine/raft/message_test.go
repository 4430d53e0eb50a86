package raft

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestDescribe: messages print exactly as raft.md §2 shows them.
func TestDescribe(t *testing.T) {
	c := DefaultConfig(3, 0)
	s1, s2, s3 := c.Server(1), c.Server(2), c.Server(3)
	cases := []struct {
		m    Message
		want string
	}{
		{Message{ID: 4, Type: MsgRequestVote, From: s2, To: s3, Term: 2, LastIndex: 1, LastTerm: 1}, "#4 requestvote s2->s3 t=2 lastIndex=1 lastTerm=1"},
		{Message{ID: 5, Type: MsgVote, From: s3, To: s2, Term: 2, Granted: true}, "#5 vote s3->s2 t=2 granted"},
		{Message{Type: MsgVote, From: s3, To: s2, Term: 3}, "vote s3->s2 t=3 refused"},
		{Message{ID: 9, Type: MsgAppend, From: s2, To: s1, Term: 2, PrevIndex: 1, PrevTerm: 1, Entries: []Entry{{2, "noop"}, {2, "Y"}}, Commit: 1}, "#9 append s2->s1 t=2 prevIndex=1 prevTerm=1 entries=[2:noop 2:Y] commit=1"},
		{Message{Type: MsgAppend, From: s1, To: s2, Term: 1}, "append s1->s2 t=1 prevIndex=0 prevTerm=0 entries=[] commit=0"},
		{Message{ID: 10, Type: MsgAppendReply, From: s1, To: s2, Term: 2, Success: true, Match: 3}, "#10 appendreply s1->s2 t=2 ok match=3"},
		{Message{Type: MsgAppendReply, From: s1, To: s2, Term: 2}, "appendreply s1->s2 t=2 fail"},
	}
	for _, tc := range cases {
		if got := c.Describe(&tc.m); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	if got := FormatLog([]Entry{{1, "X"}, {1, "Y"}, {2, "noop"}}); got != "[1:X 1:Y 2:noop]" {
		t.Errorf("FormatLog: %q", got)
	}
	if got := FormatLog(nil); got != "[]" {
		t.Errorf("FormatLog(nil): %q", got)
	}
	for i := MsgRequestVote; i < NumMsgTypes; i++ {
		if got, ok := ParseMsgType(i.String()); !ok || got != i {
			t.Errorf("ParseMsgType(%s) = %v, %v", i, got, ok)
		}
	}
	if _, ok := ParseMsgType("prepare"); ok {
		t.Error("a Paxos message type parses in raft")
	}
}

// TestConfigErrors: every key out of range is an error naming it.
func TestConfigErrors(t *testing.T) {
	bad := map[string]func(*Options){
		"servers=0":      func(o *Options) { o.Servers = 0 },
		"servers=10":     func(o *Options) { o.Servers = 10 },
		"election=0-5":   func(o *Options) { o.ElectionMin = 0 },
		"election=20-10": func(o *Options) { o.ElectionMin, o.ElectionMax = 20, 10 },
		"heartbeat=0":    func(o *Options) { o.Heartbeat = 0 },
		"noop=2":         func(o *Options) { o.Noop = 2 },
		"probe=2":        func(o *Options) { o.Probe = 2 },
		"batch=-1":       func(o *Options) { o.Batch = -1 },
	}
	for key, f := range bad {
		o := DefaultOptions(3)
		f(&o)
		_, err := NewConfig(o)
		if err == nil || !strings.Contains(err.Error(), strings.Split(key, "=")[0]) {
			t.Errorf("%s: err %v", key, err)
		}
	}
	o := DefaultOptions(3)
	o.ElectionMin, o.ElectionMax = 15, 15
	if _, err := NewConfig(o); err != nil {
		t.Errorf("election=15-15: %v", err)
	}
	o = DefaultOptions(1)
	for _, kv := range []string{"servers=5", "election=15-15", "heartbeat=2", "noop=0", "batch=1", "probe=1", "bugs=keep_commit"} {
		k, v, _ := strings.Cut(kv, "=")
		if err := o.Set(k, v); err != nil {
			t.Errorf("%s: %v", kv, err)
		}
	}
	if c, err := NewConfig(o); err != nil || c.Servers != 5 || c.ElectionMin != 15 || c.Noop || !c.Probe || c.Batch != 1 || !c.Bugs.Has(BugKeepCommit) {
		t.Errorf("Set: %+v %v", c, err)
	}
	for _, kv := range []string{"window=3", "servers=x", "election=10", "election=a-b", "noop=+1", "bugs=nope", "servers="} {
		k, v, _ := strings.Cut(kv, "=")
		if err := o.Set(k, v); err == nil {
			t.Errorf("%s: no error", kv)
		}
	}
	if _, err := ParseBugs("commit_old_term,nope"); !errors.Is(err, ErrUnknownBug) {
		t.Errorf("unknown bug: %v", err)
	}
	bs, err := ParseBugs("no_step_down,keep_commit,commit_old_term")
	if err != nil || bs.String() != "commit_old_term,no_step_down,keep_commit" {
		t.Errorf("ParseBugs: %v %q", err, bs)
	}
	if len(AllBugs) != 9 {
		t.Errorf("%d bugs, raft.md §6 has nine", len(AllBugs))
	}
}

// TestScriptErrors: §9's script errors are errors; a non-leader's propose
// is a step that changes nothing and sends nothing.
func TestScriptErrors(t *testing.T) {
	w := newWorld(t, cfgOf(t, 3, ""))
	var out Out
	if err := w.st.Propose(w.cfg, 0, "noop", &out); !errors.Is(err, ErrNoopReserved) {
		t.Errorf("propose noop: %v", err)
	}
	for _, v := range []string{"", "a b", "[x]", strings.Repeat("x", 65)} {
		if err := w.st.Propose(w.cfg, 0, v, &out); !errors.Is(err, ErrBadValue) {
			t.Errorf("propose %q: %v", v, err)
		}
	}
	before := FormatLog(w.st.Servers[0].D.Log)
	out.Reset()
	if err := w.st.Propose(w.cfg, 0, "X", &out); err != nil || len(out.Msgs) != 0 || len(out.Recs) != 0 || FormatLog(w.st.Servers[0].D.Log) != before {
		t.Errorf("a follower's propose: %v, %+v", err, out)
	}
	if len(out.Notes) != 1 || out.Notes[0].Kind != NoteNotLeader {
		t.Errorf("a follower's propose gives no not_leader note: %+v", out.Notes)
	}
	w.crash("s2")
	if err := w.st.Timeout(w.cfg, 1, TimerElection, &out); !errors.Is(err, ErrDown) {
		t.Errorf("timeout of a crashed server: %v", err)
	}
	if err := w.st.Propose(w.cfg, 1, "X", &out); !errors.Is(err, ErrDown) {
		t.Errorf("propose to a crashed server: %v", err)
	}
	if err := w.st.Crash(w.cfg, 1, &out); !errors.Is(err, ErrDown) {
		t.Errorf("crash of a crashed server: %v", err)
	}
	if err := w.st.Restart(w.cfg, 0, &out); !errors.Is(err, ErrUp) {
		t.Errorf("restart of a live server: %v", err)
	}
	if err := w.st.Timeout(w.cfg, 7, TimerElection, &out); !errors.Is(err, ErrBadNode) {
		t.Errorf("timeout of s8 in 3: %v", err)
	}
	if err := w.st.Timeout(w.cfg, 0, NumTimerKinds, &out); !errors.Is(err, ErrBadTimer) {
		t.Errorf("a bad timer: %v", err)
	}
}

// TestOneServer: with servers=1 the candidate leads at once and entries
// commit as they are appended (§9).
func TestOneServer(t *testing.T) {
	w := newWorld(t, cfgOf(t, 1, ""))
	w.timeout("s1")
	w.expectLeader("s1")
	w.expectCommitted(1, "noop")
	w.propose("s1", "X")
	w.expectCommitted(2, "X")
	w.expectApplied("s1", 2)
	w.traced(". answer s1")
	if len(w.fly) != 0 {
		w.fail("a lone server sent messages")
	}
	w.expectSafe()
}

// TestTimers: the election timer is drawn in election=MIN-MAX at start,
// at a grant, on an append of the current term and at an election, and
// nothing else touches it; a leader stops it and runs its heartbeat.
func TestTimers(t *testing.T) {
	c := cfgOf(t, 3, "election=10-20 heartbeat=3")
	st := NewState(c)
	var out Out
	st.Start(c, 0, &out)
	if len(out.Timers) != 1 || out.Timers[0] != (TimerOp{Kind: TimerElection, Delay: 10, Jitter: 11, Own: true}) {
		t.Fatalf("start: %+v", out.Timers)
	}
	out.Reset()
	st.Timeout(c, 0, TimerElection, &out)
	if len(out.Timers) != 1 || out.Timers[0].Kind != TimerElection || out.Timers[0].Stop {
		t.Fatalf("election: %+v", out.Timers)
	}
	rv := out.Msgs[0]
	out.Reset()
	st.Step(c, &rv, &out) // s2 grants: redraw
	if len(out.Timers) != 1 || out.Timers[0].Kind != TimerElection {
		t.Fatalf("grant: %+v", out.Timers)
	}
	vote := out.Msgs[0]
	out.Reset()
	st.Step(c, &rv, &out) // a copy: granted again, redrawn again (§9)
	if len(out.Timers) != 1 || !out.Msgs[0].Granted {
		t.Fatalf("re-grant: %+v %+v", out.Timers, out.Msgs)
	}
	out.Reset()
	st.Step(c, &vote, &out) // s1 leads
	want := []TimerOp{{Kind: TimerElection, Stop: true}, {Kind: TimerHeartbeat, Delay: 3}}
	if len(out.Timers) != 2 || out.Timers[0] != want[0] || out.Timers[1] != want[1] {
		t.Fatalf("lead: %+v", out.Timers)
	}
	stale := Message{Type: MsgAppend, From: 2, To: 1, Term: 0}
	out.Reset()
	st.Step(c, &stale, &out) // refused: no timer change
	if len(out.Timers) != 0 || out.Msgs[0].Success {
		t.Fatalf("stale append: %+v %+v", out.Timers, out.Msgs)
	}
}

// TestGarbageNeverPanics: random messages with any fields never panic a
// server nor break an invariant judged from what the servers did, and
// keep memory bounded.
func TestGarbageNeverPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, opts := range []string{"", "noop=0 probe=1 batch=1"} {
		c := cfgOf(t, 3, opts)
		st := NewState(c)
		var out Out
		pick := func(xs ...int32) int32 { return xs[r.IntN(len(xs))] }
		for range 20000 {
			out.Reset()
			m := Message{
				Type: MsgType(r.IntN(int(NumMsgTypes) + 1)), From: NodeID(r.IntN(5) - 1), To: NodeID(r.IntN(3)),
				Term: pick(-1, 0, 1, 2, 3, MaxTerm, MaxTerm+1), LastIndex: pick(-1, 0, 1, 5, MaxIndex+1), LastTerm: pick(-1, 0, 1, 3),
				Granted: r.IntN(2) == 0, PrevIndex: pick(-5, 0, 1, 2, 9, MaxIndex, MaxIndex+1), PrevTerm: pick(-1, 0, 1, 2),
				Commit: pick(-1, 0, 1, 3, 100, MaxIndex+1), Success: r.IntN(2) == 0, Match: pick(-1, 0, 1, 2, 50, MaxIndex+1),
			}
			for range r.IntN(3) {
				m.Entries = append(m.Entries, Entry{Term: pick(-1, 0, 1, 2, 3), Value: "g"})
			}
			if m.To < 0 {
				continue
			}
			_ = st.Step(c, &m, &out)
			if r.IntN(50) == 0 {
				_ = st.Timeout(c, NodeID(r.IntN(3)), TimerKind(r.IntN(2)), &out)
			}
			if r.IntN(50) == 0 {
				_ = st.Propose(c, NodeID(r.IntN(3)), "v", &out)
			}
		}
		for i := range st.Servers {
			s := &st.Servers[i]
			if len(s.D.Log) > 1000 || s.V.LastApplied > s.V.CommitIndex && s.V.LastApplied > s.LastIndex() {
				t.Errorf("%s: server %d grew or applied beyond reason: log %d, applied %d", opts, i, len(s.D.Log), s.V.LastApplied)
			}
		}
	}
}

// TestRestartKeepsDurable: a crash keeps exactly currentTerm, votedFor and
// the log (§4) and forgets everything else; keep_commit keeps commitIndex.
func TestRestartKeepsDurable(t *testing.T) {
	for _, opts := range []string{"", "bugs=keep_commit"} {
		w := newWorld(t, cfgOf(t, 3, opts))
		w.win("s1", "s2", "s3")
		w.propose("s1", "X")
		w.run(20)
		w.timeout("s1")
		w.run(20)
		for _, name := range []string{"s1", "s2"} {
			s := w.srv(name)
			d := Durable{Term: s.D.Term, VotedFor: s.D.VotedFor, Log: slices.Clone(s.D.Log)}
			commit := s.V.CommitIndex
			w.crash(name)
			w.restart(name)
			if s.D.Term != d.Term || s.D.VotedFor != d.VotedFor || FormatLog(s.D.Log) != FormatLog(d.Log) {
				t.Errorf("%s %s: durable state %+v, was %+v", opts, name, s.D, d)
			}
			want := Volatile{Leader: None}
			if opts != "" {
				want.CommitIndex, want.LastApplied = commit, commit
			}
			if !reflect.DeepEqual(s.V, want) || s.V.Role != RoleFollower {
				t.Errorf("%s %s: volatile state %+v after restart, want %+v", opts, name, s.V, want)
			}
		}
		w.expectSafe()
	}
}

// TestNames: every kind has a name for the translation table and traces.
func TestNames(t *testing.T) {
	if len(noteNames) != int(NumNoteKinds) || len(msgTypeNames) != int(NumMsgTypes) || len(timerNames) != int(NumTimerKinds) {
		t.Fatal("a kind without a name")
	}
	for _, names := range [][]string{noteNames[:], recNames[:], roleNames[:], bugNames[:]} {
		seen := map[string]bool{}
		for _, n := range names {
			if n == "" || seen[n] {
				t.Errorf("empty or repeated name %q", n)
			}
			seen[n] = true
		}
	}
	for i := range roleNames {
		if r, ok := ParseRole(Role(i).String()); !ok || r != Role(i) {
			t.Errorf("ParseRole(%s)", Role(i))
		}
	}
}
