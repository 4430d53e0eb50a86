package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/lessons"
)

// TestBrowserLessonMultiPaxos plays lesson 14 (a Multi-Paxos cluster) in
// the browser: the lesson panel beside the Multi-Paxos view (log grid,
// cost counters), a question, a goal reached with the learner's own clicks
// (said in words, then met), a second goal, and a prediction revealed on
// the cluster, with the cost counters telling 4 delays from 2; then the
// same goal in Chinese.
func TestBrowserLessonMultiPaxos(t *testing.T) {
	set, diags := lessons.Builtin()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	l := set.Lesson("14-decree-to-log", "en")
	if l == nil || l.Protocol != "multipaxos" {
		t.Fatal("lesson 14 is not a Multi-Paxos lesson")
	}
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/lessons/14-decree-to-log?lang=en&step=1")
	b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	b.wait("Multi-Paxos view", `document.querySelector("#mp-log tr[data-server=s1]") !== null && document.getElementById("mp-cost-table") !== null`)
	if got := b.evalString(`document.getElementById("lesson-step-title").textContent`); got != l.Steps[0].Title {
		t.Fatalf("step 1 title %q, want %q", got, l.Steps[0].Title)
	}

	// Step 1: a question, answered wrong, then right.
	b.click(`#lesson-question .choice[data-choice="1"]`)
	b.wait("wrong answer", `document.querySelector("#lesson-question .verdict.wrong") !== null`)
	b.click(`#lesson-question .choice[data-choice="2"]`)
	b.wait("right answer", `document.querySelector("#lesson-question .verdict.right") !== null && document.querySelector("#lesson-question .explanation") !== null`)

	// Step 2: the goal, said in words, reached by clicking.
	b.click("#lesson-next")
	b.wait("step 2", viewJS+".lesson.step === 1 && document.querySelector(\".lesson-goal:not(.met)\") !== null")
	checks := b.evalString(`[...document.querySelectorAll("#lesson-goal .goal-checks li")].map(li => li.textContent).join(" | ")`)
	if !strings.Contains(checks, "s1 leads") || !strings.Contains(checks, "no server leads") || strings.Contains(checks, "expect ") {
		t.Errorf("goal lines not said in words: %q", checks)
	}
	b.click(`.node[data-node="s1"] [data-ctl="timeout"]`)
	b.wait("prepare in flight", viewJS+`.state.inflight.some(m => m.type === "prepare" && m.to === "s2")`)
	if b.eval(viewJS+".lesson.met") == true {
		t.Fatal("goal met before phase 1 is done")
	}
	b.mpAct("deliver", "prepare", "s1", "s2")
	b.mpAct("deliver", "promise", "s2", "s1")
	b.wait("goal met", viewJS+`.lesson.met === true && document.querySelector(".lesson-goal.met") !== null`)
	b.wait("s1 leads in the grid", `document.querySelector("#mp-log tr[data-server=s1] .lead-badge") !== null`)
	b.shot("goal-met")

	// Step 3: the first command, by hand; it paid for phase 1.
	b.click("#lesson-next")
	b.wait("step 3", viewJS+".lesson.step === 2 && "+viewJS+".lesson.met === false")
	b.mpAct("deliver", "accept", "s1", "s2")
	b.mpAct("deliver", "accepted", "s2", "s1")
	b.mpAct("deliver", "reply", "s1", "c1")
	b.wait("goal met", viewJS+".lesson.met === true")
	b.wait("leader-change cost", `document.querySelector('#mp-cost-table tr[data-kind=change] .n-delays').textContent === "4.0"`)

	// Step 4 (a question), then step 5: the prediction, revealed on the
	// cluster.
	b.click("#lesson-next")
	b.wait("step 4", viewJS+".lesson.step === 3")
	b.click("#lesson-next")
	b.wait("step 5", viewJS+".lesson.step === 4 && document.querySelector(\"#lesson-question .choice\") !== null")
	before := b.step()
	b.click(`#lesson-question .choice[data-choice="2"]`)
	b.wait("revealed", fmt.Sprintf("%s.lesson.revealed === true && %s.step > %d", viewJS, viewJS, before))
	b.wait("right prediction", `document.querySelector("#lesson-question .verdict.right") !== null`)
	b.wait("steady cost", `document.querySelector('#mp-cost-table tr[data-kind=steady] .n-delays').textContent === "2.0"`)
	b.wait("slot 2 executed at s1", `document.querySelector('#mp-log tr[data-server=s1] td[data-slot="2"]').dataset.state === "executed"`)
	b.shot("revealed")

	// Back restores step 4's entry state (a Multi-Paxos history rebuilt).
	b.click("#lesson-prev")
	b.wait("back", viewJS+".lesson.step === 3 && "+viewJS+".mp.servers[2].upto === 1")

	// The same goal in Chinese: its lines are said in Chinese.
	b.nav("/lessons/14-decree-to-log?lang=zh&step=2")
	b.wait("Chinese step 2", `document.body.dataset.conn === "connected" && document.querySelector("#lesson-goal .goal-checks li") !== null`)
	zh := b.evalString(`document.querySelector("#lesson-goal .goal-checks").textContent`)
	if !strings.Contains(zh, "s1 是领导者") {
		t.Errorf("Chinese goal lines: %q", zh)
	}
	b.shot("zh-goal")
}

// TestBrowserLessonMultiPaxosWalk walks lessons 15 and 16 to the end with
// "Show me" and the right answers: every step enters, every goal is met
// by its solution, every prediction is revealed on the cluster. Lesson 16
// ends with a red linearizability verdict and exactly-once broken, as it
// means to.
func TestBrowserLessonMultiPaxosWalk(t *testing.T) {
	set, _ := lessons.Builtin()
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	for _, id := range []string{"15-leader-change", "16-what-clients-see"} {
		l := set.Lesson(id, "en")
		if l == nil || l.Protocol != "multipaxos" {
			t.Fatalf("%s is not a Multi-Paxos lesson", id)
		}
		b.nav("/lessons/" + id + "?lang=en&step=1")
		b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
		for k, st := range l.Steps {
			b.wait(fmt.Sprintf("%s step %d", id, k+1), fmt.Sprintf("%s.lesson.step === %d && document.getElementById(\"lesson-step-title\").textContent === %q", viewJS, k, st.Title))
			if st.Goal != nil {
				b.wait("goal open", viewJS+".lesson.met === false && document.querySelector(\".lesson-goal:not(.met)\") !== null")
				b.click("#lesson-solve")
				b.wait(fmt.Sprintf("%s step %d goal met", id, k+1), viewJS+".lesson.met === true")
			}
			if q := st.Question; q != nil && len(q.Choices) > 0 {
				right := max(q.Correct(), 0)
				b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, right+1))
				b.wait("explanation", `document.querySelector("#lesson-question .explanation") !== null`)
				if q.Kind == lessons.Predict {
					b.wait("revealed", viewJS+".lesson.revealed === true")
				}
				b.shot(fmt.Sprintf("%s-step%d", id, k+1))
			}
			if k+1 < len(l.Steps) {
				b.click("#lesson-next")
			}
		}
	}
	b.wait("linearizability verdict", `document.querySelector("#mp-verdict.broken") !== null`)
	if b.eval(viewJS+`.invariants.find(i => i.name === "mp_exactly-once").ok`) != false {
		t.Error("lesson 16 ends without exactly-once broken")
	}
}
