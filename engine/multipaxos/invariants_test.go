package multipaxos

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// hist builds client-history records from lines "call c1 put x 1" and
// "ret c1 ok", one step each; ids are numbered per client.
func hist(t *testing.T, cfg *Config, lines ...string) []StepRecords {
	t.Helper()
	seq := make([]int32, cfg.Clients+1)
	pending := make([]Cmd, cfg.Clients+1)
	var out []StepRecords
	for i, l := range lines {
		w := strings.Fields(l)
		id, _ := cfg.Lookup(w[1])
		ci := cfg.ClientIndex(id)
		r := StepRecords{Step: i + 1}
		if w[0] == "call" {
			c, err := NewOp(w[2], w[3:]...)
			if err != nil {
				t.Fatal(err)
			}
			seq[ci]++
			c.ID = ReqID{Client: int8(ci), Seq: seq[ci]}
			pending[ci] = c
			r.Client = []ClientEvent{{Client: id, Cmd: c}}
		} else {
			r.Client = []ClientEvent{{Client: id, Return: true, Cmd: pending[ci], Result: w[2]}}
		}
		out = append(out, r)
	}
	return out
}

func TestLinearizable(t *testing.T) {
	cfg := DefaultConfig(3, 3, 0)
	cases := []struct {
		name  string
		lines []string
		ok    bool
	}{
		{"sequential", []string{"call c1 put x 1", "ret c1 ok", "call c2 get x", "ret c2 1"}, true},
		{"stale read", []string{"call c1 put x 1", "ret c1 ok", "call c2 get x", "ret c2 nil"}, false},
		{"concurrent read may miss", []string{"call c1 put x 1", "call c2 get x", "ret c2 nil", "ret c1 ok"}, true},
		{"unanswered put may take effect", []string{"call c1 put x 1", "call c2 get x", "ret c2 1"}, true},
		{"value from nowhere", []string{"call c2 get x", "ret c2 7"}, false},
		{"concurrent puts, either wins", []string{"call c1 put x 1", "call c2 put x 2", "ret c1 ok", "ret c2 ok", "call c3 get x", "ret c3 1"}, true},
		{"concurrent puts, no flip-flop", []string{"call c1 put x 1", "call c2 put x 2", "ret c1 ok", "ret c2 ok", "call c3 get x", "ret c3 1", "call c3 get x", "ret c3 2"}, false},
		{"cas after put", []string{"call c1 put x 0", "ret c1 ok", "call c1 cas x 0 1", "ret c1 ok", "call c2 get x", "ret c2 1"}, true},
		{"cas run twice", []string{"call c1 put x 0", "ret c1 ok", "call c1 cas x 0 1", "ret c1 fail", "call c1 get x", "ret c1 1"}, false},
		{"cas on absent", []string{"call c1 cas x nil 1", "ret c1 ok", "call c2 get x", "ret c2 1"}, true},
		{"keys apart", []string{"call c1 put x 1", "ret c1 ok", "call c2 get y", "ret c2 nil"}, true},
	}
	for _, tc := range cases {
		vs := Check(cfg, hist(t, cfg, tc.lines...))
		if got := len(vs) == 0; got != tc.ok {
			t.Errorf("%s: linearizable=%v, want %v (%v)", tc.name, got, tc.ok, vs)
		}
		if !tc.ok && (len(vs) != 1 || vs[0].Invariant != InvLinearizable || len(vs[0].Ops) == 0) {
			t.Errorf("%s: want one linearizable violation naming operations, got %+v", tc.name, vs)
		}
	}
	// The operations named include those settled before the last
	// quiescent point.
	vs := Check(cfg, hist(t, cfg, "call c1 put x 1", "ret c1 ok", "call c2 get x", "ret c2 nil"))
	if got := vs[0].Describe(cfg); got != "linearizable broken at step 4: key x operations c1.1 c2.1" {
		t.Errorf("Describe = %q", got)
	}
}

