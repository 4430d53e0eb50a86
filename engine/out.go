package engine

// NoteKind says what a Note narrates. Each kind has one text per language in
// the translation table (package i18n, key "note.<kind name>").
type NoteKind uint8

// Notes emitted by the engine's handlers.
const (
	NoteNone NoteKind = iota
	// Proposer.
	NoteStartBallot   // Node starts ballot B for value V (N: 0 client request, 1 timer)
	NotePromiseCount  // Node counts Peer's promise for B: N of Q
	NotePromiseDup    // Node already counted Peer's promise for B
	NotePromiseStale  // Node ignores Peer's promise for B (no longer preparing B)
	NoteProposeOwn    // Node has Q promises for B and no votes reported: proposes its own V
	NoteProposeAdopt  // Node has Q promises for B and adopts V from the highest vote B2
	NoteAbandon       // Node abandons B: Peer promised B2
	NoteNackIgnored   // Node ignores Peer's nack for B
	NoteStopRetrying  // Node has learned V: its retry timer stops
	NotePrepareAgain  // acceptor Node already promised B: ignores the repeated prepare
	NotePromiseNone   // acceptor Node promises B to Peer; it has not voted
	NotePromiseVote   // acceptor Node promises B to Peer, reporting its vote (B2, V)
	NoteRejectPrepare // acceptor Node rejects Peer's prepare B: promised B2
	NoteAccept        // acceptor Node accepts (B, V) from Peer
	NoteRejectAccept  // acceptor Node rejects Peer's accept B: promised B2
	NoteHeard         // learner Node hears (B, V) from Peer: N of Q
	NoteHeardDup      // learner Node already heard Peer's (B, V)
	NoteHeardLate     // learner Node hears (B, V) from Peer after learning
	NoteLearned       // learner Node learns V (ballot B)
	NoteBugActs       // bug Bug changes what Node does here (details in B, B2, V, V2)
	NotePromiseLate   // Node already has its quorum for B (or moved past it): Peer's promise is not needed
	NoteTellDecided   // learner Node tells proposer Peer that V was chosen (learned at B)
	NoteDecided       // proposer Node hears from learner Peer that it learned V (answering B): N of Q learners; all: stops
	NoteDecidedStale  // proposer Node ignores Peer's decided for B: it is not running B now (B2)

	// Notes emitted by the simulator around the nodes.

	NoteLost        // a message to Node was lost: Node is down
	NoteDropped     // a message was dropped (lost in the network)
	NoteDuplicated  // a message was duplicated: a copy is in flight
	NoteBlocked     // a message from Node to Peer crossed the partition and was lost
	NoteCrash       // Node crashed; its volatile state is gone
	NoteRestart     // Node restarted with its durable state
	NotePartition   // the network is partitioned
	NoteHeal        // the network is whole again
	NoteTick        // logical time advanced N ticks, to Q
	NoteTimer       // Node's retry timer fired
	NoteTimerIdle   // Node's retry timer fired but it has nothing to propose
	NoteChosen      // god's-eye: V is chosen at B (N acceptors), before anyone may know
	NoteViolation   // an invariant broke (V names it)
	NoteNetworkFull // the network holds too many messages: a message was lost
	NumNoteKinds
)

var noteNames = [...]string{
	"none", "start_ballot", "promise_count", "promise_dup", "promise_stale",
	"propose_own", "propose_adopt", "abandon", "nack_ignored", "stop_retrying",
	"prepare_again", "promise_none", "promise_vote", "reject_prepare", "accept",
	"reject_accept", "heard", "heard_dup", "heard_late", "learned", "bug",
	"promise_late", "tell_decided", "decided", "decided_stale",
	"lost", "dropped", "duplicated", "blocked", "crash", "restart",
	"partition", "heal", "tick", "timer", "timer_idle", "chosen", "violation",
	"network_full",
}

// String returns the kind's name as used in translation keys.
func (k NoteKind) String() string {
	if int(k) < len(noteNames) {
		return noteNames[k]
	}
	return "unknown"
}

// Note narrates one thing a node did, in data, so that every front end can
// render it in its own language.
type Note struct {
	Kind  NoteKind
	Node  NodeID
	Peer  NodeID
	B, B2 Ballot
	V, V2 Value
	N, Q  int
	Bug   Bug
}

// Vote is one accept by an acceptor: the god's-eye history is the list of
// every Vote ever cast (paxos.md §8).
type Vote struct {
	Acceptor NodeID
	Ballot   Ballot
	Value    Value
}

// TimerOp is what a step asks of the node's retry timer.
type TimerOp uint8

// Timer requests.
const (
	TimerKeep TimerOp = iota // leave the timer as it is
	TimerArm                 // (re)start the retry timer
	TimerStop                // stop the retry timer
	// TimerBackoff re-arms the retry timer after an abandoned ballot: the
	// world waits the timeout plus a random back-off that grows with
	// Out.Abandoned (paxos.md §1.9, PMMC §3).
	TimerBackoff
)

// Out collects what a step produces. The caller owns it, resets it between
// steps and reuses its slices, so that stepping does not allocate.
type Out struct {
	Msgs  []Message
	Votes []Vote
	Notes []Note
	Timer TimerOp
	// Abandoned is, with TimerBackoff, how many ballots in a row the
	// proposer has abandoned (1 for the first).
	Abandoned int
	// Quiet suppresses notes (for benchmarks and model checking).
	Quiet bool
}

// Reset empties o, keeping its buffers.
func (o *Out) Reset() {
	o.Msgs = o.Msgs[:0]
	o.Votes = o.Votes[:0]
	o.Notes = o.Notes[:0]
	o.Timer = TimerKeep
	o.Abandoned = 0
}

func (o *Out) send(m Message) { o.Msgs = append(o.Msgs, m) }

func (o *Out) note(n Note) {
	if !o.Quiet {
		o.Notes = append(o.Notes, n)
	}
}
