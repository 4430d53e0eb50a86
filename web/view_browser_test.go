package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/paxviz/paxviz/lessons"
)

// Browser tests of the cluster view (issue 10): they measure the page —
// font sizes, overflow, overlapping boxes, positions over time — rather
// than only click through it. Screenshots go to $PAXVIZ_SCREENSHOT_DIR.

// openScript opens a sandbox replaying script (extra query appended) and
// waits until it is live and drawn.
func (b *browser) openScript(script, query string) {
	b.t.Helper()
	b.nav("/sandbox?script=" + url.QueryEscape(script) + query)
	b.wait("connected", `document.body.dataset.conn === "connected" && document.querySelectorAll(".node").length > 0`)
	b.idle()
}

// idle waits until no event sequence is playing.
func (b *browser) idle() {
	b.t.Helper()
	b.wait("sequence ends and the layout fits the width", `document.body.dataset.sequence !== "playing" && (!document.getElementById("diagram") || document.getElementById("diagram").dataset.w === String(document.getElementById("diagram").clientWidth))`)
	b.do("two frames", chromedp.Poll[chromedp.Void](`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`))
}

// sendCmd sends a script line over the page's socket and waits for the
// new state and the end of its sequence.
func (b *browser) sendCmd(line string) {
	b.t.Helper()
	before := b.eval(viewJS + ".seq").(float64)
	b.eval(fmt.Sprintf(`window.paxviz.send(%q)`, line))
	b.wait("state after "+line, fmt.Sprintf("%s.seq > %v", viewJS, before))
}

// reducedMotion turns prefers-reduced-motion on or off.
func (b *browser) reducedMotion(on bool) {
	b.t.Helper()
	v := "no-preference"
	if on {
		v = "reduce"
	}
	b.do("reduced motion", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: v}}})
		return err
	}))
}

// shotAt saves a screenshot under name in $PAXVIZ_SCREENSHOT_DIR (if set).
func (b *browser) shotAt(name string) {
	b.t.Helper()
	if os.Getenv("PAXVIZ_SCREENSHOT_DIR") == "" {
		return
	}
	b.shot(name)
}

// overlapJS returns a list of overlapping pairs among chips and between
// chips and node cards (as text), or "" when there is none.
const overlapJS = `(() => {
  const box = (e) => e.getBoundingClientRect();
  const chips = [...document.querySelectorAll("#diagram .chip:not(.ghost)")];
  const cards = [...document.querySelectorAll("#diagram .node")];
  const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
  const out = [];
  for (let i = 0; i < chips.length; i++) {
    const a = box(chips[i]);
    for (let j = i + 1; j < chips.length; j++) if (hit(a, box(chips[j]))) out.push(chips[i].textContent + " / " + chips[j].textContent);
    for (const c of cards) if (hit(a, box(c))) out.push(chips[i].textContent + " / card " + c.dataset.node);
  }
  return out.join("; ");
})()`

// minFontJS is the smallest computed font size (px) of any visible text
// in sel.
const minFontJS = `((sel) => {
  let min = 1e9, what = "";
  const walk = document.createTreeWalker(document.querySelector(sel), NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const n = walk.currentNode;
    if (!n.textContent.trim()) continue;
    const e = n.parentElement;
    if (!e.getClientRects().length) continue;
    const cs = getComputedStyle(e);
    if (cs.visibility === "hidden") continue;
    const fs = parseFloat(cs.fontSize);
    if (fs < min) { min = fs; what = e.className + ": " + n.textContent.trim().slice(0, 30); }
  }
  return min + " (" + what + ")";
})`

// offscreenJS lists cards and chips not wholly inside the viewport.
const offscreenJS = `(() => {
  const out = [];
  for (const e of document.querySelectorAll("#diagram .node, #diagram .chip:not(.ghost)")) {
    const r = e.getBoundingClientRect();
    if (r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) out.push((e.dataset.node || e.textContent) + " " + [r.left, r.top, r.right, r.bottom].map(Math.round).join(","));
  }
  return out.join("; ");
})()`

const hOverflowJS = `document.documentElement.scrollWidth - document.documentElement.clientWidth`

func fontPx(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscanf(s, "%g", &f); err != nil {
		t.Fatalf("font size %q: %v", s, err)
	}
	return f
}

