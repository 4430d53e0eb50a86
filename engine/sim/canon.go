package sim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"math/rand/v2"
	"slices"

	"github.com/paxviz/paxviz/engine"
)

// This file gives the model checker (package check) canonical access to a
// simulation: an encoding of everything that can influence what the nodes
// and the invariants do next, in which states that behave the same encode
// to equal bytes, and the way back from those bytes to a simulation that
// behaves the same.
//
// What the canonical state holds, and why leaving the rest out is sound for
// safety (a state and its loaded copy can break the same invariants, after
// as few steps):
//
//   - Every node's engine state that the engine reads: up or down, each
//     acceptor's promise and vote, each proposer's durable round, its
//     phase and value, and its partition group. Proposers' promise lists
//     and learners' heard lists keep their order, since the engine reads
//     them in order (ties in chooseValue, the learner's forgetting rule).
//     Left out as never read: a proposer's ballot, promise list and count
//     outside phase 1 (only handlePromise reads them, only while
//     preparing), Proposed and AdoptedFrom (narration only), what a
//     learner heard once it has learned and the ballot it learned at
//     (handleAccepted stops reading them), and the highest round seen
//     unless it exceeds the durable round used (startBallot reads only the
//     larger of the two; acceptors and learners never read it). Phases
//     accepting, backoff and done are one: each ignores promises, a nack
//     moves a proposer only among them, and each can time out.
//   - The in-flight multiset as a sorted list of message contents. Message
//     ids are left out: the engine never reads them, and the checker names
//     messages by content, so two states that differ only in ids (or in
//     the order messages were sent) are one state. Dead messages (see
//     Canon.dead) are left out too.
//   - The god's-eye history the invariants read: the values proposed, every
//     (ballot, value) ever voted with the acceptors that voted it, the
//     values chosen, and each acceptor's highest promise so far (for
//     promise-monotonic). These are sets, so they are sorted.
//
// Also left out: the step counter, logical time, timer deadlines, the
// scheduler's random stream, the vote counter and the record of invariants
// already broken. The engine reads none of them: time only decides when a
// timer fires, and the checker lets any proposer that can retry fire its
// timer at any moment (a superset of every tick schedule). The scheduler's
// stream is used only by run, which the checker never uses. A loaded state
// therefore has step 0, time 0, every timer stopped and no violation
// recorded yet.
//
// AppendSymmetric also merges states that differ only in the names of the
// acceptors: the engine treats acceptors alike (only messages and quorums of
// them matter, never their names), and every invariant is symmetric in
// them, so a renamed state breaks an invariant exactly when the original
// does (TLC's SYMMETRY; Ip and Dill, "Better verification through
// symmetry", 1996).
//
// Reference: DSLabs SearchState (states hashed without message ids);
// TLC's fingerprinted state sets.

// ErrCanonical is returned by LoadCanonical for bytes that are not a
// canonical encoding of a state of the simulation's cluster.
var ErrCanonical = errors.New("sim: malformed canonical state")

// MaxSymmetricAcceptors is the most acceptors AppendSymmetric permutes; with
// more, it encodes the state as Append does.
const MaxSymmetricAcceptors = 5

// Canon encodes simulation states canonically. It holds scratch buffers, so
// that encoding does not allocate once warm; the zero Canon is ready to
// use. A Canon is not safe for concurrent use.
type Canon struct {
	// RoundBound, when positive, promises that no ballot of a higher round
	// will ever be issued from the states encoded (the model checker
	// bounds rounds); it lets more messages count as dead (see dead).
	RoundBound int32
	// KeepDead keeps dead messages in the encoding (to test that leaving
	// them out changes no verdict).
	KeepDead bool

	keys  []byte // message encodings, back to back
	spans []canonSpan
	tal   []Tally
	vals  []engine.Value

	// Symmetry scratch.
	ren      []engine.NodeID // old NodeID -> new NodeID
	inv      []engine.NodeID // new NodeID -> old NodeID
	accIdx   []int           // NodeID -> index in Config.Acceptors, or -1
	accCfg   *engine.Config
	sig      []uint64
	order    []int
	cand     []byte
	best     []byte
	groupEnd []int
}

