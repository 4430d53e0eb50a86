package sim

import (
	"errors"
	"slices"
	"strings"

	"github.com/paxviz/paxviz/i18n"
)

// Protocol-generic scripts for the doors that must not name a protocol
// (lessons; architecture.md "Who may name a protocol"): the cluster line of
// any protocol, its statements (the one Stmt, from the one parser), and a
// Machine that applies and evaluates them.

// AnyCluster is a parsed cluster line of any protocol.
type AnyCluster struct {
	// Protocol is "" (single-decree Paxos), "multipaxos" or "raft".
	Protocol string
	// SD is the single-decree cluster (zero for the other protocols).
	SD   Cluster
	mp   MPCluster
	raft RaftCluster
	l    lang
}

// ParseAnyCluster reads a cluster line of any protocol through the
// protocol registry (Script.declare).
func ParseAnyCluster(line string) (AnyCluster, error) {
	text := StripComment(line)
	if w := strings.Fields(text); len(w) == 0 || w[0] != "cluster" {
		return AnyCluster{}, errors.New("cluster: a cluster line starts with the word cluster")
	}
	if !isPrintable(text) {
		return AnyCluster{}, errors.New("cluster: the line has a control or non-ASCII character")
	}
	sc := &Script{}
	l, err := sc.declare(text)
	if err != nil {
		return AnyCluster{}, err
	}
	c := AnyCluster{Protocol: sc.Protocol, SD: sc.Cluster, l: l}
	if sc.mp != nil {
		c.mp = *sc.mp
	}
	if sc.raft != nil {
		c.raft = *sc.raft
	}
	return c, nil
}

// String renders the canonical cluster line.
func (c AnyCluster) String() string {
	switch c.Protocol {
	case ProtoMultiPaxos:
		return c.mp.String()
	case ProtoRaft:
		return c.raft.String()
	}
	return c.SD.String()
}

// Invariants names the invariants of the cluster's protocol (what `expect
// violation NAME` and a lesson's breaks: accept).
func (c AnyCluster) Invariants() []string { return InvariantNames(c.Protocol) }

// ParseStmt reads one action or expectation (not a cluster line) for this
// cluster, as the one parser reads a script's lines.
func (c AnyCluster) ParseStmt(line string) (Stmt, error) {
	if c.l == nil {
		return Stmt{}, errors.New("no cluster")
	}
	if text := StripComment(line); !isPrintable(text) {
		return Stmt{}, errors.New("line has a control or non-ASCII character outside a comment")
	}
	return parseStmt(c.l, line)
}

// IsExpect reports whether st is an `expect` line.
func (st *Stmt) IsExpect() bool { return st.Expect != nil }

// MessageAction reports whether st is a deliver, drop or dup.
func (st *Stmt) MessageAction() bool {
	a := st.Action
	return a != nil && (a.Kind == ActDeliver || a.Kind == ActDrop || a.Kind == ActDup)
}

// Broken is one broken invariant, protocol-free.
type Broken struct {
	Invariant string
	Step      int
	// Text says what broke, in English.
	Text string
}

// Machine is a simulation of any protocol, driven by statements of its
// cluster's ParseStmt.
type Machine struct {
	cl   AnyCluster
	sd   *Sim
	mp   *MPSim
	raft *RaftSim
}

// NewMachine returns the initial state of cl, which must be valid.
func NewMachine(cl AnyCluster) *Machine {
	m := &Machine{cl: cl}
	switch cl.Protocol {
	case ProtoMultiPaxos:
		m.mp = NewMP(cl.mp)
	case ProtoRaft:
		m.raft = NewRaft(cl.raft)
	default:
		m.sd = New(cl.SD)
	}
	return m
}

// WrapSim returns a Machine over a single-decree simulation (shared, not
// copied).
func WrapSim(s *Sim) *Machine {
	return &Machine{cl: AnyCluster{SD: s.Cluster(), l: &sdLang{cfg: s.Config()}}, sd: s}
}

// Cluster returns the cluster the machine runs.
func (m *Machine) Cluster() AnyCluster { return m.cl }

// SD returns the single-decree simulation (nil for another protocol).
func (m *Machine) SD() *Sim { return m.sd }

// Apply performs an action statement and returns the number of events it
// took; an error leaves the state as it was.
func (m *Machine) Apply(st *Stmt) (int, error) {
	if st.Action == nil {
		return 0, errors.New("not an action")
	}
	switch {
	case m.mp != nil:
		before := m.mp.W.step
		err := m.mp.apply(st)
		return m.mp.W.step - before, err
	case m.raft != nil:
		before := m.raft.W.step
		err := m.raft.apply(st)
		return m.raft.W.step - before, err
	}
	return m.sd.Apply(st.Action)
}

// Eval reports whether an expect statement holds; when not, what the state
// is instead (English).
func (m *Machine) Eval(st *Stmt) (bool, string) {
	if st.Expect == nil {
		return false, "not an expectation"
	}
	switch {
	case m.mp != nil:
		return m.mp.eval(st.Expect)
	case m.raft != nil:
		return m.raft.eval(st.Expect)
	}
	return m.sd.Eval(st.Expect)
}

// Broken lists the invariants broken so far, in order.
func (m *Machine) Broken() []Broken {
	var bs []brokenInv
	switch {
	case m.mp != nil:
		bs = (&mpRun{s: m.mp}).broken()
	case m.raft != nil:
		bs = (&raftRun{s: m.raft}).broken()
	default:
		vs := m.sd.Violations()
		out := make([]Broken, len(vs))
		for i := range vs {
			out[i] = Broken{Invariant: vs[i].Invariant, Step: vs[i].Step, Text: ViolationText(i18n.EN, m.sd.Config(), &vs[i])}
		}
		return out
	}
	out := make([]Broken, len(bs))
	for i, b := range bs {
		out[i] = Broken{Invariant: b.inv, Step: b.step, Text: b.text}
	}
	return out
}

// Violated reports whether invariant name (any, when "") has been broken.
func (m *Machine) Violated(name string) bool {
	if m.sd != nil {
		return m.sd.Violated(name)
	}
	return slices.ContainsFunc(m.Broken(), func(b Broken) bool { return name == "" || b.Invariant == name })
}

// InFlight describes the messages in flight, oldest first.
func (m *Machine) InFlight() []string {
	var out []string
	switch {
	case m.mp != nil:
		for i := range m.mp.W.inflight {
			out = append(out, m.mp.p.cfg.Describe(&m.mp.W.inflight[i]))
		}
	case m.raft != nil:
		for i := range m.raft.W.inflight {
			out = append(out, m.raft.p.cfg.Describe(&m.raft.W.inflight[i]))
		}
	default:
		msgs := m.sd.InFlight()
		for i := range msgs {
			out = append(out, m.sd.Describe(&msgs[i]))
		}
	}
	return out
}

// Summary renders the state in English (nodes, messages, outcome,
// invariants), as paxviz run prints it at the end.
func (m *Machine) Summary() string {
	switch {
	case m.mp != nil:
		return m.mp.Summary()
	case m.raft != nil:
		return m.raft.Summary()
	}
	return m.sd.Summary()
}
