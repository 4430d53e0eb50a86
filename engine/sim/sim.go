// Package sim is the deterministic world around the protocols of paxviz:
// the in-flight message multiset, faults (drop, duplicate, partition,
// crash, restart), logical time and per-node timers, the seeded scheduler,
// the god's-eye records with the invariants checked after every step, the
// script language and the branching history.
//
// # One world, many protocols
//
// World[M, N] (world.go) is every mechanism that does not depend on the
// protocol, written once: message ids, the in-flight multiset, partitions,
// drop and dup, messages to self handled after the current handler, time
// and several timer kinds per node, the scheduler of `run`, traced events
// and the step hooks. It is generic in the protocol's message type M (held
// by value in the in-flight slice: no boxing, no allocation per event) and
// note type N (narration stays data, rendered per language by each front
// end), and drives the protocol through the small Proto interface: up,
// message ends and ids, deliver, timeout, crash, restart, end-of-step
// invariants, anything chosen, and the world's own notes. Front ends hold
// one value per protocol:
//
//   - Sim: single-decree Paxos (package engine) — embeds the World and is
//     its own Proto (sdProto, the same struct seen through the protocol's
//     methods): the nodes, the god's-eye tallies and its invariants, the
//     canonical form for the model checker.
//   - MPSim: Multi-Paxos (package engine/multipaxos) — a World and its
//     Proto (mpProto): the protocol's State, its
//     Checker (agreement per slot, validity, learned-chosen, log-prefix,
//     exactly-once, linearizable, promise-monotonic), judged after every
//     handler.
//
// The script language has one parser (lang.go) and one interpreter
// (wscript.go) for the common forms (deliver, drop, dup with their
// selectors, timeout, crash, restart, partition, heal, tick, run, expect
// safe|violation|inflight): they become the one Stmt with the one Action
// or Expect and run on the one World. A protocol registers only what
// differs: its lang (node names, message types and selector filters,
// invariant names, its own forms: propose and expect chosen/learned/... for
// single-decree; put/get/cas/pause/resume/clock and expect chosen s=/log/
// value/reply/leader/promised/vote/clock/lease for Multi-Paxos; propose and
// expect role/term/leader/log/commit/applied/committed for Raft) and its
// rules (how a selector matches its messages, which timer `timeout` fires).
// Only this package's registry files (script.go's declare, names.go and
// each protocol's files) and check/ import a protocol package.
//
// A simulation is a pure function of its cluster line and its list of
// actions: the same script always gives the same states and the same trace.
package sim

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
)

// Cluster is the parsed cluster line: the shape of a cluster, its bug
// switches, its seed and its proposers' retry timeout.
type Cluster struct {
	Proposers, Acceptors, Learners int
	// Servers > 0 means a cluster of servers s1..sN, each proposer, acceptor
	// and learner; Proposers, Acceptors and Learners are then zero.
	Servers      int
	Seed         uint64
	Bugs         engine.BugSet
	TimeoutTicks int
	// JitterTicks, when > 0, adds a random 0..JitterTicks ticks (drawn from
	// the seeded PCG) to every retry-timer deadline: the randomized
	// back-off that breaks dueling proposers (PMS §2.4).
	JitterTicks int
}

// Defaults of the cluster line.
const (
	DefaultSeed         = 1
	DefaultTimeoutTicks = 10
	// MaxTimeoutTicks bounds timeout=.
	MaxTimeoutTicks = 1000
)

// String renders c as a canonical cluster line.
func (c Cluster) String() string {
	var sb strings.Builder
	sb.WriteString("cluster ")
	if c.Servers > 0 {
		fmt.Fprintf(&sb, "servers=%d", c.Servers)
	} else {
		fmt.Fprintf(&sb, "proposers=%d acceptors=%d learners=%d", c.Proposers, c.Acceptors, c.Learners)
	}
	fmt.Fprintf(&sb, " seed=%d", c.Seed)
	if c.Bugs != 0 {
		sb.WriteString(" bugs=" + c.Bugs.String())
	}
	if c.TimeoutTicks != DefaultTimeoutTicks {
		fmt.Fprintf(&sb, " timeout=%d", c.TimeoutTicks)
	}
	if c.JitterTicks != 0 {
		fmt.Fprintf(&sb, " jitter=%d", c.JitterTicks)
	}
	return sb.String()
}

