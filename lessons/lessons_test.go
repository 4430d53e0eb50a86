package lessons

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// TestEmbeddedLessons: every built-in lesson is a test. It loads with no
// error and no warning (each has its translation), and along its canonical
// path every step replays, no goal holds on entry, every solution reaches
// its goal, and no invariant breaks unless the lesson declares it.
// Reference: style.md "Lessons are tests".
func TestEmbeddedLessons(t *testing.T) {
	set, diags := Load(Embedded())
	for _, d := range diags {
		t.Errorf("%v", d)
	}
	files, _ := fs.Glob(Embedded(), "*.md")
	n := 0
	for _, id := range set.IDs() {
		n += len(set.Langs(id))
	}
	if n != len(files) || n == 0 {
		t.Fatalf("%d lesson files embedded, %d loaded", len(files), n)
	}
	for _, id := range set.IDs() {
		for _, lang := range set.Langs(id) {
			l := set.Lesson(id, lang)
			t.Run(id+"."+string(lang), func(t *testing.T) { replayLesson(t, l) })
		}
	}
}

func replayLesson(t *testing.T, l *Lesson) {
	breaks := map[string]bool{}
	for _, b := range l.Breaks {
		breaks[b] = true
	}
	for k := range l.Steps {
		st := &l.Steps[k]
		entry, err := l.EntryMachine(k)
		if err != nil {
			t.Fatalf("step %d: %v", k+1, err)
		}
		// A comparison step's goal is about its comparison, checked by
		// verify (compare_test.go), not about the cluster.
		if st.Goal != nil && st.Compare == nil {
			if met, _ := st.GoalMetIn(entry); met {
				t.Errorf("step %d %q: the goal holds on entry", k+1, st.Title)
			}
		}
		end, err := l.EndMachine(k)
		if err != nil {
			t.Fatalf("step %d: %v", k+1, err)
		}
		if st.Goal != nil && st.Compare == nil {
			if met, checks := st.GoalMetIn(end); !met {
				t.Errorf("step %d %q: the solution does not reach the goal: %+v", k+1, st.Title, checks)
			}
		}
		for _, v := range end.Broken() {
			if !breaks[v.Invariant] {
				t.Errorf("step %d %q: invariant %s broken, not declared in breaks", k+1, st.Title, v.Invariant)
			}
		}
		// The entry state is the end of the previous step plus this
		// step's actions, and replaying is deterministic.
		again, _ := l.EntryMachine(k)
		if entry.Summary() != again.Summary() {
			t.Errorf("step %d: two replays differ", k+1)
		}
		if k > 0 && st.ClusterLine == "" { // a fresh step starts over (freshstep.go)
			prev, _ := l.EndMachine(k - 1)
			for _, a := range ActionStmts(st.Actions) {
				if _, err := prev.Apply(&a); err != nil {
					t.Fatal(err)
				}
			}
			if prev.Summary() != entry.Summary() {
				t.Errorf("step %d: End(%d) + actions differs from Entry(%d)", k+1, k-1, k)
			}
		}
		if l.Protocol == "" {
			// The single-decree API gives the same states.
			sd, err := l.Entry(k)
			if err != nil || sd.Summary() != entry.Summary() {
				t.Errorf("step %d: Entry and EntryMachine differ (%v)", k+1, err)
			}
		}
	}
	// Each declared break happens by the end of some run of steps (one
	// run, unless a step starts afresh).
	for _, b := range l.Breaks {
		seen := false
		for k := range l.Steps {
			if end, _ := l.EndMachine(k); end.Violated(b) {
				seen = true
				break
			}
		}
		if !seen {
			t.Errorf("breaks: %s never breaks", b)
		}
	}
}

// TestEmbeddedLessonsReplayInHistory replays each step's entry actions the
// way the web player does, through sim.History: every action takes at
// least one event (History refuses one that takes none) and the state
// equals Entry(k).
func TestEmbeddedLessonsReplayInHistory(t *testing.T) {
	set, _ := Builtin()
	for _, id := range set.IDs() {
		for _, lang := range set.Langs(id) {
			l := set.Lesson(id, lang)
			if l.Protocol != "" {
				continue // TestProtocolLessonsEntryScript
			}
			for k := range l.Steps {
				h, err := l.EntryHistory(k)
				if err != nil {
					t.Fatalf("%s step %d: %v", l.File, k+1, err)
				}
				want, _ := l.Entry(k)
				if h.State().Summary() != want.Summary() {
					t.Errorf("%s step %d: History and Entry differ", l.File, k+1)
				}
				// The entry script replays to the same state.
				sc, err := sim.Parse("entry", l.EntryScript(k))
				if err != nil {
					t.Fatalf("%s step %d: entry script: %v", l.File, k+1, err)
				}
				if r := sim.Exec(sc, nil); r.Err != nil || r.Sim.Summary() != want.Summary() {
					t.Errorf("%s step %d: the entry script does not replay: %v", l.File, k+1, r.Err)
				}
			}
		}
	}
}

// TestEmbeddedPathScripts: `paxviz lesson script FILE | paxviz run -`
// passes for every built-in lesson.
func TestEmbeddedPathScripts(t *testing.T) {
	set, _ := Builtin()
	for _, id := range set.IDs() {
		for _, lang := range set.Langs(id) {
			l := set.Lesson(id, lang)
			sc, err := sim.Parse(l.File, l.PathScript())
			if err != nil {
				t.Fatalf("%s: %v", l.File, err)
			}
			if r := sim.Exec(sc, nil); r.ExitCode() != 0 {
				t.Errorf("%s: the path script fails: %v %v", l.File, r.Err, r.Failures)
			}
		}
	}
}

