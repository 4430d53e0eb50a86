package sim

import (
	"math/rand/v2"
	"reflect"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	rf "github.com/paxviz/paxviz/engine/raft"
)

// mpRandomStep performs one random action on s (errors ignored: a refused
// action changes nothing).
func mpRandomStep(r *rand.Rand, s *MPSim) {
	cfg := s.Config()
	switch k := r.IntN(10); {
	case k == 0:
		c := 1 + r.IntN(cfg.Clients)
		_ = s.Request(cfg.Client(c), mp.Cmd{Op: mp.OpPut, Key: "x", Val: string(rune('a' + r.IntN(3)))}, mp.NodeID(r.IntN(cfg.Servers)))
	case k == 1:
		_ = s.Act(ActTimeout, mp.NodeID(r.IntN(cfg.Nodes())))
	case k == 2:
		_ = s.Act([]Kind{ActCrash, ActRestart}[r.IntN(2)], mp.NodeID(r.IntN(cfg.Servers)))
	default:
		mpRandomMessage(r, s)
	}
}

// mpRandomMessage delivers a random message in flight of s, or now and
// then duplicates or drops it.
func mpRandomMessage(r *rand.Rand, s *MPSim) {
	msgs := s.InFlight()
	if len(msgs) == 0 {
		return
	}
	id := msgs[r.IntN(len(msgs))].ID
	switch r.IntN(12) {
	case 0:
		_ = s.DupID(id)
	case 1:
		_ = s.DropID(id)
	default:
		_ = s.DeliverID(id)
	}
}

// mpSame reports whether a and b are equal, the protocols' output buffers
// (empty between steps, and kept by CloneInto) aside.
func mpSame(a, b *MPSim) bool {
	oa, ob := a.p.out, b.p.out
	a.p.out, b.p.out = mp.Out{}, mp.Out{}
	defer func() { a.p.out, b.p.out = oa, ob }()
	return same(reflect.ValueOf(a), reflect.ValueOf(b), map[[2]uintptr]bool{})
}

// same is reflect.DeepEqual but for taking a nil slice and an empty one
// as equal (CloneInto keeps buffers where Clone would leave nil, where no
// code tells them apart): it reads unexported fields too.
func same(a, b reflect.Value, seen map[[2]uintptr]bool) bool {
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Map:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		k := [2]uintptr{a.Pointer(), b.Pointer()}
		if seen[k] {
			return true
		}
		seen[k] = true
		if a.Kind() == reflect.Pointer {
			return same(a.Elem(), b.Elem(), seen)
		}
		if a.Len() != b.Len() {
			return false
		}
		for it := a.MapRange(); it.Next(); {
			v := b.MapIndex(it.Key())
			if !v.IsValid() || !same(it.Value(), v, seen) {
				return false
			}
		}
		return true
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return same(a.Elem(), b.Elem(), seen)
	case reflect.Slice, reflect.Array:
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !same(a.Index(i), b.Index(i), seen) {
				return false
			}
		}
		return true
	case reflect.Struct:
		for i := range a.NumField() {
			if !same(a.Field(i), b.Field(i), seen) {
				return false
			}
		}
		return true
	case reflect.Func:
		return a.IsNil() && b.IsNil()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() == b.Float()
	case reflect.String:
		return a.String() == b.String()
	}
	panic("same: unexpected kind " + a.Kind().String())
}

// TestMPCloneInto: along random walks, CloneInto into a simulation that
// held another state gives what Clone gives, and the copy shares nothing
// with its source: stepping one leaves the other as it was.
func TestMPCloneInto(t *testing.T) {
	for seed := range uint64(6) {
		r := rand.New(rand.NewPCG(seed, 7))
		cl := DefaultMPCluster()
		cl.Clients = 2
		if seed%2 == 0 {
			cl.Leader = "s1"
		}
		s := NewMP(cl)
		dst := s.Clone()
		for step := range 400 {
			want := s.Clone()
			if got := s.CloneInto(dst); got != dst {
				t.Fatalf("CloneInto returned another simulation")
			}
			if !mpSame(want, dst) {
				t.Fatalf("seed %d step %d: CloneInto differs from Clone", seed, step)
			}
			mpRandomStep(r, dst)
			if !mpSame(want, s.Clone()) {
				t.Fatalf("seed %d step %d: stepping the copy changed the source", seed, step)
			}
			if r.IntN(3) > 0 {
				mpRandomStep(r, s)
			}
		}
		if s.Step() < 50 {
			t.Errorf("seed %d: only %d steps taken", seed, s.Step())
		}
	}
}

