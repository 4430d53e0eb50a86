package sim

import (
	"github.com/paxviz/paxviz/engine"
)

// NodeState is one node in the JSON state.
type NodeState struct {
	Name     string         `json:"name"`
	Role     string         `json:"role"`
	Up       bool           `json:"up"`
	Group    int            `json:"group"`
	Timer    int            `json:"timer"` // deadline in ticks, -1 when stopped
	Proposer *ProposerState `json:"proposer,omitempty"`
	Acceptor *AcceptorState `json:"acceptor,omitempty"`
	Learner  *LearnerState  `json:"learner,omitempty"`
}

// ProposerState is a proposer's state in JSON.
type ProposerState struct {
	Phase       string   `json:"phase"`
	Ballot      string   `json:"ballot"`
	Own         string   `json:"own"`
	Proposed    string   `json:"proposed"`
	AdoptedFrom string   `json:"adopted_from"`
	Promises    []string `json:"promises"` // acceptors counted, in order
	Count       int      `json:"count"`
	Quorum      int      `json:"quorum"`
	RoundUsed   int      `json:"round_used"`
}

// AcceptorState is an acceptor's state in JSON.
type AcceptorState struct {
	Promised       string `json:"promised"`
	AcceptedBallot string `json:"accepted_ballot"`
	AcceptedValue  string `json:"accepted_value"`
}

// LearnerState is a learner's state in JSON.
type LearnerState struct {
	Learned       string      `json:"learned"`
	LearnedBallot string      `json:"learned_ballot"`
	Heard         []HeardJSON `json:"heard"`
}

// HeardJSON is one Accepted a learner recorded.
type HeardJSON struct {
	From   string `json:"from"`
	Ballot string `json:"ballot"`
	Value  string `json:"value"`
}

// MessageJSON is one message in JSON.
type MessageJSON struct {
	ID         int    `json:"id"`
	Type       string `json:"type"`
	From       string `json:"from"`
	To         string `json:"to"`
	Ballot     string `json:"ballot"`
	Value      string `json:"value,omitempty"`
	VoteBallot string `json:"vote_ballot,omitempty"`
	VoteValue  string `json:"vote_value,omitempty"`
	Promised   string `json:"promised,omitempty"`
	Text       string `json:"text"`
}

// ChosenJSON is one chosen value in JSON.
type ChosenJSON struct {
	Value     string   `json:"value"`
	Ballot    string   `json:"ballot"`
	Step      int      `json:"step"`
	Acceptors []string `json:"acceptors"`
}

// ViolationJSON is one broken invariant in JSON.
type ViolationJSON struct {
	Invariant string            `json:"invariant"`
	Step      int               `json:"step"`
	Args      map[string]string `json:"args"`
	Text      string            `json:"text"`
}

// StateJSON is a whole simulation state, as paxviz run --json prints it and
// as the web view embeds it.
type StateJSON struct {
	Cluster         string          `json:"cluster"`
	Step            int             `json:"step"`
	Time            int             `json:"time"`
	Quorum          int             `json:"quorum"`
	Bugs            []string        `json:"bugs"`
	Chosen          []string        `json:"chosen"`
	ChosenDetail    []ChosenJSON    `json:"chosen_detail"`
	Violations      []string        `json:"violations"`
	ViolationDetail []ViolationJSON `json:"violation_detail"`
	Nodes           []NodeState     `json:"nodes"`
	InFlight        []MessageJSON   `json:"inflight"`
	Partitioned     bool            `json:"partitioned"`
	Proposed        []string        `json:"proposed"`
}

// MessageState renders m for JSON.
func (s *Sim) MessageState(m *engine.Message) MessageJSON {
	c := s.cfg
	j := MessageJSON{ID: m.ID, Type: m.Type.String(), From: c.Name(m.From), To: c.Name(m.To), Ballot: m.Ballot.String(), Value: string(m.Value)}
	switch m.Type {
	case engine.MsgPromise:
		if !m.VoteBallot.IsZero() {
			j.VoteBallot, j.VoteValue = m.VoteBallot.String(), string(m.VoteValue)
		}
	case engine.MsgNack:
		j.Promised = m.Promised.String()
	}
	mm := *m
	mm.ID = 0
	j.Text = c.Describe(&mm)
	return j
}

