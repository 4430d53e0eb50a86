package lessons

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
)

// good is a small valid lesson; the cases below break it one way each.
const good = `---
title: A small lesson
summary: Deliver, predict, answer.
cluster: proposers=1 acceptors=3
minutes: 3
sources: Paxos Made Simple §2.2
objectives:
- Deliver prepares and predict what a proposer does.
---

## Prepare

p1 sends prepare to every acceptor.

` + "```actions" + `
propose p1 X
expect inflight 3 prepare
` + "```" + `

### Goal

Deliver the prepares.

` + "```goal" + `
expect promised a1 1.1
expect promised a2 1.1
` + "```" + `

### Hint

Try deliver prepare p1->*.

` + "```solution" + `
deliver prepare p1->*
` + "```" + `

## Promise

Promises come back.

### Predict

What does p1 do on the second promise?

- [ ] Waits.
- [x] Sends accept.

` + "```reveal" + `
deliver promise a1->p1
deliver promise a2->p1
expect phase p1 accepting
` + "```" + `

### Explanation

A majority is two.

## Chosen

` + "```actions" + `
deliver accept p1->a1
deliver accept p1->a2
` + "```" + `

X is chosen.

### Question

Who knows?

- [ ] p1
- [x] nobody

### Explanation

Chosen is global.
`

// lineOf returns the 1-based line where marker starts in src; a marker
// starting with "=" must be whole lines, one starting with "last:" is
// searched from the end. Markers may span lines.
func lineOf(t *testing.T, src, marker string) int {
	t.Helper()
	i := -1
	if m, ok := strings.CutPrefix(marker, "last:"); ok {
		i = strings.LastIndex(src, m)
	} else if m, ok := strings.CutPrefix(marker, "="); ok {
		if strings.HasPrefix(src, m+"\n") {
			i = 0
		} else if j := strings.Index(src, "\n"+m+"\n"); j >= 0 {
			i = j + 1
		}
	} else {
		i = strings.Index(src, marker)
	}
	if i < 0 {
		t.Fatalf("marker %q not in the source", marker)
	}
	return strings.Count(src[:i], "\n") + 1
}

// edit replaces the first occurrence of old in src (which must be there).
func edit(t *testing.T, src, old, new string) string {
	t.Helper()
	if !strings.Contains(src, old) {
		t.Fatalf("edit: %q not in the source", old)
	}
	return strings.Replace(src, old, new, 1)
}

func checkOne(t *testing.T, name, src string) Diagnostics {
	t.Helper()
	return Check(fstest.MapFS{name: {Data: []byte(src)}}, name)
}

func TestGoodLessonIsClean(t *testing.T) {
	ds := checkOne(t, "10-small.en.md", good)
	for _, d := range ds {
		if d.Severity == SevError || !strings.Contains(d.Msg, "no Chinese translation") {
			t.Errorf("unexpected: %v", d)
		}
	}
	if len(ds) != 1 {
		t.Errorf("want only the missing-translation warning, got %v", ds)
	}
	l, ps := Parse("10-small.en.md", []byte(good))
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	if l.ID != "10-small" || l.Lang != "en" || l.Title != "A small lesson" || l.Minutes != 3 ||
		len(l.Sources) != 1 || len(l.Steps) != 3 || l.ClusterLine != "cluster proposers=1 acceptors=3" ||
		len(l.Objectives) != 1 || l.Objectives[0] != "Deliver prepares and predict what a proposer does." {
		t.Errorf("front matter read wrong: %+v", l)
	}
	st := l.Steps[0]
	if st.Title != "Prepare" || st.Narrative != "p1 sends prepare to every acceptor." || len(st.Actions) != 2 ||
		st.Goal == nil || st.Goal.Text != "Deliver the prepares." || st.Goal.Hint != "Try deliver prepare p1->*." ||
		len(st.Goal.Expects) != 2 || len(st.Goal.Solution) != 1 || st.Question != nil {
		t.Errorf("step 1 read wrong: %+v %+v", st, st.Goal)
	}
	if st.Actions[0].Line != lineOf(t, good, "=propose p1 X") || st.Line != lineOf(t, good, "## Prepare") {
		t.Errorf("lines: action at %d, step at %d", st.Actions[0].Line, st.Line)
	}
	q := l.Steps[1].Question
	if q == nil || q.Kind != Predict || q.Prompt != "What does p1 do on the second promise?" || len(q.Choices) != 2 ||
		q.Correct() != 1 || len(q.Reveal) != 3 || q.Explanation != "A majority is two." {
		t.Errorf("step 2 question read wrong: %+v", q)
	}
	if l.Steps[2].Narrative != "X is chosen." || l.Steps[2].Question.Kind != Choice {
		t.Errorf("step 3 read wrong: %+v", l.Steps[2])
	}
}

