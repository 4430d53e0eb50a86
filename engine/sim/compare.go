package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	rf "github.com/paxviz/paxviz/engine/raft"
)

// Side by side (raft.md §8): one fault schedule compiled to a Multi-Paxos
// run and a Raft run. "Same" means same N and seed, the same client
// commands in order (each to the current leader, queued while there is
// none, one outstanding at a time), the same crashes, restarts, partitions
// and heals at the same ticks, and the world's scheduler (`run`) between
// them. Message-level actions do not transfer; each protocol draws its
// delays and timeouts from its own seeded streams.
//
// The script form (docs/script.md):
//
//	compare servers=3 seed=7
//	at 10 put x 1
//	at 40 crash leader
//	at 90 restart crashed
//	at 100 partition leader | *
//	at 150 heal
//	run until=200

// Budgets of a comparison.
const (
	CompareMaxText   = 16 << 10
	CompareMaxItems  = 200
	CompareMaxPuts   = 64
	CompareMaxUntil  = 2000
	CompareMaxEvents = 40000 // per protocol
	compareMaxFrame  = 24    // log entries a frame shows per server
)

// CompareSchedule is a parsed comparison script.
type CompareSchedule struct {
	Servers int
	Seed    uint64
	Until   int
	Items   []CompareItem
}

// CompareItem is one `at T ...` line.
type CompareItem struct {
	Line int
	At   int
	// Kind: put, crash, restart, partition, heal.
	Kind string
	// Key and Value of a put; Node of a crash or restart (sN, leader,
	// crashed); Groups of a partition (its words, `leader` allowed).
	Key, Value, Node string
	Groups           []string
}

var errCompareCluster = errors.New("the first line must be `compare servers=N [seed=S]`")

// ParseCompare reads a comparison script. Errors name the line.
func ParseCompare(text string) (*CompareSchedule, error) {
	if len(text) > CompareMaxText {
		return nil, fmt.Errorf("the schedule is %d bytes; at most %d", len(text), CompareMaxText)
	}
	sc := &CompareSchedule{Servers: 3, Seed: 1}
	seenHead, seenRun, puts := false, false, 0
	for ln, raw := range strings.Split(text, "\n") {
		ln++
		w := strings.Fields(StripComment(raw))
		if len(w) == 0 {
			continue
		}
		fail := func(format string, a ...any) error {
			return fmt.Errorf("line %d: "+format, append([]any{ln}, a...)...)
		}
		if !seenHead {
			if w[0] != "compare" {
				return nil, fail("%v", errCompareCluster)
			}
			seenHead = true
			for _, kv := range w[1:] {
				k, v, ok := strings.Cut(kv, "=")
				n, err := strconv.ParseUint(v, 10, 63)
				if !ok || err != nil {
					return nil, fail("%q: want key=number", kv)
				}
				switch k {
				case "servers":
					if n < 1 || n > 7 {
						return nil, fail("servers=%d: must be 1..7", n)
					}
					sc.Servers = int(n)
				case "seed":
					sc.Seed = n
				default:
					return nil, fail("unknown key %q (keys: servers, seed)", k)
				}
			}
			continue
		}
		if seenRun {
			return nil, fail("nothing may follow `run until=T`")
		}
		if w[0] == "run" {
			if len(w) != 2 || !strings.HasPrefix(w[1], "until=") {
				return nil, fail("usage: run until=T")
			}
			n, err := strconv.Atoi(strings.TrimPrefix(w[1], "until="))
			if err != nil || n < 1 || n > CompareMaxUntil {
				return nil, fail("run until=%s: T must be 1..%d", strings.TrimPrefix(w[1], "until="), CompareMaxUntil)
			}
			sc.Until, seenRun = n, true
			continue
		}
		if w[0] != "at" || len(w) < 3 {
			return nil, fail("want `at T put K V|crash S|restart S|partition G | G|heal` or `run until=T`")
		}
		at, err := strconv.Atoi(w[1])
		if err != nil || at < 0 || at >= CompareMaxUntil {
			return nil, fail("at %s: T must be 0..%d", w[1], CompareMaxUntil-1)
		}
		if n := len(sc.Items); n > 0 && at < sc.Items[n-1].At {
			return nil, fail("at %d comes after at %d: ticks must not decrease", at, sc.Items[n-1].At)
		}
		if len(sc.Items) >= CompareMaxItems {
			return nil, fail("more than %d `at` lines", CompareMaxItems)
		}
		it := CompareItem{Line: ln, At: at, Kind: w[2]}
		args := w[3:]
		switch w[2] {
		case "put":
			if len(args) != 2 || !compareWord(args[0]) || !compareWord(args[1]) {
				return nil, fail("usage: at T put K V (K and V: 1-8 letters or digits)")
			}
			if puts++; puts > CompareMaxPuts {
				return nil, fail("more than %d puts", CompareMaxPuts)
			}
			it.Key, it.Value = args[0], args[1]
		case "crash", "restart":
			if len(args) != 1 {
				return nil, fail("usage: at T %s S|leader%s", w[2], map[bool]string{true: "|crashed"}[w[2] == "restart"])
			}
			ok := args[0] == "leader" && w[2] == "crash" || args[0] == "crashed" && w[2] == "restart"
			if n, err := strconv.Atoi(strings.TrimPrefix(args[0], "s")); err == nil && strings.HasPrefix(args[0], "s") && n >= 1 && n <= sc.Servers {
				ok = true
			}
			if !ok {
				return nil, fail("%s %s: want s1..s%d%s", w[2], args[0], sc.Servers, map[bool]string{true: " or leader", false: " or crashed"}[w[2] == "crash"])
			}
			it.Node = args[0]
		case "partition":
			g := strings.Fields(strings.ReplaceAll(strings.Join(args, " "), "|", " | "))
			if len(g) == 0 {
				return nil, fail("usage: at T partition G | G (servers, leader, *)")
			}
			for _, x := range g {
				for _, name := range strings.Split(x, ",") {
					n, err := strconv.Atoi(strings.TrimPrefix(name, "s"))
					if !(name == "|" || name == "*" || name == "leader" || name == "" ||
						strings.HasPrefix(name, "s") && err == nil && n >= 1 && n <= sc.Servers) {
						return nil, fail("partition: %q is not s1..s%d, leader or *", name, sc.Servers)
					}
				}
			}
			it.Groups = g
		case "heal":
			if len(args) != 0 {
				return nil, fail("usage: at T heal")
			}
		default:
			return nil, fail("unknown action %q (put, crash, restart, partition, heal)", w[2])
		}
		sc.Items = append(sc.Items, it)
	}
	if !seenHead {
		return nil, errCompareCluster
	}
	if !seenRun {
		return nil, errors.New("the schedule must end with `run until=T`")
	}
	if n := len(sc.Items); n > 0 && sc.Items[n-1].At >= sc.Until {
		return nil, fmt.Errorf("line %d: at %d is not before run until=%d", sc.Items[n-1].Line, sc.Items[n-1].At, sc.Until)
	}
	return sc, nil
}

