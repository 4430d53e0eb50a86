package web

import (
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/paxviz/paxviz/lessons"
)

// lessonStateJS is what must survive a reload, a language switch, the
// back button and a server restart: the lesson step, the answer and
// reveal, and the learner's own actions (the step, the history's end and
// the messages in flight).
const lessonStateJS = `(() => { const v = window.paxviz.currentView();
  return JSON.stringify([v.lesson.step, v.lesson.answer, v.lesson.revealed, v.step, v.end, v.state.inflight.map(m => m.id), v.state.nodes.map(n => n.up)]); })()`

// startLessonWork opens step 3 of lesson 02 (a prediction), answers it
// (which reveals) and crashes a3 by hand; it returns the state to keep.
func startLessonWork(t *testing.T, b *browser) string {
	t.Helper()
	b.nav("/lessons/02-happy-path?step=3")
	b.wait("lesson", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	if p := b.evalString(`location.pathname`); !strings.HasPrefix(p, "/s/") {
		t.Errorf("a lesson's session is not in the URL: %s", p)
	}
	b.click(`#lesson-question button.choice[data-choice="2"]`)
	b.wait("answered and revealed", viewJS+".lesson.answer === 1 && "+viewJS+".lesson.revealed === true")
	b.idle()
	b.sendCmd("crash a3")
	b.idle()
	return b.evalString(lessonStateJS)
}

// TestBrowserLessonSessionInURL: a reload, a language switch and the back
// button keep the lesson's step, answer, reveal and the learner's actions.
func TestBrowserLessonSessionInURL(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1366, 900)
	want := startLessonWork(t, b)
	path := b.evalString(`location.pathname`)

	b.do("reload", chromedp.Reload())
	b.wait("reloaded", `document.body.dataset.conn === "connected"`)
	b.idle()
	if got := b.evalString(lessonStateJS); got != want {
		t.Errorf("after a reload: %s, want %s", got, want)
	}
	b.click("#btn-lang")
	b.wait("Chinese", `document.documentElement.lang.startsWith("zh") && document.body.dataset.conn === "connected"`)
	b.idle()
	if got := b.evalString(lessonStateJS); got != want {
		t.Errorf("after switching the language: %s, want %s", got, want)
	}
	b.shot("lesson-zh-kept")
	b.nav("/")
	b.do("back", chromedp.NavigateBack())
	b.wait("back in the lesson", `document.body.dataset.page === "lesson" && document.body.dataset.conn === "connected"`)
	b.idle()
	if got := b.evalString(lessonStateJS); got != want {
		t.Errorf("after the back button: %s, want %s", got, want)
	}
	if p := b.evalString(`location.pathname`); p != path {
		t.Errorf("back at %s, want %s", p, path)
	}
}

// TestBrowserLessonSurvivesRestart: the server restarts without a store
// (it forgets every session) while a learner is in a lesson; the page
// re-creates its session from the record the browser kept, says so, and
// the learner carries on where they were.
func TestBrowserLessonSurvivesRestart(t *testing.T) {
	browserOrSkip(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	serve := func(ln net.Listener) (*Server, *http.Server) {
		srv := NewServer(Options{Lessons: lessons.NewSource("")})
		hs := &http.Server{Handler: srv.Handler()}
		go hs.Serve(ln)
		return srv, hs
	}
	srvA, hsA := serve(ln)
	b := newBrowser(t, "http://"+addr, 1366, 900)
	want := startLessonWork(t, b)
	old := b.evalString(`location.pathname`)
	b.wait("the record is kept in the browser", fmt.Sprintf(
		`(JSON.parse(localStorage.getItem("paxviz.session.%s") || "null")?.rec?.script || "").includes("crash a3")`, strings.TrimPrefix(old, "/s/")))

	hsA.Close()
	srvA.Close()
	var ln2 net.Listener
	for i := 0; i < 50; i++ {
		if ln2, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	srvB, hsB := serve(ln2)
	t.Cleanup(func() { hsB.Close(); srvB.Close() })

	b.wait("resumed in a new session", fmt.Sprintf(`location.pathname !== %q && document.body.dataset.conn === "connected" && document.getElementById("resumed-note") !== null`, old))
	b.idle()
	b.shot("lesson-resumed")
	if got := b.evalString(lessonStateJS); got != want {
		t.Errorf("after the restart: %s, want %s", got, want)
	}
	if srvB.Registry().Len() != 1 {
		t.Errorf("the new server holds %d sessions, want 1", srvB.Registry().Len())
	}
	// The learner carries on.
	b.sendCmd("restart a3")
}

// TestBrowserGoalInWords: a goal's checklist is said in words in the UI
// language, not as raw script ("expect promised a1 1.1").
func TestBrowserGoalInWords(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1366, 900)
	b.nav("/lessons/02-happy-path?step=2&lang=zh")
	b.wait("goal", `document.body.dataset.conn === "connected" && document.querySelectorAll(".goal-checks li").length > 0`)
	got := b.evalString(`[...document.querySelectorAll(".goal-checks li")].map(li => li.textContent).join("\n")`)
	t.Logf("checklist:\n%s", got)
	if strings.Contains(got, "expect") || strings.Contains(got, "none") || !regexp.MustCompile(`\p{Han}`).MatchString(got) {
		t.Errorf("the checklist is not in words in Chinese:\n%s", got)
	}
	b.shot("goal-zh")
}

// TestBrowserOmittedAndBranchCount: a command of more events than a frame
// carries says how many earlier ones are not shown, and a list of
// branches cut to the newest says how many there are in all.
func TestBrowserOmittedAndBranchCount(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1366, 900)
	b.reducedMotion(true)
	b.openScript("cluster proposers=2 acceptors=5 learners=3\npropose p1 X\npropose p2 Y\n", "")
	b.sendCmd("run max=200")
	b.idle()
	if n := b.eval(viewJS + ".last_omitted").(float64); n <= 0 {
		t.Fatalf("the run did not exceed a frame's events (last_omitted %v)", n)
	}
	if got := b.evalString(`document.querySelector("#caption .cap-omitted")?.textContent || ""`); !strings.Contains(got, "earlier events not shown") {
		t.Errorf("caption does not say events were left out: %q", got)
	}
	for i := 1; i <= MaxBranchesListed+2; i++ {
		b.sendCmd("goto 2")
		b.sendCmd(fmt.Sprintf("tick %d", i))
	}
	total := b.eval(viewJS + ".branches_total").(float64)
	got := b.evalString(`document.querySelector("#branches h3")?.textContent || ""`)
	if !strings.Contains(got, fmt.Sprintf("of %d", int(total))) {
		t.Errorf("branches heading %q does not give the total %v", got, total)
	}
}

// TestBrowserBranchTree: the branches are drawn as a small tree, and a
// click on a branch of the tree switches to it.
func TestBrowserBranchTree(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1366, 900)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\ndeliver prepare p1->a1\ndeliver prepare p1->a2\n", "")
	b.sendCmd("goto 1")
	b.sendCmd("crash a3")
	b.wait("two branches", viewJS+".branches.length === 2")
	if n := b.eval(`document.querySelectorAll("#branches .branch-tree .offshoot").length`).(float64); n != 1 {
		t.Fatalf("tree offshoots = %v, want 1", n)
	}
	b.shot("branch-tree")
	before := b.eval(viewJS + ".branch").(float64)
	b.click("#branches .branch-tree .offshoot .hit")
	b.wait("switched by the tree", fmt.Sprintf("%s.branch !== %v && %s.end === 3", viewJS, before, viewJS))
}
