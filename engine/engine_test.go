package engine

import (
	"reflect"
	"testing"
	"testing/quick"
)

func TestBallotOrder(t *testing.T) {
	b := func(r, i int32) Ballot { return Ballot{Round: r, Index: i} }
	// Round first, then index (paxos.md §1.6): 1.2 < 2.1 < 2.2 < 3.1.
	order := []Ballot{{}, b(1, 1), b(1, 2), b(2, 1), b(2, 2), b(3, 1)}
	for i := range order {
		for j := range order {
			if got, want := order[i].Less(order[j]), i < j; got != want {
				t.Errorf("%v < %v = %v, want %v", order[i], order[j], got, want)
			}
		}
	}
	// Less is a strict total order (property test against the tuple order).
	f := func(r1, i1, r2, i2 int16) bool {
		x, y := b(int32(r1), int32(i1)), b(int32(r2), int32(i2))
		tuple := r1 < r2 || r1 == r2 && i1 < i2
		return x.Less(y) == tuple && (x.Compare(y) == 0) == (x == y)
	}
	if err := quick.Check(f, nil); err != nil {
		t.Error(err)
	}
}

func TestParseBallot(t *testing.T) {
	for s, want := range map[string]Ballot{"1.1": {1, 1}, "3.2": {3, 2}, "7": {7, 0}, "12.9": {12, 9}} {
		got, err := ParseBallot(s)
		if err != nil || got != want || got.String() != s {
			t.Errorf("ParseBallot(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "0", "0.1", "1.0", "-1", "1.", ".1", "a.b", "1.1.1", "+1", "1.+2", "99999999999"} {
		if _, err := ParseBallot(s); err == nil {
			t.Errorf("ParseBallot(%q) accepted", s)
		}
	}
}

func TestQuorumSize(t *testing.T) {
	// Majority quorums: floor(N/2)+1; half_quorum: floor(N/2).
	for n, want := range map[int]int{1: 1, 2: 2, 3: 2, 4: 3, 5: 3, 9: 5} {
		if got := QuorumSize(n, 0); got != want {
			t.Errorf("QuorumSize(%d) = %d, want %d", n, got, want)
		}
	}
	if got := QuorumSize(4, BugSet(0).With(BugHalfQuorum)); got != 2 {
		t.Errorf("half_quorum of 4 = %d, want 2", got)
	}
	// Any two majority quorums intersect: 2q > n.
	for n := 1; n <= MaxNodesPerKind; n++ {
		if q := QuorumSize(n, 0); 2*q <= n {
			t.Errorf("majorities of %d do not intersect", n)
		}
	}
}

func TestBugNames(t *testing.T) {
	want := []string{"no_adopt", "adopt_lowest", "accept_lower", "no_raise_on_accept", "volatile_acceptor",
		"promise_not_durable", "ballot_reuse", "learner_cross_ballot", "half_quorum", "count_duplicates"}
	if got := BugNames(); !reflect.DeepEqual(got, want) {
		t.Errorf("BugNames = %v", got)
	}
	for _, n := range want {
		b, err := ParseBug(n)
		if err != nil || b.String() != n {
			t.Errorf("ParseBug(%q) = %v, %v", n, b, err)
		}
	}
	if _, err := ParseBug("no_such_bug"); err == nil {
		t.Error("unknown bug accepted")
	}
}

// step delivers m to node to and returns what it sent.
func step(c *Config, ns []Node, m Message) []Message {
	var out Out
	ns[m.To].Step(c, &m, &out)
	return append([]Message(nil), out.Msgs...)
}

// TestAcceptorRules checks phase 1b and 2b against Paxos Made Simple §2.2.
func TestAcceptorRules(t *testing.T) {
	c := NewConfig(2, 3, 1, 0)
	ns := NewNodes(c)
	p1, p2, a1, l1 := NodeID(0), NodeID(1), NodeID(2), NodeID(5)
	b11, b12, b21 := Ballot{1, 1}, Ballot{1, 2}, Ballot{2, 1}
	// Reference: PMS §2.2 phase 1b: promise n > promised, report the vote.
	if out := step(c, ns, Message{Type: MsgPrepare, From: p2, To: a1, Ballot: b12}); len(out) != 1 || out[0].Type != MsgPromise {
		t.Fatalf("prepare 1.2: %+v", out)
	}
	// A lower prepare gets a nack carrying the promised ballot.
	out := step(c, ns, Message{Type: MsgPrepare, From: p1, To: a1, Ballot: b11})
	if len(out) != 1 || out[0].Type != MsgNack || out[0].Promised != b12 || out[0].Rejects != MsgPrepare {
		t.Fatalf("prepare 1.1 after 1.2: %+v", out)
	}
	// Reference: PMS §2.2 phase 2b (P1a): reject accept n < promised.
	out = step(c, ns, Message{Type: MsgAccept, From: p1, To: a1, Ballot: b11, Value: "X"})
	if len(out) != 1 || out[0].Type != MsgNack || !ns[a1].A.VoteBallot.IsZero() {
		t.Fatalf("accept 1.1 after promise 1.2: %+v, vote %v", out, ns[a1].A)
	}
	// Accept n >= promised: vote, raise promised, tell every learner.
	out = step(c, ns, Message{Type: MsgAccept, From: p1, To: a1, Ballot: b21, Value: "X"})
	if len(out) != 1 || out[0].Type != MsgAccepted || out[0].To != l1 {
		t.Fatalf("accept 2.1: %+v", out)
	}
	if a := ns[a1].A; a.Promised != b21 || a.VoteBallot != b21 || a.VoteValue != "X" {
		t.Fatalf("after accept 2.1: %+v (promised must rise to 2.1: TLA+ Phase2b)", a)
	}
	// The next promise reports the vote.
	out = step(c, ns, Message{Type: MsgPrepare, From: p2, To: a1, Ballot: Ballot{3, 2}})
	if out[0].VoteBallot != b21 || out[0].VoteValue != "X" {
		t.Fatalf("promise does not report the vote: %+v", out[0])
	}
}

// TestProposerAdoptsHighest checks P2c (PMS §2.2): the value of the
// highest-numbered vote among a quorum of promises.
func TestProposerAdoptsHighest(t *testing.T) {
	for _, tc := range []struct {
		bugs BugSet
		want Value
	}{{0, "Y"}, {BugSet(0).With(BugNoAdopt), "Z"}, {BugSet(0).With(BugAdoptLowest), "X"}} {
		c := NewConfig(3, 3, 1, tc.bugs)
		ns := NewNodes(c)
		var out Out
		p3 := NodeID(2)
		ns[p3].Propose(c, "Z", &out)
		b := ns[p3].P.Ballot
		step(c, ns, Message{Type: MsgPromise, From: 3, To: p3, Ballot: b, VoteBallot: Ballot{1, 1}, VoteValue: "X"})
		sent := step(c, ns, Message{Type: MsgPromise, From: 5, To: p3, Ballot: b, VoteBallot: Ballot{1, 2}, VoteValue: "Y"})
		if len(sent) != 3 || sent[0].Type != MsgAccept || sent[0].Value != tc.want {
			t.Errorf("bugs=%v: proposer sent %+v, want accept of %s to all three acceptors", tc.bugs, sent, tc.want)
		}
	}
}

// TestRestartKeepsDurable checks paxos.md §1.5: a restart keeps exactly
// the durable part.
func TestRestartKeepsDurable(t *testing.T) {
	c := NewServersConfig(3, 0)
	ns := NewNodes(c)
	var out Out
	ns[0].Propose(c, "X", &out)
	step(c, ns, Message{Type: MsgAccept, From: 1, To: 0, Ballot: Ballot{4, 2}, Value: "Y"})
	step(c, ns, Message{Type: MsgAccepted, From: 1, To: 0, Ballot: Ballot{4, 2}, Value: "Y"})
	before := ns[0]
	ns[0].Crash(c)
	ns[0].Restart()
	n := ns[0]
	if n.A != before.A || n.P.RoundUsed != before.P.RoundUsed {
		t.Errorf("durable state lost: %+v -> %+v", before, n)
	}
	if n.P.Own != "" || n.P.Phase != PhaseIdle || len(n.L.Heard) != 0 || n.RoundSeen != 0 {
		t.Errorf("volatile state kept: %+v", n)
	}
	// The next ballot is above the one used before the crash.
	ns[0].Propose(c, "X", &out)
	if !before.P.Ballot.Less(ns[0].P.Ballot) {
		t.Errorf("ballot after restart %v is not above %v", ns[0].P.Ballot, before.P.Ballot)
	}
}

func TestCloneIsDeep(t *testing.T) {
	c := NewConfig(1, 3, 1, 0)
	ns := NewNodes(c)
	var out Out
	ns[0].Propose(c, "X", &out)
	step(c, ns, Message{Type: MsgPromise, From: 1, To: 0, Ballot: ns[0].P.Ballot})
	step(c, ns, Message{Type: MsgAccepted, From: 1, To: 4, Ballot: Ballot{1, 1}, Value: "X"})
	p, l := ns[0].Clone(), ns[4].Clone()
	p.P.Promises[0].From = 9
	l.L.Heard[0].Value = "Q"
	if ns[0].P.Promises[0].From == 9 || ns[4].L.Heard[0].Value == "Q" {
		t.Error("Clone shares slices with the original")
	}
}

func TestEveryNoteKindNamed(t *testing.T) {
	for k := NoteKind(1); k < NumNoteKinds; k++ {
		if k.String() == "unknown" || k.String() == "" {
			t.Errorf("note kind %d has no name", k)
		}
	}
	if NumNoteKinds.String() != "unknown" {
		t.Errorf("more names than kinds")
	}
}
