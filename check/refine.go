package check

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

// Refinement checks that a simulation implements Lamport's Paxos.tla: that
// every step of the engine is a step of the spec, a short sequence of spec
// steps, or a stutter, under this refinement mapping from engine states to
// spec states:
//
//   - maxBal[a], maxVBal[a], maxVal[a] are acceptor a's durable Promised,
//     VoteBallot and VoteValue (the zero ballot and "" are -1 and None),
//     whether a is up or down;
//   - msgs is the set of messages ever sent: each prepare is a 1a, each
//     promise a 1b (its vote is mbal, mval), each accept a 2a, and each
//     vote an acceptor casts a 2b (from the god's-eye history of votes, so
//     2b messages exist even in a cluster with no learner). Nacks and the
//     accepted messages to learners are outside the spec (PMS §2.2 calls
//     nacks an optimization), and so are proposers' and learners' states;
//   - engine ballots R.I map to spec ballot numbers in the same order
//     ((R-1)·(P+1)+I for P proposers, so plain rounds fit too), and the
//     zero ballot to -1. The checks compare ballots only by order, so they
//     use engine ballots directly.
//
// One engine event may be several spec steps: a server handles its own
// messages at once (script.md), so a server's timeout can be Phase1a(b),
// then its own Phase1b, and, when its own promise completes a quorum,
// Phase2a(b, v) and its own Phase2b. The steps of one event are checked in
// the order 1a, 1b, 2a, 2b, which is the causal order inside one event
// (only the node that acts, and its own messages, take part). A vote cast
// again for a (ballot, value) the acceptor already voted adds no message;
// it is checked as Phase2b with the existing 2a message. Losing a
// message, duplicating it, crashing and restarting a node with its durable
// state, partitions, time and everything proposers and learners do are
// stutters, provided the acceptors' variables do not change.
//
// The spec's quorums are majorities of the acceptors, whatever quorum the
// engine uses, so half_quorum fails refinement. Most bug variants fail it
// (the tests show which); the correct engine never does.
//
// Reference: Lamport, Paxos.tla (tlaplus/Examples,
// specifications/PaxosHowToWinATuringAward), actions Phase1a, Phase1b,
// Phase2a, Phase2b.
type Refinement struct {
	cfg    *engine.Config
	quorum int
	// The spec's msgs, each kind sorted.
	m1a []engine.Ballot
	m1b []msg1b
	m2a []msg2a
	m2b []msg2b
	// acc holds the mapped variables of the last state, by position in
	// Config.Acceptors.
	acc   []accVars
	steps int64

	// Scratch for one event.
	n1a  []engine.Ballot
	n1b  []msg1b
	n2a  []msg2a
	n2b  []msg2b
	work []accVars
}

type accVars struct {
	maxBal, maxVBal engine.Ballot
	maxVal          engine.Value
}

type msg1b struct {
	acc       engine.NodeID
	bal, mbal engine.Ballot
	mval      engine.Value
}

type msg2a struct {
	bal engine.Ballot
	val engine.Value
}

type msg2b struct {
	acc engine.NodeID
	bal engine.Ballot
	val engine.Value
}

func cmp1b(x, y msg1b) int {
	if d := cmp.Compare(x.acc, y.acc); d != 0 {
		return d
	}
	if d := x.bal.Compare(y.bal); d != 0 {
		return d
	}
	if d := x.mbal.Compare(y.mbal); d != 0 {
		return d
	}
	return cmp.Compare(x.mval, y.mval)
}

func cmp2a(x, y msg2a) int {
	if d := x.bal.Compare(y.bal); d != 0 {
		return d
	}
	return cmp.Compare(x.val, y.val)
}

func cmp2b(x, y msg2b) int {
	if d := cmp.Compare(x.acc, y.acc); d != 0 {
		return d
	}
	if d := x.bal.Compare(y.bal); d != 0 {
		return d
	}
	return cmp.Compare(x.val, y.val)
}

// ErrRefinement marks an engine step that is not a spec step.
var ErrRefinement = errors.New("check: refinement")

