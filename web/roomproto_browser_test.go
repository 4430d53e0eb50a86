package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/lessons"
)

// openProtoRoom creates a room on script and opens the projector (the
// instructor's page) and one phone (a student's page, narrow).
func openProtoRoom(t *testing.T, script string) (projector, phone *browser) {
	t.Helper()
	browserOrSkip(t)
	_, ts := newTestServer(t, Options{})
	code, cr, body := createRoom(t, ts.URL, `{"script": `+jsonString(script)+`}`)
	if code != http.StatusCreated {
		t.Fatalf("create room: %d %s", code, body)
	}
	projector = newBrowser(t, ts.URL, 1400, 1000)
	projector.nav(strings.TrimPrefix(cr.InstructorURL, ts.URL))
	projector.wait("the projector", `location.pathname.endsWith("/teach") && window.paxvizRoom && window.paxvizRoom.dash() !== null && document.body.dataset.conn === "connected"`)
	phone = projector.tab(t)
	phone.nav("/r/" + cr.Code)
	phone.wait("the phone", `window.paxvizRoom && window.paxvizRoom.me().num === 1 && document.body.dataset.conn === "connected"`)
	return projector, phone
}

// fill sets the input sel to value and submits its form (as pressing
// Enter in it does).
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	if b.eval(fmt.Sprintf(`(() => { const i = document.querySelector(%q); if (!i) return false; i.value = %q; i.form.requestSubmit(); return true; })()`, sel, value)) != true {
		b.t.Fatalf("no input %s", sel)
	}
}

// command types a script line into the command box and runs it.
func (b *browser) command(line string) {
	b.t.Helper()
	b.fill("#command", line)
}

// TestBrowserRoomRaft: a Raft room. The projector draws the Raft view
// (cards with term and timer, the log grid, the leader's table); the
// instructor starts an election from s1's card, puts a "who leads next"
// question to the class, lets the votes arrive and proposes a value from
// the leader's card; the phone follows each step in the same Raft view,
// answers the question, and has no buttons that drive the cluster.
func TestBrowserRoomRaft(t *testing.T) {
	projector, phone := openProtoRoom(t, raftRoomScript)
	for _, b := range []*browser{projector, phone} {
		b.wait("the Raft view", `document.body.classList.contains("raft") && document.querySelector("#raft-log tbody tr[data-server=s3]") !== null && document.querySelectorAll("#nodes article.node").length === 3`)
	}
	if got := phone.evalString(`document.getElementById("room-protocol").textContent`); got != "Raft" {
		t.Fatalf("the phone names the protocol %q", got)
	}
	if phone.num(`document.querySelectorAll("#nodes .ctls button, #nodes form").length`) != 0 || phone.num(`document.getElementById("raft-tick1").getClientRects().length`) != 0 {
		t.Fatal("a following phone has buttons that drive the cluster")
	}
	if projector.num(`document.getElementById("raft-tick1").getClientRects().length`) == 0 {
		t.Fatal("the projector has no tick buttons")
	}
	projector.click(`#nodes article.node[data-node=s1] button[data-ctl=timeout]`)
	phone.wait("s1 is a candidate on the phone", `document.querySelector("#nodes article.node[data-node=s1]")?.dataset.role === "candidate" && document.querySelector("#nodes article.node[data-node=s1]").dataset.term === "1"`)
	phone.wait("the votes asked in flight", `[...document.querySelectorAll("#msg-list li.msg")].filter((li) => li.textContent.includes("s1->")).length === 2`)

	projector.click("#poll-leader")
	phone.wait("the question", `document.getElementById("poll-choice-2") !== null && document.querySelector("#room-poll .poll-q").textContent.includes("leader")`)
	phone.eval(`document.getElementById("poll-choice-0").click()`)
	projector.wait("the answer counted", `document.getElementById("poll-count")?.dataset.answered === "1"`)
	projector.click("#poll-end")

	projector.command("run max=6")
	phone.wait("s1 leads on the phone", `document.querySelector("#nodes article.node[data-node=s1]")?.dataset.role === "leader" && document.getElementById("raft-peers-s1") !== null`)
	projector.wait("the propose form on the leader's card", `document.querySelector("#nodes article.node[data-node=s1] form.raft-prop") !== null`)
	projector.fill(`#nodes article.node[data-node=s1] form.raft-prop input`, "X")
	phone.wait("X in the leader's log", `[...document.querySelectorAll("#raft-log tr[data-server=s1] td")].some((td) => td.textContent === "1:X")`)
	projector.command("run max=20")
	phone.wait("X committed on the phone", `[...document.querySelectorAll("#chosen .chosen-value")].some((e) => e.textContent.includes("1:X"))`)
	if got, want := phone.num(`window.paxvizRoom.roomView().step`), projector.num(`window.paxvizRoom.roomView().step`); got != want {
		t.Fatalf("the phone is at step %d, the projector at %d", got, want)
	}
	projector.shot("room-raft-projector")
	phone.shot("room-raft-phone")
}

