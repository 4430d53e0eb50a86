package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/check"
)

func TestGalleryPage(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	resp, body := get(t, ts.URL+"/gallery")
	if resp.StatusCode != 200 {
		t.Fatalf("gallery: %d", resp.StatusCode)
	}
	for _, c := range check.BugCases() {
		b := c.Bug.String()
		if !strings.Contains(body, `data-bug="`+b+`" data-protocol="paxos"`) || !strings.Contains(body, `href="/gallery/`+b+`"`) {
			t.Errorf("gallery lacks a playable counterexample for %s", b)
		}
	}
	resp, _ = get(t, ts.URL+"/gallery/no_adopt")
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/s/") {
		t.Fatalf("play: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get(t, ts.URL+"/gallery/nonsense"); resp.StatusCode != 404 {
		t.Errorf("unknown bug: %d", resp.StatusCode)
	}
}

func TestSearchFromHere(t *testing.T) {
	_, ts := newTestServer(t, Options{SearchGap: -1}) // back-to-back searches from one address
	search := func(script string) SearchResult {
		id := openScript(t, ts.URL, script)
		resp, body := get(t, ts.URL+"/s/"+id+"/search")
		if resp.StatusCode != 200 {
			t.Fatalf("search: %d %s", resp.StatusCode, body)
		}
		var r SearchResult
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	// The correct engine: nothing within the bounds, and the search was
	// complete.
	r := search("cluster proposers=2 acceptors=3 learners=0\npropose p1 X\ndeliver prepare p1->*\n")
	if r.Found || r.Truncated || r.States < 10 {
		t.Errorf("correct engine: %+v", r)
	}
	// A bug: the counterexample starts with the session's own actions.
	r = search("cluster proposers=2 acceptors=4 learners=0 bugs=half_quorum\npropose p1 X\n")
	if !r.Found || r.Invariant != "agreement" || !strings.Contains(r.Script, "propose p1 X") {
		t.Fatalf("half_quorum: %+v", r)
	}
	u, _ := url.Parse(r.URL)
	resp, _ := get(t, ts.URL+u.RequestURI())
	if resp.StatusCode != 303 {
		t.Errorf("opening the counterexample: %d", resp.StatusCode)
	}
}

// TestBrowserGallery plays one gallery counterexample to its violation:
// it pauses where the bug acts, continues, and ends on the red invariant.
func TestBrowserGallery(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/gallery")
	b.wait("gallery", `document.querySelector('.gallery-item[data-bug="no_adopt"] a.play-bug') !== null`)
	b.shot("gallery")
	b.click(`.gallery-item[data-bug="no_adopt"] a.play-bug`)
	b.wait("counterexample session", `document.body.dataset.conn === "connected" && window.paxviz.currentView().gallery !== undefined`)
	// Speed the replay up for the test, then let it run to the bug.
	b.wait("replay started or paused", viewJS+".replaying || "+viewJS+".paused_bug")
	b.eval(`window.paxviz.send("replay ms=40")`)
	b.wait("paused where the bug acts", viewJS+".paused_bug === true && document.querySelector(\"#gallery-banner.acting .bug-acts\") !== null")
	if txt := b.evalString(`document.querySelector("#gallery-banner .bug-acts").textContent`); !strings.Contains(txt, "BUG no_adopt") {
		t.Errorf("pause text %q", txt)
	}
	if b.eval(viewJS+".state.violations.length") != float64(0) {
		t.Error("violation before the bug acted")
	}
	b.shot("bug-acts")
	b.eval(`window.paxviz.send("replay ms=40")`)
	b.wait("end of the counterexample", viewJS+".step === "+viewJS+".end && document.querySelector('#invariants li.broken[data-inv=\"agreement\"]') !== null")
	b.shot("violation")
	// Search from here in a buggy sandbox finds a schedule.
	b.nav("/sandbox?script=" + url.QueryEscape("cluster proposers=2 acceptors=4 learners=0 bugs=half_quorum\npropose p1 X\n"))
	b.wait("sandbox", `document.body.dataset.conn === "connected"`)
	b.click("#btn-search")
	b.wait("search result", `document.getElementById("search-open") !== null`)
	b.click("#search-open")
	b.wait("counterexample opened", fmt.Sprintf(`document.body.dataset.conn === "connected" && %s.state.violations.includes("agreement")`, viewJS))
}
