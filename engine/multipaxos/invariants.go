package multipaxos

import (
	"strconv"
	"strings"
)

// Invariant names (multipaxos.md §4), as `expect violation NAME` spells them.
const (
	InvAgreement        = "agreement"
	InvValidity         = "validity"
	InvLearnedChosen    = "learned-chosen"
	InvLogPrefix        = "log-prefix"
	InvExactlyOnce      = "exactly-once"
	InvLinearizable     = "linearizable"
	InvPromiseMonotonic = "promise-monotonic"
	InvLeaseExclusive   = "lease-exclusive"
	InvFencing          = "fencing"
)

// Invariants lists every invariant this package checks, in report order.
var Invariants = []string{
	InvAgreement, InvValidity, InvLearnedChosen, InvLogPrefix,
	InvExactlyOnce, InvLinearizable, InvPromiseMonotonic, InvLeaseExclusive,
	InvFencing,
}

// Violation is the first break of one invariant: which, at which step, and
// the server, slot, commands, ballots and operations concerned.
type Violation struct {
	Invariant string
	Step      int
	// Server is the server concerned (None for agreement, validity and
	// linearizable).
	Server NodeID
	// Slot is the slot concerned (0 for exactly-once, linearizable and
	// promise-monotonic).
	Slot int32
	// Cmds are the commands involved: the two chosen in one slot, the one
	// decided unchosen, the expected and executed ones, ...
	Cmds []Cmd
	// Ballots are the ballots involved (promise-monotonic: before, after).
	Ballots []Ballot
	// Ops are the request ids involved (exactly-once: the one applied
	// twice; linearizable: the operations on the key with no legal order).
	Ops []ReqID
	// Key is the key whose history is not linearizable.
	Key string
	// Holders are the nodes that believed at once that they held a lease
	// (lease-exclusive; Key names the lock when they are clients).
	Holders []NodeID
	// Tokens are the fencing tokens of two stores d1 applied to Key, in
	// the order applied (fencing).
	Tokens []int32
}

// Describe renders v in words for traces and test failures, e.g.
// "agreement broken at step 12: slot 1 chose c1.1:put:x:1 and c2.1:put:x:2".
func (v *Violation) Describe(cfg *Config) string {
	var sb strings.Builder
	sb.WriteString(v.Invariant)
	sb.WriteString(" broken at step ")
	sb.WriteString(strconv.Itoa(v.Step))
	sb.WriteString(":")
	if v.Server != None {
		sb.WriteString(" server ")
		sb.WriteString(cfg.Name(v.Server))
	}
	if v.Slot != 0 {
		sb.WriteString(" slot ")
		sb.WriteString(strconv.Itoa(int(v.Slot)))
	}
	if v.Key != "" {
		sb.WriteString(" key ")
		sb.WriteString(v.Key)
	}
	for i, c := range v.Cmds {
		if i == 0 {
			sb.WriteString(" commands")
		}
		sb.WriteByte(' ')
		sb.WriteString(c.String())
	}
	for i, b := range v.Ballots {
		if i == 0 {
			sb.WriteString(" ballots")
		}
		sb.WriteByte(' ')
		sb.WriteString(b.String())
	}
	for i, id := range v.Ops {
		if i == 0 {
			sb.WriteString(" operations")
		}
		sb.WriteByte(' ')
		sb.WriteString(id.String())
	}
	for i, h := range v.Holders {
		if i == 0 {
			sb.WriteString(" lease holders")
		}
		sb.WriteByte(' ')
		sb.WriteString(cfg.Name(h))
	}
	for i, t := range v.Tokens {
		if i == 0 {
			sb.WriteString(" tokens")
		}
		sb.WriteByte(' ')
		sb.WriteString(strconv.Itoa(int(t)))
	}
	return sb.String()
}

// StepRecords are the god's-eye records one step appended: the part of an
// Out the invariants judge.
type StepRecords struct {
	Step      int
	Votes     []VoteRec
	Decisions []DecideRec
	Execs     []ExecRec
	Promises  []PromiseRec
	Client    []ClientEvent
	Stores    []StoreRec
}

// Records copies the records of o, stamped with step.
func (o *Out) Records(step int) StepRecords {
	return StepRecords{
		Step:      step,
		Votes:     cloneSlice(o.Votes),
		Decisions: cloneSlice(o.Decisions),
		Execs:     cloneSlice(o.Execs),
		Promises:  cloneSlice(o.Promises),
		Client:    cloneSlice(o.Client),
		Stores:    cloneSlice(o.Stores),
	}
}

