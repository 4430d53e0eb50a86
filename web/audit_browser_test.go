package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"

	"github.com/paxviz/paxviz/lessons"
)

// The bullets of issue 10 that no other browser test measured: touch
// targets, single-key shortcuts, the help's list of keys, A+/A−, the live
// region, projector mode's ':', coloured arrows, skip links, completion.

// smallTargetsJS lists the visible controls smaller than 44×44 px.
const smallTargetsJS = `[...document.querySelectorAll("button, select, input:not([type=hidden]), summary, a.button, a.tool, .tool, [role=button], #msg-list li.msg")].filter(e => {
  if (!e.getClientRects().length || getComputedStyle(e).visibility === "hidden" || e.closest("dialog:not([open])")) return false;
  if (e.type === "checkbox" || e.type === "radio") { const l = e.closest("label"); if (l) { const r = l.getBoundingClientRect(); return r.height < 44; } }
  const r = e.getBoundingClientRect();
  if (e.classList.contains("chip") && r.width >= 44) {
    e.scrollIntoView({block: "center"});
    const r = e.getBoundingClientRect();
    // A chip keeps its drawn size; its touch area (a pseudo-element) must
    // reach 22px above and below its centre, unless another control is there.
    const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    return [cy - 21, cy + 21].some(y => { const h = document.elementFromPoint(cx, y); return !h || !h.closest("button, a, input, select, summary, .node, [role=button]"); });
  }
  return r.width < 44 || r.height < 44;
}).map(e => (e.id || e.dataset.ctl || e.className || e.tagName) + " " + Math.round(e.getBoundingClientRect().width) + "x" + Math.round(e.getBoundingClientRect().height)).join("; ")`

// TestBrowserViewPhoneTouch: at 390×844 every control of the sandbox and
// of a lesson is at least 44×44 px, and neither page scrolls sideways.
func TestBrowserViewPhoneTouch(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 390, 844)
	b.openScript("cluster proposers=2 acceptors=3 learners=1\npropose p1 X\npropose p2 Y\n", "")
	if small := b.evalString(smallTargetsJS); small != "" {
		t.Errorf("sandbox: controls under 44 px: %s", small)
	}
	if ov := b.eval(hOverflowJS).(float64); ov > 0 {
		t.Errorf("sandbox scrolls sideways by %vpx", ov)
	}
	b.nav("/lessons/05-lost-and-duplicated?step=3")
	b.wait("lesson", `document.body.dataset.conn === "connected" && document.querySelectorAll(".node").length > 0`)
	b.idle()
	b.shotAt("lesson")
	if small := b.evalString(smallTargetsJS); small != "" {
		t.Errorf("lesson: controls under 44 px: %s", small)
	}
	if ov := b.eval(hOverflowJS).(float64); ov > 0 {
		t.Errorf("lesson scrolls sideways by %vpx", ov)
	}
}

