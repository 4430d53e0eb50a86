package lessons

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
)

// Comparison steps (issue 13): a step whose text holds a ```compare block
// runs one fault schedule on Multi-Paxos and on Raft side by side (the
// schedule language of the /compare page, docs/script.md), and the player
// shows the two panes, their shared timeline and the counters. In such a
// step the other blocks are about the comparison:
//
//   - ```goal holds comparison expectations (`expect raft.leaderless > 0`),
//     checked on the schedule the learner runs (the step's own, edited);
//   - ```solution holds a whole schedule that reaches the goal;
//   - ```reveal holds comparison expectations the linter checks on the
//     step's schedule (a prediction is revealed by showing the run);
//   - there is no ```actions block: the step does not touch the lesson's
//     cluster, and the canonical path goes through it unchanged.

// blockCompare is the info word of a comparison block.
const blockCompare = "compare"

// MaxCompareUntil bounds a lesson's schedules (`run until=T`) to what the
// browser runs (web/compare.go).
const MaxCompareUntil = 1000

// CompareStep is a step's comparison.
type CompareStep struct {
	// Line is the line of the ```compare fence; Text the schedule as
	// written (comments and all), Schedule its parsed form.
	Line     int
	Text     string
	Schedule *sim.CompareSchedule
	// Expects are the goal's lines (ExpectsLine the ```goal fence), when
	// the step has a goal; Solution is the canonical schedule reaching it.
	Expects      []CompareExpect
	ExpectsLine  int
	Solution     string
	SolutionLine int
	// Reveal are the prediction's assertions on the step's schedule.
	Reveal     []CompareExpect
	RevealLine int
}

// CompareExpect is one line `expect A OP B`: A a counter of one protocol
// (PROTO.COUNTER), B a number or another counter.
type CompareExpect struct {
	Line int
	// Text is the line, normalized (single spaces, no comment).
	Text string
	A, B CompareOperand
	Op   string
}

// CompareOperand is PROTO.COUNTER, or a number (Proto "").
type CompareOperand struct {
	Proto, Counter string
	N              int
}

// compareProtos are the sides an expectation may name; both is only for
// leaderless: the ticks where neither protocol has a leader.
var compareProtos = []string{"multipaxos", "raft", "both"}

// CompareCounters are the counters an expectation may name.
var CompareCounters = []string{"commands", "committed", "elections", "won", "failed", "leaderless",
	"moved", "repaired", "restamped", "overwritten", "messages", "latency_max", "violations"}

var compareOps = []string{"=", "!=", "<", "<=", ">", ">="}

func parseOperand(w string) (CompareOperand, error) {
	if n, err := strconv.Atoi(w); err == nil {
		if n < 0 {
			return CompareOperand{}, fmt.Errorf("%d: counters are never negative", n)
		}
		return CompareOperand{N: n}, nil
	}
	p, c, ok := strings.Cut(w, ".")
	if !ok || !slices.Contains(compareProtos, p) || !slices.Contains(CompareCounters, c) {
		return CompareOperand{}, fmt.Errorf("%q is not a number or PROTOCOL.COUNTER (protocols: multipaxos, raft, both; counters: %s)", w, strings.Join(CompareCounters, ", "))
	}
	if p == "both" && c != "leaderless" {
		return CompareOperand{}, fmt.Errorf("%q: both.COUNTER is only both.leaderless (the ticks where neither protocol has a leader)", w)
	}
	return CompareOperand{Proto: p, Counter: c}, nil
}

// ParseCompareExpect reads one comparison expectation.
func ParseCompareExpect(line string) (CompareExpect, error) {
	w := strings.Fields(sim.StripComment(line))
	usage := fmt.Errorf("want `expect PROTOCOL.COUNTER OP N` or `expect PROTOCOL.COUNTER OP PROTOCOL.COUNTER` (OP one of %s), e.g. `expect raft.leaderless > 0`", strings.Join(compareOps, " "))
	if len(w) != 4 || w[0] != "expect" || !slices.Contains(compareOps, w[2]) {
		return CompareExpect{}, usage
	}
	a, err := parseOperand(w[1])
	if err != nil {
		return CompareExpect{}, err
	}
	if a.Proto == "" {
		return CompareExpect{}, fmt.Errorf("%q: the left side names a counter (PROTOCOL.COUNTER)", w[1])
	}
	b, err := parseOperand(w[3])
	if err != nil {
		return CompareExpect{}, err
	}
	return CompareExpect{Text: strings.Join(w, " "), A: a, B: b, Op: w[2]}, nil
}

