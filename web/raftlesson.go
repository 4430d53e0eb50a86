package web

import (
	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/lessons"
)

// raftLessonHost plays Raft lessons on a sim.RaftHistory beside the Raft
// view (static/raft.js). Entering a step and running statements are the
// Multi-Paxos host's (both histories take script lines and give the same
// events; newLogHistory picks the protocol from the cluster line); goals
// are judged and said in words by the Raft simulation (engine/sim/
// raftwords.go, i18n/raftlessons.go).
type raftLessonHost struct{}

func (raftLessonHost) enter(s *Session, l *lessons.Lesson, k int) (int, error) {
	return mpLessonHost{}.enter(s, l, k)
}

func (raftLessonHost) run(s *Session, stmts []sim.Stmt) error {
	return mpLessonHost{}.run(s, stmts)
}

func (raftLessonHost) check(s *Session, e *sim.Stmt) LessonCheckView {
	c := LessonCheckView{Text: e.Text}
	c.OK, c.Key, c.Args = s.mp.EvalDetail(e)
	if h, ok := s.mp.(*sim.RaftHistory); ok {
		c.Want, c.WantArgs = h.Want(e)
	}
	return c
}