// keyCandidates are the single keys a user might press.
var keyCandidates = func() []string {
	var ks []string
	for c := 'a'; c <= 'z'; c++ {
		ks = append(ks, string(c), strings.ToUpper(string(c)))
	}
	for c := '0'; c <= '9'; c++ {
		ks = append(ks, string(c))
	}
	for _, c := range "`~!@#$%^&*()-_=+[]{}\\|;:'\",.<>/?" {
		ks = append(ks, string(c))
	}
	return append(ks, " ", "Enter", "Escape", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End", "PageUp", "PageDown", "Backspace", "Delete", "Tab")
}()

// helpName is how the help dialog writes key k.
func helpName(k string) string {
	switch {
	case len(k) == 1 && k >= "A" && k <= "Z":
		return "Shift+" + k
	case len(k) == 1 && k >= "1" && k <= "9":
		return "1 … 9"
	}
	return map[string]string{" ": "Space", "Escape": "Esc", "ArrowLeft": "←", "ArrowRight": "→", "ArrowUp": "↑", "ArrowDown": "↓",
		"=": "+", "-": "−", "_": "−"}[k]
}

// TestBrowserViewKeys: on a lesson page every key the page handles is
// listed in the ? help, and no single key leaves the page.
func TestBrowserViewKeys(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/lessons/05-lost-and-duplicated?step=1")
	b.wait("lesson", `document.body.dataset.conn === "connected" && document.querySelectorAll(".node").length > 0 && document.getElementById("lesson-solve") !== null`)
	b.idle()
	path := b.evalString(`location.pathname`)
	help := b.evalString(`[...document.querySelectorAll("#help kbd")].map(e => e.textContent).join(" / ")`)
	listed := map[string]bool{}
	for _, k := range strings.Split(help, " / ") {
		listed[strings.TrimSpace(k)] = true
	}
	var unlisted []string
	for _, k := range keyCandidates {
		if k == "l" {
			continue // switches the language: reloads this same page (checked below)
		}
		b.eval(`document.activeElement && document.activeElement.blur(); window.paxviz.currentView().state.inflight.length && document.querySelector("#msg-list li.msg")?.click()`)
		handled := b.eval(fmt.Sprintf(`(() => { const e = new KeyboardEvent("keydown", {key: %q, bubbles: true, cancelable: true, shiftKey: %v}); document.body.dispatchEvent(e); const h = document.getElementById("help"); if (h.open) h.close(); return e.defaultPrevented; })()`, k, len(k) == 1 && k >= "A" && k <= "Z"))
		if got := b.evalString(`location.pathname`); got != path {
			t.Fatalf("key %q left the page for %s", k, got)
		}
		if handled == true {
			name := helpName(k)
			if name == "" {
				name = k
			}
			if !listed[name] {
				unlisted = append(unlisted, fmt.Sprintf("%q", k))
			}
		}
		if b.eval(viewJS+".playing") == true { // p, Space, Shift+P: stop playing before the next key
			b.sendCmd("pause")
		}
		b.idle()
	}
	if len(unlisted) > 0 {
		t.Errorf("keys the page handles but the help does not list: %s (help lists %s)", strings.Join(unlisted, " "), help)
	}
	// Focus is always visible: every Tab stop draws an outline or a ring.
	b.eval(`document.activeElement && document.activeElement.blur()`)
	var invisible []string
	for i := 0; i < 40; i++ {
		b.key(kb.Tab)
		if got := b.evalString(`(() => { const e = document.activeElement; if (!e || e === document.body) return ""; const cs = getComputedStyle(e); const ring = (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) || (cs.boxShadow && cs.boxShadow !== "none"); return ring ? "" : (e.id || e.className || e.tagName); })()`); got != "" {
			invisible = append(invisible, got)
		}
	}
	if len(invisible) > 0 {
		t.Errorf("Tab stops with no visible focus: %s", strings.Join(invisible, ", "))
	}
	b.key("l")
	b.wait("other language", `document.documentElement.lang.startsWith("zh") && document.body.dataset.conn === "connected"`)
	if got := b.evalString(`location.pathname`); got != path {
		t.Errorf("l left the page for %s", got)
	}
}

// TestBrowserViewScaleAndProjector: A+ enlarges the cluster, not the
// toolbar; in projector mode ':' does not try to focus the hidden command
// box; Projector is one toggle under one name.
func TestBrowserViewScaleAndProjector(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n", "")
	size := func(sel string) float64 {
		return b.eval(fmt.Sprintf(`parseFloat(getComputedStyle(document.querySelector(%q)).fontSize)`, sel)).(float64)
	}
	b.click("#btn-big")
	b.wait("projector", `document.body.classList.contains("big")`)
	b.idle()
	card, tool := size(`.node[data-node="a1"] .name`), size("#btn-help")
	for i := 0; i < 3; i++ {
		b.click("#btn-bigger")
	}
	b.idle()
	if c2, t2 := size(`.node[data-node="a1"] .name`), size("#btn-help"); c2 < card*1.2 || t2 != tool {
		t.Errorf("A+ three times in projector mode: card name %v -> %v px, toolbar %v -> %v px; want the cluster larger and the toolbar unchanged", card, c2, tool, t2)
	}
	for i := 0; i < 3; i++ {
		b.click("#btn-smaller")
	}
	b.key(":")
	if got := b.evalString(`document.activeElement.id`); got == "command" {
		t.Error("':' focused the hidden command box in projector mode")
	}
	b.nav("/lessons/02-happy-path?step=2")
	b.wait("lesson", `document.body.dataset.conn === "connected"`)
	if a, l := b.evalString(`document.getElementById("btn-big").textContent.trim()`), b.evalString(`document.getElementById("lesson-big").textContent.trim()`); a != l {
		t.Errorf("the projector toggle has two names: %q and %q", a, l)
	}
	if b.evalString(`document.getElementById("lesson-big").getAttribute("aria-pressed")`) != "true" {
		t.Error("projector mode is not the same toggle on the lesson page (kept across pages)")
	}
	b.click("#lesson-big")
	b.wait("projector off", `!document.body.classList.contains("big") && document.getElementById("btn-big").getAttribute("aria-pressed") === "false"`)
}

// TestBrowserViewLiveRegion: the live region announces each event of an
// action once, and nothing else on the page is a live region that
// repeats the Chosen box.
func TestBrowserViewLiveRegion(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n", "")
	b.eval(`window.said = []; new MutationObserver(() => window.said.push(document.getElementById("live").textContent)).observe(document.getElementById("live"), {childList: true, characterData: true, subtree: true})`)
	b.sendCmd("deliver prepare p1->*")
	b.idle()
	said := b.evalString(`window.said.join(" | ")`)
	for step := 2; step <= 4; step++ {
		if n := strings.Count(strings.ToLower(said), fmt.Sprintf("step %d:", step)); n != 1 {
			t.Errorf("step %d announced %d times: %q", step, n, said)
		}
	}
	if got := b.evalString(`[...document.querySelectorAll("[aria-live]:not(.sr-only):not(#lesson-body)")].map(e => e.id).join(",")`); strings.Contains(got, "chosen") {
		t.Errorf("live regions: %s", got)
	}
	if got := b.evalString(`(document.getElementById("chosen").closest("[aria-live]") || {id: ""}).id`); got != "" {
		t.Errorf("the Chosen box is inside live region %q", got)
	}
}

// TestBrowserViewArrowsAndSkipLinks: the space-time diagram's arrows are
// coloured by message type, and every page's skip link has a target.
func TestBrowserViewArrowsAndSkipLinks(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript("cluster proposers=1 acceptors=3 learners=1\npropose p1 X\ndeliver prepare p1->*\ndeliver promise *->p1\n", "")
	b.wait("space-time arrows", `document.querySelectorAll("#lamport line, #lamport path").length > 4`)
	colours := b.evalString(`[...new Set([...document.querySelectorAll("#lamport .arrow, #lamport line[class*='t-'], #lamport path[class*='t-']")].map(e => getComputedStyle(e).stroke))].join(" ")`)
	if len(strings.Fields(colours)) < 2 {
		t.Errorf("space-time arrows in %q: want a colour per message type", colours)
	}
	// The legend names every message type in flight as the chips do.
	b.click("#legend summary")
	if got := b.evalString(`(() => { const legend = [...document.querySelectorAll(".legend .chip.sample")].map(e => e.textContent); return [...new Set([...document.querySelectorAll("#diagram .chip[data-msg]")].map(c => c.textContent.split(" ")[0]))].filter(n => !legend.some(l => l.startsWith(n + " "))).join(","); })()`); got != "" {
		t.Errorf("message names on chips but not in the legend: %s", got)
	}
	// A link says what it keeps: this branch up to this step.
	b.sendCmd("undo")
	b.idle()
	b.click("#btn-link")
	b.wait("link box", `document.getElementById("link-scope") !== null`)
	if got := b.evalString(`document.getElementById("link-scope").textContent`); !strings.Contains(got, "up to step") || !strings.Contains(got, "later step") {
		t.Errorf("the link box says %q; want what the link keeps (this branch up to this step, not the later steps)", got)
	}
	for _, p := range []string{"/", "/sandbox?script=" + "cluster%20servers%3D3%0A", "/lessons/02-happy-path?step=1", "/gallery", "/instructor"} {
		b.nav(p)
		b.wait("page "+p, `document.readyState === "complete"`)
		if got := b.evalString(`(() => { const a = document.querySelector("a.skip"); if (!a) return "no skip link"; const id = a.getAttribute("href").slice(1); return document.getElementById(id) ? "" : "skip link to missing #" + id; })()`); got != "" {
			t.Errorf("%s: %s", p, got)
		}
	}
}

// TestBrowserLessonCompletion: pressing Next to the end does not finish a
// lesson (its goals were not reached), and a lesson can be started over.
func TestBrowserLessonCompletion(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	set, _ := lessons.Builtin()
	l := set.Lesson("02-happy-path", "en")
	b.nav("/lessons/02-happy-path?step=1")
	b.wait("lesson", `document.body.dataset.conn === "connected"`)
	for k := 1; k < len(l.Steps); k++ {
		b.click("#lesson-next")
		b.wait(fmt.Sprintf("step %d", k+1), fmt.Sprintf("%s.lesson.step === %d", viewJS, k))
	}
	b.wait("end", `document.getElementById("lesson-start-over") !== null`)
	if got := b.evalString(`document.querySelector("#lesson-end .lesson-done").textContent`); got == "" || !strings.Contains(got, "Still open") {
		t.Errorf("after Next only, the end says %q; want the goals still open named", got)
	}
	b.click("#lesson-start-over")
	b.wait("started over", viewJS+".lesson.step === 0")
	b.nav("/")
	b.wait("home", `document.readyState === "complete"`)
	if b.eval(`document.querySelector('[data-progress="02-happy-path"]')?.classList.contains("done") === true`) == true {
		t.Error("the home page marks the lesson done though its goals were never reached")
	}
}

// TestBrowserLessonRevealSequence: a lesson's reveal of several events
// plays them one at a time: the caption counts them, a travelling message
// is seen at many places, and the cards change along the way.
func TestBrowserLessonRevealSequence(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/lessons/05-lost-and-duplicated?step=3")
	b.wait("lesson", `document.body.dataset.conn === "connected" && document.querySelector("#lesson-question .choice") !== null`)
	b.idle()
	b.eval(`document.getElementById("speed").value = "30"`)
	b.eval(`window.samples = []; window.captions = new Set(); window.cards = new Set(); window.sampler = setInterval(() => {
	  if (document.body.dataset.sequence !== "playing") return;
	  const c = document.querySelector("#diagram .chip.travelling");
	  if (c) { const r = c.getBoundingClientRect(); window.samples.push(Math.round(r.left) + "," + Math.round(r.top)); }
	  window.captions.add(document.getElementById("caption").textContent);
	  window.cards.add([...document.querySelectorAll('#diagram .node dd')].map(e => e.textContent).join("|"));
	}, 15)`)
	b.click(`#lesson-question .choice[data-choice="2"]`)
	b.wait("revealed", viewJS+".lesson.revealed === true")
	n := int(b.eval(viewJS + ".last.length").(float64))
	b.idle()
	b.eval(`clearInterval(window.sampler)`)
	if n < 5 {
		t.Fatalf("the reveal has %d events", n)
	}
	seen := 0
	for i := 1; i <= n; i++ {
		if b.eval(fmt.Sprintf(`[...window.captions].some(c => c.includes("(event %d of %d)"))`, i, n)) == true {
			seen++
		}
	}
	if seen < n-1 {
		t.Errorf("%d of the reveal's %d events were captioned one at a time", seen, n)
	}
	if d := int(b.eval(`new Set(window.samples).size`).(float64)); d < 10 {
		t.Errorf("a travelling message was seen at %d places during the reveal", d)
	}
	if c := int(b.eval(`window.cards.size`).(float64)); c < 3 {
		t.Errorf("the cards showed %d states during the reveal; want them to change event by event", c)
	}
	b.shotAt("revealed")
}
