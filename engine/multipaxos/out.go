package multipaxos

// NoteKind says what a Note narrates. Each kind has one text per language in
// the translation table (key "note.mp.<kind name>").
type NoteKind uint8

// Notes emitted by the handlers. Fields named in each comment; others zero.
const (
	NoteNone NoteKind = iota
	// Leader election and phase 1.
	NoteStand          // Node stands with ballot B, preparing slots >= Slot
	NotePromise        // Node promises B to Peer, reporting N votes from Slot
	NoteRejectPrepare  // Node rejects Peer's prepare B: promised B2
	NotePromiseCount   // Node counts Peer's promise for B: N of Q
	NotePromiseIgnored // Node ignores Peer's promise for B (not preparing B, or counted)
	NoteLead           // Node leads with B: phase 1 done for slots Slot..N
	NoteRepropose      // new leader Node re-proposes Cmd in Slot at B (from vote B2; noop for a hole)
	// Phase 2.
	NotePropose       // leader Node proposes Cmd in Slot at B
	NoteQueue         // leader Node queues Cmd: the window is full (N queued)
	NoteAccept        // Node accepts (B, Slot, Cmd) from Peer
	NoteRejectAccept  // Node rejects Peer's accept (B, Slot): promised B2
	NoteAckCount      // leader Node counts Peer's accepted for Slot at B: N of Q
	NoteAckIgnored    // Node ignores Peer's accepted (B, Slot)
	NoteDecide        // Node marks Slot decided with Cmd (Peer: who told it; itself for a leader's quorum)
	NoteCommitIgnored // Node already decided Slot: ignores the commit
	NoteExecute       // Node executes Slot's Cmd: result Text
	NoteSkip          // Node's session table skips Cmd in Slot (already executed; Text: the cached result)
	NoteReply         // Node replies Text to Peer for Cmd
	NoteRedirect      // Node is not leader: tells Peer to try hint Peer2 (None: none)
	NoteDisplaced     // leader Node's Cmd in Slot lost to Cmd2: back to the head of its queue
	NoteStepDown      // Node stops leading B (N: a StepDown reason), answering N2 requests not_leader
	NoteNackIgnored   // Node ignores Peer's nack for B
	NoteHeartbeat     // leader Node sends heartbeat round N at B, decided prefix Slot
	NoteHeartbeatOK   // Node acks Peer's heartbeat B round N, its decided prefix Slot
	NoteRejectHB      // Node rejects Peer's heartbeat B: promised B2
	NoteCatchUp       // leader Node resends commits Slot..N to Peer
	NoteBugActs       // bug Bug changes what Node does here
	// Clients.
	NoteClientSend     // client Node sends Cmd to Peer (N: a SendReason)
	NoteClientResponse // client Node gets Text for Cmd from Peer
	NoteClientIgnored  // client Node ignores Peer's reply for an id not outstanding
	// Leases and reads (lease.go); Text is a clock reading (8.18).
	NoteGuardNack // Node refuses Peer's prepare B: it guards Peer2's lease (None: its restart quiet period) until Text
	NoteGuarded   // Node does not stand: it guards Peer2's lease (None: quiet period) until Text
	NoteLease     // leader Node holds its lease until Text (round N acked by a majority)
	NoteReadLocal // leader Node answers Cmd from its own copy: Text (N: ReadLease or ReadIndex)
	NoteReadIndex // leader Node holds Cmd: read index Slot, heartbeat round N
	NoteQuiet     // restarted Node stays quiet until Text
	// The lock service (lock.go); Text is a clock reading, N a token.
	NoteExpire   // leader Node proposes Cmd (expire): its clock ran ttl since the grant or last renew (Text: now)
	NoteHolds    // client Node believes it holds Cmd.Key with token N until its clock reads Text
	NoteLockLost // client Node no longer holds Cmd's lock (Text: the result, lost or ok for a release)
	NoteNoRenew  // client Node's renew timer fires but its belief in every lock has lapsed (Text: its clock)
	NoteStore    // d1 applies Cmd's store (key Cmd.Key, value Cmd.Val) with token N (N2: max before)
	NoteStale    // d1 rejects Peer's store for Cmd.Key with token N: it has seen N2
	NoteStored   // client Node learns d1's answer to its store: Text (ok or stale), max N
	NumNoteKinds
)

var noteNames = [...]string{
	"none", "stand", "promise", "reject_prepare", "promise_count",
	"promise_ignored", "lead", "repropose", "propose", "queue", "accept",
	"reject_accept", "ack_count", "ack_ignored", "decide", "commit_ignored",
	"execute", "skip", "reply", "redirect", "displaced", "step_down",
	"nack_ignored", "heartbeat", "heartbeat_ok", "reject_heartbeat",
	"catch_up", "bug", "client_send", "client_response", "client_ignored",
	"guard_nack", "guarded", "lease", "read_local", "read_index", "quiet",
	"expire", "holds", "lock_lost", "no_renew", "store", "stale", "stored",
}

// String returns the kind's name as used in translation keys.
func (k NoteKind) String() string {
	if int(k) < len(noteNames) {
		return noteNames[k]
	}
	return "unknown"
}

// Reasons a leader steps down (Note.N of NoteStepDown).
const (
	StepDownNack      = iota // a nack showed a higher ballot
	StepDownHeartbeat        // no majority heartbeat ack for timeout ticks
	StepDownTimeout          // its own election timer (`timeout S`)
)