// Check judges a whole history of records, in order, and returns the first
// break of each invariant: a pure function of its input.
func Check(cfg *Config, history []StepRecords) []Violation {
	k := NewChecker(cfg)
	for i := range history {
		k.Observe(&history[i])
	}
	return k.Violations()
}

// tally is the set of servers that voted (B, Cmd) in one slot.
type tally struct {
	B    Ballot
	Cmd  Cmd
	Mask uint16
}

// slotRecord is the checker's knowledge of one slot, kept small: a slot
// usually has one tally, and the command first chosen and first executed
// there are that tally's, so those are held inline and flagged; anything
// else (ballots that competed for the slot, a broken invariant) goes to
// x. A long run holds one record per slot, so every byte counts.
type slotRecord struct {
	// t0 is the slot's first tally (Mask zero: none yet).
	t0 tally
	// c0IsT0: the first command chosen is t0.Cmd; execIsT0: the first
	// command executed is t0.Cmd.
	c0IsT0, execIsT0 bool
	x                *slotMore
}

// slotMore is the rest of a slot's record.
type slotMore struct {
	// tallies are the tallies after t0.
	tallies []tally
	// c0 is the first command chosen when it is not t0.Cmd; chosen the
	// later ones (agreement broken).
	c0     Cmd
	chosen []Cmd
	// executed is the first command executed when it is not t0.Cmd.
	executed Cmd
}

func (s *slotRecord) more() *slotMore {
	if s.x == nil {
		s.x = &slotMore{}
	}
	return s.x
}

// tally returns the slot's tally for (b, c), adding an empty one.
func (s *slotRecord) tally(b Ballot, c Cmd) *tally {
	if s.t0.Mask == 0 {
		s.t0 = tally{B: b, Cmd: c}
		return &s.t0
	}
	if s.t0.B == b && s.t0.Cmd == c {
		return &s.t0
	}
	x := s.more()
	for i := range x.tallies {
		if x.tallies[i].B == b && x.tallies[i].Cmd == c {
			return &x.tallies[i]
		}
	}
	x.tallies = append(x.tallies, tally{B: b, Cmd: c})
	return &x.tallies[len(x.tallies)-1]
}

// allTallies returns the slot's tallies in the order they were made.
func (s *slotRecord) allTallies() []tally {
	if s.t0.Mask == 0 {
		return nil
	}
	ts := []tally{s.t0}
	if s.x != nil {
		ts = append(ts, s.x.tallies...)
	}
	return ts
}

// firstChosen returns the first command chosen in the slot (zero: none).
func (s *slotRecord) firstChosen() Cmd {
	switch {
	case s.c0IsT0:
		return s.t0.Cmd
	case s.x != nil:
		return s.x.c0
	}
	return Cmd{}
}

// isChosen reports whether c is chosen in the slot.
func (s *slotRecord) isChosen(c Cmd) bool {
	first := s.firstChosen()
	if first.IsZero() {
		return false
	}
	if first == c {
		return true
	}
	for _, x := range s.x.chosenAfter() {
		if x == c {
			return true
		}
	}
	return false
}

func (x *slotMore) chosenAfter() []Cmd {
	if x == nil {
		return nil
	}
	return x.chosen
}

// choose records c chosen in the slot; it reports whether another
// command was chosen before (agreement broken).
func (s *slotRecord) choose(c Cmd) bool {
	switch {
	case !s.firstChosen().IsZero():
		x := s.more()
		x.chosen = append(x.chosen, c)
		return true
	case c == s.t0.Cmd:
		s.c0IsT0 = true
	default:
		s.more().c0 = c
	}
	return false
}

// allChosen returns the commands chosen in the slot, in order.
func (s *slotRecord) allChosen() []Cmd {
	first := s.firstChosen()
	if first.IsZero() {
		return nil
	}
	return append([]Cmd{first}, s.x.chosenAfter()...)
}

// executed returns the first command any server executed in the slot
// (zero: none).
func (s *slotRecord) executed() Cmd {
	switch {
	case s.execIsT0:
		return s.t0.Cmd
	case s.x != nil:
		return s.x.executed
	}
	return Cmd{}
}

func (s *slotRecord) setExecuted(c Cmd) {
	if s.t0.Mask != 0 && c == s.t0.Cmd {
		s.execIsT0 = true
		return
	}
	s.more().executed = c
}

// serverRecord is the checker's knowledge of one server.
type serverRecord struct {
	incarnation int32
	// next is the next slot the server must execute in this incarnation.
	next int32
	// applied[i-1] holds client ci's request numbers applied in this
	// incarnation, as a bitset.
	applied  [][]uint64
	promised Ballot
}

