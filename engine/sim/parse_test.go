package sim

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors: every mistake gets file:line and says what is wrong.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"propose p1 X", "f.pxs:1: the first command must be the cluster line"},
		{"", "f.pxs:1: no cluster line"},
		{"# only a comment\n", "f.pxs:2: no cluster line"},
		{"cluster proposers=1", "f.pxs:1: cluster: needs proposers=N and acceptors=N"},
		{"cluster proposers=1 acceptors=3 bugs=nope", `f.pxs:1: cluster: bugs: unknown bug "nope"`},
		{"cluster proposers=1 acceptors=30", "f.pxs:1: cluster: acceptors=30: must be 1..9"},
		{"cluster proposers=1 acceptors=3 color=red", `f.pxs:1: cluster: unknown key "color"`},
		{"cluster proposers=1 acceptors=3 seed=-1", "f.pxs:1: cluster: seed=-1 is not a whole number"},
		{"cluster servers=3 acceptors=3", "cluster: servers= cannot be combined"},
		{"cluster servers=3 jitter=5000", "cluster: jitter=5000: must be 0..1000"},
		{"cluster servers=0 proposers=1 acceptors=1", "cluster: servers=0: must be 1..9"},
		{"cluster proposers=1 acceptors=3\n\npropose p3 X", `f.pxs:3: propose: unknown node "p3" (this cluster has p1, a1..a3, l1)`},
		{"cluster proposers=1 acceptors=3\npropose a1 X", "f.pxs:2: propose: a1 is not a proposer"},
		{"cluster proposers=1 acceptors=3\npropose p1 X!", `f.pxs:2: propose: bad value "X!"`},
		{"cluster proposers=1 acceptors=3\npropose p1", "f.pxs:2: propose: usage: propose P V"},
		{"cluster proposers=1 acceptors=3\ndeliver bogus", `f.pxs:2: deliver: unknown message type "bogus"`},
		{"cluster proposers=1 acceptors=3\ndeliver prepare p1->a9", `f.pxs:2: deliver: unknown node "a9"`},
		{"cluster proposers=1 acceptors=3\ndeliver accept b=x", `f.pxs:2: deliver: bad ballot "x"`},
		{"cluster proposers=1 acceptors=3\ndeliver #0", `f.pxs:2: deliver: bad message id "#0"`},
		{"cluster proposers=1 acceptors=3\ntick 0", "f.pxs:2: tick: ticks must be a whole number 1..1000"},
		{"cluster proposers=1 acceptors=3\nrun until=forever", "f.pxs:2: run: until must be chosen or quiet"},
		{"cluster proposers=1 acceptors=3\nrun drop=2", "f.pxs:2: run: drop=2: a rate is a number 0..1"},
		{"cluster proposers=1 acceptors=3\npartition p1 | p1", "f.pxs:2: partition: p1 is in more than one group"},
		{"cluster proposers=1 acceptors=3\npartition p1 | | a1", "f.pxs:2: partition: empty group"},
		{"cluster proposers=1 acceptors=3\nexpect chosen", "f.pxs:2: expect chosen: usage: expect chosen V|none"},
		{"cluster proposers=1 acceptors=3\nexpect violation nonsense", `f.pxs:2: expect violation: unknown invariant "nonsense"`},
		{"cluster proposers=1 acceptors=3\nexpect learned a1 X", "f.pxs:2: expect learned: a1 is not a learner or server"},
		{"cluster proposers=1 acceptors=3\nfrobnicate", `f.pxs:2: unknown command "frobnicate"`},
		{"cluster proposers=1 acceptors=3\ncluster proposers=1 acceptors=3", `f.pxs:2: unknown command "cluster"`},
		{"cluster proposers=1 acceptors=3\npropose p1 \x01", "f.pxs:2: line has a control"},
	} {
		_, err := Parse("f.pxs", tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v\nwant %q", tc.src, err, tc.want)
		}
	}
}

