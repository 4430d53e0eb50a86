package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/lessons"
)

// TestBrowserLessonRaftFigure8 walks lesson 19 (a Raft cluster with
// commit_old_term on) in the browser beside the Raft view: every step
// enters, every goal is met by "Show me", every question is answered. At
// the Figure 8 prediction the reveal commits B (of term 2) at index 2 on
// the cluster; the spot-the-bug goal is said in words and open until s5
// wins term 5, when leader-completeness turns red.
func TestBrowserLessonRaftFigure8(t *testing.T) {
	set, diags := lessons.Builtin()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	const id = "19-raft-figure8"
	l := set.Lesson(id, "en")
	if l == nil || l.Protocol != "raft" {
		t.Fatal("lesson 19 is not a Raft lesson")
	}
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/lessons/" + id + "?lang=en&step=1")
	b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	b.wait("Raft view", `document.getElementById("raft-panels") !== null && `+viewJS+`.protocol === "raft"`)
	sawPredict, sawBug := false, false
	for k, st := range l.Steps {
		b.wait(fmt.Sprintf("step %d", k+1), fmt.Sprintf("%s.lesson.step === %d && document.getElementById(\"lesson-step-title\").textContent === %q", viewJS, k, st.Title))
		if st.Goal != nil {
			b.wait("goal open", viewJS+".lesson.met === false && document.querySelector(\".lesson-goal:not(.met)\") !== null")
			checks := b.evalString(`[...document.querySelectorAll("#lesson-goal .goal-checks li")].map(li => li.textContent).join(" | ")`)
			if strings.Contains(checks, "expect ") {
				t.Errorf("step %d: goal lines not said in words: %q", k+1, checks)
			}
			if strings.Contains(st.Goal.Expects[0].Text, "violation") {
				sawBug = true
				if !strings.Contains(checks, "leader-completeness is broken") {
					t.Errorf("spot-the-bug goal: %q", checks)
				}
				if b.eval(viewJS+`.invariants.every(i => i.ok)`) != true {
					t.Fatal("an invariant is broken before the learner found the schedule")
				}
			}
			b.click("#lesson-solve")
			b.wait(fmt.Sprintf("step %d goal met", k+1), viewJS+".lesson.met === true")
			if sawBug {
				b.wait("leader-completeness red", viewJS+`.invariants.some(i => !i.ok)`)
				b.shot("raft19-violation")
			}
		}
		if q := st.Question; q != nil && len(q.Choices) > 0 {
			right := max(q.Correct(), 0)
			before := b.step()
			b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, right+1))
			b.wait("explanation", `document.querySelector("#lesson-question .explanation") !== null`)
			if q.Kind == lessons.Predict {
				sawPredict = true
				b.wait("revealed", fmt.Sprintf("%s.lesson.revealed === true && %s.step > %d", viewJS, viewJS, before))
				// The reveal committed B, an entry of term 2, under leader
				// s1 of term 4: the bug's commit, shown on the cluster.
				b.wait("B committed", viewJS+`.raft.committed.length >= 2`)
				b.shot("raft19-figure8-reveal")
			}
		}
		if k+1 < len(l.Steps) {
			b.click("#lesson-next")
		}
	}
	if !sawPredict || !sawBug {
		t.Fatalf("lesson 19 has no prediction (%v) or no spot-the-bug goal (%v)", sawPredict, sawBug)
	}
}
