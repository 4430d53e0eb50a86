package sim

import (
	"fmt"
	"strings"
)

// CompareExample is a ready schedule for the side-by-side page.
type CompareExample struct {
	Name string // an i18n key suffix: compare.ex.NAME
	Text string
}

// CompareExamples are the page's ready schedules: a leader crash, a
// partition that isolates the leader, a flapping network.
var CompareExamples = []CompareExample{
	{"crash", `compare servers=3 seed=7
# steady state, then the leader crashes and comes back
at 0 put x 1
at 40 put y 2
at 60 put z 3
at 80 crash leader
at 82 put w 4
at 140 restart crashed
at 160 put v 5
run until=220
`},
	{"partition", `compare servers=5 seed=2
# the leader is cut off from the others, then the network heals
at 0 put x 1
at 40 put y 2
at 60 partition leader | *
at 62 put z 3
at 130 heal
at 150 put w 4
run until=200
`},
	{"flapping", `compare servers=3 seed=5
# the leader's links go down and up every few ticks
at 0 put a 1
at 30 partition leader | *
at 38 heal
at 40 put b 2
at 50 partition leader | *
at 58 heal
at 60 put c 3
at 70 partition leader | *
at 78 heal
at 80 put d 4
at 90 partition leader | *
at 98 heal
run until=160
`},
}

// FormatCompare prints the counters of both protocols as a table.
func FormatCompare(c *Comparison) string {
	var b strings.Builder
	fmt.Fprintf(&b, "servers=%d seed=%d until=%d\n", c.Servers, c.Seed, c.Until)
	fmt.Fprintf(&b, "%-34s %12s %12s\n", "", "multipaxos", "raft")
	row := func(name string, f func(m *CompareMetrics) string) {
		fmt.Fprintf(&b, "%-34s %12s %12s\n", name, f(&c.MP.Metrics), f(&c.Raft.Metrics))
	}
	n := func(f func(m *CompareMetrics) int) func(m *CompareMetrics) string {
		return func(m *CompareMetrics) string { return fmt.Sprint(f(m)) }
	}
	per := func(x, k int) string {
		if k == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f", float64(x)/float64(k))
	}
	row("commands committed/issued", func(m *CompareMetrics) string { return fmt.Sprintf("%d/%d", m.Committed, m.Commands) })
	row("steady: messages per command", func(m *CompareMetrics) string { return per(m.Steady.Messages, m.Steady.Commands) })
	row("steady: fewest messages", n(func(m *CompareMetrics) int { return m.SteadyMin }))
	row("steady: delays per command", func(m *CompareMetrics) string { return per(m.Steady.Delays, m.Steady.Commands) })
	row("leader change: messages per command", func(m *CompareMetrics) string { return per(m.Change.Messages, m.Change.Commands) })
	row("leader change: delays per command", func(m *CompareMetrics) string { return per(m.Change.Delays, m.Change.Commands) })
	row("messages (heartbeats included)", n(func(m *CompareMetrics) int { return m.Messages }))
	row("elections started/won/failed", func(m *CompareMetrics) string { return fmt.Sprintf("%d/%d/%d", m.Elections, m.Won, m.Failed) })
	row("leaderless ticks", n(func(m *CompareMetrics) int { return m.LeaderlessTicks }))
	row("entries moved in votes", n(func(m *CompareMetrics) int { return m.MovedInVotes }))
	row("entries re-stamped", n(func(m *CompareMetrics) int { return m.Restamped }))
	row("old entries repaired by appends", n(func(m *CompareMetrics) int { return m.Repaired }))
	row("entries overwritten", n(func(m *CompareMetrics) int { return m.Overwritten }))
	row("commit latency mean/max (ticks)", func(m *CompareMetrics) string {
		return per(m.LatencySum, m.Committed) + "/" + fmt.Sprint(m.LatencyMax)
	})
	row("invariant violations", func(m *CompareMetrics) string { return "" })
	return strings.TrimSuffix(b.String(), fmt.Sprintf("%-34s %12s %12s\n", "invariant violations", "", "")) +
		fmt.Sprintf("%-34s %12d %12d\n", "invariant violations", c.MP.Violations, c.Raft.Violations)
}