func TestCheckErrors(t *testing.T) {
	fence := "```"
	cases := []struct {
		name string
		src  string
		// at is a marker for the line the error must be at ("" for line
		// 0; "=text" matches a whole line), msg a part of its message.
		at, msg string
	}{
		{"no front matter", strings.TrimPrefix(good, "---\n"), "title: A small", "starts with front matter"},
		{"unclosed front matter", edit(t, good, "---\n\n## Prepare", "\n## Prepare"), "=---", "front matter is not closed"},
		{"unknown key", edit(t, good, "minutes: 3", "minute: 3"), "minute: 3", `unknown key "minute"`},
		{"duplicate key", edit(t, good, "minutes: 3", "minutes: 3\nminutes: 4"), "minutes: 4", "given twice (first at line 5)"},
		{"control character", edit(t, good, "title: A small lesson", "title: A small\x00lesson"), "title:", "title: contains a control character"},
		{"not key value", edit(t, good, "minutes: 3", "minutes 3"), "minutes 3", "not a key: value line"},
		{"missing title", edit(t, good, "title: A small lesson\n", ""), "=---", "missing title"},
		{"empty summary", edit(t, good, "summary: Deliver, predict, answer.", "summary:"), "=summary:", "summary: is empty"},
		{"missing cluster", edit(t, good, "cluster: proposers=1 acceptors=3\n", ""), "=---", "missing cluster"},
		{"missing objectives", edit(t, good, "objectives:\n- Deliver prepares and predict what a proposer does.\n", ""), "=---", "missing objectives"},
		{"objectives without items", edit(t, good, "- Deliver prepares and predict what a proposer does.\n", ""), "=objectives:", "objectives: has no items"},
		{"objectives inline", edit(t, good, "objectives:\n- Deliver prepares and predict what a proposer does.\n", "objectives: Deliver prepares.\n"), "objectives: Deliver", "on a line of its own"},
		{"empty objective", edit(t, good, "- Deliver prepares and predict what a proposer does.", "-"), "=-", "objectives: an empty item"},
		{"stray list item", edit(t, good, "minutes: 3", "minutes: 3\n- Another objective."), "- Another objective.", "belongs below objectives:"},
		{"too many objectives", edit(t, good, "- Deliver prepares and predict what a proposer does.", strings.Repeat("- One more.\n", MaxObjectives)+"- The ninth."), "- The ninth.", "more than 8"},
		{"bad cluster", edit(t, good, "proposers=1 acceptors=3", "proposers=1 acceptors=3 nodes=4"), "cluster:", `unknown key "nodes"`},
		{"bad minutes", edit(t, good, "minutes: 3", "minutes: soon"), "minutes:", `"soon" is not a whole number`},
		{"unknown invariant", edit(t, good, "minutes: 3", "breaks: agreemnt"), "breaks:", `unknown invariant "agreemnt"`},
		{"lang mismatch", edit(t, good, "minutes: 3", "lang: zh"), "lang:", "the file name says en"},
		{"text before step", edit(t, good, "## Prepare", "Welcome!\n\n## Prepare"), "Welcome!", "text before the first step"},
		{"h1", edit(t, good, "## Prepare", "# Prepare"), "# Prepare", "# headings are not used"},
		{"step without title", edit(t, good, "## Promise", "##"), "=##", "a step needs a title"},
		{"step without text", edit(t, good, "Promises come back.\n", ""), "## Promise", `step "Promise" has no text`},
		{"unknown section", edit(t, good, "### Hint", "### Tip"), "### Tip", "unknown section ### Tip"},
		{"section order", edit(t, good, "Promises come back.\n", "Promises come back.\n\n### Explanation\n\nEarly.\n"), "### Explanation", "explains a question"},
		{"hint before goal", edit(t, good, "Promises come back.\n", "Promises come back.\n\n### Hint\n\nHm.\n"), "### Hint\n\nHm", "### Hint belongs to a goal"},
		{"goal after question", edit(t, good, "A majority is two.\n", "A majority is two.\n\n### Goal\n\nLate.\n"), "### Goal\n\nLate", "must come before"},
		{"two questions", edit(t, good, "Chosen is global.\n", "Chosen is global.\n\n### Question\n\nAgain?\n"), "### Question\n\nAgain?", "at most one question"},
		{"unknown block", edit(t, good, fence+"actions\npropose", fence+"action\npropose"), fence + "action", `unknown block kind "action"`},
		{"extra words after kind", edit(t, good, fence+"goal", fence+"goal now"), fence + "goal now", `unexpected "now"`},
		{"unclosed block", strings.TrimSuffix(good, "Chosen is global.\n") + fence + "text\nopen\n", fence + "text", "code block is not closed"},
		{"actions under goal", edit(t, good, "Deliver the prepares.\n", "Deliver the prepares.\n\n"+fence+"actions\ntick\n"+fence+"\n"), "=" + fence + "actions\ntick", "belongs in the step's text"},
		{"goal block outside goal", edit(t, good, "Promises come back.\n", "Promises come back.\n\n"+fence+"goal\nexpect safe\n"+fence+"\n"), fence + "goal\nexpect safe", "belongs under ### Goal"},
		{"reveal in question", edit(t, good, "- [x] nobody\n", "- [x] nobody\n\n"+fence+"reveal\ntick\n"+fence+"\n"), fence + "reveal\ntick", "a ### Question has none"},
		{"two actions blocks", edit(t, good, "X is chosen.\n", "X is chosen.\n\n"+fence+"actions\ntick\n"+fence+"\n"), fence + "actions\ntick", "at most one ```actions block"},
		{"empty block", edit(t, good, "expect promised a1 1.1\nexpect promised a2 1.1\n", "# nothing\n"), fence + "goal", "```goal block is empty"},
		{"script syntax", edit(t, good, "solution\ndeliver prepare p1->*", "solution\ndeliver prepare p1->a4"), "p1->a4", `unknown node "a4"`},
		{"cluster in block", edit(t, good, "propose p1 X\n", "cluster proposers=1 acceptors=3\npropose p1 X\n"), "=cluster proposers=1 acceptors=3", "belongs in the front matter"},
		{"action in goal", edit(t, good, "expect promised a2 1.1", "deliver prepare p1->a2"), "p1->a2", "holds only expect lines"},
		{"goal without goal block", edit(t, good, fence+"goal\nexpect promised a1 1.1\nexpect promised a2 1.1\n"+fence+"\n", ""), "### Goal", "needs a ```goal block"},
		{"goal without solution", edit(t, good, fence+"solution\ndeliver prepare p1->*\n"+fence+"\n", ""), "### Goal", "no ```solution block"},
		{"goal without text", edit(t, good, "Deliver the prepares.\n", ""), "### Goal", "needs a sentence"},
		{"empty hint", edit(t, good, "Try deliver prepare p1->*.\n", ""), "### Hint", "### Hint is empty"},
		{"one choice", edit(t, good, "- [ ] p1\n", ""), "### Question\n\nWho", "at least two choices"},
		{"no correct", edit(t, good, "- [x] nobody", "- [ ] nobody"), "### Question\n\nWho", "exactly one correct choice"},
		{"two correct", edit(t, good, "- [ ] p1", "- [X] p1"), "### Question\n\nWho", "it has 2"},
		{"predict one choice", edit(t, good, "- [ ] Waits.\n", ""), "### Predict", "no choices or at least two"},
		{"predict two correct", edit(t, good, "- [ ] Waits.", "- [x] Waits."), "### Predict", "at most one choice correct"},
		{"empty choice", edit(t, good, "- [ ] Waits.", "- [ ]"), "=- [ ]", "an empty choice"},
		{"no prompt", edit(t, good, "Who knows?\n", ""), "### Question\n\n\n- [ ] p1", "needs a prompt"},
		{"no explanation", strings.TrimSuffix(good, "\n### Explanation\n\nChosen is global.\n"), "### Question\n\nWho", "needs a ### Explanation"},
		{"empty explanation", strings.TrimSuffix(good, "Chosen is global.\n"), "last:### Explanation", "### Explanation is empty"},
		{"text after choices", edit(t, good, "- [x] nobody\n", "- [x] nobody\nBecause.\n"), "Because.", "text after the choices"},
		{"choice outside question", edit(t, good, "X is chosen.", "- [x] X is chosen."), "- [x] X is chosen.", "outside ### Question"},
		{"goal and reveal", edit(t, good, "Promises come back.\n", "Promises come back.\n\n### Goal\n\nTick.\n\n"+fence+"goal\nexpect inflight 3 promise\n"+fence+"\n\n"+fence+"solution\ntick\n"+fence+"\n"), fence + "reveal", "cannot also have a ```reveal"},
		{"no steps", good[:strings.Index(good, "## Prepare")], "last:---", "at least one step"},

		// Replay along the canonical path.
		{"impossible action", edit(t, good, "deliver accept p1->a1", "deliver accept p1->a3\ndeliver accept p1->a3 # again"), "# again", "(in flight: #6 promise a3->p1 b=1.1 last=none, #7 accept p1->a1"},
		{"impossible action names the path", edit(t, good, "deliver accept p1->a1", "deliver accepted a1->l1"), "deliver accepted a1->l1", `impossible on the canonical path (step 3 "Chosen", actions): deliver: no in-flight message matches`},
		{"failing assertion", edit(t, good, "expect inflight 3 prepare", "expect inflight 2 prepare"), "expect inflight 2 prepare", "does not hold on the canonical path"},
		{"goal already holds", edit(t, good, "expect promised a1 1.1\nexpect promised a2 1.1", "expect safe"), fence + "goal", "already holds when step 1 starts"},
		{"solution misses goal", edit(t, good, "solution\ndeliver prepare p1->*", "solution\ndeliver prepare p1->a1"), "expect promised a2 1.1", "does not reach the goal: expect promised a2 1.1 fails: a2 has promised none"},
		{"run does nothing", edit(t, good, "deliver accept p1->a2\n", "deliver accept p1->a2\nrun until=chosen\n"), "run until=chosen", "does nothing"},
		{"declared break never happens", edit(t, good, "minutes: 3", "breaks: agreement"), "breaks:", "agreement never breaks"},
		{"bad file name", good, "", "not a lesson file name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := "10-small.en.md"
			if c.name == "bad file name" {
				name = "small.md"
			}
			ds := checkOne(t, name, c.src)
			want := 0
			if c.at != "" {
				want = lineOf(t, c.src, c.at)
			}
			for _, d := range ds {
				if d.Severity == SevError && d.Line == want && strings.Contains(d.Msg, c.msg) {
					if d.File != name {
						t.Errorf("file %q, want %q", d.File, name)
					}
					return
				}
			}
			t.Errorf("want an error at line %d containing %q; got:\n%v", want, c.msg, ds)
		})
	}
}

