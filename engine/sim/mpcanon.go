package sim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// The Multi-Paxos cluster as the engine-level model checker drives it
// (package check, `paxviz check engine --protocol multipaxos`): its
// actions one at a time, by message id, and a canonical encoding of the
// state.

// MPCanon encodes Multi-Paxos states canonically; its buffers are reused
// between calls. The zero value is ready to use.
type MPCanon struct {
	msgs   [][]byte
	buf    []byte
	starts []int
	sc     mp.CanonScratch
	group  []int8
	// parts are AppendLeast's encodings, one per renaming.
	parts [][]byte
	// Time adds time to the encoding (see appendTime), for searches that
	// let time pass.
	Time bool
}

// Append appends the canonical encoding of s to dst: the protocol state
// (servers and clients, durable and volatile), the god's-eye records the
// invariants judge by, the partition, and the in-flight messages as a
// multiset compared by content (ids left out, sorted), leaving out the
// messages dead says are dead (nil: none). Time, timers and
// the scheduler's random stream are left out: the checker never lets time
// pass, and `timeout N` fires a timer whatever its deadline.
func (c *MPCanon) Append(dst []byte, s *MPSim, dead func(*mp.Message) bool) []byte {
	return c.appendRest(s.p.st.AppendCanonical(dst), s, dead, nil)
}

// appendMsgs appends the in-flight messages of s that dead (nil: none)
// does not judge dead, renamed by r (nil: as they are), as a sorted
// multiset of their encodings.
func (c *MPCanon) appendMsgs(dst []byte, s *MPSim, dead func(*mp.Message) bool, cfg *mp.Config, r *mp.ClientRenaming) []byte {
	c.buf = c.buf[:0]
	c.msgs = c.msgs[:0]
	starts := c.starts[:0]
	for i := range s.W.inflight {
		if dead != nil && dead(&s.W.inflight[i]) {
			continue
		}
		starts = append(starts, len(c.buf))
		c.buf = mp.AppendMessageRenamed(c.buf, cfg, &s.W.inflight[i], r)
	}
	starts = append(starts, len(c.buf))
	c.starts = starts
	for i := 0; i+1 < len(starts); i++ {
		c.msgs = append(c.msgs, c.buf[starts[i]:starts[i+1]])
	}
	slices.SortFunc(c.msgs, bytes.Compare)
	dst = binary.AppendUvarint(dst, uint64(len(c.msgs)))
	for _, m := range c.msgs {
		dst = binary.AppendUvarint(dst, uint64(len(m)))
		dst = append(dst, m...)
	}
	return dst
}

// InFlight returns the messages in the network, in id order (do not
// modify).
func (s *MPSim) InFlight() []mp.Message { return s.W.inflight }

// Step returns the number of steps taken.
func (s *MPSim) Step() int { return s.W.step }

// Request makes client c (its NodeID) invoke op, sent to server to, as
// one step (a script's `put|get|cas C ... to=S`).
func (s *MPSim) Request(c mp.NodeID, op mp.Cmd, to mp.NodeID) error {
	return s.request("request", &mpForm{op: op, to: to, node: int(c)})
}

// DeliverID, DropID and DupID deliver, lose or duplicate in-flight
// message id as one step.
func (s *MPSim) DeliverID(id int) error { return s.onMsg(id, ActDeliver) }

// DropID loses in-flight message id as one step.
func (s *MPSim) DropID(id int) error { return s.onMsg(id, ActDrop) }

// DupID duplicates in-flight message id as one step.
func (s *MPSim) DupID(id int) error { return s.onMsg(id, ActDup) }

func (s *MPSim) onMsg(id int, k Kind) error {
	if s.W.actOnID(k, id) {
		return nil
	}
	return s.applyAction(&Action{Kind: k, Sel: Selector{ID: id, From: Any, To: Any}})
}

// Act runs a node action as one step: ActTimeout (election timer of a
// server, retry timer of a client), ActCrash or ActRestart.
func (s *MPSim) Act(k Kind, node mp.NodeID) error {
	return s.applyAction(&Action{Kind: k, Node: nodeID(int(node))})
}

// Violated reports whether invariant name (any, when "") is broken.
func (s *MPSim) Violated(name string) bool {
	if name == "" {
		return len(s.p.k.Violations()) > 0
	}
	return s.p.k.Broken(name)
}

// MPSelector returns the shortest script selector among "TYPE FROM->TO"
// and that with the filters b=, s=, id= and v= added one by one that picks
// exactly in-flight message id, and "#ID" when none does.
func (s *MPSim) MPSelector(id int) string {
	i := s.W.IndexOf(id)
	if i < 0 {
		return fmt.Sprintf("#%d", id)
	}
	m := &s.W.inflight[i]
	cfg := s.p.cfg
	words := []string{m.Type.String(), cfg.Name(m.From) + "->" + cfg.Name(m.To)}
	sel := mpSel{Type: m.Type, From: int(m.From), To: int(m.To)}
	var filters []func()
	switch m.Type {
	case mp.MsgPrepare, mp.MsgPromise, mp.MsgNack, mp.MsgAccept, mp.MsgAccepted, mp.MsgHeartbeat, mp.MsgHeartbeatOK:
		filters = append(filters, func() { sel.B = m.Ballot; words = append(words, "b="+m.Ballot.String()) })
	}
	switch {
	case m.Type == mp.MsgAccept, m.Type == mp.MsgAccepted, m.Type == mp.MsgCommit,
		m.Type == mp.MsgNack && m.Rejects == mp.MsgAccept:
		filters = append(filters, func() { sel.Slot = m.Slot; words = append(words, fmt.Sprintf("s=%d", m.Slot)) })
	}
	switch m.Type {
	case mp.MsgRequest:
		filters = append(filters, func() { sel.Req = m.Cmd.ID; words = append(words, "id="+m.Cmd.ID.String()) })
	case mp.MsgReply:
		filters = append(filters, func() { sel.Req = m.Req; words = append(words, "id="+m.Req.String()) })
	}
	if m.Type == mp.MsgAccept || m.Type == mp.MsgCommit {
		filters = append(filters, func() { sel.V = m.Cmd.String(); words = append(words, "v="+m.Cmd.String()) })
	}
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
	for _, f := range filters {
		f()
		if unique() {
			return strings.Join(words, " ")
		}
	}
	return fmt.Sprintf("#%d", id)
}
