package engine

import "math/bits"

// Phase is where a proposer stands in its current ballot.
type Phase uint8

// Proposer phases.
const (
	// PhaseIdle: no value to propose (a fresh or restarted proposer).
	PhaseIdle Phase = iota
	// PhasePreparing: prepare sent for Ballot, counting promises (phase 1).
	PhasePreparing
	// PhaseAccepting: a quorum promised; accept(Ballot, Proposed) sent (phase 2).
	PhaseAccepting
	// PhaseBackoff: a nack showed a higher ballot; the proposer abandoned
	// Ballot and waits for its timer to try again.
	PhaseBackoff
	// PhaseDone: the proposer knows the outcome and stops retrying: a
	// server has learned it, or every learner has told it with decided.
	PhaseDone
)

var phaseNames = [...]string{"idle", "preparing", "accepting", "backoff", "done"}

// String names the phase.
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "unknown"
}

// Promise is one promise a proposer has counted for its current ballot.
type Promise struct {
	From       NodeID
	VoteBallot Ballot
	VoteValue  Value
}

// Proposer is the proposer role's state.
type Proposer struct {
	// RoundUsed is the highest round this proposer has used; durable, so a
	// restarted proposer never issues the same ballot twice
	// (Reference: Paxos Made Simple §2.5).
	RoundUsed int32

	// The rest is volatile: a restart forgets it.

	Phase Phase
	// Ballot is the current ballot (zero when idle).
	Ballot Ballot
	// Own is the value this proposer's client asked for ("" when idle).
	Own Value
	// Proposed is the value sent in phase 2 of Ballot.
	Proposed Value
	// AdoptedFrom is the ballot of the vote whose value was adopted as
	// Proposed (zero when the proposer proposes its own value).
	AdoptedFrom Ballot
	// Promises holds the promises counted for Ballot, in arrival order.
	Promises []Promise
	// Count is the number of promises counted for Ballot: distinct
	// acceptors (promise messages with count_duplicates).
	Count int
	// Abandoned counts the ballots abandoned (after a nack) since the
	// client's propose; the back-off before the next try grows with it.
	// Hearing the outcome and a restart reset it too.
	Abandoned int
	// DecidedBy holds a bit per learner NodeID that has answered Ballot
	// with decided; the proposer stops once every learner has.
	DecidedBy uint64
}

// Acceptor is the acceptor role's state. All three fields are durable
// (Reference: Paxos Made Simple §2.2, §2.5: "an acceptor must remember this
// information even if it fails and then restarts").
type Acceptor struct {
	// Promised is the highest ballot this acceptor has promised (TLA+
	// maxBal); it never decreases.
	Promised Ballot
	// VoteBallot and VoteValue are the acceptor's latest vote (TLA+
	// maxVBal, maxVal); VoteBallot <= Promised.
	VoteBallot Ballot
	VoteValue  Value
}

// Heard is one Accepted message a learner has recorded.
type Heard struct {
	From   NodeID
	Ballot Ballot
	Value  Value
}

// MaxAbandoned caps Proposer.Abandoned: the back-off stops growing there.
const MaxAbandoned = 6

// MaxHeard bounds the votes a learner remembers before it learns.
const MaxHeard = 64

// Learner is the learner role's state; all volatile (paxos.md §1.5): a
// restarted learner learns again only from accepted votes that still reach
// it (a later ballot's, say).
type Learner struct {
	// Heard lists each (acceptor, ballot) Accepted once, in arrival order.
	Heard []Heard
	// Learned is the value learned ("" while none); LearnedBallot is the
	// ballot it was learned at.
	Learned       Value
	LearnedBallot Ballot
	// Told is, for a learner of its own (not a server), the highest ballot
	// whose proposer it has told the outcome with a decided (it starts at
	// LearnedBallot: that ballot's proposer is answered by no one).
	Told Ballot
}

