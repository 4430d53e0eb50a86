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
	// Multi-Paxos one (the other is nil).
	Sim *Sim
	MP  *MPSim
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
func Exec(sc *Script, w io.Writer) *Result {
	if sc.mp != nil {
		return execMP(sc, w)
	}
	s := New(sc.Cluster)
	r := &Result{Script: sc, Sim: s}
	var tw *traceWriter
	if w != nil {
		tw = &traceWriter{w: w, s: s, lang: i18n.EN}
		s.Trace = tw.event
		tw.printf("%d: %s\n", sc.ClusterLine, sc.Cluster)
	}
	reported := 0
	for i := range sc.Stmts {
		st := &sc.Stmts[i]
		if tw != nil {
			tw.printf("%d: %s\n", st.Line, st.Text)
		}
		if st.Expect != nil {
			ok, got := s.Eval(st.Expect)
			if tw != nil {
				if ok {
					tw.printf("    ok\n")
				} else {
					tw.printf("    FAIL: %s\n", got)
				}
			}
			if !ok {
				r.Failures = append(r.Failures, &Error{File: sc.File, Line: st.Line, Msg: fmt.Sprintf("%s: %s", st.Text, got)})
			}
			continue
		}
		if _, err := s.Apply(st.Action); err != nil {
			r.Err = &Error{File: sc.File, Line: st.Line, Msg: err.Error()}
			if tw != nil {
				tw.printf("    ERROR: %v\n", err)
			}
			return r
		}
		for ; reported < len(s.violations); reported++ {
			if sc.ExpectsViolation {
				continue
			}
			v := &s.violations[reported]
			r.Failures = append(r.Failures, &Error{File: sc.File, Line: st.Line,
				Msg: fmt.Sprintf("invariant %s broken at step %d by %q: %s (the script has no expect violation line)",
					v.Invariant, v.Step, st.Text, ViolationText(i18n.EN, s.cfg, v))})
		}
	}
	if tw != nil {
		tw.final()
	}
	return r
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

func (t *traceWriter) final() {
	t.printf("%s", t.s.Summary())
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
