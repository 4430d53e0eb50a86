package sim

import (
	"math/rand/v2"
	"strings"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// lockWalk drives a random lock-service cluster (chosen by seed) through
// steps random actions — acquire, renew, release, write, deliveries,
// drops, duplicates, ticks, timeouts, crashes, restarts, pauses, resumes,
// clock rates within the drift, scheduler runs — ignoring the actions that
// are script errors, and returns the cluster and a log of what it did.
func lockWalk(seed uint64, steps int, bugs mp.BugSet) (*MPSim, string) {
	r := rand.New(rand.NewPCG(seed, seed^0x5eed))
	cl := MPCluster{Servers: []int{1, 3, 3, 5}[r.IntN(4)], Clients: 2 + r.IntN(2), Window: 1 + r.IntN(3),
		Timeout: 5 + r.IntN(20), Heartbeat: 1 + r.IntN(3), Seed: seed, Lock: true, TTL: 2 + r.IntN(12),
		Drift: []int{0, 10, 50}[r.IntN(3)], Lease: []int{0, 0, 4, 10}[r.IntN(4)], Bugs: bugs}
	if r.IntN(3) > 0 {
		cl.Leader = "s1"
	}
	s := NewMP(cl)
	cfg := s.p.cfg
	var log strings.Builder
	log.WriteString(cl.String() + "\n")
	client := func() mp.NodeID { return cfg.Client(1 + r.IntN(cfg.Clients)) }
	server := func() mp.NodeID { return cfg.Server(1 + r.IntN(cfg.Servers)) }
	node := func() mp.NodeID { return mp.NodeID(r.IntN(cfg.Nodes())) }
	lock := func() string { return []string{"f", "f", "f", "g"}[r.IntN(4)] }
	for range steps {
		var what string
		var err error
		switch k := r.IntN(22); {
		case k < 3:
			c, l := client(), lock()
			op := []mp.Op{mp.OpAcquire, mp.OpAcquire, mp.OpRenew, mp.OpRelease}[r.IntN(4)]
			what, err = op.String()+" "+cfg.Name(c)+" "+l, s.LockRequest(c, op, l)
		case k < 5 || k >= 20:
			c, l := client(), lock()
			v := string(rune('A' + r.IntN(3)))
			what, err = "write "+cfg.Name(c)+" "+l+" "+v, s.Write(c, l, v)
		case k < 11:
			if msgs := s.InFlight(); len(msgs) > 0 {
				id := msgs[r.IntN(len(msgs))].ID
				switch r.IntN(10) {
				case 0:
					what, err = "drop #"+itoa(id), s.DropID(id)
				case 1:
					what, err = "dup #"+itoa(id), s.DupID(id)
				default:
					what, err = "deliver #"+itoa(id), s.DeliverID(id)
				}
			}
		case k < 13:
			what, err = "tick", s.Tick()
		case k == 13:
			n := server()
			if r.IntN(2) == 0 {
				n = client()
			}
			what, err = "timeout "+cfg.Name(n), s.Act(ActTimeout, n)
		case k == 14:
			n := server()
			if s.p.Up(int(n)) {
				what, err = "crash "+cfg.Name(n), s.Act(ActCrash, n)
			} else {
				what, err = "restart "+cfg.Name(n), s.Act(ActRestart, n)
			}
		case k == 15:
			n := node()
			if s.Paused(n) {
				what, err = "resume "+cfg.Name(n), s.Resume(n)
			} else if r.IntN(3) == 0 {
				what, err = "pause "+cfg.Name(n), s.Pause(n)
			}
		case k == 17 || k == 18:
			what, err = "tick", s.Tick()
		case k == 16 && cl.Drift > 0:
			n, rate := node(), 100-cl.Drift+r.IntN(2*cl.Drift+1)
			what, err = "clock "+cfg.Name(n)+" rate="+itoa(rate), s.SetRate(n, rate)
		default:
			s.W.Run(1+r.IntN(15), UntilQuiet, 0, 0)
			what = "run"
		}
		if what != "" && err == nil {
			log.WriteString(what + "\n")
		}
	}
	return s, log.String()
}

// TestLockRandomWalkSafe: random lock-service walks on the correct engine
// — clocks drifting, clients pausing, leaders changing, stores racing —
// never panic and never break an invariant (fencing and lease-exclusive
// included, judged after every step), and they get somewhere: locks are
// granted and stores reach d1.
func TestLockRandomWalkSafe(t *testing.T) {
	n := 300
	if testing.Short() {
		n = 60
	}
	grants, stores := 0, 0
	for seed := range uint64(n) {
		s, log := lockWalk(seed, 200, 0)
		if vs := s.Checker().Violations(); len(vs) > 0 {
			t.Fatalf("seed %d: the correct engine broke %s:\n%s", seed, vs[0].Describe(s.Config()), log)
		}
		for _, cl := range s.State().Lock.Clients {
			grants += len(cl.Beliefs)
		}
		stores += len(s.State().Lock.D1)
	}
	if grants == 0 || stores == 0 {
		t.Errorf("the walks got nowhere: %d beliefs, %d keys stored", grants, stores)
	}
}

// TestLockRandomWalkChecks: the same walks with no_dedup break
// exactly-once in some walk (a retried acquire, renew or release applied
// twice), so the safe test above judges something. (The lock switches'
// own schedules are rarer than random walks find: the goldens and the
// engine search show them.)
func TestLockRandomWalkChecks(t *testing.T) {
	for seed := range uint64(300) {
		if s, _ := lockWalk(seed, 200, mp.BugSet(mp.BugNoDedup)); s.Violated(mp.InvExactlyOnce) {
			return
		}
	}
	t.Error("no walk with no_dedup broke exactly-once")
}

// FuzzLockWalk: any seed and length give a walk that neither panics nor
// breaks an invariant of the correct engine.
func FuzzLockWalk(f *testing.F) {
	for _, s := range []uint64{1, 7, 42, 1 << 40} {
		f.Add(s, uint8(100))
	}
	f.Fuzz(func(t *testing.T, seed uint64, steps uint8) {
		s, log := lockWalk(seed, int(steps), 0)
		if vs := s.Checker().Violations(); len(vs) > 0 {
			t.Fatalf("the correct engine broke %s:\n%s", vs[0].Describe(s.Config()), log)
		}
	})
}

// TestLockReleaseGivesUp: a client that sends release stops believing at
// once, before the answer (the engine search found two believers while a
// release's answer was in flight).
func TestLockReleaseGivesUp(t *testing.T) {
	src := `cluster multipaxos servers=1 clients=2 leader=s1 app=lock
acquire c1 f
deliver request
deliver reply
expect lease c1 f yes
release c1 f
expect lease c1 f no
deliver request c1->s1
acquire c2 f
deliver request c2->s1
deliver reply s1->c2
expect lease c2 f yes
expect safe
deliver reply s1->c1
expect reply c1 ok
`
	sc, err := Parse("t", src)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	if res := Exec(sc, &sb); res.ExitCode() != 0 {
		t.Fatalf("exit %d: %v\n%s", res.ExitCode(), res.Err, sb.String())
	}
}