// Node is the state of one node; which roles it uses is in Config.
type Node struct {
	ID NodeID
	Up bool
	// RoundSeen is the highest ballot round seen in any message received;
	// volatile.
	RoundSeen int32
	P         Proposer
	A         Acceptor
	L         Learner
}

// NewNodes returns the initial state of every node of c, all up.
func NewNodes(c *Config) []Node {
	ns := make([]Node, len(c.Nodes))
	for i := range ns {
		ns[i] = Node{ID: NodeID(i), Up: true}
	}
	return ns
}

// Clone returns a deep copy of n.
func (n *Node) Clone() Node {
	c := *n
	if n.P.Promises != nil {
		c.P.Promises = append([]Promise(nil), n.P.Promises...)
	}
	if n.L.Heard != nil {
		c.L.Heard = append([]Heard(nil), n.L.Heard...)
	}
	return c
}

func (n *Node) see(b Ballot) {
	if b.Round > n.RoundSeen {
		n.RoundSeen = b.Round
	}
}

// Propose handles a client's request that proposer n get v chosen: n starts
// phase 1 with a ballot higher than any it has used or seen, with v as its
// own value. n must be up and a proposer.
func (n *Node) Propose(c *Config, v Value, out *Out) {
	n.P.Own = v
	n.P.Abandoned = 0
	n.startBallot(c, 0, out)
}

// CanRetry reports whether proposer n has a value to retry with.
func (n *Node) CanRetry() bool { return n.Up && n.P.Own != "" && n.CanStartBallot() }

// CanStartBallot reports whether n has a ballot round left (rounds are
// bounded by MaxRound so that no arithmetic overflows; a proposer never
// reuses a round).
func (n *Node) CanStartBallot() bool { return max(n.P.RoundUsed, n.RoundSeen) < MaxRound }

// Timeout fires n's retry timer: n starts phase 1 again with a higher
// ballot. The caller checks CanRetry first.
func (n *Node) Timeout(c *Config, out *Out) {
	n.startBallot(c, 1, out)
}

// startBallot begins phase 1: pick ballot (max(used, seen)+1).index, persist
// the round, send Prepare to every acceptor.
// Reference: Paxos Made Simple §2.2 (phase 1a), §2.5 (distinct ballots).
func (n *Node) startBallot(c *Config, reason int, out *Out) {
	p := &n.P
	round := max(p.RoundUsed, n.RoundSeen) + 1
	p.RoundUsed = round
	idx := c.Nodes[n.ID].Index
	if c.Bugs.Has(BugBallotReuse) {
		idx = 0
	}
	p.Ballot = Ballot{Round: round, Index: idx}
	p.Phase = PhasePreparing
	p.Promises = p.Promises[:0]
	p.Count = 0
	p.DecidedBy = 0
	p.Proposed = ""
	p.AdoptedFrom = Ballot{}
	out.note(Note{Kind: NoteStartBallot, Node: n.ID, B: p.Ballot, V: p.Own, N: reason})
	for _, a := range c.Acceptors {
		out.send(Message{Type: MsgPrepare, From: n.ID, To: a, Ballot: p.Ballot})
	}
	out.Timer = TimerArm
}

// Crash stops n and forgets its volatile state: what remains is exactly what
// a restart comes back with.
func (n *Node) Crash(c *Config) {
	n.Up = false
	n.RoundSeen = 0
	n.P = Proposer{RoundUsed: n.P.RoundUsed}
	n.L = Learner{}
	switch {
	case c.Bugs.Has(BugVolatileAcceptor):
		n.A = Acceptor{}
	case c.Bugs.Has(BugPromiseNotDurable):
		// Only the vote is on disk; the promise read back is the vote's
		// ballot, the most the acceptor can tell from its vote.
		n.A.Promised = n.A.VoteBallot
	}
}

// Restart brings n back up with its durable state.
func (n *Node) Restart() { n.Up = true }