func TestCheckerRecords(t *testing.T) {
	cfg := DefaultConfig(3, 1, 0)
	a := Cmd{Op: OpPut, ID: ReqID{1, 1}, Key: "x", Val: "1"}
	recs := []StepRecords{
		{Step: 1, Client: []ClientEvent{{Client: cfg.Client(1), Cmd: a}}},
		{Step: 2, Votes: []VoteRec{{0, 1, Ballot{1, 1}, a}, {1, 1, Ballot{1, 1}, a}}},
		{Step: 3, Decisions: []DecideRec{{0, 1, a}}, Execs: []ExecRec{{0, 0, 1, a, true, "ok"}}},
		{Step: 4, Votes: []VoteRec{{1, 1, Ballot{2, 3}, Noop}, {2, 1, Ballot{2, 3}, Noop}}},
		{Step: 5, Decisions: []DecideRec{{2, 2, Noop}}},
		{Step: 6, Execs: []ExecRec{{1, 0, 2, Noop, true, ""}, {0, 0, 1, a, true, "ok"}}},
		{Step: 7, Execs: []ExecRec{{0, 1, 1, a, true, "ok"}}},
		{Step: 8, Promises: []PromiseRec{{1, Ballot{2, 3}}, {1, Ballot{1, 3}}}},
		{Step: 9, Votes: []VoteRec{{0, 4, Ballot{3, 1}, Cmd{Op: OpPut, ID: ReqID{1, 9}, Key: "y", Val: "2"}}, {1, 4, Ballot{3, 1}, Cmd{Op: OpPut, ID: ReqID{1, 9}, Key: "y", Val: "2"}}}},
	}
	got := map[string]int{}
	for _, v := range Check(cfg, recs) {
		got[v.Invariant] = v.Step
	}
	want := map[string]int{
		InvAgreement:        4, // slot 1: a at 1.1, noop at 2.3
		InvLearnedChosen:    5, // s3 decided slot 2, chosen nowhere
		InvLogPrefix:        6, // s2 executed slot 2 first
		InvExactlyOnce:      6, // s1 applied c1.1 twice in one incarnation
		InvPromiseMonotonic: 8,
		InvValidity:         9, // c1.9 was never issued
	}
	for k, step := range want {
		if got[k] != step {
			t.Errorf("%s at step %d, want %d (all: %v)", k, got[k], step, got)
		}
	}
	if len(got) != len(want) {
		t.Errorf("violations %v, want %v (a restart's replay of slot 1 is not a duplicate)", got, want)
	}
}

// TestFrontierMatchesPorcupine: on random histories of one key the
// incremental frontier and porcupine over the whole history agree, with
// both verdicts well represented.
func TestFrontierMatchesPorcupine(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := []string{"1", "2"}
	results := map[Op][]string{OpPut: {"ok"}, OpGet: {"nil", "1", "2"}, OpCas: {"ok", "fail"}}
	var agreeOK, agreeBad int
	for iter := range 3000 {
		clients := 2 + r.IntN(2)
		l := newLinChecker()
		seq := make([]int32, clients+1)
		pend := make([]Cmd, clients+1)
		frontierBad := false
		for range 6 + r.IntN(8) {
			c := 1 + r.IntN(clients)
			if pend[c].IsZero() {
				var op Cmd
				switch r.IntN(3) {
				case 0:
					op = Cmd{Op: OpPut, Key: "x", Val: vals[r.IntN(2)]}
				case 1:
					op = Cmd{Op: OpGet, Key: "x"}
				default:
					old := []string{"nil", "1", "2"}[r.IntN(3)]
					op = Cmd{Op: OpCas, Key: "x", Val: old, New: vals[r.IntN(2)]}
				}
				seq[c]++
				op.ID = ReqID{Client: int8(c), Seq: seq[c]}
				pend[c] = op
				l.call(ClientEvent{Cmd: op})
				continue
			}
			op := pend[c]
			res := results[op.Op][r.IntN(len(results[op.Op]))]
			h := l.keys["x"]
			for i := len(h.ops) - 1; i >= 0; i-- {
				if h.ops[i].cmd.ID == op.ID {
					h.ops[i].done, h.ops[i].result = true, res
					h.events = append(h.events, linEvent{op: i, ret: true})
					break
				}
			}
			h.configs = h.respond(c, res, &linChecker{})
			h.pending[c] = Cmd{}
			h.npend--
			pend[c] = Cmd{}
			if len(h.configs) == 0 {
				frontierBad = true
			}
		}
		h := l.keys["x"]
		if h == nil {
			continue
		}
		porcupineOK := h.check()
		if porcupineOK == frontierBad {
			t.Fatalf("iteration %d: frontier says bad=%v, porcupine says ok=%v on %+v", iter, frontierBad, porcupineOK, h.ops)
		}
		if porcupineOK {
			agreeOK++
		} else {
			agreeBad++
		}
	}
	if agreeOK < 300 || agreeBad < 300 {
		t.Fatalf("too few of one verdict to mean anything: %d linearizable, %d not", agreeOK, agreeBad)
	}
	t.Logf("%d linearizable, %d not", agreeOK, agreeBad)
}
