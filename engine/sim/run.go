package sim

import (
	"fmt"
	"io"
	"strings"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/i18n"
)

// Result is the outcome of running a script.
type Result struct {
	Script *Script
	// Sim is the final state of a single-decree script; MP that of a
	// Multi-Paxos one, Raft that of a Raft one (the others are nil).
	Sim  *Sim
	MP   *MPSim
	Raft *RaftSim
	// Failures are expectations that did not hold and invariants that broke
	// in a script without `expect violation`, each at file:line.
	Failures []*Error
	// Err is a script error (a command impossible in its state); the run
	// stopped there.
	Err *Error
}

// ExitCode is paxviz run's exit status: 0 all held, 1 a failure, 2 a script
// error.
func (r *Result) ExitCode() int {
	switch {
	case r.Err != nil:
		return 2
	case len(r.Failures) > 0:
		return 1
	}
	return 0
}

// Exec runs sc from a fresh cluster, writing the trace to w (nil: none).
// One loop serves every protocol; scriptRun is each protocol's part.
func Exec(sc *Script, w io.Writer) *Result {
	r := &Result{Script: sc}
	pf := func(format string, args ...any) {
		if w != nil {
			fmt.Fprintf(w, format, args...)
		}
	}
	var run scriptRun
	if sc.raft != nil {
		s := NewRaft(*sc.raft)
		r.Raft = s
		if w != nil {
			s.W.Trace = s.traceEvent(w)
		}
		run = &raftRun{s: s}
		pf("%d: %s\n", sc.ClusterLine, *sc.raft)
	} else if sc.mp != nil {
		s := NewMP(*sc.mp)
		r.MP = s
		if w != nil {
			s.W.Trace = s.traceEvent(w)
		}
		run = &mpRun{s: s}
		pf("%d: %s\n", sc.ClusterLine, *sc.mp)
	} else {
		s := New(sc.Cluster)
		r.Sim = s
		if w != nil {
			tw := &traceWriter{w: w, s: s, lang: i18n.EN}
			s.Trace = tw.event
		}
		run = &sdRun{s: s}
		pf("%d: %s\n", sc.ClusterLine, sc.Cluster)
	}
	reported := 0
	for i := range sc.Stmts {
		st := &sc.Stmts[i]
		line, text := st.Line, st.Text
		pf("%d: %s\n", line, text)
		if st.Expect != nil {
			ok, got := run.eval(st.Expect)
			if ok {
				pf("    ok\n")
			} else {
				pf("    FAIL: %s\n", got)
				r.Failures = append(r.Failures, &Error{File: sc.File, Line: line, Msg: fmt.Sprintf("%s: %s", text, got)})
			}
			continue
		}
		if err := run.apply(st); err != nil {
			r.Err = &Error{File: sc.File, Line: line, Msg: err.Error()}
			pf("    ERROR: %v\n", err)
			return r
		}
		broken := run.broken()
		for ; reported < len(broken); reported++ {
			if sc.ExpectsViolation {
				continue
			}
			v := broken[reported]
			r.Failures = append(r.Failures, &Error{File: sc.File, Line: line,
				Msg: fmt.Sprintf("invariant %s broken at step %d by %q: %s (the script has no expect violation line)",
					v.inv, v.step, text, v.text)})
		}
	}
	pf("%s", run.summary())
	return r
}

// scriptRun is one protocol's part of running a script: its statements
// come from the one parser and its common actions go through the one
// interpreter (World.applyCommon).
type scriptRun interface {
	eval(e *Expect) (bool, string)
	apply(st *Stmt) error
	// broken lists the invariants broken so far, in order.
	broken() []brokenInv
	summary() string
}

type brokenInv struct {
	inv  string
	step int
	text string
}

// sdRun runs a single-decree script.
type sdRun struct{ s *Sim }

func (r *sdRun) eval(e *Expect) (bool, string) { return r.s.Eval(e) }
func (r *sdRun) summary() string               { return r.s.Summary() }
func (r *sdRun) apply(st *Stmt) error {
	_, err := r.s.Apply(st.Action)
	return err
}

func (r *sdRun) broken() []brokenInv {
	var out []brokenInv
	for i := range r.s.violations {
		v := &r.s.violations[i]
		out = append(out, brokenInv{v.Invariant, v.Step, ViolationText(i18n.EN, r.s.cfg, v)})
	}
	return out
}