// TestBrowserRoomMultiPaxos: a Multi-Paxos room. The instructor sends a
// put from client c1's card and runs it to its commit; the phone sees the
// slot chosen in the Multi-Paxos log grid and the client's operation.
func TestBrowserRoomMultiPaxos(t *testing.T) {
	projector, phone := openProtoRoom(t, mpRoomScript)
	for _, b := range []*browser{projector, phone} {
		b.wait("the Multi-Paxos view", `document.body.classList.contains("mp") && document.querySelector("#mp-log tr[data-server=s3]") !== null`)
	}
	if phone.num(`document.querySelectorAll("#nodes .ctls button, #nodes form").length`) != 0 {
		t.Fatal("a following phone has buttons that drive the cluster")
	}
	projector.wait("c1's request form", `document.querySelector("#nodes article.node[data-node=c1] form.mp-req") !== null`)
	projector.fill(`#nodes article.node[data-node=c1] form.mp-req input`, "put x 1")
	phone.wait("the request in flight", `[...document.querySelectorAll("#msg-list li.msg")].some((li) => li.textContent.includes("c1->"))`)
	projector.command("run max=30")
	phone.wait("slot 1 chosen on the phone", `document.querySelector("#mp-log tr.godseye td.g-chosen")?.textContent === "put x 1"`)
	phone.wait("c1's operation returned", `document.querySelector("#mp-clients .lane[data-client=c1] .op.done") !== null`)
	for i := 1; i <= 3; i++ {
		cell := fmt.Sprintf(`document.querySelector("#mp-log tr[data-server=s%d] td[data-slot='1']")?.dataset.state`, i)
		if got := phone.evalString(cell); got != "executed" {
			t.Fatalf("s%d's slot 1 on the phone: %q", i, got)
		}
	}
	projector.shot("room-mp-projector")
	phone.shot("room-mp-phone")
}

// TestBrowserRoomRaftLesson: a room on lesson 17 (Raft elections). The
// projector and the phone show the step's text beside the Raft view; the
// instructor's "Next" moves both to the next step, in each one's language.
func TestBrowserRoomRaftLesson(t *testing.T) {
	browserOrSkip(t)
	set, _ := lessons.Builtin()
	_, ts := newTestServer(t, Options{Lessons: staticLessons{set}})
	code, cr, body := createRoom(t, ts.URL, `{"lesson":"17-raft-election","step":1}`)
	if code != http.StatusCreated {
		t.Fatalf("create room: %d %s", code, body)
	}
	projector := newBrowser(t, ts.URL, 1400, 1000)
	projector.nav(strings.TrimPrefix(cr.InstructorURL, ts.URL))
	phone := projector.tab(t)
	phone.nav("/r/" + cr.Code + "?lang=zh")
	for _, b := range []*browser{projector, phone} {
		b.wait("the lesson beside the Raft view", `document.body.classList.contains("raft") && document.getElementById("room-lesson-title")?.textContent.includes("1") && document.querySelectorAll("#nodes article.node").length === 3`)
	}
	if got := phone.evalString(`document.getElementById("room-lesson-title").textContent`); !strings.ContainsAny(got, "第步") {
		t.Fatalf("the Chinese phone's step title: %q", got)
	}
	projector.click("#lesson-next")
	phone.wait("step 2 on the phone", `window.paxvizRoom.roomView().lesson?.step === 1 && document.getElementById("room-lesson-title").textContent.startsWith("第 2 步")`)
	phone.shot("room-raft-lesson-zh")
}
