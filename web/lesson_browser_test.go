package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

// clickAction performs one lesson action the way a learner would: the
// Deliver/Drop/Duplicate buttons of the messages it selects, a node's own
// buttons, or (for the rest) the command box.
func (b *browser) clickAction(s *sim.Sim, a sim.Action) {
	b.t.Helper()
	c := s.Config()
	waitStep := func(before int) {
		b.wait("after "+a.Format(c), fmt.Sprintf("%s.step > %d", viewJS, before))
	}
	switch a.Kind {
	case sim.ActDeliver, sim.ActDrop, sim.ActDup:
		btn := map[sim.Kind]string{sim.ActDeliver: "deliver", sim.ActDrop: "drop", sim.ActDup: "dup"}[a.Kind]
		for _, id := range s.Matches(&a.Sel) {
			before := b.step()
			b.click(fmt.Sprintf(`#msg-list li[data-msg="%d"] button.%s`, id, btn))
			waitStep(before)
		}
	case sim.ActCrash, sim.ActRestart, sim.ActTimeout:
		before := b.step()
		b.click(fmt.Sprintf(`.node[data-node="%s"] [data-ctl="%s"]`, c.Name(a.Node), a.Kind))
		waitStep(before)
	case sim.ActPropose:
		before := b.step()
		b.click(fmt.Sprintf(`.node[data-node="%s"] [data-ctl="propose"]`, c.Name(a.Node)))
		b.wait("propose form", `document.querySelector(".propose-form input") !== null`)
		b.eval(fmt.Sprintf(`document.querySelector(".propose-form input").value = %q`, a.Value))
		b.click(`.propose-form button[type="submit"]`)
		waitStep(before)
	default:
		before := b.step()
		b.eval(fmt.Sprintf(`document.getElementById("command").value = %q`, a.Format(c)))
		b.click(`#command-form button[type="submit"]`)
		waitStep(before)
	}
	if _, err := s.Apply(&a); err != nil {
		b.t.Fatalf("%s: %v", a.Format(c), err)
	}
}

// walkLesson goes through lesson id in lang from its first step to the
// end by clicking: it reaches every goal with the learner's own actions,
// answers every question (wrong first, then right), reveals every
// prediction, and checks Back restores a step.
func walkLesson(t *testing.T, b *browser, l *lessons.Lesson) {
	b.nav("/lessons/" + l.ID + "?lang=" + string(l.Lang))
	b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	for k, st := range l.Steps {
		b.wait(fmt.Sprintf("step %d", k+1), fmt.Sprintf("%s.lesson.step === %d", viewJS, k))
		if got := b.evalString(`document.getElementById("lesson-step-title").textContent`); got != st.Title {
			t.Fatalf("step %d title %q, want %q", k+1, got, st.Title)
		}
		if st.Goal != nil {
			if b.eval(viewJS+".lesson.met") == true {
				t.Fatalf("step %d: goal met on entry", k+1)
			}
			b.wait("goal box", `document.querySelector(".lesson-goal:not(.met)") !== null`)
			s, err := l.Entry(k)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range lessons.Actions(st.Goal.Solution) {
				b.clickAction(s, a)
			}
			b.wait(fmt.Sprintf("step %d goal met", k+1), viewJS+".lesson.met === true && document.querySelector(\".lesson-goal.met\") !== null")
		}
		if q := st.Question; q != nil && len(q.Choices) > 0 {
			right := q.Correct()
			if right < 0 {
				right = 0
			}
			if q.Kind == lessons.Choice && len(q.Choices) > 1 {
				wrong := (right + 1) % len(q.Choices)
				b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, wrong+1))
				b.wait("wrong answer shown", `document.querySelector("#lesson-question .verdict.wrong") !== null`)
			}
			if q.Kind == lessons.Predict {
				b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, right+1))
				b.wait("prediction revealed", viewJS+".lesson.revealed === true")
			} else {
				b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, right+1))
			}
			b.wait("right answer and explanation", `document.querySelector("#lesson-question .verdict.right") !== null && document.querySelector("#lesson-question .explanation") !== null`)
		} else if q != nil && q.Kind == lessons.Predict {
			b.click("#lesson-reveal")
			b.wait("revealed", viewJS+".lesson.revealed === true")
		}
		if k == 1 {
			// Back restores the previous step's entry state; Next returns.
			b.click("#lesson-prev")
			b.wait("back", viewJS+".lesson.step === 0")
			want, _ := l.Entry(0)
			if got := int(b.eval(viewJS + ".state.inflight.length").(float64)); got != len(want.InFlight()) {
				t.Errorf("Back: %d in flight, want %d", got, len(want.InFlight()))
			}
			b.click("#lesson-next")
			b.wait("forward again", viewJS+".lesson.step === 1")
			if st.Goal != nil {
				// The step starts afresh: reach the goal again with "Show me".
				b.click("#lesson-solve")
				b.wait("solved", viewJS+".lesson.met === true")
			}
		}
		if k == 2 {
			b.shot(string(l.Lang) + "-step3")
		}
		if k+1 < len(l.Steps) {
			b.click("#lesson-next")
		}
	}
	b.wait("end of lesson", `document.getElementById("lesson-sandbox") !== null`)
	b.shot(string(l.Lang) + "-end")
	state := b.evalString(`JSON.stringify(window.paxviz.currentView().state.nodes)`)
	b.click("#lesson-sandbox")
	b.wait("sandbox from the lesson", `document.body.dataset.page === "sandbox" && document.body.dataset.conn === "connected"`)
	if got := b.evalString(`JSON.stringify(window.paxviz.currentView().state.nodes)`); got != state {
		t.Errorf("continue in the sandbox: state differs")
	}
	// The home page shows the lesson as done (progress kept in the browser).
	b.nav("/?lang=" + string(l.Lang))
	b.wait("progress", fmt.Sprintf(`document.querySelector('[data-progress=%q]').classList.contains("done")`, l.ID))
}

// TestBrowserLessonWalk walks lesson 02 end to end in English and in
// Chinese, by clicking.
func TestBrowserLessonWalk(t *testing.T) {
	set, diags := lessons.Builtin()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.ZH} {
		t.Run(string(lang), func(t *testing.T) {
			_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
			b := newBrowser(t, ts.URL, 1366, 900)
			l := set.Lesson("02-happy-path", lang)
			if l == nil || l.Lang != lang {
				t.Fatalf("lesson 02 not written in %s", lang)
			}
			walkLesson(t, b, l)
			if lang == i18n.ZH {
				if got := b.evalString(`document.querySelector("#sandbox-h").textContent`); !strings.Contains(got, "沙盒") {
					t.Errorf("home page not in Chinese: %q", got)
				}
			}
		})
	}
}