func compareWord(s string) bool {
	if s == "" || len(s) > 8 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != "noop"
}

// CompareMetrics are one protocol's counters (raft.md §8).
type CompareMetrics struct {
	// Commands were issued (their tick has come); Committed were
	// committed (Multi-Paxos: the client has its reply; Raft: a leader
	// marked the entry committed).
	Commands  int `json:"commands"`
	Committed int `json:"committed"`
	// Steady and Change: committed commands with their messages and
	// message delays, with no election since the previous command and
	// with one. A command's messages (docs/script.md): those that carry
	// it and their answers, late ones included (Multi-Paxos: its slot's
	// accept, accepted and commit; Raft: the appends carrying its entry
	// and their replies), plus the election it waited for; heartbeats
	// (and whatever they resend) count nothing.
	Steady MPCost `json:"steady"`
	Change MPCost `json:"change"`
	// SteadyMin: the fewest messages a steady-state command took, late
	// ones included: 3(N−1) for Multi-Paxos, 2(N−1) for Raft.
	SteadyMin int `json:"steady_min"`
	// Messages counts every server-to-server message, heartbeats included.
	Messages int `json:"messages"`
	// Elections: candidacies started (a new term or ballot), won, and
	// failed (split or pre-empted: a higher one started before it won).
	Elections int `json:"elections"`
	Won       int `json:"won"`
	Failed    int `json:"failed"`
	// LeaderlessTicks: ticks with no live leader of the highest term or
	// ballot any live server knows.
	LeaderlessTicks int `json:"leaderless_ticks"`
	// MovedInVotes: log entries carried by votes (Raft: always 0;
	// Multi-Paxos: the accepted values in promises). Repaired: entries of
	// an older term a new leader sends in appends (Raft). Restamped:
	// entries a new leader re-proposes under its own ballot (Multi-Paxos;
	// Raft keeps each entry's term: always 0).
	MovedInVotes int `json:"moved_in_votes"`
	Repaired     int `json:"repaired"`
	Restamped    int `json:"restamped"`
	// Overwritten: entries a server had stored and replaced by a different
	// one (Raft: a conflicting entry deleted; Multi-Paxos: a vote changed
	// to another command).
	Overwritten int `json:"overwritten"`
	// LatencySum and LatencyMax: ticks from a command's scheduled tick to
	// its commit, over the committed commands.
	LatencySum int `json:"latency_sum"`
	LatencyMax int `json:"latency_max"`
}