// Step handles one message delivered to n, which must be up.
func (n *Node) Step(c *Config, m *Message, out *Out) {
	n.see(m.Ballot)
	switch m.Type {
	case MsgPrepare:
		n.handlePrepare(c, m, out)
	case MsgPromise:
		n.see(m.VoteBallot)
		n.handlePromise(c, m, out)
	case MsgNack:
		n.see(m.Promised)
		n.handleNack(c, m, out)
	case MsgAccept:
		n.handleAccept(c, m, out)
	case MsgAccepted:
		n.handleAccepted(c, m, out)
	case MsgDecided:
		n.handleDecided(c, m, out)
	}
}

// handlePrepare is phase 1b: promise n if n > promised, reporting the vote.
// Reference: Paxos Made Simple §2.2 (phase 1b); TLA+ Phase1b: m.bal > maxBal.
func (n *Node) handlePrepare(c *Config, m *Message, out *Out) {
	a := &n.A
	ok := a.Promised.Less(m.Ballot)
	if !ok && m.Ballot == a.Promised && c.Bugs.Has(BugBallotReuse) {
		// ballot_reuse pairs plain rounds with acceptors that answer
		// Prepare(n) when n >= promised.
		ok = true
		out.note(Note{Kind: NoteBugActs, Bug: BugBallotReuse, Node: n.ID, Peer: m.From, B: m.Ballot})
	}
	switch {
	case ok:
		a.Promised = m.Ballot
		kind := NotePromiseNone
		if !a.VoteBallot.IsZero() {
			kind = NotePromiseVote
		}
		out.note(Note{Kind: kind, Node: n.ID, Peer: m.From, B: m.Ballot, B2: a.VoteBallot, V: a.VoteValue})
		out.send(Message{Type: MsgPromise, From: n.ID, To: m.From, Ballot: m.Ballot, VoteBallot: a.VoteBallot, VoteValue: a.VoteValue})
	case m.Ballot == a.Promised:
		// A repeat of the prepare it already promised (a duplicate, or a
		// prepare overtaken by its own accept): nothing to answer, the
		// promise was given. PMS answers only a prepare "greater than" any
		// it has responded to; a nack here would only say "I promised
		// you", which the proposer must ignore anyway.
		out.note(Note{Kind: NotePrepareAgain, Node: n.ID, Peer: m.From, B: m.Ballot})
	default:
		out.note(Note{Kind: NoteRejectPrepare, Node: n.ID, Peer: m.From, B: m.Ballot, B2: a.Promised})
		out.send(Message{Type: MsgNack, From: n.ID, To: m.From, Ballot: m.Ballot, Promised: a.Promised, Rejects: MsgPrepare})
	}
}

// handlePromise counts promises for the current ballot; on a quorum it picks
// the value (the highest-numbered vote reported, else its own) and sends
// Accept to every acceptor.
// Reference: Paxos Made Simple §2.2 (phase 2a, P2c).
func (n *Node) handlePromise(c *Config, m *Message, out *Out) {
	p := &n.P
	if p.Phase != PhasePreparing || m.Ballot != p.Ballot {
		kind := NotePromiseStale
		if m.Ballot == p.Ballot && p.Phase == PhaseAccepting {
			kind = NotePromiseLate
		}
		out.note(Note{Kind: kind, Node: n.ID, Peer: m.From, B: m.Ballot, B2: p.Ballot})
		return
	}
	for _, pr := range p.Promises {
		if pr.From == m.From {
			if !c.Bugs.Has(BugCountDuplicates) {
				out.note(Note{Kind: NotePromiseDup, Node: n.ID, Peer: m.From, B: m.Ballot})
				return
			}
			out.note(Note{Kind: NoteBugActs, Bug: BugCountDuplicates, Node: n.ID, Peer: m.From, B: m.Ballot})
			break
		}
	}
	p.Promises = append(p.Promises, Promise{From: m.From, VoteBallot: m.VoteBallot, VoteValue: m.VoteValue})
	p.Count++
	out.note(Note{Kind: NotePromiseCount, Node: n.ID, Peer: m.From, B: m.Ballot, N: p.Count, Q: c.Quorum})
	if p.Count < c.Quorum {
		return
	}
	if c.Bugs.Has(BugHalfQuorum) && p.Count <= len(c.Acceptors)/2 {
		out.note(Note{Kind: NoteBugActs, Bug: BugHalfQuorum, Node: n.ID, B: m.Ballot, N: p.Count})
	}
	v, from, bugged := n.chooseValue(c, out)
	p.Phase = PhaseAccepting
	p.Proposed = v
	p.AdoptedFrom = from
	switch {
	case bugged:
		// The bug's own note has said what the proposer proposes and why.
	case from.IsZero():
		out.note(Note{Kind: NoteProposeOwn, Node: n.ID, B: p.Ballot, V: v, Q: c.Quorum})
	default:
		out.note(Note{Kind: NoteProposeAdopt, Node: n.ID, B: p.Ballot, V: v, B2: from, Q: c.Quorum})
	}
	for _, a := range c.Acceptors {
		out.send(Message{Type: MsgAccept, From: n.ID, To: a, Ballot: p.Ballot, Value: v})
	}
}

