package lessons

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// goodMP is a small valid Multi-Paxos lesson; the cases below break it
// one way each.
const goodMP = `---
title: A small log
summary: Phase 1 once, then a command.
cluster: multipaxos servers=3 clients=1
objectives:
- Make a leader and run one command.
---

## Stand

No server leads.

### Goal

Make s1 lead.

` + "```goal" + `
expect leader s1
` + "```" + `

` + "```solution" + `
timeout s1
deliver prepare s1->s2
deliver promise s2->s1
` + "```" + `

## A command

c1 writes x.

` + "```actions" + `
put c1 x 1
deliver request c1->s1
expect inflight 2 accept s1->* s=1
` + "```" + `

### Predict

How many delays until s1 decides?

- [ ] Four.
- [x] Two.

` + "```reveal" + `
deliver accept s1->s2
deliver accepted s2->s1
expect log s1 c1.1
expect chosen s=1 c1.1
` + "```" + `

### Explanation

Phase 1 is done for every slot.
`

// TestMultiPaxosLessonParse: a lesson's cluster line names its protocol;
// its blocks parse in that protocol's language and its canonical path
// replays on a Multi-Paxos machine, through the entry script too.
func TestMultiPaxosLessonParse(t *testing.T) {
	l, diags := Parse("30-log.en.md", []byte(goodMP))
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	if l.Protocol != sim.ProtoMultiPaxos || l.AnyCluster.Protocol != "multipaxos" || l.ClusterLine != "cluster multipaxos servers=3 clients=1" ||
		!strings.HasPrefix(l.AnyCluster.String(), "cluster multipaxos servers=3 clients=1 window=3") {
		t.Fatalf("cluster: %q %q %q", l.Protocol, l.ClusterLine, l.AnyCluster.String())
	}
	if len(l.Steps) != 2 || len(l.Steps[1].Actions) != 3 || !l.Steps[1].Actions[2].IsExpect() || l.Steps[1].Actions[0].IsExpect() ||
		len(l.Steps[0].Goal.Solution) != 3 || len(l.Steps[1].Question.Reveal) != 4 {
		t.Fatalf("steps: %+v", l.Steps)
	}
	if got := l.Steps[1].Actions[0].Line; got != lineOf(t, goodMP, "=put c1 x 1") {
		t.Errorf("action line %d", got)
	}
	// The single-decree API refuses, and says what to use.
	if _, err := l.Entry(0); err == nil || !strings.Contains(err.Error(), "EntryMachine") {
		t.Errorf("Entry on a Multi-Paxos lesson: %v", err)
	}
	if len(Actions(l.Steps[1].Actions)) != 2 || len(ActionStmts(l.Steps[1].Actions)) != 2 {
		t.Error("Actions/ActionStmts")
	}
	if diags := verify(l); len(diags) != 0 {
		t.Fatal(diags)
	}
	st := &l.Steps[0]
	entry, err := l.EntryMachine(0)
	if err != nil {
		t.Fatal(err)
	}
	if met, checks := st.GoalMetIn(entry); met || len(checks) != 1 || checks[0].OK || checks[0].Got != "no server leads" {
		t.Errorf("goal on entry: %v %+v", met, checks)
	}
	end, _ := l.EndMachine(0)
	if met, _ := st.GoalMetIn(end); !met {
		t.Error("the solution does not reach the goal")
	}
	for k := range l.Steps {
		m, _ := l.EntryMachine(k)
		sc, err := sim.Parse("entry", l.EntryScript(k))
		if err != nil {
			t.Fatalf("step %d: %v", k+1, err)
		}
		if r := sim.Exec(sc, nil); r.Err != nil || r.MP == nil || r.MP.Summary() != m.Summary() {
			t.Errorf("step %d: the entry script does not replay to the entry state: %v", k+1, r.Err)
		}
	}
	// PathScript runs with paxviz run.
	sc, err := sim.Parse(l.File, l.PathScript())
	if err != nil {
		t.Fatal(err)
	}
	if r := sim.Exec(sc, nil); r.ExitCode() != 0 {
		t.Errorf("path script: %v %v", r.Err, r.Failures)
	}
}

