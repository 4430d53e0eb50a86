package multipaxos

import (
	"math/rand/v2"
	"testing"
)

// TestGuardKeepsEveryGuard: a server's guards, kept as Guard/GuardFor and
// GuardAll/GuardAllFor, refuse exactly what the set of every guard it
// took refuses (multipaxos.md §3.3: acking heartbeat b from l, it refuses
// prepares from all but l until its clock + lease; restarted, it refuses
// everyone for a lease): a later ack never shortens or narrows an earlier
// guard, and never widens one either. The refusal it reports names a
// guard it took that refuses that sender. Before the fix an ack replaced
// the guard, so acking s3 then s1 let s3's competitor s1 in.
func TestGuardKeepsEveryGuard(t *testing.T) {
	cfg, _ := NewConfig(3, 0, 3, 10, 2, 0)
	_ = cfg.SetLease(10)
	type guard struct {
		until int
		who   NodeID
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for run := range 3000 {
		s := Server{ID: 1, Up: true, V: newVolatile()}
		var taken []guard
		clock := rng.IntN(500)
		out := Out{Quiet: true, Clock: clock}
		if run%3 == 0 {
			s.quiet(cfg, &out)
			taken = append(taken, guard{clock + cfg.Lease*100, None})
		}
		for range 1 + rng.IntN(6) {
			clock += rng.IntN(3) * rng.IntN(700)
			leader := NodeID(rng.IntN(3))
			out = Out{Quiet: true, Clock: clock}
			s.guard(cfg, leader, &out)
			taken = append(taken, guard{clock + cfg.Lease*100, leader})
			// Judge now and at every later reading up to past the last
			// guard's end, for every sender.
			for at := clock; at <= clock+cfg.Lease*100+1; at += 50 {
				for from := range NodeID(3) {
					want := false
					for _, g := range taken {
						want = want || at < g.until && g.who != from
					}
					got, who, until := s.guarded(cfg, from, &Out{Clock: at})
					if got != want {
						t.Fatalf("run %d: guards %v, state %+v: at %d from s%d refused %v, want %v",
							run, taken, [4]int{s.V.Guard, int(s.V.GuardFor), s.V.GuardAll, int(s.V.GuardAllFor)}, at, from+1, got, want)
					}
					if !got {
						continue
					}
					named := false
					for _, g := range taken {
						named = named || g.until == until && g.who == who && who != from
					}
					if !named {
						t.Fatalf("run %d: guards %v: at %d the refusal of s%d names %d until %d, not a guard that refuses it",
							run, taken, at, from+1, who, until)
					}
				}
			}
		}
	}
}