// chooseValue applies P2c: the value of the highest-numbered vote among the
// promises, or the proposer's own value when none reports a vote. bugged
// reports that a bug switch changed the choice (and narrated it).
func (n *Node) chooseValue(c *Config, out *Out) (v Value, from Ballot, bugged bool) {
	p := &n.P
	var hi, lo Ballot
	var hiV, loV Value
	for _, pr := range p.Promises {
		if pr.VoteBallot.IsZero() {
			continue
		}
		if hi.Less(pr.VoteBallot) {
			hi, hiV = pr.VoteBallot, pr.VoteValue
		}
		if lo.IsZero() || pr.VoteBallot.Less(lo) {
			lo, loV = pr.VoteBallot, pr.VoteValue
		}
	}
	switch {
	case c.Bugs.Has(BugNoAdopt) && !hi.IsZero():
		out.note(Note{Kind: NoteBugActs, Bug: BugNoAdopt, Node: n.ID, B: p.Ballot, B2: hi, V: hiV, V2: p.Own})
		return p.Own, Ballot{}, true
	case c.Bugs.Has(BugAdoptLowest) && !hi.IsZero():
		if lo != hi {
			out.note(Note{Kind: NoteBugActs, Bug: BugAdoptLowest, Node: n.ID, B: lo, B2: hi, V: loV, V2: hiV})
			return loV, lo, true
		}
		return hiV, hi, false
	case !hi.IsZero():
		return hiV, hi, false
	}
	return p.Own, Ballot{}, false
}

// handleNack abandons the current ballot when an acceptor has promised a
// higher one and backs off: the retry timer is re-armed, and the world adds
// a random delay that grows with the ballots abandoned in a row.
// Reference: Paxos Made Simple §2.2 ("abandon its proposal"), §2.4
// (randomness or timeouts to elect a leader); PMMC §3 (a preempted leader
// waits, the longer the more often it was preempted).
func (n *Node) handleNack(_ *Config, m *Message, out *Out) {
	p := &n.P
	if (p.Phase == PhasePreparing || p.Phase == PhaseAccepting) && m.Ballot == p.Ballot && p.Ballot.Less(m.Promised) {
		p.Phase = PhaseBackoff
		if p.Abandoned < MaxAbandoned {
			p.Abandoned++
		}
		out.note(Note{Kind: NoteAbandon, Node: n.ID, Peer: m.From, B: m.Ballot, B2: m.Promised})
		out.Timer = TimerBackoff
		out.Abandoned = p.Abandoned
		return
	}
	out.note(Note{Kind: NoteNackIgnored, Node: n.ID, Peer: m.From, B: m.Ballot, B2: m.Promised})
}