// TestMultiPaxosLint: every problem of a Multi-Paxos lesson is reported at
// its file:line, in that protocol's terms.
func TestMultiPaxosLint(t *testing.T) {
	cases := []struct {
		name, from, to, at, want string
	}{
		{"single-decree form", "put c1 x 1\ndeliver request", "propose s1 X\ndeliver request", "=propose s1 X", `unknown command "propose"`},
		{"unknown node", "deliver prepare s1->s2", "deliver prepare s1->s9", "s1->s9", `deliver: unknown node "s9" (this cluster has s1..s3, c1..c1)`},
		{"bad slot", "expect inflight 2 accept s1->* s=1", "expect inflight 2 accept s1->* s=0", "s=0", `expect inflight: bad slot "0"`},
		{"bad expect", "expect log s1 c1.1", "expect log c1 c1.1", "=expect log c1 c1.1", "expect log: c1 is not a server"},
		{"action in a goal", "expect leader s1\n```", "expect leader s1\nput c1 x 1\n```", "=put c1 x 1\n```", "a ```goal block holds only expect lines"},
		{"bad cluster", "cluster: multipaxos servers=3 clients=1", "cluster: multipaxos servers=3 clients=1 window=x", "cluster:", "bad cluster line"},
		{"unknown invariant", "minutes", "breaks: log-prefixx\nminutes", "breaks:", `breaks: unknown invariant "log-prefixx" (known: agreement, validity, learned-chosen, log-prefix, exactly-once, linearizable, promise-monotonic, lease-exclusive)`},
		{"impossible action", "deliver accept s1->s2\n", "deliver accept s1->s2 s=2\n", "=deliver accept s1->s2 s=2", "deliver accept s1->s2 s=2 is impossible on the canonical path (step 2 \"A command\", reveal): deliver: no in-flight message matches \"accept s1->s2 s=2\" (in flight: #3 prepare s1->s3 b=1.1 from=1, #8 accept s1->s2 b=1.1 s=1 v=c1.1:put:x:1, #9 accept s1->s3"},
		{"failing assertion", "expect log s1 c1.1", "expect log s2 c1.1", "=expect log s2 c1.1", "expect log s2 c1.1 does not hold on the canonical path (step 2 \"A command\", reveal): s2's log is empty"},
		{"goal already holds", "expect leader s1\n```", "expect leader none\n```", "=expect leader none", "the solution (line"},
		{"goal holds on entry", "expect leader s1\n```", "expect safe\n```", "```goal", "the goal already holds when step 1 starts: the learner would have nothing to do"},
		{"declared break never happens", "minutes", "breaks: exactly-once\nminutes", "breaks:", "breaks: exactly-once, but exactly-once never breaks on the canonical path"},
	}
	base := strings.Replace(goodMP, "objectives:", "minutes: 3\nobjectives:", 1)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.from) {
				t.Fatalf("%q not in the lesson", c.from)
			}
			src := strings.Replace(base, c.from, c.to, 1)
			diags := Check(fstest.MapFS{"30-log.en.md": {Data: []byte(src)}}, "30-log.en.md")
			want := fmt.Sprintf("30-log.en.md:%d: %s", lineOf(t, src, c.at), c.want)
			if !strings.Contains(diags.Error(), want) {
				t.Errorf("want %q in\n%v", want, diags)
			}
		})
	}
}

// TestMultiPaxosLintBreaks: an invariant broken on the canonical path is
// an error at the line that broke it unless breaks: names it, and then it
// must break; a Multi-Paxos invariant is not a single-decree one.
func TestMultiPaxosLintBreaks(t *testing.T) {
	src := strings.Replace(goodMP, "cluster: multipaxos servers=3 clients=1", "cluster: multipaxos servers=3 clients=1 bugs=commit_minority", 1)
	src = strings.Replace(src, "deliver accept s1->s2\ndeliver accepted s2->s1\n", "", 1)
	src = strings.Replace(src, "expect inflight 2 accept s1->* s=1", "expect log s1 c1.1", 1)
	src = strings.Replace(src, "expect chosen s=1 c1.1\n", "expect chosen s=1 none\n", 1) // decided on s1's vote alone
	diags := Check(fstest.MapFS{"30-log.en.md": {Data: []byte(src)}}, "30-log.en.md")
	want := fmt.Sprintf("30-log.en.md:%d: deliver request c1->s1 breaks the invariant learned-chosen on the canonical path (step 2 \"A command\", actions): ", lineOf(t, src, "=deliver request c1->s1"))
	if !strings.Contains(diags.Error(), want) || !strings.Contains(diags.Error(), "(breaks: learned-chosen)") {
		t.Fatalf("want %q in\n%v", want, diags)
	}
	declared := strings.Replace(src, "objectives:", "breaks: learned-chosen\nobjectives:", 1)
	if diags := Check(fstest.MapFS{"30-log.en.md": {Data: []byte(declared)}}, "30-log.en.md"); diags.HasErrors() {
		t.Errorf("declared: %v", diags)
	}
	// log-prefix is a Multi-Paxos invariant, not a single-decree one.
	sd := strings.Replace(good, "minutes: 3", "minutes: 3\nbreaks: log-prefix", 1)
	diags = Check(fstest.MapFS{"30-small.en.md": {Data: []byte(sd)}}, "30-small.en.md")
	if want := fmt.Sprintf("30-small.en.md:%d: breaks: unknown invariant \"log-prefix\" (known: agreement, validity, learned-chosen, promise-monotonic)", lineOf(t, sd, "breaks:")); !strings.Contains(diags.Error(), want) {
		t.Errorf("want %q in\n%v", want, diags)
	}
	// A Multi-Paxos form in a single-decree lesson is an error at its line.
	sd = strings.Replace(good, "propose p1 X", "put c1 x 1", 1)
	diags = Check(fstest.MapFS{"30-small.en.md": {Data: []byte(sd)}}, "30-small.en.md")
	if want := fmt.Sprintf("30-small.en.md:%d: unknown command \"put\"", lineOf(t, sd, "=put c1 x 1")); !strings.Contains(diags.Error(), want) {
		t.Errorf("want %q in\n%v", want, diags)
	}
}