func TestUndeclaredBreakNeedsBugs(t *testing.T) {
	// half_quorum with 4 acceptors: two values chosen at quorum 2.
	src := `---
title: Half quorum
summary: Two values chosen.
objectives:
- See two values chosen.
cluster: proposers=2 acceptors=4 bugs=half_quorum
breaks: agreement
---

## Two values

Both proposers win.

` + "```actions" + `
propose p1 X
deliver prepare p1->a1
deliver prepare p1->a2
deliver promise *->p1
deliver accept p1->a1
deliver accept p1->a2
propose p2 Y
deliver prepare p2->a3
deliver prepare p2->a4
deliver promise *->p2
deliver accept p2->a3
deliver accept p2->a4
expect violation agreement
` + "```" + `
`
	ds := checkOne(t, "30-half.en.md", src)
	if ds.HasErrors() {
		t.Fatalf("declared break: %v", ds)
	}
	undeclared := edit(t, src, "breaks: agreement\n", "")
	ds = checkOne(t, "30-half.en.md", undeclared)
	want := lineOf(t, undeclared, "deliver accept p2->a4")
	found := false
	for _, d := range ds {
		found = found || d.Line == want && strings.Contains(d.Msg, "breaks the invariant agreement") && strings.Contains(d.Msg, "(breaks: agreement)")
	}
	if !found {
		t.Errorf("want the undeclared break at line %d, got %v", want, ds)
	}
}