// handleAccept is phase 2b: accept (n, v) unless a higher ballot was
// promised, raising promised to n.
// Reference: Paxos Made Simple §2.2 (phase 2b, P1a); TLA+ Phase2b sets
// maxBal' = m.bal.
func (n *Node) handleAccept(c *Config, m *Message, out *Out) {
	a := &n.A
	if m.Ballot.Less(a.Promised) {
		if !c.Bugs.Has(BugAcceptLower) {
			out.note(Note{Kind: NoteRejectAccept, Node: n.ID, Peer: m.From, B: m.Ballot, B2: a.Promised})
			out.send(Message{Type: MsgNack, From: n.ID, To: m.From, Ballot: m.Ballot, Promised: a.Promised, Rejects: MsgAccept})
			return
		}
		out.note(Note{Kind: NoteBugActs, Bug: BugAcceptLower, Node: n.ID, Peer: m.From, B: m.Ballot, B2: a.Promised})
	}
	if a.Promised.Less(m.Ballot) {
		if c.Bugs.Has(BugNoRaiseOnAccept) {
			out.note(Note{Kind: NoteBugActs, Bug: BugNoRaiseOnAccept, Node: n.ID, Peer: m.From, B: m.Ballot, B2: a.Promised})
		} else {
			a.Promised = m.Ballot
		}
	}
	a.VoteBallot = m.Ballot
	a.VoteValue = m.Value
	out.Votes = append(out.Votes, Vote{Acceptor: n.ID, Ballot: m.Ballot, Value: m.Value})
	out.note(Note{Kind: NoteAccept, Node: n.ID, Peer: m.From, B: m.Ballot, V: m.Value})
	for _, l := range c.Learners {
		out.send(Message{Type: MsgAccepted, From: n.ID, To: l, Ballot: m.Ballot, Value: m.Value})
	}
}

// handleAccepted records a vote and learns v once a quorum of distinct
// acceptors voted for it in one ballot.
// Reference: Paxos Made Simple §2.3.
func (n *Node) handleAccepted(c *Config, m *Message, out *Out) {
	l := &n.L
	for _, h := range l.Heard {
		if h.From == m.From && h.Ballot == m.Ballot && l.Learned == "" {
			out.note(Note{Kind: NoteHeardDup, Node: n.ID, Peer: m.From, B: m.Ballot, V: m.Value})
			return
		}
	}
	if l.Learned != "" {
		// Once it has learned, a learner has nothing more to count.
		out.note(Note{Kind: NoteHeardLate, Node: n.ID, Peer: m.From, B: m.Ballot, V: m.Value})
		if c.Nodes[n.ID].Roles.Has(RoleProposer) {
			// A server that hears a vote after learning (its own new
			// ballot after a later propose, say) stops retrying too.
			n.stopRetrying(l.Learned, out)
		} else if l.Told.Less(m.Ballot) {
			// A later ballot's proposer is still trying: it never heard
			// the outcome (or a client asked it again). Tell it, once
			// per ballot.
			l.Told = m.Ballot
			n.tellDecided(c, m.Ballot, out)
		}
		return
	}
	if len(l.Heard) >= MaxHeard {
		// Forget the lowest ballot heard. Forgetting a vote can only delay
		// learning, never make a learner learn a value that is not chosen.
		low := 0
		for i, h := range l.Heard {
			if h.Ballot.Less(l.Heard[low].Ballot) {
				low = i
			}
		}
		l.Heard = append(l.Heard[:low], l.Heard[low+1:]...)
	}
	l.Heard = append(l.Heard, Heard{From: m.From, Ballot: m.Ballot, Value: m.Value})
	var same, byValue uint64 // acceptors (bit per NodeID) with this ballot / this value
	for _, h := range l.Heard {
		if h.Value != m.Value {
			continue
		}
		byValue |= 1 << uint(h.From)
		if h.Ballot == m.Ballot {
			same |= 1 << uint(h.From)
		}
	}
	count := popcount(same)
	if c.Bugs.Has(BugLearnerCrossBallot) {
		cross := popcount(byValue)
		if cross >= c.Quorum && count < c.Quorum {
			out.note(Note{Kind: NoteBugActs, Bug: BugLearnerCrossBallot, Node: n.ID, B: m.Ballot, V: m.Value, N: cross, Q: count})
		}
		count = cross
	}
	out.note(Note{Kind: NoteHeard, Node: n.ID, Peer: m.From, B: m.Ballot, V: m.Value, N: count, Q: c.Quorum})
	if count < c.Quorum {
		return
	}
	if c.Bugs.Has(BugHalfQuorum) && count <= len(c.Acceptors)/2 {
		out.note(Note{Kind: NoteBugActs, Bug: BugHalfQuorum, Node: n.ID, B: m.Ballot, N: count})
	}
	l.Learned = m.Value
	l.LearnedBallot = m.Ballot
	l.Told = m.Ballot
	out.note(Note{Kind: NoteLearned, Node: n.ID, B: m.Ballot, V: m.Value})
	if c.Nodes[n.ID].Roles.Has(RoleProposer) {
		// A server that has learned the outcome stops retrying.
		n.stopRetrying(m.Value, out)
	}
}