// RefinementError names the engine step that is not a spec step, and why.
type RefinementError struct {
	Step   int    // the simulation's step number
	Action string // the step in script syntax, with the message it concerns
	Reason string
}

func (e *RefinementError) Error() string {
	return fmt.Sprintf("step %d, %s: %s", e.Step, e.Action, e.Reason)
}

// Unwrap makes errors.Is(err, ErrRefinement) hold.
func (e *RefinementError) Unwrap() error { return ErrRefinement }

// NewRefinement starts checking a simulation in its current state, with no
// message sent yet (give it a fresh cluster, before any action).
func NewRefinement(s *sim.Sim) *Refinement {
	cfg := s.Config()
	r := &Refinement{cfg: cfg, quorum: len(cfg.Acceptors)/2 + 1}
	r.acc = r.mapAcceptors(s, nil)
	return r
}

// Steps returns the number of events checked.
func (r *Refinement) Steps() int64 { return r.steps }

// Clone returns an independent copy of r.
func (r *Refinement) Clone() *Refinement {
	c := &Refinement{cfg: r.cfg, quorum: r.quorum}
	c.copyFrom(r)
	return c
}

func (r *Refinement) copyFrom(o *Refinement) {
	r.cfg, r.quorum, r.steps = o.cfg, o.quorum, o.steps
	r.m1a = append(r.m1a[:0], o.m1a...)
	r.m1b = append(r.m1b[:0], o.m1b...)
	r.m2a = append(r.m2a[:0], o.m2a...)
	r.m2b = append(r.m2b[:0], o.m2b...)
	r.acc = append(r.acc[:0], o.acc...)
}

func (r *Refinement) mapAcceptors(s *sim.Sim, dst []accVars) []accVars {
	dst = dst[:0]
	nodes := s.Nodes()
	for _, a := range r.cfg.Acceptors {
		x := &nodes[a].A
		dst = append(dst, accVars{maxBal: x.Promised, maxVBal: x.VoteBallot, maxVal: x.VoteValue})
	}
	return dst
}

func (r *Refinement) accIndex(id engine.NodeID) int {
	for i, a := range r.cfg.Acceptors {
		if a == id {
			return i
		}
	}
	return -1
}

