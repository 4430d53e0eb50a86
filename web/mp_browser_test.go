package web

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// mpAct clicks a button (deliver, drop, dup) of the in-flight message of
// type typ from->to in the list, and waits for the new state.
func (b *browser) mpAct(verb, typ, from, to string) {
	b.t.Helper()
	find := fmt.Sprintf(`%s.state.inflight.find(m => m.type === %q && m.from === %q && m.to === %q)`, viewJS, typ, from, to)
	if b.eval(find+" !== undefined") != true {
		b.t.Fatalf("no %s %s->%s in flight: %v", typ, from, to, b.eval(viewJS+".state.inflight.map(m => m.text)"))
	}
	before := b.step()
	b.eval(fmt.Sprintf(`document.querySelector('#msg-list li[data-msg="' + %s.id + '"] button.%s').click()`, find, verb))
	b.wait(verb+" "+typ, fmt.Sprintf("%s.step > %d", viewJS, before))
}

// mpCommand types a line in the command box.
func (b *browser) mpCommand(line string) {
	b.t.Helper()
	before := b.step()
	b.eval(fmt.Sprintf(`document.getElementById("command").value = %q`, line))
	b.click(`#command-form button[type="submit"]`)
	b.wait(line, fmt.Sprintf("%s.step > %d", viewJS, before))
}

// TestBrowserMultiPaxos drives a Multi-Paxos sandbox from the home page
// through a steady-state command, a leader change and a second command to
// a linearizable history, with the log grid, the client timeline and the
// cost counters drawn, and the controls (crash, timeout, drop, dup, undo,
// branch, export) working.
func TestBrowserMultiPaxos(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	b := newBrowser(t, ts.URL, 1400, 1100)
	b.nav("/")
	b.wait("home", `document.getElementById("mp-link") !== null`)
	b.click("#mp-link")
	b.wait("sandbox page", `document.body.dataset.page === "sandbox" && document.body.dataset.conn === "connected"`)
	b.wait("log grid", `document.querySelector("#mp-log tr[data-server=s1] .lead-badge") !== null`)
	if got := b.evalString(`document.getElementById("cluster-line").textContent`); !strings.Contains(got, "multipaxos") {
		t.Fatalf("cluster line %q", got)
	}

	// Steady state: c1's put from its card, two message delays.
	b.click(`.node[data-node="c1"] [data-ctl="request"]`)
	b.wait("request in flight", viewJS+`.state.inflight.some(m => m.type === "request")`)
	b.mpAct("deliver", "request", "c1", "s1")
	b.wait("accept chips", `document.querySelectorAll(".chip.t-accept").length === 2`)
	b.mpAct("dup", "accept", "s1", "s3")
	b.mpAct("drop", "accept", "s1", "s3")
	b.mpAct("deliver", "accept", "s1", "s2")
	b.mpAct("deliver", "accepted", "s2", "s1")
	b.mpAct("deliver", "reply", "s1", "c1")
	b.wait("executed on s1", `document.querySelector('#mp-log tr[data-server=s1] td[data-slot="1"]').dataset.state === "executed"`)
	b.wait("steady cost", `document.querySelector('#mp-cost-table tr[data-kind=steady] .n-delays').textContent === "2.0"`)

	// A leader change: s1 crashes, s2 times out and wins phase 1 with s3.
	b.click(`.node[data-node="s1"] [data-ctl="crash"]`)
	b.wait("s1 down", viewJS+`.mp.servers[0].up === false`)
	b.click(`.node[data-node="s2"] [data-ctl="timeout"]`)
	b.wait("prepare", viewJS+`.state.inflight.some(m => m.type === "prepare" && m.to === "s3")`)
	b.mpAct("deliver", "prepare", "s2", "s3")
	b.mpAct("deliver", "promise", "s3", "s2")
	b.wait("s2 leads", `document.querySelector("#mp-log tr[data-server=s2] .lead-badge") !== null`)

	// c2's get through the command box, after the change: four delays.
	b.mpCommand("get c2 x to=s2")
	b.mpAct("deliver", "request", "c2", "s2")
	// s2 re-proposes slot 1 (c1's put) and proposes c2's get in slot 2.
	b.mpAct("deliver", "accept", "s2", "s3")
	b.mpAct("deliver", "accept", "s2", "s3")
	b.mpAct("deliver", "accepted", "s3", "s2")
	b.mpAct("deliver", "accepted", "s3", "s2")
	b.mpAct("deliver", "reply", "s2", "c2")
	b.wait("change cost", `document.querySelector('#mp-cost-table tr[data-kind=change] .n-delays').textContent === "4.0"`)
	b.wait("c2 read 1", viewJS+`.mp.ops.some(o => o.client === "c2" && o.result === "1")`)
	b.wait("timeline", `document.querySelectorAll("#mp-clients .op.done").length === 2`)
	if v := b.evalString(`document.getElementById("mp-verdict").className`); v != "verdict ok" {
		t.Fatalf("linearizability verdict: %q", v)
	}
	if b.eval(viewJS+`.invariants.every(i => i.ok)`) != true {
		t.Fatalf("invariants: %v", b.eval(`JSON.stringify(`+viewJS+`.invariants)`))
	}
	b.shot("leader-change")
	b.eval(`document.getElementById("mp-panels").scrollIntoView()`)
	b.shot("panels")

	// Undo, then act in the past: a second branch; export has the script.
	end := b.step()
	b.click("#btn-undo")
	b.wait("undo", fmt.Sprintf("%s.step < %d", viewJS, end))
	b.eval(`document.querySelector('.node[data-node="s3"] [data-ctl="timeout"]').click()`)
	b.wait("a branch", viewJS+`.branches_total === 2 && document.querySelectorAll("#branches li").length === 2`)
	resp, err := http.Get(b.evalString(`document.getElementById("btn-export").href`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	script := string(body)
	if !strings.Contains(script, "\ncluster multipaxos") || !strings.Contains(script, "timeout s3") || !strings.Contains(script, "get c2 x to=s2") {
		t.Fatalf("export: %q", script)
	}
}
