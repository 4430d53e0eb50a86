package multipaxos

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// walkStats sums what random walks achieved, so that a walk that never
// decides anything cannot pass for a safe one.
type walkStats struct {
	steps, chosen, responses, crashes, leaders int
}

// walkHook, when set, is called after every step of walk.
var walkHook func(*world)

// walk runs a seeded random schedule of deliveries, drops, duplicates,
// ticks, crashes, restarts, partitions, timeouts and client requests.
// With swap, it replaces the state and the checker by clones at random
// points and checks that the abandoned copies never change afterwards.
func walk(t *testing.T, seed uint64, cfg *Config, leader string, steps int, swap bool) (*world, walkStats) {
	t.Helper()
	w := newWorld(t, cfg, leader)
	w.rng = rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	r := rand.New(rand.NewPCG(seed, 1))
	swaps := rand.New(rand.NewPCG(seed, 2)) // apart, so swapping changes no other draw
	var st walkStats
	type frozen struct {
		st   *State
		k    *Checker
		dump string
	}
	var olds []frozen
	dump := func(s *State, k *Checker) string { return fmt.Sprintf("%+v|%+v", *s, *k) }
	keys := []string{"x", "y"}
	vals := []string{"1", "2", "3"}
	for w.step < steps {
		if len(w.trace) > 400 {
			w.trace = w.trace[len(w.trace)-200:]
		}
		if swap && swaps.IntN(50) == 0 {
			old, oldK := w.st, w.k
			olds = append(olds, frozen{&old, oldK, dump(&old, oldK)})
			w.st, w.k = w.st.Clone(), w.k.Clone()
		}
		up := func(want bool) []NodeID {
			var ids []NodeID
			for i := range cfg.Servers {
				if w.st.Servers[i].Up == want {
					ids = append(ids, NodeID(i))
				}
			}
			return ids
		}
		switch x := r.IntN(100); {
		case x < 55 && len(w.fly) > 0:
			i := r.IntN(len(w.fly))
			m := w.fly[i]
			w.fly = append(w.fly[:i], w.fly[i+1:]...)
			w.deliverMsg(m)
		case x < 59 && len(w.fly) > 0:
			i := r.IntN(len(w.fly))
			w.begin("drop")
			w.fly = append(w.fly[:i], w.fly[i+1:]...)
		case x < 61 && len(w.fly) > 0 && len(w.fly) < 100:
			m := w.fly[r.IntN(len(w.fly))]
			w.begin("dup")
			w.id++
			m.ID = w.id
			w.fly = append(w.fly, m)
		case x < 76:
			w.tick(1)
		case x < 77:
			if ids := up(true); len(ids) > 0 {
				w.crash(cfg.Name(ids[r.IntN(len(ids))]))
				st.crashes++
			}
		case x < 82:
			if ids := up(false); len(ids) > 0 {
				w.restart(cfg.Name(ids[r.IntN(len(ids))]))
			}
		case x < 92:
			c := r.IntN(cfg.Clients) + 1
			if !w.st.Clients[c-1].Pending.IsZero() {
				break
			}
			var line string
			k := keys[r.IntN(len(keys))]
			switch r.IntN(3) {
			case 0:
				line = fmt.Sprintf("put c%d %s %s", c, k, vals[r.IntN(len(vals))])
			case 1:
				line = fmt.Sprintf("get c%d %s", c, k)
			default:
				line = fmt.Sprintf("cas c%d %s %s %s", c, k, vals[r.IntN(len(vals))], vals[r.IntN(len(vals))])
			}
			if r.IntN(4) == 0 {
				line += fmt.Sprintf(" to=s%d", r.IntN(cfg.Servers)+1)
			}
			w.request(line)
		case x < 94:
			if ids := up(true); len(ids) > 0 {
				w.timeout(cfg.Name(ids[r.IntN(len(ids))]))
			}
		case x < 96:
			if w.group != nil || r.IntN(2) == 0 {
				w.heal()
				break
			}
			var a, b []string
			for i := range cfg.Nodes() {
				if r.IntN(2) == 0 {
					a = append(a, cfg.Name(NodeID(i)))
				} else {
					b = append(b, cfg.Name(NodeID(i)))
				}
			}
			w.partition(strings.Join(a, " ") + " | " + strings.Join(b, " "))
		default:
			c := r.IntN(cfg.Clients) + 1
			if !w.st.Clients[c-1].Pending.IsZero() {
				w.timeout(fmt.Sprintf("c%d", c))
			}
		}
		if len(w.st.Leaders()) > 0 {
			st.leaders++
		}
		if walkHook != nil {
			walkHook(w)
		}
	}
	for _, o := range olds {
		if dump(o.st, o.k) != o.dump {
			t.Fatalf("seed %d: a state abandoned for its clone changed afterwards: Clone is not deep", seed)
		}
	}
	st.steps = w.step
	st.chosen = int(w.k.MaxChosen())
	for i := range w.st.Clients {
		st.responses += int(w.st.Clients[i].Last.Seq)
	}
	return w, st
}