// Reasons a client sends (Note.N of NoteClientSend).
const (
	SendNew      = iota // a new request
	SendRedirect        // resent at once after not_leader
	SendRetry           // resent on the retry timer
	SendRenew           // a renew the client issues itself while it holds a lock (lock.go)
)

// How a server acks a heartbeat (Note.N2 of NoteHeartbeatOK).
const (
	HBPlain = iota // it guards the sender's lease (if lease > 0)
	HBHolds        // and still guards Peer2's lease (None: its quiet period) until Text, refusing every prepare till then
)

// Note narrates one thing a node did, in data, so that every front end can
// render it in its own language.
type Note struct {
	Kind       NoteKind
	Node, Peer NodeID
	Peer2      NodeID
	B, B2      Ballot
	Slot       int32
	Cmd, Cmd2  Cmd
	Text       string
	N, N2, Q   int
	Bug        Bug
}

// VoteRec is one accept by an acceptor: the god's-eye, append-only record
// of votes per slot (multipaxos.md §4).
type VoteRec struct {
	Server NodeID
	Slot   int32
	B      Ballot
	Cmd    Cmd
}

// DecideRec is one server marking a slot decided.
type DecideRec struct {
	Server NodeID
	Slot   int32
	Cmd    Cmd
}

// ExecRec is one server executing a slot. Incarnation counts the server's
// restarts (log-prefix and exactly-once are judged per incarnation);
// Applied is false when the session table skipped the command.
type ExecRec struct {
	Server      NodeID
	Incarnation int32
	Slot        int32
	Cmd         Cmd
	Applied     bool
	Result      string
}

// PromiseRec is an acceptor's promised ballot after it changed.
type PromiseRec struct {
	Server NodeID
	B      Ballot
}

// ClientEvent is one event of the client history: the invocation of Cmd
// (Return false), or its response Result (Return true).
type ClientEvent struct {
	Client NodeID
	Return bool
	Cmd    Cmd
	Result string
}

// TimerKind names one of a node's timers.
type TimerKind uint8

// Timers. Servers have an election, a heartbeat and a step-down timer;
// clients a retry timer.
const (
	// TimerElection: a server stands when it fires (`timeout S`).
	TimerElection TimerKind = iota
	// TimerHeartbeat: a leader sends a heartbeat round when it fires.
	TimerHeartbeat
	// TimerStepDown: a leader steps down when it fires (armed timeout
	// ticks after its last majority heartbeat ack).
	TimerStepDown
	// TimerRetry: a client resends its outstanding request to the next
	// server (`timeout C`).
	TimerRetry
	NumTimerKinds
)

// TimerRenew is a lock client's renew timer (lock.go). Timer kinds are per
// role: a client has no heartbeat timer, so its renew timer takes that
// kind's place (the world allows MaxTimerKinds kinds per node).
const TimerRenew = TimerHeartbeat

// TimerName names timer k of a node (client: true for a client).
func TimerName(k TimerKind, client bool) string {
	if client && k == TimerRenew {
		return "renew"
	}
	return k.String()
}

var timerNames = [...]string{"election", "heartbeat", "step_down", "retry"}

// String names the timer.
func (k TimerKind) String() string {
	if int(k) < len(timerNames) {
		return timerNames[k]
	}
	return "unknown"
}

// TimerOp asks the world to arm or stop one of the stepping node's timers.
// An armed timer fires at now + Delay + r ticks, r drawn by the world from
// [0, Jitter) (r = 0 when Jitter is 0); arming a running timer re-arms it.
// Ops apply in order.
type TimerOp struct {
	Kind   TimerKind
	Stop   bool
	Delay  int
	Jitter int
}

// Out collects what a step produces. The caller owns it, resets it between
// steps and reuses its slices, so that stepping allocates little.
type Out struct {
	Msgs      []Message
	Timers    []TimerOp
	Votes     []VoteRec
	Decisions []DecideRec
	Execs     []ExecRec
	Promises  []PromiseRec
	Client    []ClientEvent
	Stores    []StoreRec
	Notes     []Note
	// Quiet suppresses notes (for benchmarks and model checking).
	Quiet bool
	// Clock is the handling node's clock in hundredths of a tick, set by
	// the world before each handler (an input, as the message is); only
	// leases read it.
	Clock int
}

// Reset empties o, keeping its buffers.
func (o *Out) Reset() {
	o.Msgs = o.Msgs[:0]
	o.Timers = o.Timers[:0]
	o.Votes = o.Votes[:0]
	o.Decisions = o.Decisions[:0]
	o.Execs = o.Execs[:0]
	o.Promises = o.Promises[:0]
	o.Client = o.Client[:0]
	o.Stores = o.Stores[:0]
	o.Notes = o.Notes[:0]
}

func (o *Out) send(m Message) { o.Msgs = append(o.Msgs, m) }

func (o *Out) note(n Note) {
	if !o.Quiet {
		o.Notes = append(o.Notes, n)
	}
}

func (o *Out) arm(k TimerKind, delay, jitter int) {
	o.Timers = append(o.Timers, TimerOp{Kind: k, Delay: delay, Jitter: jitter})
}

func (o *Out) stop(k TimerKind) { o.Timers = append(o.Timers, TimerOp{Kind: k, Stop: true}) }