// State renders the whole state for JSON.
func (s *Sim) State() StateJSON {
	c := s.cfg
	st := StateJSON{
		Cluster: s.cl.String(), Step: s.step, Time: s.now, Quorum: c.Quorum,
		Bugs: []string{}, Chosen: []string{}, ChosenDetail: []ChosenJSON{},
		Violations: []string{}, ViolationDetail: []ViolationJSON{},
		InFlight: []MessageJSON{}, Partitioned: s.Partitioned(), Proposed: []string{},
	}
	for _, b := range c.Bugs.List() {
		st.Bugs = append(st.Bugs, b.String())
	}
	for _, v := range s.proposed {
		st.Proposed = append(st.Proposed, string(v))
	}
	for _, ch := range s.chosen {
		st.Chosen = append(st.Chosen, string(ch.Value))
		cj := ChosenJSON{Value: string(ch.Value), Ballot: ch.Ballot.String(), Step: ch.Step, Acceptors: []string{}}
		for i := range c.Nodes {
			if ch.Acceptors&(1<<uint(i)) != 0 {
				cj.Acceptors = append(cj.Acceptors, c.Name(engine.NodeID(i)))
			}
		}
		st.ChosenDetail = append(st.ChosenDetail, cj)
	}
	for i := range s.violations {
		v := &s.violations[i]
		st.Violations = append(st.Violations, v.Invariant)
		st.ViolationDetail = append(st.ViolationDetail, ViolationJSON{Invariant: v.Invariant, Step: v.Step, Args: ViolationArgs(c, v), Text: ViolationText("en", c, v)})
	}
	for i := range s.node {
		st.Nodes = append(st.Nodes, s.NodeState(i))
	}
	for i := range s.inflight {
		st.InFlight = append(st.InFlight, s.MessageState(&s.inflight[i]))
	}
	return st
}

// NodeState renders node i's state for JSON (one of State's Nodes).
func (s *Sim) NodeState(i int) NodeState {
	c := s.cfg
	n := &s.node[i]
	info := c.Nodes[i]
	ns := NodeState{Name: info.Name, Role: info.Roles.String(), Up: n.Up, Group: int(s.group[i]), Timer: s.timers[i]}
	if info.Roles.Has(engine.RoleProposer) {
		p := &n.P
		ps := &ProposerState{Phase: p.Phase.String(), Own: string(p.Own), Proposed: string(p.Proposed),
			Count: p.Count, Quorum: c.Quorum, RoundUsed: int(p.RoundUsed), Promises: []string{}}
		if !p.Ballot.IsZero() {
			ps.Ballot = p.Ballot.String()
		}
		if !p.AdoptedFrom.IsZero() {
			ps.AdoptedFrom = p.AdoptedFrom.String()
		}
		for _, pr := range p.Promises {
			ps.Promises = append(ps.Promises, c.Name(pr.From))
		}
		ns.Proposer = ps
	}
	if info.Roles.Has(engine.RoleAcceptor) {
		a := &n.A
		as := &AcceptorState{}
		if !a.Promised.IsZero() {
			as.Promised = a.Promised.String()
		}
		if !a.VoteBallot.IsZero() {
			as.AcceptedBallot, as.AcceptedValue = a.VoteBallot.String(), string(a.VoteValue)
		}
		ns.Acceptor = as
	}
	if info.Roles.Has(engine.RoleLearner) {
		l := &n.L
		ls := &LearnerState{Learned: string(l.Learned), Heard: []HeardJSON{}}
		if !l.LearnedBallot.IsZero() {
			ls.LearnedBallot = l.LearnedBallot.String()
		}
		for _, h := range l.Heard {
			ls.Heard = append(ls.Heard, HeardJSON{From: c.Name(h.From), Ballot: h.Ballot.String(), Value: string(h.Value)})
		}
		ns.Learner = ls
	}
	return ns
}
