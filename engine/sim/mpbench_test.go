package sim

import (
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// mpSteady drives a Multi-Paxos cluster through the world in steady state:
// every idle client issues the next operation, the oldest in-flight message
// is delivered, and time advances one tick every 16 events (heartbeats,
// catch-up). Each client request, delivery and tick is one world event,
// and every invariant is judged after every handler.
func mpSteady(b *testing.B, s *MPSim, events int) {
	ops := [...]mp.Cmd{
		{Op: mp.OpPut, Key: "x", Val: "1"}, {Op: mp.OpGet, Key: "x"}, {Op: mp.OpPut, Key: "y", Val: "2"},
		{Op: mp.OpCas, Key: "x", Val: "1", New: "3"}, {Op: mp.OpGet, Key: "y"},
	}
	w, p := s.W, s.p
	n := 0
	for w.step < events {
		for i := range p.st.Clients {
			if c := &p.st.Clients[i]; c.Pending.IsZero() {
				w.Begin(Action{Kind: ActProto})
				if err := p.request(int(c.ID), ops[n%len(ops)], mp.None, w); err != nil {
					b.Fatal(err)
				}
				w.Drain()
				w.End()
				n++
			}
		}
		if len(w.inflight) == 0 {
			w.Tick(1)
		}
		for len(w.inflight) > 0 && w.step < events {
			w.DeliverAt(0)
			if w.step%16 == 0 {
				w.Tick(1)
			}
		}
	}
}

// BenchmarkMultiPaxosEvents measures Multi-Paxos world events per second
// with every invariant on (agreement, validity, learned-chosen, log-prefix,
// exactly-once, linearizable, promise-monotonic), 3 servers and 2 clients
// in steady state, narration off (issue 9: at least 1,000,000 on one core).
func BenchmarkMultiPaxosEvents(b *testing.B) {
	cl, err := ParseMPCluster("cluster multipaxos servers=3 clients=2 leader=s1")
	if err != nil {
		b.Fatal(err)
	}
	s := NewMP(cl)
	b.ReportAllocs()
	b.ResetTimer()
	mpSteady(b, s, b.N)
	b.StopTimer()
	b.ReportMetric(float64(s.W.step)/b.Elapsed().Seconds(), "events/s")
	if vs := s.p.k.Violations(); len(vs) > 0 || s.p.k.MaxChosen() < int32(b.N/20) {
		b.Fatalf("steady state went wrong: %d chosen, %v", s.p.k.MaxChosen(), vs)
	}
}

// BenchmarkMultiPaxosScheduler is the same cluster under the seeded
// scheduler (run): uniformly chosen deliveries and ticks.
func BenchmarkMultiPaxosScheduler(b *testing.B) {
	cl, err := ParseMPCluster("cluster multipaxos servers=3 clients=2 leader=s1")
	if err != nil {
		b.Fatal(err)
	}
	s := NewMP(cl)
	w, p := s.W, s.p
	op := mp.Cmd{Op: mp.OpPut, Key: "x", Val: "1"}
	b.ReportAllocs()
	b.ResetTimer()
	for w.step < b.N {
		for i := range p.st.Clients {
			if c := &p.st.Clients[i]; c.Pending.IsZero() {
				w.Begin(Action{Kind: ActProto})
				if err := p.request(int(c.ID), op, mp.None, w); err != nil {
					b.Fatal(err)
				}
				w.Drain()
				w.End()
			}
		}
		w.RunOne(0, 0)
	}
	b.StopTimer()
	b.ReportMetric(float64(w.step)/b.Elapsed().Seconds(), "events/s")
	if vs := p.k.Violations(); len(vs) > 0 {
		b.Fatal(vs)
	}
}

// BenchmarkMultiPaxosEventsBounded is BenchmarkMultiPaxosEvents with the
// log kept short: every 4096 events the cluster goes back to a warmed-up
// copy of itself (as BenchmarkEvents restarts a quiet single-decree run),
// so that the figure is the steady state's and not the cost of an ever
// longer log (the protocol has no snapshots or log truncation yet).
func BenchmarkMultiPaxosEventsBounded(b *testing.B) {
	cl, err := ParseMPCluster("cluster multipaxos servers=3 clients=2 leader=s1")
	if err != nil {
		b.Fatal(err)
	}
	warm := NewMP(cl)
	mpSteady(b, warm, 256)
	s := warm.Clone()
	const period = 4096
	b.ReportAllocs()
	b.ResetTimer()
	done := 0
	for done < b.N {
		n := min(period, b.N-done)
		mpSteady(b, s, s.W.step+n)
		done += n
		if vs := s.p.k.Violations(); len(vs) > 0 {
			b.Fatal(vs)
		}
		if done < b.N {
			s = warm.Clone()
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "events/s")
}