// TestMultiPaxosTranslation: translations of a Multi-Paxos lesson are
// compared like the others, the cluster line by its canonical form.
func TestMultiPaxosTranslation(t *testing.T) {
	zh := strings.Replace(goodMP, "cluster: multipaxos servers=3 clients=1", "cluster: multipaxos servers=3 clients=2", 1)
	diags := Check(fstest.MapFS{"30-log.en.md": {Data: []byte(goodMP)}, "30-log.zh.md": {Data: []byte(zh)}}, "30-log.en.md")
	want := fmt.Sprintf("30-log.zh.md:%d: cluster: cluster multipaxos servers=3 clients=2", lineOf(t, zh, "cluster:"))
	if !strings.Contains(diags.Error(), want) {
		t.Errorf("want %q in\n%v", want, diags)
	}
	same := strings.Replace(goodMP, "cluster: multipaxos servers=3 clients=1", "cluster: multipaxos clients=1 servers=3 window=3", 1)
	if diags := Check(fstest.MapFS{"30-log.en.md": {Data: []byte(goodMP)}, "30-log.zh.md": {Data: []byte(same)}}, "30-log.en.md"); diags.HasErrors() {
		t.Errorf("the same cluster written differently: %v", diags)
	}
}

// TestRaftLesson: a Raft lesson parses and checks on the same machinery
// (the browser does not play it yet).
func TestRaftLesson(t *testing.T) {
	src := `---
title: A Raft election
summary: One timeout, one leader.
cluster: raft servers=3
objectives:
- Elect a leader.
---

## Election

s1's election timer fires.

` + "```actions" + `
timeout s1
` + "```" + `

### Goal

Make s1 leader.

` + "```goal" + `
expect leader s1
` + "```" + `

` + "```solution" + `
deliver requestvote
deliver vote
` + "```" + `
`
	l, diags := Parse("31-raft.en.md", []byte(src))
	if len(diags) != 0 || l.Protocol != sim.ProtoRaft {
		t.Fatalf("%q %v", l.Protocol, diags)
	}
	if diags := verify(l); len(diags) != 0 {
		t.Fatal(diags)
	}
	bad := strings.Replace(src, "deliver vote", "deliver vote\nput c1 x 1", 1)
	diags = Check(fstest.MapFS{"31-raft.en.md": {Data: []byte(bad)}}, "31-raft.en.md")
	if want := fmt.Sprintf("31-raft.en.md:%d: unknown command", lineOf(t, bad, "=put c1 x 1")); !strings.Contains(diags.Error(), want) {
		t.Errorf("want %q in\n%v", want, diags)
	}
}

// TestProtocolLessonsGoalWords: every expect line of the built-in
// Multi-Paxos lessons' goals is said in words that the translation table
// has, in both languages.
func TestProtocolLessonsGoalWords(t *testing.T) {
	set, _ := Builtin()
	n := 0
	for _, id := range set.IDs() {
		for _, lang := range set.Langs(id) {
			l := set.Lesson(id, lang)
			if l.Protocol == "" {
				continue
			}
			for _, st := range l.Steps {
				if st.Goal == nil {
					continue
				}
				for i := range st.Goal.Expects {
					e := &st.Goal.Expects[i]
					key, args := l.AnyCluster.ExpectWords(e)
					if key == "" || key == "want.expect" || !i18n.Has(key) {
						t.Errorf("%s: %s: no words (%q)", l.File, e.Text, key)
						continue
					}
					for _, lg := range i18n.Langs {
						if s := i18n.Format(lg, key, args); strings.Contains(s, "{") {
							t.Errorf("%s: %s: %q leaves a placeholder", l.File, e.Text, s)
						}
					}
					n++
				}
			}
		}
	}
	if n < 10 {
		t.Errorf("only %d goal lines in Multi-Paxos lessons", n)
	}
}