type canonSpan struct {
	off, end int32
	idx      int32 // index in Sim.inflight
}

func appendUint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendBallot(b []byte, x engine.Ballot) []byte {
	b = appendUint(b, uint64(uint32(x.Round)))
	return appendUint(b, uint64(uint32(x.Index)))
}

func appendValue(b []byte, v engine.Value) []byte {
	b = appendUint(b, uint64(len(v)))
	return append(b, v...)
}

// rename maps a NodeID through ren (nil: no renaming).
func rename(ren []engine.NodeID, id engine.NodeID) engine.NodeID {
	if ren == nil {
		return id
	}
	return ren[id]
}

// appendMessage encodes m without its id, its nodes renamed. The encoding
// is injective, so sorting encodings sorts contents.
func appendMessage(b []byte, m *engine.Message, ren []engine.NodeID) []byte {
	b = append(b, byte(m.Type))
	b = appendUint(b, uint64(uint16(rename(ren, m.From))))
	b = appendUint(b, uint64(uint16(rename(ren, m.To))))
	b = appendBallot(b, m.Ballot)
	b = appendValue(b, m.Value)
	b = appendBallot(b, m.VoteBallot)
	b = appendValue(b, m.VoteValue)
	b = appendBallot(b, m.Promised)
	return append(b, byte(m.Rejects))
}

// sortInFlight encodes every live in-flight message into c.keys and sorts
// c.spans by content, ties (identical copies) by id.
func (c *Canon) sortInFlight(s *Sim, ren []engine.NodeID) {
	c.keys = c.keys[:0]
	c.spans = c.spans[:0]
	for i := range s.inflight {
		if c.dead(s, &s.inflight[i]) {
			continue
		}
		off := len(c.keys)
		c.keys = appendMessage(c.keys, &s.inflight[i], ren)
		c.spans = append(c.spans, canonSpan{off: int32(off), end: int32(len(c.keys)), idx: int32(i)})
	}
	keys := c.keys
	slices.SortStableFunc(c.spans, func(x, y canonSpan) int {
		return bytes.Compare(keys[x.off:x.end], keys[y.off:y.end])
	})
}

// dead reports whether m can be left out of the canonical state: whether
// delivering it never enables anything that leaving it in flight forever
// does not (and it can always be left in flight, so the state without it
// reaches the same violations in as few steps). Three kinds:
//
//   - A promise for a ballot its proposer is no longer preparing.
//     handlePromise ignores it, and always will: a proposer never prepares
//     a ballot again once it has left it (its rounds only grow and
//     RoundUsed survives crashes, PMS §2.5).
//   - A decided, for the same reason as a nack: it only moves its proposer
//     to done, which does less than any other phase but idle.
//   - A nack. Delivering one moves its proposer from phase 1 or 2 of the
//     ballot to backoff, which does less than staying: a backoff proposer
//     ignores promises and can only time out, as a preparing one may. The
//     invariants read no proposer state, so every violation reachable
//     after the nack is reachable without it. (PMS §2.2: the nack "is a
//     performance optimization that does not affect correctness".)
//   - With RoundBound set, a prepare or accept that its acceptor rejects
//     now and always will (it promised a higher ballot, or the same one
//     for a prepare, and promises never decrease), whose proposer's
//     RoundUsed has reached RoundBound: the nack it causes is dead too.
//     Not with the bugs that let promises decrease (volatile_acceptor,
//     promise_not_durable) or let lower accepts through (accept_lower);
//     with ballot_reuse a prepare equal to the promise is answered.
//
// Delivering any of these also raises the receiver's highest round seen;
// they are dead only when that changes nothing (the rounds involved are at
// most the receiver's RoundUsed, or the receiver proposes nothing). No bug
// variant touches proposers' ballots or their handling of promises and
// nacks.
func (c *Canon) dead(s *Sim, m *engine.Message) bool {
	if c.KeepDead {
		return false
	}
	cfg := s.cfg
	switch m.Type {
	case engine.MsgPromise, engine.MsgNack, engine.MsgDecided:
		if !cfg.Is(m.To, engine.RoleProposer) {
			return false
		}
		p := &s.node[m.To].P
		if max(m.Ballot.Round, m.VoteBallot.Round, m.Promised.Round) > p.RoundUsed {
			return false
		}
		return m.Type != engine.MsgPromise || p.Phase != engine.PhasePreparing || p.Ballot != m.Ballot
	case engine.MsgPrepare, engine.MsgAccept:
		bugs := cfg.Bugs
		if c.RoundBound <= 0 || bugs.Has(engine.BugVolatileAcceptor) || bugs.Has(engine.BugPromiseNotDurable) ||
			m.Type == engine.MsgAccept && bugs.Has(engine.BugAcceptLower) {
			return false
		}
		if !cfg.Is(m.From, engine.RoleProposer) || !cfg.Is(m.To, engine.RoleAcceptor) || s.node[m.From].P.RoundUsed < c.RoundBound {
			return false
		}
		if cfg.Is(m.To, engine.RoleProposer) && s.node[m.To].P.RoundUsed < m.Ballot.Round {
			return false // a server would learn a higher round from it
		}
		promised := s.node[m.To].A.Promised
		if m.Ballot.Less(promised) {
			return true
		}
		return m.Type == engine.MsgPrepare && m.Ballot == promised && !bugs.Has(engine.BugBallotReuse)
	}
	return false
}