// TestBrowserViewProjector: at 1920×1080 in projector mode, the default
// clusters' cards and in-flight messages are all on the screen without
// scrolling, and the smallest text in the cluster is at least 24 px; at
// 1280×720 too (everything visible).
func TestBrowserViewProjector(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, sz := range []struct{ w, h int }{{1920, 1080}, {1280, 720}} {
		for _, sc := range []struct{ name, script string }{
			{"roles", "cluster proposers=1 acceptors=3 learners=1\npropose p1 X\ndeliver prepare p1->a1\ndeliver prepare p1->a2\n"},
			{"servers", "cluster servers=3\npropose s1 X\n"},
			{"dueling", "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\npropose p2 Y\ndeliver prepare p1->a1\n"},
		} {
			t.Run(fmt.Sprintf("%dx%d-%s", sz.w, sz.h, sc.name), func(t *testing.T) {
				b := newBrowser(t, ts.URL, sz.w, sz.h)
				b.openScript(sc.script, "")
				b.click("#btn-big")
				b.wait("projector", `document.body.classList.contains("big")`)
				b.idle()
				b.wait("chips", `document.querySelectorAll("#diagram .chip").length > 0`)
				b.shotAt("projector")
				if off := b.evalString(offscreenJS); off != "" {
					t.Errorf("not on the screen: %s", off)
				}
				if ov := b.eval(hOverflowJS).(float64); ov > 0 {
					t.Errorf("page scrolls sideways by %vpx", ov)
				}
				if sz.w == 1920 {
					for _, sel := range []string{"#diagram", "#caption"} {
						got := b.evalString(minFontJS + `("` + sel + `")`)
						t.Logf("smallest text in %s: %s px", sel, got)
						if fontPx(t, got) < 24 {
							t.Errorf("smallest text in %s: %s px, want >= 24", sel, got)
						}
					}
				}
				if ov := b.evalString(overlapJS); ov != "" {
					t.Errorf("overlap: %s", ov)
				}
			})
		}
	}
}

// TestBrowserViewProjectorLesson: a lesson projected at 1920×1080 keeps
// the cluster's text at 24px or more and every card and message on the
// screen, beside the lesson's text.
func TestBrowserViewProjectorLesson(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1920, 1080)
	b.nav("/lessons/02-happy-path?step=4")
	b.wait("lesson", `document.body.dataset.conn === "connected" && document.querySelectorAll(".node").length > 0`)
	b.click("#lesson-big")
	b.wait("projector", `document.body.classList.contains("big")`)
	b.key("m") // "Show me", by keyboard
	b.wait("solved", viewJS+".lesson.met === true")
	b.idle()
	b.shotAt("lesson")
	got := b.evalString(minFontJS + `("#diagram")`)
	t.Logf("smallest text in the projected lesson's cluster: %s px", got)
	if fontPx(t, got) < 24 {
		t.Errorf("smallest text in the cluster: %s px, want >= 24", got)
	}
	if off := b.evalString(offscreenJS); off != "" {
		t.Errorf("not on the screen: %s", off)
	}
	if ov := b.evalString(overlapJS); ov != "" {
		t.Errorf("overlap: %s", ov)
	}
	if ov := b.eval(hOverflowJS).(float64); ov > 0 {
		t.Errorf("page scrolls sideways by %vpx", ov)
	}
	b.key("R") // reset the step, by keyboard
	b.wait("reset", viewJS+".lesson.met === false && "+viewJS+".lesson.solved === false")
}

// TestBrowserViewLaptop: in a lesson on a laptop screen the step's text,
// every node and the in-flight list are visible together.
func TestBrowserViewLaptop(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	for _, sz := range []struct{ w, h int }{{1366, 768}, {1440, 900}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			b := newBrowser(t, ts.URL, sz.w, sz.h)
			b.nav("/lessons/02-happy-path?step=4")
			b.wait("lesson", `document.body.dataset.conn === "connected" && document.querySelectorAll(".node").length > 0 && document.querySelector("#msg-list li.msg") !== null`)
			b.idle()
			b.shotAt("lesson")
			out := b.evalString(`[...document.querySelectorAll("#lesson-step-title, #diagram .node, #msg-list li.msg:first-child")].filter(e => { const r = e.getBoundingClientRect(); return r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth; }).map(e => e.id || e.dataset.node || e.dataset.msg).join(" ")`)
			if out != "" {
				t.Errorf("not visible together: %s", out)
			}
		})
	}
}