// Validate checks the counts and the timeout.
func (c Cluster) Validate() error {
	inRange := func(what string, n, lo int) error {
		if n < lo || n > engine.MaxNodesPerKind {
			return fmt.Errorf("%s=%d: must be %d..%d", what, n, lo, engine.MaxNodesPerKind)
		}
		return nil
	}
	if c.Servers > 0 {
		if c.Proposers != 0 || c.Acceptors != 0 || c.Learners != 0 {
			return errors.New("servers= cannot be combined with proposers=, acceptors= or learners=")
		}
		if err := inRange("servers", c.Servers, 1); err != nil {
			return err
		}
	} else {
		if err := inRange("proposers", c.Proposers, 1); err != nil {
			return err
		}
		if err := inRange("acceptors", c.Acceptors, 1); err != nil {
			return err
		}
		if err := inRange("learners", c.Learners, 0); err != nil {
			return err
		}
	}
	if c.TimeoutTicks < 1 || c.TimeoutTicks > MaxTimeoutTicks {
		return fmt.Errorf("timeout=%d: must be 1..%d", c.TimeoutTicks, MaxTimeoutTicks)
	}
	if c.JitterTicks < 0 || c.JitterTicks > MaxTimeoutTicks {
		return fmt.Errorf("jitter=%d: must be 0..%d", c.JitterTicks, MaxTimeoutTicks)
	}
	return nil
}

// EngineConfig builds the engine's view of the cluster.
func (c Cluster) EngineConfig() *engine.Config {
	if c.Servers > 0 {
		return engine.NewServersConfig(c.Servers, c.Bugs)
	}
	return engine.NewConfig(c.Proposers, c.Acceptors, c.Learners, c.Bugs)
}

// Limits that keep every script finite and small.
const (
	// MaxInFlight bounds the in-flight multiset; beyond it the network
	// loses messages (a fault Paxos tolerates).
	MaxInFlight = 1000
	// MaxTick bounds one tick command.
	MaxTick = 1000
	// MaxRun bounds the events of one run command.
	MaxRun = 100_000
	// DefaultRunMax is run's max= when none is given.
	DefaultRunMax = 1000
)

// Invariant names (script.md).
const (
	InvAgreement        = "agreement"
	InvValidity         = "validity"
	InvLearnedChosen    = "learned-chosen"
	InvPromiseMonotonic = "promise-monotonic"
)

// Invariants lists every invariant the simulator checks, in report order.
var Invariants = []string{InvAgreement, InvValidity, InvLearnedChosen, InvPromiseMonotonic}

// Violation is the first break of one invariant.
type Violation struct {
	Invariant string
	Step      int
	// Node is the learner or acceptor concerned (-1 for agreement and
	// validity).
	Node engine.NodeID
	// Values and Ballots are the values and ballots involved, e.g. the two
	// chosen values and the ballots they were chosen at.
	Values  []engine.Value
	Ballots []engine.Ballot
}

// Chosen is one value chosen god's-eye: accepted by a quorum of acceptors
// in one ballot.
type Chosen struct {
	Value  engine.Value
	Ballot engine.Ballot
	Step   int
	// Acceptors holds a bit per NodeID of the quorum that chose it.
	Acceptors uint64
}

// Tally is the set of acceptors that ever voted (Ballot, Value).
type Tally struct {
	Ballot engine.Ballot
	Value  engine.Value
	Mask   uint64
}

// Fate is what became of a message when it was sent.
type Fate uint8

// Fates of a sent message.
const (
	FateInFlight Fate = iota // in the network, deliverable
	FateLocal                // a server's message to itself, handled at once
	FateBlocked              // crossed the partition: lost
	FateLost                 // the network was full: lost
)

var fateNames = [...]string{"inflight", "local", "blocked", "lost"}

func (f Fate) String() string { return fateNames[f] }

// Sent is one message an event sent.
type Sent = WSent[engine.Message]

// Event is one step of a simulation, recorded when Sim.Trace is set: the
// world's event type for single-decree messages and notes.
type Event = WEvent[engine.Message, engine.Note]

