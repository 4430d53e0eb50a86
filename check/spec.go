package check

import (
	"context"
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// SpecOptions are the constants of a spec-level search: the model of
// Lamport's Paxos.tla that TLC checks with MCPaxos (Acceptor = {a1..aA},
// Value = {v1..vV}, Ballot = 0..MaxBallot, Quorum = the majorities).
type SpecOptions struct {
	Acceptors int
	Values    int
	MaxBallot int
	// Quorum, when set, makes the quorums the sets of exactly Quorum
	// acceptors instead of the majorities. Quorums that need not
	// intersect (2·Quorum <= Acceptors) break consistency: a way to see
	// the checker catch a broken model.
	Quorum int
	// MaxStates bounds the distinct states (default DefaultMaxStates);
	// Timeout bounds the wall-clock time (0: only the context's).
	MaxStates int
	Timeout   time.Duration
}

// Limits of the spec search: the state must fit its packed layout.
const (
	MaxSpecAcceptors = 7
	MaxSpecValues    = 6
	MaxSpecBallot    = 7
)

// SpecInvariants names what the spec search checks in every state (and,
// for the last, on every transition), in report order.
var SpecInvariants = []string{
	// TypeOK: Paxos.tla's type invariant.
	"TypeOK",
	// Inv: Paxos.tla's inductive invariant (maxBal >= maxVBal; the vote
	// <<maxVBal, maxVal>> was cast; each 1b message reports a cast vote
	// and its acceptor's maxBal is at least its ballot; each 2a message
	// has a quorum that ShowsSafeAt its ballot and value, and is the only
	// 2a of its ballot; each 2b has its 2a).
	"Inv",
	// VotesSafe and OneValuePerBallot: Voting.tla's invariant, through
	// Paxos.tla's refinement mapping (votes from the 2b messages).
	"VotesSafe",
	"OneValuePerBallot",
	// Consistency: at most one value is chosen (Consensus.tla, through
	// Voting's chosen).
	"Consistency",
	// Refinement: every Paxos step is a Voting step or a stutter
	// (Paxos.tla's THEOREM Implementation, checked as TLC checks
	// MCPaxos's PROPERTY V!Spec).
	"VotingRefinement",
}

func (o *SpecOptions) normalize() error {
	switch {
	case o.Acceptors < 1 || o.Acceptors > MaxSpecAcceptors:
		return fmt.Errorf("%w: acceptors must be 1..%d, not %d", ErrOptions, MaxSpecAcceptors, o.Acceptors)
	case o.Values < 1 || o.Values > MaxSpecValues:
		return fmt.Errorf("%w: values must be 1..%d, not %d", ErrOptions, MaxSpecValues, o.Values)
	case o.MaxBallot < 0 || o.MaxBallot > MaxSpecBallot:
		return fmt.Errorf("%w: max-ballot must be 0..%d, not %d", ErrOptions, MaxSpecBallot, o.MaxBallot)
	case o.Quorum < 0 || o.Quorum > o.Acceptors:
		return fmt.Errorf("%w: quorum must be 1..%d (0: majorities), not %d", ErrOptions, o.Acceptors, o.Quorum)
	case o.MaxStates < 0:
		return fmt.Errorf("%w: max-states must not be negative", ErrOptions)
	case o.Timeout < 0:
		return fmt.Errorf("%w: timeout must not be negative", ErrOptions)
	}
	if nB, nV := o.MaxBallot+1, o.Values; nB*nV > 64 || nB+nV*nB*(nB-1)/2 > 64 {
		return fmt.Errorf("%w: %d values and ballots 0..%d do not fit the search's packed layout (at most 64 votes and 64 phase 1b messages per acceptor)", ErrOptions, o.Values, o.MaxBallot)
	}
	if o.MaxStates == 0 {
		o.MaxStates = DefaultMaxStates
	}
	return nil
}

// Bounds renders the options in the flag form of paxviz check spec.
func (o *SpecOptions) Bounds() string {
	s := fmt.Sprintf("--acceptors %d --values %d --max-ballot %d", o.Acceptors, o.Values, o.MaxBallot)
	if o.Quorum > 0 {
		s += fmt.Sprintf(" --quorum %d", o.Quorum)
	}
	return s
}

// specModel is the packed layout of the spec's states. A state is a bit
// vector of words: each acceptor's maxBal+1, maxVBal+1 (0 means -1) and
// maxVal (0 means None, v+1 for value v) in fixed-width fields, then one
// bit per message that can ever be sent. 1b messages exist only with
// mbal < bal (maxVBal <= maxBal < bal when Phase1b sends one) and with
// mval = None exactly when mbal = -1, so only those get bits.
type specModel struct {
	nA, nV, nB int // acceptors, values, ballots (0..nB-1)
	quorum     int
	bitsB      uint // width of a ballot+1 field
	bitsV      uint // width of a value field
	width      uint // width of one acceptor's fields
	perWord    int  // acceptors' fields per word (fields never straddle words)
	off1a      int
	off1b      [][]int     // [a][b]: first bit of 1b(a, b, ...)
	n1b        int         // 1b messages per acceptor
	msg1b      []specMsg1b // the i-th 1b message of an acceptor
	off2a      int
	off2b      int
	nBits      int
	words      int
	// quorums are the bit sets of acceptors that form a quorum.
	quorums []uint32
}

func newSpecModel(o SpecOptions) *specModel {
	m := &specModel{nA: o.Acceptors, nV: o.Values, nB: o.MaxBallot + 1}
	m.quorum = o.Quorum
	if m.quorum == 0 {
		m.quorum = m.nA/2 + 1
	}
	m.bitsB = uint(bits.Len(uint(m.nB)))
	m.bitsV = uint(bits.Len(uint(m.nV)))
	m.width = 2*m.bitsB + m.bitsV
	m.perWord = 64 / int(m.width)
	pos := 64 * ((m.nA + m.perWord - 1) / m.perWord)
	m.off1a = pos
	pos += m.nB
	m.off1b = make([][]int, m.nA)
	for b := 0; b < m.nB; b++ {
		m.msg1b = append(m.msg1b, specMsg1b{bal: b, mbal: -1, mval: -1})
		for mb := 0; mb < b; mb++ {
			for mv := 0; mv < m.nV; mv++ {
				m.msg1b = append(m.msg1b, specMsg1b{bal: b, mbal: mb, mval: mv})
			}
		}
	}
	m.n1b = len(m.msg1b)
	for a := 0; a < m.nA; a++ {
		m.off1b[a] = make([]int, m.nB)
		for b := 0; b < m.nB; b++ {
			m.off1b[a][b] = pos
			pos += 1 + b*m.nV
		}
	}
	m.off2a = pos
	pos += m.nB * m.nV
	m.off2b = pos
	pos += m.nA * m.nB * m.nV
	m.nBits = pos
	m.words = (pos + 63) / 64
	for q := uint32(0); q < 1<<uint(m.nA); q++ {
		if bits.OnesCount32(q) == m.quorum {
			m.quorums = append(m.quorums, q)
		}
	}
	return m
}

func getBit(s []uint64, i int) bool { return s[i>>6]&(1<<uint(i&63)) != 0 }
func setBit(s []uint64, i int)      { s[i>>6] |= 1 << uint(i&63) }

// specMsg1b is a 1b message's ballot and reported vote (-1: none).
type specMsg1b struct{ bal, mbal, mval int }

// acc holds one acceptor's variables, -1 for -1 and None.
type specAcc struct{ maxBal, maxVBal, maxVal int }

func (m *specModel) getAcc(s []uint64, a int) specAcc {
	w := s[a/m.perWord] >> (uint(a%m.perWord) * m.width)
	return specAcc{
		maxBal:  int(w&(1<<m.bitsB-1)) - 1,
		maxVBal: int(w>>m.bitsB&(1<<m.bitsB-1)) - 1,
		maxVal:  int(w>>(2*m.bitsB)&(1<<m.bitsV-1)) - 1,
	}
}

func (m *specModel) setAcc(s []uint64, a int, x specAcc) {
	off := uint(a%m.perWord) * m.width
	mask := uint64(1)<<m.width - 1
	v := uint64(x.maxBal+1) | uint64(x.maxVBal+1)<<m.bitsB | uint64(x.maxVal+1)<<(2*m.bitsB)
	i := a / m.perWord
	s[i] = s[i]&^(mask<<off) | v<<off
}

func (m *specModel) bit1b(a, b, mbal, mval int) int {
	if mbal < 0 {
		return m.off1b[a][b]
	}
	return m.off1b[a][b] + 1 + mbal*m.nV + mval
}

func (m *specModel) bit2a(b, v int) int    { return m.off2a + b*m.nV + v }
func (m *specModel) bit2b(a, b, v int) int { return m.off2b + (a*m.nB+b)*m.nV + v }

// The spec's actions, packed for the parent links: kind, then its
// arguments.
const (
	specPhase1a = iota + 1
	specPhase1b
	specPhase2a
	specPhase2b
)

func packSpec(kind, a, b, v int) uint32 {
	return uint32(kind)<<24 | uint32(a+1)<<16 | uint32(b+1)<<8 | uint32(v+1)
}

func unpackSpec(x uint32) (kind, a, b, v int) {
	return int(x >> 24), int(x>>16&0xff) - 1, int(x>>8&0xff) - 1, int(x&0xff) - 1
}

// specTable is an exact set of packed states (no fingerprints: the states
// are small enough to keep whole). States live back to back in arena; the
// table holds state numbers + 1.
type specTable struct {
	words int
	arena []uint64
	table []uint32
	n     int
}

func hashWords(s []uint64) uint64 {
	h := uint64(0x9e3779b97f4a7c15)
	for _, w := range s {
		h = mix(h^w, fpK1)
	}
	return mix(h, fpK2)
}

func (t *specTable) state(i int) []uint64 { return t.arena[i*t.words : (i+1)*t.words] }

// insert adds s unless present; it returns its number and whether it is new.
func (t *specTable) insert(s []uint64) (int, bool) {
	if 2*(t.n+1) > len(t.table) {
		t.grow()
	}
	mask := uint64(len(t.table) - 1)
	for i := hashWords(s) & mask; ; i = (i + 1) & mask {
		e := t.table[i]
		if e == 0 {
			t.table[i] = uint32(t.n + 1)
			t.arena = append(t.arena, s...)
			t.n++
			return t.n - 1, true
		}
		if equalWords(t.state(int(e-1)), s) {
			return int(e - 1), false
		}
	}
}

func equalWords(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (t *specTable) grow() {
	size := max(2*len(t.table), 1<<12)
	nt := make([]uint32, size)
	mask := uint64(size - 1)
	for _, e := range t.table {
		if e == 0 {
			continue
		}
		for i := hashWords(t.state(int(e-1))) & mask; ; i = (i + 1) & mask {
			if nt[i] == 0 {
				nt[i] = e
				break
			}
		}
	}
	t.table = nt
}

// specSearch is one breadth-first search of the spec.
type specSearch struct {
	opt     SpecOptions
	m       *specModel
	t       specTable
	parent  []uint32
	acts    []uint32
	cur     []uint64 // the state being expanded
	curView specView // cur, unpacked
	next    []uint64 // the successor being built
	res     Result
	budget  budget
	// violation found: the state it was found in (or the transition's
	// source and action), and what broke.
	bad    string
	detail string
}

// Spec explores every state of Lamport's Paxos.tla reachable with the given
// constants, breadth first, as TLC does, checking SpecInvariants. It
// returns the same figures as TLC (distinct states, states generated,
// depth) and, when an invariant breaks, the shortest trace of spec actions.
func Spec(ctx context.Context, opt SpecOptions) (*Result, error) {
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	start := time.Now()
	e := &specSearch{opt: opt, m: newSpecModel(opt)}
	e.t.words = e.m.words
	e.res = Result{Search: "spec", Bounds: opt.Bounds()}
	e.budget = budget{ctx: ctx}
	if opt.Timeout > 0 {
		e.budget.deadline = start.Add(opt.Timeout)
	}
	e.run()
	mem := int64(cap(e.t.arena))*8 + int64(cap(e.t.table))*4 + int64(cap(e.parent))*4 + int64(cap(e.acts))*4
	e.res.finish(start, mem)
	return &e.res, nil
}

func (e *specSearch) run() {
	m := e.m
	res := &e.res
	init := make([]uint64, m.words)
	for a := 0; a < m.nA; a++ {
		m.setAcc(init, a, specAcc{-1, -1, -1})
	}
	e.t.insert(init)
	e.parent = append(e.parent, 0)
	e.acts = append(e.acts, 0)
	res.DistinctStates, res.Transitions, res.Depth = 1, 1, 1
	if bad, detail := m.checkState(init); bad != "" {
		e.violation(0, 0, bad, detail)
		return
	}
	e.next = make([]uint64, m.words)
	e.cur = make([]uint64, m.words)
	levelStart, levelEnd := 0, 1
	for levelStart < levelEnd {
		for i := levelStart; i < levelEnd; i++ {
			if (i-levelStart)%256 == 0 {
				if why, stop := e.budget.stop(); stop {
					res.Stop = why
					return
				}
			}
			if done := e.expand(i); done {
				return
			}
		}
		levelStart, levelEnd = levelEnd, e.t.n
		if levelStart < levelEnd {
			res.Depth++
		}
	}
	res.Stop = StopComplete
}

// expand generates every successor of state i, as TLC does: one per
// action and witness (Phase1a(b) for every b, even when the 1a message was
// already sent; Phase1b(a) and Phase2b(a) once per message they act on).
func (e *specSearch) expand(i int) bool {
	m := e.m
	s := e.cur
	copy(s, e.t.state(i))
	m.view(s, &e.curView)
	accs := &e.curView.acc
	// Phase1a(b). Once the 1a message is sent, it is a stuttering step:
	// generated (TLC counts it), but no new state.
	for b := 0; b < m.nB; b++ {
		if getBit(s, m.off1a+b) {
			e.res.Transitions++
			continue
		}
		copy(e.next, s)
		setBit(e.next, m.off1a+b)
		if e.add(i, packSpec(specPhase1a, -1, b, -1), -1, -1, -1) {
			return true
		}
	}
	// Phase2a(b, v).
	for b := 0; b < m.nB; b++ {
		sent := false
		for v := 0; v < m.nV && !sent; v++ {
			sent = getBit(s, m.bit2a(b, v))
		}
		if sent {
			continue
		}
		for v := 0; v < m.nV; v++ {
			ways := m.phase2aWitnesses(s, b, v)
			if ways == 0 {
				continue
			}
			// The successor is the same for every way; count the others.
			e.res.Transitions += int64(ways - 1)
			copy(e.next, s)
			setBit(e.next, m.bit2a(b, v))
			if e.add(i, packSpec(specPhase2a, -1, b, v), -1, -1, -1) {
				return true
			}
		}
	}
	for a := 0; a < m.nA; a++ {
		x := accs[a]
		// Phase1b(a): one successor per 1a message with bal > maxBal[a].
		for b := x.maxBal + 1; b < m.nB; b++ {
			if !getBit(s, m.off1a+b) {
				continue
			}
			if x.maxVBal >= b {
				// The 1b message would fall outside the layout: only a
				// state that breaks Inv (maxBal >= maxVBal) gets here.
				e.violation(i, packSpec(specPhase1b, a, b, -1), "Inv", fmt.Sprintf("a%d has maxVBal %d > maxBal %d", a+1, x.maxVBal, x.maxBal))
				return true
			}
			copy(e.next, s)
			m.setAcc(e.next, a, specAcc{b, x.maxVBal, x.maxVal})
			setBit(e.next, m.bit1b(a, b, x.maxVBal, x.maxVal))
			if e.add(i, packSpec(specPhase1b, a, b, -1), -1, -1, -1) {
				return true
			}
		}
		// Phase2b(a): one successor per 2a message with bal >= maxBal[a].
		for b := max(x.maxBal, 0); b < m.nB; b++ {
			for v := 0; v < m.nV; v++ {
				if !getBit(s, m.bit2a(b, v)) {
					continue
				}
				copy(e.next, s)
				m.setAcc(e.next, a, specAcc{b, b, v})
				setBit(e.next, m.bit2b(a, b, v))
				if e.add(i, packSpec(specPhase2b, a, b, v), a, b, v) {
					return true
				}
			}
		}
	}
	return false
}

// add records the successor in e.next, reached from state i by act. For
// Phase2b(a) steps, vote gives (a, b, v) so that the step is checked
// against Voting's VoteFor. It returns true when the search is over.
func (e *specSearch) add(i int, act uint32, a, b, v int) bool {
	m := e.m
	e.res.Transitions++
	if a >= 0 {
		if why := m.votingStep(&e.curView, e.next, a, b, v); why != "" {
			e.violation(i, act, "VotingRefinement", why)
			return true
		}
	}
	if equalWords(e.next, e.cur) {
		return false // a stuttering step
	}
	id, isNew := e.t.insert(e.next)
	if !isNew {
		return false
	}
	if bad, detail := m.checkState(e.t.state(id)); bad != "" {
		e.violation(i, act, bad, detail)
		return true
	}
	if e.res.DistinctStates >= e.opt.MaxStates {
		e.res.Stop = StopMaxStates
		return true
	}
	e.res.DistinctStates++
	e.parent = append(e.parent, uint32(i))
	e.acts = append(e.acts, act)
	return false
}

// phase2aWitnesses counts the ways the second conjunct of Phase2a(b, v)
// holds: the quorums Q that have all sent 1b messages for b and, for each,
// either no 1b message from Q reports a vote (one way) or each 1b message
// that reports the highest-numbered vote with value v (one way each).
// Phase2a(b, v) is enabled when the count is positive; TLC generates one
// successor per way, which is what "states generated" counts.
func (m *specModel) phase2aWitnesses(s []uint64, b, v int) int {
	n := 0
	for _, q := range m.quorums {
		ok := true
		hi, hiWithV := -1, 0
		for a := 0; a < m.nA && ok; a++ {
			if q&(1<<uint(a)) == 0 {
				continue
			}
			found := getBit(s, m.bit1b(a, b, -1, -1))
			for mb := 0; mb < b; mb++ {
				for mv := 0; mv < m.nV; mv++ {
					if !getBit(s, m.bit1b(a, b, mb, mv)) {
						continue
					}
					found = true
					if mb > hi {
						hi, hiWithV = mb, 0
					}
					if mb == hi && mv == v {
						hiWithV++
					}
				}
			}
			ok = found
		}
		switch {
		case !ok:
		case hi < 0:
			n++
		default:
			n += hiWithV
		}
	}
	return n
}

// specView is one state unpacked for the invariants: each acceptor's
// variables, its votes and its 1b messages as bit masks, and the 2a
// messages. A vote (b, v) is bit b·V+v.
type specView struct {
	acc   [MaxSpecAcceptors]specAcc
	votes [MaxSpecAcceptors]uint64
	m1b   [MaxSpecAcceptors]uint64 // bit i: the i-th 1b message of the acceptor
	m2a   uint64
	all   uint64 // every vote cast, by anyone
}

// bitsAt extracts n <= 64 bits of s starting at bit off.
func bitsAt(s []uint64, off, n int) uint64 {
	w, o := off>>6, uint(off&63)
	x := s[w] >> o
	if o != 0 && int(o)+n > 64 {
		x |= s[w+1] << (64 - o)
	}
	if n < 64 {
		x &= 1<<uint(n) - 1
	}
	return x
}

func (m *specModel) view(s []uint64, v *specView) {
	nBV := m.nB * m.nV
	v.m2a = bitsAt(s, m.off2a, nBV)
	v.all = 0
	for a := 0; a < m.nA; a++ {
		v.acc[a] = m.getAcc(s, a)
		v.votes[a] = bitsAt(s, m.off2b+a*nBV, nBV)
		v.m1b[a] = bitsAt(s, m.off1b[a][0], m.n1b)
		v.all |= v.votes[a]
	}
}

// ballotMask returns the votes of ballot b.
func (m *specModel) ballotMask(b int) uint64 { return (1<<uint(m.nV) - 1) << uint(b*m.nV) }

func (m *specModel) vote(b, v int) uint64 { return 1 << uint(b*m.nV+v) }

// showsSafeAt is Voting's ShowsSafeAt(Q, b, v) with Paxos's maxBal and
// votes: every acceptor of Q has maxBal >= b, and for some c in -1..b-1,
// c = -1 or some acceptor of Q voted v at c, and no acceptor of Q voted
// in c+1..b-1.
func (m *specModel) showsSafeAt(w *specView, q uint32, b, v int) bool {
	var votesQ uint64
	for a := 0; a < m.nA; a++ {
		if q&(1<<uint(a)) == 0 {
			continue
		}
		if w.acc[a].maxBal < b {
			return false
		}
		votesQ |= w.votes[a]
	}
	// Votes of Q below b, by ballot: the highest ballot c below b with a
	// vote of Q must hold v (or there is none).
	below := votesQ & (m.vote(b, 0) - 1)
	if below == 0 {
		return true
	}
	c := (63 - bits.LeadingZeros64(below)) / m.nV
	return votesQ&m.vote(c, v) != 0
}

// safeAt is Voting's SafeAt(b, v): at every lower ballot c, some quorum
// each voted v at c or cannot vote at c (NoneOtherChoosableAt).
func (m *specModel) safeAt(w *specView, b, v int) bool {
	for c := 0; c < b; c++ {
		n := 0
		for a := 0; a < m.nA; a++ {
			if w.votes[a]&m.vote(c, v) != 0 || w.acc[a].maxBal > c && w.votes[a]&m.ballotMask(c) == 0 {
				n++
			}
		}
		if n < m.quorum {
			return false
		}
	}
	return true
}

// checkState checks every state invariant of SpecInvariants; it returns
// the first broken one's name and what broke, or "".
func (m *specModel) checkState(s []uint64) (string, string) {
	var w specView
	m.view(s, &w)
	if bad, why := m.typeOK(&w); bad != "" {
		return bad, why
	}
	if bad, why := m.inv(&w); bad != "" {
		return bad, why
	}
	return m.votingInv(&w)
}

// typeOK is Paxos.tla's TypeOK for the variables (the message set is
// type-correct by construction: each bit is a message of Message).
func (m *specModel) typeOK(w *specView) (string, string) {
	for a := 0; a < m.nA; a++ {
		x := w.acc[a]
		// TypeOK: the fields hold a ballot or -1 and a value or None.
		if x.maxBal >= m.nB || x.maxVBal >= m.nB || x.maxVal >= m.nV || x.maxBal < -1 || x.maxVBal < -1 || x.maxVal < -1 {
			return "TypeOK", fmt.Sprintf("a%d's variables are out of range", a+1)
		}
	}
	return "", ""
}

// inv is Paxos.tla's Inv, but for TypeOK.
func (m *specModel) inv(w *specView) (string, string) {
	for a := 0; a < m.nA; a++ {
		x := w.acc[a]
		if x.maxBal < x.maxVBal {
			return "Inv", fmt.Sprintf("maxBal[a%d] = %d < maxVBal[a%d] = %d", a+1, x.maxBal, a+1, x.maxVBal)
		}
		if (x.maxVBal == -1) != (x.maxVal == -1) || x.maxVBal >= 0 && w.votes[a]&m.vote(x.maxVBal, x.maxVal) == 0 {
			return "Inv", fmt.Sprintf("a%d's <<maxVBal, maxVal>> is not a vote it cast", a+1)
		}
		for bs := w.m1b[a]; bs != 0; bs &= bs - 1 {
			msg := m.msg1b[bits.TrailingZeros64(bs)]
			if x.maxBal < msg.bal {
				return "Inv", fmt.Sprintf("a%d sent a 1b message for ballot %d but maxBal[a%d] = %d", a+1, msg.bal, a+1, x.maxBal)
			}
			if msg.mbal >= 0 && w.votes[a]&m.vote(msg.mbal, msg.mval) == 0 {
				return "Inv", fmt.Sprintf("a%d's 1b message for ballot %d reports a vote (%d, v%d) it never cast", a+1, msg.bal, msg.mbal, msg.mval+1)
			}
		}
		if w.votes[a]&^w.m2a != 0 {
			return "Inv", fmt.Sprintf("a%d has a 2b message with no 2a message", a+1)
		}
		if w.votes[a] != 0 && (63-bits.LeadingZeros64(w.votes[a]))/m.nV > x.maxVBal {
			return "Inv", fmt.Sprintf("a%d has a 2b message above maxVBal[a%d] = %d", a+1, a+1, x.maxVBal)
		}
	}
	for b := 0; b < m.nB; b++ {
		in := w.m2a & m.ballotMask(b)
		if in == 0 {
			continue
		}
		if bits.OnesCount64(in) > 1 {
			return "Inv", fmt.Sprintf("two 2a messages for ballot %d", b)
		}
		v := bits.TrailingZeros64(in) - b*m.nV
		safe := false
		for _, q := range m.quorums {
			if m.showsSafeAt(w, q, b, v) {
				safe = true
				break
			}
		}
		if !safe {
			return "Inv", fmt.Sprintf("no quorum ShowsSafeAt(Q, %d, v%d) for the 2a message", b, v+1)
		}
	}
	return "", ""
}

// votingInv is Voting.tla's invariant (OneValuePerBallot, VotesSafe) on
// the votes the 2b messages record, and consistency: at most one value
// chosen.
func (m *specModel) votingInv(w *specView) (string, string) {
	chosen := -1
	for b := 0; b < m.nB; b++ {
		in := w.all & m.ballotMask(b)
		if in == 0 {
			continue
		}
		if bits.OnesCount64(in) > 1 {
			return "OneValuePerBallot", fmt.Sprintf("votes for two values in ballot %d", b)
		}
		v := bits.TrailingZeros64(in) - b*m.nV
		if !m.safeAt(w, b, v) {
			return "VotesSafe", fmt.Sprintf("a vote (%d, v%d) was cast but v%d is not safe at %d", b, v+1, v+1, b)
		}
		n := 0
		for a := 0; a < m.nA; a++ {
			if w.votes[a]&m.vote(b, v) != 0 {
				n++
			}
		}
		if n >= m.quorum {
			if chosen >= 0 && chosen != v {
				return "Consistency", fmt.Sprintf("v%d and v%d are both chosen", chosen+1, v+1)
			}
			chosen = v
		}
	}
	return "", ""
}

// votingStep checks that the step from the state w views to t, Phase2b(a)
// on the 2a message (b, v), is Voting's VoteFor(a, b, v) or a stutter of
// Voting's variables (votes, maxBal). It returns why not, or "".
func (m *specModel) votingStep(w *specView, t []uint64, a, b, v int) string {
	x, y := w.acc[a], m.getAcc(t, a)
	if w.votes[a]&m.vote(b, v) != 0 {
		if x.maxBal != y.maxBal {
			return fmt.Sprintf("Phase2b(a%d) on (%d, v%d) changes maxBal without a vote", a+1, b, v+1)
		}
		return "" // a stutter: the vote was already cast
	}
	if x.maxBal > b {
		return fmt.Sprintf("VoteFor(a%d, %d, v%d) needs maxBal[a%d] =< %d", a+1, b, v+1, a+1, b)
	}
	if w.votes[a]&m.ballotMask(b) != 0 {
		return fmt.Sprintf("VoteFor(a%d, %d, v%d): a%d already voted in ballot %d", a+1, b, v+1, a+1, b)
	}
	for c := 0; c < m.nA; c++ {
		if c != a && w.votes[c]&m.ballotMask(b)&^m.vote(b, v) != 0 {
			return fmt.Sprintf("VoteFor(a%d, %d, v%d): a%d voted another value in ballot %d", a+1, b, v+1, c+1, b)
		}
	}
	for _, q := range m.quorums {
		if m.showsSafeAt(w, q, b, v) {
			return ""
		}
	}
	return fmt.Sprintf("VoteFor(a%d, %d, v%d): no quorum ShowsSafeAt(Q, %d, v%d)", a+1, b, v+1, b, v+1)
}

// violation ends the search: the shortest trace to state i, then act.
func (e *specSearch) violation(i int, act uint32, inv, detail string) {
	var acts []uint32
	for j := i; j != 0; j = int(e.parent[j]) {
		acts = append(acts, e.acts[j])
	}
	for l, r := 0, len(acts)-1; l < r; l, r = l+1, r-1 {
		acts[l], acts[r] = acts[r], acts[l]
	}
	if act != 0 {
		acts = append(acts, act)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "# paxviz check spec: a shortest trace (%d steps) to a violation of %s.\n", len(acts), inv)
	fmt.Fprintf(&sb, "# Bounds: %s\n", e.opt.Bounds())
	sb.WriteString("Init\n")
	for _, x := range acts {
		sb.WriteString(e.m.describe(x) + "\n")
	}
	fmt.Fprintf(&sb, "# %s: %s\n", inv, detail)
	e.res.Stop = StopViolation
	e.res.Violation = &Violation{Invariant: inv, Detail: detail, Script: sb.String(), Steps: len(acts)}
}

// describe renders a packed action as TLA+.
func (m *specModel) describe(x uint32) string {
	kind, a, b, v := unpackSpec(x)
	switch kind {
	case specPhase1a:
		return fmt.Sprintf("Phase1a(%d)", b)
	case specPhase1b:
		return fmt.Sprintf("Phase1b(a%d)    \\* on the 1a message of ballot %d", a+1, b)
	case specPhase2a:
		return fmt.Sprintf("Phase2a(%d, v%d)", b, v+1)
	case specPhase2b:
		return fmt.Sprintf("Phase2b(a%d)    \\* on the 2a message (%d, v%d)", a+1, b, v+1)
	}
	return "?"
}
