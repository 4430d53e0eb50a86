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
	if a.Kind != ActPropose {
		return s.checkCommon(a, (*sdProto)(s))
	}
	c := s.cfg
	if int(a.Node) < 0 || int(a.Node) >= len(c.Nodes) {
		return actErr(a.Kind, "no such node")
	}
	if !c.Is(a.Node, engine.RoleProposer) {
		return actErr(a.Kind, "%s is not a proposer", c.Name(a.Node))
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
	if a.Kind == ActPropose {
		s.begin(*a)
		s.addProposed(a.Value)
		s.out.Quiet = s.Trace == nil
		s.node[a.Node].Propose(s.cfg, a.Value, &s.out)
		s.flush(a.Node)
		s.Drain()
		s.End()
	} else if err := s.applyCommon(a, (*sdProto)(s), limit); err != nil {
		return s.step - start, err
	}
	return s.step - start, nil
}

// The single-decree rules of the common forms (rules).

func (p *sdProto) nameOf(id int) string { return p.cfg.Name(engine.NodeID(id)) }

func (p *sdProto) matches(sel *Selector, m *engine.Message) bool { return sel.Match(m) }

func (p *sdProto) selText(sel *Selector) string { return sel.Format(p.cfg) }

func (p *sdProto) errText(err error) string { return err.Error() }

// timer: only a live proposer with a value and a ballot round left may
// time out; it has one timer.
func (p *sdProto) timer(id int) (int, error) {
	c := p.cfg
	nid := engine.NodeID(id)
	if !c.Is(nid, engine.RoleProposer) {
		return 0, actErr(ActTimeout, "%s is not a proposer", c.Name(nid))
	}
	n := &p.node[id]
	if !n.Up {
		return 0, actErr(ActTimeout, "%s is down", c.Name(nid))
	}
	if n.P.Own == "" {
		return 0, actErr(ActTimeout, "%s has no value to propose (use propose %s V first)", c.Name(nid), c.Name(nid))
	}
	if !n.CanStartBallot() {
		return 0, actErr(ActTimeout, "%s has used every ballot round (%d)", c.Name(nid), engine.MaxRound)
	}
	return 0, nil
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

// indexOf finds message id in the in-flight slice (kept in id order).
func (s *Sim) indexOf(id int) int {
	i := sort.Search(len(s.inflight), func(i int) bool { return s.inflight[i].ID >= id })
	if i < len(s.inflight) && s.inflight[i].ID == id {
		return i
	}
	return -1
}

// begin starts event number s.step+1 for a protocol action (propose).
func (s *Sim) begin(act Action) {
	s.Begin(act)
	s.out.Reset()
}

func (s *Sim) note(n engine.Note) { s.Note(n) }

// flush routes what node id's last step produced: timer, votes, notes,
// messages.
func (s *Sim) flush(id engine.NodeID) {
	switch s.out.Timer {
	case engine.TimerArm:
		s.timers[id] = s.now + s.cl.TimeoutTicks
		if s.cl.JitterTicks > 0 {
			s.timers[id] += s.intn(s.cl.JitterTicks + 1)
		}
	case engine.TimerBackoff:
		s.timers[id] = s.now + s.cl.TimeoutTicks + s.backoff(s.out.Abandoned)
	case engine.TimerStop:
		s.timers[id] = -1
	}
	if s.ev != nil {
		s.ev.Notes = append(s.ev.Notes, s.out.Notes...)
	}
	for _, v := range s.out.Votes {
		s.recordVote(v)
	}
	for i := range s.out.Msgs {
		s.Send(s.out.Msgs[i])
	}
	s.out.Reset()
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

// sdProto is single-decree Paxos as the world drives it (Proto): the same
// state as Sim, seen through the protocol's methods.
type sdProto Sim

var _ Proto[engine.Message, engine.Note] = (*sdProto)(nil)

func (p *sdProto) Nodes() int                                  { return len(p.node) }
func (p *sdProto) Up(id int) bool                              { return p.node[id].Up }
func (p *sdProto) Ends(m *engine.Message) (int, int)           { return int(m.From), int(m.To) }
func (p *sdProto) SetID(m *engine.Message, id int)             { m.ID = id }
func (p *sdProto) MsgID(m *engine.Message) int                 { return m.ID }
func (p *sdProto) AnyChosen() bool                             { return len(p.chosen) > 0 }
func (p *sdProto) EndStep(*World[engine.Message, engine.Note]) { (*Sim)(p).checkInvariants() }

// Deliver hands m to its receiver: the engine steps, then the world routes
// what it produced.
func (p *sdProto) Deliver(m *engine.Message, _ *World[engine.Message, engine.Note]) {
	s := (*Sim)(p)
	s.out.Quiet = s.Trace == nil
	s.node[m.To].Step(s.cfg, m, &s.out)
	s.flush(m.To)
}

// Timeout runs node id's retry timer: a new ballot when it has a value.
func (p *sdProto) Timeout(id, _ int, byClock bool, _ *World[engine.Message, engine.Note]) error {
	s := (*Sim)(p)
	nid := engine.NodeID(id)
	s.out.Quiet = s.Trace == nil
	if byClock {
		s.note(engine.Note{Kind: engine.NoteTimer, Node: nid})
	}
	n := &s.node[id]
	if byClock && n.Up && n.KnowsOutcome(s.cfg) {
		// A server that has learned stops instead of retrying.
		n.StopOnTimer(&s.out)
		s.flush(nid)
		return nil
	}
	if !n.CanRetry() {
		s.timers[id] = -1
		s.note(engine.Note{Kind: engine.NoteTimerIdle, Node: nid})
		return nil
	}
	n.Timeout(s.cfg, &s.out)
	s.flush(nid)
	return nil
}

func (p *sdProto) Crash(id int, _ *World[engine.Message, engine.Note]) error {
	s := (*Sim)(p)
	s.crashBugNotes(engine.NodeID(id))
	s.node[id].Crash(s.cfg)
	return nil
}

func (p *sdProto) Restart(id int, _ *World[engine.Message, engine.Note]) error {
	p.node[id].Restart()
	return nil
}

func (p *sdProto) WorldNote(k WorldNoteKind, node, peer, n, q int) engine.Note {
	kind := [...]engine.NoteKind{WNoteLost: engine.NoteLost, WNoteDropped: engine.NoteDropped,
		WNoteDuplicated: engine.NoteDuplicated, WNoteTick: engine.NoteTick, WNoteCrash: engine.NoteCrash,
		WNoteRestart: engine.NoteRestart, WNotePartition: engine.NotePartition, WNoteHeal: engine.NoteHeal}[k]
	return engine.Note{Kind: kind, Node: engine.NodeID(node), Peer: engine.NodeID(peer), N: n, Q: q}
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

// runOne lets the world's scheduler take one event (see World.RunOne).
func (s *Sim) runOne(dropPM, dupPM int) bool { return s.RunOne(dropPM, dupPM) }
