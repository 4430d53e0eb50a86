package multipaxos

import (
	"fmt"
	"strconv"
)

// Limits and defaults of a cluster (multipaxos.md §2, §8).
const (
	MaxServers     = 9
	MaxClients     = 9
	DefaultServers = 3
	DefaultClients = 1
	DefaultWindow  = 3
	// DefaultTimeout is `timeout=`: the election timeout, the client retry
	// timeout and the leader's step-down period, in ticks.
	DefaultTimeout = 10
	// DefaultHeartbeat is `heartbeat=`: ticks between a leader's heartbeats.
	DefaultHeartbeat = 2
	// MaxTicks bounds timeout= and heartbeat=.
	MaxTicks = 1000
	// MaxWindow bounds window=.
	MaxWindow = 64
	// MaxBackoff caps the election timeout's back-off factor (§1.3: 4x).
	MaxBackoff = 4
)

// Config is the fixed shape of a Multi-Paxos cluster. It never changes after
// NewConfig and is shared by every copy of a state.
type Config struct {
	Servers, Clients int
	// Window is how many slots past slot_out a leader may propose (PMS's
	// alpha).
	Window int
	// Timeout is T in ticks: election timers draw from [T*k, 2T*k), client
	// retry timers run T, a leader steps down after T without a majority
	// heartbeat ack.
	Timeout int
	// Heartbeat is H in ticks between a leader's heartbeat rounds.
	Heartbeat int
	Bugs      BugSet
	// Quorum is floor(N/2)+1: phase 1 and the god's-eye "chosen".
	Quorum int
	// CommitQuorum is the number of accepted acks a leader decides with:
	// Quorum, or max(1, floor(N/2)) with commit_minority.
	CommitQuorum int
	// Drift is `drift=P`: every clock runs at a rate in [100-P, 100+P]
	// percent of true time (time.go). Set by SetTime right after NewConfig.
	Drift int
	// Lease is `lease=L` in ticks (0: no leases, the default); see lease.go.
	Lease int
	// Lock is set by SetLock (app=lock): the lock service with its data
	// store d1, and TTL its lock lease in ticks (lock.go).
	Lock  bool
	TTL   int
	names []string
}

// NewConfig returns the configuration of a cluster with the given counts,
// window, timeout, heartbeat and bugs, or an error naming the bad field.
func NewConfig(servers, clients, window, timeout, heartbeat int, bugs BugSet) (*Config, error) {
	switch {
	case servers < 1 || servers > MaxServers:
		return nil, fmt.Errorf("servers=%d: must be 1..%d", servers, MaxServers)
	case clients < 0 || clients > MaxClients:
		return nil, fmt.Errorf("clients=%d: must be 0..%d", clients, MaxClients)
	case window < 1 || window > MaxWindow:
		return nil, fmt.Errorf("window=%d: must be 1..%d", window, MaxWindow)
	case timeout < 1 || timeout > MaxTicks:
		return nil, fmt.Errorf("timeout=%d: must be 1..%d", timeout, MaxTicks)
	case heartbeat < 1 || heartbeat > MaxTicks:
		return nil, fmt.Errorf("heartbeat=%d: must be 1..%d", heartbeat, MaxTicks)
	}
	c := &Config{
		Servers: servers, Clients: clients, Window: window, Timeout: timeout,
		Heartbeat: heartbeat, Bugs: bugs, Quorum: servers/2 + 1,
	}
	c.CommitQuorum = c.Quorum
	if bugs.Has(BugCommitMinority) {
		c.CommitQuorum = max(1, servers/2)
	}
	for i := 1; i <= servers; i++ {
		c.names = append(c.names, "s"+strconv.Itoa(i))
	}
	for i := 1; i <= clients; i++ {
		c.names = append(c.names, "c"+strconv.Itoa(i))
	}
	return c, nil
}

// DefaultConfig is NewConfig with the defaults of §2 for everything but the
// counts and the bugs; it panics on counts out of range (tests only use it
// with literals).
func DefaultConfig(servers, clients int, bugs BugSet) *Config {
	c, err := NewConfig(servers, clients, DefaultWindow, DefaultTimeout, DefaultHeartbeat, bugs)
	if err != nil {
		panic(err)
	}
	return c
}

// Nodes returns the number of nodes, servers then clients.
func (c *Config) Nodes() int {
	if c.Lock {
		return c.Servers + c.Clients + 1 // d1
	}
	return c.Servers + c.Clients
}

// Server returns the NodeID of server s(i), i 1-based.
func (c *Config) Server(i int) NodeID { return NodeID(i - 1) }

// Client returns the NodeID of client c(i), i 1-based.
func (c *Config) Client(i int) NodeID { return NodeID(c.Servers + i - 1) }

// IsServer reports whether id is a server.
func (c *Config) IsServer(id NodeID) bool { return id >= 0 && int(id) < c.Servers }

// IsClient reports whether id is a client.
func (c *Config) IsClient(id NodeID) bool {
	return int(id) >= c.Servers && int(id) < c.Servers+c.Clients
}

// ClientIndex returns i for client c(i) (0 when id is not a client).
func (c *Config) ClientIndex(id NodeID) int {
	if !c.IsClient(id) {
		return 0
	}
	return int(id) - c.Servers + 1
}

// Name returns the node's name (s1, c2), "none" for None, "?" when out of
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

// Lookup returns the node with the given name.
func (c *Config) Lookup(name string) (NodeID, bool) {
	for i, n := range c.names {
		if n == name {
			return NodeID(i), true
		}
	}
	return None, false
}

// nextServer returns the server after s in index order, wrapping around.
func (c *Config) nextServer(s NodeID) NodeID {
	if s < 0 || int(s)+1 >= c.Servers {
		return 0
	}
	return s + 1
}