// Sim is one simulated single-decree cluster: the world (World, embedded:
// messages, faults, time, timers, scheduler, trace) around the nodes of
// package engine and the god's-eye history of votes. It is not safe for
// concurrent use; Clone gives an independent copy.
type Sim struct {
	World[engine.Message, engine.Note]
	cl   Cluster
	cfg  *engine.Config
	node []engine.Node

	// God's-eye history.
	proposed    []engine.Value
	tallies     []Tally // append-only in order of first vote
	votes       int
	chosen      []Chosen
	maxPromised []engine.Ballot
	violations  []Violation
	violated    uint8 // bit per Invariants index
	pruneAt     int   // tally count that triggers the next pruneTallies

	out engine.Out
}

// New returns the initial state of cluster cl, which must be valid.
func New(cl Cluster) *Sim {
	cfg := cl.EngineConfig()
	s := &Sim{
		cl:          cl,
		cfg:         cfg,
		node:        engine.NewNodes(cfg),
		maxPromised: make([]engine.Ballot, len(cfg.Nodes)),
	}
	s.initWorld((*sdProto)(s), len(cfg.Nodes), 1, cl.Seed)
	return s
}

// Clone returns a deep copy of s (without its Trace and OnStep hooks).
func (s *Sim) Clone() *Sim {
	c := *s
	c.cloneWorld((*sdProto)(&c))
	c.node = make([]engine.Node, len(s.node))
	for i := range s.node {
		c.node[i] = s.node[i].Clone()
	}
	c.proposed = append([]engine.Value(nil), s.proposed...)
	c.tallies = append([]Tally(nil), s.tallies...)
	c.chosen = append([]Chosen(nil), s.chosen...)
	c.maxPromised = append([]engine.Ballot(nil), s.maxPromised...)
	c.violations = make([]Violation, len(s.violations))
	for i, v := range s.violations {
		v.Values = append([]engine.Value(nil), v.Values...)
		v.Ballots = append([]engine.Ballot(nil), v.Ballots...)
		c.violations[i] = v
	}
	c.out = engine.Out{}
	return &c
}

// Accessors for front ends. Slices returned are the simulator's own: do
// not modify them.

// Cluster returns the cluster line.
func (s *Sim) Cluster() Cluster { return s.cl }

// Config returns the engine configuration.
func (s *Sim) Config() *engine.Config { return s.cfg }

// Nodes returns every node's state, indexed by NodeID.
func (s *Sim) Nodes() []engine.Node { return s.node }

// InFlight returns the in-flight messages in id order.
func (s *Sim) InFlight() []engine.Message { return s.inflight }

// Step returns the number of events so far.
func (s *Sim) Step() int { return s.step }

// Now returns logical time in ticks.
func (s *Sim) Now() int { return s.now }

// Deadline returns node id's retry-timer deadline, or -1 when stopped.
func (s *Sim) Deadline(id engine.NodeID) int { return s.timers[id] }

// Group returns node id's partition group (all 0 when healed).
func (s *Sim) Group(id engine.NodeID) int { return int(s.group[id]) }

// Partitioned reports whether the network is partitioned.
func (s *Sim) Partitioned() bool { return s.partitioned() }

// ChosenValues returns the values chosen so far, in the order chosen.
func (s *Sim) ChosenValues() []Chosen { return s.chosen }

// IsChosen reports whether v has been chosen.
func (s *Sim) IsChosen(v engine.Value) bool {
	for _, c := range s.chosen {
		if c.Value == v {
			return true
		}
	}
	return false
}

// Violations returns the first break of each invariant broken so far.
func (s *Sim) Violations() []Violation { return s.violations }

// Tallies returns the god's-eye history of votes: for each (ballot, value)
// voted, the acceptors that voted it, in order of first vote. Tallies that
// can never change what is chosen (dead losing ballots) may be forgotten
// once there are many; every chosen value is kept in ChosenValues.
func (s *Sim) Tallies() []Tally { return s.tallies }

// Name returns node id's name.
func (s *Sim) Name(id engine.NodeID) string { return s.cfg.Name(id) }

// Describe renders a message in script syntax.
func (s *Sim) Describe(m *engine.Message) string { return s.cfg.Describe(m) }

// NextID returns the id the next message sent will get.
func (s *Sim) NextID() int { return s.nextID }

// TimersArmed reports whether any retry timer is running.
func (s *Sim) TimersArmed() bool { return s.timersArmed() }

// Enabled reports whether the scheduler has anything to do.
func (s *Sim) Enabled() bool { return len(s.inflight) > 0 || s.TimersArmed() }

func itoa(n int) string { return strconv.Itoa(n) }