// CompareServer is one server in a frame.
type CompareServer struct {
	Name   string `json:"name"`
	Up     bool   `json:"up"`
	Role   string `json:"role"`
	Term   string `json:"term"` // Raft: t3; Multi-Paxos: the ballot promised
	Leader bool   `json:"leader"`
	Group  int    `json:"group"`
	// Log: entries as TERM:VALUE (Raft) or the command (Multi-Paxos), by
	// index from 1, at most compareMaxFrame; Commit: how many are
	// committed here (Raft) or decided (Multi-Paxos).
	Log    []string `json:"log"`
	Commit int      `json:"commit"`
}

// CompareFrame is one protocol's state at the end of a tick.
type CompareFrame struct {
	Tick    int             `json:"tick"`
	Step    int             `json:"step"`
	Servers []CompareServer `json:"servers"`
	Metrics CompareMetrics  `json:"metrics"`
	// Notes: what the schedule did in this tick ("crash s1 (leader)").
	Notes []string `json:"notes,omitempty"`
}

// CompareSide is one protocol's run.
type CompareSide struct {
	Protocol string         `json:"protocol"`
	Cluster  string         `json:"cluster"`
	Steps    int            `json:"steps"`
	Metrics  CompareMetrics `json:"metrics"`
	// Frames: one per tick where anything happened (and tick 0); the
	// state at tick T is the last frame with Tick <= T.
	Frames     []CompareFrame `json:"frames,omitempty"`
	Violations int            `json:"violations"`
}

// Comparison is the result of a schedule.
type Comparison struct {
	Servers int         `json:"servers"`
	Seed    uint64      `json:"seed"`
	Until   int         `json:"until"`
	MP      CompareSide `json:"multipaxos"`
	Raft    CompareSide `json:"raft"`
}

// cmpSide is what the driver needs of a protocol.
type cmpSide interface {
	do(line string) error
	now() int
	step() int
	// idle: nothing in flight; deadline: the next timer (-1 none).
	idle() bool
	deadline() int
	leader() int // the live leader of the highest term or ballot, -1
	up(i int) bool
	submit(c *cmpCmd, leader int) string // the script line sending c
	committed(c *cmpCmd) bool
	frame() []CompareServer
	metrics() *CompareMetrics
	violations() int
}

type cmpCmd struct {
	at         int
	key, value string
	// Raft: the entry proposed (index and term) and the leader it went
	// to; Multi-Paxos: the client's request number.
	idx, term int32
	to        int
	seq       int32
}

// RunCompare runs sc on both protocols. frames asks for the per-tick
// frames the web page scrubs through.
func RunCompare(sc *CompareSchedule, frames bool) (*Comparison, error) {
	out := &Comparison{Servers: sc.Servers, Seed: sc.Seed, Until: sc.Until}
	mh, err := NewMPHistory(fmt.Sprintf("cluster multipaxos servers=%d clients=1 seed=%d", sc.Servers, sc.Seed))
	if err != nil {
		return nil, err
	}
	rh, err := NewRaftHistory(fmt.Sprintf("cluster raft servers=%d seed=%d", sc.Servers, sc.Seed))
	if err != nil {
		return nil, err
	}
	ms := newMPCmp(mh)
	out.MP, err = driveCompare(sc, ms, "multipaxos", mh.ClusterLine(), frames)
	if err != nil {
		return nil, fmt.Errorf("multipaxos: %w", err)
	}
	rs := newRaftCmp(rh)
	out.Raft, err = driveCompare(sc, rs, "raft", rh.ClusterLine(), frames)
	if err != nil {
		return nil, fmt.Errorf("raft: %w", err)
	}
	return out, nil
}

