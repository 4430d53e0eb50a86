package web

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Browser tests of time in the Multi-Paxos sandbox (issue 12): clocks
// beside true time, lease bars on one axis, the lock service with its
// fencing tokens, the pause control and the read paths, played as the
// GC-pause story of multipaxos.md §7 (M9) with and without fencing.

// watchCSP makes every page the browser opens from now on record the
// Content-Security-Policy violations it reports in window.__csp.
func (b *browser) watchCSP() {
	b.t.Helper()
	b.do("watch CSP", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + (e.sourceFile || "") + ":" + e.lineNumber + " " + (e.sample || "")));`,
		})
		return err
	}))
}

// cspViolations returns what the page reported.
func (b *browser) cspViolations() string {
	b.t.Helper()
	return b.evalString(`(window.__csp || ["no CSP watcher on this page"]).join("; ")`)
}

// lkRequest types line (without the client) in client c's request box.
func (b *browser) lkRequest(c, line string) {
	b.t.Helper()
	before := b.step()
	b.eval(fmt.Sprintf(`document.querySelector('.node[data-node=%q] form.mp-req input').value = %q`, c, line))
	// A click from JS: the cards are redrawn on every state, so a node
	// found by the driver may be gone by the time it clicks.
	b.eval(fmt.Sprintf(`document.querySelector('.node[data-node=%q] form.mp-req [data-ctl="request"]').click()`, c))
	b.wait(c+" "+line, fmt.Sprintf("%s.step > %d", viewJS, before))
}

// lkTime reads a field of the view's time part.
const lkTime = viewJS + ".mp.time"

// lockStory is the GC-pause story under drift (multipaxos.md §7, M9):
// clocks at 110% (s1) and 90% (c1) of true time.
const lockStory = "cluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 drift=10 lease=5 timeout=30 heartbeat=2 seed=1"

func TestBrowserLockView(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, fencing := range []bool{true, false} {
		name := "fencing"
		if !fencing {
			name = "no_fencing"
		}
		t.Run(name, func(t *testing.T) {
			b := newBrowser(t, ts.URL, 1400, 1100)
			b.watchCSP()
			cluster := lockStory
			if !fencing {
				cluster += " bugs=no_fencing"
			}
			b.openScript(cluster+"\nclock s1 rate=110\nclock c1 rate=90\n", "")
			b.wait("time panel", `document.getElementById("lk-time") !== null && document.getElementById("lk-lock") !== null`)

			// c1 acquires f from its card: token 1, the grant's slot.
			b.lkRequest("c1", "acquire f")
			b.mpAct("deliver", "request", "c1", "s1")
			b.sendCmd("deliver accept s1->s2 s=1")
			b.sendCmd("deliver accepted s2->s1 s=1")
			b.mpAct("deliver", "reply", "s1", "c1")
			b.wait("c1 holds token 1", `document.querySelector('#lk-lock .lk-belief.holds[data-client=c1][data-token="1"]') !== null`)
			if got := b.evalString(`document.querySelector('#lk-lock .lk-holder').textContent`); !strings.Contains(got, "c1") || !strings.Contains(got, "1") {
				t.Errorf("holder line %q", got)
			}
			if got := b.evalString(`document.querySelector('.node[data-node=c1] dd[data-field="lock-f"]').textContent`); !strings.Contains(got, "1") {
				t.Errorf("c1's card: lock f %q", got)
			}

			// c1 writes A with token 1 (its lease checked), then pauses
			// before the store arrives: the pause button sends pause c1.
			b.lkRequest("c1", "write f A")
			b.wait("store in flight", viewJS+`.state.inflight.some(m => m.type === "store" && m.from === "c1")`)
			b.eval(`document.querySelector('.node[data-node=c1] [data-ctl="pause"]').click()`)
			b.wait("c1 paused", lkTime+`.clocks.find(c => c.name === "c1").paused && document.querySelector('.node[data-node=c1] [data-ctl="resume"]') !== null`)
			if got := b.evalString(viewJS + `.last_act`); got != "pause c1" {
				t.Errorf("the pause button sent %q, want pause c1", got)
			}
			b.wait("paused row", `document.querySelector('#lk-time .lk-row.paused[data-node=c1] .lk-paused') !== null`)

			// Eleven ticks: the clocks disagree, c1's belief lapses on its
			// own (slow) clock, the leader proposes the expire.
			b.sendCmd("tick 11")
			clock := func(n string) string {
				return b.evalString(fmt.Sprintf(`document.querySelector('#lk-time .lk-row[data-node=%q] .lk-clock').textContent`, n))
			}
			if now := b.evalString(`document.getElementById("lk-now").textContent`); !strings.Contains(now, "11.00") {
				t.Errorf("true time shown as %q", now)
			}
			if s1, c1, s2 := clock("s1"), clock("c1"), clock("s2"); !strings.Contains(s1, "12.10") || !strings.Contains(c1, "9.90") || !strings.Contains(s2, "11.00") {
				t.Errorf("clocks at T=11: s1 %q, c1 %q, s2 %q; want 12.10, 9.90, 11.00", s1, c1, s2)
			}
			if got := b.evalString(`document.querySelector('#lk-time .lk-row[data-node=s1] .lk-diff').className + "|" + document.querySelector('#lk-time .lk-row[data-node=c1] .lk-diff').className`); got != "lk-diff ahead|lk-diff behind" {
				t.Errorf("clock differences not marked: %q", got)
			}
			// On the axis, s1's clock mark runs ahead of c1's.
			if b.eval(`(() => { const x = (n) => document.querySelector('#lk-time .lk-row[data-node=' + n + '] .lk-mark').getBoundingClientRect().left; return x("s1") > x("s2") && x("s2") > x("c1"); })()`) != true {
				t.Error("clock marks are not ordered s1 > s2 > c1 on the axis")
			}
			b.wait("c1's belief lapsed", `document.querySelector('#lk-lock .lk-belief.lapsed[data-client=c1]') !== null`)
			b.sendCmd("deliver accept s1->s2 s=2")
			b.sendCmd("deliver accepted s2->s1 s=2")
			b.wait("f free in the log", lkTime+`.locks[0].holder === undefined`)
			// A heartbeat round acked: s1 holds the leader lease, s2 guards it.
			b.sendCmd("deliver heartbeat s1->s2")
			b.sendCmd("deliver heartbeat_ok s2->s1")
			b.wait("s1's lease", lkTime+`.bars.some(b => b.node === "s1" && b.kind === "lease")`)

			// c2 acquires f: token 3, and writes B.
			b.lkRequest("c2", "acquire f")
			b.mpAct("deliver", "request", "c2", "s1")
			b.sendCmd("deliver accept s1->s3 s=3")
			b.sendCmd("deliver accepted s3->s1 s=3")
			b.mpAct("deliver", "reply", "s1", "c2")
			b.wait("c2 holds token 3", `document.querySelector('#lk-lock .lk-belief.holds[data-client=c2][data-token="3"]') !== null`)
			if got := b.evalString(`document.querySelector('#lk-lock .lk-holder').textContent`); !strings.Contains(got, "c2") || !strings.Contains(got, "3") {
				t.Errorf("holder line %q", got)
			}
			b.lkRequest("c2", "write f B")
			b.mpAct("deliver", "store", "c2", "d1")
			b.wait("d1 has B", `document.querySelector('#lk-d1 li[data-key=f][data-max="3"]') !== null`)

			// c1 resumes, by keyboard: Tab from its card to the button.
			b.eval(`document.querySelector('.node[data-node=c1]').focus()`)
			for i := 0; i < 12 && b.evalString(`document.activeElement.dataset.ctl || ""`) != "resume"; i++ {
				b.key(kb.Tab)
			}
			if got := b.evalString(`document.activeElement.dataset.ctl || document.activeElement.tagName`); got != "resume" {
				t.Fatalf("Tab from c1's card reaches %q, not its resume button", got)
			}
			before := b.step()
			b.key(kb.Enter)
			b.wait("c1 resumed", fmt.Sprintf(`%s.step > %d && !%s.clocks.find(c => c.name === "c1").paused`, viewJS, before, lkTime))
			b.mpAct("deliver", "store", "c1", "d1")
			b.wait("c1's store answered", `document.querySelector('#lk-stores li[data-client=c1][data-token="1"]') !== null`)
			d1 := b.evalString(`document.querySelector('#lk-d1 li[data-key=f]').textContent`)
			st := b.evalString(`document.querySelector('#lk-stores li[data-client=c1]').className`)
			fenceOK := b.eval(viewJS+`.invariants.find(i => i.name === "mp_fencing").ok`) == true
			if fencing {
				if !strings.Contains(d1, "B") || st != "st-stale" || !fenceOK {
					t.Errorf("with fencing: d1 %q, c1's store %q, fencing holds %v; want B, rejected, true", d1, st, fenceOK)
				}
			} else if !strings.Contains(d1, "A") || st != "st-lower" || fenceOK {
				t.Errorf("without fencing: d1 %q, c1's store %q, fencing holds %v; want A, applied over token 3, false", d1, st, fenceOK)
			}
			if b.eval(viewJS+`.invariants.find(i => i.name === "mp_lease-exclusive").ok`) != true {
				t.Error("lease-exclusive broke: the beliefs overlapped")
			}

			// The bars: c1's belief ends before the log frees f, which is
			// before c2's grant and belief begin; s1 held leader leases
			// and s2 guarded them.
			bars := `(() => { const r = (sel) => { const e = document.querySelector('#lk-time ' + sel); return e ? e.getBoundingClientRect() : null; };
				const b1 = r('.lk-row[data-node=c1] .lk-bar.k-belief[data-token="1"]'), g1 = r('.lk-row[data-node=c1] .lk-bar.k-granted[data-token="1"]');
				const b3 = r('.lk-row[data-node=c2] .lk-bar.k-belief[data-token="3"]'), g3 = r('.lk-row[data-node=c2] .lk-bar.k-granted[data-token="3"]');
				if (!b1 || !g1 || !b3 || !g3) return "missing: " + [b1, g1, b3, g3].map((x) => !!x).join(",");
				const out = [];
				if (!(b1.right <= g1.right + 1)) out.push("c1's belief outlasts its grant");
				if (!(g1.right <= g3.left + 1)) out.push("c1's grant overlaps c2's");
				if (!(b1.right <= b3.left + 1)) out.push("the beliefs overlap");
				if (!(g1.left < b1.right && b1.left < b3.left)) out.push("bars out of order");
				if (!document.querySelector('#lk-time .lk-row[data-node=s1] .lk-bar.k-lease')) out.push("no lease bar on s1");
				if (!document.querySelector('#lk-time .lk-row[data-node=s2] .lk-bar.k-guard')) out.push("no guard bar on s2");
				return out.join("; ");
			})()`
			if got := b.evalString(bars); got != "" {
				t.Errorf("lease bars: %s", got)
			}
			b.eval(`document.getElementById("lk-time").scrollIntoView()`)
			b.shot("story")
			if csp := b.cspViolations(); csp != "" {
				t.Errorf("CSP violations: %s", csp)
			}
		})
	}
}

// lockStoryScript is the whole story as a script (both stores delivered).
func lockStoryScript(bugs string) string {
	return lockStory + bugs + `
