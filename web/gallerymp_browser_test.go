package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestBrowserMPGallery opens a Multi-Paxos gallery entry: the
// counterexample plays in the Multi-Paxos view (log grid drawn), pauses
// where the switch acts with the switch's note, and ends on the broken
// invariant. Then search from here in a Multi-Paxos sandbox finds a
// schedule, says what it searched, and opens it as a playable sandbox.
func TestBrowserMPGallery(t *testing.T) {
	_, ts := newTestServer(t, Options{SearchGap: -1})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/gallery")
	const item = `.gallery-item[data-protocol="multipaxos"][data-bug="no_adopt"]`
	b.wait("gallery", `document.querySelector('`+item+` a.play-bug') !== null`)
	b.eval(`document.getElementById("gallery-multipaxos").scrollIntoView()`)
	b.shot("mp-section")
	if n := b.eval(`document.querySelectorAll("#spec-multipaxos-smr .spec-steps li").length`); n != float64(19) {
		t.Errorf("spec steps: %v", n)
	}
	b.eval(`document.querySelector("#spec-multipaxos-smr .spec-steps li.key").scrollIntoView()`)
	b.shot("spec")
	b.click(item + ` a.play-bug`)
	b.wait("Multi-Paxos counterexample session", `document.body.dataset.conn === "connected" && `+viewJS+`.gallery !== undefined && `+viewJS+`.mp !== undefined`)
	b.wait("log grid", `document.querySelector("#mp-log tr[data-server=s1]") !== null`)
	b.wait("replay started or paused", viewJS+".replaying || "+viewJS+".paused_bug")
	b.eval(`window.paxviz.send("replay ms=40")`)
	b.wait("paused where the bug acts", viewJS+`.paused_bug === true && document.querySelector("#gallery-banner.acting .bug-acts") !== null`)
	if txt := b.evalString(`document.querySelector("#gallery-banner .bug-acts").textContent`); !strings.Contains(txt, "BUG no_adopt") {
		t.Errorf("pause text %q", txt)
	}
	if txt := b.evalString(`document.getElementById("gallery-banner").textContent`); !strings.Contains(txt, "re-propose") {
		t.Errorf("banner without the why-text: %q", txt)
	}
	b.shot("mp-bug-acts")
	b.eval(`window.paxviz.send("replay ms=40")`)
	b.wait("end of the counterexample", viewJS+`.step === `+viewJS+`.end && `+viewJS+`.state.violations.includes("agreement") && document.querySelector("#gallery-banner .bug-acts") !== null`)
	b.shot("mp-violation")

	// Search from here in a Multi-Paxos sandbox.
	b.nav("/sandbox?script=" + url.QueryEscape("cluster multipaxos servers=3 clients=2 leader=s1 bugs=skip_phase1\nput c1 x 1\n"))
	b.wait("sandbox", `document.body.dataset.conn === "connected" && `+viewJS+`.mp !== undefined`)
	b.click("#btn-search")
	b.wait("search result", `document.getElementById("search-open") !== null`)
	if said := b.evalString(`document.querySelector("#search-result .search-said").textContent`); !strings.Contains(said, "more client requests") || !strings.Contains(said, "Shortest counterexample") {
		t.Errorf("said %q", said)
	}
	b.eval(`document.querySelector("#search-result details").open = true; document.getElementById("search-result").scrollIntoView()`)
	b.shot("mp-search")
	b.click("#search-open")
	b.wait("counterexample opened", `document.body.dataset.conn === "connected" && `+viewJS+`.mp !== undefined && `+viewJS+`.state.violations.includes("agreement")`)
	b.shot("mp-search-opened")
}
