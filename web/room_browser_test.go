package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/paxviz/paxviz/store"
)

// tab opens another tab of b's Chromium in a fresh browser context (its
// own cookies: another person's device).
func (b *browser) tab(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	nb := &browser{t: t, ctx: ctx, base: b.base}
	t.Cleanup(func() {
		cancel()
		nb.mu.Lock()
		defer nb.mu.Unlock()
		for _, e := range nb.errs {
			t.Errorf("browser tab: %s", e)
		}
	})
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			nb.mu.Lock()
			nb.errs = append(nb.errs, "js exception: "+e.ExceptionDetails.Text)
			nb.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(420, 860)); err != nil {
		t.Fatalf("tab viewport: %v", err)
	}
	return nb
}

func (b *browser) num(js string) int {
	b.t.Helper()
	v, _ := b.eval(js).(float64)
	return int(v)
}

// TestBrowserClassroom: one instructor and three students (two in
// English, one in Chinese) join by code, follow a step, have a command
// refused, answer a poll to its histogram, fork, share, and see the
// shared fork projected.
func TestBrowserClassroom(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	code, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(roomScript)+`}`)
	if code != http.StatusCreated {
		t.Fatalf("create room: %d %s", code, body)
	}
	teacher := newBrowser(t, ts.URL, 1400, 1000)
	teacher.nav(strings.TrimPrefix(cr.InstructorURL, ts.URL))
	teacher.wait("the instructor page", `location.pathname.endsWith("/teach") && window.paxvizRoom && window.paxvizRoom.dash() !== null`)
	if got := teacher.evalString(`document.getElementById("room-code").textContent`); got != cr.Code {
		t.Fatalf("projector shows code %q, want %q", got, cr.Code)
	}
	if teacher.eval(`document.getElementById("room-qr").naturalWidth > 0`) != true {
		t.Fatal("the QR code did not load")
	}

	langs := []string{"en", "en", "zh"}
	var students []*browser
	for _, lang := range langs {
		s := teacher.tab(t)
		s.nav("/join?lang=" + lang)
		s.do("type the code",
			chromedp.WaitVisible(chromedp.ID("join-code")),
			chromedp.SendKeys(chromedp.ID("join-code"), strings.ToLower(cr.Code)),
			chromedp.Submit(chromedp.ID("join-code")))
		s.wait("the student page", `location.pathname === "/r/`+cr.Code+`" && window.paxvizRoom && window.paxvizRoom.me().num > 0`)
		students = append(students, s)
	}
	teacher.wait("three students on the dashboard", `document.getElementById("d-connected")?.textContent === "3"`)
	teacher.wait("two languages", `document.getElementById("d-langs")?.textContent === "en: 2, zh: 1"`)
	if got := students[2].evalString(`document.getElementById("room-mode").textContent`); got != "正在实时跟随课堂" {
		t.Fatalf("Chinese student's mode line: %q", got)
	}
	if got := students[0].evalString(`document.getElementById("room-mode").textContent`); got != "Following the class live" {
		t.Fatalf("English student's mode line: %q", got)
	}
	if students[0].eval(`document.getElementById("room-controls").hidden`) != true {
		t.Fatal("a following student sees the run controls")
	}

	// Follow a step.
	step0 := teacher.num(`window.paxvizRoom.roomView().step`)
	teacher.click(`#msg-list li.msg button.deliver`)
	for i, s := range students {
		s.wait(fmt.Sprintf("student %d follows the step", i+1), fmt.Sprintf(`window.paxvizRoom.roomView().step === %d`, step0+1))
	}
	// The narration of the step, in each student's language.
	students[0].wait("the narration", `document.querySelector("#room-narration li")?.textContent.includes("—")`)
	students[2].wait("the narration in Chinese", `/[\u4e00-\u9fff]/.test(document.querySelector("#room-narration li")?.textContent.split("—")[1] || "")`)
	// A student's command is refused with an error in their language.
	students[0].eval(`window.paxvizRoom.raw({cmd: "deliver #2"})`)
	students[0].wait("the refusal", `document.getElementById("error").textContent.includes("only the instructor")`)
	students[2].eval(`window.paxvizRoom.raw({cmd: "undo"})`)
	students[2].wait("the refusal in Chinese", `document.getElementById("error").textContent.includes("只有讲师")`)
	time.Sleep(200 * time.Millisecond)
	if got := teacher.num(`window.paxvizRoom.roomView().step`); got != step0+1 {
		t.Fatalf("a student's command changed the class: step %d, want %d", got, step0+1)
	}

	// A poll, answered on the devices, to its histogram.
	teacher.click("#poll-value")
	answers := []int{0, 1, 1}
	for i, s := range students {
		s.wait("the poll", `document.getElementById("poll-choice-1") !== null`)
		// One JS click: the poll re-renders as counts arrive, so a
		// node found now may be replaced before a CDP click lands.
		s.eval(fmt.Sprintf(`document.getElementById("poll-choice-%d").click()`, answers[i]))
		s.wait("my answer marked", fmt.Sprintf(`document.getElementById("poll-choice-%d")?.getAttribute("aria-pressed") === "true"`, answers[i]))
	}
	teacher.wait("three answers counted", `document.getElementById("poll-count")?.dataset.answered === "3"`)
	if n := teacher.num(`document.querySelectorAll("#room-poll .count").length`); n != 0 {
		t.Fatal("the projector shows the split before the reveal")
	}
	teacher.shot("poll-answered")
	teacher.click("#poll-reveal")
	for _, b := range append([]*browser{teacher}, students...) {
		b.wait("the histogram", `[...document.querySelectorAll("#room-poll .count")].map(e => e.dataset.count).join(",") === "1,2"`)
	}
	students[2].shot("poll-revealed-zh")
	if teacher.eval(`(() => { const b = [...document.querySelectorAll("#room-poll .bar")].map(e => e.getBoundingClientRect().width); return b.length === 2 && b[1] > b[0] * 1.5; })()`) != true {
		t.Fatal("the histogram's bars do not show the split")
	}
	teacher.click("#poll-end")

	// Try it yourself: a fork, a step on it, a share, projected.
	teacher.click("#btn-release")
	s := students[0]
	s.wait("the try button", `!document.getElementById("btn-fork").hidden`)
	s.click("#btn-fork")
	s.wait("on the fork", `document.body.classList.contains("on-fork") && window.paxvizRoom.forkView() !== null`)
	forkStep := s.num(`window.paxvizRoom.forkView().step`)
	s.click(`#msg-list li.msg button.deliver`)
	s.wait("a step on the fork", fmt.Sprintf(`window.paxvizRoom.forkView().step === %d`, forkStep+1))
	s.click(`#msg-list li.msg button.deliver`)
	s.wait("another step on the fork", fmt.Sprintf(`window.paxvizRoom.forkView().step === %d`, forkStep+2))
	if got := teacher.num(`window.paxvizRoom.roomView().step`); got != step0+1 {
		t.Fatalf("the fork changed the class: step %d", got)
	}
	teacher.wait("the dashboard counts the fork", `document.getElementById("d-forks")?.textContent === "1"`)
	s.click("#btn-share")
	teacher.wait("the shared fork listed", `document.querySelector("#shares button.project") !== null`)
	teacher.shot("dashboard")
	teacher.eval(`document.querySelector("#shares button.project").click()`) // the list re-renders with the dashboard
	for _, o := range students[1:] {
		o.wait("the projected fork", fmt.Sprintf(`window.paxvizRoom.roomView().step === %d`, forkStep+2))
	}
	s.click("#btn-back")
	s.wait("back to class", `!document.body.classList.contains("on-fork") && window.paxvizRoom.forkView() === null`)
	s.wait("the class's state", fmt.Sprintf(`window.paxvizRoom.roomView().step === %d`, forkStep+2))
}