// TestBrowserViewPhone: at 390×844 neither the sandbox nor a lesson
// scrolls sideways, and in a lesson the cluster starts on the first
// screen.
func TestBrowserViewPhone(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 390, 844)
	b.openScript("cluster proposers=2 acceptors=3 learners=1\npropose p1 X\npropose p2 Y\ndeliver prepare p1->a1\ndup #2\n", "")
	b.shotAt("sandbox")
	if ov := b.eval(hOverflowJS).(float64); ov > 0 {
		t.Errorf("sandbox scrolls sideways by %vpx: %s", ov, b.evalString(wideJS))
	}
	if ov := b.evalString(overlapJS); ov != "" {
		t.Errorf("overlap: %s", ov)
	}
	b.nav("/lessons/02-happy-path")
	b.wait("lesson", `document.body.dataset.conn === "connected" && document.querySelectorAll(".node").length > 0`)
	b.shotAt("lesson")
	if ov := b.eval(hOverflowJS).(float64); ov > 0 {
		t.Errorf("lesson scrolls sideways by %vpx: %s", ov, b.evalString(wideJS))
	}
	if top := b.eval(`document.getElementById("diagram").getBoundingClientRect().top + scrollY`).(float64); top > 844 {
		t.Errorf("the cluster starts %vpx down the lesson page, below the first screen", top)
	}
}

// wideJS names the elements wider than the viewport.
const wideJS = `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(0, 8).map(e => e.tagName + "." + e.className + "#" + e.id).join(" ")`

// TestBrowserViewChipsNoOverlap: nine servers with many messages and
// duplicates in flight: no chip overlaps another chip or a card, on a
// wide screen and on a phone.
func TestBrowserViewChipsNoOverlap(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	script := "cluster servers=9\npropose s1 X\npropose s5 Y\ndup prepare s1->s2\ndup prepare s1->s3\ndup prepare s1->s3\ndup prepare s5->s6\ndup prepare s5->s1\ndeliver prepare s1->s4\ndeliver prepare s5->s9\n"
	for _, sz := range []struct{ w, h int }{{1400, 1000}, {1920, 1080}, {390, 844}} {
		t.Run(fmt.Sprintf("%dx%d", sz.w, sz.h), func(t *testing.T) {
			b := newBrowser(t, ts.URL, sz.w, sz.h)
			b.openScript(script, "")
			n := int(b.eval(viewJS + ".state.inflight.length").(float64))
			t.Logf("%d messages in flight, %d chips", n, int(b.eval(`document.querySelectorAll("#diagram .chip").length`).(float64)))
			if n < 15 {
				t.Fatalf("only %d messages in flight", n)
			}
			// Every message is drawn: as its own chip or counted in a "+k".
			drawn := int(b.eval(`document.querySelectorAll("#diagram .chip[data-msg]").length + [...document.querySelectorAll("#diagram .chip.more")].reduce((s, e) => s + Number(e.dataset.more), 0)`).(float64))
			if drawn != n {
				t.Errorf("%d messages drawn, %d in flight", drawn, n)
			}
			b.shotAt("nine")
			if ov := b.evalString(overlapJS); ov != "" {
				t.Errorf("overlap: %s", ov)
			}
			if ov := b.eval(hOverflowJS).(float64); ov > 0 {
				t.Errorf("page scrolls sideways by %vpx: %s", ov, b.evalString(wideJS))
			}
		})
	}
}