// Observe checks one event of s (call it from s.Trace: s must be in the
// state right after ev). It returns a *RefinementError when the event is
// not a spec step; r must not be used after that.
func (r *Refinement) Observe(s *sim.Sim, ev *sim.Event) error {
	r.steps++
	r.n1a, r.n1b, r.n2a, r.n2b = r.n1a[:0], r.n1b[:0], r.n2a[:0], r.n2b[:0]
	for i := range ev.Sent {
		m := &ev.Sent[i].Msg
		switch m.Type {
		case engine.MsgPrepare:
			if !slices.Contains(r.m1a, m.Ballot) && !slices.Contains(r.n1a, m.Ballot) {
				r.n1a = append(r.n1a, m.Ballot)
			}
		case engine.MsgPromise:
			x := msg1b{acc: m.From, bal: m.Ballot, mbal: m.VoteBallot, mval: m.VoteValue}
			if !r.has1b(x) && !slices.Contains(r.n1b, x) {
				r.n1b = append(r.n1b, x)
			}
		case engine.MsgAccept:
			x := msg2a{bal: m.Ballot, val: m.Value}
			if !r.has2a(x) && !slices.Contains(r.n2a, x) {
				r.n2a = append(r.n2a, x)
			}
		}
	}
	for _, t := range s.Tallies() {
		for mask := t.Mask; mask != 0; mask &= mask - 1 {
			x := msg2b{acc: engine.NodeID(bits.TrailingZeros64(mask)), bal: t.Ballot, val: t.Value}
			if !r.has2b(x) && !slices.Contains(r.n2b, x) {
				r.n2b = append(r.n2b, x)
			}
		}
	}
	fail := func(format string, args ...any) error {
		what := ev.Act.Format(r.cfg)
		if ev.Msg.ID > 0 {
			what += " (" + r.cfg.Describe(&ev.Msg) + ")"
		}
		return &RefinementError{Step: ev.Step, Action: what, Reason: fmt.Sprintf(format, args...)}
	}
	r.work = append(r.work[:0], r.acc...)
	// Phase1a(b): always enabled.
	for _, b := range r.n1a {
		r.add1a(b)
	}
	// Phase1b(a): a 1a with bal > maxBal[a]; the 1b reports a's vote.
	for _, m := range r.n1b {
		i := r.accIndex(m.acc)
		if i < 0 {
			return fail("%s sent a promise but is not an acceptor", r.cfg.Name(m.acc))
		}
		w := &r.work[i]
		switch {
		case !slices.Contains(r.m1a, m.bal):
			return fail("Phase1b(%s): no 1a message for ballot %s was sent", r.cfg.Name(m.acc), m.bal)
		case !w.maxBal.Less(m.bal):
			return fail("Phase1b(%s) needs ballot %s > maxBal %s", r.cfg.Name(m.acc), m.bal, w.maxBal)
		case m.mbal != w.maxVBal || m.mval != w.maxVal:
			return fail("Phase1b(%s): the promise reports (%s, %s) but maxVBal, maxVal are (%s, %s)",
				r.cfg.Name(m.acc), m.mbal, valueOrNone(m.mval), w.maxVBal, valueOrNone(w.maxVal))
		}
		w.maxBal = m.bal
		r.add1b(m)
	}
	// Phase2a(b, v): no 2a for b yet, and a quorum's 1b messages for b
	// show v safe.
	for _, m := range r.n2a {
		for _, o := range r.m2a {
			if o.bal == m.bal {
				return fail("Phase2a(%s, %s): a 2a message for ballot %s was already sent (value %s)", m.bal, m.val, m.bal, o.val)
			}
		}
		if !r.showsSafe(m.bal, m.val) {
			return fail("Phase2a(%s, %s) is not enabled: no majority of acceptors sent 1b messages for %s that leave %s free or report it as the highest-numbered vote", m.bal, m.val, m.bal, m.val)
		}
		r.add2a(m)
	}
	// Phase2b(a): a 2a with bal >= maxBal[a].
	for _, m := range r.n2b {
		i := r.accIndex(m.acc)
		if i < 0 {
			return fail("%s voted but is not an acceptor", r.cfg.Name(m.acc))
		}
		if err := r.phase2b(i, m.bal, m.val); err != "" {
			return fail("%s", err)
		}
		r.add2b(m)
	}
	// The acceptors' variables must now be the mapped state. A vote cast
	// again for a (ballot, value) already voted is Phase2b with no new
	// message; any other change is not a spec step.
	now := r.mapAcceptors(s, nil)
	for i := range now {
		if now[i] == r.work[i] {
			continue
		}
		w, x := r.work[i], now[i]
		if x.maxBal == x.maxVBal && !x.maxVBal.IsZero() && r.has2b(msg2b{acc: r.cfg.Acceptors[i], bal: x.maxVBal, val: x.maxVal}) {
			if err := r.phase2b(i, x.maxVBal, x.maxVal); err == "" && r.work[i] == x {
				continue
			}
		}
		return fail("acceptor %s went from (maxBal %s, maxVBal %s, maxVal %s) to (%s, %s, %s), which no spec action explains",
			r.cfg.Name(r.cfg.Acceptors[i]), w.maxBal, w.maxVBal, valueOrNone(w.maxVal), x.maxBal, x.maxVBal, valueOrNone(x.maxVal))
	}
	r.acc = append(r.acc[:0], now...)
	return nil
}