// InFlightOrder returns the indices into s.InFlight() of the live (not
// dead) in-flight messages in canonical order: by content, identical copies
// by id. A state loaded from Append's encoding of s holds exactly these
// messages, in this order, with ids 1, 2, ...
func (c *Canon) InFlightOrder(s *Sim, dst []int) []int {
	c.sortInFlight(s, nil)
	dst = dst[:0]
	for _, sp := range c.spans {
		dst = append(dst, int(sp.idx))
	}
	return dst
}

// Append appends the canonical encoding of s to dst: states that behave the
// same (in the sense explained at the top of this file) give equal bytes.
func (c *Canon) Append(dst []byte, s *Sim) []byte { return c.appendRenamed(dst, s, nil, nil) }

// appendRenamed encodes s with node old renamed ren[old], listing nodes in
// the order inv (new -> old); nil ren and inv mean no renaming.
func (c *Canon) appendRenamed(dst []byte, s *Sim, ren, inv []engine.NodeID) []byte {
	cfg := s.cfg
	c.vals = append(c.vals[:0], s.proposed...)
	slices.Sort(c.vals)
	dst = appendUint(dst, uint64(len(c.vals)))
	for _, v := range c.vals {
		dst = appendValue(dst, v)
	}
	for j := range s.node {
		i := j
		if inv != nil {
			i = int(inv[j])
		}
		n := &s.node[i]
		roles := cfg.Nodes[i].Roles
		up := byte(0)
		if n.Up {
			up = 1
		}
		dst = append(dst, up)
		if roles.Has(engine.RoleProposer) {
			p := &n.P
			// RoundSeen matters only through max(RoundUsed, RoundSeen)
			// (startBallot), and RoundUsed only grows.
			seen := n.RoundSeen
			if seen <= p.RoundUsed {
				seen = 0
			}
			dst = appendUint(dst, uint64(uint32(seen)))
			dst = appendUint(dst, uint64(uint32(p.RoundUsed)))
			// Only phase 1 reads the ballot and the promises counted
			// (handlePromise). Accepting, backoff and done behave alike:
			// each ignores promises, a nack only moves it among them, and
			// each can time out. Proposed and AdoptedFrom are narration;
			// Abandoned only sizes the back-off (time is not explored).
			// DecidedBy changes only when a decided is delivered, and
			// every decided is dead (below): in an explored state it is 0.
			dst = append(dst, byte(canonPhase(p.Phase)))
			dst = appendValue(dst, p.Own)
			if p.Phase == engine.PhasePreparing {
				dst = appendBallot(dst, p.Ballot)
				dst = appendUint(dst, uint64(p.Count))
				dst = appendUint(dst, uint64(len(p.Promises)))
				for _, pr := range p.Promises {
					dst = appendUint(dst, uint64(uint16(rename(ren, pr.From))))
					dst = appendBallot(dst, pr.VoteBallot)
					dst = appendValue(dst, pr.VoteValue)
				}
			}
		}
		if roles.Has(engine.RoleAcceptor) {
			a := &n.A
			dst = appendBallot(dst, a.Promised)
			dst = appendBallot(dst, a.VoteBallot)
			dst = appendValue(dst, a.VoteValue)
			dst = appendBallot(dst, s.maxPromised[i])
		}
		if roles.Has(engine.RoleLearner) {
			l := &n.L
			// Once a learner has learned, it reads nothing it heard
			// (handleAccepted), and LearnedBallot is narration only. A
			// learner of its own reads Told (it answers a later ballot
			// once); a server never reads it.
			dst = appendValue(dst, l.Learned)
			if l.Learned != "" && !roles.Has(engine.RoleProposer) {
				dst = appendBallot(dst, l.Told)
			}
			if l.Learned == "" {
				dst = appendUint(dst, uint64(len(l.Heard)))
				for _, h := range l.Heard {
					dst = appendUint(dst, uint64(uint16(rename(ren, h.From))))
					dst = appendBallot(dst, h.Ballot)
					dst = appendValue(dst, h.Value)
				}
			}
		}
		dst = appendUint(dst, uint64(uint8(s.group[i])))
	}

	c.sortInFlight(s, ren)
	dst = appendUint(dst, uint64(len(c.spans)))
	for _, sp := range c.spans {
		dst = append(dst, c.keys[sp.off:sp.end]...)
	}

	c.tal = append(c.tal[:0], s.tallies...)
	if ren != nil {
		for k := range c.tal {
			var m uint64
			for x := c.tal[k].Mask; x != 0; x &= x - 1 {
				m |= 1 << uint(ren[bits.TrailingZeros64(x)])
			}
			c.tal[k].Mask = m
		}
	}
	slices.SortFunc(c.tal, func(x, y Tally) int {
		if d := x.Ballot.Compare(y.Ballot); d != 0 {
			return d
		}
		switch {
		case x.Value < y.Value:
			return -1
		case x.Value > y.Value:
			return 1
		}
		return 0
	})
	dst = appendUint(dst, uint64(len(c.tal)))
	for _, t := range c.tal {
		dst = appendBallot(dst, t.Ballot)
		dst = appendValue(dst, t.Value)
		dst = appendUint(dst, t.Mask)
	}

	c.vals = c.vals[:0]
	for _, ch := range s.chosen {
		c.vals = append(c.vals, ch.Value)
	}
	slices.Sort(c.vals)
	dst = appendUint(dst, uint64(len(c.vals)))
	for _, v := range c.vals {
		dst = appendValue(dst, v)
	}
	return dst
}

