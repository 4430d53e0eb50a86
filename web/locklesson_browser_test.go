package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/lessons"
)

// lockInvariantOK reads the view's verdict on the invariant fencing.
const lockFencingOK = viewJS + `.invariants.find(i => i.name === "mp_fencing").ok`

// TestBrowserLessonLock plays lesson 13's GC-pause story through the
// lesson player with the learner's own commands: c1 takes lock f (goal
// lines said in words), writes and pauses, its lease expires in the log,
// c2 takes the lock with token 3 and writes B; with no_fencing, c1's late
// store overwrites B and the view shows fencing broken. The next step
// starts afresh on the fenced cluster: fencing holds, d1 refuses c1's
// store with err=stale, Back returns to the broken run, and the last goal
// (c1 writes again with a new token) is reached by hand.
func TestBrowserLessonLock(t *testing.T) {
	set, diags := lessons.Builtin()
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	l := set.Lesson("13-distributed-lock", "en")
	if l == nil || l.Protocol != "multipaxos" || len(l.Steps) != 7 || l.Steps[5].ClusterLine == "" {
		t.Fatal("lesson 13 is not the 7-step GC-pause story on a Multi-Paxos lock cluster")
	}
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/lessons/13-distributed-lock?lang=en&step=1")
	b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	b.wait("Multi-Paxos view", `document.querySelector("#mp-log tr[data-server=s1]") !== null`)
	goalLines := func() string {
		return b.evalString(`[...document.querySelectorAll("#lesson-goal .goal-checks li")].map(li => li.textContent).join(" | ")`)
	}
	enter := func(k int) {
		t.Helper()
		b.wait(fmt.Sprintf("step %d", k+1), fmt.Sprintf("%s.lesson.step === %d && document.getElementById(\"lesson-step-title\").textContent === %q", viewJS, k, l.Steps[k].Title))
	}
	answer := func(choice int) {
		t.Helper()
		b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, choice))
		b.wait("right answer", `document.querySelector("#lesson-question .verdict.right") !== null && document.querySelector("#lesson-question .explanation") !== null`)
	}
	play := func(lines ...string) {
		t.Helper()
		for _, line := range lines {
			b.mpCommand(line)
		}
	}

	// Step 1: c1 takes the lock; the goal is said in words.
	enter(0)
	if g := goalLines(); !strings.Contains(g, "c1 believes it holds lock f") || strings.Contains(g, "expect ") {
		t.Errorf("step 1 goal lines: %q", g)
	}
	play("acquire c1 f", "run until=quiet")
	b.wait("c1 holds f", viewJS+".lesson.met === true")
	answer(2)

	// Step 2: the write is in flight, c1 paused; the lease runs out and
	// the log expires the lock.
	b.click("#lesson-next")
	enter(1)
	b.wait("c1's store in flight", viewJS+`.state.inflight.some(m => m.type === "store" && m.from === "c1")`)
	play("tick 11")
	if b.eval(viewJS+".lesson.met") == true {
		t.Fatal("goal met before the expire is decided")
	}
	play("deliver accept s1->s2 s=2", "deliver accepted s2->s1 s=2")
	b.wait("lock expired", viewJS+".lesson.met === true")

	// Step 3: c2 takes the lock (token 3) and writes B.
	b.click("#lesson-next")
	enter(2)
	play("acquire c2 f", "deliver request c2->s1", "deliver accept s1->s3 s=3", "deliver accepted s3->s1 s=3", "deliver reply s1->c2", "write c2 f B", "deliver store c2->d1")
	b.wait("c2 wrote B", viewJS+".lesson.met === true")
	if g := goalLines(); !strings.Contains(g, "d1 has f = B, highest token 3") {
		t.Errorf("step 3 goal lines: %q", g)
	}
	answer(2)

	// Step 4, without fencing: c1's late store lands over B.
	b.click("#lesson-next")
	enter(3)
	if b.eval(lockFencingOK) != true {
		t.Fatal("fencing broken before c1's store arrives")
	}
	before := b.step()
	b.click(`#lesson-question .choice[data-choice="2"]`)
	b.wait("revealed", fmt.Sprintf("%s.lesson.revealed === true && %s.step > %d", viewJS, viewJS, before))
	b.wait("fencing broken", lockFencingOK+" === false")
	b.shot("no-fencing")

	// Step 5 (a question), then step 6 on the fenced cluster.
	b.click("#lesson-next")
	enter(4)
	answer(2)
	b.click("#lesson-next")
	enter(5)
	b.wait("a fresh, fenced cluster", lockFencingOK+` === true && `+viewJS+`.state.inflight.some(m => m.type === "store" && m.from === "c1")`)
	before = b.step()
	b.click(`#lesson-question .choice[data-choice="2"]`)
	b.wait("revealed", fmt.Sprintf("%s.lesson.revealed === true && %s.step > %d", viewJS, viewJS, before))
	b.wait("d1 refuses the stale store", viewJS+`.state.inflight.some(m => m.type === "stored" && m.to === "c1" && m.text.includes("err=stale"))`)
	if b.eval(lockFencingOK) != true {
		t.Error("fencing broken on the fenced cluster")
	}
	b.shot("fencing")

	// Back: step 5's entry is the broken run again.
	b.click("#lesson-prev")
	enter(4)
	b.wait("the broken run", lockFencingOK+" === false")
	b.click("#lesson-next")
	enter(5)
	b.wait("the fenced run", lockFencingOK+" === true")

	// Step 7: the last goal, c1 writes again with a new token.
	b.click("#lesson-next")
	enter(6)
	b.wait("goal open", viewJS+".lesson.met === false")
	play("release c2 f", "run until=quiet", "acquire c1 f", "run until=quiet", "write c1 f C")
	if b.eval(viewJS+".lesson.met") == true {
		t.Fatal("goal met before d1 has stored C")
	}
	play("run until=quiet")
	b.wait("c1 wrote C", viewJS+".lesson.met === true")
	if g := goalLines(); !strings.Contains(g, "d1 has f = C") {
		t.Errorf("step 7 goal lines: %q", g)
	}
	answer(2)
	b.shot("end")
}

