package web

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp/kb"
)

// tabStopJS describes the focused element: its key (id, or the region and
// label), its box's top and left in page coordinates, and the workspace
// region it is in.
const tabStopJS = `(() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const r = e.getBoundingClientRect(); const reg = e.closest(".workspace > *");
  return {key: e.id || ((reg ? reg.className.split(" ")[0] : "top") + ":" + (e.getAttribute("aria-label") || e.textContent.trim().slice(0, 24))),
    top: r.top + scrollY, left: r.left, region: reg ? reg.className.split(" ")[0] : "top",
    rtop: reg ? reg.getBoundingClientRect().top + scrollY : 0, rleft: reg ? reg.getBoundingClientRect().left : 0}; })()`

type tabStop struct {
	Key         string
	Top, Left   float64
	Region      string
	RTop, RLeft float64
}

// tabWalk presses Tab from the top of the page until focus leaves the
// page (or max presses), and returns the stops.
func (b *browser) tabWalk(max int) ([]tabStop, bool) {
	b.t.Helper()
	b.eval(`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`)
	var stops []tabStop
	for range max {
		b.key(kb.Tab)
		v, ok := b.eval(tabStopJS).(map[string]any)
		if !ok || len(stops) > 0 && v["key"] == stops[0].Key {
			return stops, true // left the page, or came round to its start
		}
		stops = append(stops, tabStop{Key: v["key"].(string), Top: v["top"].(float64), Left: v["left"].(float64), Region: v["region"].(string), RTop: v["rtop"].(float64), RLeft: v["rleft"].(float64)})
	}
	return stops, false
}

// TestBrowserSandboxTabOrder: with the keyboard only, Tab walks the
// sandbox's main controls (the toolbar, the command box, every node's
// buttons, the messages in flight, the event log) and then leaves the page
// (no focus trap); and it visits the page's regions (toolbar, cluster,
// messages, log) in the order they are laid out — top to bottom, and left
// to right on one row — on a wide screen, in projector mode, on a narrow
// window and on a phone, for the three protocols.
func TestBrowserSandboxTabOrder(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	scripts := map[string]string{
		"paxos":      "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\n",
		"multipaxos": "cluster multipaxos servers=3 clients=2\nput c1 x 1\n",
		"raft":       "cluster raft servers=3\ntimeout s1\n",
	}
	b := newBrowser(t, ts.URL, 1400, 1000)
	for _, sz := range []struct {
		name string
		w, h int
		big  bool
	}{{"wide", 1400, 1000, false}, {"projector", 1400, 1000, true}, {"narrow", 900, 1000, false}, {"phone", 390, 844, false}} {
		for _, proto := range []string{"paxos", "multipaxos", "raft"} {
			t.Run(sz.name+"/"+proto, func(t *testing.T) {
				b.t = t
				b.viewport(sz.w, sz.h)
				b.openScript(scripts[proto], "")
				if sz.big != b.eval(`document.body.classList.contains("big")`).(bool) {
					b.click("#btn-big")
					b.wait("projector mode", fmt.Sprintf(`document.body.classList.contains("big") === %v`, sz.big))
					b.idle()
				}
				defer func() {
					if b.eval(`document.body.classList.contains("big")`).(bool) {
						b.click("#btn-big") // projector mode is remembered: leave it
					}
				}()
				stops, left := b.tabWalk(120)
				if !left {
					t.Fatalf("after 120 Tabs focus is still on the page (a trap?): last stops %v", stops[len(stops)-5:])
				}
				seen := map[string]bool{}
				for _, s := range stops {
					seen[s.Key] = true
				}
				want := []string{"btn-step", "btn-play", "timeline"}
				if !sz.big {
					want = append(want, "command")
				}
				for _, k := range want {
					if !seen[k] {
						t.Errorf("Tab never reaches #%s", k)
					}
				}
				var regions []string
				for _, s := range stops {
					if len(regions) == 0 || regions[len(regions)-1] != s.Region {
						regions = append(regions, s.Region)
					}
				}
				for _, r := range []string{"controls", "stage"} {
					if !strings.Contains(strings.Join(regions, " "), r) {
						t.Errorf("Tab never enters the %s region: %v", r, regions)
					}
				}
				// Each region is one stretch of Tab stops, and the stretches
				// follow the layout: a region starts below the previous
				// one, or on its row to the right of it.
				seenRegion := map[string]bool{}
				for i, r := range regions {
					if seenRegion[r] {
						t.Errorf("Tab comes back to the %s region: %v", r, regions)
					}
					seenRegion[r] = true
					if i == 0 {
						continue
					}
					var prev, cur tabStop
					for _, s := range stops {
						if s.Region == regions[i-1] {
							prev = s
						}
						if s.Region == r && cur.Key == "" {
							cur = s
						}
					}
					if prev.Region == "top" {
						continue
					}
					sameRow := cur.RTop < prev.RTop+2
					if cur.RTop < prev.RTop-2 || sameRow && cur.RLeft < prev.RLeft {
						t.Errorf("Tab goes from the %s region (at %.0f,%.0f) back up to the %s region (at %.0f,%.0f): %v", prev.Region, prev.RLeft, prev.RTop, r, cur.RLeft, cur.RTop, regions)
					}
				}
			})
		}
	}
}