// String writes the operand as in the script.
func (o CompareOperand) String() string {
	if o.Proto == "" {
		return strconv.Itoa(o.N)
	}
	return o.Proto + "." + o.Counter
}

// Value is the operand's value in c.
func (o CompareOperand) Value(c *sim.Comparison) int {
	if o.Proto == "" {
		return o.N
	}
	if o.Proto == "both" {
		return BothLeaderless(c)
	}
	side := &c.MP
	if o.Proto == "raft" {
		side = &c.Raft
	}
	m := &side.Metrics
	switch o.Counter {
	case "commands":
		return m.Commands
	case "committed":
		return m.Committed
	case "elections":
		return m.Elections
	case "won":
		return m.Won
	case "failed":
		return m.Failed
	case "leaderless":
		return m.LeaderlessTicks
	case "moved":
		return m.MovedInVotes
	case "repaired":
		return m.Repaired
	case "restamped":
		return m.Restamped
	case "overwritten":
		return m.Overwritten
	case "messages":
		return m.Messages
	case "latency_max":
		return m.LatencyMax
	case "violations":
		return side.Violations
	}
	return 0
}

// Eval reports whether e holds in c, and says the values otherwise
// ("raft.leaderless is 0").
func (e *CompareExpect) Eval(c *sim.Comparison) (bool, string) {
	if c == nil {
		return false, "no comparison has run"
	}
	a, b := e.A.Value(c), e.B.Value(c)
	var ok bool
	switch e.Op {
	case "=":
		ok = a == b
	case "!=":
		ok = a != b
	case "<":
		ok = a < b
	case "<=":
		ok = a <= b
	case ">":
		ok = a > b
	case ">=":
		ok = a >= b
	}
	got := fmt.Sprintf("%s is %d", e.A, a)
	if e.B.Proto != "" {
		got += fmt.Sprintf(", %s is %d", e.B, b)
	}
	return ok, got
}

// BothLeaderless counts the ticks 0..until-1 where neither pane shows a
// leader: in both protocols' frames at that tick no server leads (what a
// learner scrubbing the shared timeline sees). It needs the frames.
func BothLeaderless(c *sim.Comparison) int {
	leads := func(f *sim.CompareFrame) bool {
		for i := range f.Servers {
			if f.Servers[i].Leader {
				return true
			}
		}
		return false
	}
	n, i, j := 0, 0, 0
	a, b := c.MP.Frames, c.Raft.Frames
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	for t := 0; t < c.Until; t++ {
		for i+1 < len(a) && a[i+1].Tick <= t {
			i++
		}
		for j+1 < len(b) && b[j+1].Tick <= t {
			j++
		}
		if !leads(&a[i]) && !leads(&b[j]) {
			n++
		}
	}
	return n
}

// ParseLessonCompare reads a schedule as a lesson holds it: the /compare
// page's language, with `run until=T` at most MaxCompareUntil. The error
// names the schedule's line (from 1).
func ParseLessonCompare(text string) (*sim.CompareSchedule, error) {
	sc, err := sim.ParseCompare(text)
	if err != nil {
		return nil, err
	}
	if sc.Until > MaxCompareUntil {
		return nil, fmt.Errorf("run until=%d: a lesson's schedule runs at most %d ticks (the browser's limit)", sc.Until, MaxCompareUntil)
	}
	return sc, nil
}

// schedule parses a fenced schedule, reporting errors at the file's line.
func (p *parser) schedule(f *fence) (*sim.CompareSchedule, string) {
	text := strings.Join(f.lines, "\n")
	sc, err := ParseLessonCompare(text)
	if err != nil {
		ln := f.line
		msg := err.Error()
		if rest, ok := strings.CutPrefix(msg, "line "); ok {
			if num, tail, ok := strings.Cut(rest, ": "); ok {
				if k, e := strconv.Atoi(num); e == nil && k >= 1 && k <= len(f.nums) {
					ln, msg = f.nums[k-1], tail
				}
			}
		}
		p.errorf(ln, "```%s block: %s", f.kind, msg)
		return nil, text
	}
	return sc, text
}