func driveCompare(sc *CompareSchedule, p cmpSide, proto, cluster string, frames bool) (CompareSide, error) {
	side := CompareSide{Protocol: proto, Cluster: cluster}
	var queue []*cmpCmd
	var out *cmpCmd
	next := 0
	var notes []string
	lastStep := -1
	snap := func(tick int) {
		if !frames || (p.step() == lastStep && len(notes) == 0 && tick > 0) {
			return
		}
		lastStep = p.step()
		side.Frames = append(side.Frames, CompareFrame{Tick: tick, Step: p.step(), Servers: p.frame(), Metrics: *p.metrics(), Notes: notes})
		notes = nil
	}
	snap(0)
	do := func(line string) error {
		err := p.do(line)
		if errors.Is(err, ErrNothing) {
			return nil
		}
		return err
	}
	for {
		t := p.now()
		// The schedule's actions due now, in order.
		for next < len(sc.Items) && sc.Items[next].At <= t {
			it := &sc.Items[next]
			next++
			switch it.Kind {
			case "put":
				queue = append(queue, &cmpCmd{at: it.At, key: it.Key, value: it.Value, to: -1})
				p.metrics().Commands++
				notes = append(notes, "put "+it.Key+" "+it.Value)
			case "crash":
				n := compareNode(it.Node, p)
				if n < 0 || !p.up(n) {
					notes = append(notes, "crash "+it.Node+": —")
					continue
				}
				if err := do("crash s" + strconv.Itoa(n+1)); err != nil {
					return side, fmt.Errorf("line %d: %w", it.Line, err)
				}
				notes = append(notes, "crash s"+strconv.Itoa(n+1))
			case "restart":
				for i := range sc.Servers {
					if p.up(i) || it.Node != "crashed" && it.Node != "s"+strconv.Itoa(i+1) {
						continue
					}
					if err := do("restart s" + strconv.Itoa(i+1)); err != nil {
						return side, fmt.Errorf("line %d: %w", it.Line, err)
					}
					notes = append(notes, "restart s"+strconv.Itoa(i+1))
				}
			case "partition":
				g := slices.Clone(it.Groups)
				l := p.leader()
				for i := range g {
					if g[i] == "leader" {
						if l < 0 {
							g = nil
							break
						}
						g[i] = "s" + strconv.Itoa(l+1)
					}
				}
				if g == nil {
					notes = append(notes, "partition: no leader —")
					continue
				}
				line := "partition " + strings.Join(g, " ")
				if err := do(line); err != nil {
					return side, fmt.Errorf("line %d: %w", it.Line, err)
				}
				notes = append(notes, line)
			case "heal":
				if err := do("heal"); err != nil {
					return side, fmt.Errorf("line %d: %w", it.Line, err)
				}
				notes = append(notes, "heal")
			}
		}
		// The client: the outstanding command, then the queue.
		if out != nil && p.committed(out) {
			m := p.metrics()
			m.Committed++
			lat := t - out.at
			m.LatencySum += lat
			m.LatencyMax = max(m.LatencyMax, lat)
			out = nil
		}
		if l := p.leader(); l >= 0 && (out == nil && len(queue) > 0 || out != nil && out.to >= 0 && out.to != l) {
			c := out
			if c == nil {
				c, queue = queue[0], queue[1:]
			}
			if line := p.submit(c, l); line != "" {
				if err := do(line); err != nil {
					return side, err
				}
			}
			out = c
		}
		if t >= sc.Until {
			break
		}
		if p.step() > CompareMaxEvents {
			return side, fmt.Errorf("more than %d events before tick %d: shorten the run", CompareMaxEvents, sc.Until)
		}
		// One scheduler event, never past the next tick where the
		// schedule acts or ends.
		stop := sc.Until
		if next < len(sc.Items) {
			stop = min(stop, sc.Items[next].At)
		}
		line := "run max=1"
		if d := p.deadline(); p.idle() && (d < 0 || d > stop) {
			line = "tick " + strconv.Itoa(stop-t)
		}
		before := p.leader() < 0
		if err := do(line); err != nil {
			return side, err
		}
		if p.now() > t {
			// Time moved on: tick t is over (its frame is the state
			// before the move), and it was leaderless or not throughout.
			if before {
				p.metrics().LeaderlessTicks += p.now() - t
			}
			snap(t)
		}
	}
	snap(p.now())
	side.Steps = p.step()
	side.Metrics = *p.metrics()
	side.Violations = p.violations()
	return side, nil
}

func compareNode(name string, p cmpSide) int {
	if name == "leader" {
		return p.leader()
	}
	n, _ := strconv.Atoi(strings.TrimPrefix(name, "s"))
	return n - 1
}

// ---- Multi-Paxos ----

type mpCmp struct {
	h      *MPHistory
	m      CompareMetrics
	seenID int
	votes  [][]mp.Vote // each server's votes after the last event
	lead   []mp.Ballot // the ballot each server led with after the last event
	ballot map[mp.Ballot]bool
	won    map[mp.Ballot]bool
	// steadyCost: each steady command's messages, as last read.
	steadyCost map[string]int
}

func newMPCmp(h *MPHistory) *mpCmp {
	return &mpCmp{h: h, ballot: map[mp.Ballot]bool{}, won: map[mp.Ballot]bool{}, steadyCost: map[string]int{}}
}

