package web

import (
	"testing"
)

// mpSixScript is a six-server Multi-Paxos cluster at work: a leader, a
// request and its accepts in flight, a chosen slot.
const mpSixScript = "cluster multipaxos servers=6 clients=2 leader=s1\nput c1 x 1\ndeliver request c1->s1\ndeliver accept s1->s2\ndeliver accept s1->s3\ndeliver accept s1->s4\ndeliver accepted s2->s1\ndeliver accepted s3->s1\ndeliver accepted s4->s1\nput c2 y 2\n"

// pageHeightJS is how far the page reaches below the viewport (px): > 0
// means the projector has to scroll.
const pageHeightJS = `document.documentElement.scrollHeight - innerHeight`

// TestBrowserProjectorSixServers: a six-server Multi-Paxos sandbox in
// projector mode at 1920×1080 fits the screen (the page does not scroll
// either way), every card and chip is on it, and the smallest text in the
// cluster is still at least 24 px.
func TestBrowserProjectorSixServers(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1920, 1080)
	b.reducedMotion(true)
	b.openScript(mpSixScript, "")
	b.click("#btn-big")
	b.wait("projector", `document.body.classList.contains("big")`)
	b.idle()
	b.wait("chips", `document.querySelectorAll("#diagram .chip").length > 0`)
	b.shotAt("projector-6")
	over := b.eval(pageHeightJS).(float64)
	t.Logf("six Multi-Paxos servers, projector 1920x1080: page height %v px (%+v px beyond the screen)", b.eval(`document.documentElement.scrollHeight`), over)
	if over > 0 {
		t.Errorf("the page is %v px taller than the 1080 px screen: the projector scrolls", over)
	}
	if ov := b.eval(hOverflowJS).(float64); ov > 0 {
		t.Errorf("page scrolls sideways by %vpx", ov)
	}
	if off := b.evalString(offscreenJS); off != "" {
		t.Errorf("not on the screen: %s", off)
	}
	got := b.evalString(minFontJS + `("#diagram")`)
	t.Logf("smallest text in the cluster: %s px", got)
	if fontPx(t, got) < 24 {
		t.Errorf("smallest text in the cluster: %s px, want >= 24", got)
	}
	if ov := b.evalString(overlapJS); ov != "" {
		t.Errorf("overlap: %s", ov)
	}
	b.click("#btn-big") // projector mode is remembered: leave it
	b.wait("projector off", `!document.body.classList.contains("big")`)
}

// TestBrowserProjectorThreeServersKeepsGrid: the panels give way only to a
// crowded cluster. A three-server Multi-Paxos sandbox in projector mode
// still shows its log grid and cost panel (what a lecture projects).
func TestBrowserProjectorThreeServersKeepsGrid(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1920, 1080)
	b.reducedMotion(true)
	b.openScript("cluster multipaxos servers=3 clients=1 leader=s1\nput c1 x 1\n", "")
	b.click("#btn-big")
	b.wait("projector", `document.body.classList.contains("big")`)
	b.idle()
	for _, sel := range []string{"#mp-grid", "#mp-cost"} {
		if vis := b.eval(`(() => { const e = document.querySelector("` + sel + `"); return !!e && e.getClientRects().length > 0; })()`).(bool); !vis {
			t.Errorf("%s is hidden on a three-server projector", sel)
		}
	}
	if b.eval(`document.body.classList.contains("mp-crowded")`).(bool) {
		t.Errorf("three servers are marked crowded")
	}
	b.click("#btn-big")
	b.wait("projector off", `!document.body.classList.contains("big")`)
}