// canonPhase merges the phases that behave alike (see appendRenamed).
func canonPhase(p engine.Phase) engine.Phase {
	switch p {
	case engine.PhaseBackoff, engine.PhaseDone:
		return engine.PhaseAccepting
	}
	return p
}

// Symmetric reports whether AppendSymmetric permutes acceptors for cluster
// c: separate acceptors (servers are also proposers, whose indices order
// ballots), between 2 and MaxSymmetricAcceptors of them.
func Symmetric(c *engine.Config) bool {
	return !c.Servers && len(c.Acceptors) >= 2 && len(c.Acceptors) <= MaxSymmetricAcceptors
}

// AppendSymmetric appends the canonical encoding of the representative of
// s's class under renaming acceptors: the least encoding over the
// renamings that list acceptors in order of a renaming-invariant signature
// (all orders of acceptors with equal signatures are tried). States that
// differ only in acceptor names give equal bytes. The bytes load
// (LoadCanonical) into the representative, a renamed copy of s.
func (c *Canon) AppendSymmetric(dst []byte, s *Sim) []byte {
	cfg := s.cfg
	if !Symmetric(cfg) {
		return c.Append(dst, s)
	}
	c.signatures(s)
	n := len(cfg.Acceptors)
	c.order = c.order[:0]
	for k := 0; k < n; k++ {
		c.order = append(c.order, k)
	}
	sig := c.sig
	slices.SortFunc(c.order, func(x, y int) int {
		if sig[x] != sig[y] {
			if sig[x] < sig[y] {
				return -1
			}
			return 1
		}
		return x - y
	})
	// Tie groups: runs of equal signatures; each is tried in every order.
	c.groupEnd = c.groupEnd[:0]
	for k := 1; k <= n; k++ {
		if k == n || sig[c.order[k]] != sig[c.order[k-1]] {
			c.groupEnd = append(c.groupEnd, k)
		}
	}
	c.best = c.best[:0]
	first := true
	for {
		c.renaming(s)
		c.cand = c.appendRenamed(c.cand[:0], s, c.ren, c.inv)
		if first || bytes.Compare(c.cand, c.best) < 0 {
			c.best = append(c.best[:0], c.cand...)
			first = false
		}
		if !c.nextTieOrder() {
			break
		}
	}
	return append(dst, c.best...)
}