// compareExpects parses the expectation lines of a fenced block.
func (p *parser) compareExpects(f *fence) []CompareExpect {
	var out []CompareExpect
	for i, raw := range f.lines {
		if sim.StripComment(raw) == "" {
			continue
		}
		e, err := ParseCompareExpect(raw)
		if err != nil {
			p.errorf(f.nums[i], "in a comparison step, ```%s holds comparison expectations: %v", f.kind, err)
			continue
		}
		e.Line = f.nums[i]
		out = append(out, e)
	}
	return out
}

// compareFence takes a fenced block of a comparison step (or the
// ```compare block itself): it reports misplaced blocks and stores the
// parsed parts in the step. It returns false when the block is not the
// comparison's (a step without a ```compare block).
func (p *parser) compareFence(f *fence) bool {
	b := p.b
	if f.kind != blockCompare && b.block[blockCompare] == 0 {
		return false
	}
	if first, dup := b.block[f.kind]; dup {
		p.errorf(f.line, "a step has at most one ```%s block; the first is at line %d", f.kind, first)
		return true
	}
	b.block[f.kind] = f.line
	empty := true
	for _, l := range f.lines {
		if sim.StripComment(l) != "" {
			empty = false
		}
	}
	if empty {
		p.errorf(f.line, "the ```%s block is empty", f.kind)
		return true
	}
	st := b.st
	switch f.kind {
	case blockCompare:
		if b.sec != secText {
			p.errorf(f.line, "the ```compare block belongs in the step's text, before its ### sections (the player shows the comparison beside it)")
			return true
		}
		if al := b.block[blockActions]; al != 0 {
			p.errorf(f.line, "a step with a ```compare block runs no ```actions on the lesson's cluster (line %d): put them in a step of their own", al)
		}
		sc, text := p.schedule(f)
		st.Compare = &CompareStep{Line: f.line, Text: text, Schedule: sc}
	case blockActions:
		p.errorf(f.line, "a step with a ```compare block runs no ```actions on the lesson's cluster: put them in a step of their own")
	case blockGoal:
		if b.sec != secGoal {
			p.errorf(f.line, "the ```goal block belongs under ### Goal")
			return true
		}
		if st.Compare != nil {
			st.Compare.Expects, st.Compare.ExpectsLine = p.compareExpects(f), f.line
		}
	case blockSolution:
		if b.sec != secGoal && b.sec != secHint {
			p.errorf(f.line, "the ```solution block belongs under ### Goal (or its ### Hint)")
			return true
		}
		sc, text := p.schedule(f)
		if st.Compare != nil && sc != nil {
			st.Compare.Solution, st.Compare.SolutionLine = text, f.line
		}
	case blockReveal:
		switch {
		case b.sec != secQuestion && b.sec != secExplanation:
			p.errorf(f.line, "the ```reveal block belongs under ### Predict (or its ### Explanation)")
		case b.kind != Predict:
			p.errorf(f.line, "a ```reveal block belongs to a ### Predict; a ### Question has none")
		case st.Compare != nil:
			st.Compare.Reveal, st.Compare.RevealLine = p.compareExpects(f), f.line
		}
	}
	return true
}

// runLessonCompare runs a lesson's schedule with the frames (the joint
// leaderless count needs them).
func runLessonCompare(sc *sim.CompareSchedule) (*sim.Comparison, error) {
	return sim.RunCompare(sc, true)
}

