package lessons

import (
	"fmt"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
)

// The canonical path. Steps are numbered from 0 in this API (the player
// shows k+1).
//
// Entering step k puts the cluster in the state reached by replaying, from
// the cluster line, for every step j < k: its actions, its solution and its
// reveal; then step k's actions. That is Entry(k). End(k) adds step k's own
// solution and reveal: it is the state a goal step reaches when the learner
// asks to be shown the solution, and the state a Predict step shows once
// revealed. Entry(k+1) is End(k) plus step k+1's actions.

// stepPath returns the actions of step st's whole canonical path: actions,
// solution, reveal.
func (st *Step) stepPath() []sim.Action {
	out := Actions(st.Actions)
	if st.Goal != nil {
		out = append(out, Actions(st.Goal.Solution)...)
	}
	if st.Question != nil {
		out = append(out, Actions(st.Question.Reveal)...)
	}
	return out
}

// stepStmts returns the action statements of step st's whole canonical
// path, for a lesson of any protocol.
func (st *Step) stepStmts() []sim.Stmt {
	out := ActionStmts(st.Actions)
	if st.Goal != nil {
		out = append(out, ActionStmts(st.Goal.Solution)...)
	}
	if st.Question != nil {
		out = append(out, ActionStmts(st.Question.Reveal)...)
	}
	return out
}

// EntryStmts is EntryActions for a lesson of any protocol: the action
// statements that lead to step k's entry state (feed them to a
// sim.Machine, or their Text to a protocol's history).
func (l *Lesson) EntryStmts(k int) []sim.Stmt {
	var out []sim.Stmt
	for j := l.base(k); j < k && j < len(l.Steps); j++ {
		out = append(out, l.Steps[j].stepStmts()...)
	}
	if k >= 0 && k < len(l.Steps) {
		out = append(out, ActionStmts(l.Steps[k].Actions)...)
	}
	return out
}

// EndStmts is EndActions for a lesson of any protocol.
func (l *Lesson) EndStmts(k int) []sim.Stmt {
	var out []sim.Stmt
	for j := l.base(k); j <= k && j < len(l.Steps); j++ {
		out = append(out, l.Steps[j].stepStmts()...)
	}
	return out
}

// EntryMachine is Entry for a lesson of any protocol.
func (l *Lesson) EntryMachine(k int) (*sim.Machine, error) {
	if k < 0 || k >= len(l.Steps) {
		return nil, fmt.Errorf("lessons: %s has no step %d (steps 0..%d)", l.ID, k, len(l.Steps)-1)
	}
	return l.replayMachine(k, l.EntryStmts(k))
}

// EndMachine is End for a lesson of any protocol.
func (l *Lesson) EndMachine(k int) (*sim.Machine, error) {
	if k < 0 || k >= len(l.Steps) {
		return nil, fmt.Errorf("lessons: %s has no step %d (steps 0..%d)", l.ID, k, len(l.Steps)-1)
	}
	return l.replayMachine(k, l.EndStmts(k))
}

func (l *Lesson) replayMachine(k int, stmts []sim.Stmt) (*sim.Machine, error) {
	m := sim.NewMachine(l.ClusterAt(k))
	for i := range stmts {
		if _, err := m.Apply(&stmts[i]); err != nil {
			return nil, fmt.Errorf("lessons: %s: replaying %q: %v", l.File, stmts[i].Text, err)
		}
	}
	return m, nil
}

// singleDecree refuses the single-decree API for a lesson of another
// protocol.
func (l *Lesson) singleDecree() error {
	if l.Protocol != sim.ProtoPaxos {
		return fmt.Errorf("lessons: %s runs a %s cluster: use EntryMachine, EndMachine and EntryStmts", l.ID, l.Protocol)
	}
	return nil
}

