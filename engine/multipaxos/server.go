package multipaxos

// Role is what a server does in its current ballot.
type Role uint8

// Server roles.
const (
	RoleFollower Role = iota
	// RoleCandidate: prepare sent for Ballot, counting promises.
	RoleCandidate
	// RoleLeader: phase 1 done for Ballot; proposing, deciding, replying.
	RoleLeader
)

var roleNames = [...]string{"follower", "candidate", "leader"}

// String names the role.
func (r Role) String() string {
	if int(r) < len(roleNames) {
		return roleNames[r]
	}
	return "unknown"
}

// MaxSlot bounds slot numbers: a message naming a higher slot is ignored
// and a leader proposes nothing beyond it, so that no input allocates
// without bound. Logs are never truncated (snapshots are out of scope,
// multipaxos.md §1.2), so a run's memory grows with its slots: about 150
// bytes per slot and server (a vote and a slot state, in Pages), 70 more
// at the leader, and 160 for the checker's record and the issued command.
const MaxSlot = 1 << 20

// Vote is an acceptor's vote in one slot (B zero: none).
type Vote struct {
	B   Ballot
	Cmd Cmd
}

// Durable is what a server keeps across a crash (multipaxos.md §1.2): it
// is written before the server replies.
type Durable struct {
	// Promised is the one promise for all slots (SMR balMaxKnown, PMMC
	// ballot_num); it never decreases.
	Promised Ballot
	// MaxRound is the highest round used or seen: no ballot is issued
	// twice.
	MaxRound int32
	// Votes.At(s-1) is the vote in slot s.
	Votes Pages[Vote]
}

// SlotState is a server's volatile knowledge of one slot.
type SlotState struct {
	// Decided is the command the server knows decided here (zero: not).
	Decided Cmd
	// Executed reports that the state machine has applied the slot.
	Executed bool
}

// Proposal is a leader's proposal in one slot for its ballot (zero Cmd:
// none) and the servers (bit per NodeID) that accepted it. Only a leader
// has them, so they are kept apart from SlotState, which every server
// holds for every slot of a long log.
type Proposal struct {
	Cmd  Cmd
	Acks uint16
}

// Session is one client's row of the session table (Ongaro 2014 §6.3): the
// last request number executed and its result.
type Session struct {
	Last   int32
	Result string
}

// Volatile is what a crash erases (multipaxos.md §1.2); a restarted server
// rebuilds it by catching up and replaying from slot 1.
type Volatile struct {
	Role Role
	// Ballot is the ballot the server stands for or leads with (zero as a
	// follower).
	Ballot Ballot
	// From is phase 1's first slot; Promises the servers (bit per NodeID)
	// whose promise for Ballot was counted; Adopt[s-From] the highest-ballot
	// vote reported for slot s.
	From     int32
	Promises uint16
	Adopt    []SlotVote
	// SlotIn is the next slot the leader proposes in.
	SlotIn int32
	// Queue holds requests waiting for the window; Taken every request the
	// leader took and has not executed, in arrival order.
	Queue []Cmd
	Taken []Cmd
	// Slots.At(s-1) is slot s; Props.At(s-1) the leader's proposal there.
	Slots Pages[SlotState]
	Props Pages[Proposal]
	// Upto is the decided prefix: slots 1..Upto are all decided here.
	Upto int32
	// SlotOut is the next slot to execute.
	SlotOut int32
	// KV is the state machine; Sessions[i-1] is client ci's session.
	KV       KV
	Sessions []Session
	// Backoff is the election timeout's factor k (1, 2, 4).
	Backoff int32
	// HBRound is r, the leader's heartbeat round; Acked[j] the highest
	// round server j acked; MajRound the highest round a majority acked.
	HBRound  int32
	Acked    []int32
	MajRound int32
	// Leases and reads (lease.go), all on the server's own clock in
	// hundredths of a tick: Guard is when its guard ends, for GuardFor's
	// lease (None: the restart quiet period); GuardAll is when an earlier
	// guard, for GuardAllFor's lease (None: the quiet period), ends: till
	// then it refuses every prepare, as it acked GuardFor's heartbeat while
	// that guard still ran (GuardAll <= Guard); Lease is when the leader's
	// lease ends (0: none); Sent the clock at which each heartbeat round
	// above MajRound was sent; Reads the reads waiting for a read index.
	Guard       int
	GuardFor    NodeID
	GuardAll    int
	GuardAllFor NodeID
	Lease       int
	Sent        []RoundSent
	Reads       []PendingRead
	// Locks is the lock service's state machine (lock.go).
	Locks LockTable
}

