package web

import "testing"

// TestBrowserRoomSlotPoll: a Multi-Paxos room. The instructor has c1 send
// a put and asks which command slot 1 will choose (the slot left empty:
// the first open one); the phone shows the question in slot terms with
// the put, a no-op and "none of these", answers the put, and after the
// run and the reveal sees the put marked as what the cluster chose.
func TestBrowserRoomSlotPoll(t *testing.T) {
	projector, phone := openProtoRoom(t, mpRoomScript)
	projector.wait("c1's request form", `document.querySelector("#nodes article.node[data-node=c1] form.mp-req") !== null`)
	projector.fill(`#nodes article.node[data-node=c1] form.mp-req input`, "put x 1")
	phone.wait("the request in flight", `[...document.querySelectorAll("#msg-list li.msg")].some((li) => li.textContent.includes("c1->"))`)

	projector.click("#poll-value")
	phone.wait("the slot question", `document.getElementById("poll-choice-2") !== null && document.querySelector("#room-poll .poll-q").textContent === "Which command will be chosen in slot 1?"`)
	if got := phone.evalString(`[...document.querySelectorAll("#room-poll .poll-answer")].map((b) => b.textContent).join(" | ")`); got != "c1.1:put:x:1 | noop | none of these" {
		t.Fatalf("the phone's choices: %q", got)
	}
	phone.eval(`document.getElementById("poll-choice-0").click()`)
	projector.wait("the answer counted", `document.getElementById("poll-count")?.dataset.answered === "1"`)
	phone.wait("my answer marked", `document.querySelector("#room-poll li.poll-choice.mine")?.dataset.choice === "0"`)
	if got := phone.evalString(`document.getElementById("poll-hint").textContent`); got != "Your answer is in. You may change it until the reveal." {
		t.Fatalf("the phone's hint before the reveal: %q", got)
	}

	projector.command("run max=30")
	phone.wait("slot 1 chosen on the phone", `document.querySelector("#mp-log tr.godseye td.g-chosen")?.textContent === "put x 1"`)
	if phone.num(`document.querySelectorAll("#room-poll li.outcome, #poll-result").length`) != 0 {
		t.Fatal("the result shows before the reveal")
	}
	projector.click("#poll-reveal")
	for _, b := range []*browser{projector, phone} {
		b.wait("the result marked", `document.querySelector("#room-poll li.outcome")?.dataset.choice === "0" && document.getElementById("poll-result")?.textContent === "Slot 1 chose c1.1:put:x:1."`)
	}
	// The poll is closed now: the phone no longer offers a change.
	if got := phone.evalString(`document.getElementById("poll-hint").textContent`); got != "Your answer is in; the poll is closed." {
		t.Fatalf("the phone's hint after the reveal: %q", got)
	}
	phone.shot("room-slot-poll-phone")
	projector.shot("room-slot-poll-projector")
}