func TestDuplicateStepTitlesWarn(t *testing.T) {
	src := edit(t, good, "## Chosen", "## Prepare")
	ds := checkOne(t, "10-small.en.md", src)
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	want := lineOf(t, src, "## Prepare\n\n```actions\ndeliver accept")
	for _, d := range ds {
		if d.Severity == SevWarning && d.Line == want && strings.Contains(d.Msg, `two steps are titled "Prepare"`) {
			return
		}
	}
	t.Errorf("want a warning at line %d, got %v", want, ds)
}

func TestDiagnosticFormat(t *testing.T) {
	e := &Diagnostic{File: "a.en.md", Line: 3, Msg: "bad"}
	w := &Diagnostic{File: "a.en.md", Line: 3, Severity: SevWarning, Msg: "meh"}
	f := &Diagnostic{File: "a.en.md", Msg: "whole"}
	if e.Error() != "a.en.md:3: bad" || w.Error() != "a.en.md:3: warning: meh" || f.Error() != "a.en.md: whole" {
		t.Errorf("%q %q %q", e, w, f)
	}
	if n, m := (Diagnostics{e, w, f}).Count(); n != 2 || m != 1 {
		t.Errorf("count %d %d", n, m)
	}
}

// zhOf makes a "translation" of good: the same structure, other words.
func zhOf(src string) string {
	r := strings.NewReplacer("A small lesson", "小课", "p1 sends prepare to every acceptor.", "p1 向每个接受者发送 prepare。",
		"Deliver the prepares.", "投递 prepare。", "X is chosen.", "X 被选定了。", "Who knows?", "谁知道？", "Waits.", "等待。")
	return r.Replace(src)
}