// raftRandomStep performs one random action on s (errors ignored).
func raftRandomStep(r *rand.Rand, s *RaftSim) {
	n := s.Config().Servers
	switch k := r.IntN(10); {
	case k == 0:
		_ = s.Propose(rf.NodeID(r.IntN(n)), string(rune('a'+r.IntN(3))))
	case k == 1:
		_ = s.Act(ActTimeout, rf.NodeID(r.IntN(n)))
	case k == 2:
		_ = s.Act([]Kind{ActCrash, ActRestart}[r.IntN(2)], rf.NodeID(r.IntN(n)))
	default:
		msgs := s.InFlight()
		if len(msgs) == 0 {
			return
		}
		id := msgs[r.IntN(len(msgs))].ID
		switch r.IntN(12) {
		case 0:
			_ = s.DupID(id)
		case 1:
			_ = s.DropID(id)
		default:
			_ = s.DeliverID(id)
		}
	}
}

// raftSame reports whether a and b are equal, the output buffers aside.
func raftSame(a, b *RaftSim) bool {
	oa, ob := a.p.out, b.p.out
	a.p.out, b.p.out = rf.Out{}, rf.Out{}
	defer func() { a.p.out, b.p.out = oa, ob }()
	return same(reflect.ValueOf(a), reflect.ValueOf(b), map[[2]uintptr]bool{})
}

// TestRaftCloneInto is TestMPCloneInto for Raft (whose messages share
// their sender's log).
func TestRaftCloneInto(t *testing.T) {
	for seed := range uint64(6) {
		r := rand.New(rand.NewPCG(seed, 9))
		cl, err := ParseRaftCluster("cluster raft servers=3 noop=0")
		if err != nil {
			t.Fatal(err)
		}
		s := NewRaft(cl)
		dst := s.Clone()
		for step := range 400 {
			want := s.Clone()
			if got := s.CloneInto(dst); got != dst {
				t.Fatalf("CloneInto returned another simulation")
			}
			if !raftSame(want, dst) {
				t.Fatalf("seed %d step %d: CloneInto differs from Clone", seed, step)
			}
			raftRandomStep(r, dst)
			if !raftSame(want, s.Clone()) {
				t.Fatalf("seed %d step %d: stepping the copy changed the source", seed, step)
			}
			if r.IntN(3) > 0 {
				raftRandomStep(r, s)
			}
		}
		if s.Step() < 50 {
			t.Errorf("seed %d: only %d steps taken", seed, s.Step())
		}
	}
}

// TestMsgFastPath: DeliverID, DropID and DupID (World.actOnID) do what
// the action `deliver|drop|dup #ID` does, refusals included.
func TestMsgFastPath(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	cl := DefaultMPCluster()
	cl.Leader = "s1"
	s := NewMP(cl)
	acted := 0
	for step := range 300 {
		id := 1 + r.IntN(s.W.nextID+1)
		if msgs := s.InFlight(); len(msgs) > 0 && r.IntN(4) > 0 {
			id = msgs[r.IntN(len(msgs))].ID
		}
		k := []Kind{ActDeliver, ActDrop, ActDup}[r.IntN(3)]
		a, b := s.Clone(), s.Clone()
		errA := a.onMsg(id, k)
		errB := b.applyAction(&Action{Kind: k, Sel: Selector{ID: id, From: Any, To: Any}})
		if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() || !mpSame(a, b) {
			t.Fatalf("step %d: %s #%d: fast path %v, action %v", step, k, id, errA, errB)
		}
		if errA == nil {
			acted++
		}
		mpRandomStep(r, s)
	}
	if acted < 50 {
		t.Errorf("only %d actions taken", acted)
	}
}