// EntryActions returns the actions that lead from the cluster's initial
// state to step k's entry state. Feed them, in order, to a fresh
// sim.History (Do) or sim.Sim (Apply).
func (l *Lesson) EntryActions(k int) []sim.Action {
	var out []sim.Action
	for j := 0; j < k && j < len(l.Steps); j++ {
		out = append(out, l.Steps[j].stepPath()...)
	}
	if k >= 0 && k < len(l.Steps) {
		out = append(out, Actions(l.Steps[k].Actions)...)
	}
	return out
}

// EndActions returns the actions that lead to the end of step k on the
// canonical path: EntryActions(k), then step k's solution and reveal.
func (l *Lesson) EndActions(k int) []sim.Action {
	var out []sim.Action
	for j := 0; j <= k && j < len(l.Steps); j++ {
		out = append(out, l.Steps[j].stepPath()...)
	}
	return out
}

// Entry returns a fresh simulation in step k's entry state: what "enter
// step k" and "reset this step" show. Single-decree lessons only (see
// EntryMachine).
func (l *Lesson) Entry(k int) (*sim.Sim, error) {
	if err := l.singleDecree(); err != nil {
		return nil, err
	}
	if k < 0 || k >= len(l.Steps) {
		return nil, fmt.Errorf("lessons: %s has no step %d (steps 0..%d)", l.ID, k, len(l.Steps)-1)
	}
	return l.replay(l.EntryActions(k))
}

// End returns a fresh simulation at the end of step k on the canonical
// path: the goal reached by the solution, or the prediction revealed.
// Single-decree lessons only (see EndMachine).
func (l *Lesson) End(k int) (*sim.Sim, error) {
	if err := l.singleDecree(); err != nil {
		return nil, err
	}
	if k < 0 || k >= len(l.Steps) {
		return nil, fmt.Errorf("lessons: %s has no step %d (steps 0..%d)", l.ID, k, len(l.Steps)-1)
	}
	return l.replay(l.EndActions(k))
}

// EntryHistory returns a new session history (the branching record the web
// session keeps) whose current branch is the canonical path to step k's
// entry, positioned at its end. Single-decree lessons only.
func (l *Lesson) EntryHistory(k int) (*sim.History, error) {
	if err := l.singleDecree(); err != nil {
		return nil, err
	}
	if k < 0 || k >= len(l.Steps) {
		return nil, fmt.Errorf("lessons: %s has no step %d (steps 0..%d)", l.ID, k, len(l.Steps)-1)
	}
	h := sim.NewHistory(l.Cluster)
	for _, a := range l.EntryActions(k) {
		if _, err := h.Do(&a, nil); err != nil {
			return nil, fmt.Errorf("lessons: %s: replaying %q: %v", l.File, a.Format(h.Config()), err)
		}
	}
	return h, nil
}

func (l *Lesson) replay(acts []sim.Action) (*sim.Sim, error) {
	s := sim.New(l.Cluster)
	for i := range acts {
		if _, err := s.Apply(&acts[i]); err != nil {
			return nil, fmt.Errorf("lessons: %s: replaying %q: %v", l.File, acts[i].Format(s.Config()), err)
		}
	}
	return s, nil
}

// GoalCheck is the status of one expect line of a goal.
type GoalCheck struct {
	Line int
	// Text is the expect line ("expect chosen X").
	Text string
	OK   bool
	// Got says what the state is instead (English, from sim.Eval), e.g.
	// "chosen is none".
	Got string
}

// GoalMet reports whether the step's goal holds in s (every expect line of
// it), and the status of each line. A step without a goal is never met.
func (st *Step) GoalMet(s *sim.Sim) (bool, []GoalCheck) {
	return st.GoalMetIn(sim.WrapSim(s))
}