func TestTranslations(t *testing.T) {
	fence := "```"
	zh := zhOf(good)
	cases := []struct {
		name    string
		zh      string
		at, msg string
	}{
		{"same", zh, "", ""},
		{"cluster", edit(t, zh, "acceptors=3", "acceptors=3 seed=2"), "cluster:", "differs from cluster proposers=1 acceptors=3 learners=1 seed=1 in 10-small.en.md:4"},
		{"breaks", edit(t, zh, "minutes: 3", "minutes: 3\nbreaks: agreement"), "breaks:", "breaks:"},
		{"steps", strings.TrimSuffix(zh, "") + "\n## Extra\n\nMore.\n", "## Extra", "4 steps, but 10-small.en.md has 3"},
		{"actions", edit(t, zh, "expect inflight 3 prepare\n", ""), fence + "actions", "the ```actions block differs from the one in 10-small.en.md:15"},
		{"solution", edit(t, zh, "solution\ndeliver prepare p1->*", "solution\ndeliver prepare p1->a1\ndeliver prepare p1->a2\ndeliver prepare p1->a3"), fence + "solution", "```solution block differs"},
		{"goal", edit(t, zh, "expect promised a2 1.1\n", ""), fence + "goal", "```goal block differs"},
		{"reveal", edit(t, zh, "expect phase p1 accepting\n", ""), fence + "reveal", "```reveal block differs"},
		{"objectives", edit(t, zh, "- Deliver prepares", "- One.\n- Deliver prepares"), "=objectives:", "objectives: 2 items, but 10-small.en.md:7 has 1"},
		{"kind", edit(t, zh, "### Question\n\n谁知道", "### Predict\n\n谁知道"), "### Predict\n\n谁知道", "step 3 has a ### Predict, but the step in 10-small.en.md:67 has a ### Question"},
		{"choices", edit(t, zh, "- [ ] p1\n", "- [ ] p1\n- [ ] p2\n"), "### Question\n\n谁知道？", "3 choices, but"},
		{"correct", edit(t, edit(t, zh, "- [ ] p1", "- [x] p1"), "- [x] nobody", "- [ ] nobody"), "### Question\n\n谁知道？", "the correct choice is number 1, but in 10-small.en.md:"},
		{"goal block without its section", edit(t, edit(t, zh, "### Hint\n\nTry deliver prepare p1->*.\n", ""), "### Goal\n\n投递 prepare。\n", ""), "## Prepare", "the ```goal block belongs under ### Goal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{"10-small.en.md": {Data: []byte(good)}, "10-small.zh.md": {Data: []byte(c.zh)}}
			ds := Check(fsys)
			if c.msg == "" {
				if len(ds) != 0 {
					t.Fatalf("want no diagnostics, got %v", ds)
				}
				return
			}
			want := lineOf(t, c.zh, c.at)
			if c.name == "goal block without its section" {
				want = lineOf(t, c.zh, fence+"goal")
			}
			for _, d := range ds {
				if d.Severity == SevError && d.File == "10-small.zh.md" && d.Line == want && strings.Contains(d.Msg, c.msg) {
					return
				}
			}
			t.Errorf("want an error at 10-small.zh.md:%d containing %q; got:\n%v", want, c.msg, ds)
		})
	}
}