// phase2b checks and performs Phase2b(a) for the 2a message (bal, val) on
// the working variables; it returns why not, or "".
func (r *Refinement) phase2b(i int, bal engine.Ballot, val engine.Value) string {
	name := r.cfg.Name(r.cfg.Acceptors[i])
	w := &r.work[i]
	switch {
	case !r.has2a(msg2a{bal: bal, val: val}):
		return fmt.Sprintf("Phase2b(%s): no 2a message (%s, %s) was sent", name, bal, val)
	case bal.Less(w.maxBal):
		return fmt.Sprintf("Phase2b(%s) needs the 2a ballot %s >= maxBal %s", name, bal, w.maxBal)
	}
	w.maxBal, w.maxVBal, w.maxVal = bal, bal, val
	return ""
}

// showsSafe is the second conjunct of Phase2a(b, v): some majority Q has
// all sent 1b messages for b, and either none of those reports a vote or
// one reporting the highest-numbered vote reports v.
func (r *Refinement) showsSafe(b engine.Ballot, v engine.Value) bool {
	n := len(r.cfg.Acceptors)
	for q := uint(0); q < 1<<uint(n); q++ {
		if bits.OnesCount(q) != r.quorum {
			continue
		}
		all := true
		var hi engine.Ballot
		voted, hiHasV := false, false
		for i := 0; i < n && all; i++ {
			if q&(1<<uint(i)) == 0 {
				continue
			}
			a := r.cfg.Acceptors[i]
			found := false
			for _, m := range r.m1b {
				if m.acc != a || m.bal != b {
					continue
				}
				found = true
				if m.mbal.IsZero() {
					continue
				}
				switch {
				case !voted || hi.Less(m.mbal):
					voted, hi, hiHasV = true, m.mbal, m.mval == v
				case m.mbal == hi && m.mval == v:
					hiHasV = true
				}
			}
			all = found
		}
		if all && (!voted || hiHasV) {
			return true
		}
	}
	return false
}

func (r *Refinement) has1b(x msg1b) bool {
	_, ok := slices.BinarySearchFunc(r.m1b, x, cmp1b)
	return ok
}

func (r *Refinement) has2a(x msg2a) bool {
	_, ok := slices.BinarySearchFunc(r.m2a, x, cmp2a)
	return ok
}

func (r *Refinement) has2b(x msg2b) bool {
	_, ok := slices.BinarySearchFunc(r.m2b, x, cmp2b)
	return ok
}

func (r *Refinement) add1a(b engine.Ballot) {
	if i, ok := slices.BinarySearchFunc(r.m1a, b, engine.Ballot.Compare); !ok {
		r.m1a = slices.Insert(r.m1a, i, b)
	}
}

func (r *Refinement) add1b(x msg1b) {
	if i, ok := slices.BinarySearchFunc(r.m1b, x, cmp1b); !ok {
		r.m1b = slices.Insert(r.m1b, i, x)
	}
}

func (r *Refinement) add2a(x msg2a) {
	if i, ok := slices.BinarySearchFunc(r.m2a, x, cmp2a); !ok {
		r.m2a = slices.Insert(r.m2a, i, x)
	}
}

func (r *Refinement) add2b(x msg2b) {
	if i, ok := slices.BinarySearchFunc(r.m2b, x, cmp2b); !ok {
		r.m2b = slices.Insert(r.m2b, i, x)
	}
}

func valueOrNone(v engine.Value) string {
	if v == "" {
		return "None"
	}
	return string(v)
}

// SpecBallot maps an engine ballot to its spec ballot number for a cluster
// of p proposers: ·(p+1)+I, and -1 for the zero ballot. The map is
// one-to-one and keeps the order, plain rounds (I = 0) included.
func SpecBallot(b engine.Ballot, p int) int {
	if b.IsZero() {
		return -1
	}
	return int(b.Round-1)*(p+1) + int(b.Index)
}

