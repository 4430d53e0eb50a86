package raft

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// walkStats sums what random walks achieved, so that a walk that never
// commits anything cannot pass for a safe one.
type walkStats struct {
	steps, committed, terms, crashes, leaderSteps int
}

// walk runs a seeded random schedule of deliveries, drops, duplicates,
// ticks, crashes, restarts, partitions, timeouts and proposals. With swap,
// it replaces the state and the checker by clones at random points and
// checks that the abandoned copies never change afterwards.
func walk(t testing.TB, seed uint64, cfg *Config, steps int, swap bool) (*world, walkStats) {
	w := newWorld(t, cfg)
	w.seed(seed)
	r := rand.New(rand.NewPCG(seed, 1000))
	swaps := rand.New(rand.NewPCG(seed, 1001)) // apart, so swapping changes no other draw
	var st walkStats
	type frozen struct {
		st   *State
		k    *Checker
		dump string
	}
	var olds []frozen
	dump := func(s *State, k *Checker) string { return fmt.Sprintf("%+v|%+v", *s, *k) }
	n := 0
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
			w.begin("drop " + w.cfg.Describe(&w.fly[i]))
			w.fly = append(w.fly[:i], w.fly[i+1:]...)
		case x < 61 && len(w.fly) > 0 && len(w.fly) < 100:
			m := w.fly[r.IntN(len(w.fly))]
			w.begin("dup " + w.cfg.Describe(&m))
			w.id++
			m.ID = w.id
			w.fly = append(w.fly, m)
		case x < 78:
			w.tick(1)
		case x < 79:
			if ids := up(true); len(ids) > 0 {
				w.crash(cfg.Name(ids[r.IntN(len(ids))]))
				st.crashes++
			}
		case x < 83:
			if ids := up(false); len(ids) > 0 {
				w.restart(cfg.Name(ids[r.IntN(len(ids))]))
			}
		case x < 93:
			// Mostly to a leader, sometimes to anyone live.
			ids := w.st.Leaders()
			if len(ids) == 0 || r.IntN(4) == 0 {
				ids = up(true)
			}
			if len(ids) > 0 {
				n++
				w.propose(cfg.Name(ids[r.IntN(len(ids))]), "v"+strconv.Itoa(n))
			}
		case x < 95:
			if ids := up(true); len(ids) > 0 {
				w.timeout(cfg.Name(ids[r.IntN(len(ids))]))
			}
		case x < 97:
			if w.group != nil || r.IntN(2) == 0 {
				w.heal()
				break
			}
			var a, b []string
			for i := range cfg.Servers {
				if r.IntN(2) == 0 {
					a = append(a, cfg.Name(NodeID(i)))
				} else {
					b = append(b, cfg.Name(NodeID(i)))
				}
			}
			w.partition(strings.Join(a, " ") + " | " + strings.Join(b, " "))
		default:
			w.tick(1)
		}
		if len(w.st.Leaders()) > 0 {
			st.leaderSteps++
		}
	}
	for _, o := range olds {
		if dump(o.st, o.k) != o.dump {
			t.Fatalf("seed %d: a state abandoned for its clone changed afterwards: Clone is not deep", seed)
		}
	}
	st.steps = w.step
	st.committed = int(w.k.CommittedCount())
	st.terms = w.k.Terms()
	return w, st
}

// walkCfg varies the shape by seed: 3 or 5 servers and the controls that
// must stay safe (raft.md §6): noop=0, election=15-15, batch=1, probe=1,
// keep_commit.
func walkCfg(t testing.TB, seed uint64, bugs string) *Config {
	opts := []string{"", "noop=0", "election=15-15", "batch=1", "probe=1", "bugs=keep_commit", "noop=0 probe=1", "batch=2 noop=0"}[seed%8]
	if bugs != "" {
		opts = strings.ReplaceAll(opts, "bugs=keep_commit", "") + " bugs=" + bugs
	}
	servers := 3
	if seed%3 == 2 {
		servers = 5
	}
	return cfgOf(t, servers, opts)
}