func TestBuiltinSet(t *testing.T) {
	set, diags := Builtin()
	if len(diags) != 0 {
		t.Fatal(diags)
	}
	ids := set.IDs()
	if len(ids) < 2 || ids[0] != "01-message-passing" || ids[1] != "02-happy-path" {
		t.Fatalf("ids %v", ids)
	}
	for _, lang := range i18n.Langs {
		list := set.List(lang)
		if len(list) != len(ids) {
			t.Fatalf("%s: %d summaries", lang, len(list))
		}
		for _, s := range list {
			if s.Lang != lang || s.Title == "" || s.Summary == "" || s.Minutes == 0 || s.Steps == 0 || len(s.Langs) != 2 {
				t.Errorf("%s: summary %+v", lang, s)
			}
		}
	}
	if set.Lesson("01-message-passing", i18n.ZH).Lang != i18n.ZH || set.Lesson("nope", i18n.EN) != nil {
		t.Error("Lesson lookup")
	}
	if set.Next("01-message-passing") != "02-happy-path" || set.Next(ids[len(ids)-1]) != "" {
		t.Error("Next")
	}
	en := set.Lesson("02-happy-path", i18n.EN)
	if _, err := en.Entry(len(en.Steps)); err == nil {
		t.Error("Entry past the last step")
	}
}

// TestFallbackLanguage: a lesson written in one language is served in it
// whatever language is asked for.
func TestFallbackLanguage(t *testing.T) {
	set := newSet([]*Lesson{{ID: "05-x", Lang: i18n.EN, Title: "X", Steps: []Step{{}}}})
	if l := set.Lesson("05-x", i18n.ZH); l == nil || l.Lang != i18n.EN {
		t.Fatalf("fallback: %+v", l)
	}
	if s := set.List(i18n.ZH); len(s) != 1 || s[0].Lang != i18n.EN || len(s[0].Langs) != 1 {
		t.Errorf("%+v", s)
	}
}

// TestPlayerFlow drives lesson 02 the way the player does: enter a step,
// act as the learner, check the goal, reset, answer the question.
func TestPlayerFlow(t *testing.T) {
	set, _ := Builtin()
	l := set.Lesson("02-happy-path", i18n.EN)
	k := 1 // "Phase 1a: prepare"
	st := &l.Steps[k]
	s, err := l.Entry(k)
	if err != nil {
		t.Fatal(err)
	}
	if met, checks := st.GoalMet(s); met || len(checks) != 3 || checks[0].OK || checks[0].Got != "a1 has promised none" {
		t.Fatalf("entry: %v %+v", met, checks)
	}
	for _, line := range []string{"deliver prepare p1->a1", "deliver prepare p1->a3", "deliver prepare p1->a2"} {
		stmt, err := sim.ParseCommand(s.Config(), line)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(stmt.Action); err != nil {
			t.Fatal(err)
		}
	}
	if met, _ := st.GoalMet(s); !met {
		t.Error("the learner's own path does not meet the goal")
	}
	reset, _ := l.Entry(k)
	if met, _ := st.GoalMet(reset); met {
		t.Error("reset keeps the learner's moves")
	}
	q := l.Steps[k+1].Question
	if q.Kind != Predict || !q.IsCorrect(q.Correct()) || q.IsCorrect(0) || q.IsCorrect(-1) || q.IsCorrect(len(q.Choices)) {
		t.Errorf("question %+v", q)
	}
	revealed, _ := l.End(k + 1)
	if revealed.Nodes()[0].P.Phase.String() != "accepting" {
		t.Error("reveal")
	}
	if l.Steps[0].Goal != nil || func() bool { met, _ := l.Steps[0].GoalMet(s); return met }() {
		t.Error("a step without a goal is never met")
	}
}

func TestLessonFileNames(t *testing.T) {
	for _, c := range []struct {
		name, id string
		lang     i18n.Lang
		ok       bool
	}{
		{"01-message-passing.en.md", "01-message-passing", i18n.EN, true},
		{"10-a-b-c.zh.md", "10-a-b-c", i18n.ZH, true},
		{"01-x.fr.md", "", "", false},
		{"x.en.md", "", "", false},
		{"01-X.en.md", "", "", false},
		{"01-x.md", "", "", false},
		{"01--x.en.md", "", "", false},
	} {
		id, lang, err := ParseName(c.name)
		if (err == nil) != c.ok || id != c.id || lang != c.lang {
			t.Errorf("%s: %q %q %v", c.name, id, lang, err)
		}
	}
}

func TestParseNeverPanicsOnOddInput(t *testing.T) {
	for _, src := range []string{"", "---", "---\n---", "\xff\xfe", "---\ncluster: servers=3\n---\n## a\n```actions\n", strings.Repeat("#", 100)} {
		_, ds := Parse("01-x.en.md", []byte(src))
		if !ds.HasErrors() {
			t.Errorf("%q: no error", src)
		}
	}
	big := make([]byte, MaxFileBytes+1)
	if _, ds := Parse("01-x.en.md", big); !ds.HasErrors() || !strings.Contains(ds.Error(), "larger than") {
		t.Error("big file")
	}
	if _, err := readFile(Embedded(), "nope.en.md"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("readFile: %v", err)
	}
}
