package raft

// NoteKind says what a Note narrates. Each kind has one text per language in
// the translation table (key "note.raft.<kind name>").
type NoteKind uint8

// Notes emitted by the handlers. Fields named in each comment; others zero.
const (
	NoteNone NoteKind = iota
	// Elections.
	NoteElection    // Node starts an election for Term (timeout), needing Q votes
	NoteAdoptTerm   // Node adopts Term from Peer's message (was Term2); Role: its role before
	NoteGrant       // Node grants Peer its vote in Term
	NoteRefuseVote  // Node refuses Peer's vote in Term: N is a RefuseReason (Peer2: whom it voted for)
	NoteVoteCount   // candidate Node counts Peer's vote in Term: N of Q
	NoteVoteIgnored // Node ignores Peer's vote of Term (not a candidate of that term, or refused)
	NoteLead        // Node leads Term (nextIndex Index for every follower)
	NoteStepDown    // candidate Node hears Peer lead Term: becomes follower
	// Replication.
	NotePropose       // leader Node appends Entry at Index
	NoteNotLeader     // Node is not the leader: refuses Entry.Value (Peer: the leader it knows, or None)
	NoteHeartbeat     // leader Node sends an append round in Term
	NoteAccept        // Node accepts Peer's append of Term: N new entries, matches up to Index
	NoteRefuseAppend  // Node refuses Peer's append of Term: N is a RefuseReason (Index: prevIndex)
	NoteTruncate      // Node deletes its entries from Index on (conflict with Entry)
	NoteAppendIgnored // leader Node ignores Peer's append of Term
	NoteMatch         // leader Node: Peer matches up to Index; nextIndex N
	NoteBackOff       // leader Node: Peer refused; nextIndex N, retries at once
	NoteReplyIgnored  // Node ignores Peer's appendreply of Term
	NoteCommit        // Node's commitIndex rises to Index (Peer: the leader that said so; itself by counting)
	NoteApply         // Node applies Entry at Index
	NoteAnswer        // leader Node answers the client: Entry applied at Index
	NoteBugActs       // bug Bug changes what Node does here
	NumNoteKinds
)

var noteNames = [...]string{
	"none", "election", "adopt_term", "grant", "refuse_vote", "vote_count",
	"vote_ignored", "lead", "step_down", "propose", "not_leader", "heartbeat",
	"accept", "refuse_append", "truncate", "append_ignored", "match",
	"back_off", "reply_ignored", "commit", "apply", "answer", "bug",
}

// String returns the kind's name as used in translation keys.
func (k NoteKind) String() string {
	if int(k) < len(noteNames) {
		return noteNames[k]
	}
	return "unknown"
}

// Reasons for refusing (Note.N of NoteRefuseVote and NoteRefuseAppend).
const (
	RefuseStaleTerm = iota // the request's term is below currentTerm
	RefuseVoted            // already voted for Peer2 in this term
	RefuseLog              // the candidate's log is not as up-to-date
	RefuseNoMatch          // no entry at prevIndex with prevTerm
)

// Note narrates one thing a server did, in data, so that every front end
// can render it in its own language.
type Note struct {
	Kind        NoteKind
	Node, Peer  NodeID
	Peer2       NodeID
	Term, Term2 int32
	Index       int32
	Entry       Entry
	Role        Role
	N, Q        int
	Bug         Bug
}

// RecKind is the kind of a god's-eye record.
type RecKind uint8

// Records (raft.md §5, §9 "God's-eye records"), in the order things
// happened within a step.
const (
	RecNone RecKind = iota
	// RecTerm: Server's currentTerm became Term.
	RecTerm
	// RecVote: Server voted for Peer in Term (self-votes too).
	RecVote
	// RecLead: Server leads Term from now on (elected, or under
	// no_step_down a leader that adopted a higher term).
	RecLead
	// RecUnlead: Server stopped leading (deposed, or crashed).
	RecUnlead
	// RecCut: Server's log was cut to its first Index entries.
	RecCut
	// RecAppend: Server's log got Entry at Index (its new last index).
	RecAppend
	// RecCommit: leader Server of Term newly covers Index (holding Entry)
	// with its commitIndex. Followers do not record.
	RecCommit
	// RecApply: Server applied Entry at Index.
	RecApply
)

var recNames = [...]string{"none", "term", "vote", "lead", "unlead", "cut", "append", "commit", "apply"}

// String names the record kind.
func (k RecKind) String() string {
	if int(k) < len(recNames) {
		return recNames[k]
	}
	return "unknown"
}

// Rec is one god's-eye record. A crash erases none: the checker keeps
// what it needs of them (one leader per term, one committed and one
// applied entry per index, the last vote per server, a mirror of every
// log).
type Rec struct {
	Kind   RecKind
	Server NodeID
	Peer   NodeID
	Term   int32
	Index  int32
	Entry  Entry
}

// TimerKind names one of a server's timers.
type TimerKind uint8

// Timers (raft.md §3).
const (
	// TimerElection: a follower or candidate starts an election when it
	// fires. `timeout S` fires it; on a leader (which never arms it) it
	// is one heartbeat round now (§9 "timeout S").
	TimerElection TimerKind = iota
	// TimerHeartbeat: a leader sends an append round when it fires.
	TimerHeartbeat
	NumTimerKinds
)

var timerNames = [...]string{"election", "heartbeat"}

// String names the timer.
func (k TimerKind) String() string {
	if int(k) < len(timerNames) {
		return timerNames[k]
	}
	return "unknown"
}

// TimerOp asks the world to arm or stop one of the stepping server's
// timers. An armed timer fires at now + Delay + r ticks, r drawn by the
// world from [0, Jitter) (r = 0 when Jitter is 0); arming a running timer
// re-arms it, a fresh draw each time. Own asks for the draw from the
// server's own seeded stream (raft.md §3: sim's World.ArmOwn(id, kind,
// Delay, Delay+Jitter-1)); every election timer sets it. Ops apply in
// order.
type TimerOp struct {
	Kind   TimerKind
	Stop   bool
	Delay  int
	Jitter int
	Own    bool
}

// Out collects what a step produces. The caller owns it, resets it between
// steps and reuses its slices, so that stepping allocates little.
type Out struct {
	Msgs   []Message
	Timers []TimerOp
	// Recs are the god's-eye records, in the order they happened.
	Recs  []Rec
	Notes []Note
	// Quiet suppresses notes (for benchmarks and model checking).
	Quiet bool
}

// Reset empties o, keeping its buffers.
func (o *Out) Reset() {
	o.Msgs = o.Msgs[:0]
	o.Timers = o.Timers[:0]
	o.Recs = o.Recs[:0]
	o.Notes = o.Notes[:0]
}

func (o *Out) send(m Message) { o.Msgs = append(o.Msgs, m) }

func (o *Out) note(n Note) {
	if !o.Quiet {
		o.Notes = append(o.Notes, n)
	}
}

func (o *Out) rec(r Rec) { o.Recs = append(o.Recs, r) }

func (o *Out) arm(k TimerKind, delay, jitter int) {
	o.Timers = append(o.Timers, TimerOp{Kind: k, Delay: delay, Jitter: jitter})
}

func (o *Out) stop(k TimerKind) { o.Timers = append(o.Timers, TimerOp{Kind: k, Stop: true}) }
