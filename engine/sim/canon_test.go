package sim

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paxviz/paxviz/engine"
)

// canonClusters are the shapes the canonical-state tests walk.
var canonClusters = []Cluster{
	{Proposers: 2, Acceptors: 3, Learners: 1, TimeoutTicks: 10},
	{Proposers: 3, Acceptors: 3, Learners: 2, TimeoutTicks: 10},
	{Proposers: 2, Acceptors: 4, Learners: 0, TimeoutTicks: 10, Bugs: engine.BugSet(0).With(engine.BugHalfQuorum)},
	{Proposers: 2, Acceptors: 3, Learners: 1, TimeoutTicks: 10, Bugs: engine.BugSet(0).With(engine.BugBallotReuse)},
	{Proposers: 2, Acceptors: 3, Learners: 1, TimeoutTicks: 10, Bugs: engine.BugSet(0).With(engine.BugVolatileAcceptor)},
	{Proposers: 2, Acceptors: 3, Learners: 1, TimeoutTicks: 10, Bugs: engine.BugSet(0).With(engine.BugNoRaiseOnAccept)},
	{Servers: 3, TimeoutTicks: 10},
}

// canonAction picks a random action for the canonical tests: like
// RandomAction, but never tick or run (time and the scheduler are not part
// of the canonical state), and proposals and retries only while the next
// ballot's round is at most maxRound.
func canonAction(s *Sim, r *rand.Rand, maxRound int32) (Action, bool) {
	for range 20 {
		a := RandomAction(s, r.IntN)
		switch a.Kind {
		case ActTick, ActRun:
			continue
		case ActPropose, ActTimeout:
			n := &s.node[a.Node]
			if max(n.P.RoundUsed, n.RoundSeen)+1 > maxRound {
				continue
			}
		}
		if s.Check(&a) == nil {
			return a, true
		}
	}
	return Action{}, false
}

// TestCanonicalBehaves: for states reached by random walks, the state
// loaded from the canonical encoding encodes the same, and every action
// taken from both (a message named by its canonical rank) leads to states
// that encode the same: the encoding keeps everything that matters. It
// also checks that messages left out as dead are dead: delivering one
// changes nothing but, for a nack, its proposer's phase.
func TestCanonicalBehaves(t *testing.T) {
	const maxRound = 3
	walks := 120
	if testing.Short() {
		walks = 30
	}
	var c, cd Canon
	c.RoundBound = maxRound
	cd.RoundBound, cd.KeepDead = maxRound, true
	var order, all []int
	steps, deadSeen := 0, 0
	for w := 0; w < walks; w++ {
		cl := canonClusters[w%len(canonClusters)]
		cl.Seed = uint64(w)
		r := rand.New(rand.NewPCG(uint64(w), 0xca))
		s := New(cl)
		loaded := New(cl)
		for step := 0; step < 80; step++ {
			a, ok := canonAction(s, r, maxRound)
			if !ok {
				break
			}
			enc := c.Append(nil, s)
			if err := loaded.LoadCanonical(enc); err != nil {
				t.Fatalf("walk %d step %d: %v", w, step, err)
			}
			if got := c.Append(nil, loaded); !bytes.Equal(got, enc) {
				t.Fatalf("walk %d step %d: the loaded state encodes differently", w, step)
			}
			b := a
			if a.Kind == ActDeliver || a.Kind == ActDrop || a.Kind == ActDup {
				order = c.InFlightOrder(s, order)
				rank := -1
				for j, i := range order {
					if s.inflight[i].ID == a.Sel.ID {
						rank = j
					}
				}
				if rank < 0 {
					// A dead message: delivering it changes nothing that
					// matters (dropping or duplicating it neither).
					checkDead(t, &c, s, a)
					deadSeen++
					if _, err := s.Apply(&a); err != nil {
						t.Fatal(err)
					}
					continue
				}
				b.Sel = Selector{ID: rank + 1, From: Any, To: Any}
			}
			steps++
			fresh := len(s.violations) == 0
			if _, err := s.Apply(&a); err != nil {
				t.Fatalf("walk %d step %d: %s: %v", w, step, a.Format(s.cfg), err)
			}
			if _, err := loaded.Apply(&b); err != nil {
				t.Fatalf("walk %d step %d: loaded: %s: %v", w, step, b.Format(s.cfg), err)
			}
			if x, y := c.Append(nil, s), c.Append(nil, loaded); !bytes.Equal(x, y) {
				t.Fatalf("walk %d step %d: after %s the state and its loaded copy differ:\n%s\n%s", w, step, a.Format(s.cfg), s.Summary(), loaded.Summary())
			}
			if fresh && len(s.violations) != len(loaded.violations) {
				t.Fatalf("walk %d step %d: %s breaks %v, but %v in the loaded copy", w, step, a.Format(s.cfg), s.violations, loaded.violations)
			}
			// With dead messages kept, the encoding is still a function of
			// the state.
			all = cd.InFlightOrder(s, all)
			if len(all) != len(s.inflight) {
				t.Fatalf("KeepDead left out a message")
			}
		}
	}
	if steps < walks*40 || deadSeen < walks/4 {
		t.Errorf("the walks checked only %d steps and %d dead messages", steps, deadSeen)
	}
}