// verifyCompare checks a comparison step: its schedule runs and breaks no
// invariant, its reveal's assertions hold on it, its goal does not hold on
// it, and the solution's schedule reaches the goal.
func verifyCompare(d *diagList, k int, st *Step) {
	cs := st.Compare
	if cs.Schedule == nil {
		return
	}
	where := fmt.Sprintf("step %d %q", k+1, st.Title)
	c, err := runLessonCompare(cs.Schedule)
	if err != nil {
		d.errorf(cs.Line, "the comparison of %s does not run: %v", where, err)
		return
	}
	if c.MP.Violations+c.Raft.Violations > 0 {
		d.errorf(cs.Line, "the comparison of %s breaks an invariant (Multi-Paxos %d, Raft %d violations)", where, c.MP.Violations, c.Raft.Violations)
	}
	for i := range cs.Reveal {
		if ok, got := cs.Reveal[i].Eval(c); !ok {
			d.errorf(cs.Reveal[i].Line, "%s does not hold on the comparison of %s: %s", cs.Reveal[i].Text, where, got)
		}
	}
	if st.Goal == nil || len(cs.Expects) == 0 {
		return
	}
	if compareMet(cs.Expects, c) {
		d.errorf(cs.ExpectsLine, "the goal already holds on the step's own schedule (line %d): the learner would have nothing to do", cs.Line)
	}
	if cs.Solution == "" {
		return
	}
	ssc, err := ParseLessonCompare(cs.Solution)
	if err != nil {
		return // reported by the parser
	}
	sol, err := runLessonCompare(ssc)
	if err != nil {
		d.errorf(cs.SolutionLine, "the solution's schedule does not run: %v", err)
		return
	}
	if sol.MP.Violations+sol.Raft.Violations > 0 {
		d.errorf(cs.SolutionLine, "the solution's schedule breaks an invariant (Multi-Paxos %d, Raft %d violations)", sol.MP.Violations, sol.Raft.Violations)
	}
	for i := range cs.Expects {
		if ok, got := cs.Expects[i].Eval(sol); !ok {
			d.errorf(cs.Expects[i].Line, "the solution (line %d) does not reach the goal: %s fails: %s", cs.SolutionLine, cs.Expects[i].Text, got)
		}
	}
}

// compareMet reports whether every expectation holds in c.
func compareMet(es []CompareExpect, c *sim.Comparison) bool {
	for i := range es {
		if ok, _ := es[i].Eval(c); !ok {
			return false
		}
	}
	return len(es) > 0
}

// scheduleWords normalizes a schedule for comparing translations: its
// commands without comments or extra spaces.
func scheduleWords(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if w := strings.Fields(sim.StripComment(l)); len(w) > 0 {
			out = append(out, strings.Join(w, " "))
		}
	}
	return out
}

func expectTexts(es []CompareExpect) []string {
	out := make([]string, len(es))
	for i := range es {
		out[i] = es[i].Text
	}
	return out
}

// compareCompareSteps checks that a translation's comparison step says
// the same as the reference's.
func compareCompareSteps(d *diagList, k int, at func(int) string, rs, ts *Step) {
	rc, tc := rs.Compare, ts.Compare
	switch {
	case rc == nil && tc == nil:
		return
	case rc == nil:
		d.errorf(tc.Line, "step %d has a ```compare block, but the step in %s has none", k+1, at(rs.Line))
		return
	case tc == nil:
		d.errorf(ts.Line, "step %d has no ```compare block, but the step in %s has one", k+1, at(rc.Line))
		return
	}
	same := func(what string, r, t []string, rline, tline int) {
		if !slices.Equal(r, t) {
			d.errorf(max(tline, ts.Line), "step %d: the ```%s block differs from the one in %s (every script block must be identical in every language)", k+1, what, at(max(rline, rs.Line)))
		}
	}
	same(blockCompare, scheduleWords(rc.Text), scheduleWords(tc.Text), rc.Line, tc.Line)
	same(blockGoal, expectTexts(rc.Expects), expectTexts(tc.Expects), rc.ExpectsLine, tc.ExpectsLine)
	same(blockSolution, scheduleWords(rc.Solution), scheduleWords(tc.Solution), rc.SolutionLine, tc.SolutionLine)
	same(blockReveal, expectTexts(rc.Reveal), expectTexts(tc.Reveal), rc.RevealLine, tc.RevealLine)
}

// CompareGoalMet reports whether a comparison step's goal holds on c, and
// the status of each line.
func (st *Step) CompareGoalMet(c *sim.Comparison) (bool, []GoalCheck) {
	if st.Compare == nil || st.Goal == nil || len(st.Compare.Expects) == 0 {
		return false, nil
	}
	all := true
	var checks []GoalCheck
	for i := range st.Compare.Expects {
		e := &st.Compare.Expects[i]
		ok, got := e.Eval(c)
		all = all && ok
		checks = append(checks, GoalCheck{Line: e.Line, Text: e.Text, OK: ok, Got: got})
	}
	return all, checks
}
