package lessons

import (
	"strings"
	"testing"
	"testing/fstest"
)

// cmpLesson is a small lesson with a comparison step: a prediction
// revealed by the comparison, then a goal the learner reaches by editing
// the schedule.
const cmpLesson = `---
title: Side by side
summary: One schedule, two protocols.
objectives:
- Read the counters of a comparison.
cluster: raft servers=3
---

## Crash

The leader crashes.

` + "```compare" + `
compare servers=3 seed=7
at 0 put x 1
at 40 put y 2
at 80 crash leader
at 82 put z 3
at 140 restart crashed
run until=200
` + "```" + `

### Predict

Does z wait?

- [x] Yes, in both.
- [ ] No.

` + "```reveal" + `
expect both.leaderless > 0
expect raft.committed = 3
` + "```" + `

### Explanation

Neither commits without a leader.

## Partition

Cut the leader off instead.

` + "```compare" + `
compare servers=3 seed=7
at 0 put x 1
at 80 crash leader
at 82 put z 3
at 140 restart crashed
run until=200
` + "```" + `

### Goal

Make Raft overwrite an entry.

` + "```goal" + `
expect raft.overwritten > 0
expect multipaxos.moved > raft.moved
` + "```" + `

` + "```solution" + `
compare servers=3 seed=7
at 0 put x 1
at 40 put y 2
at 80 partition leader | *
at 82 put z 3
at 140 heal
run until=200
` + "```" + `
`

// cmpLineOf returns the 1-based line of the first line of src containing s.
func cmpLineOf(t *testing.T, src, s string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in the source", s)
	return 0
}

func errorsOf(ds Diagnostics) []*Diagnostic {
	var out []*Diagnostic
	for _, d := range ds {
		if d.Severity == SevError {
			out = append(out, d)
		}
	}
	return out
}

func TestCompareStepClean(t *testing.T) {
	ds := checkOne(t, "10-cmp.en.md", cmpLesson)
	if errs := errorsOf(ds); len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	l, _ := Parse("10-cmp.en.md", []byte(cmpLesson))
	c := l.Steps[0].Compare
	if c == nil || c.Schedule == nil || c.Schedule.Until != 200 || len(c.Reveal) != 2 {
		t.Fatalf("step 1's comparison: %+v", c)
	}
	g := l.Steps[1].Compare
	if g == nil || len(g.Expects) != 2 || !strings.Contains(g.Solution, "partition leader") {
		t.Fatalf("step 2's comparison: %+v", g)
	}
	// The comparison steps add nothing to the cluster's canonical path.
	if n := len(l.EntryStmts(1)); n != 0 {
		t.Errorf("entry of step 2 has %d statements", n)
	}
}

// Every problem of a comparison step is reported at its file:line.
func TestCompareStepErrors(t *testing.T) {
	for _, c := range []struct {
		name, old, new, at, want string
	}{
		{"bad action", "at 82 put z 3\nat 140 restart crashed\nrun until=200\n```\n\n### Predict", "at 82 fly z 3\nat 140 restart crashed\nrun until=200\n```\n\n### Predict", "fly z 3", `unknown action "fly"`},
		{"decreasing ticks", "at 40 put y 2\nat 80 crash", "at 90 put y 2\nat 80 crash", "at 80 crash leader", "ticks must not decrease"},
		{"too long for the browser", "at 140 restart crashed\nrun until=200\n```\n\n### Predict", "at 140 restart crashed\nrun until=1500\n```\n\n### Predict", "```compare", "at most 1000 ticks"},
		{"no run", "at 140 restart crashed\nrun until=200\n```\n\n### Predict", "at 140 restart crashed\n```\n\n### Predict", "```compare", "run until=T"},
		{"bad counter", "expect both.leaderless > 0", "expect raft.bogus > 0", "raft.bogus", `"raft.bogus" is not a number or PROTOCOL.COUNTER`},
		{"both only leaderless", "expect both.leaderless > 0", "expect both.committed > 0", "both.committed", "only both.leaderless"},
		{"bad operator", "expect raft.committed = 3", "expect raft.committed ~ 3", "raft.committed ~", "want `expect PROTOCOL.COUNTER OP N`"},
		{"reveal fails", "expect raft.committed = 3", "expect raft.committed = 2", "raft.committed = 2", "does not hold on the comparison"},
		{"goal holds on entry", "at 0 put x 1\nat 80 crash leader\nat 82 put z 3\nat 140 restart crashed", "at 0 put x 1\nat 40 put y 2\nat 80 partition leader | *\nat 82 put z 3\nat 140 heal", "```goal", "the goal already holds"},
		{"solution misses", "at 80 partition leader | *\nat 82 put z 3\nat 140 heal", "at 80 crash leader\nat 82 put z 3\nat 140 restart crashed", "expect raft.overwritten > 0", "does not reach the goal"},
		{"bad solution", "at 80 partition leader | *", "at 80 partition s9 | *", "partition s9", "not s1..s3"},
		{"actions in a comparison step", "Cut the leader off instead.\n", "Cut the leader off instead.\n\n```actions\ntimeout s1\n```\n", "```compare\ncompare servers=3 seed=7\nat 0 put x 1\nat 80", "runs no ```actions"},
		{"two compare blocks", "### Goal\n", "```compare\ncompare servers=3\nrun until=5\n```\n\n### Goal\n", "", "at most one ```compare"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := edit(t, cmpLesson, c.old, c.new)
			ds := errorsOf(checkOne(t, "10-cmp.en.md", src))
			var line int
			switch {
			case c.at == "":
				line = -1
			case strings.Contains(c.at, "\n"):
				// the fence of the block that follows the text
				idx := strings.Index(src, c.at)
				line = strings.Count(src[:idx], "\n") + 1
			default:
				line = cmpLineOf(t, src, c.at)
			}
			for _, d := range ds {
				if strings.Contains(d.Msg, c.want) && (line < 0 || d.Line == line) {
					return
				}
			}
			t.Errorf("want %q at line %d; got %v", c.want, line, ds)
		})
	}
}

// A translation must carry the same schedules and expectations.
func TestCompareStepTranslation(t *testing.T) {
	zh := edit(t, cmpLesson, "at 40 put y 2\nat 80 crash leader", "at 40 put y 3\nat 80 crash leader")
	fsys := fstest.MapFS{"10-cmp.en.md": {Data: []byte(cmpLesson)}, "10-cmp.zh.md": {Data: []byte(zh)}}
	ds := errorsOf(Check(fsys))
	found := false
	for _, d := range ds {
		if strings.HasSuffix(d.File, "zh.md") && strings.Contains(d.Msg, "the ```compare block differs") {
			found = true
		}
	}
	if !found {
		t.Errorf("a different schedule in the translation: %v", ds)
	}
	// Comments may differ.
	zh = edit(t, cmpLesson, "at 40 put y 2\nat 80 crash leader", "at 40 put y 2 # y\nat 80 crash leader")
	fsys = fstest.MapFS{"10-cmp.en.md": {Data: []byte(cmpLesson)}, "10-cmp.zh.md": {Data: []byte(zh)}}
	if ds := errorsOf(Check(fsys)); len(ds) > 0 {
		t.Errorf("a comment in the translation: %v", ds)
	}
}
