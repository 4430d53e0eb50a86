package web

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/lessons"
)

// TestBrowserLessonCompare plays lesson 12's comparison steps in the
// player (issue 13): the side-by-side panes take the live cluster's place;
// the prediction keeps them hidden until it is answered, then both panes
// show three servers and, past the crash, no leader in either; the goal
// is said in words, refuses a bad schedule with its line, and is met when
// the learner runs the partition schedule in the step's editor. Leaving
// for a step without a comparison brings the live cluster back.
func TestBrowserLessonCompare(t *testing.T) {
	set, diags := lessons.Builtin()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	const id = "12-paxos-and-raft"
	l := set.Lesson(id, "en")
	predict, goal := -1, -1
	for k := range l.Steps {
		if st := &l.Steps[k]; st.Compare != nil {
			if st.Goal != nil {
				goal = k
			} else if st.Question != nil && st.Question.Kind == lessons.Predict {
				predict = k
			}
		}
	}
	if predict < 0 || goal < 0 {
		t.Fatalf("lesson 12 has no comparison prediction (%d) or goal (%d)", predict, goal)
	}
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav(fmt.Sprintf("/lessons/%s?lang=en&step=%d", id, predict+1))
	b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	b.wait("comparison step", viewJS+`.lesson.step === `+strconv.Itoa(predict)+` && `+viewJS+`.lesson.compare && !document.getElementById("lesson-compare").hidden`)
	if b.eval(`getComputedStyle(document.querySelector(".workspace > .stage")).display === "none"`) != true {
		t.Error("the live cluster is still shown beside the comparison")
	}
	// Before the answer, the comparison is hidden.
	if b.eval(`!document.getElementById("cmp-locked").hidden && document.getElementById("cmp-view").hidden`) != true {
		t.Error("the comparison is shown before the prediction is answered")
	}
	q := l.Steps[predict].Question
	b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, q.Correct()+1))
	b.wait("revealed", viewJS+`.lesson.revealed === true && !document.getElementById("cmp-view").hidden`)
	b.wait("both panes", `document.body.dataset.cmpRev === String(`+viewJS+`.lesson.compare.rev) && document.querySelectorAll("#pane-mp .cmp-server").length === 3 && document.querySelectorAll("#pane-raft .cmp-server").length === 3`)
	// Past the crash at tick 80 neither protocol has a leader.
	b.eval(`(() => { const s = document.getElementById("cmp-tick"); s.value = "86"; s.dispatchEvent(new Event("input")); })()`)
	b.wait("tick 86", `document.body.dataset.tick === "86"`)
	if got := b.evalString(`document.getElementById("pane-mp").dataset.leader + "|" + document.getElementById("pane-raft").dataset.leader`); got != "|" {
		t.Errorf("leaders at tick 86 (Multi-Paxos|Raft): %q, want none in either", got)
	}
	if got := b.evalString(`document.querySelector("#pane-raft .cmp-lead").textContent`); !strings.Contains(got, "no leader") {
		t.Errorf("Raft pane's header at tick 86: %q", got)
	}
	row := func(key string) [2]int {
		var out [2]int
		for i, cls := range []string{"mp", "raft"} {
			s := b.evalString(fmt.Sprintf(`document.querySelector('#cmp-table tr[data-key="%s"] td.%s').textContent`, key, cls))
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				t.Fatalf("counter %s (%s): %q", key, cls, s)
			}
			out[i] = n
		}
		return out
	}
	b.eval(`(() => { const s = document.getElementById("cmp-tick"); s.value = s.max; s.dispatchEvent(new Event("input")); })()`)
	b.wait("last tick", `document.body.dataset.tick === "200"`)
	if lt := row("leaderless"); lt[0] == 0 || lt[1] == 0 {
		t.Errorf("leaderless ticks (Multi-Paxos, Raft) = %v: both need a leader", lt)
	}
	// The ticks where neither has a leader: the page counts what the
	// linter checks (lessons.BothLeaderless).
	c, err := sim.RunCompare(l.Steps[predict].Compare.Schedule, true)
	if err != nil {
		t.Fatal(err)
	}
	if nb, want := row("neither"), lessons.BothLeaderless(c); nb[0] != want || nb[1] != want || want == 0 {
		t.Errorf("ticks where neither has a leader: page %v, lessons.BothLeaderless %d", nb, want)
	}
	b.shot("cmplesson-predict")

	// The goal: said in words, open on the step's own schedule.
	b.click("#lesson-next")
	b.wait("goal step", viewJS+`.lesson.step === `+strconv.Itoa(goal)+` && `+viewJS+`.lesson.met === false && document.querySelector(".lesson-goal:not(.met)") !== null`)
	b.wait("its comparison", `!document.getElementById("lesson-compare").hidden && !document.getElementById("cmp-view").hidden && document.body.dataset.cmpRev === String(`+viewJS+`.lesson.compare.rev) && document.getElementById("cmp-script").value.includes("crash leader")`)
	if b.evalString(`document.getElementById("cmp-own").textContent`) != "" {
		t.Error("the step's own schedule is called the learner's")
	}
	checks := b.evalString(`[...document.querySelectorAll("#lesson-goal .goal-checks li")].map(li => li.textContent).join(" | ")`)
	if strings.Contains(checks, "expect ") || strings.Contains(checks, "@") || !strings.Contains(checks, "Raft: entries overwritten > 0") || !strings.Contains(checks, "now Raft: entries overwritten is 0") {
		t.Errorf("goal lines: %q", checks)
	}
	// A bad schedule is refused with its line; the goal stays open.
	b.eval(`document.getElementById("cmp-script").value = "compare servers=3 seed=7\nat 80 fly\nrun until=200"`)
	b.click("#cmp-run")
	b.wait("error", `!document.getElementById("cmp-error").hidden`)
	if msg := b.evalString(`document.getElementById("cmp-error").textContent`); !strings.Contains(msg, "line 2") {
		t.Errorf("error: %q", msg)
	}
	// The learner's own schedule: the leader is cut off instead.
	b.eval(`(() => { const s = document.getElementById("cmp-script"); s.value = s.value; })()`)
	b.eval(`document.getElementById("cmp-script").value = ` + strconv.Quote(l.Steps[goal].Compare.Solution))
	b.click("#cmp-run")
	b.wait("goal met", viewJS+`.lesson.met === true && document.querySelector(".lesson-goal.met") !== null && document.getElementById("cmp-error").hidden`)
	// The page shows the learner's comparison, and says it is theirs.
	b.wait("the learner's comparison", `document.body.dataset.cmpRev === String(`+viewJS+`.lesson.compare.rev) && document.getElementById("cmp-own").textContent !== ""`)
	b.eval(`(() => { const s = document.getElementById("cmp-tick"); s.value = s.max; s.dispatchEvent(new Event("input")); })()`)
	b.wait("last tick", `document.body.dataset.tick === "200"`)
	if mv := row("moved"); mv[0] <= mv[1] {
		t.Errorf("entries moved in votes (Multi-Paxos, Raft) = %v", mv)
	}
	if ow := row("overwritten"); ow[1] == 0 {
		t.Errorf("entries overwritten (Multi-Paxos, Raft) = %v", ow)
	}
	b.shot("cmplesson-goal")

	// Back to a step without a comparison: the live cluster returns.
	b.click("#lesson-prev")
	b.click("#lesson-prev")
	b.wait("step without comparison", viewJS+`.lesson.step === `+strconv.Itoa(predict-1)+` && document.getElementById("lesson-compare").hidden`)
	if b.eval(`getComputedStyle(document.querySelector(".workspace > .stage")).display !== "none"`) != true {
		t.Error("the live cluster stays hidden after leaving the comparison")
	}
}
