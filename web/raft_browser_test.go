package web

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// raftDo performs one script line of a Raft sandbox the way a learner
// would: a card's button for timeout, crash and restart, the leader's
// Propose form for propose, and the command box for deliver and drop with
// a selector (which may pick several messages at once). It waits for the
// new state and the end of its sequence.
func (b *browser) raftDo(line string) {
	b.t.Helper()
	w := strings.Fields(line)
	before := b.eval(viewJS + ".seq").(float64)
	switch {
	case len(w) == 2 && (w[0] == "timeout" || w[0] == "crash" || w[0] == "restart"):
		b.click(fmt.Sprintf(`.node[data-node=%q] [data-ctl=%q]`, w[1], w[0]))
	case len(w) == 3 && w[0] == "propose":
		b.eval(fmt.Sprintf(`document.querySelector('.node[data-node=%q] .raft-prop input').value = %q`, w[1], w[2]))
		b.click(fmt.Sprintf(`.node[data-node=%q] [data-ctl="propose"]`, w[1]))
	default:
		b.eval(fmt.Sprintf(`document.getElementById("command").value = %q`, line))
		b.click(`#command-form button[type="submit"]`)
	}
	b.wait(line, fmt.Sprintf("%s.seq > %v && document.getElementById('error').classList.contains('show') === false", viewJS, before))
	b.idle()
}

// raftCard reads what a server's card shows: role and term (from the
// header), the log strip's entries, which are dashed (uncommitted), and
// where the commit bar stands.
const raftCardJS = `((name) => {
  const c = document.querySelector('.node[data-node="' + name + '"]');
  const ents = [...c.querySelectorAll('.log-strip .ent[data-index]')];
  const bar = c.querySelector('.log-strip .commit-bar');
  return [c.querySelector('header .role').textContent,
    ents.map(e => e.textContent + (e.classList.contains('uncommitted') ? '?' : '')).join(' '),
    bar ? bar.previousElementSibling.dataset.index : '0'].join(' | ');
})`

func (b *browser) raftCard(name string) string {
	b.t.Helper()
	return b.evalString(raftCardJS + fmt.Sprintf("(%q)", name))
}