// TestRandomWalkSafe: the correct protocol never breaks an invariant under
// random faults.
func TestRandomWalkSafe(t *testing.T) {
	seeds, steps := 40, 1500
	if testing.Short() {
		seeds = 8
	}
	var total walkStats
	for seed := range uint64(seeds) {
		for _, leader := range []string{"s1", ""} {
			// Vary the shape: 3 or 5 servers, windows 1, 3 and 5, short
			// and long timeouts.
			servers, clients, window, timeout := 3, 2, 3, DefaultTimeout
			switch seed % 4 {
			case 1:
				window, timeout = 1, 4
			case 2:
				window, timeout = 5, 20
			case 3:
				servers, clients = 5, 3
			}
			cfg, err := NewConfig(servers, clients, window, timeout, DefaultHeartbeat, 0)
			if err != nil {
				t.Fatal(err)
			}
			w, st := walk(t, seed, cfg, leader, steps, seed%2 == 0)
			if vs := w.k.Violations(); len(vs) > 0 {
				w.fail("seed %d leader=%q: %s", seed, leader, vs[0].Describe(cfg))
			}
			total.steps += st.steps
			total.chosen += st.chosen
			total.responses += st.responses
			total.crashes += st.crashes
			total.leaders += st.leaders
		}
	}
	t.Logf("walks: %+v", total)
	// Not vacuous: the walks decide and answer a good deal.
	if total.chosen < seeds*10 || total.responses < seeds*5 || total.crashes < seeds || total.leaders < total.steps/10 {
		t.Fatalf("the walks did too little to mean anything: %+v", total)
	}
}

// TestRandomWalkFindsBugs: the same walks break an invariant with a bug
// switch on, for the switches a random schedule finds easily, so the walk
// is able to see a broken protocol.
func TestRandomWalkFindsBugs(t *testing.T) {
	for _, bug := range []string{"skip_phase1", "no_adopt", "exec_out_of_order", "commit_minority", "no_dedup"} {
		bs, _ := ParseBugs(bug)
		found := false
		for seed := uint64(0); seed < 40 && !found; seed++ {
			w, _ := walk(t, seed, DefaultConfig(3, 2, bs), "s1", 1500, false)
			found = len(w.k.Violations()) > 0
		}
		if !found {
			t.Errorf("%s: 40 random walks broke no invariant", bug)
		}
	}
}

// TestWalkDeterministic: the same seed gives the same trace.
func TestWalkDeterministic(t *testing.T) {
	a, _ := walk(t, 7, DefaultConfig(3, 2, 0), "s1", 800, false)
	b, _ := walk(t, 7, DefaultConfig(3, 2, 0), "s1", 800, true)
	if strings.Join(a.trace, "\n") != strings.Join(b.trace, "\n") {
		t.Fatal("the same seed gave two traces (cloning mid-run must not change anything)")
	}
}

// TestRandomWalkRecovers: once the faults stop (heal, restart every
// server), every client gets its answer and every server catches up with
// the leader's decided prefix: retries, redirects, elections with
// back-off and catch-up together make progress.
func TestRandomWalkRecovers(t *testing.T) {
	for seed := range uint64(20) {
		cfg := DefaultConfig(3, 2, 0)
		w, _ := walk(t, seed, cfg, "s1", 1000, false)
		w.heal()
		for i := range cfg.Servers {
			if !w.st.Servers[i].Up {
				w.restart(cfg.Name(NodeID(i)))
			}
		}
		settled := func() bool {
			for i := range w.st.Clients {
				if !w.st.Clients[i].Pending.IsZero() {
					return false
				}
			}
			ls := w.st.Leaders()
			if len(ls) != 1 {
				return false
			}
			top := w.st.Servers[ls[0]].V.Upto
			for i := range w.st.Servers {
				if w.st.Servers[i].V.Upto != top || w.st.Servers[i].V.SlotOut != top+1 {
					return false
				}
			}
			return true
		}
		for i := 0; i < 500 && !settled(); i++ {
			w.run(200)
			w.tick(1)
		}
		if !settled() {
			w.fail("seed %d: no progress after the faults stopped; leaders %v, clients %+v", seed, w.st.Leaders(), w.st.Clients)
		}
		w.expectSafe()
	}
}
