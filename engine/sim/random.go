package sim

import (
	"github.com/paxviz/paxviz/engine"
)

// RandomAction picks an action for s using pick(n), which returns an int
// in [0, n). The action may be impossible in s (Check tells); random walks
// skip those. Walks, fuzzers and the checker's samplers share it, so they
// all explore the same vocabulary: deliveries, drops, duplicates,
// proposals, timeouts, ticks, crashes, restarts, partitions, heals and
// scheduler runs with random fault rates.
func RandomAction(s *Sim, pick func(n int) int) Action {
	c := s.cfg
	randNode := func(ids []engine.NodeID) engine.NodeID { return ids[pick(len(ids))] }
	all := make([]engine.NodeID, len(c.Nodes))
	for i := range all {
		all[i] = engine.NodeID(i)
	}
	values := []engine.Value{"X", "Y", "Z"}
	msg := func(k Kind) Action {
		if len(s.inflight) == 0 {
			return Action{Kind: ActPropose, Node: randNode(c.Proposers), Value: values[pick(len(values))]}
		}
		m := &s.inflight[pick(len(s.inflight))]
		return Action{Kind: k, Sel: Selector{ID: m.ID, From: Any, To: Any}}
	}
	switch r := pick(100); {
	case r < 40:
		return msg(ActDeliver)
	case r < 46:
		return msg(ActDrop)
	case r < 52:
		return msg(ActDup)
	case r < 58:
		return Action{Kind: ActPropose, Node: randNode(c.Proposers), Value: values[pick(len(values))]}
	case r < 63:
		return Action{Kind: ActTimeout, Node: randNode(c.Proposers)}
	case r < 68:
		return Action{Kind: ActTick, N: 1 + pick(2*s.cl.TimeoutTicks)}
	case r < 73:
		return Action{Kind: ActCrash, Node: randNode(all)}
	case r < 80:
		var down []engine.NodeID
		for i := range s.node {
			if !s.node[i].Up {
				down = append(down, engine.NodeID(i))
			}
		}
		if len(down) == 0 {
			return Action{Kind: ActRestart, Node: randNode(all)}
		}
		return Action{Kind: ActRestart, Node: randNode(down)}
	case r < 84:
		// Split the nodes into two random groups.
		var g1, g2 []engine.NodeID
		for _, id := range all {
			if pick(2) == 0 {
				g1 = append(g1, id)
			} else {
				g2 = append(g2, id)
			}
		}
		if len(g1) == 0 || len(g2) == 0 {
			return Action{Kind: ActHeal}
		}
		return Action{Kind: ActPartition, Groups: [][]engine.NodeID{g1, g2}}
	case r < 88:
		return Action{Kind: ActHeal}
	default:
		rates := []int{0, 0, 50, 100, 250}
		return Action{Kind: ActRun, N: 1 + pick(30), DropPerMille: rates[pick(len(rates))], DupPerMille: rates[pick(len(rates))]}
	}
}

// Stabilize ends a walk's fault phase: the network heals, every node comes
// back, and every proposer but the first forgets its value (a crash and
// restart), so that exactly one proposer keeps retrying. It returns the
// actions it applied; the first proposer is given value v if it has none.
func Stabilize(s *Sim, v engine.Value) []Action {
	var acts []Action
	do := func(a Action) {
		if s.Check(&a) == nil {
			if _, err := s.Apply(&a); err == nil {
				acts = append(acts, a)
			}
		}
	}
	do(Action{Kind: ActHeal})
	for i := range s.node {
		if !s.node[i].Up {
			do(Action{Kind: ActRestart, Node: engine.NodeID(i)})
		}
	}
	for _, p := range s.cfg.Proposers[1:] {
		if s.node[p].P.Own != "" {
			do(Action{Kind: ActCrash, Node: p})
			do(Action{Kind: ActRestart, Node: p})
		}
	}
	p1 := s.cfg.Proposers[0]
	if s.node[p1].P.Own == "" {
		do(Action{Kind: ActPropose, Node: p1, Value: v})
	} else {
		do(Action{Kind: ActTimeout, Node: p1})
	}
	return acts
}

func engineID(i int) engine.NodeID { return engine.NodeID(i) }