func TestTranslationGoalPresence(t *testing.T) {
	// The zh step has a question where the en step has none, and lacks the
	// goal: both reported at the zh step's line.
	zh := zhOf(good)
	zh = edit(t, zh, "### Goal\n\n投递 prepare。\n\n```goal\nexpect promised a1 1.1\nexpect promised a2 1.1\n```\n\n### Hint\n\nTry deliver prepare p1->*.\n\n```solution\ndeliver prepare p1->*\n```\n",
		"### Question\n\nOk?\n\n- [x] yes\n- [ ] no\n\n### Explanation\n\nYes.\n")
	zh = edit(t, zh, "expect inflight 3 prepare\n", "expect inflight 3 prepare\ndeliver prepare p1->*\n")
	ds := Check(fstest.MapFS{"10-small.en.md": {Data: []byte(good)}, "10-small.zh.md": {Data: []byte(zh)}})
	step, q := lineOf(t, zh, "## Prepare"), lineOf(t, zh, "### Question\n\nOk?")
	var goal, question bool
	for _, d := range ds {
		goal = goal || d.Line == step && d.Msg == "step 1 has no ### Goal, but the step in 10-small.en.md:11 has one"
		question = question || d.Line == q && d.Msg == "step 1 has a question, but the step in 10-small.en.md:11 has none"
	}
	if !goal || !question {
		t.Errorf("goal %v question %v: %v", goal, question, ds)
	}
}

func TestCheckNamedFileComparesUnnamedTranslation(t *testing.T) {
	zh := edit(t, zhOf(good), "acceptors=3", "acceptors=5")
	fsys := fstest.MapFS{"10-small.en.md": {Data: []byte(good)}, "10-small.zh.md": {Data: []byte(zh)}}
	ds := Check(fsys, "10-small.en.md")
	if !ds.HasErrors() || !strings.Contains(ds.Error(), "10-small.zh.md:4: cluster:") {
		t.Errorf("want the zh cluster mismatch, got %v", ds)
	}
}

func TestMissingTranslationWarns(t *testing.T) {
	ds := Check(fstest.MapFS{"10-small.zh.md": {Data: []byte(zhOf(good))}})
	if len(ds) != 1 || ds[0].Severity != SevWarning || ds[0].Error() != "10-small.zh.md: warning: no English translation (10-small.en.md)" {
		t.Errorf("got %v", ds)
	}
}

func TestNonLessonFilesAreSkipped(t *testing.T) {
	fsys := fstest.MapFS{
		"README.md":      {Data: []byte("# notes")},
		"10-small.en.md": {Data: []byte(good)},
		"10-small.zh.md": {Data: []byte(zhOf(good))},
		"script.pxs":     {Data: []byte("cluster servers=3")},
	}
	set, ds := Load(fsys)
	if ds.HasErrors() || len(ds) != 1 || !strings.Contains(ds[0].Error(), "README.md: warning:") {
		t.Errorf("got %v", ds)
	}
	if set.Len() != 1 {
		t.Errorf("set has %d lessons", set.Len())
	}
}

func TestSharedNumberWarns(t *testing.T) {
	fsys := fstest.MapFS{
		"10-small.en.md": {Data: []byte(good)},
		"10-other.en.md": {Data: []byte(good)},
	}
	ds := Check(fsys)
	if !strings.Contains(ds.Error(), "lessons 10-other and 10-small share the number 10") {
		t.Errorf("got %v", ds)
	}
}

func TestErrorsAreBounded(t *testing.T) {
	// A file of garbage gives a few errors, each with a line, and no panic.
	var sb strings.Builder
	sb.WriteString("---\ntitle: x\nsummary: y\ncluster: servers=3\n---\n")
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&sb, "## S%d\n\ntext\n\n```actions\nfrobnicate %d\n```\n", i, i)
	}
	ds := checkOne(t, "10-x.en.md", sb.String())
	if len(ds) < 50 {
		t.Errorf("want one error per bad line, got %d", len(ds))
	}
	for _, d := range ds {
		if d.Severity == SevError && d.Line == 0 {
			t.Errorf("error without a line: %v", d)
		}
	}
}