// renaming sets ren and inv so that the acceptor at position k of c.order
// becomes Config.Acceptors[k]; other nodes keep their ids.
func (c *Canon) renaming(s *Sim) {
	cfg := s.cfg
	nn := len(cfg.Nodes)
	if cap(c.ren) < nn {
		c.ren = make([]engine.NodeID, nn)
		c.inv = make([]engine.NodeID, nn)
	}
	c.ren, c.inv = c.ren[:nn], c.inv[:nn]
	for i := range c.ren {
		c.ren[i] = engine.NodeID(i)
		c.inv[i] = engine.NodeID(i)
	}
	for k, from := range c.order {
		old, neu := cfg.Acceptors[from], cfg.Acceptors[k]
		c.ren[old] = neu
		c.inv[neu] = old
	}
}

// nextTieOrder steps c.order to the next order within its tie groups (an
// odometer of lexicographic permutations); false when all were tried, with
// the groups back in ascending order.
func (c *Canon) nextTieOrder() bool {
	start := 0
	for _, end := range c.groupEnd {
		if nextPermutation(c.order[start:end]) {
			return true
		}
		start = end
	}
	return false
}

// nextPermutation steps a to its next lexicographic permutation; at the
// last one it sorts a back and returns false.
func nextPermutation(a []int) bool {
	i := len(a) - 2
	for i >= 0 && a[i] >= a[i+1] {
		i--
	}
	if i < 0 {
		slices.Reverse(a)
		return false
	}
	j := len(a) - 1
	for a[j] <= a[i] {
		j--
	}
	a[i], a[j] = a[j], a[i]
	slices.Reverse(a[i+1:])
	return true
}

