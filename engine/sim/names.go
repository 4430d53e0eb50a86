package sim

import (
	"slices"

	"github.com/paxviz/paxviz/engine"
	mp "github.com/paxviz/paxviz/engine/multipaxos"
	rf "github.com/paxviz/paxviz/engine/raft"
)

// What front ends (web, lessons, cmd) need to know about the protocols,
// said in the world's generic types: protocol names, bug switch names,
// invariant names and the violation notes. Only this package and check/
// import a protocol package (architecture.md "Who may name a protocol").

// The protocols a cluster line may name (script.md "Other protocols").
// Single-decree Paxos is the cluster line that names none; Script.Protocol
// and these functions spell it "".
const (
	ProtoPaxos      = ""
	ProtoMultiPaxos = "multipaxos"
	ProtoRaft       = "raft"
)

// Protocols lists every protocol, single-decree Paxos first.
var Protocols = []string{ProtoPaxos, ProtoMultiPaxos, ProtoRaft}

// BugNames returns the bug switches of protocol ("" or "paxos":
// single-decree), in the order of its page; nil for an unknown protocol.
// The slice is new: callers may keep it.
func BugNames(protocol string) []string {
	switch protocol {
	case ProtoPaxos, "paxos":
		return engine.BugNames()
	case ProtoMultiPaxos:
		out := make([]string, len(mp.AllBugs))
		for i, b := range mp.AllBugs {
			out[i] = b.String()
		}
		return out
	case ProtoRaft:
		all := append(slices.Clone(rf.AllBugs), rf.Controls...)
		out := make([]string, len(all))
		for i, b := range all {
			out[i] = b.String()
		}
		return out
	}
	return nil
}

// KnownBug reports whether name is a bug switch of protocol.
func KnownBug(protocol, name string) bool {
	return slices.Contains(BugNames(protocol), name)
}

// InvariantNames returns the invariants protocol checks, in report order
// (the names `expect violation NAME` takes); nil for an unknown protocol.
func InvariantNames(protocol string) []string {
	switch protocol {
	case ProtoPaxos, "paxos":
		return slices.Clone(Invariants)
	case ProtoMultiPaxos:
		return slices.Clone(mp.Invariants)
	case ProtoRaft:
		return slices.Clone(rf.Invariants)
	}
	return nil
}

// WithBug returns c with the single-decree bug switch name on; ok is false
// (and c unchanged) for a name that is not one (BugNames("") lists them).
func (c Cluster) WithBug(name string) (Cluster, bool) {
	b, err := engine.ParseBug(name)
	if err != nil {
		return c, false
	}
	c.Bugs = c.Bugs.With(b)
	return c, true
}

// BugList returns the names of the bug switches c turns on, in the order
// of paxos.md §3.
func (c Cluster) BugList() []string {
	var out []string
	for _, b := range c.Bugs.List() {
		out = append(out, b.String())
	}
	return out
}

// ViolationNote returns the invariant a single-decree narration note
// reports broken, or "" when n is not such a note (front ends show those
// with the violation's own text).
func ViolationNote(n *engine.Note) string {
	if n.Kind != engine.NoteViolation {
		return ""
	}
	return string(n.V)
}

// EventNode names the node an event happens at: the node a propose,
// timeout, crash or restart names, or a delivered message's receiver (""
// for the rest).
func (s *Sim) EventNode(ev *Event) string {
	switch ev.Act.Kind {
	case ActPropose, ActTimeout, ActCrash, ActRestart:
		return s.cfg.Name(ev.Act.Node)
	case ActDeliver:
		if ev.Msg.ID > 0 {
			return s.cfg.Name(ev.Msg.To)
		}
	}
	return ""
}

// MessageEnds returns the names of a message's sender and receiver.
func (s *Sim) MessageEnds(m *engine.Message) (from, to string) {
	return s.cfg.Name(m.From), s.cfg.Name(m.To)
}

// CommandParser parses one command at a time for a single-decree cluster
// (a lesson's script blocks, the browser's command line) without its
// caller naming the protocol's configuration.
type CommandParser struct {
	cfg *engine.Config
}

// NewCommandParser returns a parser for cluster cl, which must be valid
// (as ParseCluster returns it).
func NewCommandParser(cl Cluster) *CommandParser {
	return &CommandParser{cfg: cl.EngineConfig()}
}

// Parse reads one action or expectation (not a cluster line), exactly as
// ParseCommand does.
func (p *CommandParser) Parse(line string) (Stmt, error) { return ParseCommand(p.cfg, line) }

// Want says what e claims, as a translation key (want.*) and its
// arguments: a goal's checklist in words rather than in script. It is the
// counterpart of EvalDetail, which says what the state is.
func (s *Sim) Want(e *Expect) (key string, args map[string]string) {
	c := s.cfg
	name := ""
	if e.Node >= 0 && int(e.Node) < len(c.Nodes) {
		name = c.Name(e.Node)
	}
	a := map[string]string{"node": name, "v": string(e.Value), "b": e.Ballot.String(), "n": itoa(e.N), "name": e.Name}
	switch e.Kind {
	case ExpChosen:
		if e.Value == "" {
			return "want.chosen_none", a
		}
		return "want.chosen", a
	case ExpLearned:
		if e.Value == "" {
			return "want.learned_none", a
		}
		return "want.learned", a
	case ExpPromised:
		if e.Ballot.IsZero() {
			return "want.promised_none", a
		}
		return "want.promised", a
	case ExpAccepted:
		if e.Ballot.IsZero() {
			return "want.accepted_none", a
		}
		return "want.accepted", a
	case ExpInFlight:
		if e.Sel != nil {
			a["sel"] = e.Sel.Format(c)
			return "want.inflight_sel", a
		}
		return "want.inflight", a
	case ExpSafe:
		return "want.safe", a
	case ExpViolation:
		if e.Name == "" {
			return "want.violation_any", a
		}
		return "want.violation", a
	case ExpPhase:
		return "want.phase", a
	case ExpProposed:
		return "want.proposed", a
	}
	return "", nil
}

// DefaultMPCluster returns the cluster `cluster multipaxos` declares with
// no keys: the protocol's default servers, clients, window, timeout and
// heartbeat, seed 1.
func DefaultMPCluster() MPCluster {
	return MPCluster{Servers: mp.DefaultServers, Clients: mp.DefaultClients, Window: mp.DefaultWindow,
		Timeout: mp.DefaultTimeout, Heartbeat: mp.DefaultHeartbeat, Seed: DefaultSeed}
}

// WithBugs returns c with the Multi-Paxos bug switches of a comma-separated
// list turned on (BugNames("multipaxos") lists them); an unknown name is
// an error naming it.
func (c MPCluster) WithBugs(list string) (MPCluster, error) {
	b, err := mp.ParseBugs(list)
	if err != nil {
		return c, err
	}
	c.Bugs |= b
	return c, nil
}