// settle stops the faults (heal, restart every server) and runs with
// prompt delivery until one leader leads, has committed an entry of its own
// term, and every server holds its log and has applied all of it.
func settle(w *world, maxTicks int) bool {
	w.heal()
	for i := range w.cfg.Servers {
		if !w.st.Servers[i].Up {
			w.restart(w.cfg.Name(NodeID(i)))
		}
	}
	proposedIn := int32(-1) // the leader term a value was proposed in
	settled := func() bool {
		ls := w.st.Leaders()
		if len(ls) != 1 {
			return false
		}
		l := &w.st.Servers[ls[0]]
		top := l.LastIndex()
		if l.V.CommitIndex != top || l.LastTerm() != l.D.Term {
			return false
		}
		want := FormatLog(l.D.Log)
		for i := range w.st.Servers {
			s := &w.st.Servers[i]
			if s.V.CommitIndex != top || s.V.LastApplied != top || FormatLog(s.D.Log) != want {
				return false
			}
		}
		return true
	}
	for i := 0; i < maxTicks && !settled(); i++ {
		w.run(500)
		// A leader commits its own term's entry: the no-op, or (noop=0)
		// a client's value, as raft.md §1.9 says.
		if ls := w.st.Leaders(); len(ls) == 1 && w.st.Servers[ls[0]].D.Term != proposedIn {
			proposedIn = w.st.Servers[ls[0]].D.Term
			w.propose(w.cfg.Name(ls[0]), "after")
			continue
		}
		w.tick(1)
	}
	return settled()
}

// TestRandomWalkSafe: the correct protocol (and its controls) never breaks
// an invariant under random faults, and once the faults stop it elects a
// leader and commits (liveness phase).
func TestRandomWalkSafe(t *testing.T) {
	seeds, steps := 48, 2000
	if testing.Short() {
		seeds = 16
	}
	var total walkStats
	for seed := range uint64(seeds) {
		cfg := walkCfg(t, seed, "")
		w, st := walk(t, seed, cfg, steps, seed%2 == 0)
		if vs := w.k.Violations(); len(vs) > 0 {
			w.fail("seed %d (%+v): %s", seed, cfg.Options(), vs[0].Describe(cfg))
		}
		if !settle(w, 2000) {
			w.fail("seed %d (%+v): no leader committing once the faults stopped; leaders %v", seed, cfg.Options(), w.st.Leaders())
		}
		w.expectSafe()
		total.steps += st.steps
		total.committed += st.committed
		total.terms += st.terms
		total.crashes += st.crashes
		total.leaderSteps += st.leaderSteps
	}
	t.Logf("walks: %+v", total)
	// Not vacuous: the walks elect, commit and crash a good deal.
	if total.committed < seeds*10 || total.terms < seeds*3 || total.crashes < seeds || total.leaderSteps < total.steps/5 {
		t.Fatalf("the walks did too little to mean anything: %+v", total)
	}
}

// TestRandomWalkFindsBugs: the same walks break an invariant with a bug
// switch on, for the switches a random schedule finds easily, so the walk
// is able to see a broken protocol. Eight of the nine are found this way;
// commit_old_term needs Fig. 8's careful schedule (TestBugCommitOldTerm),
// which 60 walks of 2,000 steps never hit.
func TestRandomWalkFindsBugs(t *testing.T) {
	for _, bug := range []string{"no_log_check", "forget_vote", "volatile_log", "stale_append", "truncate_always", "commit_beyond_new", "count_duplicates", "no_step_down"} {
		found := false
		for seed := uint64(0); seed < 60 && !found; seed++ {
			w, _ := walk(t, seed, walkCfg(t, seed, bug), 2000, false)
			found = len(w.k.Violations()) > 0
		}
		if !found {
			t.Errorf("%s: 60 random walks broke no invariant", bug)
		}
	}
}

// TestWalkDeterministic: the same seed gives the same trace, cloning or
// not.
func TestWalkDeterministic(t *testing.T) {
	a, _ := walk(t, 7, walkCfg(t, 7, ""), 1000, false)
	b, _ := walk(t, 7, walkCfg(t, 7, ""), 1000, true)
	if strings.Join(a.trace, "\n") != strings.Join(b.trace, "\n") {
		t.Fatal("the same seed gave two traces (cloning mid-run must not change anything)")
	}
}