func (c *mpCmp) now() int        { return c.h.cur.s.W.now }
func (c *mpCmp) step() int       { return c.h.cur.s.W.step }
func (c *mpCmp) idle() bool      { return len(c.h.cur.s.W.inflight) == 0 }
func (c *mpCmp) up(i int) bool   { return c.h.cur.s.p.st.Servers[i].Up }
func (c *mpCmp) violations() int { return c.h.Violations() }
func (c *mpCmp) deadline() int {
	i, d := c.h.cur.s.W.nextDeadline()
	if i < 0 {
		return -1
	}
	return d
}

func (c *mpCmp) metrics() *CompareMetrics {
	m := &c.m
	cc := &c.h.cur.c
	m.Steady, m.Change = cc.Steady, cc.Change
	// A command's late accepted and commit messages are charged after its
	// reply: the fewest is taken over the latest counts.
	for _, r := range cc.Recent {
		if !r.Change {
			c.steadyCost[r.ID] = r.Messages
		}
	}
	m.SteadyMin = 0
	for _, n := range c.steadyCost {
		if m.SteadyMin == 0 || n < m.SteadyMin {
			m.SteadyMin = n
		}
	}
	return m
}

func (c *mpCmp) leader() int {
	st := &c.h.cur.s.p.st
	best, top := -1, mp.Ballot{}
	for i := range st.Servers {
		sv := &st.Servers[i]
		if sv.Up && top.Less(sv.D.Promised) {
			top = sv.D.Promised
		}
	}
	for i := range st.Servers {
		if sv := &st.Servers[i]; sv.IsLeader() && sv.V.Ballot == top {
			best = i
		}
	}
	return best
}

func (c *mpCmp) submit(x *cmpCmd, l int) string {
	cl := &c.h.cur.s.p.st.Clients[0]
	if x.to >= 0 {
		return "" // the client retries by itself
	}
	x.to, x.seq = l, cl.Seq+1
	return fmt.Sprintf("put c1 %s %s to=s%d", x.key, x.value, l+1)
}

func (c *mpCmp) committed(x *cmpCmd) bool {
	cl := &c.h.cur.s.p.st.Clients[0]
	return x.seq > 0 && cl.Pending.IsZero() && cl.Last.Seq >= x.seq
}

func (c *mpCmp) do(line string) error {
	s := c.h.cur.s
	if _, err := c.h.Do(line); err != nil {
		return err
	}
	s = c.h.cur.s
	cfg, st, w := s.p.cfg, &s.p.st, s.W
	// Messages sent by this action (ids above the last seen).
	for i := range w.inflight {
		m := &w.inflight[i]
		if m.ID <= c.seenID {
			continue
		}
		if cfg.IsServer(m.From) && cfg.IsServer(m.To) && m.From != m.To {
			c.m.Messages++
			if m.Type == mp.MsgPrepare && !c.ballot[m.Ballot] {
				c.ballot[m.Ballot] = true
				c.m.Elections++
			}
			if m.Type == mp.MsgPromise {
				c.m.MovedInVotes += len(m.Votes)
			}
		}
	}
	c.seenID = max(c.seenID, w.nextID-1)
	if len(c.votes) != cfg.Servers {
		c.votes, c.lead = make([][]mp.Vote, cfg.Servers), make([]mp.Ballot, cfg.Servers)
	}
	for i := range st.Servers {
		sv := &st.Servers[i]
		for n, v := range c.votes[i] {
			if n < sv.D.Votes.Len() && !v.Cmd.IsZero() && !sv.D.Votes.At(n).Cmd.IsZero() && sv.D.Votes.At(n).Cmd.String() != v.Cmd.String() {
				c.m.Overwritten++
			}
		}
		c.votes[i] = c.votes[i][:0]
		for n := 0; n < sv.D.Votes.Len(); n++ {
			c.votes[i] = append(c.votes[i], *sv.D.Votes.At(n))
		}
		if sv.IsLeader() && sv.V.Ballot != c.lead[i] && !c.won[sv.V.Ballot] {
			c.won[sv.V.Ballot] = true
			c.m.Won++
			if !c.ballot[sv.V.Ballot] {
				// servers=1: no prepare message
				c.ballot[sv.V.Ballot] = true
				c.m.Elections++
			}
			for _, a := range sv.V.Adopt {
				if !a.B.IsZero() && a.Cmd != mp.Noop {
					c.m.Restamped++
				}
			}
		}
		c.lead[i] = mp.Ballot{}
		if sv.IsLeader() {
			c.lead[i] = sv.V.Ballot
		}
	}
	c.m.Failed = c.failed()
	c.metrics()
	return nil
}