// checkDead delivers the dead message that a selects in a copy of s and
// checks that nothing the canonical state holds changed, but (for a nack)
// its proposer leaving phase 1 for backoff (for a decided, for done).
func checkDead(t *testing.T, c *Canon, s *Sim, a Action) {
	t.Helper()
	if a.Kind != ActDeliver {
		return
	}
	x := s.Clone()
	i := x.indexOf(a.Sel.ID)
	m := x.inflight[i]
	before := x.Clone()
	if m.Type == engine.MsgNack && before.node[m.To].P.Phase == engine.PhasePreparing && before.node[m.To].P.Ballot == m.Ballot {
		before.node[m.To].P.Phase = engine.PhaseBackoff
	}
	if _, err := x.Apply(&a); err != nil {
		t.Fatal(err)
	}
	if m.Type == engine.MsgDecided {
		before.node[m.To].P.Phase = x.node[m.To].P.Phase
		if p := x.node[m.To].P.Phase; p != engine.PhaseDone && p != before.node[m.To].P.Phase {
			t.Fatalf("a decided moved %s to %s", s.Name(m.To), p)
		}
	}
	if !bytes.Equal(c.Append(nil, x), c.Append(nil, before)) {
		t.Fatalf("delivering the dead message %s changed the state:\n%s\n%s", s.cfg.Describe(&m), before.Summary(), x.Summary())
	}
}

// renamedWalk replays a random walk whose actions name messages by content
// (never by id), with acceptors renamed by perm (perm[k] is the new index
// of acceptor k), and returns the symmetric encoding after each action.
func renamedWalk(t *testing.T, cl Cluster, seed uint64, perm []int) [][]byte {
	t.Helper()
	s := New(cl)
	cfg := s.cfg
	ren := func(id engine.NodeID) engine.NodeID {
		for k, a := range cfg.Acceptors {
			if a == id {
				return cfg.Acceptors[perm[k]]
			}
		}
		return id
	}
	// The walk is drawn on an unrenamed copy, so that both replays take
	// the same decisions.
	orig := New(cl)
	r := rand.New(rand.NewPCG(seed, 0x5e))
	var c Canon
	var out [][]byte
	for step := 0; step < 60; step++ {
		a, ok := canonAction(orig, r, 3)
		if !ok {
			break
		}
		if a.Kind == ActPartition {
			continue
		}
		if a.Kind == ActDeliver || a.Kind == ActDrop || a.Kind == ActDup {
			m := orig.inflight[orig.indexOf(a.Sel.ID)]
			a.Sel = Selector{Type: m.Type, From: m.From, To: m.To, Ballot: m.Ballot, Value: m.Value}
		}
		if _, err := orig.Apply(&a); err != nil {
			t.Fatal(err)
		}
		b := a
		switch b.Kind {
		case ActCrash, ActRestart:
			b.Node = ren(b.Node)
		case ActDeliver, ActDrop, ActDup:
			b.Sel.From, b.Sel.To = ren(b.Sel.From), ren(b.Sel.To)
		}
		if _, err := s.Apply(&b); err != nil {
			t.Fatalf("renamed replay: %s: %v", b.Format(cfg), err)
		}
		out = append(out, c.AppendSymmetric(nil, s))
	}
	return out
}