// Server is the state of one server: proposer, acceptor, learner and
// replica at once.
type Server struct {
	ID NodeID
	Up bool
	// Incarnation counts restarts (bookkeeping for the invariants; the
	// protocol never reads it).
	Incarnation int32
	D           Durable
	V           Volatile
}

func newVolatile() Volatile { return Volatile{SlotOut: 1, Backoff: 1} }

// Clone returns a deep copy of s.
func (s *Server) Clone() Server {
	c := *s
	c.D.Votes = s.D.Votes.Clone()
	c.V.Adopt = cloneSlice(s.V.Adopt)
	c.V.Queue = cloneSlice(s.V.Queue)
	c.V.Taken = cloneSlice(s.V.Taken)
	c.V.Slots = s.V.Slots.Clone()
	c.V.Props = s.V.Props.Clone()
	c.V.KV = s.V.KV.clone()
	c.V.Sessions = cloneSlice(s.V.Sessions)
	c.V.Acked = cloneSlice(s.V.Acked)
	c.V.Sent = cloneSlice(s.V.Sent)
	c.V.Reads = cloneSlice(s.V.Reads)
	c.V.Locks = s.V.Locks.clone()
	return c
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// Vote returns s's vote in slot n (zero Vote when none).
func (s *Server) Vote(n int32) Vote {
	if n < 1 || int(n) > s.D.Votes.Len() {
		return Vote{}
	}
	return *s.D.Votes.At(int(n) - 1)
}

// Decided returns the command s knows decided in slot n (zero when none).
func (s *Server) Decided(n int32) Cmd {
	if n < 1 || int(n) > s.V.Slots.Len() {
		return Cmd{}
	}
	return s.V.Slots.At(int(n) - 1).Decided
}

// Executed reports whether s has executed slot n.
func (s *Server) Executed(n int32) bool {
	return n >= 1 && int(n) <= s.V.Slots.Len() && s.V.Slots.At(int(n)-1).Executed
}

// MaxDecided returns the highest slot s knows decided (0 when none).
func (s *Server) MaxDecided() int32 {
	for i := s.V.Slots.Len() - 1; i >= 0; i-- {
		if !s.V.Slots.At(i).Decided.IsZero() {
			return int32(i + 1)
		}
	}
	return 0
}

// IsLeader reports whether s is up and leads.
func (s *Server) IsLeader() bool { return s.Up && s.V.Role == RoleLeader }

// proposal returns the leader's proposal in slot n (nil: none made).
func (s *Server) proposal(n int32) *Proposal {
	if n < 1 || int(n) > s.V.Props.Len() {
		return nil
	}
	return s.V.Props.At(int(n) - 1)
}

func (s *Server) slot(n int32) *SlotState {
	s.V.Slots.Grow(int(n))
	return s.V.Slots.At(int(n) - 1)
}

// grow extends xs with zero values to length n, doubling its capacity when
// it must (append grows large slices by only a quarter, which copies long
// logs too often).
func grow[T any](xs []T, n int) []T {
	if n <= len(xs) {
		return xs
	}
	if n > cap(xs) {
		ys := make([]T, len(xs), max(n, 2*cap(xs), 16))
		copy(ys, xs)
		xs = ys
	}
	var zero T
	for len(xs) < n {
		xs = append(xs, zero)
	}
	return xs
}

func (s *Server) see(b Ballot) {
	if b.Round > s.D.MaxRound && b.Round <= MaxRound {
		s.D.MaxRound = b.Round
	}
}

func validSlot(n int32) bool { return n >= 1 && n <= MaxSlot }

// hint is the owner of s's promised ballot, or None if it has none or owns
// it itself (multipaxos.md §8 "Hints").
func (s *Server) hint(c *Config) NodeID {
	p := s.D.Promised
	if p.IsZero() || NodeID(p.Index-1) == s.ID || int(p.Index) > c.Servers {
		return None
	}
	return NodeID(p.Index - 1)
}

func (s *Server) promise(b Ballot, out *Out) {
	s.D.Promised = b
	out.Promises = append(out.Promises, PromiseRec{Server: s.ID, B: b})
}

func (s *Server) armElection(c *Config, out *Out) {
	t := c.Timeout * int(s.V.Backoff)
	out.arm(TimerElection, t, t)
}

// Start emits the timers of a server at time 0: the election timer, or a
// bootstrapped leader's heartbeat and step-down timers.
func (s *Server) Start(c *Config, out *Out) {
	if s.V.Role == RoleLeader {
		out.arm(TimerHeartbeat, c.Heartbeat, 0)
		out.arm(TimerStepDown, c.Timeout, 0)
		return
	}
	s.armElection(c, out)
}

// Crash stops s and forgets its volatile state: what remains is exactly
// what a restart comes back with. The world stops its timers.
func (s *Server) Crash() {
	s.Up = false
	s.V = Volatile{}
}

// Restart brings s back as a follower with its durable state and an empty
// log; it catches up from heartbeats and replays from slot 1.
func (s *Server) Restart(c *Config, out *Out) {
	s.Up = true
	s.Incarnation++
	s.V = newVolatile()
	s.quiet(c, out)
	s.armElection(c, out)
}

// Step handles one message delivered to s, which must be up.
func (s *Server) Step(c *Config, m *Message, out *Out) {
	s.see(m.Ballot)
	switch m.Type {
	case MsgRequest:
		s.handleRequest(c, m, out)
	case MsgPrepare:
		s.handlePrepare(c, m, out)
	case MsgPromise:
		for _, v := range m.Votes {
			s.see(v.B)
		}
		s.handlePromise(c, m, out)
	case MsgNack:
		s.see(m.Promised)
		s.handleNack(c, m, out)
	case MsgAccept:
		s.handleAccept(c, m, out)
	case MsgAccepted:
		s.handleAccepted(c, m, out)
	case MsgCommit:
		s.handleCommit(c, m, out)
	case MsgHeartbeat:
		s.handleHeartbeat(c, m, out)
	case MsgHeartbeatOK:
		s.handleHeartbeatOK(c, m, out)
	}
	s.leaseEndsAbove(out)
}

// Timeout fires one of s's timers; s must be up.
func (s *Server) Timeout(c *Config, k TimerKind, out *Out) {
	switch k {
	case TimerElection:
		s.stand(c, out)
	case TimerHeartbeat:
		if s.V.Role == RoleLeader {
			s.heartbeat(c, out)
			if c.Lock {
				s.proposeExpires(c, out)
			}
		}
	case TimerStepDown:
		if s.V.Role == RoleLeader {
			s.stepDown(c, StepDownHeartbeat, out)
		}
	}
}

// CanStand reports whether s has a ballot round left.
func (s *Server) CanStand() bool { return s.D.MaxRound < MaxRound }

// stand starts phase 1 for every open slot with a new ballot (§1.3).
func (s *Server) stand(c *Config, out *Out) {
	if ok, who, until := s.guarded(c, s.ID, out); ok {
		out.note(Note{Kind: NoteGuarded, Node: s.ID, Peer2: who, Text: ClockText(until)})
		s.armElection(c, out)
		return
	}
	if s.V.Role != RoleFollower {
		s.stepDown(c, StepDownTimeout, out)
	}
	if !s.CanStand() {
		return
	}
	s.D.MaxRound++
	b := Ballot{Round: s.D.MaxRound, Index: int32(s.ID) + 1}
	v := &s.V
	v.Ballot = b
	v.Role = RoleCandidate
	v.Promises = 0
	v.Adopt = v.Adopt[:0]
	v.From = v.Upto + 1
	if c.Bugs.Has(BugPrepareFromTop) {
		top := max(s.MaxDecided(), int32(s.D.Votes.Len()))
		for top > 0 && s.Vote(top).B.IsZero() && s.Decided(top).IsZero() {
			top--
		}
		if top+1 != v.From {
			out.note(Note{Kind: NoteBugActs, Bug: BugPrepareFromTop, Node: s.ID, B: b, Slot: top + 1, N: int(v.From)})
		}
		v.From = top + 1
	}
	out.note(Note{Kind: NoteStand, Node: s.ID, B: b, Slot: v.From})
	s.armElection(c, out)
	if c.Bugs.Has(BugSkipPhase1) {
		out.note(Note{Kind: NoteBugActs, Bug: BugSkipPhase1, Node: s.ID, B: b, Slot: v.Upto + 1})
		s.lead(c, v.Upto+1, out)
		s.proposeQueued(c, out)
		return
	}
	for i := 0; i < c.Servers; i++ {
		out.send(Message{Type: MsgPrepare, From: s.ID, To: NodeID(i), Ballot: b, FromSlot: v.From})
	}
}

// lead makes s the leader of its ballot, proposing from slotIn on.
func (s *Server) lead(c *Config, slotIn int32, out *Out) {
	v := &s.V
	v.Role = RoleLeader
	v.SlotIn = slotIn
	v.HBRound = 0
	v.MajRound = 0
	v.Acked = v.Acked[:0]
	for range c.Servers {
		v.Acked = append(v.Acked, 0)
	}
	v.Lease = 0
	v.Sent = v.Sent[:0]
	v.Reads = v.Reads[:0]
	v.Locks.touch(out.Clock)
	out.stop(TimerElection)
	out.arm(TimerHeartbeat, c.Heartbeat, 0)
	out.arm(TimerStepDown, c.Timeout, 0)
}

func (s *Server) handlePrepare(c *Config, m *Message, out *Out) {
	if !validSlot(m.FromSlot) {
		return
	}
	if ok, who, until := s.guarded(c, m.From, out); ok {
		out.note(Note{Kind: NoteGuardNack, Node: s.ID, Peer: m.From, B: m.Ballot, Peer2: who, Text: ClockText(until)})
		out.send(Message{Type: MsgNack, From: s.ID, To: m.From, Ballot: m.Ballot, Promised: s.D.Promised, Rejects: MsgPrepare, WhyLease: true})
		return
	}
	if !s.D.Promised.Less(m.Ballot) {
		out.note(Note{Kind: NoteRejectPrepare, Node: s.ID, Peer: m.From, B: m.Ballot, B2: s.D.Promised})
		out.send(Message{Type: MsgNack, From: s.ID, To: m.From, Ballot: m.Ballot, Promised: s.D.Promised, Rejects: MsgPrepare})
		return
	}
	s.promise(m.Ballot, out)
	var votes []SlotVote
	for i := int(m.FromSlot) - 1; i < s.D.Votes.Len(); i++ {
		if v := s.D.Votes.At(i); !v.B.IsZero() {
			votes = append(votes, SlotVote{Slot: int32(i + 1), B: v.B, Cmd: v.Cmd})
		}
	}
	out.note(Note{Kind: NotePromise, Node: s.ID, Peer: m.From, B: m.Ballot, Slot: m.FromSlot, N: len(votes)})
	out.send(Message{Type: MsgPromise, From: s.ID, To: m.From, Ballot: m.Ballot, FromSlot: m.FromSlot, Votes: votes})
}

func (s *Server) handlePromise(c *Config, m *Message, out *Out) {
	v := &s.V
	bit := uint16(1) << uint(m.From)
	if v.Role != RoleCandidate || m.Ballot != v.Ballot || v.Promises&bit != 0 || !c.IsServer(m.From) {
		out.note(Note{Kind: NotePromiseIgnored, Node: s.ID, Peer: m.From, B: m.Ballot})
		return
	}
	v.Promises |= bit
	for _, sv := range m.Votes {
		if sv.Slot < v.From || !validSlot(sv.Slot) {
			continue
		}
		i := int(sv.Slot - v.From)
		for len(v.Adopt) <= i {
			v.Adopt = append(v.Adopt, SlotVote{})
		}
		if v.Adopt[i].B.Less(sv.B) {
			v.Adopt[i] = sv
		}
	}
	n := popcount(v.Promises)
	out.note(Note{Kind: NotePromiseCount, Node: s.ID, Peer: m.From, B: m.Ballot, N: n, Q: c.Quorum})
	if n >= c.Quorum {
		s.phase1Done(c, out)
	}
}

// phase1Done: re-propose the highest-ballot command of every slot from..M
// (noop for a hole), in slot order, decided slots included, not limited by
// the window (§1.3 step 3, §8 "Phase 1 done").
func (s *Server) phase1Done(c *Config, out *Out) {
	v := &s.V
	top := v.From - 1 + int32(len(v.Adopt)) // M
	if c.Bugs.Has(BugNoAdopt) {
		if top >= v.From {
			out.note(Note{Kind: NoteBugActs, Bug: BugNoAdopt, Node: s.ID, B: v.Ballot, Slot: v.From, N: int(top)})
		}
		top = v.From - 1
	}
	s.lead(c, top+1, out)
	out.note(Note{Kind: NoteLead, Node: s.ID, B: v.Ballot, Slot: v.From, N: int(top)})
	if c.Bugs.Has(BugPrepareFromTop) {
		for n := int32(1); n < v.From; n++ {
			if s.Decided(n).IsZero() {
				out.note(Note{Kind: NoteBugActs, Bug: BugPrepareFromTop, Node: s.ID, B: v.Ballot, Slot: n, Cmd: Noop})
				s.propose(c, n, Noop, out)
			}
		}
	}
	for n := v.From; n <= top; n++ {
		a := v.Adopt[n-v.From]
		cmd := a.Cmd
		if a.B.IsZero() {
			cmd = Noop
		}
		out.note(Note{Kind: NoteRepropose, Node: s.ID, B: v.Ballot, B2: a.B, Slot: n, Cmd: cmd})
		s.propose(c, n, cmd, out)
	}
	s.proposeQueued(c, out)
}

func (s *Server) propose(c *Config, n int32, cmd Cmd, out *Out) {
	v := &s.V
	v.Props.Grow(int(n))
	*v.Props.At(int(n) - 1) = Proposal{Cmd: cmd}
	for i := 0; i < c.Servers; i++ {
		out.send(Message{Type: MsgAccept, From: s.ID, To: NodeID(i), Ballot: s.V.Ballot, Slot: n, Cmd: cmd})
	}
}

// proposeQueued proposes waiting requests while the window allows (§1.4).
func (s *Server) proposeQueued(c *Config, out *Out) {
	v := &s.V
	for len(v.Queue) > 0 && v.Role == RoleLeader && v.SlotIn < v.SlotOut+int32(c.Window) && v.SlotIn <= MaxSlot {
		if !s.Decided(v.SlotIn).IsZero() {
			// Decided by a higher ballot's leader (whose nack is on its
			// way): a proposal there could never be decided.
			v.SlotIn++
			continue
		}
		cmd := v.Queue[0]
		copy(v.Queue, v.Queue[1:])
		v.Queue = v.Queue[:len(v.Queue)-1]
		n := v.SlotIn
		v.SlotIn++
		out.note(Note{Kind: NotePropose, Node: s.ID, B: v.Ballot, Slot: n, Cmd: cmd})
		s.propose(c, n, cmd, out)
	}
}

func (s *Server) handleRequest(c *Config, m *Message, out *Out) {
	cmd := m.Cmd
	if !c.IsClient(m.From) || !cmd.Op.IsKV() && !(c.Lock && cmd.Op.IsClientOp()) || int(cmd.ID.Client) != c.ClientIndex(m.From) {
		return
	}
	v := &s.V
	if v.Role != RoleLeader {
		h := s.hint(c)
		out.note(Note{Kind: NoteRedirect, Node: s.ID, Peer: m.From, Peer2: h, Cmd: cmd})
		out.send(Message{Type: MsgReply, From: s.ID, To: m.From, Req: cmd.ID, NotLeader: true, Hint: h})
		return
	}
	v.Taken = append(v.Taken, cmd)
	if cmd.Op == OpGet && m.Via != ViaLog && s.readFast(c, cmd, m.Via, out) {
		return
	}
	v.Queue = append(v.Queue, cmd)
	s.proposeQueued(c, out)
	if len(v.Queue) > 0 {
		out.note(Note{Kind: NoteQueue, Node: s.ID, Cmd: cmd, N: len(v.Queue)})
	}
}

func (s *Server) handleAccept(c *Config, m *Message, out *Out) {
	if !validSlot(m.Slot) || m.Cmd.IsZero() || !c.IsServer(m.From) {
		return
	}
	if m.Ballot.Less(s.D.Promised) {
		out.note(Note{Kind: NoteRejectAccept, Node: s.ID, Peer: m.From, B: m.Ballot, B2: s.D.Promised, Slot: m.Slot})
		out.send(Message{Type: MsgNack, From: s.ID, To: m.From, Ballot: m.Ballot, Promised: s.D.Promised, Rejects: MsgAccept, Slot: m.Slot})
		return
	}
	if s.D.Promised.Less(m.Ballot) {
		s.promise(m.Ballot, out)
	}
	s.D.Votes.Grow(int(m.Slot))
	*s.D.Votes.At(int(m.Slot) - 1) = Vote{B: m.Ballot, Cmd: m.Cmd}
	out.Votes = append(out.Votes, VoteRec{Server: s.ID, Slot: m.Slot, B: m.Ballot, Cmd: m.Cmd})
	out.note(Note{Kind: NoteAccept, Node: s.ID, Peer: m.From, B: m.Ballot, Slot: m.Slot, Cmd: m.Cmd})
	out.send(Message{Type: MsgAccepted, From: s.ID, To: m.From, Ballot: m.Ballot, Slot: m.Slot})
}

func (s *Server) handleAccepted(c *Config, m *Message, out *Out) {
	v := &s.V
	if v.Role != RoleLeader || m.Ballot != v.Ballot || !validSlot(m.Slot) || int(m.Slot) > v.Props.Len() || !c.IsServer(m.From) {
		out.note(Note{Kind: NoteAckIgnored, Node: s.ID, Peer: m.From, B: m.Ballot, Slot: m.Slot})
		return
	}
	st := v.Props.At(int(m.Slot) - 1)
	bit := uint16(1) << uint(m.From)
	if st.Cmd.IsZero() || !s.Decided(m.Slot).IsZero() || st.Acks&bit != 0 {
		out.note(Note{Kind: NoteAckIgnored, Node: s.ID, Peer: m.From, B: m.Ballot, Slot: m.Slot})
		return
	}
	st.Acks |= bit
	n := popcount(st.Acks)
	out.note(Note{Kind: NoteAckCount, Node: s.ID, Peer: m.From, B: m.Ballot, Slot: m.Slot, N: n, Q: c.CommitQuorum})
	if n < c.CommitQuorum {
		return
	}
	if n < c.Quorum {
		out.note(Note{Kind: NoteBugActs, Bug: BugCommitMinority, Node: s.ID, B: m.Ballot, Slot: m.Slot, N: n})
	}
	cmd := st.Cmd
	for i := 0; i < c.Servers; i++ {
		if NodeID(i) != s.ID {
			out.send(Message{Type: MsgCommit, From: s.ID, To: NodeID(i), Slot: m.Slot, Cmd: cmd})
		}
	}
	s.decide(c, m.Slot, cmd, s.ID, out)
	s.execute(c, out)
	s.proposeQueued(c, out)
}

func (s *Server) handleCommit(c *Config, m *Message, out *Out) {
	if !validSlot(m.Slot) || m.Cmd.IsZero() {
		return
	}
	if !s.Decided(m.Slot).IsZero() {
		out.note(Note{Kind: NoteCommitIgnored, Node: s.ID, Peer: m.From, Slot: m.Slot, Cmd: m.Cmd})
		return
	}
	s.decide(c, m.Slot, m.Cmd, m.From, out)
	s.execute(c, out)
	s.proposeQueued(c, out)
}

// decide marks slot n decided with cmd; a leader whose own proposal lost
// the slot puts it back at the head of its queue (§1.4 re-proposal).
func (s *Server) decide(c *Config, n int32, cmd Cmd, by NodeID, out *Out) {
	v := &s.V
	st := s.slot(n)
	st.Decided = cmd
	out.Decisions = append(out.Decisions, DecideRec{Server: s.ID, Slot: n, Cmd: cmd})
	out.note(Note{Kind: NoteDecide, Node: s.ID, Peer: by, Slot: n, Cmd: cmd})
	v.Backoff = 1
	for int(v.Upto) < v.Slots.Len() && !v.Slots.At(int(v.Upto)).Decided.IsZero() {
		v.Upto++
	}
	if p := s.proposal(n); v.Role == RoleLeader && p != nil && !p.Cmd.IsZero() && p.Cmd != cmd {
		if p.Cmd.Op >= OpPut {
			out.note(Note{Kind: NoteDisplaced, Node: s.ID, Slot: n, Cmd: p.Cmd, Cmd2: cmd})
			v.Queue = append(v.Queue, Cmd{})
			copy(v.Queue[1:], v.Queue)
			v.Queue[0] = p.Cmd
		}
		p.Cmd = Cmd{}
	}
	if c.Bugs.Has(BugExecOutOfOrder) && !st.Executed && n != v.SlotOut {
		out.note(Note{Kind: NoteBugActs, Bug: BugExecOutOfOrder, Node: s.ID, Slot: n, N: int(v.SlotOut)})
		s.apply(c, n, out)
	}
}

// execute applies decided slots in slot order from slot_out (§1.5).
func (s *Server) execute(c *Config, out *Out) {
	v := &s.V
	for int(v.SlotOut) <= v.Slots.Len() && !v.Slots.At(int(v.SlotOut)-1).Decided.IsZero() {
		if !v.Slots.At(int(v.SlotOut) - 1).Executed {
			s.apply(c, v.SlotOut, out)
		}
		v.SlotOut++
	}
	if len(v.Reads) > 0 {
		s.serveReads(c, out)
	}
}

// apply runs slot n's command through the session table and the store; a
// leader replies to the command's client (§1.5, §1.6, §8 "Who replies").
func (s *Server) apply(c *Config, n int32, out *Out) {
	v := &s.V
	st := v.Slots.At(int(n) - 1)
	st.Executed = true
	cmd := st.Decided
	rec := ExecRec{Server: s.ID, Incarnation: s.Incarnation, Slot: n, Cmd: cmd, Applied: true}
	if cmd.Op < OpPut || cmd.ID.Client < 1 || int(cmd.ID.Client) > c.Clients {
		if cmd.Op == OpExpire {
			s.V.Locks.expire(cmd)
		}
		out.Execs = append(out.Execs, rec)
		out.note(Note{Kind: NoteExecute, Node: s.ID, Slot: n, Cmd: cmd})
		return
	}
	for len(v.Sessions) < c.Clients {
		v.Sessions = append(v.Sessions, Session{})
	}
	sess := &v.Sessions[cmd.ID.Client-1]
	q := cmd.ID.Seq
	reply := true
	if q <= sess.Last && !c.Bugs.Has(BugNoDedup) {
		rec.Applied = false
		rec.Result = sess.Result
		reply = q == sess.Last
		if !reply {
			rec.Result = ""
		}
		out.note(Note{Kind: NoteSkip, Node: s.ID, Slot: n, Cmd: cmd, Text: rec.Result})
	} else {
		if q <= sess.Last {
			out.note(Note{Kind: NoteBugActs, Bug: BugNoDedup, Node: s.ID, Slot: n, Cmd: cmd})
		}
		rec.Result = s.applyOp(n, cmd, out)
		*sess = Session{Last: q, Result: rec.Result}
		out.note(Note{Kind: NoteExecute, Node: s.ID, Slot: n, Cmd: cmd, Text: rec.Result})
	}
	out.Execs = append(out.Execs, rec)
	// The command is executed: no longer pending here.
	k := 0
	for _, t := range v.Taken {
		if t.ID != cmd.ID {
			v.Taken[k] = t
			k++
		}
	}
	v.Taken = v.Taken[:k]
	if reply && v.Role == RoleLeader {
		to := NodeID(c.Servers + int(cmd.ID.Client) - 1)
		out.note(Note{Kind: NoteReply, Node: s.ID, Peer: to, Cmd: cmd, Text: rec.Result})
		out.send(Message{Type: MsgReply, From: s.ID, To: to, Req: cmd.ID, Result: rec.Result})
	}
}

// stepDown ends s's candidacy or leadership; a leader answers every request
// it took and has not executed with not_leader, in arrival order (§8
// "Stepping down").
func (s *Server) stepDown(c *Config, reason int, out *Out) {
	v := &s.V
	was := v.Role
	taken := len(v.Taken)
	if was == RoleLeader {
		h := s.hint(c)
		for _, t := range v.Taken {
			to := NodeID(c.Servers + int(t.ID.Client) - 1)
			out.send(Message{Type: MsgReply, From: s.ID, To: to, Req: t.ID, NotLeader: true, Hint: h})
		}
		out.stop(TimerHeartbeat)
		out.stop(TimerStepDown)
	}
	out.note(Note{Kind: NoteStepDown, Node: s.ID, B: v.Ballot, N: reason, N2: taken})
	v.Role = RoleFollower
	v.Ballot = Ballot{}
	v.Promises = 0
	v.Adopt = v.Adopt[:0]
	v.Queue = v.Queue[:0]
	v.Taken = v.Taken[:0]
	v.Acked = v.Acked[:0]
	v.SlotIn = 0
	v.Lease = 0
	v.Sent = v.Sent[:0]
	v.Reads = v.Reads[:0]
	v.Props = Pages[Proposal]{}
	if reason != StepDownTimeout {
		s.armElection(c, out)
	}
}

func (s *Server) handleNack(c *Config, m *Message, out *Out) {
	v := &s.V
	if v.Role == RoleFollower || m.Ballot != v.Ballot || !v.Ballot.Less(m.Promised) {
		out.note(Note{Kind: NoteNackIgnored, Node: s.ID, Peer: m.From, B: m.Ballot, B2: m.Promised})
		return
	}
	v.Backoff = min(2*v.Backoff, MaxBackoff)
	s.stepDown(c, StepDownNack, out)
}

func (s *Server) heartbeat(c *Config, out *Out) {
	v := &s.V
	v.HBRound++
	if c.Lease > 0 {
		v.Sent = append(v.Sent, RoundSent{Round: v.HBRound, At: out.Clock})
	}
	out.note(Note{Kind: NoteHeartbeat, Node: s.ID, B: v.Ballot, N: int(v.HBRound), Slot: v.Upto})
	for i := 0; i < c.Servers; i++ {
		if NodeID(i) != s.ID {
			out.send(Message{Type: MsgHeartbeat, From: s.ID, To: NodeID(i), Ballot: v.Ballot, Upto: v.Upto, Round: v.HBRound})
		}
	}
	out.arm(TimerHeartbeat, c.Heartbeat, 0)
}

func (s *Server) handleHeartbeat(c *Config, m *Message, out *Out) {
	if !c.IsServer(m.From) {
		return
	}
	if m.Ballot.Less(s.D.Promised) {
		out.note(Note{Kind: NoteRejectHB, Node: s.ID, Peer: m.From, B: m.Ballot, B2: s.D.Promised})
		out.send(Message{Type: MsgNack, From: s.ID, To: m.From, Ballot: m.Ballot, Promised: s.D.Promised, Rejects: MsgHeartbeat})
		return
	}
	if s.V.Role != RoleLeader {
		s.armElection(c, out)
	}
	s.guard(c, m.From, out)
	note := Note{Kind: NoteHeartbeatOK, Node: s.ID, Peer: m.From, B: m.Ballot, N: int(m.Round), Slot: s.V.Upto}
	if c.Lease > 0 && out.Clock < s.V.GuardAll {
		// It still guards an earlier lease (or its quiet period): till
		// then it refuses every prepare, this leader's included.
		note.N2, note.Peer2, note.Text = HBHolds, s.V.GuardAllFor, ClockText(s.V.GuardAll)
	}
	out.note(note)
	out.send(Message{Type: MsgHeartbeatOK, From: s.ID, To: m.From, Ballot: m.Ballot, Upto: s.V.Upto, Round: m.Round})
}

func (s *Server) handleHeartbeatOK(c *Config, m *Message, out *Out) {
	v := &s.V
	if v.Role != RoleLeader || m.Ballot != v.Ballot || !c.IsServer(m.From) || int(m.From) >= len(v.Acked) {
		return
	}
	if m.Round > v.Acked[m.From] && m.Round <= v.HBRound {
		v.Acked[m.From] = m.Round
	}
	// The highest round a majority (itself included, at HBRound) acked.
	var rounds [MaxServers]int32
	for i := range c.Servers {
		rounds[i] = v.Acked[i]
	}
	rounds[s.ID] = v.HBRound
	r := kthLargest(rounds[:c.Servers], c.Quorum)
	if r > v.MajRound {
		v.MajRound = r
		out.arm(TimerStepDown, c.Timeout, 0)
		s.leaseFrom(c, r, out)
	}
	if m.Upto < v.Upto && m.Upto >= 0 {
		out.note(Note{Kind: NoteCatchUp, Node: s.ID, Peer: m.From, Slot: m.Upto + 1, N: int(v.Upto)})
		for n := m.Upto + 1; n <= v.Upto; n++ {
			out.send(Message{Type: MsgCommit, From: s.ID, To: m.From, Slot: n, Cmd: v.Slots.At(int(n) - 1).Decided})
		}
	}
}

// kthLargest returns the k-th largest of xs (k >= 1), sorting xs in place.
func kthLargest(xs []int32, k int) int32 {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j-1] < xs[j]; j-- {
			xs[j-1], xs[j] = xs[j], xs[j-1]
		}
	}
	return xs[k-1]
}

func popcount(x uint16) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}

// LogMatches reports whether s's log reads as words, as `expect log S
// W...|none` checks it (§8 "Forms"): the decided slots 1..max, each word a
// command as printed, its id alone, `noop`, or `_` for a slot not decided
// here; `none` alone for an empty log.
func (s *Server) LogMatches(words []string) bool {
	top := s.MaxDecided()
	if len(words) == 1 && words[0] == "none" {
		return top == 0
	}
	if int(top) != len(words) {
		return false
	}
	for i, w := range words {
		c := s.Decided(int32(i + 1))
		switch {
		case w == "_":
			if !c.IsZero() {
				return false
			}
		case c.IsZero():
			return false
		case w != c.String() && (c.Op == OpNoop || w != c.ID.String()):
			return false
		}
	}
	return true
}
