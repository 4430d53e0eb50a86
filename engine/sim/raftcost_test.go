package sim

import (
	"fmt"
	"testing"
)

// The comparison charges a steady Raft command the same kind of cost as a
// Multi-Paxos one (docs/script.md): the appends that carry its entry and
// their replies, late ones included — 2(N−1), the commit index riding on
// later appends — and nothing for heartbeats, even those that resend an
// entry still in flight. With 5 servers the per-command mean was 13.4 and
// the fewest 10 when every message since the previous command counted.
func TestCompareRaftSteadyCostExact(t *testing.T) {
	for _, n := range []int{3, 5} {
		want := 2 * (n - 1)
		for _, seed := range []int{3, 7} {
			text := fmt.Sprintf("compare servers=%d seed=%d\n", n, seed)
			for i := range 8 {
				text += fmt.Sprintf("at %d put k%d v\n", 40+25*i, i)
			}
			text += "run until=300\n"
			sc, err := ParseCompare(text)
			if err != nil {
				t.Fatal(err)
			}
			rh, err := NewRaftHistory(fmt.Sprintf("cluster raft servers=%d seed=%d", n, seed))
			if err != nil {
				t.Fatal(err)
			}
			rs := newRaftCmp(rh)
			side, err := driveCompare(sc, rs, "raft", rh.ClusterLine(), false)
			if err != nil {
				t.Fatal(err)
			}
			m := side.Metrics
			if m.Committed != 8 || m.Steady.Commands < 6 {
				t.Fatalf("servers=%d seed=%d: %d committed, %d in steady state", n, seed, m.Committed, m.Steady.Commands)
			}
			if m.Steady.Messages != want*m.Steady.Commands || m.SteadyMin != want {
				t.Errorf("servers=%d seed=%d: %d messages for %d steady commands (fewest %d), want %d each", n, seed, m.Steady.Messages, m.Steady.Commands, m.SteadyMin, want)
			}
			for i, x := range rs.cmds {
				if !x.change && x.msgs != want {
					t.Errorf("servers=%d seed=%d: command %d cost %d messages, want %d", n, seed, i+1, x.msgs, want)
				}
			}
			// The election the first command waited for: 2(N−1) votes
			// and 2(N−1) for the no-op at least.
			if m.Change.Commands != 1 || m.Change.Messages < 3*want {
				t.Errorf("servers=%d seed=%d: leader change %+v", n, seed, m.Change)
			}
		}
	}
}

// The fewest messages of a steady command is read after its late
// messages: Multi-Paxos's is 3(N−1) (it showed 10 with 5 servers when read
// at the reply, before the accepted and commit messages still in flight),
// Raft's 2(N−1).
func TestCompareSteadyMinLate(t *testing.T) {
	for _, n := range []int{3, 5} {
		for _, seed := range []int{3, 7} {
			text := fmt.Sprintf("compare servers=%d seed=%d\n", n, seed)
			for i := range 8 {
				text += fmt.Sprintf("at %d put k%d v\n", 40+25*i, i)
			}
			text += "run until=300\n"
			c := runCompare(t, text, false)
			if got := c.MP.Metrics.SteadyMin; got != 3*(n-1) {
				t.Errorf("servers=%d seed=%d: multipaxos fewest %d, want %d", n, seed, got, 3*(n-1))
			}
			if got := c.Raft.Metrics.SteadyMin; got != 2*(n-1) {
				t.Errorf("servers=%d seed=%d: raft fewest %d, want %d", n, seed, got, 2*(n-1))
			}
		}
	}
}
