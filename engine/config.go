package engine

import "strconv"

// Role is a bit set of the roles a node plays.
type Role uint8

// The three roles of PMS §2.1. A server plays all three.
const (
	RoleProposer Role = 1 << iota
	RoleAcceptor
	RoleLearner
)

// Has reports whether r includes role x.
func (r Role) Has(x Role) bool { return r&x != 0 }

// String names the role set: "proposer", "acceptor", "learner" or "server".
func (r Role) String() string {
	switch r {
	case RoleProposer:
		return "proposer"
	case RoleAcceptor:
		return "acceptor"
	case RoleLearner:
		return "learner"
	case RoleProposer | RoleAcceptor | RoleLearner:
		return "server"
	}
	return "node"
}

// NodeInfo is the fixed identity of one node.
type NodeInfo struct {
	Name  string // p1, a2, l1, s3
	Roles Role
	// Index is the node's 1-based number within its kind; a proposer's (or
	// server's) Index is the I of its ballots R.I.
	Index int32
}

// MaxNodesPerKind bounds each kind of node in a cluster.
const MaxNodesPerKind = 9

// Config is the fixed shape of a cluster: its nodes, quorum and bug switches.
// It never changes after NewConfig and is shared by every copy of a state.
type Config struct {
	Nodes     []NodeInfo
	Proposers []NodeID
	Acceptors []NodeID
	Learners  []NodeID
	Servers   bool
	Bugs      BugSet
	// Quorum is the number of distinct acceptors that make a quorum:
	// floor(N/2)+1 (floor(N/2) with half_quorum, at least 1).
	Quorum int
}

// QuorumSize returns the quorum for n acceptors under bugs.
func QuorumSize(n int, bugs BugSet) int {
	if bugs.Has(BugHalfQuorum) {
		return max(n/2, 1)
	}
	return n/2 + 1
}

// NewConfig returns a cluster of separate proposers p1..pP, acceptors
// a1..aA and learners l1..lL. Counts must be within 1..MaxNodesPerKind
// (learners 0..MaxNodesPerKind); the caller validates them.
func NewConfig(proposers, acceptors, learners int, bugs BugSet) *Config {
	c := &Config{Bugs: bugs}
	add := func(prefix string, n int, role Role, list *[]NodeID) {
		for i := 1; i <= n; i++ {
			id := NodeID(len(c.Nodes))
			c.Nodes = append(c.Nodes, NodeInfo{Name: prefix + strconv.Itoa(i), Roles: role, Index: int32(i)})
			*list = append(*list, id)
		}
	}
	add("p", proposers, RoleProposer, &c.Proposers)
	add("a", acceptors, RoleAcceptor, &c.Acceptors)
	add("l", learners, RoleLearner, &c.Learners)
	c.Quorum = QuorumSize(acceptors, bugs)
	return c
}

// NewServersConfig returns a cluster of servers s1..sN, each proposer,
// acceptor and learner at once (PMS §2.5).
func NewServersConfig(servers int, bugs BugSet) *Config {
	c := &Config{Bugs: bugs, Servers: true}
	for i := 1; i <= servers; i++ {
		id := NodeID(len(c.Nodes))
		c.Nodes = append(c.Nodes, NodeInfo{Name: "s" + strconv.Itoa(i), Roles: RoleProposer | RoleAcceptor | RoleLearner, Index: int32(i)})
		c.Proposers = append(c.Proposers, id)
		c.Acceptors = append(c.Acceptors, id)
		c.Learners = append(c.Learners, id)
	}
	c.Quorum = QuorumSize(servers, bugs)
	return c
}

// Name returns the name of node id ("?" when out of range).
func (c *Config) Name(id NodeID) string {
	if int(id) < 0 || int(id) >= len(c.Nodes) {
		return "?"
	}
	return c.Nodes[id].Name
}

// Lookup returns the node with the given name.
func (c *Config) Lookup(name string) (NodeID, bool) {
	for i := range c.Nodes {
		if c.Nodes[i].Name == name {
			return NodeID(i), true
		}
	}
	return 0, false
}

// Is reports whether node id plays role r.
func (c *Config) Is(id NodeID, r Role) bool { return c.Nodes[id].Roles.Has(r) }
