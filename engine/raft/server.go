package raft

// Role is what a server is in its current term (raft.md §1.2).
type Role uint8

// Server roles.
const (
	RoleFollower Role = iota
	RoleCandidate
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

// ParseRole returns the role with the given name.
func ParseRole(s string) (Role, bool) {
	for i, n := range roleNames {
		if n == s {
			return Role(i), true
		}
	}
	return 0, false
}

// Durable is what a server keeps across a crash: exactly currentTerm,
// votedFor and log (Fig. 2; raft.md §4). A step writes it before the
// step's messages leave.
type Durable struct {
	// Term is currentTerm; it never decreases.
	Term int32
	// VotedFor is the vote given in Term, or None.
	VotedFor NodeID
	// Log[i-1] is the entry at index i. Positions below len(Log) are never
	// rewritten in place (a cut copies), so messages may share it.
	Log []Entry
}

// Volatile is what a crash erases (§1.3, §4).
type Volatile struct {
	Role Role
	// CommitIndex and LastApplied never decrease while up.
	CommitIndex, LastApplied int32
	// Leader is the leader of Term this server knows (None: none).
	Leader NodeID
	// Votes is votesGranted, a bit per server, itself included.
	Votes uint16
	// VoteMsgs counts granting vote messages received in the term
	// (count_duplicates counts with it).
	VoteMsgs int32
	// NextIndex[j] and MatchIndex[j] are the leader's (empty otherwise);
	// its own are its last index + 1 and its last index.
	NextIndex, MatchIndex []int32
}

// Server is the state of one Raft server.
type Server struct {
	ID NodeID
	Up bool
	D  Durable
	V  Volatile
}

// Clone returns a deep copy of s.
func (s *Server) Clone() Server {
	c := *s
	c.D.Log = cloneSlice(s.D.Log)
	c.V.NextIndex = cloneSlice(s.V.NextIndex)
	c.V.MatchIndex = cloneSlice(s.V.MatchIndex)
	return c
}

// appendEntry appends e to log, doubling the capacity when it must (append
// grows large slices by a quarter only, which copies long logs too often).
// The old array is left as it was, for messages that share it.
func appendEntry(log []Entry, e Entry) []Entry {
	if len(log) == cap(log) {
		l := make([]Entry, len(log), max(16, 2*cap(log)))
		copy(l, log)
		log = l
	}
	return append(log, e)
}

func cloneSlice[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// IsLeader reports whether s is up and leads.
func (s *Server) IsLeader() bool { return s.Up && s.V.Role == RoleLeader }

// LastIndex returns the index of s's last entry (0 when empty).
func (s *Server) LastIndex() int32 { return int32(len(s.D.Log)) }

// TermAt returns the term of s's entry at index i: 0 at index 0 and
// beyond the log's end.
func (s *Server) TermAt(i int32) int32 {
	if i < 1 || int(i) > len(s.D.Log) {
		return 0
	}
	return s.D.Log[i-1].Term
}

// LastTerm returns the term of s's last entry (0 when empty).
func (s *Server) LastTerm() int32 { return s.TermAt(s.LastIndex()) }

func (s *Server) armElection(c *Config, out *Out) {
	out.Timers = append(out.Timers, TimerOp{Kind: TimerElection, Delay: c.ElectionMin, Jitter: c.ElectionMax - c.ElectionMin + 1, Own: true})
}

// setTerm adopts term t: votedFor is cleared with every term change.
func (s *Server) setTerm(t int32, out *Out) {
	s.D.Term = t
	s.D.VotedFor = None
	s.V.Leader = None
	out.rec(Rec{Kind: RecTerm, Server: s.ID, Term: t})
}

func (s *Server) vote(c NodeID, out *Out) {
	s.D.VotedFor = c
	out.rec(Rec{Kind: RecVote, Server: s.ID, Peer: c, Term: s.D.Term})
}

func (s *Server) appendEntry(e Entry, out *Out) {
	s.D.Log = appendEntry(s.D.Log, e)
	if s.V.Role == RoleLeader && int(s.ID) < len(s.V.MatchIndex) {
		s.V.MatchIndex[s.ID] = s.LastIndex()
		s.V.NextIndex[s.ID] = s.LastIndex() + 1
	}
	out.rec(Rec{Kind: RecAppend, Server: s.ID, Index: s.LastIndex(), Entry: e})
}

// cut keeps the first n entries, copying them to a new array so that no
// message sharing the old one sees a change.
func (s *Server) cut(n int32, out *Out) {
	if int(n) >= len(s.D.Log) {
		return
	}
	if n == 0 {
		s.D.Log = nil
	} else {
		s.D.Log = append(make([]Entry, 0, cap(s.D.Log)), s.D.Log[:n]...)
	}
	out.rec(Rec{Kind: RecCut, Server: s.ID, Index: n})
}

// Start emits the timers of a server at time 0: its election timer.
func (s *Server) Start(c *Config, out *Out) { s.armElection(c, out) }

// Crash stops s and forgets its volatile state: what remains is exactly
// what a restart comes back with. The world stops its timers.
func (s *Server) Crash(c *Config, out *Out) {
	if s.V.Role == RoleLeader {
		out.rec(Rec{Kind: RecUnlead, Server: s.ID, Term: s.D.Term})
	}
	commit := s.V.CommitIndex
	s.Up = false
	s.V = Volatile{Leader: None}
	if c.Bugs.Has(BugKeepCommit) {
		s.V.CommitIndex = commit
	}
	if c.Bugs.Has(BugForgetVote) && s.D.VotedFor != None {
		out.note(Note{Kind: NoteBugActs, Bug: BugForgetVote, Node: s.ID, Peer: s.D.VotedFor, Term: s.D.Term})
		s.D.VotedFor = None
	}
	if c.Bugs.Has(BugVolatileLog) && len(s.D.Log) > 0 {
		out.note(Note{Kind: NoteBugActs, Bug: BugVolatileLog, Node: s.ID, Index: s.LastIndex()})
		s.cut(0, out)
	}
}

// Restart brings s back as a follower with its durable state and a fresh
// election timer; under keep_commit it re-applies up to its kept
// commitIndex at once.
func (s *Server) Restart(c *Config, out *Out) {
	s.Up = true
	s.armElection(c, out)
	s.apply(c, out)
}

// Step handles one message delivered to s, which must be up.
func (s *Server) Step(c *Config, m *Message, out *Out) {
	if !s.valid(c, m) {
		return
	}
	if m.Term > s.D.Term {
		s.adoptTerm(c, m, out)
	}
	switch m.Type {
	case MsgRequestVote:
		s.handleRequestVote(c, m, out)
	case MsgVote:
		s.handleVote(c, m, out)
	case MsgAppend:
		s.handleAppend(c, m, out)
	case MsgAppendReply:
		s.handleAppendReply(c, m, out)
	}
	s.apply(c, out)
}

// valid rejects what no server sends: an unknown or self sender, terms or
// indexes out of range, entries of term 0.
func (s *Server) valid(c *Config, m *Message) bool {
	if !c.IsServer(m.From) || m.From == s.ID || m.Term < 0 || m.Term > MaxTerm {
		return false
	}
	idx := func(i int32) bool { return i >= 0 && i <= MaxIndex }
	switch m.Type {
	case MsgRequestVote:
		return idx(m.LastIndex) && m.LastTerm >= 0 && m.LastTerm <= MaxTerm
	case MsgVote:
		return true
	case MsgAppend:
		if !idx(m.PrevIndex) || !idx(m.Commit) || m.PrevTerm < 0 || len(m.Entries) > MaxIndex-int(m.PrevIndex) {
			return false
		}
		for _, e := range m.Entries {
			if e.Term < 1 || e.Term > MaxTerm {
				return false
			}
		}
		return true
	case MsgAppendReply:
		return idx(m.Match)
	}
	return false
}

// adoptTerm: a request or reply with T > currentTerm (§1.6).
func (s *Server) adoptTerm(c *Config, m *Message, out *Out) {
	was, old := s.V.Role, s.D.Term
	s.setTerm(m.Term, out)
	out.note(Note{Kind: NoteAdoptTerm, Node: s.ID, Peer: m.From, Term: m.Term, Term2: old, Role: was})
	switch was {
	case RoleLeader:
		if c.Bugs.Has(BugNoStepDown) {
			out.note(Note{Kind: NoteBugActs, Bug: BugNoStepDown, Node: s.ID, Term: m.Term})
			s.V.Leader = s.ID
			out.rec(Rec{Kind: RecLead, Server: s.ID, Term: m.Term})
			return
		}
		// A deposed leader draws a timer (§1.6, §9).
		s.V.Role = RoleFollower
		s.V.NextIndex = s.V.NextIndex[:0]
		s.V.MatchIndex = s.V.MatchIndex[:0]
		out.rec(Rec{Kind: RecUnlead, Server: s.ID, Term: old})
		out.stop(TimerHeartbeat)
		s.armElection(c, out)
	case RoleCandidate:
		s.V.Role = RoleFollower
		s.V.Votes = 0
		s.V.VoteMsgs = 0
	}
}

// upToDate: the candidate's log is at least as up-to-date as s's (§5.4.1).
func (s *Server) upToDate(m *Message) bool {
	lt := s.LastTerm()
	return m.LastTerm > lt || m.LastTerm == lt && m.LastIndex >= s.LastIndex()
}

func (s *Server) handleRequestVote(c *Config, m *Message, out *Out) {
	reply := Message{Type: MsgVote, From: s.ID, To: m.From}
	switch {
	case m.Term < s.D.Term:
		out.note(Note{Kind: NoteRefuseVote, Node: s.ID, Peer: m.From, Term: m.Term, N: RefuseStaleTerm})
	case s.D.VotedFor != None && s.D.VotedFor != m.From:
		out.note(Note{Kind: NoteRefuseVote, Node: s.ID, Peer: m.From, Peer2: s.D.VotedFor, Term: m.Term, N: RefuseVoted})
	case !s.upToDate(m) && !c.Bugs.Has(BugNoLogCheck):
		out.note(Note{Kind: NoteRefuseVote, Node: s.ID, Peer: m.From, Term: m.Term, N: RefuseLog})
	default:
		if !s.upToDate(m) {
			out.note(Note{Kind: NoteBugActs, Bug: BugNoLogCheck, Node: s.ID, Peer: m.From, Term: m.Term})
		}
		if s.D.VotedFor == None {
			s.vote(m.From, out)
		}
		// Leaders have no election timer (only a no_step_down leader
		// can grant).
		if s.V.Role != RoleLeader {
			s.armElection(c, out)
		}
		out.note(Note{Kind: NoteGrant, Node: s.ID, Peer: m.From, Term: m.Term})
		reply.Granted = true
	}
	reply.Term = s.D.Term
	out.send(reply)
}

func (s *Server) handleVote(c *Config, m *Message, out *Out) {
	v := &s.V
	if v.Role != RoleCandidate || m.Term != s.D.Term || !m.Granted {
		out.note(Note{Kind: NoteVoteIgnored, Node: s.ID, Peer: m.From, Term: m.Term})
		return
	}
	bit := uint16(1) << uint(m.From)
	v.VoteMsgs++
	var n int
	if c.Bugs.Has(BugCountDuplicates) {
		n = 1 + int(v.VoteMsgs)
		if v.Votes&bit != 0 {
			out.note(Note{Kind: NoteBugActs, Bug: BugCountDuplicates, Node: s.ID, Peer: m.From, Term: m.Term, N: n})
		}
	} else {
		if v.Votes&bit != 0 {
			out.note(Note{Kind: NoteVoteIgnored, Node: s.ID, Peer: m.From, Term: m.Term})
			return
		}
		n = popcount(v.Votes | bit)
	}
	v.Votes |= bit
	out.note(Note{Kind: NoteVoteCount, Node: s.ID, Peer: m.From, Term: m.Term, N: n, Q: c.Quorum})
	if n >= c.Quorum {
		s.becomeLeader(c, out)
	}
}

// Timeout fires one of s's timers; s must be up. A leader sends one
// append round whichever timer fires.
func (s *Server) Timeout(c *Config, k TimerKind, out *Out) {
	switch {
	case s.V.Role == RoleLeader:
		s.heartbeat(c, out)
	case k == TimerElection:
		s.startElection(c, out)
	}
	s.apply(c, out)
}

// startElection (§1.7): a new term, a vote for itself, a fresh timer and
// requestvote to every other server in index order.
func (s *Server) startElection(c *Config, out *Out) {
	if s.D.Term >= MaxTerm {
		return
	}
	s.setTerm(s.D.Term+1, out)
	s.vote(s.ID, out)
	v := &s.V
	v.Role = RoleCandidate
	v.Votes = 1 << uint(s.ID)
	v.VoteMsgs = 0
	s.armElection(c, out)
	out.note(Note{Kind: NoteElection, Node: s.ID, Term: s.D.Term, Q: c.Quorum})
	if 1 >= c.Quorum {
		s.becomeLeader(c, out)
		return
	}
	li, lt := s.LastIndex(), s.LastTerm()
	for j := range c.Servers {
		if NodeID(j) != s.ID {
			out.send(Message{Type: MsgRequestVote, From: s.ID, To: NodeID(j), Term: s.D.Term, LastIndex: li, LastTerm: lt})
		}
	}
}

// becomeLeader (§1.8): nextIndex and matchIndex, the no-op, an append to
// every other server.
func (s *Server) becomeLeader(c *Config, out *Out) {
	v := &s.V
	v.Role = RoleLeader
	v.Leader = s.ID
	out.rec(Rec{Kind: RecLead, Server: s.ID, Term: s.D.Term})
	out.stop(TimerElection)
	out.arm(TimerHeartbeat, c.Heartbeat, 0)
	next := s.LastIndex() + 1
	v.NextIndex = v.NextIndex[:0]
	v.MatchIndex = v.MatchIndex[:0]
	for range c.Servers {
		v.NextIndex = append(v.NextIndex, next)
		v.MatchIndex = append(v.MatchIndex, 0)
	}
	v.MatchIndex[s.ID] = next - 1
	out.note(Note{Kind: NoteLead, Node: s.ID, Term: s.D.Term, Index: next})
	if c.Noop && s.LastIndex() < MaxIndex {
		s.appendEntry(Entry{Term: s.D.Term, Value: NoopValue}, out)
		out.note(Note{Kind: NotePropose, Node: s.ID, Term: s.D.Term, Index: s.LastIndex(), Entry: s.D.Log[s.LastIndex()-1]})
	}
	s.advanceCommit(c, out)
	s.broadcast(c, out)
}

// Propose appends (currentTerm, v) at a leader and sends appends (§1.8).
func (s *Server) Propose(c *Config, v string, out *Out) error {
	if s.V.Role != RoleLeader {
		out.note(Note{Kind: NoteNotLeader, Node: s.ID, Peer: s.V.Leader, Term: s.D.Term, Entry: Entry{Value: v}})
		return nil
	}
	if s.LastIndex() >= MaxIndex {
		return ErrLogFull
	}
	e := Entry{Term: s.D.Term, Value: v}
	s.appendEntry(e, out)
	out.note(Note{Kind: NotePropose, Node: s.ID, Term: s.D.Term, Index: s.LastIndex(), Entry: e})
	s.advanceCommit(c, out)
	s.broadcast(c, out)
	s.apply(c, out)
	return nil
}

func (s *Server) heartbeat(c *Config, out *Out) {
	out.note(Note{Kind: NoteHeartbeat, Node: s.ID, Term: s.D.Term})
	s.broadcast(c, out)
	out.arm(TimerHeartbeat, c.Heartbeat, 0)
}

// broadcast sends the append of §1.8 to every other server, in index order.
func (s *Server) broadcast(c *Config, out *Out) {
	for j := range c.Servers {
		if NodeID(j) != s.ID {
			out.send(s.makeAppend(c, NodeID(j)))
		}
	}
}

// makeAppend builds the append to j from nextIndex[j], as batch and probe
// allow, carrying the commitIndex of this moment (§9).
func (s *Server) makeAppend(c *Config, j NodeID) Message {
	v := &s.V
	last := s.LastIndex()
	next := min(max(v.NextIndex[j], 1), last+1)
	prev := next - 1
	m := Message{Type: MsgAppend, From: s.ID, To: j, Term: s.D.Term, PrevIndex: prev, PrevTerm: s.TermAt(prev), Commit: v.CommitIndex}
	if c.Probe && v.MatchIndex[j] != prev {
		return m
	}
	end := last
	if c.Batch > 0 && end-prev > int32(c.Batch) {
		end = prev + int32(c.Batch)
	}
	if end > prev {
		m.Entries = s.D.Log[prev:end:end]
	}
	return m
}

func (s *Server) handleAppend(c *Config, m *Message, out *Out) {
	stale := m.Term < s.D.Term
	reply := Message{Type: MsgAppendReply, From: s.ID, To: m.From}
	// Step 1.
	if stale && !c.Bugs.Has(BugStaleAppend) {
		out.note(Note{Kind: NoteRefuseAppend, Node: s.ID, Peer: m.From, Term: m.Term, N: RefuseStaleTerm})
		reply.Term = s.D.Term
		out.send(reply)
		return
	}
	if s.V.Role == RoleLeader {
		// An append of its own term (a bug broke election safety), or a
		// stale one under stale_append: no reply, no change (§9).
		out.note(Note{Kind: NoteAppendIgnored, Node: s.ID, Peer: m.From, Term: m.Term})
		return
	}
	if stale {
		out.note(Note{Kind: NoteBugActs, Bug: BugStaleAppend, Node: s.ID, Peer: m.From, Term: m.Term, Term2: s.D.Term})
	} else {
		if s.V.Role == RoleCandidate {
			s.V.Role = RoleFollower
			s.V.Votes = 0
			s.V.VoteMsgs = 0
			out.note(Note{Kind: NoteStepDown, Node: s.ID, Peer: m.From, Term: m.Term})
		}
		s.V.Leader = m.From
		s.armElection(c, out)
	}
	reply.Term = s.D.Term
	// Step 2.
	if m.PrevIndex > s.LastIndex() || m.PrevIndex > 0 && s.TermAt(m.PrevIndex) != m.PrevTerm {
		out.note(Note{Kind: NoteRefuseAppend, Node: s.ID, Peer: m.From, Term: m.Term, Index: m.PrevIndex, N: RefuseNoMatch})
		out.send(reply)
		return
	}
	// Steps 3 and 4.
	top := m.PrevIndex + int32(len(m.Entries))
	added := 0
	if c.Bugs.Has(BugTruncateAlways) {
		if s.LastIndex() > top {
			out.note(Note{Kind: NoteBugActs, Bug: BugTruncateAlways, Node: s.ID, Peer: m.From, Term: m.Term, Index: top + 1})
		}
		s.cut(m.PrevIndex, out)
		for _, e := range m.Entries {
			s.appendEntry(e, out)
		}
		added = len(m.Entries)
	} else {
		for k, e := range m.Entries {
			i := m.PrevIndex + 1 + int32(k)
			if i <= s.LastIndex() {
				if s.D.Log[i-1].Term == e.Term {
					continue
				}
				out.note(Note{Kind: NoteTruncate, Node: s.ID, Peer: m.From, Index: i, Entry: s.D.Log[i-1]})
				s.cut(i-1, out)
			}
			s.appendEntry(e, out)
			added++
		}
	}
	out.note(Note{Kind: NoteAccept, Node: s.ID, Peer: m.From, Term: m.Term, Index: top, N: added})
	// Step 5: never lowered.
	vouch := top
	if c.Bugs.Has(BugCommitBeyondNew) && s.LastIndex() > top {
		vouch = s.LastIndex()
		if m.Commit > top && m.Commit > s.V.CommitIndex {
			out.note(Note{Kind: NoteBugActs, Bug: BugCommitBeyondNew, Node: s.ID, Peer: m.From, Index: min(m.Commit, vouch), N: int(top)})
		}
	}
	if nc := min(m.Commit, vouch); nc > s.V.CommitIndex {
		s.V.CommitIndex = nc
		out.note(Note{Kind: NoteCommit, Node: s.ID, Peer: m.From, Index: nc})
	}
	reply.Success = true
	reply.Match = top
	out.send(reply)
}

func (s *Server) handleAppendReply(c *Config, m *Message, out *Out) {
	v := &s.V
	j := m.From
	if v.Role != RoleLeader || m.Term != s.D.Term || int(j) >= len(v.NextIndex) || m.Success && m.Match > s.LastIndex() {
		out.note(Note{Kind: NoteReplyIgnored, Node: s.ID, Peer: j, Term: m.Term})
		return
	}
	if !m.Success {
		v.NextIndex[j] = max(v.MatchIndex[j]+1, v.NextIndex[j]-1)
		out.note(Note{Kind: NoteBackOff, Node: s.ID, Peer: j, Term: m.Term, N: int(v.NextIndex[j])})
		out.send(s.makeAppend(c, j))
		return
	}
	v.MatchIndex[j] = max(v.MatchIndex[j], m.Match)
	v.NextIndex[j] = v.MatchIndex[j] + 1
	out.note(Note{Kind: NoteMatch, Node: s.ID, Peer: j, Term: m.Term, Index: v.MatchIndex[j], N: int(v.NextIndex[j])})
	s.advanceCommit(c, out)
	if (c.Batch > 0 || c.Probe) && v.NextIndex[j] <= s.LastIndex() {
		out.send(s.makeAppend(c, j))
	}
}

// advanceCommit is the commit rule (§1.8; Raft §5.3, §5.4.2): the largest
// N > commitIndex with log[N].term == currentTerm stored on a majority.
// Each index it newly covers is a god's-eye committed record.
func (s *Server) advanceCommit(c *Config, out *Out) {
	v := &s.V
	for n := s.LastIndex(); n > v.CommitIndex; n-- {
		t := s.D.Log[n-1].Term
		if t != s.D.Term && !c.Bugs.Has(BugCommitOldTerm) {
			if t < s.D.Term {
				break // terms never rise down the log
			}
			continue
		}
		count := 0
		for j := range c.Servers {
			if v.MatchIndex[j] >= n {
				count++
			}
		}
		if count < c.Quorum {
			continue
		}
		if t != s.D.Term {
			out.note(Note{Kind: NoteBugActs, Bug: BugCommitOldTerm, Node: s.ID, Term: s.D.Term, Term2: t, Index: n})
		}
		for i := v.CommitIndex + 1; i <= n; i++ {
			out.rec(Rec{Kind: RecCommit, Server: s.ID, Term: s.D.Term, Index: i, Entry: s.D.Log[i-1]})
		}
		v.CommitIndex = n
		out.note(Note{Kind: NoteCommit, Node: s.ID, Peer: s.ID, Index: n})
		return
	}
}

// apply applies entries while lastApplied < min(commitIndex, last index)
// (§1.6, §9 "Apply"); a leader answers the client of each entry it applies.
func (s *Server) apply(c *Config, out *Out) {
	v := &s.V
	top := min(v.CommitIndex, s.LastIndex())
	for v.LastApplied < top {
		v.LastApplied++
		e := s.D.Log[v.LastApplied-1]
		out.rec(Rec{Kind: RecApply, Server: s.ID, Index: v.LastApplied, Entry: e})
		out.note(Note{Kind: NoteApply, Node: s.ID, Index: v.LastApplied, Entry: e})
		if v.Role == RoleLeader && !e.IsNoop() {
			out.note(Note{Kind: NoteAnswer, Node: s.ID, Index: v.LastApplied, Entry: e})
		}
	}
}

func popcount(x uint16) int {
	n := 0
	for ; x != 0; x &= x - 1 {
		n++
	}
	return n
}
