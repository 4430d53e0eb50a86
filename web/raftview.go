package web

import (
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
)

// A Raft session: the Multi-Paxos session's machinery (mpview.go: verbs,
// play, the event log, budgets) over a sim.RaftHistory, which has the
// same API and events. Only the view differs: raftBuildView fills
// View.Raft for static/raft.js.

// logHistory is what a Multi-Paxos or Raft session needs of its history.
type logHistory interface {
	Do(line string) ([]sim.MPEvent, error)
	Undo() error
	Redo() error
	Seek(step int) error
	Switch(tip int) error
	Script() string
	Events(from, to int) ([]sim.MPEvent, error)
	Step() int
	End() int
	Tip() int
	Enabled() bool
	Now() int
	Violations() int
	Committed() int
	Branches() []sim.Branch
	// EvalDetail says whether a lesson goal's expect line holds, and what
	// the state is (a got.* key and its arguments).
	EvalDetail(st *sim.Stmt) (ok bool, key string, args map[string]string)
}

var (
	_ logHistory = (*sim.MPHistory)(nil)
	_ logHistory = (*sim.RaftHistory)(nil)
)

// newLogHistory starts the history of a Multi-Paxos or Raft cluster line.
func newLogHistory(line string) (logHistory, error) {
	if w := strings.Fields(line); len(w) > 1 && w[0] == "cluster" && w[1] == "raft" {
		h, err := sim.NewRaftHistory(line)
		if err != nil {
			return nil, err
		}
		return h, nil
	}
	h, err := sim.NewMPHistory(line)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// isRaft reports whether s runs a Raft cluster (set at creation, never
// changed: safe to read from any goroutine).
func (s *Session) isRaft() bool {
	_, ok := s.mp.(*sim.RaftHistory)
	return ok
}

// RaftPanelView is the Raft part of a view.
type RaftPanelView = sim.RaftView

// raftBuildView renders a Raft session's view: the generic fields the
// cluster diagram and the controls read, and the panels in raft.
func (s *Session) raftBuildView(h *sim.RaftHistory) View {
	g, rv := h.View()
	v := View{
		Type: "state", Seq: s.seq, Session: s.ID, Step: h.Step(), End: h.End(), Branch: h.Tip(),
		Playing: s.playing, PlayMillis: s.playMillis, Drop: s.dropPM, Dup: s.dupPM, StopChosen: s.stopChosen,
		Enabled: h.Enabled(), Now: h.Now(), LastAct: s.lastAct, State: g, Last: []EventView{},
		Subscribers: len(s.subs), Protocol: "raft", Raft: &rv,
	}
	v.Branches = h.Branches()
	v.BranchesTotal = len(v.Branches)
	if len(v.Branches) > MaxBranchesListed {
		v.Branches = v.Branches[len(v.Branches)-MaxBranchesListed:]
	}
	v.LastOmitted = s.omitted
	for i := range s.mpLast {
		v.Last = append(v.Last, mpEventView(&s.mpLast[i]))
	}
	if s.lesson != nil { // a Raft lesson (raftlesson.go)
		v.Lesson = s.lessonView()
	}
	for _, inv := range rv.Invariants {
		iv := InvariantView{Name: inv.Name, OK: inv.OK, Step: inv.Step}
		if !inv.OK {
			iv.Args = map[string]string{"text": inv.Text}
		}
		v.Invariants = append(v.Invariants, iv)
	}
	s.setGalleryView(&v)
	return v
}

// raftFigure8C is Figure 8 of the Raft paper (raft.md §7 R6, as
// engine/sim/testdata/raft/r6-figure8.pxs) played to (c): s1 leads term 4
// and has copied B, of term 2, to s2 and s3 — a majority — yet B is not
// committed. The home page offers it as an example.
const raftFigure8C = `cluster raft servers=5 noop=0 seed=6
timeout s1
deliver requestvote
deliver vote
deliver *
deliver *
propose s1 A
deliver *
deliver *
crash s1
restart s1
timeout s1
deliver requestvote t=2
deliver vote t=2
deliver *
deliver *
propose s1 B
deliver append s1->s2
drop *
crash s1
timeout s5
deliver requestvote s5->s3
deliver requestvote s5->s4
deliver vote t=3
drop *
propose s5 C
drop *
crash s5
restart s1
timeout s1
deliver requestvote s1->s3
deliver vote s3->s1
drop *
timeout s1
deliver requestvote s1->s2
deliver requestvote s1->s3
deliver vote t=4
drop s1->s4
deliver append s1->s3
deliver appendreply s3->s1
deliver append s1->s3
deliver *
deliver *
`