type traceWriter struct {
	w    io.Writer
	s    *Sim
	lang i18n.Lang
}

func (t *traceWriter) printf(format string, args ...any) { fmt.Fprintf(t.w, format, args...) }

// event writes one event: its atomic command (with the message it concerns
// as a comment), the notes, and the messages it sent.
func (t *traceWriter) event(ev *Event) {
	c := t.s.cfg
	line := fmt.Sprintf("  step %d  %s", ev.Step, ev.Act.Format(c))
	if ev.Msg.ID > 0 {
		m := ev.Msg
		m.ID = 0
		line += "  # " + c.Describe(&m)
	}
	t.printf("%s\n", line)
	pad := "          "
	for i := range ev.Notes {
		n := &ev.Notes[i]
		text := NoteText(t.lang, c, n)
		if n.Kind == engine.NoteViolation {
			for j := range t.s.violations {
				if t.s.violations[j].Invariant == string(n.V) {
					text = "SAFETY VIOLATED: " + ViolationText(t.lang, c, &t.s.violations[j])
				}
			}
		}
		t.printf("%s%s\n", pad, text)
	}
	for i := range ev.Removed {
		t.printf("%sx %s (cut by the partition)\n", pad, c.Describe(&ev.Removed[i]))
	}
	for i := range ev.Sent {
		sent := &ev.Sent[i]
		suffix := ""
		switch sent.Fate {
		case FateLocal:
			suffix = " (to itself: handled at once)"
		case FateBlocked:
			suffix = " (lost: partition)"
		case FateLost:
			suffix = " (lost: network full)"
		}
		t.printf("%s-> %s%s\n", pad, c.Describe(&sent.Msg), suffix)
	}
}

// Summary renders the state in English: nodes, messages in flight, chosen
// values and invariants.
func (s *Sim) Summary() string {
	var sb strings.Builder
	c := s.cfg
	fmt.Fprintf(&sb, "final state: step %d, time %d\n", s.step, s.now)
	for i := range s.node {
		fmt.Fprintf(&sb, "  %s\n", s.DescribeNode(engine.NodeID(i)))
	}
	if s.Partitioned() {
		fmt.Fprintf(&sb, "  partition: %s\n", s.describeGroups())
	}
	fmt.Fprintf(&sb, "  in flight: %d\n", len(s.inflight))
	for i := range s.inflight {
		fmt.Fprintf(&sb, "    %s\n", c.Describe(&s.inflight[i]))
	}
	if len(s.chosen) == 0 {
		sb.WriteString("  chosen: none\n")
	}
	for _, ch := range s.chosen {
		fmt.Fprintf(&sb, "  chosen: %s at %s by %s (step %d)\n", ch.Value, ch.Ballot, s.maskNames(ch.Acceptors), ch.Step)
	}
	if len(s.violations) == 0 {
		sb.WriteString("  invariants: all hold\n")
	}
	for i := range s.violations {
		fmt.Fprintf(&sb, "  VIOLATED: %s\n", ViolationText(i18n.EN, c, &s.violations[i]))
	}
	return sb.String()
}

func (s *Sim) maskNames(mask uint64) string {
	var names []string
	for i := range s.cfg.Nodes {
		if mask&(1<<uint(i)) != 0 {
			names = append(names, s.cfg.Name(engine.NodeID(i)))
		}
	}
	return strings.Join(names, ",")
}

func (s *Sim) describeGroups() string {
	return describeGroupsOf(s.group, func(id int) string { return s.cfg.Name(engine.NodeID(id)) })
}

// describeGroupsOf renders partition groups: "p1 a1 | a2 a3".
func describeGroupsOf(group []int8, name func(int) string) string {
	maxG := int8(0)
	for _, g := range group {
		maxG = max(maxG, g)
	}
	var gs []string
	for g := int8(0); g <= maxG; g++ {
		var names []string
		for i, x := range group {
			if x == g {
				names = append(names, name(i))
			}
		}
		if len(names) > 0 {
			gs = append(gs, strings.Join(names, " "))
		}
	}
	return strings.Join(gs, " | ")
}