// failed counts ballots that started phase 1, never won, and are below the
// highest ballot started.
func (c *mpCmp) failed() int {
	top := mp.Ballot{}
	for b := range c.ballot {
		if top.Less(b) {
			top = b
		}
	}
	n := 0
	for b := range c.ballot {
		if !c.won[b] && b != top {
			n++
		}
	}
	return n
}

func (c *mpCmp) frame() []CompareServer {
	s := c.h.cur.s
	cfg, st, w := s.p.cfg, &s.p.st, s.W
	out := make([]CompareServer, 0, cfg.Servers)
	for i := range st.Servers {
		sv := &st.Servers[i]
		x := CompareServer{Name: cfg.Name(mp.NodeID(i)), Up: sv.Up, Role: sv.V.Role.String(), Leader: sv.IsLeader(),
			Term: sv.D.Promised.String(), Group: int(w.group[i]), Log: []string{}, Commit: int(sv.V.Upto)}
		if !sv.Up {
			x.Role = "crashed"
		}
		for n := 0; n < sv.D.Votes.Len(); n++ {
			v := sv.D.Votes.At(n)
			if n >= compareMaxFrame {
				break
			}
			cmd := v.Cmd
			if d := sv.Decided(int32(n + 1)); !d.IsZero() {
				cmd = d
			}
			x.Log = append(x.Log, mpShortCmd(cmd))
		}
		out = append(out, x)
	}
	return out
}

// mpShortCmd prints a command compactly: put x 1 as x:1, noop as ∅.
func mpShortCmd(c mp.Cmd) string {
	if c.IsZero() {
		return ""
	}
	s := c.String()
	if s == "noop" {
		return "∅"
	}
	if p := strings.Split(s, ":"); len(p) == 4 && p[1] == "put" {
		return p[2] + ":" + p[3]
	}
	return s
}

// ---- Raft ----

type raftCmp struct {
	h        *RaftHistory
	m        CompareMetrics
	seenID   int
	logs     [][]rf.Entry
	leadTerm []int32 // term each server led in after the last event (0 none)
	started  map[int32]bool
	won      map[int32]bool
	// Cost accounting of the same kind as Multi-Paxos's view
	// (docs/script.md): the message delays behind each message in flight
	// and the delays behind the event that made each leader; a command is
	// charged the appends that carry its entry (an append carrying several
	// entries is charged to its first) and their replies, late ones too,
	// plus the election it waited for (requestvotes, votes, and the
	// appends of the new leader's no-op and their replies); the appends
	// of the heartbeat timer (empty, leaderCommit only, or resending an
	// entry still in flight: they go anyway) and their replies count
	// nothing.
	depth map[int]int
	// carry: the entry each append in flight is charged to.
	carry map[int]rfKey
	// ent: the messages of each client entry not yet committed, or once
	// committed the command (cmds index) they are charged to.
	ent map[rfKey]rfEntCost
	// cmds: each committed command's messages and whether it paid for an
	// election.
	cmds []rfCmdCost
	// since, sinceElect: election messages not yet charged, and whether a
	// requestvote is among them; lastChange: the last command that paid
	// for an election (-1 none), charged the election's late tail.
	since        int
	sinceElect   bool
	lastChange   int
	leadDepth    []int
	committedCnt int32
}

// rfKey is a log entry: its index and term; noop marks a no-op.
type rfKey struct {
	idx, term int32
	noop      bool
}

type rfEntCost struct{ msgs, owner int }

type rfCmdCost struct {
	msgs   int
	change bool
}

// rfEntKept is how many indexes below the last committed one keep their
// owner, so that late messages are charged to it.
const rfEntKept = 64

func newRaftCmp(h *RaftHistory) *raftCmp {
	return &raftCmp{h: h, started: map[int32]bool{}, won: map[int32]bool{}, depth: map[int]int{}, carry: map[int]rfKey{}, ent: map[rfKey]rfEntCost{}, lastChange: -1}
}

func (c *raftCmp) now() int                 { return c.h.h.cur.s.W.now }
func (c *raftCmp) step() int                { return c.h.h.cur.s.W.step }
func (c *raftCmp) idle() bool               { return len(c.h.h.cur.s.W.inflight) == 0 }
func (c *raftCmp) up(i int) bool            { return c.h.h.cur.s.p.st.Servers[i].Up }
func (c *raftCmp) violations() int          { return c.h.Violations() }
func (c *raftCmp) metrics() *CompareMetrics { return &c.m }
func (c *raftCmp) deadline() int {
	i, d := c.h.h.cur.s.W.nextDeadline()
	if i < 0 {
		return -1
	}
	return d
}

