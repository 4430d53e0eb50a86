package sim

import (
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
)

// Kind is the kind of an Action.
type Kind uint8

// Action kinds: the one vocabulary of script.md that every door (browser,
// lesson, test, CLI) uses to change a simulation.
const (
	ActNone Kind = iota
	ActPropose
	ActDeliver
	ActDrop
	ActDup
	ActTimeout
	ActTick
	ActCrash
	ActRestart
	ActPartition
	ActHeal
	ActRun
	// ActProto is a protocol's own form (put, get, cas for Multi-Paxos),
	// kept as written in Action.Text.
	ActProto
)

var kindNames = [...]string{"none", "propose", "deliver", "drop", "dup", "timeout", "tick", "crash", "restart", "partition", "heal", "run", "proto"}

// String returns the command word of k.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Any is the NodeID of a `*` in a selector.
const Any engine.NodeID = -1

// Selector picks in-flight messages: #N, or TYPE, TYPE FROM->TO, FROM->TO,
// with `*` wildcards, optionally b=BALLOT.
type Selector struct {
	ID       int            // >0: exactly message #ID
	Type     engine.MsgType // MsgNone: any type
	From, To engine.NodeID  // Any: any node
	Ballot   engine.Ballot  // zero: any ballot
	// Value, when set (v=V), matches accept, accepted and decided messages with that value.
	Value engine.Value
	// own is another protocol's selector (its type and filters; ID is
	// this struct's), nil for single-decree Paxos.
	own selTarget
}

// target is what the parser fills: own, or sel itself for single-decree.
func (sel *Selector) target() selTarget {
	if sel.own != nil {
		return sel.own
	}
	return sel
}

// Match reports whether m is selected.
func (sel *Selector) Match(m *engine.Message) bool {
	if sel.ID > 0 {
		return m.ID == sel.ID
	}
	if sel.Type != engine.MsgNone && m.Type != sel.Type {
		return false
	}
	if sel.From != Any && m.From != sel.From {
		return false
	}
	if sel.To != Any && m.To != sel.To {
		return false
	}
	if !sel.Ballot.IsZero() && m.Ballot != sel.Ballot {
		return false
	}
	if sel.Value != "" && m.Value != sel.Value {
		return false
	}
	return true
}

// Format renders sel in script syntax.
func (sel *Selector) Format(c *engine.Config) string { return sel.format(c.Name) }

func (sel *Selector) format(name func(engine.NodeID) string) string {
	if sel.ID > 0 {
		return "#" + strconv.Itoa(sel.ID)
	}
	var parts []string
	if sel.Type != engine.MsgNone {
		parts = append(parts, sel.Type.String())
	} else if sel.From == Any && sel.To == Any {
		parts = append(parts, "*")
	}
	if sel.From != Any || sel.To != Any {
		parts = append(parts, nodeOrStar(name, sel.From)+"->"+nodeOrStar(name, sel.To))
	}
	if !sel.Ballot.IsZero() {
		parts = append(parts, "b="+sel.Ballot.String())
	}
	if sel.Value != "" {
		parts = append(parts, "v="+string(sel.Value))
	}
	return strings.Join(parts, " ")
}

func nodeOrStar(name func(engine.NodeID) string, id engine.NodeID) string {
	if id == Any {
		return "*"
	}
	return name(id)
}

// Until is run's stop condition.
type Until uint8

// Stop conditions of run.
const (
	UntilNone   Until = iota // run max events, or until nothing is enabled
	UntilChosen              // stop once a value is chosen
	UntilQuiet               // stop once no message is in flight
)

// Action is one command that changes a simulation.
type Action struct {
	Kind  Kind
	Node  engine.NodeID // propose, timeout, crash, restart
	Value engine.Value  // propose
	Sel   Selector      // deliver, drop, dup
	N     int           // tick: ticks; run: max events
	Until Until         // run
	// DropPerMille and DupPerMille are run's random fault rates, in
	// thousandths, so that rates are exact and print the same everywhere.
	DropPerMille, DupPerMille int
	// Groups are partition's groups; a group holding Any is the `*` group.
	Groups [][]engine.NodeID
	// Text is a protocol form as written (ActProto).
	Text string
}

// Format renders a in script syntax.
func (a *Action) Format(c *engine.Config) string { return a.FormatNames(c.Name) }

// FormatNames renders a in script syntax, nodes named by name (any
// protocol's cluster).
func (a *Action) FormatNames(name func(engine.NodeID) string) string {
	switch a.Kind {
	case ActProto:
		return a.Text
	case ActPropose:
		return "propose " + name(a.Node) + " " + string(a.Value)
	case ActDeliver, ActDrop, ActDup:
		return a.Kind.String() + " " + a.Sel.format(name)
	case ActTimeout, ActCrash, ActRestart:
		return a.Kind.String() + " " + name(a.Node)
	case ActTick:
		if a.N == 1 {
			return "tick"
		}
		return "tick " + strconv.Itoa(a.N)
	case ActHeal:
		return "heal"
	case ActPartition:
		var gs []string
		for _, g := range a.Groups {
			var names []string
			for _, id := range g {
				names = append(names, nodeOrStar(name, id))
			}
			gs = append(gs, strings.Join(names, " "))
		}
		return "partition " + strings.Join(gs, " | ")
	case ActRun:
		var sb strings.Builder
		sb.WriteString("run max=" + strconv.Itoa(a.N))
		switch a.Until {
		case UntilChosen:
			sb.WriteString(" until=chosen")
		case UntilQuiet:
			sb.WriteString(" until=quiet")
		}
		if a.DropPerMille > 0 {
			sb.WriteString(" drop=" + formatRate(a.DropPerMille))
		}
		if a.DupPerMille > 0 {
			sb.WriteString(" dup=" + formatRate(a.DupPerMille))
		}
		return sb.String()
	}
	return "?"
}

// formatRate renders thousandths as a decimal fraction: 50 → "0.05".
func formatRate(pm int) string {
	if pm >= 1000 {
		return "1"
	}
	s := strconv.Itoa(pm + 1000)[1:] // three digits
	s = strings.TrimRight(s, "0")
	return "0." + s
}