// Checker judges the invariants incrementally, step by step, from the
// god's-eye records (it never looks at node state, so a crash erases
// nothing it knows). Observe after every step; Clone for branching.
type Checker struct {
	cfg     *Config
	slots   Pages[slotRecord]
	servers []serverRecord
	// issued[i-1].At(q-1) is client ci's request q.
	issued []Pages[Cmd]
	lin    linChecker
	// fenced is, per key of d1, the token of the last store applied.
	fenced []fencedKey
	broken uint16
	found  []Violation
}

// NewChecker returns a checker with nothing recorded.
func NewChecker(cfg *Config) *Checker {
	return &Checker{
		cfg:     cfg,
		servers: make([]serverRecord, cfg.Servers),
		issued:  make([]Pages[Cmd], cfg.Clients),
		lin:     newLinChecker(),
	}
}

// Clone returns an independent copy of k.
func (k *Checker) Clone() *Checker {
	c := *k
	c.slots = k.slots.Clone()
	for i := range c.slots.Len() {
		if s := c.slots.At(i); s.x != nil {
			x := *s.x
			x.tallies = cloneSlice(x.tallies)
			x.chosen = cloneSlice(x.chosen)
			s.x = &x
		}
	}
	c.servers = make([]serverRecord, len(k.servers))
	for i, s := range k.servers {
		c.servers[i] = s
		c.servers[i].applied = make([][]uint64, len(s.applied))
		for j, a := range s.applied {
			c.servers[i].applied[j] = cloneSlice(a)
		}
	}
	c.issued = make([]Pages[Cmd], len(k.issued))
	for i := range k.issued {
		c.issued[i] = k.issued[i].Clone()
	}
	c.lin = k.lin.clone()
	c.fenced = cloneSlice(k.fenced)
	c.found = cloneSlice(k.found)
	return &c
}

// Violations returns the first break of each invariant found so far, in
// the order found.
func (k *Checker) Violations() []Violation { return k.found }

// Broken reports whether invariant name has been broken.
func (k *Checker) Broken(name string) bool {
	for i, n := range Invariants {
		if n == name {
			return k.broken&(1<<uint(i)) != 0
		}
	}
	return false
}

func (k *Checker) report(v Violation) {
	for i, n := range Invariants {
		if n == v.Invariant {
			if k.broken&(1<<uint(i)) != 0 {
				return
			}
			k.broken |= 1 << uint(i)
		}
	}
	k.found = append(k.found, v)
}

func (k *Checker) slot(n int32) *slotRecord {
	k.slots.Grow(int(n))
	return k.slots.At(int(n) - 1)
}

// ObserveOut judges the records of one step's Out.
func (k *Checker) ObserveOut(step int, o *Out) int {
	r := StepRecords{Step: step, Votes: o.Votes, Decisions: o.Decisions, Execs: o.Execs, Promises: o.Promises, Client: o.Client, Stores: o.Stores}
	return k.Observe(&r)
}

// Observe judges one step's records and returns how many new violations it
// found (Violations lists them).
func (k *Checker) Observe(r *StepRecords) int {
	before := len(k.found)
	for _, e := range r.Client {
		if !e.Return {
			k.call(r.Step, e)
		}
	}
	for _, v := range r.Votes {
		k.vote(r.Step, v)
	}
	for _, d := range r.Decisions {
		k.decide(r.Step, d)
	}
	for _, e := range r.Execs {
		k.exec(r.Step, e)
	}
	for _, p := range r.Promises {
		k.promise(r.Step, p)
	}
	for _, s := range r.Stores {
		k.store(r.Step, s)
	}
	for _, e := range r.Client {
		if e.Return {
			if bad, ops := k.lin.ret(e); bad {
				k.report(Violation{Invariant: InvLinearizable, Step: r.Step, Server: None, Key: e.Cmd.Key, Ops: ops})
			}
		}
	}
	return len(k.found) - before
}

func (k *Checker) call(step int, e ClientEvent) {
	i := int(e.Cmd.ID.Client) - 1
	if i < 0 || i >= len(k.issued) || int(e.Cmd.ID.Seq) != k.issued[i].Len()+1 {
		return
	}
	is := &k.issued[i]
	is.Grow(is.Len() + 1)
	*is.At(is.Len() - 1) = e.Cmd
	k.lin.call(e)
}