// GoalMetIn is GoalMet for a simulation of any protocol.
func (st *Step) GoalMetIn(s *sim.Machine) (bool, []GoalCheck) {
	if st.Goal == nil || len(st.Goal.Expects) == 0 {
		return false, nil
	}
	all := true
	checks := make([]GoalCheck, 0, len(st.Goal.Expects))
	for i := range st.Goal.Expects {
		e := &st.Goal.Expects[i]
		ok, got := s.Eval(e)
		all = all && ok
		checks = append(checks, GoalCheck{Line: e.Line, Text: e.Text, OK: ok, Got: got})
	}
	return all, checks
}

// EntryScript renders step k's entry state as a script: the cluster line
// and EntryActions(k). paxviz run replays it; the sandbox can start from it.
func (l *Lesson) EntryScript(k int) string {
	var sb strings.Builder
	sb.WriteString(l.ClusterLineAt(k))
	sb.WriteByte('\n')
	if l.Protocol != sim.ProtoPaxos {
		for _, st := range l.EntryStmts(k) {
			sb.WriteString(st.Text)
			sb.WriteByte('\n')
		}
		return sb.String()
	}
	cfg := l.Cluster.EngineConfig()
	for _, a := range l.EntryActions(k) {
		sb.WriteString(a.Format(cfg))
		sb.WriteByte('\n')
	}
	return sb.String()
}

// PathScript renders the whole canonical path as one script, with every
// assertion and each goal as expect lines, and a comment per step:
// `paxviz lesson script FILE | paxviz run -` shows its trace. From a step
// that starts afresh on another cluster (freshstep.go) the lines are
// comments: one run has one cluster line, and `paxviz lesson script FILE
// STEP` gives that step's entry.
func (l *Lesson) PathScript() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s (%s): the canonical path of %s\n", l.ID, l.Lang, l.File)
	sb.WriteString(l.ClusterLine)
	sb.WriteByte('\n')
	quoted := "" // "# " once the path has moved to another cluster
	block := func(what string, stmts []sim.Stmt) {
		if len(stmts) == 0 {
			return
		}
		fmt.Fprintf(&sb, "# %s\n", what)
		for _, st := range stmts {
			fmt.Fprintf(&sb, "%s%-40s # line %d\n", quoted, st.Text, st.Line)
		}
	}
	// breaks lists the declared breaks; before a fresh step, those the
	// first run (steps up to last) shows, the others as comments.
	breaks := func(last int) {
		if len(l.Breaks) == 0 {
			return
		}
		sb.WriteString("\n# breaks (the lesson breaks these invariants on purpose)\n")
		var end *sim.Machine
		if last >= 0 {
			end, _ = l.EndMachine(last)
		}
		for _, name := range l.Breaks {
			if end != nil && !end.Violated(name) {
				fmt.Fprintf(&sb, "# expect violation %s (in a later run)\n", name)
				continue
			}
			fmt.Fprintf(&sb, "expect violation %s\n", name)
		}
	}
	for k := range l.Steps {
		st := &l.Steps[k]
		if k > 0 && st.ClusterLine != "" && quoted == "" {
			breaks(k - 1)
			fmt.Fprintf(&sb, "\n%s\n# (paxviz lesson script %s %d | paxviz run - runs it)\n", freshNote(k, st), l.File, k+1)
			quoted = "# "
		}
		fmt.Fprintf(&sb, "\n# step %d: %s (line %d)\n", k+1, oneLine(st.Title), st.Line)
		if k > 0 && st.ClusterLine != "" && quoted != "" {
			fmt.Fprintf(&sb, "# %s\n", st.ClusterLine)
		}
		block("actions", st.Actions)
		if c := st.Compare; c != nil {
			fmt.Fprintf(&sb, "# a side-by-side comparison (the ```compare block at line %d; paxviz compare runs it)\n", c.Line)
		}
		if g := st.Goal; g != nil {
			block("solution", g.Solution)
			block("goal", g.Expects)
		}
		if q := st.Question; q != nil {
			block("reveal", q.Reveal)
		}
	}
	if quoted == "" {
		breaks(-1)
	}
	return sb.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