// TestBrowserViewCaptionAndChanges: after a delivery the caption says
// what happened in the UI language, and the receiving node's changed
// field is marked.
func TestBrowserViewCaptionAndChanges(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, c := range []struct{ lang, want string }{
		{"en", "a1 promises 1.1 to p1; it has accepted nothing yet"},
		{"zh", "a1 向 p1 承诺 1.1；它尚未接受任何提案"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			b := newBrowser(t, ts.URL, 1400, 1000)
			b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n", "&lang="+c.lang)
			b.click(`#msg-list li[data-msg="1"] button.deliver`)
			b.wait("delivered", viewJS+".step === 2")
			b.idle()
			if got := b.evalString(`document.getElementById("caption").textContent`); !strings.Contains(got, c.want) {
				t.Errorf("caption %q does not say %q", got, c.want)
			}
			if got := b.evalString(`[...document.querySelectorAll('.node[data-node="a1"] dd.changed')].map(e => e.dataset.field).join(",")`); got != "promised" {
				t.Errorf("a1's changed fields: %q, want promised", got)
			}
			if got := b.evalString(`[...document.querySelectorAll('.node dd.changed')].length + ""`); got != "1" {
				t.Errorf("%s fields marked changed, want 1", got)
			}
			// The chip and the list name the message alike.
			chip := b.evalString(`document.querySelector('#diagram .chip[data-msg="4"]').textContent`)
			item := b.evalString(`document.querySelector('#msg-list li[data-msg="4"] .msg-type').textContent`)
			if !strings.HasPrefix(chip, item+" ") {
				t.Errorf("chip %q and list %q name the message differently", chip, item)
			}
			b.shotAt("caption")
		})
	}
}

// TestBrowserViewKeyboard: with the keyboard only, Tab reaches a message
// in flight, Enter delivers it, and focus stays on the next message.
func TestBrowserViewKeyboard(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n", "")
	b.eval(`document.activeElement.blur()`)
	found := false
	for i := 0; i < 80 && !found; i++ {
		b.key(kb.Tab)
		found = b.eval(`document.activeElement.matches("#msg-list li.msg")`) == true
	}
	if !found {
		t.Fatal("Tab never reaches a message in flight")
	}
	id := b.evalString(`document.activeElement.dataset.msg`)
	b.key(kb.Enter)
	b.wait("delivered by Enter", viewJS+".step === 2 && "+viewJS+".last[0].msg.id === "+id)
	b.idle()
	b.wait("focus on the next message", `document.activeElement.matches("#msg-list li.msg") && document.activeElement.dataset.msg !== "`+id+`"`)
	next := b.evalString(`document.activeElement.dataset.msg`)
	b.key("x")
	b.wait("dropped by x", viewJS+".step === 3 && "+viewJS+".last[0].kind === 'drop' && "+viewJS+".last[0].msg.id === "+next)
	b.wait("focus stays in the list", `document.activeElement.matches("#msg-list li.msg")`)

	// The event log is one tab stop; arrow keys move inside, Enter goes.
	b.idle()
	b.wait("log lines", `document.querySelectorAll("#log-list button.log-line").length === 3`)
	if got := b.evalString(`[...document.querySelectorAll("#log-list button.log-line")].filter(e => e.tabIndex >= 0).map(e => e.closest("li").dataset.step).join(",")`); got != "3" {
		t.Fatalf("log tab stops at steps %q, want only the current step 3", got)
	}
	b.eval(`document.querySelector("#log-list button[tabindex='0']").focus()`)
	b.key(kb.ArrowUp)
	b.key(kb.ArrowUp)
	if got := b.evalString(`document.activeElement.closest("#log-list li")?.dataset.step || "none"`); got != "1" {
		t.Fatalf("after two ArrowUp focus is on log step %q, want 1", got)
	}
	b.key(kb.Enter)
	b.wait("goto from the log", viewJS+".step === 1")
	b.wait("focus kept in the log", `document.activeElement.closest("#log-list li")?.dataset.step === "1"`)
}

