package sim

import (
	"errors"
	"math/rand/v2"
	"runtime"
	"testing"
)

func benchCluster() Cluster {
	return Cluster{Proposers: 2, Acceptors: 3, Learners: 1, Seed: 1, TimeoutTicks: 10}
}

// BenchmarkEvents measures simulated events per second on a 3-acceptor,
// 2-proposer cluster driven by the seeded scheduler, with the invariants
// checked after every event (the default). Narration off.
func BenchmarkEvents(b *testing.B) {
	benchEvents(b, 0, 0, false)
}

// BenchmarkEventsFaults adds random drops and duplicates (5% each).
func BenchmarkEventsFaults(b *testing.B) {
	benchEvents(b, 50, 50, false)
}

// BenchmarkEventsTraced records every event with its notes, as the web
// session and paxviz run do.
func BenchmarkEventsTraced(b *testing.B) {
	benchEvents(b, 0, 0, true)
}

func benchEvents(b *testing.B, dropPM, dupPM int, traced bool) {
	s := New(benchCluster())
	if traced {
		s.Trace = func(*Event) {}
	}
	s.Apply(&Action{Kind: ActPropose, Node: 0, Value: "X"})
	s.Apply(&Action{Kind: ActPropose, Node: 1, Value: "Y"})
	// A run goes quiet once both proposers know the outcome: start it
	// again from the proposals (CopyFrom reuses s's buffers).
	start := s.Clone()
	quiet := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if !s.runOne(dropPM, dupPM) {
			s.CopyFrom(start)
			quiet++
			if !s.runOne(dropPM, dupPM) {
				b.Fatal("nothing enabled")
			}
		}
	}
	b.StopTimer()
	if s.Violated("") {
		b.Fatal(s.Violations())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if quiet > 0 {
		b.ReportMetric(float64(b.N)/float64(quiet), "events/run")
	}
}

// buildSession records a 10,000-step session the way the browser drives
// one: mostly single steps of the scheduler (with faults), some
// deliveries, proposals and timeouts.
func buildSession(tb testing.TB, steps int) *History {
	h := NewHistory(benchCluster())
	r := rand.New(rand.NewPCG(42, 42))
	for h.End() < steps {
		var a Action
		switch x := r.IntN(100); {
		case x < 3:
			a = Action{Kind: ActPropose, Node: engineID(r.IntN(2)), Value: "V"}
		case x < 5:
			a = Action{Kind: ActTimeout, Node: engineID(r.IntN(2))}
		case x < 30 && len(h.State().InFlight()) > 0:
			in := h.State().InFlight()
			a = Action{Kind: ActDeliver, Sel: Selector{ID: in[r.IntN(len(in))].ID, From: Any, To: Any}}
		default:
			a = Action{Kind: ActRun, N: 1, DropPerMille: 50, DupPerMille: 20}
		}
		if _, err := h.Do(&a, nil); err != nil && h.State().Check(&a) == nil && !errors.Is(err, ErrNothing) {
			tb.Fatal(err)
		}
	}
	return h
}

// BenchmarkSeek measures seeking to a random step of a 10,000-step
// history (target: under 5 ms).
func BenchmarkSeek(b *testing.B) {
	h := buildSession(b, 10000)
	r := rand.New(rand.NewPCG(7, 7))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := h.Seek(r.IntN(h.End() + 1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionMemory measures the heap a 10,000-step session holds
// (target: under 2 MB), reported as bytes/session.
func BenchmarkSessionMemory(b *testing.B) {
	var total uint64
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		h := buildSession(b, 10000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		total += after.HeapAlloc - before.HeapAlloc
		runtime.KeepAlive(h)
	}
	b.ReportMetric(float64(total)/float64(b.N), "bytes/session")
}