// TestRuntimeErrors: a command impossible in its state is a script error
// at its line; the state is unchanged.
func TestRuntimeErrors(t *testing.T) {
	for _, tc := range []struct {
		src, want string
	}{
		{"cluster proposers=1 acceptors=3\npropose p1 X\ndeliver accept p1->a2", `f.pxs:3: deliver: no in-flight message matches "accept p1->a2"`},
		{"cluster proposers=1 acceptors=3\ncrash p1\npropose p1 X", "f.pxs:3: propose: p1 is down"},
		{"cluster proposers=1 acceptors=3\ntimeout p1", "f.pxs:2: timeout: p1 has no value to propose"},
		{"cluster proposers=1 acceptors=3\nrestart a1", "f.pxs:2: restart: a1 is up"},
		{"cluster proposers=1 acceptors=3\ncrash a1\ncrash a1", "f.pxs:3: crash: a1 is already down"},
	} {
		sc, err := Parse("f.pxs", tc.src)
		if err != nil {
			t.Fatal(err)
		}
		res := Exec(sc, nil)
		if res.Err == nil || !strings.Contains(res.Err.Error(), tc.want) || res.ExitCode() != 2 {
			t.Errorf("%q: err %v (exit %d), want %q", tc.src, res.Err, res.ExitCode(), tc.want)
		}
	}
	s := New(Cluster{Proposers: 1, Acceptors: 3, Learners: 1, Seed: 1, TimeoutTicks: 10})
	before := s.Summary()
	_, err := s.Apply(&Action{Kind: ActDeliver, Sel: Selector{ID: 5, From: Any, To: Any}})
	if !errors.Is(err, ErrAction) || s.Summary() != before {
		t.Errorf("impossible action: %v, state changed: %v", err, s.Summary() != before)
	}
}

func TestExitCodes(t *testing.T) {
	for src, want := range map[string]int{
		"cluster proposers=1 acceptors=3\nexpect chosen none":                                                  0,
		"cluster proposers=1 acceptors=3\nexpect chosen X":                                                     1,
		"cluster proposers=1 acceptors=3\nexpect violation":                                                    1,
		"cluster proposers=1 acceptors=3\ndrop #1":                                                             2,
		"cluster proposers=2 acceptors=4 bugs=half_quorum\n" + halfQuorumBody:                                  1, // breaks, but no expect violation
		"cluster proposers=2 acceptors=4 bugs=half_quorum\n" + halfQuorumBody + "expect safe\n":                1,
		"cluster proposers=2 acceptors=4 bugs=half_quorum\n" + halfQuorumBody + "expect violation agreement\n": 0,
	} {
		res := Exec(mustParse(t, src), nil)
		if res.ExitCode() != want {
			t.Errorf("%q: exit %d, want %d (%v %v)", src, res.ExitCode(), want, res.Failures, res.Err)
		}
	}
	res := Exec(mustParse(t, "cluster proposers=2 acceptors=4 bugs=half_quorum\n"+halfQuorumBody), nil)
	if len(res.Failures) != 1 || !strings.Contains(res.Failures[0].Error(), "invariant agreement broken at step") {
		t.Errorf("unexpected violation report: %v", res.Failures)
	}
}

const halfQuorumBody = `propose p1 X
deliver prepare p1->a1
deliver prepare p1->a2
deliver promise *->p1
deliver accept p1->a1
deliver accept p1->a2
propose p2 Y
deliver prepare p2->a3
deliver prepare p2->a4
deliver promise *->p2
deliver accept p2->a3
deliver accept p2->a4
`

