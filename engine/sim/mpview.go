package sim

import (
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// The Multi-Paxos view for the browser: per server its role, ballot,
// promise and log (each slot's god's-eye chosen command, and whether this
// server has it accepted, decided or executed), the clients with their
// operations on a timeline, the invariants, and the cost counters.

// MPCost totals the committed commands of one kind.
type MPCost struct {
	Commands int `json:"commands"`
	Messages int `json:"messages"`
	Delays   int `json:"delays"`
}

// MPCommandCost is one committed command's cost.
type MPCommandCost struct {
	ID       string `json:"id"`
	Step     int    `json:"step"`
	Delays   int    `json:"delays"`
	Messages int    `json:"messages"`
	Change   bool   `json:"change"`
}

// MPOp is one client operation: invoked at a step, returned at a later one
// (0: not yet).
type MPOp struct {
	Client string `json:"client"`
	ID     string `json:"id"`
	Op     string `json:"op"`
	Invoke int    `json:"invoke"`
	Return int    `json:"return"`
	Result string `json:"result"`
}

// mpMaxOps and mpMaxRecent bound what a view lists.
const (
	mpMaxOps    = 64
	mpMaxRecent = 12
)

// mpCounters follow the cost of commands along the path: the message
// delays behind each message in flight (a client's request arriving at a
// server starts a chain at 0; a timer starts one at 0; every message sent
// while handling a message one delay deeper), and the server-to-server
// messages a command cost (multipaxos.md §7 M1, lesson 14): the accept,
// accepted and commit messages of its slot, sent before or after its reply
// (the accepted messages beyond a majority arrive late), plus the other
// server-to-server messages since the last command was committed (an
// election: prepare, promise, nack). Heartbeats, their acks and the commits
// a heartbeat_ok makes the leader resend (catch-up of a lagging server) are
// not the cost of a command and are not counted.
type mpCounters struct {
	depth        map[int]int
	since        int
	sincePrepare bool
	// slots: the phase 2 messages of each slot not yet claimed by a
	// command, or, once claimed, which command they are charged to.
	slots map[int32]mpSlotCost
	// lastChange: the last command committed with a leader change.
	lastChange     string
	Steady, Change MPCost
	Recent         []MPCommandCost
	Ops            []MPOp
	pending        []string // per client, the pending request id ("" none)
	// leader[i] and leadDepth[i]: server i leads, and the delays behind
	// the event that made it leader.
	leader    []bool
	leadDepth []int
	// counted[c-1] is the highest request number of client c counted.
	counted []int32
	// time records the intervals, stores and reads of the time view
	// (lockview.go).
	time mpTimeRec
}

// mpSlotCost is the phase 2 messages of one slot and the command they are
// charged to (owner "" before the slot's first reply).
type mpSlotCost struct {
	msgs   int
	owner  string
	change bool
}

// mpSlotsKept is how many slots below the last claimed one keep their
// owner, so that late messages are charged to it.
const mpSlotsKept = 64

// mpClaimScan is how far back from the end of its log a replying server's
// slots are searched for the command replied to.
const mpClaimScan = 512

// first reports whether id is the first reply to its request, and marks it.
func (c *mpCounters) first(id mp.ReqID) bool {
	i := int(id.Client) - 1
	if i < 0 {
		return false
	}
	if i >= len(c.counted) {
		c.counted = append(c.counted, make([]int32, i+1-len(c.counted))...)
	}
	if id.Seq <= c.counted[i] {
		return false
	}
	c.counted[i] = id.Seq
	return true
}

func newMPCounters() mpCounters {
	return mpCounters{depth: map[int]int{}, slots: map[int32]mpSlotCost{}}
}

func (c mpCounters) clone() mpCounters {
	if c.depth != nil {
		d := make(map[int]int, len(c.depth))
		for k, v := range c.depth {
			d[k] = v
		}
		c.depth = d
	}
	if c.slots != nil {
		sl := make(map[int32]mpSlotCost, len(c.slots))
		for k, v := range c.slots {
			sl[k] = v
		}
		c.slots = sl
	}
	c.Recent = append([]MPCommandCost(nil), c.Recent...)
	c.Ops = append([]MPOp(nil), c.Ops...)
	c.pending = append([]string(nil), c.pending...)
	c.leader = append([]bool(nil), c.leader...)
	c.leadDepth = append([]int(nil), c.leadDepth...)
	c.counted = append([]int32(nil), c.counted...)
	c.time = c.time.clone()
	return c
}

func (c *mpCounters) observe(s *MPSim, ev *WEvent[mp.Message, Narration]) {
	cfg := s.p.cfg
	c.time.observe(s, ev)
	if c.depth == nil {
		c.depth = map[int]int{}
	}
	if c.slots == nil {
		c.slots = map[int32]mpSlotCost{}
	}
	if len(c.leader) != cfg.Servers {
		c.leader, c.leadDepth = make([]bool, cfg.Servers), make([]int, cfg.Servers)
	}
	// d is the delays behind this event; elect says its chain began at a
	// server's timer (an election: phase 1 is in it).
	d, elect := 0, ev.Act.Kind == ActTimeout || ev.Act.Kind == ActTick
	if ev.Msg.ID > 0 {
		x := c.depth[ev.Msg.ID]
		d, elect = x>>1, x&1 == 1
		if ev.Act.Kind != ActDup {
			delete(c.depth, ev.Msg.ID)
		}
		if ev.Msg.Type == mp.MsgRequest {
			d, elect = 0, false
		}
	}
	for i := range ev.Removed {
		delete(c.depth, ev.Removed[i].ID)
	}
	bit := 0
	if elect {
		bit = 1
	}
	for i := range ev.Sent {
		m := &ev.Sent[i].Msg
		if ev.Act.Kind == ActDup {
			c.depth[m.ID] = c.depth[ev.Msg.ID]
			continue
		}
		if ev.Sent[i].Fate == FateInFlight {
			c.depth[m.ID] = (d+1)<<1 | bit
		}
		if cfg.IsServer(m.From) && cfg.IsServer(m.To) && m.From != m.To {
			c.count(m, ev.Msg.Type == mp.MsgHeartbeatOK)
		}
		// A command counts once, at its first reply (a new leader that
		// re-proposes it replies again).
		if m.Type == mp.MsgReply && !m.NotLeader && cfg.IsServer(m.From) && c.first(m.Req) {
			cc := MPCommandCost{ID: m.Req.String(), Step: ev.Step, Delays: d, Messages: c.since + c.claim(s, m, c.sincePrepare), Change: c.sincePrepare}
			if cc.Change && !elect {
				// The request reached a leader that had just won phase 1:
				// the command waited for it all the same.
				cc.Delays += c.leadDepth[m.From]
			}
			k := &c.Steady
			if cc.Change {
				k = &c.Change
			}
			k.Commands++
			k.Messages += cc.Messages
			k.Delays += cc.Delays
			c.Recent = append(c.Recent, cc)
			if len(c.Recent) > mpMaxRecent {
				c.Recent = c.Recent[1:]
			}
			if cc.Change {
				c.lastChange = cc.ID
			}
			c.since, c.sincePrepare = 0, false
		}
	}
	for i := range cfg.Servers {
		l := s.p.st.Servers[i].IsLeader()
		if l && !c.leader[i] {
			c.leadDepth[i] = d
		}
		c.leader[i] = l
	}
	// Client operations: invoked when a request becomes pending, returned
	// when the client accepts its response.
	if len(c.pending) != cfg.Clients {
		c.pending = make([]string, cfg.Clients)
	}
	for i := range cfg.Clients {
		cl := &s.p.st.Clients[i]
		name := cfg.Name(cl.ID)
		if c.pending[i] != "" && (cl.Pending.IsZero() || cl.Pending.ID.String() != c.pending[i]) {
			for k := len(c.Ops) - 1; k >= 0; k-- {
				if o := &c.Ops[k]; o.Client == name && o.ID == c.pending[i] && o.Return == 0 {
					o.Return = ev.Step
					if cl.Last.String() == o.ID {
						o.Result = cl.LastResult
					}
					break
				}
			}
			c.pending[i] = ""
		}
		if !cl.Pending.IsZero() && c.pending[i] == "" {
			id := cl.Pending.ID.String()
			c.pending[i] = id
			c.Ops = append(c.Ops, MPOp{Client: name, ID: id, Op: strings.ReplaceAll(cl.Pending.OpString(), ":", " "), Invoke: ev.Step})
			if len(c.Ops) > mpMaxOps {
				c.Ops = c.Ops[1:]
			}
		}
	}
}

// count charges one server-to-server message: to its slot's command if it
// is phase 2 (accept, accepted, a nack to an accept, a decision's commit),
// else to the next command committed; heartbeats, their acks and catch-up
// commits (sent on a heartbeat_ok) to none.
func (c *mpCounters) count(m *mp.Message, onHeartbeatOK bool) {
	switch {
	case m.Type == mp.MsgHeartbeat || m.Type == mp.MsgHeartbeatOK:
		return
	case m.Type == mp.MsgCommit && onHeartbeatOK:
		return
	case m.Slot > 0 && (m.Type == mp.MsgAccept || m.Type == mp.MsgAccepted || m.Type == mp.MsgCommit || m.Type == mp.MsgNack):
		sc := c.slots[m.Slot]
		sc.msgs++
		c.slots[m.Slot] = sc
		if sc.owner != "" {
			// A late message of a slot already paid for.
			c.charge(sc.owner, sc.change)
		}
		return
	case m.Type == mp.MsgNack && m.Rejects == mp.MsgHeartbeat:
		return
	case (m.Type == mp.MsgPromise || m.Type == mp.MsgNack) && !c.sincePrepare && c.lastChange != "":
		// The tail of the election the last command with a leader change
		// paid for (no prepare since): a promise or a refusal that came
		// after the new leader had a majority.
		c.charge(c.lastChange, true)
		return
	}
	c.since++
	if m.Type == mp.MsgPrepare {
		c.sincePrepare = true
	}
}

// charge adds one message to the cost of command owner, already counted.
func (c *mpCounters) charge(owner string, change bool) {
	k := &c.Steady
	if change {
		k = &c.Change
	}
	k.Messages++
	for i := len(c.Recent) - 1; i >= 0; i-- {
		if c.Recent[i].ID == owner {
			c.Recent[i].Messages++
			break
		}
	}
}

// claim charges to the command of reply m the phase 2 messages of its slot
// and of every unclaimed slot before it (no-ops, a re-proposal's older
// slot), and returns how many.
func (c *mpCounters) claim(s *MPSim, m *mp.Message, change bool) int {
	srv := &s.p.st.Servers[m.From]
	slot := int32(0)
	// The reply is sent as its slot executes, near the end of the log.
	for i := srv.V.Slots.Len(); i >= 1 && i > srv.V.Slots.Len()-mpClaimScan; i-- {
		if srv.V.Slots.At(i-1).Decided.ID == m.Req {
			slot = int32(i)
			break
		}
	}
	if slot == 0 {
		return 0
	}
	n := 0
	owner := m.Req.String()
	for k, sc := range c.slots {
		switch {
		case sc.owner == "" && k <= slot:
			n += sc.msgs
			c.slots[k] = mpSlotCost{msgs: sc.msgs, owner: owner, change: change}
		case sc.owner != "" && k < slot-mpSlotsKept:
			delete(c.slots, k)
		}
	}
	return n
}

// MPSlotView is one slot of one server's log.
type MPSlotView struct {
	// Cmd is the command decided here, else the one voted for ("" none).
	Cmd string `json:"cmd,omitempty"`
	// Vote is the ballot of this server's vote in the slot ("" none).
	Vote string `json:"vote,omitempty"`
	// State: "executed", "decided", "accepted" or "" (nothing here).
	State string `json:"state"`
	// Chosen: the command here is the slot's god's-eye chosen one.
	Chosen bool `json:"chosen"`
}

// MPServerView is one server.
type MPServerView struct {
	Name     string            `json:"name"`
	Role     string            `json:"role"`
	Up       bool              `json:"up"`
	Leader   bool              `json:"leader"`
	Ballot   string            `json:"ballot,omitempty"`
	Promised string            `json:"promised"`
	Executed int               `json:"executed"`
	Upto     int               `json:"upto"`
	KV       map[string]string `json:"kv"`
	Log      []MPSlotView      `json:"log"`
}

// MPClientView is one client.
type MPClientView struct {
	Name    string `json:"name"`
	Seq     int    `json:"seq"`
	Pending string `json:"pending,omitempty"`
	Hint    string `json:"hint"`
	Last    string `json:"last,omitempty"`
	Result  string `json:"result,omitempty"`
}

// MPInvariant is one invariant's status.
type MPInvariant struct {
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	Step int    `json:"step,omitempty"`
	Text string `json:"text,omitempty"`
}

// MPView is everything the Multi-Paxos panels draw.
type MPView struct {
	Cluster    string          `json:"cluster"`
	Bugs       []string        `json:"bugs"`
	Slots      int             `json:"slots"`
	Chosen     []string        `json:"chosen"` // by slot-1: the chosen command ("" none, "!" several)
	Servers    []MPServerView  `json:"servers"`
	Clients    []MPClientView  `json:"clients"`
	Ops        []MPOp          `json:"ops"`
	Invariants []MPInvariant   `json:"invariants"`
	Steady     MPCost          `json:"steady"`
	Change     MPCost          `json:"change"`
	Recent     []MPCommandCost `json:"recent"`
	// Time is the clocks, leases, lock service and read paths
	// (lockview.go); nil when the cluster has none to show.
	Time *MPTimeView `json:"time,omitempty"`
}

// mpMaxSlotsShown bounds the log grid.
const mpMaxSlotsShown = 64

// View renders the current state for the browser: the generic state the
// cluster diagram and the controls read, and the Multi-Paxos panels.
func (h *MPHistory) View() (StateJSON, MPView) {
	s, c := h.cur.s, &h.cur.c
	cfg, st, k, w := s.p.cfg, &s.p.st, s.p.k, s.W
	g := StateJSON{Cluster: h.cl.String(), Step: w.step, Time: w.now, Quorum: cfg.Servers/2 + 1,
		Bugs: []string{}, Chosen: []string{}, ChosenDetail: []ChosenJSON{}, Violations: []string{},
		ViolationDetail: []ViolationJSON{}, Nodes: []NodeState{}, InFlight: []MessageJSON{}, Proposed: []string{},
		Partitioned: w.partitioned()}
	if h.cl.Bugs != 0 {
		g.Bugs = strings.Split(h.cl.Bugs.String(), ",")
	}
	v := MPView{Cluster: g.Cluster, Bugs: g.Bugs, Chosen: []string{}, Servers: []MPServerView{}, Clients: []MPClientView{},
		Ops: append([]MPOp{}, c.Ops...), Steady: c.Steady, Change: c.Change, Recent: append([]MPCommandCost{}, c.Recent...)}
	slots := k.MaxChosen()
	for i := range st.Servers {
		sv := &st.Servers[i]
		slots = max(slots, sv.MaxDecided(), int32(sv.D.Votes.Len()))
	}
	slots = min(slots, mpMaxSlotsShown)
	v.Slots = int(slots)
	for n := int32(1); n <= slots; n++ {
		cs := k.Chosen(n)
		switch len(cs) {
		case 0:
			v.Chosen = append(v.Chosen, "")
		case 1:
			v.Chosen = append(v.Chosen, cs[0].String())
			g.Chosen = append(g.Chosen, "s"+strconv.Itoa(int(n))+":"+cs[0].String())
		default:
			v.Chosen = append(v.Chosen, "!")
		}
	}
	for i := range cfg.Nodes() {
		id := mp.NodeID(i)
		ns := NodeState{Name: cfg.Name(id), Up: s.p.Up(i), Group: int(w.group[i]), Timer: -1}
		for kind := range int(mp.NumTimerKinds) {
			if d := w.Timer(i, kind); d >= 0 && (ns.Timer < 0 || d < ns.Timer) {
				ns.Timer = d
			}
		}
		if id == cfg.Data() {
			ns.Role = "data" // d1, the lock service's data store (mplock.go)
		} else if cfg.IsClient(id) {
			ns.Role = "client"
			cl := st.Client(cfg, id)
			cv := MPClientView{Name: ns.Name, Seq: int(cl.Seq), Hint: cfg.Name(cl.Hint)}
			if !cl.Pending.IsZero() {
				cv.Pending = cl.Pending.String()
			}
			if !cl.Last.IsZero() {
				cv.Last, cv.Result = cl.Last.String(), cl.LastResult
			}
			v.Clients = append(v.Clients, cv)
		} else {
			sv := &st.Servers[i]
			// The diagram places nodes by role: "server" keeps a server
			// where it is through a leader change; its role is in x.
			ns.Role = "server"
			x := MPServerView{Name: ns.Name, Role: sv.V.Role.String(), Up: sv.Up, Leader: sv.IsLeader(), Promised: sv.D.Promised.String(),
				Executed: int(max(sv.V.SlotOut-1, 0)), Upto: int(sv.V.Upto), KV: map[string]string{}, Log: []MPSlotView{}}
			if !sv.V.Ballot.IsZero() {
				x.Ballot = sv.V.Ballot.String()
			}
			sv.V.KV.Each(func(k, val string) { x.KV[k] = val })
			for n := int32(1); n <= slots; n++ {
				var cell MPSlotView
				vote := sv.Vote(n)
				if !vote.B.IsZero() {
					cell.Vote, cell.Cmd, cell.State = vote.B.String(), vote.Cmd.String(), "accepted"
				}
				if dc := sv.Decided(n); !dc.IsZero() {
					cell.Cmd, cell.State = dc.String(), "decided"
					if sv.Executed(n) {
						cell.State = "executed"
					}
				}
				cell.Chosen = cell.Cmd != "" && v.Chosen[n-1] == cell.Cmd
				x.Log = append(x.Log, cell)
			}
			v.Servers = append(v.Servers, x)
		}
		g.Nodes = append(g.Nodes, ns)
	}
	for i := range w.inflight {
		g.InFlight = append(g.InFlight, s.messageJSON(&w.inflight[i]))
	}
	v.Time = h.timeView()
	vs := k.Violations()
	v.Invariants = invariantPanel(&g, v.Invariants, mp.Invariants, len(vs),
		func(i int) (string, int) { return vs[i].Invariant, vs[i].Step },
		func(i int) string { return vs[i].Describe(cfg) })
	return g, v
}

// invariantPanel appends to panel each invariant of names with its status
// (the Multi-Paxos and Raft views' safety panel): broken at the step of
// the first of the n violations found (at(i): its invariant and step) that
// names it, with that violation's text (describe(i), less its "NAME broken
// at step N: " prefix), which is also added to g's violations.
func invariantPanel(g *StateJSON, panel []MPInvariant, names []string, n int, at func(i int) (string, int), describe func(i int) string) []MPInvariant {
	for _, name := range names {
		inv := MPInvariant{Name: name, OK: true}
		for i := range n {
			iname, step := at(i)
			if iname != name {
				continue
			}
			text := describe(i)
			if _, rest, ok := strings.Cut(text, ": "); ok {
				text = rest
			}
			inv.OK, inv.Step, inv.Text = false, step, text
			g.Violations = append(g.Violations, name)
			g.ViolationDetail = append(g.ViolationDetail, ViolationJSON{Invariant: name, Step: step, Args: map[string]string{"text": text}})
			break
		}
		panel = append(panel, inv)
	}
	return panel
}