// signatures computes, for each acceptor, a hash of everything about it that
// does not depend on acceptor names: its own state, the messages it sends
// and receives (other acceptors appear as "another acceptor"), its votes
// in the god's-eye history, and where it appears in proposers' promise
// lists and learners' heard lists. Multisets are summed, so order does not
// matter. Equal acceptors get equal signatures; unequal ones almost always
// differ, which keeps the number of orders tried small.
func (c *Canon) signatures(s *Sim) {
	cfg := s.cfg
	if c.accCfg != cfg {
		c.accCfg = cfg
		c.accIdx = c.accIdx[:0]
		for range cfg.Nodes {
			c.accIdx = append(c.accIdx, -1)
		}
		for k, a := range cfg.Acceptors {
			c.accIdx[a] = k
		}
	}
	c.sig = c.sig[:0]
	for _, a := range cfg.Acceptors {
		n := &s.node[a]
		h := hashBallot(0x51, n.A.Promised)
		h = hashBallot(h, n.A.VoteBallot)
		h = hashValue(h, n.A.VoteValue)
		h = hashBallot(h, s.maxPromised[a])
		up := uint64(0)
		if n.Up {
			up = 1
		}
		h = sigMix(h, up<<8|uint64(uint8(s.group[a])))
		c.sig = append(c.sig, h)
	}
	// who names a node as seen from an acceptor: itself, another acceptor,
	// or the node's own (non-acceptor) id.
	who := func(id, self engine.NodeID) uint64 {
		switch {
		case id == self:
			return 1 << 20
		case c.accIdx[id] >= 0:
			return 2 << 20
		}
		return 3<<20 | uint64(uint16(id))
	}
	for i := range s.inflight {
		m := &s.inflight[i]
		if c.dead(s, m) {
			continue
		}
		h := sigMix(0x6d, uint64(m.Type)<<8|uint64(m.Rejects))
		h = hashBallot(h, m.Ballot)
		h = hashValue(h, m.Value)
		h = hashBallot(h, m.VoteBallot)
		h = hashValue(h, m.VoteValue)
		h = hashBallot(h, m.Promised)
		if k := c.accIdx[m.From]; k >= 0 {
			c.sig[k] += sigMix(h, who(m.To, m.From)|1<<30)
		}
		if k := c.accIdx[m.To]; k >= 0 {
			c.sig[k] += sigMix(h, who(m.From, m.To)|2<<30)
		}
	}
	for _, t := range s.tallies {
		h := hashBallot(0x74, t.Ballot)
		h = hashValue(h, t.Value)
		h = sigMix(h, uint64(bits.OnesCount64(t.Mask)))
		for x := t.Mask; x != 0; x &= x - 1 {
			if k := c.accIdx[bits.TrailingZeros64(x)]; k >= 0 {
				c.sig[k] += h
			}
		}
	}
	for _, p := range cfg.Proposers {
		pp := &s.node[p].P
		if pp.Phase != engine.PhasePreparing {
			continue
		}
		for pos, pr := range pp.Promises {
			if k := c.accIdx[pr.From]; k >= 0 {
				h := sigMix(0x70, uint64(uint16(p))<<16|uint64(pos))
				h = hashBallot(h, pr.VoteBallot)
				c.sig[k] += hashValue(h, pr.VoteValue)
			}
		}
	}
	for _, l := range cfg.Learners {
		ll := &s.node[l].L
		if ll.Learned != "" {
			continue
		}
		for pos, hd := range ll.Heard {
			if k := c.accIdx[hd.From]; k >= 0 {
				h := sigMix(0x6c, uint64(uint16(l))<<16|uint64(pos))
				h = hashBallot(h, hd.Ballot)
				c.sig[k] += hashValue(h, hd.Value)
			}
		}
	}
}

func sigMix(h, x uint64) uint64 {
	hi, lo := bits.Mul64(h^x^0x9e3779b97f4a7c15, 0xbf58476d1ce4e5b9)
	return hi ^ lo
}

func hashBallot(h uint64, b engine.Ballot) uint64 {
	return sigMix(h, uint64(uint32(b.Round))<<32|uint64(uint32(b.Index)))
}

func hashValue(h uint64, v engine.Value) uint64 {
	x := uint64(len(v))
	for i := 0; i < len(v); i++ {
		x = x*131 + uint64(v[i])
	}
	return sigMix(h, x)
}

// canonReader decodes what Canon.Append wrote.
type canonReader struct {
	b   []byte
	bad bool
	// interns are the values proposed: every value a correct state holds
	// is one of them, so decoding reuses their strings.
	interns []engine.Value
}

func (r *canonReader) uint(limit uint64) uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > limit {
		r.bad = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *canonReader) byte1() byte {
	if len(r.b) == 0 {
		r.bad = true
		return 0
	}
	x := r.b[0]
	r.b = r.b[1:]
	return x
}

func (r *canonReader) ballot() engine.Ballot {
	round := r.uint(engine.MaxRound)
	idx := r.uint(engine.MaxRound)
	return engine.Ballot{Round: int32(round), Index: int32(idx)}
}