// TestBrowserClassroomRestart: the server stops (as on SIGTERM) and starts
// again on the same address and data directory; the instructor's and the
// student's pages reconnect by themselves, the student sees the class's
// state, and the instructor keeps control.
func TestBrowserClassroomRestart(t *testing.T) {
	browserOrSkip(t) // before the listener: a skipped test must not leak its server
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	base := "http://" + addr
	start := func(ln net.Listener) (*Server, *http.Server, store.Store) {
		st, err := store.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		srv := NewServer(Options{Store: st})
		hs := &http.Server{Handler: srv.Handler()}
		go hs.Serve(ln)
		return srv, hs, st
	}
	stop := func(srv *Server, hs *http.Server, st store.Store) {
		srv.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if hs.Shutdown(ctx) != nil {
			hs.Close()
		}
		st.Close()
	}
	srv, hs, st := start(ln)
	_, cr, _ := createRoom(t, base, `{"script": `+jsonString(roomScript)+`}`)
	teacher := newBrowser(t, base, 1200, 900)
	teacher.nav(strings.TrimPrefix(cr.InstructorURL, base))
	teacher.wait("the instructor page", `window.paxvizRoom && window.paxvizRoom.dash() !== null && document.body.dataset.conn === "connected"`)
	student := teacher.tab(t)
	student.nav("/r/" + cr.Code)
	student.wait("the student page", `window.paxvizRoom && window.paxvizRoom.me().num === 1 && document.body.dataset.conn === "connected"`)
	step0 := teacher.num(`window.paxvizRoom.roomView().step`)
	teacher.click(`#msg-list li.msg button.deliver`)
	student.wait("the step", fmt.Sprintf(`window.paxvizRoom.roomView().step === %d`, step0+1))

	stop(srv, hs, st)
	student.wait("the page notices", `document.body.dataset.conn === "reconnecting"`)
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	srv, hs, st = start(ln)
	defer func() { stop(srv, hs, st) }()
	student.wait("the student reconnects", `document.body.dataset.conn === "connected"`)
	teacher.wait("the instructor reconnects", `document.body.dataset.conn === "connected"`)
	if got := student.num(`window.paxvizRoom.roomView().step`); got != step0+1 {
		t.Fatalf("after the restart the student sees step %d, want %d", got, step0+1)
	}
	teacher.click(`#msg-list li.msg button.deliver`)
	student.wait("the instructor still drives the class", fmt.Sprintf(`window.paxvizRoom.roomView().step === %d`, step0+2))
	if got := student.num(`window.paxvizRoom.me().num`); got != 1 {
		t.Fatalf("the student came back as student %d", got)
	}
}