// vote counts a vote; the slot's command is chosen once a majority voted
// for it in one ballot (agreement, validity).
func (k *Checker) vote(step int, v VoteRec) {
	if !validSlot(v.Slot) || !k.cfg.IsServer(v.Server) {
		return
	}
	s := k.slot(v.Slot)
	t := s.tally(v.B, v.Cmd)
	t.Mask |= 1 << uint(v.Server)
	if popcount(t.Mask) < k.cfg.Quorum || s.isChosen(v.Cmd) {
		return
	}
	if s.choose(v.Cmd) {
		k.report(Violation{Invariant: InvAgreement, Step: step, Server: None, Slot: v.Slot, Cmds: s.allChosen()})
	}
	if !k.valid(v.Cmd) {
		k.report(Violation{Invariant: InvValidity, Step: step, Server: None, Slot: v.Slot, Cmds: []Cmd{v.Cmd}})
	}
}

// valid: noop, or an op a client issued under that id.
func (k *Checker) valid(c Cmd) bool {
	if c.Op == OpNoop || c.Op == OpExpire {
		return true
	}
	i := int(c.ID.Client) - 1
	if i < 0 || i >= len(k.issued) || c.ID.Seq < 1 || int(c.ID.Seq) > k.issued[i].Len() {
		return false
	}
	return *k.issued[i].At(int(c.ID.Seq) - 1) == c
}

// Chosen returns the commands chosen in slot n (more than one only when
// agreement is broken).
func (k *Checker) Chosen(n int32) []Cmd {
	if n < 1 || int(n) > k.slots.Len() {
		return nil
	}
	return k.slots.At(int(n) - 1).allChosen()
}

// MaxChosen returns the highest slot with a chosen command (0 if none).
func (k *Checker) MaxChosen() int32 {
	for i := k.slots.Len() - 1; i >= 0; i-- {
		if !k.slots.At(i).firstChosen().IsZero() {
			return int32(i + 1)
		}
	}
	return 0
}

func (k *Checker) decide(step int, d DecideRec) {
	if !validSlot(d.Slot) {
		return
	}
	if k.slot(d.Slot).isChosen(d.Cmd) {
		return
	}
	k.report(Violation{Invariant: InvLearnedChosen, Step: step, Server: d.Server, Slot: d.Slot, Cmds: []Cmd{d.Cmd}})
}

func (k *Checker) exec(step int, e ExecRec) {
	if !k.cfg.IsServer(e.Server) || !validSlot(e.Slot) {
		return
	}
	sr := &k.servers[e.Server]
	if sr.next == 0 || sr.incarnation != e.Incarnation {
		sr.incarnation = e.Incarnation
		sr.next = 1
		sr.applied = sr.applied[:0]
	}
	if e.Slot != sr.next {
		k.report(Violation{Invariant: InvLogPrefix, Step: step, Server: e.Server, Slot: e.Slot, Cmds: []Cmd{e.Cmd}})
	}
	sr.next = max(sr.next, e.Slot+1)
	s := k.slot(e.Slot)
	switch x := s.executed(); {
	case x.IsZero():
		s.setExecuted(e.Cmd)
	case x != e.Cmd:
		k.report(Violation{Invariant: InvLogPrefix, Step: step, Server: e.Server, Slot: e.Slot, Cmds: []Cmd{x, e.Cmd}})
	}
	if !e.Applied || e.Cmd.Op < OpPut {
		return
	}
	c := int(e.Cmd.ID.Client)
	if c < 1 || c > k.cfg.Clients || e.Cmd.ID.Seq < 1 || e.Cmd.ID.Seq > MaxSeq {
		return
	}
	for len(sr.applied) < c {
		sr.applied = append(sr.applied, nil)
	}
	q := int(e.Cmd.ID.Seq - 1)
	set := sr.applied[c-1]
	for len(set) <= q/64 {
		set = append(set, 0)
	}
	if set[q/64]&(1<<uint(q%64)) != 0 {
		k.report(Violation{Invariant: InvExactlyOnce, Step: step, Server: e.Server, Slot: e.Slot, Cmds: []Cmd{e.Cmd}, Ops: []ReqID{e.Cmd.ID}})
	}
	set[q/64] |= 1 << uint(q%64)
	sr.applied[c-1] = set
}

func (k *Checker) promise(step int, p PromiseRec) {
	if !k.cfg.IsServer(p.Server) {
		return
	}
	sr := &k.servers[p.Server]
	if p.B.Less(sr.promised) {
		k.report(Violation{Invariant: InvPromiseMonotonic, Step: step, Server: p.Server, Ballots: []Ballot{sr.promised, p.B}})
	}
	sr.promised = p.B
}
