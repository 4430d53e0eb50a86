package sim

import (
	"fmt"
	"testing"
)

// The cost counters of the Multi-Paxos view charge a steady-state command
// what multipaxos.md §7 M1 and lesson 14 say it costs between servers:
// N−1 accept, N−1 accepted and N−1 commit messages, 3(N−1) in all (6 with
// 3 servers, 12 with 5). Heartbeats, their acks, the commits a heartbeat_ok
// makes the leader resend and the late tail of the election are not the
// cost of a steady command; the accepted messages beyond a majority, which
// arrive after the reply, are.
func TestMPSteadyCostPerCommand(t *testing.T) {
	for _, n := range []int{3, 5} {
		want := 3 * (n - 1)
		for _, tc := range []struct {
			extra string
			lines []string
		}{
			// One client at a time, the cluster running between requests.
			{"", []string{"put c1 k1 v", "run", "put c2 k2 v", "run", "put c1 k3 v", "run", "put c2 k4 v", "run", "put c1 k5 v", "run", "put c2 k6 v", "run"}},
			{" leader=s1", []string{"put c1 k1 v", "run", "put c2 k2 v", "run", "put c1 k3 v", "run", "put c2 k4 v", "run"}},
			// Two commands in flight at once, idle ticks between.
			{" leader=s1 window=3", []string{"put c1 k1 v", "put c2 k2 v", "run max=200", "tick 9", "put c1 k3 v", "put c2 k4 v", "run max=200", "tick 9", "put c1 k5 v", "put c2 k6 v", "run"}},
		} {
			line := fmt.Sprintf("cluster multipaxos servers=%d clients=2%s", n, tc.extra)
			h, err := NewMPHistory(line)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range tc.lines {
				if _, err := h.Do(l); err != nil && err != ErrNothing {
					t.Fatalf("%s: %s: %v", line, l, err)
				}
			}
			c := h.cur.c
			if c.Steady.Commands < 3 {
				t.Fatalf("%s: only %d commands in steady state (%+v)", line, c.Steady.Commands, c.Change)
			}
			if got := c.Steady.Messages; got != want*c.Steady.Commands {
				t.Errorf("%s: %d messages for %d steady commands, want %d each", line, got, c.Steady.Commands, want)
			}
			for _, r := range c.Recent {
				if !r.Change && r.Messages != want {
					t.Errorf("%s: %s cost %d messages, want %d", line, r.ID, r.Messages, want)
				}
			}
		}
	}
}
