package sim

import (
	"strings"

	rf "github.com/paxviz/paxviz/engine/raft"
)

// The Raft view for the browser: per server its role, term, vote, timer,
// log with the commit and apply points, and a leader's nextIndex and
// matchIndex per follower; the god's-eye committed entries; the
// invariants; and the counters.

// RaftEntryView is one log entry.
type RaftEntryView struct {
	Term  int32  `json:"t"`
	Value string `json:"v"`
}

// RaftPeerView is a leader's bookkeeping for one follower.
type RaftPeerView struct {
	Name  string `json:"name"`
	Next  int32  `json:"next"`
	Match int32  `json:"match"`
}

// RaftTimerView is a server's running timer: which, how many ticks are
// left, and the scale a ring drains on (the election timeout's maximum,
// or the heartbeat interval).
type RaftTimerView struct {
	Kind string `json:"kind"`
	Left int    `json:"left"`
	Full int    `json:"full"`
}

// RaftServerView is one server.
type RaftServerView struct {
	Name     string          `json:"name"`
	Role     string          `json:"role"`
	Up       bool            `json:"up"`
	Term     int32           `json:"term"`
	VotedFor string          `json:"voted_for"` // "" none
	Leader   string          `json:"leader"`    // the leader it knows, "" none
	Votes    []string        `json:"votes"`     // a candidate's granted votes, itself included
	Log      []RaftEntryView `json:"log"`
	LogLen   int             `json:"log_len"` // the whole log's length (Log may be cut)
	Commit   int32           `json:"commit"`
	Applied  int32           `json:"applied"`
	Timer    *RaftTimerView  `json:"timer,omitempty"`
	Peers    []RaftPeerView  `json:"peers,omitempty"` // a leader's nextIndex/matchIndex
}

// RaftCommittedView is one god's-eye committed index.
type RaftCommittedView struct {
	Index      int32  `json:"i"`
	Term       int32  `json:"t"`
	Value      string `json:"v"`
	LeaderTerm int32  `json:"lt"`
}

// RaftView is everything the Raft panels draw.
type RaftView struct {
	Cluster     string              `json:"cluster"`
	Bugs        []string            `json:"bugs"`
	Quorum      int                 `json:"quorum"`
	ElectionMin int                 `json:"election_min"`
	ElectionMax int                 `json:"election_max"`
	Heartbeat   int                 `json:"heartbeat"`
	Noop        bool                `json:"noop"`
	MaxTerm     int32               `json:"max_term"`
	Slots       int                 `json:"slots"` // the longest log shown
	Servers     []RaftServerView    `json:"servers"`
	Committed   []RaftCommittedView `json:"committed"`
	Invariants  []MPInvariant       `json:"invariants"`
	Counters    RaftCounters        `json:"counters"`
}

// raftMaxEntriesShown bounds each log drawn.
const raftMaxEntriesShown = 64

// View renders the current state for the browser: the generic state the
// cluster diagram and the controls read, and the Raft panels.
func (h *RaftHistory) View() (StateJSON, RaftView) {
	s := h.h.cur.s
	cfg, st, k, w := s.p.cfg, &s.p.st, s.p.k, s.W
	q := cfg.Servers/2 + 1
	g := StateJSON{Cluster: h.cl.String(), Step: w.step, Time: w.now, Quorum: q,
		Bugs: []string{}, Chosen: []string{}, ChosenDetail: []ChosenJSON{}, Violations: []string{},
		ViolationDetail: []ViolationJSON{}, Nodes: []NodeState{}, InFlight: []MessageJSON{}, Proposed: []string{},
		Partitioned: w.partitioned()}
	if h.cl.Opts.Bugs != 0 {
		g.Bugs = strings.Split(h.cl.Opts.Bugs.String(), ",")
	}
	o := h.cl.Opts
	v := RaftView{Cluster: g.Cluster, Bugs: g.Bugs, Quorum: q, ElectionMin: o.ElectionMin, ElectionMax: o.ElectionMax,
		Heartbeat: o.Heartbeat, Noop: o.Noop != 0, Servers: []RaftServerView{}, Committed: []RaftCommittedView{},
		Invariants: []MPInvariant{}, Counters: h.h.cur.c.clone()}
	v.Counters.role, v.Counters.term = nil, nil
	for _, c := range s.committedList() {
		i, t, val := c[0].(int32), c[1].(int32), c[2].(string)
		rec, _ := k.Committed(i)
		v.Committed = append(v.Committed, RaftCommittedView{Index: i, Term: t, Value: val, LeaderTerm: rec.LeaderTerm})
		g.Chosen = append(g.Chosen, c[2].(string))
	}
	for i := range cfg.Nodes() {
		sv := &st.Servers[i]
		name := cfg.Name(rf.NodeID(i))
		ns := NodeState{Name: name, Role: "server", Up: sv.Up, Group: int(w.group[i]), Timer: -1}
		x := RaftServerView{Name: name, Role: sv.V.Role.String(), Up: sv.Up, Term: sv.D.Term, Log: []RaftEntryView{},
			LogLen: len(sv.D.Log), Commit: sv.V.CommitIndex, Applied: sv.V.LastApplied, Votes: []string{}}
		if !sv.Up {
			x.Role = rf.RoleFollower.String()
		}
		if sv.D.VotedFor != rf.None {
			x.VotedFor = cfg.Name(sv.D.VotedFor)
		}
		if sv.Up && sv.V.Leader != rf.None {
			x.Leader = cfg.Name(sv.V.Leader)
		}
		if sv.Up && sv.V.Role == rf.RoleCandidate {
			for j := range cfg.Servers {
				if sv.V.Votes&(1<<uint(j)) != 0 {
					x.Votes = append(x.Votes, cfg.Name(rf.NodeID(j)))
				}
			}
		}
		for _, e := range sv.D.Log[:min(len(sv.D.Log), raftMaxEntriesShown)] {
			x.Log = append(x.Log, RaftEntryView{Term: e.Term, Value: e.Value})
		}
		v.Slots = max(v.Slots, len(x.Log))
		v.MaxTerm = max(v.MaxTerm, sv.D.Term)
		for kind := range int(rf.NumTimerKinds) {
			d := w.Timer(i, kind)
			if d < 0 {
				continue
			}
			if ns.Timer < 0 || d < ns.Timer {
				ns.Timer = d
			}
			full := o.ElectionMax
			if rf.TimerKind(kind) == rf.TimerHeartbeat {
				full = o.Heartbeat
			}
			if x.Timer == nil || d-w.now < x.Timer.Left {
				x.Timer = &RaftTimerView{Kind: rf.TimerKind(kind).String(), Left: d - w.now, Full: full}
			}
		}
		if sv.IsLeader() {
			for j := range cfg.Servers {
				if j != i && j < len(sv.V.NextIndex) {
					x.Peers = append(x.Peers, RaftPeerView{Name: cfg.Name(rf.NodeID(j)), Next: sv.V.NextIndex[j], Match: sv.V.MatchIndex[j]})
				}
			}
		}
		v.Servers = append(v.Servers, x)
		g.Nodes = append(g.Nodes, ns)
	}
	for i := range w.inflight {
		g.InFlight = append(g.InFlight, s.messageJSON(&w.inflight[i]))
	}
	vs := k.Violations()
	v.Invariants = invariantPanel(&g, v.Invariants, rf.Invariants, len(vs),
		func(i int) (string, int) { return vs[i].Invariant, vs[i].Step },
		func(i int) string { return vs[i].Describe(cfg) })
	return g, v
}
