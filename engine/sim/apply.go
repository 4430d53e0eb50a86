package sim

import (
	"errors"
	"fmt"
	"math/bits"
	"sort"

	"github.com/paxviz/paxviz/engine"
)

// ErrAction marks an action that cannot be applied to the current state
// (a crashed proposer, no matching message, ...). The state is unchanged.
var ErrAction = errors.New("sim: impossible action")

// ActionError says why an action cannot be applied.
type ActionError struct {
	Kind Kind
	Msg  string
}

func (e *ActionError) Error() string { return e.Kind.String() + ": " + e.Msg }

// Unwrap makes errors.Is(err, ErrAction) hold.
func (e *ActionError) Unwrap() error { return ErrAction }

func actErr(k Kind, format string, args ...any) error {
	return &ActionError{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Check reports whether a can be applied to s now, without changing s.
func (s *Sim) Check(a *Action) error {
	c := s.cfg
	nodeOK := func(role engine.Role, what string) error {
		if int(a.Node) < 0 || int(a.Node) >= len(c.Nodes) {
			return actErr(a.Kind, "no such node")
		}
		if role != 0 && !c.Is(a.Node, role) {
			return actErr(a.Kind, "%s is not %s", c.Name(a.Node), what)
		}
		return nil
	}
	switch a.Kind {
	case ActPropose:
		if err := nodeOK(engine.RoleProposer, "a proposer"); err != nil {
			return err
		}
		if !s.node[a.Node].Up {
			return actErr(a.Kind, "%s is down (restart it first)", c.Name(a.Node))
		}
		if !s.node[a.Node].CanStartBallot() {
			return actErr(a.Kind, "%s has used every ballot round (%d)", c.Name(a.Node), engine.MaxRound)
		}
		if !ValidValue(string(a.Value)) {
			return actErr(a.Kind, "bad value %q", a.Value)
		}
	case ActTimeout:
		if err := nodeOK(engine.RoleProposer, "a proposer"); err != nil {
			return err
		}
		n := &s.node[a.Node]
		if !n.Up {
			return actErr(a.Kind, "%s is down", c.Name(a.Node))
		}
		if n.P.Own == "" {
			return actErr(a.Kind, "%s has no value to propose (use propose %s V first)", c.Name(a.Node), c.Name(a.Node))
		}
		if !n.CanStartBallot() {
			return actErr(a.Kind, "%s has used every ballot round (%d)", c.Name(a.Node), engine.MaxRound)
		}
	case ActCrash:
		if err := nodeOK(0, ""); err != nil {
			return err
		}
		if !s.node[a.Node].Up {
			return actErr(a.Kind, "%s is already down", c.Name(a.Node))
		}
	case ActRestart:
		if err := nodeOK(0, ""); err != nil {
			return err
		}
		if s.node[a.Node].Up {
			return actErr(a.Kind, "%s is up (crash it first)", c.Name(a.Node))
		}
	case ActDeliver, ActDrop, ActDup:
		n := s.countMatches(&a.Sel)
		if n == 0 {
			return actErr(a.Kind, "no in-flight message matches %q", a.Sel.Format(c))
		}
		if a.Kind == ActDup && len(s.inflight)+n > MaxInFlight {
			return actErr(a.Kind, "the network would hold more than %d messages", MaxInFlight)
		}
	case ActTick:
		if a.N < 1 || a.N > MaxTick {
			return actErr(a.Kind, "ticks must be 1..%d, not %d", MaxTick, a.N)
		}
	case ActRun:
		if a.N < 1 || a.N > MaxRun {
			return actErr(a.Kind, "max must be 1..%d, not %d", MaxRun, a.N)
		}
		if a.DropPerMille < 0 || a.DupPerMille < 0 || a.DropPerMille+a.DupPerMille > 1000 {
			return actErr(a.Kind, "drop and dup rates must be 0..1 and add up to at most 1")
		}
	case ActPartition:
		if _, err := s.groupsOf(a.Groups); err != nil {
			return err
		}
	case ActHeal:
	default:
		return actErr(a.Kind, "unknown action")
	}
	return nil
}

// Apply checks a and performs it, returning the number of events it took.
func (s *Sim) Apply(a *Action) (int, error) { return s.ApplyN(a, -1) }

// ApplyN is Apply that stops after limit events when limit >= 0 (used to
// seek into the middle of a many-event action).
func (s *Sim) ApplyN(a *Action, limit int) (int, error) {
	if err := s.Check(a); err != nil {
		return 0, err
	}
	if limit == 0 {
		return 0, nil
	}
	start := s.step
	switch a.Kind {
	case ActPropose:
		s.begin(*a)
		s.addProposed(a.Value)
		s.node[a.Node].Propose(s.cfg, a.Value, &s.out)
		s.flush(a.Node)
		s.drain()
		s.end()
	case ActTimeout:
		s.begin(*a)
		s.fire(a.Node, false)
		s.end()
	case ActCrash:
		s.begin(*a)
		s.crashBugNotes(a.Node)
		s.node[a.Node].Crash(s.cfg)
		s.deadline[a.Node] = -1
		s.note(engine.Note{Kind: engine.NoteCrash, Node: a.Node})
		s.end()
	case ActRestart:
		s.begin(*a)
		s.node[a.Node].Restart()
		s.note(engine.Note{Kind: engine.NoteRestart, Node: a.Node})
		s.end()
	case ActTick:
		s.begin(*a)
		s.tick(a.N)
		s.end()
	case ActHeal:
		s.begin(*a)
		for i := range s.group {
			s.group[i] = 0
		}
		s.note(engine.Note{Kind: engine.NoteHeal})
		s.end()
	case ActPartition:
		g, _ := s.groupsOf(a.Groups)
		s.begin(*a)
		s.partition(g)
		s.end()
	case ActDeliver, ActDrop, ActDup:
		for _, id := range s.matches(&a.Sel) {
			if limit >= 0 && s.step-start >= limit {
				break
			}
			i := s.indexOf(id)
			if i < 0 {
				continue
			}
			switch a.Kind {
			case ActDeliver:
				s.deliver(i)
			case ActDrop:
				s.drop(i)
			case ActDup:
				s.dup(i)
			}
		}
	case ActRun:
		for n := 0; n < a.N; n++ {
			if limit >= 0 && s.step-start >= limit {
				break
			}
			if a.Until == UntilChosen && len(s.chosen) > 0 || a.Until == UntilQuiet && len(s.inflight) == 0 {
				break
			}
			if !s.runOne(a.DropPerMille, a.DupPerMille) {
				break
			}
		}
	}
	return s.step - start, nil
}

// Matches returns the ids of the in-flight messages sel matches, oldest
// first.
func (s *Sim) Matches(sel *Selector) []int { return s.matches(sel) }

func (s *Sim) matches(sel *Selector) []int {
	var ids []int
	for i := range s.inflight {
		if sel.Match(&s.inflight[i]) {
			ids = append(ids, s.inflight[i].ID)
		}
	}
	return ids
}

func (s *Sim) countMatches(sel *Selector) int {
	n := 0
	for i := range s.inflight {
		if sel.Match(&s.inflight[i]) {
			n++
		}
	}
	return n
}

// indexOf finds message id in the in-flight slice (kept in id order).
func (s *Sim) indexOf(id int) int {
	i := sort.Search(len(s.inflight), func(i int) bool { return s.inflight[i].ID >= id })
	if i < len(s.inflight) && s.inflight[i].ID == id {
		return i
	}
	return -1
}

func (s *Sim) remove(i int) engine.Message {
	m := s.inflight[i]
	copy(s.inflight[i:], s.inflight[i+1:])
	s.inflight = s.inflight[:len(s.inflight)-1]
	return m
}

// begin starts event number s.step+1.
func (s *Sim) begin(act Action) {
	s.step++
	s.out.Reset()
	s.out.Quiet = s.Trace == nil
	if s.Trace != nil {
		s.ev = &Event{Step: s.step, Act: act}
	}
}

// end checks the invariants and hands the event to Trace.
func (s *Sim) end() {
	s.checkInvariants()
	if s.ev != nil {
		ev := s.ev
		s.ev = nil
		s.Trace(ev)
	}
	if s.OnStep != nil {
		s.OnStep()
	}
}

func (s *Sim) note(n engine.Note) {
	if s.ev != nil {
		s.ev.Notes = append(s.ev.Notes, n)
	}
}

// flush routes what node id's last step produced: timer, votes, notes,
// messages.
func (s *Sim) flush(id engine.NodeID) {
	switch s.out.Timer {
	case engine.TimerArm:
		s.deadline[id] = s.now + s.cl.TimeoutTicks
		if s.cl.JitterTicks > 0 {
			s.deadline[id] += s.intn(s.cl.JitterTicks + 1)
		}
	case engine.TimerBackoff:
		s.deadline[id] = s.now + s.cl.TimeoutTicks + s.backoff(s.out.Abandoned)
	case engine.TimerStop:
		s.deadline[id] = -1
	}
	if s.ev != nil {
		s.ev.Notes = append(s.ev.Notes, s.out.Notes...)
	}
	for _, v := range s.out.Votes {
		s.recordVote(v)
	}
	for i := range s.out.Msgs {
		s.send(s.out.Msgs[i])
	}
	s.out.Reset()
}

// send gives m its id and puts it in flight, or handles it at once (a
// server to itself), or loses it (partition, full network).
func (s *Sim) send(m engine.Message) {
	m.ID = s.nextID
	s.nextID++
	fate := FateInFlight
	switch {
	case s.group[m.From] != s.group[m.To]:
		fate = FateBlocked
	case m.From == m.To:
		fate = FateLocal
		s.work = append(s.work, m)
	case len(s.inflight) >= MaxInFlight:
		fate = FateLost
	default:
		s.inflight = append(s.inflight, m)
	}
	if s.ev != nil {
		s.ev.Sent = append(s.ev.Sent, Sent{Msg: m, Fate: fate})
	}
}

// drain handles servers' messages to themselves, in send order.
func (s *Sim) drain() {
	for len(s.work) > 0 {
		m := s.work[0]
		s.work = s.work[1:]
		if s.node[m.To].Up {
			s.node[m.To].Step(s.cfg, &m, &s.out)
			s.flush(m.To)
		}
	}
	s.work = s.work[:0]
}

func (s *Sim) deliver(i int) {
	m := s.remove(i)
	s.begin(Action{Kind: ActDeliver, Sel: Selector{ID: m.ID}})
	if s.ev != nil {
		s.ev.Msg = m
	}
	if !s.node[m.To].Up {
		s.note(engine.Note{Kind: engine.NoteLost, Node: m.To, Peer: m.From, N: m.ID})
	} else {
		s.node[m.To].Step(s.cfg, &m, &s.out)
		s.flush(m.To)
		s.drain()
	}
	s.end()
}

func (s *Sim) drop(i int) {
	m := s.remove(i)
	s.begin(Action{Kind: ActDrop, Sel: Selector{ID: m.ID}})
	if s.ev != nil {
		s.ev.Msg = m
	}
	s.note(engine.Note{Kind: engine.NoteDropped, Node: m.From, Peer: m.To, N: m.ID})
	s.end()
}

func (s *Sim) dup(i int) {
	m := s.inflight[i]
	s.begin(Action{Kind: ActDup, Sel: Selector{ID: m.ID}})
	if s.ev != nil {
		s.ev.Msg = m
	}
	c := m
	c.ID = s.nextID
	s.nextID++
	s.inflight = append(s.inflight, c)
	s.note(engine.Note{Kind: engine.NoteDuplicated, Node: m.From, Peer: m.To, N: c.ID, Q: m.ID})
	if s.ev != nil {
		s.ev.Sent = append(s.ev.Sent, Sent{Msg: c, Fate: FateInFlight})
	}
	s.end()
}

// backoff draws the random part of a proposer's back-off after its k-th
// ballot abandoned in a row: uniform in 0..J·2^(k−1) ticks, J the cluster's
// jitter (none when J is 0), capped at MaxTimeoutTicks.
func (s *Sim) backoff(k int) int {
	j := s.cl.JitterTicks
	if j <= 0 {
		return 0
	}
	span := min(j<<max(k-1, 0), MaxTimeoutTicks)
	return s.intn(span + 1)
}

// fire runs node id's retry timer: a new ballot when it has a value.
func (s *Sim) fire(id engine.NodeID, byClock bool) {
	if byClock {
		s.note(engine.Note{Kind: engine.NoteTimer, Node: id})
	}
	n := &s.node[id]
	if byClock && n.Up && n.KnowsOutcome(s.cfg) {
		// A server that has learned stops instead of retrying.
		n.StopOnTimer(&s.out)
		s.flush(id)
		return
	}
	if !n.CanRetry() {
		s.deadline[id] = -1
		s.note(engine.Note{Kind: engine.NoteTimerIdle, Node: id})
		return
	}
	n.Timeout(s.cfg, &s.out)
	s.flush(id)
	s.drain()
}

// tick advances time by n ticks, firing timers as their deadlines pass.
func (s *Sim) tick(n int) {
	target := s.now + n
	s.note(engine.Note{Kind: engine.NoteTick, N: n, Q: target})
	for {
		id, d := s.nextDeadline()
		if id < 0 || d > target {
			break
		}
		s.now = d
		s.fire(id, true)
	}
	s.now = target
}

// nextDeadline returns the node whose timer expires first (lowest id on a
// tie), or -1.
func (s *Sim) nextDeadline() (engine.NodeID, int) {
	best, bd := engine.NodeID(-1), 0
	for i, d := range s.deadline {
		if d >= 0 && (best < 0 || d < bd) {
			best, bd = engine.NodeID(i), d
		}
	}
	return best, bd
}

// runOne lets the scheduler take one event: deliver (or, at the given
// rates, drop or duplicate) a uniformly chosen in-flight message, or let
// one tick pass. With nothing in flight, time jumps to the next deadline.
func (s *Sim) runOne(dropPM, dupPM int) bool {
	k := len(s.inflight)
	armed := s.TimersArmed()
	if k == 0 {
		if !armed {
			return false
		}
		_, d := s.nextDeadline()
		n := max(d-s.now, 1)
		s.begin(Action{Kind: ActTick, N: n})
		s.tick(n)
		s.end()
		return true
	}
	c := k
	if armed {
		c++
	}
	i := s.intn(c)
	if i == k {
		s.begin(Action{Kind: ActTick, N: 1})
		s.tick(1)
		s.end()
		return true
	}
	if dropPM+dupPM > 0 {
		r := s.intn(1000)
		switch {
		case r < dropPM:
			s.drop(i)
			return true
		case r < dropPM+dupPM && k < MaxInFlight:
			s.dup(i)
			return true
		}
	}
	s.deliver(i)
	return true
}

// intn returns a uniform int in [0, n) from the simulation's PCG stream
// (Lemire's multiply-shift with rejection; written out so that traces do
// not depend on the standard library's choice of algorithm).
func (s *Sim) intn(n int) int {
	un := uint64(n)
	for {
		hi, lo := bits.Mul64(s.rng.Uint64(), un)
		if lo < un {
			thresh := -un % un
			if lo < thresh {
				continue
			}
		}
		return int(hi)
	}
}

// groupsOf turns partition groups into a group number per node.
func (s *Sim) groupsOf(groups [][]engine.NodeID) ([]int8, error) {
	return groupsFor(groups, len(s.cfg.Nodes), func(id int) string { return s.cfg.Name(engine.NodeID(id)) })
}

// groupsFor turns partition groups into a group number per node, for a
// cluster of n nodes named by name (any protocol).
func groupsFor(groups [][]engine.NodeID, n int, name func(int) string) ([]int8, error) {
	g := make([]int8, n)
	for i := range g {
		g[i] = -1
	}
	star := -1
	for gi, grp := range groups {
		if len(grp) == 0 {
			return nil, actErr(ActPartition, "group %d is empty", gi+1)
		}
		for _, id := range grp {
			if id == Any {
				if star >= 0 {
					return nil, actErr(ActPartition, "* appears in more than one group")
				}
				star = gi
				continue
			}
			if int(id) < 0 || int(id) >= n {
				return nil, actErr(ActPartition, "no such node")
			}
			if g[id] >= 0 {
				return nil, actErr(ActPartition, "%s is in more than one group", name(int(id)))
			}
			g[id] = int8(gi)
		}
	}
	next := int8(len(groups))
	for i := range g {
		if g[i] >= 0 {
			continue
		}
		if star >= 0 {
			g[i] = int8(star)
		} else {
			g[i] = next // a node named nowhere is alone
			next++
		}
	}
	return g, nil
}

// nodeID converts a world node index to the Action's node type.
func nodeID(i int) engine.NodeID { return engine.NodeID(i) }

func (s *Sim) partition(g []int8) {
	copy(s.group, g)
	cut := 0
	kept := s.inflight[:0]
	for _, m := range s.inflight {
		if s.group[m.From] != s.group[m.To] {
			cut++
			if s.ev != nil {
				s.ev.Removed = append(s.ev.Removed, m)
			}
			continue
		}
		kept = append(kept, m)
	}
	s.inflight = kept
	s.note(engine.Note{Kind: engine.NotePartition, N: cut})
}

func (s *Sim) addProposed(v engine.Value) {
	for _, p := range s.proposed {
		if p == v {
			return
		}
	}
	s.proposed = append(s.proposed, v)
}

// Proposed returns every value a client has proposed.
func (s *Sim) Proposed() []engine.Value { return s.proposed }

// recordVote appends v to the god's-eye history and notices when a value
// becomes chosen (Reference: Paxos Made Simple §2.1; TLA+ Voting.ChosenAt).
func (s *Sim) recordVote(v engine.Vote) {
	s.votes++
	ti := -1
	for i := len(s.tallies) - 1; i >= 0; i-- {
		if s.tallies[i].Ballot == v.Ballot && s.tallies[i].Value == v.Value {
			ti = i
			break
		}
	}
	if ti < 0 {
		// With ballot_reuse a ballot can be issued again after its tally
		// went dead, so no tally may ever be forgotten.
		if len(s.tallies) >= max(maxTallies, s.pruneAt) && !s.cfg.Bugs.Has(engine.BugBallotReuse) {
			s.pruneTallies()
			s.pruneAt = 2 * len(s.tallies)
		}
		s.tallies = append(s.tallies, Tally{Ballot: v.Ballot, Value: v.Value})
		ti = len(s.tallies) - 1
	}
	t := &s.tallies[ti]
	bit := uint64(1) << uint(v.Acceptor)
	if t.Mask&bit != 0 {
		return
	}
	t.Mask |= bit
	if bits.OnesCount64(t.Mask) != s.cfg.Quorum || s.IsChosen(v.Value) {
		return
	}
	s.chosen = append(s.chosen, Chosen{Value: v.Value, Ballot: v.Ballot, Step: s.step, Acceptors: t.Mask})
	s.note(engine.Note{Kind: engine.NoteChosen, B: v.Ballot, V: v.Value, N: s.cfg.Quorum})
	if !s.wasProposed(v.Value) {
		s.violate(Violation{Invariant: InvValidity, Node: -1, Values: []engine.Value{v.Value}, Ballots: []engine.Ballot{v.Ballot}})
	}
	if len(s.chosen) > 1 {
		a, b := s.chosen[0], s.chosen[len(s.chosen)-1]
		s.violate(Violation{Invariant: InvAgreement, Node: -1,
			Values: []engine.Value{a.Value, b.Value}, Ballots: []engine.Ballot{a.Ballot, b.Ballot}})
	}
}

func (s *Sim) wasProposed(v engine.Value) bool {
	for _, p := range s.proposed {
		if p == v {
			return true
		}
	}
	return false
}

// checkInvariants runs after every event: acceptors' promises never
// decrease, learners learn only chosen values. (Agreement and validity are
// checked as each vote is recorded.)
func (s *Sim) checkInvariants() {
	for _, a := range s.cfg.Acceptors {
		p := s.node[a].A.Promised
		if p.Less(s.maxPromised[a]) {
			s.violate(Violation{Invariant: InvPromiseMonotonic, Node: a, Ballots: []engine.Ballot{s.maxPromised[a], p}})
		}
		if s.maxPromised[a].Less(p) {
			s.maxPromised[a] = p
		}
	}
	for _, l := range s.cfg.Learners {
		n := &s.node[l]
		if n.L.Learned != "" && !s.IsChosen(n.L.Learned) {
			s.violate(Violation{Invariant: InvLearnedChosen, Node: l, Values: []engine.Value{n.L.Learned}, Ballots: []engine.Ballot{n.L.LearnedBallot}})
		}
	}
}

func (s *Sim) violate(v Violation) {
	idx := -1
	for i, name := range Invariants {
		if name == v.Invariant {
			idx = i
		}
	}
	if s.violated&(1<<uint(idx)) != 0 {
		return
	}
	s.violated |= 1 << uint(idx)
	v.Step = s.step
	s.violations = append(s.violations, v)
	s.note(engine.Note{Kind: engine.NoteViolation, V: engine.Value(v.Invariant), Node: v.Node})
}

// Violated reports whether invariant name has broken (any when name is "").
func (s *Sim) Violated(name string) bool {
	if name == "" {
		return s.violated != 0
	}
	for _, v := range s.violations {
		if v.Invariant == name {
			return true
		}
	}
	return false
}

// crashBugNotes narrates the durability bugs at the moment they lose state.
func (s *Sim) crashBugNotes(id engine.NodeID) {
	if !s.cfg.Is(id, engine.RoleAcceptor) {
		return
	}
	a := s.node[id].A
	switch {
	case s.cfg.Bugs.Has(engine.BugVolatileAcceptor):
		if !a.Promised.IsZero() {
			s.note(engine.Note{Kind: engine.NoteBugActs, Bug: engine.BugVolatileAcceptor, Node: id, B: a.Promised, B2: a.VoteBallot, V: a.VoteValue})
		}
	case s.cfg.Bugs.Has(engine.BugPromiseNotDurable):
		if a.VoteBallot.Less(a.Promised) {
			s.note(engine.Note{Kind: engine.NoteBugActs, Bug: engine.BugPromiseNotDurable, Node: id, B: a.Promised, B2: a.VoteBallot})
		}
	}
}

// maxTallies is how many (ballot, value) tallies the god's-eye history
// keeps before it forgets dead ones.
const maxTallies = 64

// pruneTallies forgets tallies that no longer matter: those that can never
// gain a vote (no accept of their ballot is in flight and no proposer is
// still collecting promises for it — sound because a ballot is issued once:
// its proposer's round is durable; not so with ballot_reuse, which never
// prunes) and those that reached a quorum for a value already recorded as
// chosen at another ballot. What is chosen, and
// every invariant, is unaffected: the first quorum of each chosen value
// stays, and so does every tally that could still reach a quorum.
func (s *Sim) pruneTallies() {
	live := func(b engine.Ballot) bool {
		for i := range s.inflight {
			if m := &s.inflight[i]; m.Type == engine.MsgAccept && m.Ballot == b {
				return true
			}
		}
		for _, p := range s.cfg.Proposers {
			if n := &s.node[p]; n.P.Phase == engine.PhasePreparing && n.P.Ballot == b {
				return true
			}
		}
		return false
	}
	kept := s.tallies[:0]
	for _, t := range s.tallies {
		first := false
		for _, c := range s.chosen {
			first = first || c.Ballot == t.Ballot && c.Value == t.Value
		}
		if first || bits.OnesCount64(t.Mask) < s.cfg.Quorum && live(t.Ballot) {
			kept = append(kept, t)
		}
	}
	clear(s.tallies[len(kept):])
	s.tallies = kept
}