// TestSymmetricEncoding: a walk and the same walk with the acceptors
// renamed give the same symmetric encoding at every step, while the plain
// encodings differ.
func TestSymmetricEncoding(t *testing.T) {
	perms := [][]int{{1, 0, 2}, {2, 0, 1}, {1, 2, 0}}
	for seed := uint64(1); seed <= 40; seed++ {
		cl := Cluster{Proposers: 2, Acceptors: 3, Learners: 1, Seed: seed, TimeoutTicks: 10}
		if seed%3 == 0 {
			cl.Bugs = engine.BugSet(0).With(engine.BugNoAdopt)
		}
		base := renamedWalk(t, cl, seed, []int{0, 1, 2})
		for _, p := range perms {
			got := renamedWalk(t, cl, seed, p)
			if len(got) != len(base) {
				t.Fatalf("seed %d: walks of %d and %d steps", seed, len(base), len(got))
			}
			for i := range got {
				if !bytes.Equal(got[i], base[i]) {
					t.Fatalf("seed %d, renaming %v, step %d: symmetric encodings differ", seed, p, i+1)
				}
			}
		}
	}
	// The plain encoding does tell renamed states apart.
	s, x := New(canonClusters[0]), New(canonClusters[0])
	s.Apply(&Action{Kind: ActCrash, Node: s.cfg.Acceptors[0]})
	x.Apply(&Action{Kind: ActCrash, Node: x.cfg.Acceptors[1]})
	var c Canon
	if bytes.Equal(c.Append(nil, s), c.Append(nil, x)) {
		t.Errorf("the plain encoding does not tell crashing a1 from crashing a2")
	}
	if !bytes.Equal(c.AppendSymmetric(nil, s), c.AppendSymmetric(nil, x)) {
		t.Errorf("crashing a1 and crashing a2 give different symmetric encodings")
	}
}

// TestCopyFrom: CopyFrom makes an equal, independent copy, reusing the
// destination's buffers.
func TestCopyFrom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := New(canonClusters[1])
	dst := New(canonClusters[1])
	for i := 0; i < 200; i++ {
		a := RandomAction(s, r.IntN)
		if s.Check(&a) == nil {
			s.Apply(&a)
		}
		dst.CopyFrom(s)
		if dst.Summary() != s.Summary() || dst.NextID() != s.NextID() || dst.Step() != s.Step() {
			t.Fatalf("step %d: copy differs", i)
		}
		before := s.Summary()
		b := RandomAction(dst, r.IntN)
		if dst.Check(&b) == nil {
			dst.Apply(&b)
		}
		if s.Summary() != before {
			t.Fatalf("step %d: stepping the copy changed the original", i)
		}
	}
}

// TestLoadCanonicalRejectsGarbage: bytes that are not an encoding are an
// error, never a panic.
func TestLoadCanonicalRejectsGarbage(t *testing.T) {
	s := New(canonClusters[0])
	var c Canon
	good := c.Append(nil, s)
	for _, b := range [][]byte{nil, {1, 2, 3}, append(append([]byte(nil), good...), 0), good[:len(good)-1]} {
		if err := s.LoadCanonical(b); err == nil {
			t.Errorf("LoadCanonical(%v) accepted garbage", b)
		}
	}
	r := rand.New(rand.NewPCG(9, 9))
	for i := 0; i < 2000; i++ {
		b := append([]byte(nil), good...)
		b[r.IntN(len(b))] = byte(r.IntN(256))
		_ = New(canonClusters[0]).LoadCanonical(b) // must not panic
	}
}

// TestCanonKnowsEverySimField: CopyFrom, Canon.Append and LoadCanonical
// each decide what to do with every field of Sim. A new field must be
// added to this list after deciding whether CopyFrom must copy it deeply
// and whether the canonical state must hold it (canon.go's top comment).
func TestCanonKnowsEverySimField(t *testing.T) {
	known := map[string]bool{
		"World": true, "cl": true, "cfg": true, "node": true, "proposed": true,
		"tallies": true, "votes": true, "chosen": true, "maxPromised": true, "violations": true,
		"violated": true, "pruneAt": true, "out": true,
		// The world's fields (World, embedded).
		"P": true, "inflight": true, "nextID": true, "now": true, "kinds": true, "timers": true,
		"group": true, "rng": true, "step": true, "work": true, "Trace": true, "ev": true, "OnStep": true,
		"cur": true, "tmp": true, "nodeRng": true, "seed": true,
		"clock": true, "rate": true, "paused": true, // nil for single-decree Paxos (CopyFrom)
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(Sim{}), reflect.TypeOf(World[engine.Message, engine.Note]{})} {
		for i := 0; i < typ.NumField(); i++ {
			if name := typ.Field(i).Name; !known[name] {
				t.Errorf("%s has a field %s that canon.go does not know about", typ.Name(), name)
			}
		}
	}
	for _, typ := range []reflect.Type{reflect.TypeOf(engine.Node{}), reflect.TypeOf(engine.Proposer{}), reflect.TypeOf(engine.Acceptor{}), reflect.TypeOf(engine.Learner{})} {
		want := map[string]int{"Node": 6, "Proposer": 10, "Acceptor": 3, "Learner": 4}[typ.Name()]
		if typ.NumField() != want {
			t.Errorf("engine.%s has %d fields, canon.go knows %d: decide whether the canonical state holds the new one", typ.Name(), typ.NumField(), want)
		}
	}
}