// TestBrowserRaftFigure8 plays Figure 8 of the Raft paper (raft.md §7 R6,
// testdata/raft/r6-figure8.pxs) step by step in the Raft sandbox, with
// the cards' buttons, the Propose form and the command box, and checks
// what the page shows at (a)-(d): terms and roles on the cards, B on a
// majority in term 4 drawn uncommitted with the commit bar stopped below
// it, the god's-eye row, then C overwriting B under s5's term 5. Then
// rewind, branch and export work on the same page.
func TestBrowserRaftFigure8(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1500, 1100)
	b.reducedMotion(true) // instant steps: sequences are tested elsewhere
	b.nav("/")
	b.wait("home", `document.getElementById("raft-link") !== null`)
	b.openScript("cluster raft servers=5 noop=0 seed=6", "")
	b.wait("raft cards", `document.querySelectorAll(".node .timer-ring").length === 5 && document.getElementById("raft-log") !== null`)
	if got := b.evalString(`document.getElementById("cluster-line").textContent`); !strings.Contains(got, "cluster raft servers=5") {
		t.Fatalf("cluster line %q", got)
	}
	// Every follower's election timer is a ring that drains with time.
	left := b.eval(`Number(document.querySelector('.node[data-node="s2"] .timer-ring').dataset.left)`).(float64)
	b.click("#raft-tick1")
	b.wait("tick", viewJS+".now === 1")
	if l2 := b.eval(`Number(document.querySelector('.node[data-node="s2"] .timer-ring').dataset.left)`).(float64); l2 != left-1 {
		t.Fatalf("s2's timer went from %v to %v after one tick", left, l2)
	}
	b.click("#btn-undo")
	b.wait("undo tick", viewJS+".now === 0")

	// Figure 8 starts with A at index 1 everywhere and s1 leading term 2:
	// the page opens there, replaying the script from its link.
	b.openScript("cluster raft servers=5 noop=0 seed=6\ntimeout s1\ndeliver requestvote\ndeliver vote\ndeliver *\ndeliver *\n"+
		"propose s1 A\ndeliver *\ndeliver *\ncrash s1\nrestart s1\ntimeout s1\ndeliver requestvote t=2\ndeliver vote t=2\ndeliver *\ndeliver *\n", "")
	b.wait("s1 leads term 2", `document.querySelector('.node[data-node="s1"]').dataset.term === "2"`)
	// A at index 1 everywhere, committed (god's eye); s1 leads term 2 but,
	// restarted with commitIndex 0 and no entry of its own term, does not
	// know it (noop=0).
	if got := b.raftCard("s1"); got != "leader · t2 | 1:A? | 0" {
		t.Errorf("s1 before (a): %q", got)
	}
	b.wait("A committed", `document.querySelector('#raft-log tr.godseye td[data-index="1"]').textContent === "1:A"`)

	// (a) B (t2) reaches s2 only.
	for _, line := range []string{"propose s1 B", "deliver append s1->s2", "drop *"} {
		b.raftDo(line)
	}
	if got := b.raftCard("s2"); got != "follower · t2 | 1:A? 2:B? | 0" {
		t.Errorf("s2 at (a): %q", got)
	}
	b.shot("fig8-a")
	// (b) s1 crashes; s5 wins t3 with s3, s4; C (t3) at index 2.
	for _, line := range []string{"crash s1", "timeout s5", "deliver requestvote s5->s3", "deliver requestvote s5->s4", "deliver vote t=3", "drop *", "propose s5 C", "drop *"} {
		b.raftDo(line)
	}
	if got := b.raftCard("s5"); got != "leader · t3 | 1:A? 3:C? | 0" {
		t.Errorf("s5 at (b): %q", got)
	}
	b.shot("fig8-b")
	// (c) s5 crashes, s1 restarts and wins t4 with s2, s3, then copies B
	// to s3: B is on a majority, yet not committed.
	for _, line := range []string{
		"crash s5", "restart s1", "timeout s1", "deliver requestvote s1->s3", "deliver vote s3->s1", "drop *",
		"timeout s1", "deliver requestvote s1->s2", "deliver requestvote s1->s3", "deliver vote t=4", "drop s1->s4",
		"deliver append s1->s3", "deliver appendreply s3->s1", "deliver append s1->s3", "deliver *", "deliver *",
	} {
		b.raftDo(line)
	}
	for name, want := range map[string]string{
		"s1": "leader · t4 | 1:A? 2:B? | 0",
		"s2": "follower · t4 | 1:A? 2:B? | 0",
		"s3": "follower · t4 | 1:A? 2:B? | 0",
	} {
		if got := b.raftCard(name); got != want {
			t.Errorf("%s at (c): %q, want %q", name, got, want)
		}
	}
	b.wait("s1's matchIndex for s2 and s3", `document.querySelector('#raft-peers-s1 tr[data-peer="s3"] .n-match').textContent === "2"`)
	if got := b.evalString(`document.querySelector('#raft-log tr.godseye td[data-index="2"]').textContent`); got != "" {
		t.Errorf("index 2 shown committed at (c): %q", got)
	}
	if got := b.evalString(`[...document.querySelectorAll('#chosen .chosen-value')].map(e => e.textContent).join(",")`); got != "1: 1:A" {
		t.Errorf("god's eye at (c): %q", got)
	}
	b.shot("fig8-c")
	b.eval(`document.getElementById("raft-panels").scrollIntoView()`)
	b.shot("fig8-c-panels")
	b.eval(`window.scrollTo(0, 0)`)
	fork := b.step()

	// (d) D is proposed and its appends held; s1 crashes, s5 returns and
	// wins t5 with s2, s3, s4, and overwrites index 2 with C.
	for _, line := range []string{
		"propose s1 D", "drop *", "crash s1", "restart s5",
		"timeout s5", "deliver requestvote s5->*", "deliver vote",
		"timeout s5", "deliver requestvote s5->*", "deliver vote",
		"deliver *", "deliver *", "deliver *", "deliver *",
	} {
		b.raftDo(line)
	}
	if got := b.raftCard("s5"); !strings.HasPrefix(got, "leader · t5 | 1:A") {
		t.Errorf("s5 at (d): %q", got)
	}
	for _, name := range []string{"s2", "s3"} {
		if got := b.raftCard(name); !strings.Contains(got, "| 1:A? 3:C?") {
			t.Errorf("%s at (d): %q, want C at index 2", name, got)
		}
	}
	if b.eval(viewJS+`.invariants.every(i => i.ok)`) != true {
		t.Fatalf("invariants: %v", b.eval(`JSON.stringify(`+viewJS+`.invariants)`))
	}
	b.shot("fig8-d")

	// (e) Back at (c), D reaches s2 and s3 instead: D commits, and B with it.
	b.sendCmd(fmt.Sprintf("goto %d", fork))
	b.idle()
	for _, line := range []string{"propose s1 D", "deliver append s1->s2", "deliver append s1->s3", "deliver appendreply s2->s1", "deliver appendreply s3->s1"} {
		b.raftDo(line)
	}
	b.wait("B and D committed", `document.querySelector('#raft-log tr.godseye td[data-index="3"]').textContent === "4:D" && document.querySelector('#raft-log tr.godseye td[data-index="2"]').textContent === "2:B"`)
	if got := b.raftCard("s1"); got != "leader · t4 | 1:A 2:B 4:D | 3" {
		t.Errorf("s1 at (e): %q", got)
	}
	b.wait("two branches", viewJS+`.branches_total === 2 && document.querySelectorAll("#branches li").length === 2`)
	b.shot("fig8-e")
	resp, err := http.Get(b.evalString(`document.getElementById("btn-export").href`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if s := string(body); !strings.Contains(s, "cluster raft servers=5") || !strings.HasSuffix(s, "deliver appendreply s3->s1\n") {
		t.Fatalf("export: %q", s)
	}
}

// raftScreenScript is a three-server Raft cluster mid-election: a
// candidate, votes and appends in flight, a leader with entries.
const raftScreenScript = "cluster raft servers=3 seed=1\ntimeout s1\ndeliver requestvote s1->*\ndeliver vote s2->s1\npropose s1 X\ndeliver append s1->s2\n"

// TestBrowserRaftScreens measures the Raft sandbox on every screen: at
// 1920×1080 in projector mode the smallest text in the cluster is at
// least 24 px and every card and chip is on the screen; at 390×844 the
// page does not scroll sideways and touch targets are usable; axe reports
// no serious or critical violation; the Chinese page says its labels in
// Chinese.
func TestBrowserRaftScreens(t *testing.T) {
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Options{})
	// One browser for every screen (a launch costs seconds): the viewport
	// is emulated per screen.
	b := newBrowser(t, ts.URL, 1920, 1080)
	b.reducedMotion(true)
	t.Run("projector", func(t *testing.T) {
		b.t = t
		b.openScript(raftScreenScript, "")
		b.click("#btn-big")
		b.wait("projector", `document.body.classList.contains("big")`)
		b.idle()
		b.wait("chips", `document.querySelectorAll("#diagram .chip").length > 0`)
		b.shot("projector")
		got := b.evalString(minFontJS + `("#diagram")`)
		t.Logf("smallest text in the Raft cluster, projector 1920x1080: %s px", got)
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
		b.click("#btn-big") // projector mode is remembered: leave it
		b.wait("projector off", `!document.body.classList.contains("big")`)
	})
	t.Run("phone", func(t *testing.T) {
		b.t = t
		b.viewport(390, 844)
		b.openScript(raftScreenScript, "")
		b.shot("phone")
		if ov := b.eval(hOverflowJS).(float64); ov > 0 {
			t.Errorf("the Raft sandbox scrolls sideways by %vpx: %s", ov, b.evalString(wideJS))
		}
		if ov := b.evalString(overlapJS); ov != "" {
			t.Errorf("overlap: %s", ov)
		}
		small := b.evalString(`[...document.querySelectorAll("#raft-tools button")].filter(e => e.getBoundingClientRect().height < 44).map(e => e.id).join(" ")`)
		if small != "" {
			t.Errorf("touch targets under 44px: %s", small)
		}
		b.eval(`document.getElementById("raft-panels").scrollIntoView()`)
		b.shot("phone-panels")
		if ov := b.eval(hOverflowJS).(float64); ov > 0 {
			t.Errorf("the panels scroll sideways by %vpx: %s", ov, b.evalString(wideJS))
		}
	})
	t.Run("axe-zh", func(t *testing.T) {
		b.t = t
		b.viewport(1366, 900)
		b.nav("/?lang=zh")
		b.wait("home", `document.getElementById("raft-link") !== null`)
		if got := b.evalString(`document.getElementById("raft-link").textContent`); !strings.Contains(got, "沙盒") {
			t.Errorf("the home page's Raft link in Chinese: %q", got)
		}
		b.click("#raft-link")
		b.wait("sandbox", `document.body.dataset.conn === "connected" && document.getElementById("raft-log") !== null`)
		b.idle()
		b.click(`.node[data-node="s2"] [data-ctl="timeout"]`)
		b.wait("s2 candidate", `document.querySelector('.node[data-node="s2"]').dataset.role === "candidate"`)
		b.idle()
		b.shot("zh")
		if got := b.evalString(`document.querySelector('.node[data-node="s2"] header .role').textContent`); got != "候选者 · t1" {
			t.Errorf("s2's role in Chinese: %q", got)
		}
		if got := b.evalString(`document.querySelector("#raft-grid h2").textContent`); !strings.Contains(got, "日志") {
			t.Errorf("grid title in Chinese: %q", got)
		}
		if n := b.eval(`document.querySelectorAll("h1").length`).(float64); n != 1 {
			t.Errorf("%v h1 elements, want 1", n)
		}
		for _, v := range b.axeViolations(string(src)) {
			t.Errorf("raft sandbox: %s", v)
		}
	})
}

// viewport emulates a screen of w×h CSS pixels.
func (b *browser) viewport(w, h int) {
	b.t.Helper()
	b.do("viewport", chromedp.EmulateViewport(int64(w), int64(h)))
}