func (c *raftCmp) leader() int {
	st := &c.h.h.cur.s.p.st
	best, top := -1, int32(-1)
	for i := range st.Servers {
		if sv := &st.Servers[i]; sv.Up && sv.D.Term > top {
			top = sv.D.Term
		}
	}
	for i := range st.Servers {
		if sv := &st.Servers[i]; sv.IsLeader() && sv.D.Term == top {
			best = i
		}
	}
	return best
}

func (c *raftCmp) submit(x *cmpCmd, l int) string {
	sv := &c.h.h.cur.s.p.st.Servers[l]
	if x.to >= 0 {
		// The leader changed: the entry survives if the new leader holds
		// it (it will commit beneath the new leader's no-op); else the
		// client proposes it again.
		if int(x.idx) <= len(sv.D.Log) && sv.D.Log[x.idx-1].Term == x.term {
			x.to = l
			return ""
		}
	}
	x.to, x.idx, x.term = l, int32(len(sv.D.Log)+1), sv.D.Term
	return fmt.Sprintf("propose s%d %s:%s", l+1, x.key, x.value)
}

func (c *raftCmp) committed(x *cmpCmd) bool {
	if x.to < 0 {
		return false
	}
	e, ok := c.h.h.cur.s.p.k.Committed(x.idx)
	return ok && e.Entry.Term == x.term
}

func (c *raftCmp) do(line string) error {
	before := c.h.h.cur.s.W.step
	evs, err := c.h.Do(line)
	if err != nil {
		return err
	}
	_ = before
	s := c.h.h.cur.s
	cfg, st, w, k := s.p.cfg, &s.p.st, s.W, s.p.k
	if len(c.logs) != cfg.Servers {
		c.logs, c.leadTerm, c.leadDepth = make([][]rf.Entry, cfg.Servers), make([]int32, cfg.Servers), make([]int, cfg.Servers)
	}
	// d: the delays behind the last event (a delivery one deeper than
	// its message's chain; a timer or a client's proposal starts at 0);
	// carried: the entry the delivered append was charged to.
	// onTimer: the messages were sent on a timer (the heartbeat's appends
	// go whether or not they resend an entry still in flight: they count
	// nothing), not on a delivery or a client's proposal.
	d, carried, hasCarried := 0, rfKey{}, false
	onTimer := !strings.HasPrefix(line, "propose ")
	if len(evs) == 1 && evs[0].Msg != nil {
		onTimer = false
		id := evs[0].Msg.ID
		d = c.depth[id]
		carried, hasCarried = c.carry[id]
		if evs[0].Kind != ActDup.String() {
			delete(c.depth, id)
			delete(c.carry, id)
		}
	}
	for _, ev := range evs {
		for _, r := range ev.Removed {
			delete(c.depth, r.ID)
			delete(c.carry, r.ID)
		}
	}
	for i := range w.inflight {
		m := &w.inflight[i]
		if m.ID <= c.seenID {
			continue
		}
		c.depth[m.ID] = d + 1
		c.m.Messages++
		switch m.Type {
		case rf.MsgRequestVote:
			c.since++
			c.sinceElect = true
		case rf.MsgVote:
			c.election()
		case rf.MsgAppend:
			if len(m.Entries) > 0 && !onTimer {
				k := rfKey{idx: m.PrevIndex + 1, term: m.Entries[0].Term, noop: m.Entries[0].IsNoop()}
				c.carry[m.ID] = k
				c.charge(k)
			}
			if sv := &st.Servers[m.From]; sv.V.Role == rf.RoleLeader {
				for _, e := range m.Entries {
					if e.Term < sv.D.Term {
						c.m.Repaired++
					}
				}
			}
		case rf.MsgAppendReply:
			if hasCarried {
				c.charge(carried)
			}
		}
	}
	c.seenID = max(c.seenID, w.nextID-1)
	for i := range st.Servers {
		sv := &st.Servers[i]
		old := c.logs[i]
		for n := range old {
			if n < len(sv.D.Log) && sv.D.Log[n] != old[n] || n >= len(sv.D.Log) && sv.Up {
				c.m.Overwritten++
			}
		}
		c.logs[i] = append(c.logs[i][:0], sv.D.Log...)
		if sv.Up && sv.V.Role == rf.RoleCandidate && !c.started[sv.D.Term] {
			c.started[sv.D.Term] = true
			c.m.Elections++
		}
		if sv.IsLeader() && c.leadTerm[i] != sv.D.Term {
			if !c.started[sv.D.Term] { // servers=1 leads at once
				c.started[sv.D.Term] = true
				c.m.Elections++
			}
			if !c.won[sv.D.Term] {
				c.won[sv.D.Term] = true
				c.m.Won++
			}
			c.leadDepth[i] = d
		}
		c.leadTerm[i] = 0
		if sv.IsLeader() {
			c.leadTerm[i] = sv.D.Term
		}
	}
	// Client commands newly committed: their cost.
	for n := k.CommittedCount(); c.committedCnt < n; {
		c.committedCnt++
		e, _ := k.Committed(c.committedCnt)
		if e.Entry.Value == rf.NoopValue {
			continue
		}
		cc := MPCost{Commands: 1, Messages: c.since + c.claim(c.committedCnt, e.Entry.Term), Delays: d}
		dst := &c.m.Steady
		if c.sinceElect {
			dst = &c.m.Change
			c.lastChange = len(c.cmds)
			if e.LeaderTerm > 0 {
				if l := c.leader(); l >= 0 {
					cc.Delays += c.leadDepth[l]
				}
			}
		}
		c.cmds = append(c.cmds, rfCmdCost{msgs: cc.Messages, change: c.sinceElect})
		dst.Commands++
		dst.Messages += cc.Messages
		dst.Delays += cc.Delays
		c.since, c.sinceElect = 0, false
	}
	// The fewest messages of a steady command, late ones included.
	c.m.SteadyMin = 0
	for _, x := range c.cmds {
		if !x.change && (c.m.SteadyMin == 0 || x.msgs < c.m.SteadyMin) {
			c.m.SteadyMin = x.msgs
		}
	}
	top := int32(0)
	for t := range c.started {
		top = max(top, t)
	}
	c.m.Failed = 0
	for t := range c.started {
		if !c.won[t] && t != top {
			c.m.Failed++
		}
	}
	return nil
}

