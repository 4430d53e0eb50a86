package sim

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/i18n"
)

// NoteKey returns the translation key of note n.
func NoteKey(n *engine.Note) string {
	switch n.Kind {
	case engine.NoteBugActs:
		return "note.bug." + n.Bug.String()
	case engine.NoteStartBallot:
		if n.N == 1 {
			return "note.start_ballot.retry"
		}
	}
	return "note." + n.Kind.String()
}

// NoteArgs returns the placeholders of note n as strings.
func NoteArgs(c *engine.Config, n *engine.Note) map[string]string {
	name := func(id engine.NodeID) string {
		if id < 0 {
			return ""
		}
		return c.Name(id)
	}
	args := map[string]string{
		"node": name(n.Node),
		"peer": name(n.Peer),
		"b":    n.B.String(),
		"b2":   n.B2.String(),
		"v":    string(n.V),
		"v2":   string(n.V2),
		"n":    strconv.Itoa(n.N),
		"q":    strconv.Itoa(n.Q),
		"bug":  n.Bug.String(),
	}
	return args
}

// NoteText renders note n in lang.
func NoteText(lang i18n.Lang, c *engine.Config, n *engine.Note) string {
	if n.Kind == engine.NoteViolation {
		return i18n.Format(lang, "note.violation", map[string]string{"v": i18n.T(lang, "inv."+string(n.V))})
	}
	return i18n.Format(lang, NoteKey(n), NoteArgs(c, n))
}

// ViolationArgs returns the placeholders of violation v.
func ViolationArgs(c *engine.Config, v *Violation) map[string]string {
	args := map[string]string{"step": strconv.Itoa(v.Step), "inv": v.Invariant}
	if v.Node >= 0 {
		args["node"] = c.Name(v.Node)
	}
	for i, val := range v.Values {
		args[[]string{"v", "v2", "v3"}[min(i, 2)]] = string(val)
	}
	for i, b := range v.Ballots {
		args[[]string{"b", "b2", "b3"}[min(i, 2)]] = b.String()
	}
	return args
}

// ViolationText renders v in lang, e.g. "agreement broken at step 14: X
// was chosen at 1.1 and Y at 1.2".
func ViolationText(lang i18n.Lang, c *engine.Config, v *Violation) string {
	return i18n.Format(lang, "viol."+v.Invariant, ViolationArgs(c, v))
}

// DescribeNode renders one node's state on one line (English).
func (s *Sim) DescribeNode(id engine.NodeID) string {
	c := s.cfg
	n := &s.node[id]
	info := c.Nodes[id]
	var parts []string
	parts = append(parts, fmt.Sprintf("%-3s %-8s", info.Name, info.Roles))
	if n.Up {
		parts = append(parts, "up  ")
	} else {
		parts = append(parts, "DOWN")
	}
	if info.Roles.Has(engine.RoleProposer) {
		p := &n.P
		txt := "phase=" + p.Phase.String()
		if p.Phase != engine.PhaseIdle {
			txt += " ballot=" + p.Ballot.String()
		}
		if p.Own != "" {
			txt += " own=" + string(p.Own)
		}
		if p.Phase == engine.PhasePreparing {
			txt += fmt.Sprintf(" promises=%d/%d", p.Count, c.Quorum)
		}
		if p.Proposed != "" && p.Phase != engine.PhasePreparing {
			txt += " proposed=" + string(p.Proposed)
		}
		txt += fmt.Sprintf(" round-used=%d", p.RoundUsed)
		parts = append(parts, txt)
	}
	if info.Roles.Has(engine.RoleAcceptor) {
		a := &n.A
		txt := "promised=" + a.Promised.String()
		if a.VoteBallot.IsZero() {
			txt += " accepted=none"
		} else {
			txt += fmt.Sprintf(" accepted=(%s,%s)", a.VoteBallot, a.VoteValue)
		}
		parts = append(parts, txt)
	}
	if info.Roles.Has(engine.RoleLearner) {
		if n.L.Learned == "" {
			parts = append(parts, "learned=none")
		} else {
			parts = append(parts, fmt.Sprintf("learned=%s (%s)", n.L.Learned, n.L.LearnedBallot))
		}
	}
	if s.timers[id] >= 0 {
		parts = append(parts, fmt.Sprintf("timer=%d", s.timers[id]))
	}
	return strings.Join(parts, "  ")
}