// TestBrowserLessonReadsWalk walks lesson 20 to the end with "Show me" and
// the right answers. It starts afresh three times (read_no_lease, the
// correct cluster, lease_no_drift, the drift bound): the stale read breaks
// linearizability, the fresh correct cluster starts with every invariant
// intact, lease_no_drift shows two leases, and the last run ends safe.
func TestBrowserLessonReadsWalk(t *testing.T) {
	set, _ := lessons.Builtin()
	l := set.Lesson("20-reads", "en")
	if l == nil || l.Protocol != "multipaxos" {
		t.Fatal("lesson 20 is not a Multi-Paxos lesson")
	}
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/lessons/20-reads?lang=en&step=1")
	b.wait("lesson page", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	inv := func(name string) string {
		return viewJS + `.invariants.find(i => i.name === "mp_` + name + `").ok`
	}
	for k, st := range l.Steps {
		b.wait(fmt.Sprintf("step %d", k+1), fmt.Sprintf("%s.lesson.step === %d && document.getElementById(\"lesson-step-title\").textContent === %q", viewJS, k, st.Title))
		if st.ClusterLine != "" {
			b.wait(fmt.Sprintf("step %d starts afresh", k+1), inv("linearizable")+" === true && "+inv("lease-exclusive")+" === true")
		}
		if st.Goal != nil {
			b.wait("goal open", viewJS+".lesson.met === false")
			b.click("#lesson-solve")
			b.wait(fmt.Sprintf("step %d goal met", k+1), viewJS+".lesson.met === true")
		}
		if q := st.Question; q != nil && len(q.Choices) > 0 {
			b.click(fmt.Sprintf(`#lesson-question .choice[data-choice="%d"]`, max(q.Correct(), 0)+1))
			b.wait("explanation", `document.querySelector("#lesson-question .explanation") !== null`)
			if len(q.Reveal) > 0 {
				b.wait("revealed", viewJS+".lesson.revealed === true")
			}
		}
		switch st.Title {
		case "A stale read":
			b.wait("stale read", inv("linearizable")+" === false")
		case "Clocks that drift":
			b.wait("two leases", inv("lease-exclusive")+" === false")
		}
		if k+1 < len(l.Steps) {
			b.click("#lesson-next")
		}
	}
	if b.eval(inv("lease-exclusive")) != true || b.eval(inv("linearizable")) != true {
		t.Error("lesson 20 ends with an invariant broken")
	}
	b.shot("end")
}
