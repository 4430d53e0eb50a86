package raft

import "errors"

// State is the state of every server of a cluster: the value the world
// keeps, steps, clones and rewinds.
type State struct {
	Servers []Server
}

// NewState returns the initial state of a cluster of cfg: every server a
// follower of term 0 with an empty log (§1.3). The world then calls Start
// for every server at time 0.
func NewState(cfg *Config) State {
	st := State{Servers: make([]Server, cfg.Servers)}
	for i := range st.Servers {
		st.Servers[i] = Server{ID: NodeID(i), Up: true, D: Durable{VotedFor: None}, V: Volatile{Leader: None}}
	}
	return st
}

// Clone returns a deep copy of st.
func (st *State) Clone() State {
	c := State{Servers: make([]Server, len(st.Servers))}
	for i := range st.Servers {
		c.Servers[i] = st.Servers[i].Clone()
	}
	return c
}

// Errors of world actions (script errors, exit 2).
var (
	ErrDown     = errors.New("raft: the server is crashed")
	ErrUp       = errors.New("raft: the server is not crashed")
	ErrBadNode  = errors.New("raft: no such server")
	ErrBadTimer = errors.New("raft: no such timer")
	ErrLogFull  = errors.New("raft: the leader's log is full")
)

func (st *State) server(cfg *Config, id NodeID) (*Server, error) {
	if !cfg.IsServer(id) || int(id) >= len(st.Servers) {
		return nil, ErrBadNode
	}
	return &st.Servers[id], nil
}

// Up reports whether server id is up (not crashed).
func (st *State) Up(cfg *Config, id NodeID) bool {
	s, err := st.server(cfg, id)
	return err == nil && s.Up
}

// Start emits server id's timers at time 0 (its election timer).
func (st *State) Start(cfg *Config, id NodeID, out *Out) {
	if s, err := st.server(cfg, id); err == nil && s.Up {
		s.Start(cfg, out)
	}
}

// Step delivers m to m.To, which must be up (a message to a crashed server
// is lost by the world, not delivered). Malformed messages change nothing.
func (st *State) Step(cfg *Config, m *Message, out *Out) error {
	s, err := st.server(cfg, m.To)
	if err != nil {
		return err
	}
	if !s.Up {
		return ErrDown
	}
	s.Step(cfg, m, out)
	return nil
}

// Timeout fires timer k of server id. `timeout S` is Timeout(S,
// TimerElection): an election on a follower or candidate, one heartbeat
// round on a leader (§9).
func (st *State) Timeout(cfg *Config, id NodeID, k TimerKind, out *Out) error {
	s, err := st.server(cfg, id)
	switch {
	case err != nil:
		return err
	case !s.Up:
		return ErrDown
	case k >= NumTimerKinds:
		return ErrBadTimer
	}
	s.Timeout(cfg, k, out)
	return nil
}

// Crash crashes server id: it keeps only its durable state (§4). The world
// stops its timers and loses what is delivered to it while crashed. Out
// gets the records of what the crash erased (a leader ending; the log
// under volatile_log).
func (st *State) Crash(cfg *Config, id NodeID, out *Out) error {
	s, err := st.server(cfg, id)
	switch {
	case err != nil:
		return err
	case !s.Up:
		return ErrDown
	}
	s.Crash(cfg, out)
	return nil
}

// Restart brings server id back as a follower with its durable state and a
// fresh election timer.
func (st *State) Restart(cfg *Config, id NodeID, out *Out) error {
	s, err := st.server(cfg, id)
	switch {
	case err != nil:
		return err
	case s.Up:
		return ErrUp
	}
	s.Restart(cfg, out)
	return nil
}

// Propose is `propose S V`: a leader appends (currentTerm, V) and sends
// appends; a live non-leader changes nothing and sends nothing (a note
// says why). A bad or reserved value, or a crashed server, is an error.
func (st *State) Propose(cfg *Config, id NodeID, v string, out *Out) error {
	if err := CheckValue(v); err != nil {
		return err
	}
	s, err := st.server(cfg, id)
	switch {
	case err != nil:
		return err
	case !s.Up:
		return ErrDown
	}
	return s.Propose(cfg, v, out)
}

// Leaders returns the servers that are up and lead, in index order.
func (st *State) Leaders() []NodeID {
	var ls []NodeID
	for i := range st.Servers {
		if st.Servers[i].IsLeader() {
			ls = append(ls, NodeID(i))
		}
	}
	return ls
}
