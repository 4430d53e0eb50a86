package sim

import (
	"fmt"
	"strconv"
	"strings"

	rf "github.com/paxviz/paxviz/engine/raft"
)

// The Raft cluster as the engine-level model checker drives it (package
// check, `paxviz check engine --protocol raft`): its actions one at a
// time, by message id. The canonical encoding (with server symmetry) is
// the protocol package's (raft.State.AppendKeyPerm and friends); the
// in-flight multiset is read with InFlight.

// InFlight returns the messages in the network, in id order (do not
// modify).
func (s *RaftSim) InFlight() []rf.Message { return s.W.inflight }

// Step returns the number of steps taken.
func (s *RaftSim) Step() int { return s.W.step }

// Propose is `propose S V` as one step.
func (s *RaftSim) Propose(node rf.NodeID, v string) error {
	return s.propose("propose "+s.p.cfg.Name(node)+" "+v, int(node), v)
}

// DeliverID delivers in-flight message id as one step.
func (s *RaftSim) DeliverID(id int) error { return s.onMsg(id, ActDeliver) }

// DropID loses in-flight message id as one step.
func (s *RaftSim) DropID(id int) error { return s.onMsg(id, ActDrop) }

// DupID duplicates in-flight message id as one step.
func (s *RaftSim) DupID(id int) error { return s.onMsg(id, ActDup) }

func (s *RaftSim) onMsg(id int, k Kind) error {
	if s.W.IndexOf(id) < 0 {
		return fmt.Errorf("message #%d is not in flight", id)
	}
	if s.W.actOnID(k, id) {
		return nil
	}
	return s.applyAction(&Action{Kind: k, Sel: Selector{ID: id, From: Any, To: Any}})
}

// Act runs a server action as one step: ActTimeout (`timeout S`: an
// election, or a leader's heartbeat round), ActCrash or ActRestart.
func (s *RaftSim) Act(k Kind, node rf.NodeID) error {
	return s.applyAction(&Action{Kind: k, Node: nodeID(int(node))})
}

// Violated reports whether invariant name (any, when "") is broken.
func (s *RaftSim) Violated(name string) bool {
	if name == "" {
		return len(s.p.k.Violations()) > 0
	}
	return s.p.k.Broken(name)
}

// RaftSelector returns the shortest script selector among "TYPE FROM->TO"
// and that with t=TERM added that picks exactly in-flight message id, and
// "#ID" when neither does (identical copies).
func (s *RaftSim) RaftSelector(id int) string {
	i := s.W.IndexOf(id)
	if i < 0 {
		return "#" + strconv.Itoa(id)
	}
	m := &s.W.inflight[i]
	cfg := s.p.cfg
	words := []string{m.Type.String(), cfg.Name(m.From) + "->" + cfg.Name(m.To)}
	sel := raftSel{Type: m.Type, From: int(m.From), To: int(m.To)}
	unique := func() bool {
		n := 0
		for j := range s.W.inflight {
			if sel.match(&s.W.inflight[j]) {
				n++
			}
		}
		return n == 1
	}
	if unique() {
		return strings.Join(words, " ")
	}
	if m.Term >= 1 {
		sel.Term = m.Term
		words = append(words, "t="+strconv.Itoa(int(m.Term)))
		if unique() {
			return strings.Join(words, " ")
		}
	}
	return "#" + strconv.Itoa(id)
}
