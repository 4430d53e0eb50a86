package check

import (
	"fmt"
	"strings"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

// counterexample replays the path whose states have the fingerprints
// targets from the fresh cluster: at each step it takes the first action
// (in the search's order) that leads to the next state, so the schedule
// has real message ids and names real acceptors even when the search
// stored a renamed representative. It writes the schedule as a paxviz
// script ending in the expectations that show the violation of inv, and
// checks that the script, run as paxviz run runs it, exits 0.
func (e *engineSearch) counterexample(targets []fp, inv, detail string) (*Violation, error) {
	cfg := e.cfg
	cl := e.opt.Cluster
	s := sim.New(cl)
	var g *Refinement
	if e.opt.Refine {
		g = NewRefinement(s)
	}
	v := &Violation{Invariant: inv, Detail: detail, Steps: len(targets)}
	cur := -1
	var replayErr error
	s.Trace = func(ev *sim.Event) {
		if g != nil && replayErr == nil {
			replayErr = g.Observe(s, ev)
		}
		for _, n := range ev.Notes {
			if n.Kind == engine.NoteBugActs && cur >= 0 && (len(v.BugSteps) == 0 || v.BugSteps[len(v.BugSteps)-1] != cur) {
				v.BugSteps = append(v.BugSteps, cur)
			}
		}
	}
	var lines []string
	for i := range e.opt.Prefix {
		a := e.opt.Prefix[i]
		if _, err := s.Apply(&a); err != nil {
			return nil, fmt.Errorf("check: internal error: prefix replay: %v", err)
		}
		lines = append(lines, a.Format(cfg))
	}
	h := e.startHeader()
	var order []int
	for i, target := range targets {
		cur = i
		order = e.canon.InFlightOrder(s, order)
		var chosen uint32
		var next header
		_, err := e.actionsFrom(s, h, order, func(act uint32) (bool, error) {
			h2, err := e.successor(s, h, g, order, act)
			if err != nil {
				return true, err
			}
			var g2 *Refinement
			if g != nil {
				g2 = e.gWork
			}
			e.enc = e.encode(e.enc[:0], h2, e.work, g2)
			if fingerprint(e.enc) == target {
				chosen, next = act, h2
				return true, nil
			}
			return false, nil
		})
		if err != nil {
			return nil, err
		}
		if chosen == 0 {
			return nil, fmt.Errorf("check: internal error: replay step %d: no action reaches the recorded state", i+1)
		}
		a := e.simAction(s, order, chosen)
		comment := ""
		if kind, arg := unpackAct(chosen); kind == actDeliver || kind == actDup || kind == actDrop {
			m := s.InFlight()[order[arg]]
			a.Sel = readableSelector(s, &m)
			comment = cfg.Describe(&m)
		}
		if _, err := s.Apply(&a); err != nil {
			return nil, fmt.Errorf("check: internal error: replay step %d (%s): %v", i+1, a.Format(cfg), err)
		}
		h = next
		v.Actions = append(v.Actions, a)
		line := a.Format(cfg)
		if comment != "" {
			line = fmt.Sprintf("%-32s # %s", line, comment)
		}
		lines = append(lines, line)
	}
	s.Trace = nil
	if inv == "refinement" {
		if replayErr == nil {
			return nil, fmt.Errorf("check: internal error: the replayed schedule refines the spec")
		}
		// The replay names the real step and message ids.
		v.Detail = replayErr.Error()
	}

	var sb strings.Builder
	if inv == "refinement" {
		fmt.Fprintf(&sb, "# paxviz check engine: a shortest schedule (%d steps) whose last step is not a step of Lamport's Paxos.tla.\n", len(targets))
	} else {
		fmt.Fprintf(&sb, "# paxviz check engine: a shortest counterexample (%d steps) to %s.\n", len(targets), inv)
	}
	fmt.Fprintf(&sb, "# Bounds: %s\n", e.opt.Bounds())
	sb.WriteString(cl.String() + "\n")
	for _, l := range lines {
		sb.WriteString(l + "\n")
	}
	if inv == "refinement" {
		fmt.Fprintf(&sb, "# refinement: %s\n", v.Detail)
		if s.Violated("") {
			fmt.Fprintf(&sb, "expect violation %s\n", s.Violations()[0].Invariant)
		} else {
			sb.WriteString("expect safe\n")
		}
	} else {
		var viol *sim.Violation
		for i := range s.Violations() {
			if s.Violations()[i].Invariant == inv {
				viol = &s.Violations()[i]
			}
		}
		if viol == nil {
			return nil, fmt.Errorf("check: internal error: the replayed counterexample does not break %s", inv)
		}
		if v.Detail == "" {
			v.Detail = sim.ViolationText("en", cfg, viol)
		}
		fmt.Fprintf(&sb, "# %s\n", v.Detail)
		switch inv {
		case sim.InvAgreement:
			for _, c := range s.ChosenValues() {
				fmt.Fprintf(&sb, "expect chosen %s\n", c.Value)
			}
		case sim.InvLearnedChosen:
			if viol.Node >= 0 {
				fmt.Fprintf(&sb, "expect learned %s %s\n", cfg.Name(viol.Node), s.Nodes()[viol.Node].L.Learned)
			}
		}
		fmt.Fprintf(&sb, "expect violation %s\n", inv)
	}
	v.Script = sb.String()
	if err := verifyScript(v.Script); err != nil {
		return nil, fmt.Errorf("check: internal error: the counterexample script does not replay: %v\n%s", err, v.Script)
	}
	return v, nil
}

// readableSelector returns the shortest of "TYPE FROM->TO", "... b=B" and
// "... b=B v=V" that picks exactly m among the in-flight messages of s,
// and #ID when none does (identical copies).
func readableSelector(s *sim.Sim, m *engine.Message) sim.Selector {
	cands := []sim.Selector{
		{Type: m.Type, From: m.From, To: m.To},
		{Type: m.Type, From: m.From, To: m.To, Ballot: m.Ballot},
	}
	if m.Value != "" && (m.Type == engine.MsgAccept || m.Type == engine.MsgAccepted || m.Type == engine.MsgDecided) {
		cands = append(cands, sim.Selector{Type: m.Type, From: m.From, To: m.To, Ballot: m.Ballot, Value: m.Value})
	}
	for i := range cands {
		if ids := s.Matches(&cands[i]); len(ids) == 1 && ids[0] == m.ID {
			return cands[i]
		}
	}
	return sim.Selector{ID: m.ID, From: sim.Any, To: sim.Any}
}

// verifyScript runs a counterexample script as paxviz run does and checks
// that it exits 0.
func verifyScript(src string) error {
	sc, err := sim.Parse("counterexample", src)
	if err != nil {
		return err
	}
	res := sim.Exec(sc, nil)
	if res.Err != nil {
		return res.Err
	}
	if len(res.Failures) > 0 {
		return res.Failures[0]
	}
	return nil
}