clock s1 rate=110
clock c1 rate=90
acquire c1 f
deliver request c1->s1
deliver accept s1->s2 s=1
deliver accepted s2->s1 s=1
deliver reply s1->c1
write c1 f A
pause c1
tick 11
deliver accept s1->s2 s=2
deliver accepted s2->s1 s=2
deliver heartbeat s1->s2
deliver heartbeat_ok s2->s1
acquire c2 f
deliver request c2->s1
deliver accept s1->s3 s=3
deliver accepted s3->s1 s=3
deliver reply s1->c2
write c2 f B
deliver store c2->d1
resume c1
deliver store c1->d1
`
}

// TestBrowserLockViewSizes: the time panels read on a projector (text at
// least 24 px at 1920×1080) and fit a phone (390×844) without sideways
// scrolling; axe finds nothing serious; no CSP violation.
func TestBrowserLockViewSizes(t *testing.T) {
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Options{})
	script := lockStoryScript(" bugs=no_fencing")
	t.Run("projector", func(t *testing.T) {
		b := newBrowser(t, ts.URL, 1920, 1080)
		b.watchCSP()
		b.openScript(script, "")
		b.click("#btn-big")
		b.wait("projector", `document.body.classList.contains("big")`)
		b.idle()
		b.wait("panels", `document.querySelector("#lk-time .lk-bar") !== null`)
		b.shot("projector-top")
		// (Six Multi-Paxos cards are taller than 1080 px even without the
		// clock rows, which projector mode hides: the page scrolls down.)
		if got := b.eval(`document.querySelectorAll('#diagram .node dd[data-field=clock]').length > 0 && [...document.querySelectorAll('#diagram .node dd[data-field=clock]')].every(e => !e.getClientRects().length)`); got != true {
			t.Error("projected cards still show their clock rows")
		}
		if ov := b.evalString(overlapJS); ov != "" {
			t.Errorf("overlap: %s", ov)
		}
		for _, sel := range []string{"#lk-time", "#lk-lock", "#lk-reads"} {
			b.eval(fmt.Sprintf(`document.querySelector(%q).scrollIntoView()`, sel))
			b.shot("projector-" + sel[1:])
			got := b.evalString(minFontJS + `("` + sel + `")`)
			t.Logf("smallest text in %s: %s px", sel, got)
			if fontPx(t, got) < 24 {
				t.Errorf("smallest text in %s: %s px, want >= 24", sel, got)
			}
		}
		if ov := b.eval(hOverflowJS).(float64); ov > 0 {
			t.Errorf("page scrolls sideways by %vpx", ov)
		}
		if csp := b.cspViolations(); csp != "" {
			t.Errorf("CSP violations: %s", csp)
		}
	})
	t.Run("phone", func(t *testing.T) {
		b := newBrowser(t, ts.URL, 390, 844)
		b.watchCSP()
		b.openScript(script, "")
		b.wait("panels", `document.querySelector("#lk-time .lk-bar") !== null`)
		b.eval(`document.querySelector('.node[data-node=c1]').scrollIntoView()`)
		b.shot("phone-c1")
		if ov := b.eval(hOverflowJS).(float64); ov > 0 {
			t.Errorf("page scrolls sideways by %vpx", ov)
		}
		for _, sel := range []string{"#lk-time", "#lk-lock", "#lk-reads"} {
			b.eval(fmt.Sprintf(`document.querySelector(%q).scrollIntoView()`, sel))
			b.shot("phone-" + sel[1:])
			if w := b.eval(fmt.Sprintf(`(() => { const r = document.querySelector(%q).getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; })()`, sel)); w != true {
				t.Errorf("%s is wider than the phone", sel)
			}
		}
		for _, v := range b.axeViolations(string(src)) {
			t.Errorf("axe: %s", v)
		}
		if csp := b.cspViolations(); csp != "" {
			t.Errorf("CSP violations: %s", csp)
		}
	})
}

// TestBrowserLockViewChinese: the panels speak Chinese on a Chinese page,
// with no key left untranslated.
func TestBrowserLockViewChinese(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.openScript(lockStoryScript(""), "&lang=zh")
	b.wait("panels", `document.querySelector("#lk-time .lk-bar") !== null`)
	for _, sel := range []string{"#lk-time", "#lk-lock", "#lk-reads", "#diagram", ".invariants"} {
		if got := b.evalString(fmt.Sprintf(`(document.querySelector(%q).innerText.match(/\b(lk|role|inv|viol|mp)\.[a-z_.-]+/g) || []).join(" ")`, sel)); got != "" {
			t.Errorf("%s shows untranslated keys: %s", sel, got)
		}
	}
	if got := b.evalString(`document.querySelector("#lk-time h2").textContent`); got != "时钟与租约" {
		t.Errorf("time panel heading %q", got)
	}
	b.eval(`document.getElementById("lk-lock").scrollIntoView()`)
	b.shot("zh")
}

// TestBrowserLockViewReads: the three read paths of M8, counted from the
// run: via=log 6 messages between servers, via=index 4, via=lease none.
func TestBrowserLockViewReads(t *testing.T) {
	src, err := os.ReadFile("../engine/sim/testdata/multipaxos/m8-reads-done-right.pxs")
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.watchCSP()
	b.nav("/sandbox?script=" + url.QueryEscape(string(src)))
	b.wait("read table", `document.querySelector('#lk-readtable tr[data-path=lease] .n-reads') !== null`)
	got := b.evalString(`[...document.querySelectorAll("#lk-readtable tbody tr")].map(r => r.dataset.path + ":" + r.querySelector(".n-reads").textContent + "/" + r.querySelector(".n-msgs").textContent).join(" ")`)
	if got != "log:1/6.0 index:1/4.0 lease:2/0.0" {
		t.Errorf("read paths: %q, want log:1/6.0 index:1/4.0 lease:2/0.0", got)
	}
	b.eval(`document.getElementById("lk-reads").scrollIntoView()`)
	b.shot("reads")
	if csp := b.cspViolations(); csp != "" {
		t.Errorf("CSP violations: %s", csp)
	}
}
