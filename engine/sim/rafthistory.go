package sim

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	rf "github.com/paxviz/paxviz/engine/raft"
)

// RaftHistory is the branching history of a Raft session, for the web
// session: the cluster line and a tree of script lines. Its API is
// MPHistory's (Do, Seek, Undo, Redo, Switch, Branches, Script, Events),
// with the same protocol-free events (MPEvent), so the web session and the
// side-by-side page drive either protocol alike; View renders the Raft
// panels.
type RaftHistory struct {
	cl RaftCluster
	h  branchHist[*raftFrame]
}

// raftFrame is a Raft world state with the view's counters, which depend
// on the path that led to it.
type raftFrame struct {
	s *RaftSim
	c RaftCounters
}

// RaftCounters are what the view counts along the path: messages sent
// between servers (heartbeat appends included), elections started and
// won, and the ticks during which no live server led.
type RaftCounters struct {
	Messages       int `json:"messages"`
	Elections      int `json:"elections"`
	Won            int `json:"won"`
	LeaderlessTick int `json:"leaderless_ticks"`
	// role and term are each server's after the last event.
	role []rf.Role
	term []int32
}

func (c RaftCounters) clone() RaftCounters {
	c.role = slices.Clone(c.role)
	c.term = slices.Clone(c.term)
	return c
}

func (f *raftFrame) clone() *raftFrame { return &raftFrame{s: f.s.Clone(), c: f.c.clone()} }
func (f *raftFrame) step() int         { return f.s.W.step }

func (f *raftFrame) parse(line string) (string, error) {
	st, err := parseStmt(&raftLang{cfg: f.s.p.cfg}, line)
	if err != nil {
		return "", err
	}
	if st.Expect != nil {
		return "", errors.New("expect lines cannot be sent to a live session")
	}
	return st.Text, nil
}

func (f *raftFrame) do(text string, evs *[]MPEvent) error {
	st, err := parseStmt(&raftLang{cfg: f.s.p.cfg}, text)
	if err != nil {
		return err
	}
	if st.Expect != nil {
		return errors.New("expect lines cannot be sent to a live session")
	}
	now := f.s.W.now
	f.s.W.Trace = func(ev *WEvent[rf.Message, Narration]) {
		f.c.observe(f.s, ev, now)
		now = f.s.W.now
		if evs != nil {
			*evs = append(*evs, f.s.eventJSON(ev))
		}
	}
	defer func() { f.s.W.Trace = nil }()
	return f.s.apply(&st)
}

// observe counts one event; before is the time when it began.
func (c *RaftCounters) observe(s *RaftSim, ev *WEvent[rf.Message, Narration], before int) {
	st := &s.p.st
	if len(c.role) != len(st.Servers) {
		c.role, c.term = make([]rf.Role, len(st.Servers)), make([]int32, len(st.Servers))
	}
	led := false
	for i := range c.role {
		led = led || c.role[i] == rf.RoleLeader
	}
	if !led && s.W.now > before {
		c.LeaderlessTick += s.W.now - before
	}
	for i := range ev.Sent {
		if ev.Sent[i].Msg.From != ev.Sent[i].Msg.To {
			c.Messages++
		}
	}
	for i := range st.Servers {
		sv := &st.Servers[i]
		role := sv.V.Role
		if !sv.Up {
			role = rf.RoleFollower
		}
		if sv.Up && sv.D.Term > c.term[i] && sv.D.VotedFor == rf.NodeID(i) && role != rf.RoleFollower {
			c.Elections++
		}
		if role == rf.RoleLeader && (c.role[i] != rf.RoleLeader || c.term[i] != sv.D.Term) {
			c.Won++
		}
		c.role[i], c.term[i] = role, sv.D.Term
	}
}

// NewRaftHistory starts a history at the initial state of the cluster line.
func NewRaftHistory(line string) (*RaftHistory, error) {
	cl, err := ParseRaftCluster(line)
	if err != nil {
		return nil, err
	}
	f := &raftFrame{s: NewRaft(cl)}
	return &RaftHistory{cl: cl, h: newBranchHist(cl.String(), f)}, nil
}

// ClusterLine returns the canonical cluster line.
func (h *RaftHistory) ClusterLine() string { return h.cl.String() }

// Step returns the current step.
func (h *RaftHistory) Step() int { return h.h.step() }

// End returns the last step of the current branch.
func (h *RaftHistory) End() int { return h.h.end() }

// Tip returns the id of the current branch (its leaf).
func (h *RaftHistory) Tip() int { return h.h.tip }