// value decodes a value, reusing old when it holds the same bytes, so that
// loading state after state does not allocate strings.
func (r *canonReader) value(old engine.Value) engine.Value {
	n := r.uint(64)
	if r.bad || n > uint64(len(r.b)) {
		r.bad, r.b = true, nil
		return ""
	}
	raw := r.b[:n]
	r.b = r.b[n:]
	if string(raw) == string(old) {
		return old
	}
	for _, v := range r.interns {
		if string(raw) == string(v) {
			return v
		}
	}
	return engine.Value(raw)
}

func (r *canonReader) node(nodes int) engine.NodeID {
	return engine.NodeID(r.uint(uint64(nodes - 1)))
}

// LoadCanonical makes s the state that b encodes. b must come from
// Canon.Append on a simulation of the same cluster. The cluster line, the
// Trace and OnStep hooks and the scheduler's random stream are kept; the
// step counter and time are 0, every timer is stopped, no violation is
// recorded, and message ids are 1, 2, ... in canonical order. On error s is
// left in an unspecified state.
func (s *Sim) LoadCanonical(b []byte) error {
	cfg := s.cfg
	nn := len(cfg.Nodes)
	r := canonReader{b: b}
	k := int(r.uint(uint64(len(r.b))))
	old := s.proposed[:cap(s.proposed)]
	s.proposed = s.proposed[:0]
	for j := 0; j < k && !r.bad; j++ {
		o := engine.Value("")
		if j < len(old) {
			o = old[j]
		}
		s.proposed = append(s.proposed, r.value(o))
	}
	r.interns = s.proposed
	for i := range s.node {
		n := &s.node[i]
		roles := cfg.Nodes[i].Roles
		n.ID = engine.NodeID(i)
		n.Up = r.byte1() == 1
		n.RoundSeen = 0
		if roles.Has(engine.RoleProposer) {
			p := &n.P
			n.RoundSeen = int32(r.uint(engine.MaxRound))
			p.RoundUsed = int32(r.uint(engine.MaxRound))
			p.Phase = engine.Phase(r.byte1())
			p.Own = r.value(p.Own)
			p.Ballot, p.Proposed, p.AdoptedFrom = engine.Ballot{}, "", engine.Ballot{}
			p.Count = 0
			p.Abandoned, p.DecidedBy = 0, 0
			p.Promises = p.Promises[:0]
			if p.Phase == engine.PhasePreparing {
				p.Ballot = r.ballot()
				p.Count = int(r.uint(1 << 20))
				k := int(r.uint(uint64(len(r.b))))
				for j := 0; j < k && !r.bad; j++ {
					var pr engine.Promise
					pr.From = r.node(nn)
					pr.VoteBallot = r.ballot()
					pr.VoteValue = r.value("")
					p.Promises = append(p.Promises, pr)
				}
			}
		} else {
			n.P = engine.Proposer{}
		}
		if roles.Has(engine.RoleAcceptor) {
			a := &n.A
			a.Promised = r.ballot()
			a.VoteBallot = r.ballot()
			a.VoteValue = r.value(a.VoteValue)
			s.maxPromised[i] = r.ballot()
		} else {
			n.A = engine.Acceptor{}
			s.maxPromised[i] = engine.Ballot{}
		}
		if roles.Has(engine.RoleLearner) {
			l := &n.L
			l.Learned = r.value(l.Learned)
			l.LearnedBallot, l.Told = engine.Ballot{}, engine.Ballot{}
			if l.Learned != "" && !roles.Has(engine.RoleProposer) {
				l.Told = r.ballot()
			}
			l.Heard = l.Heard[:0]
			if l.Learned == "" {
				k := int(r.uint(uint64(len(r.b))))
				for j := 0; j < k && !r.bad; j++ {
					var h engine.Heard
					h.From = r.node(nn)
					h.Ballot = r.ballot()
					h.Value = r.value("")
					l.Heard = append(l.Heard, h)
				}
			}
		} else {
			n.L = engine.Learner{}
		}
		s.group[i] = int8(r.uint(127))
		s.timers[i] = -1
	}

	k = int(r.uint(MaxInFlight))
	s.inflight = s.inflight[:0]
	for j := 0; j < k && !r.bad; j++ {
		var m engine.Message
		m.ID = j + 1
		m.Type = engine.MsgType(r.byte1())
		m.From = r.node(nn)
		m.To = r.node(nn)
		m.Ballot = r.ballot()
		m.Value = r.value("")
		m.VoteBallot = r.ballot()
		m.VoteValue = r.value("")
		m.Promised = r.ballot()
		m.Rejects = engine.MsgType(r.byte1())
		s.inflight = append(s.inflight, m)
	}
	s.nextID = k + 1

	k = int(r.uint(uint64(len(r.b))))
	s.tallies = s.tallies[:0]
	for j := 0; j < k && !r.bad; j++ {
		var t Tally
		t.Ballot = r.ballot()
		t.Value = r.value("")
		t.Mask = r.uint(^uint64(0))
		s.tallies = append(s.tallies, t)
	}

	k = int(r.uint(uint64(len(r.b))))
	s.chosen = s.chosen[:0]
	for j := 0; j < k && !r.bad; j++ {
		v := r.value("")
		// The chosen record names the lowest ballot at which a quorum
		// voted v: a function of the tallies, so of the canonical state.
		ch := Chosen{Value: v}
		for _, t := range s.tallies {
			if t.Value == v && bits.OnesCount64(t.Mask) >= cfg.Quorum && (ch.Ballot.IsZero() || t.Ballot.Less(ch.Ballot)) {
				ch.Ballot, ch.Acceptors = t.Ballot, t.Mask
			}
		}
		s.chosen = append(s.chosen, ch)
	}
	if r.bad || len(r.b) != 0 {
		return ErrCanonical
	}
	s.now, s.step, s.votes, s.pruneAt = 0, 0, 0, 0
	s.violations = s.violations[:0]
	s.violated = 0
	s.work = s.work[:0]
	s.out.Reset()
	s.ev = nil
	return nil
}

