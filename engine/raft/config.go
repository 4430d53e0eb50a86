package raft

import (
	"fmt"
	"strconv"
)

// NodeID indexes a server: s1..sN are 0..N-1. Raft has no client nodes
// (raft.md §1.1: a request is `propose S V`), so every node is a server.
type NodeID int16

// None is the NodeID of "no server" (votedFor none, no known leader).
const None NodeID = -1

// Limits and defaults of a cluster (raft.md §3, §9 "Forms").
const (
	MaxServers     = 9
	DefaultServers = 3
	// DefaultElectionMin and DefaultElectionMax are `election=10-20`.
	DefaultElectionMin = 10
	DefaultElectionMax = 20
	// DefaultHeartbeat is `heartbeat=3`.
	DefaultHeartbeat = 3
	// MaxTicks bounds election= and heartbeat=.
	MaxTicks = 1000
	// MaxBatch bounds batch=.
	MaxBatch = 1 << 16
	// MaxTerm bounds terms: a message with a higher term is ignored and a
	// server at MaxTerm stands no more, so no arithmetic overflows.
	MaxTerm = 1 << 30
	// MaxIndex bounds log indexes: a message naming a higher index is
	// ignored and a leader at MaxIndex takes no more proposals, so no input
	// allocates without bound (about 24 bytes per entry and server).
	MaxIndex = 1 << 20
)

// Options are the keys of `cluster raft ...` (raft.md §2, §9 "Forms").
type Options struct {
	Servers                  int
	ElectionMin, ElectionMax int
	Heartbeat                int
	// Noop is noop=0|1: a new leader appends (term, noop) on election.
	Noop int
	// Batch is batch=K: at most K entries per append (0: no cap).
	Batch int
	// Probe is probe=0|1: empty appends until matchIndex = nextIndex-1.
	Probe int
	Bugs  BugSet
}

// DefaultOptions returns the defaults of raft.md §2–3 for n servers.
func DefaultOptions(n int) Options {
	return Options{
		Servers: n, ElectionMin: DefaultElectionMin, ElectionMax: DefaultElectionMax,
		Heartbeat: DefaultHeartbeat, Noop: 1,
	}
}

// Config is the fixed shape of a Raft cluster. It never changes after
// NewConfig and is shared by every copy of a state.
type Config struct {
	Servers int
	// ElectionMin..ElectionMax is the election timeout's range in ticks,
	// both ends included; the world draws in it at every reset (§3).
	ElectionMin, ElectionMax int
	// Heartbeat is H, ticks between a leader's append rounds.
	Heartbeat int
	Noop      bool
	Batch     int
	Probe     bool
	Bugs      BugSet
	// Quorum is floor(N/2)+1 (§1.1).
	Quorum int
	names  []string
}

// NewConfig returns the configuration of a cluster with options o, or an
// error naming the bad key.
func NewConfig(o Options) (*Config, error) {
	switch {
	case o.Servers < 1 || o.Servers > MaxServers:
		return nil, fmt.Errorf("servers=%d: must be 1..%d", o.Servers, MaxServers)
	case o.ElectionMin < 1 || o.ElectionMax < o.ElectionMin || o.ElectionMax > MaxTicks:
		return nil, fmt.Errorf("election=%d-%d: must be MIN-MAX with 1 <= MIN <= MAX <= %d", o.ElectionMin, o.ElectionMax, MaxTicks)
	case o.Heartbeat < 1 || o.Heartbeat > MaxTicks:
		return nil, fmt.Errorf("heartbeat=%d: must be 1..%d", o.Heartbeat, MaxTicks)
	case o.Noop != 0 && o.Noop != 1:
		return nil, fmt.Errorf("noop=%d: must be 0 or 1", o.Noop)
	case o.Probe != 0 && o.Probe != 1:
		return nil, fmt.Errorf("probe=%d: must be 0 or 1", o.Probe)
	case o.Batch < 0 || o.Batch > MaxBatch:
		return nil, fmt.Errorf("batch=%d: must be 0..%d", o.Batch, MaxBatch)
	case o.Bugs&^allBugBits != 0:
		return nil, fmt.Errorf("bugs=%d: %w", uint16(o.Bugs), ErrUnknownBug)
	}
	c := &Config{
		Servers: o.Servers, ElectionMin: o.ElectionMin, ElectionMax: o.ElectionMax,
		Heartbeat: o.Heartbeat, Noop: o.Noop == 1, Batch: o.Batch, Probe: o.Probe == 1,
		Bugs: o.Bugs, Quorum: o.Servers/2 + 1,
	}
	for i := 1; i <= o.Servers; i++ {
		c.names = append(c.names, "s"+strconv.Itoa(i))
	}
	return c, nil
}

// DefaultConfig is NewConfig(DefaultOptions(n)) with bugs; it panics on n
// out of range (tests only use it with literals).
func DefaultConfig(n int, bugs BugSet) *Config {
	o := DefaultOptions(n)
	o.Bugs = bugs
	c, err := NewConfig(o)
	if err != nil {
		panic(err)
	}
	return c
}

// Options returns the options c was made from.
func (c *Config) Options() Options {
	o := Options{
		Servers: c.Servers, ElectionMin: c.ElectionMin, ElectionMax: c.ElectionMax,
		Heartbeat: c.Heartbeat, Batch: c.Batch, Bugs: c.Bugs,
	}
	if c.Noop {
		o.Noop = 1
	}
	if c.Probe {
		o.Probe = 1
	}
	return o
}

// Nodes returns the number of nodes (all servers).
func (c *Config) Nodes() int { return c.Servers }

// Server returns the NodeID of server s(i), i 1-based.
func (c *Config) Server(i int) NodeID { return NodeID(i - 1) }

// IsServer reports whether id is a server.
func (c *Config) IsServer(id NodeID) bool { return id >= 0 && int(id) < c.Servers }

// Name returns the server's name (s1), "none" for None, "?" when out of
// range.
func (c *Config) Name(id NodeID) string {
	if id == None {
		return "none"
	}
	if id < 0 || int(id) >= len(c.names) {
		return "?"
	}
	return c.names[id]
}

// Lookup returns the server with the given name.
func (c *Config) Lookup(name string) (NodeID, bool) {
	for i, n := range c.names {
		if n == name {
			return NodeID(i), true
		}
	}
	return None, false
}
