package web

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// cmpAt moves the side-by-side timeline to tick n as a person dragging the
// slider would, and returns what each pane shows: its leader, and each
// server's name and role.
func (b *browser) cmpAt(n int) (mp, raft string) {
	b.t.Helper()
	b.eval(fmt.Sprintf(`(() => { const s = document.getElementById("cmp-tick"); s.value = "%d"; s.dispatchEvent(new Event("input")); })()`, n))
	b.wait("tick "+strconv.Itoa(n), fmt.Sprintf(`document.body.dataset.tick === "%d"`, n))
	pane := func(id string) string {
		return b.evalString(fmt.Sprintf(`(() => { const p = document.getElementById(%q);
		  return "leader=" + p.dataset.leader + " " + [...p.querySelectorAll(".cmp-server")].map(s => s.dataset.name + ":" + s.dataset.role).join(" "); })()`, id))
	}
	return pane("pane-mp"), pane("pane-raft")
}

func (b *browser) cmpCell(key, proto string) string {
	return b.evalString(fmt.Sprintf(`document.querySelector('#cmp-table tr[data-key=%q] td.%s').textContent`, key, proto))
}

func leaderOf(pane string) string {
	return strings.TrimPrefix(strings.Fields(pane)[0], "leader=")
}

// TestBrowserCompareLeaderCrash opens the side-by-side page from the home
// page, runs the leader-crash example, plays the timeline and scrubs it:
// both panes elect a leader, the crash takes each protocol's leader down,
// both elect a new one, and the counters follow the timeline and differ
// where raft.md §8 says they do. Then a bad schedule is refused in words,
// and on a phone the panes stack.
func TestBrowserCompareLeaderCrash(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1000)
	b.nav("/")
	b.wait("home", `document.getElementById("compare-link") !== null`)
	b.click("#compare-link")
	b.wait("compare page", `document.body.dataset.page === "compare" && document.body.dataset.tick === "0"`)
	// Run the example from its button (a POST), then play a few ticks.
	b.eval(`document.getElementById("cmp-script").value = ""`)
	b.click("#ex-crash")
	b.wait("example run", `document.getElementById("cmp-script").value.includes("crash leader") && document.getElementById("cmp-tick").max === "220" && !document.getElementById("cmp-run").disabled`)
	mp0, raft0 := b.cmpAt(0)
	if leaderOf(mp0) != "" || leaderOf(raft0) != "" {
		t.Fatalf("tick 0 has a leader: %s / %s", mp0, raft0)
	}
	b.click("#cmp-play")
	b.wait("playing", `Number(document.body.dataset.tick) >= 3`)
	b.click("#cmp-play") // pause
	if got := b.evalString(`document.getElementById("cmp-tick-label").textContent`); !strings.Contains(got, "220") {
		t.Fatalf("tick label %q", got)
	}
	mp1, raft1 := b.cmpAt(79)
	l1mp, l1raft := leaderOf(mp1), leaderOf(raft1)
	if l1mp == "" || l1raft == "" {
		t.Fatalf("no leader at tick 79: %s / %s", mp1, raft1)
	}
	wonBefore := [2]string{b.cmpCell("elections", "mp"), b.cmpCell("elections", "raft")}
	b.eval(`window.scrollTo(0, 0)`)
	b.shot("tick79")
	mp2, raft2 := b.cmpAt(80)
	if !strings.Contains(mp2, l1mp+":crashed") || !strings.Contains(raft2, l1raft+":crashed") {
		t.Fatalf("tick 80: the leaders %s/%s did not crash: %s / %s", l1mp, l1raft, mp2, raft2)
	}
	if n := b.evalString(`document.querySelector("#pane-raft .cmp-notes").textContent`); !strings.Contains(n, "crash "+l1raft) {
		t.Fatalf("raft pane's note at tick 80: %q", n)
	}
	mp3, raft3 := b.cmpAt(139)
	l2mp, l2raft := leaderOf(mp3), leaderOf(raft3)
	if l2mp == "" || l2raft == "" || l2mp == l1mp || l2raft == l1raft {
		t.Fatalf("no new leader by tick 139: %s / %s", mp3, raft3)
	}
	b.eval(`window.scrollTo(0, 0)`)
	b.shot("tick139")
	wonAfter := [2]string{b.cmpCell("elections", "mp"), b.cmpCell("elections", "raft")}
	for i := range wonAfter {
		won := func(s string) int { n, _ := strconv.Atoi(strings.TrimSpace(strings.Split(s, "/")[1])); return n }
		if won(wonAfter[i]) <= won(wonBefore[i]) {
			t.Fatalf("elections won did not grow across the crash: %v → %v", wonBefore, wonAfter)
		}
	}
	b.cmpAt(220)
	// Raft's steady state: 2(N−1) = 4 messages; Multi-Paxos's costs more
	// (accept, accepted and commit); Raft moves no entries in votes.
	if got := b.cmpCell("steady_min", "raft"); got != "4" {
		t.Fatalf("raft's fewest steady messages %q, want 4", got)
	}
	if got, _ := strconv.Atoi(b.cmpCell("steady_min", "mp")); got <= 4 {
		t.Fatalf("multipaxos's fewest steady messages %d, want more than Raft's 4", got)
	}
	if got := b.cmpCell("moved", "raft"); got != "0" {
		t.Fatalf("raft moved %q entries in votes", got)
	}
	if got := b.cmpCell("committed", "mp") + " " + b.cmpCell("committed", "raft"); got != "5 / 5 5 / 5" {
		t.Fatalf("committed %q", got)
	}
	b.shot("end")

	// A bad schedule is refused in words; the last run stays.
	b.eval(`document.getElementById("cmp-script").value = "compare servers=3\nat 5 fly\nrun until=9"`)
	b.click("#cmp-run")
	b.wait("error", `!document.getElementById("cmp-error").hidden`)
	if e := b.evalString(`document.getElementById("cmp-error").textContent`); !strings.Contains(e, `line 2: unknown action "fly"`) {
		t.Fatalf("error %q", e)
	}

	// On a phone the panes stack.
	b.viewport(390, 844)
	b.wait("stacked", `document.getElementById("pane-raft").getBoundingClientRect().top >= document.getElementById("pane-mp").getBoundingClientRect().bottom`)
	b.eval(`document.getElementById("pane-mp").scrollIntoView()`)
	b.shot("phone")
}