// CopyFrom makes s a deep copy of o, a simulation of the same cluster,
// reusing s's buffers (Clone without the allocations; the model checker
// copies one state per successor). s keeps its own Trace and OnStep hooks.
func (s *Sim) CopyFrom(o *Sim) {
	trace, onStep := s.Trace, s.OnStep
	node, inflight, timers, group := s.node, s.inflight, s.timers, s.group
	proposed, tallies, chosen, maxPromised := s.proposed, s.tallies, s.chosen, s.maxPromised
	violations, work, out := s.violations, s.work, s.out
	*s = *o
	s.P = (*sdProto)(s)
	if cap(node) < len(o.node) {
		node = make([]engine.Node, len(o.node))
	}
	node = node[:len(o.node)]
	for i := range o.node {
		pr, hd := node[i].P.Promises, node[i].L.Heard
		node[i] = o.node[i]
		node[i].P.Promises = append(pr[:0], o.node[i].P.Promises...)
		node[i].L.Heard = append(hd[:0], o.node[i].L.Heard...)
	}
	s.node = node
	s.inflight = append(inflight[:0], o.inflight...)
	s.timers = append(timers[:0], o.timers...)
	s.nodeRng = append([]rand.PCG(nil), o.nodeRng...) // nil for single-decree Paxos: no allocation
	// Clocks and pauses (clock.go) are Multi-Paxos script inputs: nil here,
	// so neither copied at a cost nor part of the canonical state.
	s.clock, s.rate = append([]int(nil), o.clock...), append([]int(nil), o.rate...)
	s.paused = append([]bool(nil), o.paused...)
	s.group = append(group[:0], o.group...)
	s.proposed = append(proposed[:0], o.proposed...)
	s.tallies = append(tallies[:0], o.tallies...)
	s.chosen = append(chosen[:0], o.chosen...)
	s.maxPromised = append(maxPromised[:0], o.maxPromised...)
	s.violations = violations[:0]
	for _, v := range o.violations {
		v.Values = append([]engine.Value(nil), v.Values...)
		v.Ballots = append([]engine.Ballot(nil), v.Ballots...)
		s.violations = append(s.violations, v)
	}
	s.work = work[:0]
	s.out = out
	s.out.Reset()
	s.ev = nil
	s.Trace, s.OnStep = trace, onStep
}
