package multipaxos

import (
	"errors"
	"fmt"
)

// State is the state of every node of a cluster: the value the world
// keeps, steps, clones and rewinds.
type State struct {
	Servers []Server
	Clients []Client
	// Lock is the lock service's client beliefs and its data store d1
	// (lock.go; nil unless app=lock).
	Lock *LockState
}

// NewState returns the initial state of a cluster of cfg. With leader a
// server, that server starts as leader of ballot 1.I with its phase 1 done
// on every server (`leader=sI`, set up with no messages); with None every
// server is a follower. The world then calls Start for every node at time 0.
func NewState(cfg *Config, leader NodeID) (State, error) {
	st := State{Servers: make([]Server, cfg.Servers), Clients: make([]Client, cfg.Clients)}
	for i := range st.Servers {
		st.Servers[i] = Server{ID: NodeID(i), Up: true, V: newVolatile()}
	}
	for i := range st.Clients {
		st.Clients[i] = Client{ID: cfg.Client(i + 1), Hint: 0, LastTo: None}
	}
	if cfg.Lock {
		st.Lock = newLockState(cfg)
	}
	if leader == None {
		return st, nil
	}
	if !cfg.IsServer(leader) {
		return State{}, fmt.Errorf("leader=%s: %w", cfg.Name(leader), ErrNotServer)
	}
	b := Ballot{Round: 1, Index: int32(leader) + 1}
	for i := range st.Servers {
		st.Servers[i].D.Promised = b
		st.Servers[i].D.MaxRound = 1
	}
	l := &st.Servers[leader]
	l.V.Role = RoleLeader
	l.V.Ballot = b
	l.V.From = 1
	l.V.SlotIn = 1
	l.V.Acked = make([]int32, cfg.Servers)
	return st, nil
}

// Clone returns a deep copy of st.
func (st *State) Clone() State {
	c := State{Servers: make([]Server, len(st.Servers)), Clients: append([]Client(nil), st.Clients...)}
	for i := range st.Servers {
		c.Servers[i] = st.Servers[i].Clone()
	}
	if st.Lock != nil {
		c.Lock = st.Lock.clone()
	}
	return c
}

// Up reports whether node id is up (clients and d1 always are).
func (st *State) Up(cfg *Config, id NodeID) bool {
	if cfg.IsServer(id) {
		return st.Servers[id].Up
	}
	return cfg.IsClient(id) || id == cfg.Data() && id != None
}

// Client returns the state of client id, which must be a client.
func (st *State) Client(cfg *Config, id NodeID) *Client { return &st.Clients[int(id)-cfg.Servers] }

// Start emits node id's timers at time 0.
func (st *State) Start(cfg *Config, id NodeID, out *Out) {
	if cfg.IsServer(id) {
		st.Servers[id].Start(cfg, out)
	}
}

// Errors of world actions on nodes (script errors, exit 2).
var (
	ErrDown     = errors.New("multipaxos: the node is down")
	ErrUp       = errors.New("multipaxos: the node is up")
	ErrNoCrash  = errors.New("multipaxos: clients do not crash")
	ErrBadNode  = errors.New("multipaxos: no such node")
	ErrBadTimer = errors.New("multipaxos: the node has no such timer")
)

// Step delivers m to its destination, which must be up (a message to a
// down server is lost by the world, not delivered).
func (st *State) Step(cfg *Config, m *Message, out *Out) error {
	switch {
	case cfg.IsServer(m.To):
		if !st.Servers[m.To].Up {
			return ErrDown
		}
		st.Servers[m.To].Step(cfg, m, out)
	case cfg.IsClient(m.To):
		if st.Lock != nil {
			st.lockClientStep(cfg, m, out)
			break
		}
		st.Client(cfg, m.To).Step(cfg, m, out)
	case st.Lock != nil && m.To == cfg.Data():
		st.Lock.stepData(cfg, m, out)
	default:
		return ErrBadNode
	}
	return nil
}

// Timeout fires timer k of node id (`timeout S` is TimerElection, `timeout
// C` TimerRetry).
func (st *State) Timeout(cfg *Config, id NodeID, k TimerKind, out *Out) error {
	switch {
	case cfg.IsServer(id):
		if !st.Servers[id].Up {
			return ErrDown
		}
		if k == TimerRetry {
			return ErrBadTimer
		}
		st.Servers[id].Timeout(cfg, k, out)
		return nil
	case cfg.IsClient(id):
		if k == TimerRenew && st.Lock != nil {
			st.renewTimer(cfg, id, out)
			return nil
		}
		if k != TimerRetry {
			return ErrBadTimer
		}
		return st.Client(cfg, id).Timeout(cfg, out)
	}
	return ErrBadNode
}

// Crash crashes server id: it keeps only its durable state. The world
// stops its timers and loses what is delivered to it while down.
func (st *State) Crash(cfg *Config, id NodeID) error {
	switch {
	case cfg.IsClient(id):
		return ErrNoCrash
	case !cfg.IsServer(id):
		return ErrBadNode
	case !st.Servers[id].Up:
		return ErrDown
	}
	st.Servers[id].Crash()
	return nil
}

// Restart brings server id back with its durable state.
func (st *State) Restart(cfg *Config, id NodeID, out *Out) error {
	switch {
	case cfg.IsClient(id):
		return ErrNoCrash
	case !cfg.IsServer(id):
		return ErrBadNode
	case st.Servers[id].Up:
		return ErrUp
	}
	st.Servers[id].Restart(cfg, out)
	return nil
}

// Request invokes op at client id (see Client.Request).
func (st *State) Request(cfg *Config, id NodeID, op Cmd, to NodeID, out *Out) error {
	return st.RequestVia(cfg, id, op, to, ViaLog, out)
}

// RequestVia invokes a get at client id by read path via (lease.go).
func (st *State) RequestVia(cfg *Config, id NodeID, op Cmd, to NodeID, via Via, out *Out) error {
	if !cfg.IsClient(id) {
		return ErrBadNode
	}
	if err := st.Client(cfg, id).RequestVia(cfg, op, to, via, out); err != nil {
		return err
	}
	if st.Lock != nil {
		st.Lock.Clients[cfg.ClientIndex(id)-1].SentAt = out.Clock
	}
	return nil
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