// Enabled reports whether the scheduler has anything to do.
func (h *RaftHistory) Enabled() bool {
	w := h.h.cur.s.W
	return len(w.inflight) > 0 || w.timersArmed()
}

// Now returns the simulated time.
func (h *RaftHistory) Now() int { return h.h.cur.s.W.now }

// Violations returns how many invariants are broken.
func (h *RaftHistory) Violations() int { return len(h.h.cur.s.p.k.Violations()) }

// Committed returns how many log entries are committed (god's eye).
func (h *RaftHistory) Committed() int { return int(h.h.cur.s.p.k.CommittedCount()) }

// Counters returns the counters along the current path.
func (h *RaftHistory) Counters() RaftCounters { return h.h.cur.c }

// Sim returns the current state (do not modify; it changes with the
// history).
func (h *RaftHistory) Sim() *RaftSim { return h.h.cur.s }

// Check parses line as a Raft action (not an expectation).
func (h *RaftHistory) Check(line string) error {
	_, err := h.h.cur.parse(line)
	return err
}

// Do performs one script line at the current position: at the end of the
// branch it extends it; from a past position it starts a new branch (or,
// when line is the next recorded action, moves along it). It returns the
// events taken.
func (h *RaftHistory) Do(line string) ([]MPEvent, error) { return h.h.do(line) }

// Seek moves to the last action boundary at or before step (0..End).
func (h *RaftHistory) Seek(step int) error { return h.h.seek(step) }

// Undo moves back one action.
func (h *RaftHistory) Undo() error { return h.h.undo() }

// Redo moves forward one action along the current branch.
func (h *RaftHistory) Redo() error { return h.h.redo() }

// Branches lists every branch (leaf), in creation order.
func (h *RaftHistory) Branches() []Branch { return h.h.branches() }

// Switch makes the branch ending at leaf tip current and moves to its end.
func (h *RaftHistory) Switch(tip int) error { return h.h.switchTo(tip) }

// Script renders the current branch up to the current position as a
// script that replays to exactly the current state.
func (h *RaftHistory) Script() string { return h.h.script() }

// Events replays the actions between steps from and to of the current
// branch and returns their events; the current state is unchanged.
func (h *RaftHistory) Events(from, to int) ([]MPEvent, error) { return h.h.events(from, to) }

// messageJSON renders a Raft message with the generic fields the diagram
// draws: Ballot is the term ("t2"), Value what the chip shows of the rest
// (an append's entries, a reply's verdict; a requestvote's last log entry
// is in Text only).
func (s *RaftSim) messageJSON(m *rf.Message) MessageJSON {
	cfg := s.p.cfg
	j := MessageJSON{ID: m.ID, Type: m.Type.String(), From: cfg.Name(m.From), To: cfg.Name(m.To), Text: cfg.Describe(m),
		Ballot: "t" + strconv.Itoa(int(m.Term))}
	switch m.Type {
	case rf.MsgVote:
		j.Value = "✗"
		if m.Granted {
			j.Value = "✓"
		}
	case rf.MsgAppend:
		j.Value = rf.FormatLog(m.Entries)
		if len(m.Entries) > 3 {
			j.Value = "[" + m.Entries[0].String() + " … +" + strconv.Itoa(len(m.Entries)-1) + "]"
		}
	case rf.MsgAppendReply:
		j.Value = "✗"
		if m.Success {
			j.Value = "✓" + strconv.Itoa(int(m.Match))
		}
	}
	return j
}

func (s *RaftSim) eventJSON(ev *WEvent[rf.Message, Narration]) MPEvent {
	e := MPEvent{Step: ev.Step, Act: ev.Act.FormatNames(s.p.nodeName), Kind: ev.Act.Kind.String(),
		Notes: slices.Clone(ev.Notes), Sent: []MPSent{}, Removed: []MessageJSON{}}
	switch ev.Act.Kind {
	case ActTimeout, ActCrash, ActRestart:
		e.Node = s.p.Name(int(ev.Act.Node))
	case ActProto:
		// propose S V
		if f := strings.Fields(ev.Act.Text); len(f) >= 2 {
			e.Node = f[1]
		}
	}
	if ev.Msg.ID > 0 {
		m := s.messageJSON(&ev.Msg)
		e.Msg = &m
	}
	for i := range ev.Sent {
		e.Sent = append(e.Sent, MPSent{Msg: s.messageJSON(&ev.Sent[i].Msg), Fate: ev.Sent[i].Fate.String()})
	}
	for i := range ev.Removed {
		e.Removed = append(e.Removed, s.messageJSON(&ev.Removed[i]))
	}
	return e
}