// election charges a vote or a no-op's append or reply: to the command
// that paid for the election if it has committed and no requestvote came
// since (the election's late tail), else to the next command committed.
func (c *raftCmp) election() {
	if !c.sinceElect && c.lastChange >= 0 {
		c.late(c.lastChange)
		return
	}
	c.since++
}

// charge charges an append carrying entry k first, or its reply.
func (c *raftCmp) charge(k rfKey) {
	if k.noop {
		c.election()
		return
	}
	x, ok := c.ent[k]
	if !ok {
		x.owner = -1
	}
	if x.owner >= 0 {
		c.late(x.owner)
		return
	}
	x.msgs++
	c.ent[k] = x
}

// late adds one message to the cost of committed command o.
func (c *raftCmp) late(o int) {
	c.cmds[o].msgs++
	if c.cmds[o].change {
		c.m.Change.Messages++
	} else {
		c.m.Steady.Messages++
	}
}

// claim charges to the command committed at (idx, term) the messages of
// its entry and of every unclaimed entry at or below idx (an entry of an
// older term that never committed, the client proposing it again), and
// returns how many.
func (c *raftCmp) claim(idx, term int32) int {
	n := 0
	o := len(c.cmds)
	for k, x := range c.ent {
		switch {
		case x.owner < 0 && k.idx <= idx:
			n += x.msgs
			c.ent[k] = rfEntCost{msgs: x.msgs, owner: o}
		case x.owner >= 0 && k.idx < idx-rfEntKept:
			delete(c.ent, k)
		}
	}
	if _, ok := c.ent[rfKey{idx: idx, term: term}]; !ok {
		c.ent[rfKey{idx: idx, term: term}] = rfEntCost{owner: o}
	}
	return n
}

func (c *raftCmp) frame() []CompareServer {
	s := c.h.h.cur.s
	cfg, st, w := s.p.cfg, &s.p.st, s.W
	out := make([]CompareServer, 0, cfg.Servers)
	for i := range st.Servers {
		sv := &st.Servers[i]
		x := CompareServer{Name: cfg.Name(rf.NodeID(i)), Up: sv.Up, Role: sv.V.Role.String(), Leader: sv.IsLeader(),
			Term: "t" + strconv.Itoa(int(sv.D.Term)), Group: int(w.group[i]), Log: []string{}, Commit: int(sv.V.CommitIndex)}
		if !sv.Up {
			x.Role, x.Commit = "crashed", 0
		}
		for n, e := range sv.D.Log {
			if n >= compareMaxFrame {
				break
			}
			v := e.Value
			if v == rf.NoopValue {
				v = "∅"
			}
			x.Log = append(x.Log, strconv.Itoa(int(e.Term))+":"+v)
		}
		out = append(out, x)
	}
	return out
}