// String renders the mapped spec state: each acceptor's variables and the
// messages sent, with spec ballot numbers.
func (r *Refinement) String() string {
	p := len(r.cfg.Proposers)
	var sb strings.Builder
	for i, a := range r.cfg.Acceptors {
		x := r.acc[i]
		fmt.Fprintf(&sb, "%s: maxBal=%d maxVBal=%d maxVal=%s\n", r.cfg.Name(a), SpecBallot(x.maxBal, p), SpecBallot(x.maxVBal, p), valueOrNone(x.maxVal))
	}
	for _, b := range r.m1a {
		fmt.Fprintf(&sb, "1a bal=%d\n", SpecBallot(b, p))
	}
	for _, m := range r.m1b {
		fmt.Fprintf(&sb, "1b acc=%s bal=%d mbal=%d mval=%s\n", r.cfg.Name(m.acc), SpecBallot(m.bal, p), SpecBallot(m.mbal, p), valueOrNone(m.mval))
	}
	for _, m := range r.m2a {
		fmt.Fprintf(&sb, "2a bal=%d val=%s\n", SpecBallot(m.bal, p), m.val)
	}
	for _, m := range r.m2b {
		fmt.Fprintf(&sb, "2b acc=%s bal=%d val=%s\n", r.cfg.Name(m.acc), SpecBallot(m.bal, p), m.val)
	}
	return sb.String()
}

// appendGhost encodes the message history (the part of the spec state the
// engine state does not determine), for the search state.
func (r *Refinement) appendGhost(b []byte) []byte {
	ballot := func(b []byte, x engine.Ballot) []byte {
		b = binary.AppendUvarint(b, uint64(uint32(x.Round)))
		return binary.AppendUvarint(b, uint64(uint32(x.Index)))
	}
	value := func(b []byte, v engine.Value) []byte {
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	}
	b = binary.AppendUvarint(b, uint64(len(r.m1a)))
	for _, x := range r.m1a {
		b = ballot(b, x)
	}
	b = binary.AppendUvarint(b, uint64(len(r.m1b)))
	for _, x := range r.m1b {
		b = binary.AppendUvarint(b, uint64(uint16(x.acc)))
		b = ballot(b, x.bal)
		b = ballot(b, x.mbal)
		b = value(b, x.mval)
	}
	b = binary.AppendUvarint(b, uint64(len(r.m2a)))
	for _, x := range r.m2a {
		b = ballot(b, x.bal)
		b = value(b, x.val)
	}
	b = binary.AppendUvarint(b, uint64(len(r.m2b)))
	for _, x := range r.m2b {
		b = binary.AppendUvarint(b, uint64(uint16(x.acc)))
		b = ballot(b, x.bal)
		b = value(b, x.val)
	}
	return b
}

// loadGhost restores what appendGhost wrote, with the acceptors' variables
// taken from s.
func (r *Refinement) loadGhost(b []byte, s *sim.Sim) error {
	bad := false
	num := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			b = nil
			return 0
		}
		b = b[n:]
		return v
	}
	ballot := func() engine.Ballot {
		round := num()
		idx := num()
		return engine.Ballot{Round: int32(round), Index: int32(idx)}
	}
	values := s.Proposed()
	value := func() engine.Value {
		n := num()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		raw := b[:n]
		b = b[n:]
		for _, v := range values {
			if string(v) == string(raw) {
				return v
			}
		}
		return engine.Value(raw)
	}
	r.m1a, r.m1b, r.m2a, r.m2b = r.m1a[:0], r.m1b[:0], r.m2a[:0], r.m2b[:0]
	for k := num(); k > 0 && !bad; k-- {
		r.m1a = append(r.m1a, ballot())
	}
	for k := num(); k > 0 && !bad; k-- {
		var x msg1b
		x.acc = engine.NodeID(num())
		x.bal = ballot()
		x.mbal = ballot()
		x.mval = value()
		r.m1b = append(r.m1b, x)
	}
	for k := num(); k > 0 && !bad; k-- {
		var x msg2a
		x.bal = ballot()
		x.val = value()
		r.m2a = append(r.m2a, x)
	}
	for k := num(); k > 0 && !bad; k-- {
		var x msg2b
		x.acc = engine.NodeID(num())
		x.bal = ballot()
		x.val = value()
		r.m2b = append(r.m2b, x)
	}
	if bad || len(b) != 0 {
		return errors.New("malformed ghost state")
	}
	r.acc = r.mapAcceptors(s, r.acc)
	return nil
}