func TestStripComment(t *testing.T) {
	for in, want := range map[string]string{
		"deliver #17 # why":   "deliver #17",
		"# all comment":       "",
		"propose p1 X# note":  "propose p1 X",
		"deliver #3":          "deliver #3",
		"deliver #3x":         "deliver",
		"  tick 2   ":         "tick 2",
		"expect inflight 2 #": "expect inflight 2",
	} {
		if got := StripComment(in); got != want {
			t.Errorf("StripComment(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFormatRoundTrip: every action prints as a line that parses back to
// the same action.
func TestFormatRoundTrip(t *testing.T) {
	cl, _ := ParseCluster("cluster proposers=2 acceptors=3 learners=2")
	cfg := cl.EngineConfig()
	for _, line := range []string{
		"propose p1 X", "deliver #4", "deliver prepare", "deliver promise a1->p2 b=3.2", "drop *->l1",
		"dup accept p1->* b=1.1 v=X", "deliver *", "timeout p2", "tick", "tick 7", "crash a3", "restart l2",
		"partition p1 a1 | a2 a3 | *", "heal", "run max=1000", "run max=5 until=chosen drop=0.05 dup=0.125",
		"run max=9 until=quiet drop=1",
	} {
		st, err := ParseCommand(cfg, line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if got := st.Action.Format(cfg); got != line {
			t.Errorf("Format(%q) = %q", line, got)
		}
	}
	for _, line := range []string{"expect chosen X", "expect learned l2 none", "expect promised a1 2.1", "expect accepted a2 1.1 Y",
		"expect accepted a3 none", "expect inflight 3 accept p1->*", "expect safe", "expect violation agreement", "expect phase p1 backoff", "expect proposed p2 X", "expect proposed p1 none"} {
		st, err := ParseCommand(cfg, line)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		if got := st.Expect.Format(cfg); got != line {
			t.Errorf("Format(%q) = %q", line, got)
		}
	}
	for in, want := range map[string]int{"0.05": 50, ".5": 500, "1": 1000, "0": 0, "5%": 50, "12.5%": 125, "100%": 1000} {
		if got, err := parseRate(in); err != nil || got != want {
			t.Errorf("parseRate(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"1.5", "0.0001", "x", "", "101%", "-1", "1e3"} {
		if _, err := parseRate(in); err == nil {
			t.Errorf("parseRate(%q) accepted", in)
		}
	}
}

// TestServersMode: a server's messages to itself are handled at once and
// still shown.
func TestServersMode(t *testing.T) {
	res := Exec(mustParse(t, `cluster servers=3
propose s1 X
expect inflight 2 prepare
deliver prepare s1->*
deliver promise *->s1
deliver accept s1->*
deliver accepted *->s1
expect learned s1 X
expect phase s1 done
expect chosen X
`), nil)
	if res.ExitCode() != 0 {
		t.Fatalf("%v %v", res.Failures, res.Err)
	}
	if res.Sim.Deadline(0) != -1 {
		t.Error("s1 still retrying after it learned")
	}
}

// TestJitter: jitter= randomizes retry deadlines from the seed, the same
// way on every run, and lets two dueling proposers stop dueling.
func TestJitter(t *testing.T) {
	cl, err := ParseCluster("cluster proposers=2 acceptors=3 seed=5 timeout=10 jitter=10")
	if err != nil || cl.JitterTicks != 10 || cl.String() != "cluster proposers=2 acceptors=3 learners=1 seed=5 jitter=10" {
		t.Fatalf("%+v %v %q", cl, err, cl.String())
	}
	deadlines := func() []int {
		s := New(cl)
		var out []int
		for i := 0; i < 20; i++ {
			s.Apply(&Action{Kind: ActTimeout, Node: 0})
			if i == 0 {
				s.Apply(&Action{Kind: ActPropose, Node: 0, Value: "X"})
			}
			out = append(out, s.Deadline(0)-s.Now())
		}
		return out
	}
	a, b := deadlines(), deadlines()
	distinct := map[int]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("jittered deadlines differ between runs: %v vs %v", a, b)
		}
		if a[i] < 10 || a[i] > 20 {
			t.Fatalf("deadline %d outside timeout..timeout+jitter", a[i])
		}
		distinct[a[i]] = true
	}
	if len(distinct) < 3 {
		t.Errorf("jitter gives too few distinct deadlines: %v", a)
	}
}