// stopRetrying ends an active proposer's attempts once it knows v is chosen.
func (n *Node) stopRetrying(v Value, out *Out) {
	if n.P.Phase == PhaseIdle || n.P.Phase == PhaseDone {
		return
	}
	n.stop(out)
	out.note(Note{Kind: NoteStopRetrying, Node: n.ID, V: v})
}

func (n *Node) stop(out *Out) {
	n.P.Phase = PhaseDone
	n.P.Abandoned = 0
	out.Timer = TimerStop
}

// KnowsOutcome reports whether n is a server that has learned: its retry
// timer then stops instead of starting a new ballot (a `timeout` command
// still starts one).
func (n *Node) KnowsOutcome(c *Config) bool {
	return c.Nodes[n.ID].Roles.Has(RoleLearner) && n.L.Learned != ""
}

// StopOnTimer is what a learned server does when its retry timer fires:
// it stops retrying (even where no accepted can reach it, in a minority).
func (n *Node) StopOnTimer(out *Out) {
	n.stopRetrying(n.L.Learned, out)
	out.Timer = TimerStop
}

// tellDecided answers ballot b's proposer (every proposer when ballots
// carry no proposer index, as with ballot_reuse) with decided(b, learned):
// "the value is already chosen; stop".
func (n *Node) tellDecided(c *Config, b Ballot, out *Out) {
	l := &n.L
	for _, p := range c.Proposers {
		if b.Index == 0 || c.Nodes[p].Index == b.Index {
			out.note(Note{Kind: NoteTellDecided, Node: n.ID, Peer: p, B: b, V: l.Learned})
			out.send(Message{Type: MsgDecided, From: n.ID, To: p, Ballot: b, Value: l.Learned})
		}
	}
}

// handleDecided: a learner answers the proposer's current ballot with the
// value it learned; the proposer stops retrying once every learner has
// (with several learners, one that has not learned yet learns from this
// ballot's votes, and answers a later one). A decided for another ballot
// (one the proposer has left) changes nothing: a later propose always runs
// its ballot. The proposer keeps its durable round.
func (n *Node) handleDecided(c *Config, m *Message, out *Out) {
	p := &n.P
	if m.Ballot != p.Ballot || p.Phase == PhaseIdle || p.Phase == PhaseDone {
		out.note(Note{Kind: NoteDecidedStale, Node: n.ID, Peer: m.From, B: m.Ballot, B2: p.Ballot, V: m.Value})
		return
	}
	p.DecidedBy |= 1 << uint(m.From)
	var all uint64
	for _, l := range c.Learners {
		all |= 1 << uint(l)
	}
	got := popcount(p.DecidedBy & all)
	out.note(Note{Kind: NoteDecided, Node: n.ID, Peer: m.From, B: m.Ballot, V: m.Value, N: got, Q: len(c.Learners)})
	if p.DecidedBy&all == all {
		n.stop(out)
	}
}

func popcount(x uint64) int { return bits.OnesCount64(x) }