// TestBrowserViewSequence: an action of several events plays one event at
// a time: a travelling message is seen at several places, the caption
// counts the events, Skip ends it at once; with reduced motion there is
// no sequence.
func TestBrowserViewSequence(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n", "")
	b.eval(`document.getElementById("speed").value = "20"`) // slow
	b.eval(`window.samples = []; window.captions = new Set(); window.sampler = setInterval(() => {
	  const c = document.querySelector("#diagram .chip.travelling");
	  if (c) { const r = c.getBoundingClientRect(); window.samples.push(Math.round(r.left) + "," + Math.round(r.top)); }
	  window.captions.add(document.getElementById("caption").textContent);
	  if (document.body.dataset.sequence === "playing") {
	    const promised = [...document.querySelectorAll('#diagram .node dd[data-field="promised"]')].filter(e => e.textContent.trim() === "1.1");
	    window.promised.add(promised.length);
	    for (const e of document.querySelectorAll('#diagram .node dd[data-field="promised"].changed')) window.marked.add(e.closest(".node").dataset.node);
	  }
	}, 15); window.promised = new Set(); window.marked = new Set()`)
	b.sendCmd("deliver prepare p1->*")
	b.wait("playing", `document.body.dataset.sequence === "playing"`)
	b.wait("second event", `[...window.captions].some(c => c.includes("(event 2 of 3)"))`)
	b.idle()
	b.eval(`clearInterval(window.sampler)`)
	distinct := int(b.eval(`new Set(window.samples).size`).(float64))
	if distinct < 6 {
		t.Errorf("a travelling message was seen at %d places, want it to move", distinct)
	}
	for i := 1; i <= 3; i++ {
		if b.eval(fmt.Sprintf(`[...window.captions].some(c => c.includes("(event %d of 3)"))`, i)) != true {
			t.Errorf("event %d of 3 was never captioned", i)
		}
	}
	// Each event shows its node's state after it, while the sequence plays:
	// the acceptors promise one by one (1, then 2 of them), each one's
	// changed field highlighted.
	if got := b.evalString(`[...window.promised].sort().join(",")`); !strings.Contains(got, "1") || !strings.Contains(got, "2") {
		t.Errorf("while playing, the cards showed %s acceptors promised; want 1 and 2 along the way", got)
	}
	if got := b.evalString(`[...window.marked].sort().join(",")`); got != "a1,a2,a3" {
		t.Errorf("while playing, the promised field was highlighted on %q, want a1,a2,a3", got)
	}
	// Skip: the end state at once.
	b.sendCmd("deliver promise *->p1")
	b.wait("playing again", `document.body.dataset.sequence === "playing" && !document.getElementById("btn-skip").hidden`)
	start := time.Now()
	b.click("#btn-skip")
	b.wait("skipped", `document.body.dataset.sequence === "idle"`)
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("skip took %v", d)
	}
	want := int(b.eval(viewJS + ".state.inflight.length").(float64))
	if got := int(b.eval(`document.querySelectorAll("#diagram .chip[data-msg]").length`).(float64)); got != want {
		t.Errorf("after skip: %d chips, %d in flight", got, want)
	}
	// Each way of leaving looks different: a drop falls struck through, a
	// duplicate splits off its original, a partition stops messages at a
	// wall.
	b.eval(`window.looks = new Set(); window.looker = setInterval(() => {
	  for (const c of ["dropped", "dup-new", "cut", "delivering"]) if (document.querySelector("#diagram .chip." + c)) window.looks.add(c);
	  if (document.querySelector("#diagram .partition-wall")) window.looks.add("wall");
	}, 10)`)
	first := func() string { return b.evalString(`"#" + window.paxviz.currentView().state.inflight[0].id`) }
	b.sendCmd("dup " + first())
	b.wait("a copy splits off", `window.looks.has("dup-new")`)
	b.shotAt("dup")
	b.idle()
	b.sendCmd("drop " + first())
	b.wait("a dropped message falls", `window.looks.has("dropped")`)
	b.shotAt("drop")
	b.idle()
	b.sendCmd("partition p1 | a1 a2 a3 l1")
	b.wait("messages stop at the cut", `window.looks.has("cut") && window.looks.has("wall")`)
	b.shotAt("partition")
	b.idle()
	b.eval(`clearInterval(window.looker)`)
	if got := b.evalString(`[...document.querySelectorAll("#diagram .chip.ghost")].length + ""`); got != "0" {
		t.Errorf("%s leaving messages are still drawn after the sequence", got)
	}
	b.sendCmd("heal")
	b.idle()

	// Forward along the branch (here three steps at once, as the timeline
	// or End does) plays its events too, rebuilt from the event log.
	end := b.step()
	b.sendCmd(fmt.Sprintf("goto %d", end-3))
	b.idle()
	b.wait("log lines", fmt.Sprintf(`document.querySelector('#log-list li[data-step="%d"] code').textContent !== "…"`, end))
	b.eval(`window.captions = new Set(); window.sampler = setInterval(() => window.captions.add(document.getElementById("caption").textContent), 15)`)
	b.sendCmd(fmt.Sprintf("goto %d", end))
	b.wait("forward plays", `[...window.captions].some(c => c.includes("(event 2 of 3)"))`)
	b.idle()
	b.eval(`clearInterval(window.sampler)`)
	if got := int(b.eval(`document.querySelectorAll("#diagram .chip[data-msg]").length`).(float64)); got != int(b.eval(viewJS+".state.inflight.length").(float64)) {
		t.Errorf("after forward: %d chips", got)
	}
	b.sendCmd("timeout p1")
	b.idle()

	// Reduced motion: no sequence, the end state at once.
	b.reducedMotion(true)
	b.eval(`window.seen = false; new MutationObserver(() => { if (document.body.dataset.sequence === "playing") window.seen = true; }).observe(document.body, {attributes: true})`)
	b.sendCmd("deliver prepare p1->*")
	b.idle()
	if b.eval(`window.seen`) == true {
		t.Error("a sequence played under prefers-reduced-motion")
	}
	if got := b.evalString(`document.getElementById("caption").textContent`); !strings.Contains(got, "(event 3 of 3)") {
		t.Errorf("reduced motion caption %q: want the last event's", got)
	}
}

// TestBrowserViewDetails: the smaller defects of issue 10 that live in the
// page: the Propose form's pattern compiles (so a space is refused before
// sending), command errors are not doubled, keep the input and go away
// after a success, acting in the past is announced, the Copy-link box does
// not cover the timeline, and the space-time diagram keeps its lane labels
// when scrolled.
func TestBrowserViewDetails(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n", "")

	b.click(`.node[data-node="p1"] [data-ctl="propose"]`)
	b.wait("propose form", `document.querySelector(".propose-form input") !== null`)
	if got := b.evalString(`(() => { const i = document.querySelector(".propose-form input"); i.value = "a b"; const bad = i.checkValidity(); i.value = "Y-2"; return bad + "," + i.checkValidity(); })()`); got != "false,true" {
		t.Errorf("propose pattern: validity of \"a b\", \"Y-2\" = %s, want false,true", got)
	}
	b.key(kb.Escape)

	b.eval(`document.getElementById("command").value = "crash"`)
	b.click(`#command-form button[type="submit"]`)
	b.wait("error", `document.getElementById("error").classList.contains("show")`)
	if got := b.evalString(`document.getElementById("error").textContent`); strings.Contains(got, "crash: crash:") {
		t.Errorf("doubled prefix: %q", got)
	}
	if got := b.evalString(`document.getElementById("command").value`); got != "crash" {
		t.Errorf("the command box after an error holds %q, want the command to fix", got)
	}
	b.eval(`document.getElementById("command").value = "crash a3"`)
	b.click(`#command-form button[type="submit"]`)
	b.wait("success clears the error and the box", `!document.getElementById("error").classList.contains("show") && document.getElementById("command").value === ""`)
	b.idle()

	b.click("#btn-undo")
	b.wait("in the past", `!document.getElementById("past-note").hidden`)
	if got := b.evalString(`document.getElementById("past-note").textContent`); !strings.Contains(got, "new branch") {
		t.Errorf("past note %q", got)
	}

	b.click("#btn-link")
	b.wait("link box", `document.querySelector(".link-box") !== null`)
	if hit := b.eval(`(() => { const a = document.querySelector(".link-box").getBoundingClientRect(), b = document.getElementById("timeline").getBoundingClientRect(); return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; })()`); hit == true {
		t.Error("the Copy-link box covers the timeline")
	}

	// Many steps: the space-time diagram scrolls, its lane labels stay.
	for i := 0; i < 40; i++ {
		b.eval(`window.paxviz.send("dup #2")`)
	}
	b.wait("40 more steps", viewJS+".step >= 41")
	b.idle()
	b.eval(`(() => { const w = document.getElementById("lamport-wrap"); w.scrollLeft = w.scrollWidth; w.dispatchEvent(new Event("scroll")); })()`)
	b.wait("scrolled", `document.getElementById("lamport-wrap").scrollLeft > 100`)
	if got := b.eval(`(() => { const w = document.getElementById("lamport-wrap").getBoundingClientRect(), l = document.querySelector("#lamport .lane-label").getBoundingClientRect(); return l.left >= w.left - 1 && l.right <= w.left + 60; })()`); got != true {
		t.Error("the lane labels scroll out of the space-time diagram")
	}
	b.shotAt("details")
}
