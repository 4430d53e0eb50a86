package sim

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// toyMsg and toyProto are the smallest protocol the world can drive: a
// node answers every "ping" with a "pong", and has two timers: kind 0
// sends a ping to the next node, kind 1 re-arms itself. It shows what a
// protocol must provide (Proto) and pins the world's own rules.
type toyMsg struct {
	ID, From, To int
	Body         string
}

type toyProto struct {
	up  []bool
	log []string // what happened, in order
}

func (p *toyProto) Nodes() int                { return len(p.up) }
func (p *toyProto) Up(id int) bool            { return p.up[id] }
func (p *toyProto) Ends(m *toyMsg) (int, int) { return m.From, m.To }
func (p *toyProto) SetID(m *toyMsg, id int)   { m.ID = id }
func (p *toyProto) MsgID(m *toyMsg) int       { return m.ID }
func (p *toyProto) AnyChosen() bool           { return false }
func (p *toyProto) EndStep(w *World[toyMsg, string]) {
	p.log = append(p.log, fmt.Sprintf("end %d", w.step))
}
func (p *toyProto) WorldNote(k WorldNoteKind, node, peer, n, q int) string {
	return fmt.Sprintf("world %d %d %d %d %d", k, node, peer, n, q)
}

func (p *toyProto) Deliver(m *toyMsg, w *World[toyMsg, string]) {
	p.log = append(p.log, fmt.Sprintf("%d<-%d %s #%d", m.To, m.From, m.Body, m.ID))
	if m.Body == "ping" {
		w.Send(toyMsg{From: m.To, To: m.From, Body: "pong"})
	}
}

func (p *toyProto) Timeout(id, kind int, byClock bool, w *World[toyMsg, string]) error {
	if !p.up[id] {
		return errors.New("down")
	}
	p.log = append(p.log, fmt.Sprintf("timer %d.%d at %d", id, kind, w.now))
	switch kind {
	case 0:
		w.Send(toyMsg{From: id, To: (id + 1) % len(p.up), Body: "ping"})
	case 1:
		w.Arm(id, 1, 3, 0)
	}
	return nil
}

func (p *toyProto) Crash(id int, _ *World[toyMsg, string]) error {
	if !p.up[id] {
		return errors.New("already down")
	}
	p.up[id] = false
	return nil
}

func (p *toyProto) Restart(id int, _ *World[toyMsg, string]) error {
	if p.up[id] {
		return errors.New("up")
	}
	p.up[id] = true
	return nil
}

func newToy(n int) (*toyProto, *World[toyMsg, string]) {
	p := &toyProto{up: make([]bool, n)}
	for i := range p.up {
		p.up[i] = true
	}
	w := &World[toyMsg, string]{}
	w.initWorld(p, n, 2, 1)
	return p, w
}

// TestWorldTimers: due timers fire in order of deadline, then node, then
// kind; a timer re-armed while firing may fire again within one tick
// command; a crash stops every timer of the node.
func TestWorldTimers(t *testing.T) {
	p, w := newToy(3)
	w.Arm(2, 0, 2, 0)
	w.Arm(1, 1, 2, 0)
	w.Arm(1, 0, 2, 0)
	w.Arm(0, 1, 1, 0)
	w.Tick(5)
	got := strings.Join(filter(p.log, "timer"), "; ")
	want := "timer 0.1 at 1; timer 1.0 at 2; timer 1.1 at 2; timer 2.0 at 2; timer 0.1 at 4; timer 1.1 at 5"
	if got != want {
		t.Errorf("timers fired %q, want %q", got, want)
	}
	if w.step != 1 {
		t.Errorf("tick 5 took %d steps, want 1", w.step)
	}
	if err := w.CrashNode(1); err != nil {
		t.Fatal(err)
	}
	if w.Timer(1, 1) != -1 {
		t.Error("a crash must stop the node's timers")
	}
	if err := w.CrashNode(1); err == nil || w.step != 2 {
		t.Errorf("crashing a down node: err %v, steps %d; want an error and no step", err, w.step)
	}
}

// TestWorldMessages: ids in send order, a message to self is handled after
// the current handler in the same step, a partition loses what crosses it
// and cuts what is in flight across it, dup gives the copy the next id,
// and delivering to a down node loses the message.
func TestWorldMessages(t *testing.T) {
	var evs []*WEvent[toyMsg, string]
	p, w := newToy(3)
	w.Trace = func(ev *WEvent[toyMsg, string]) { evs = append(evs, ev) }
	w.Begin(Action{Kind: ActProto, Text: "kick"})
	w.Send(toyMsg{From: 0, To: 1, Body: "ping"})
	w.Send(toyMsg{From: 0, To: 0, Body: "ping"})
	w.Drain()
	w.End()
	if len(w.inflight) != 1 || w.inflight[0].ID != 1 {
		t.Fatalf("in flight %+v: want #1 only", w.inflight)
	}
	if got := strings.Join(filter(p.log, "0<-0"), "; "); got != "0<-0 ping #2; 0<-0 pong #3" {
		t.Errorf("messages to self: %q, want ping #2 then its pong #3, in the same step", got)
	}
	if len(evs) != 1 || len(evs[0].Sent) != 3 || evs[0].Sent[1].Fate != FateLocal || evs[0].Sent[2].Fate != FateLocal {
		t.Fatalf("the event lists %+v", evs[0].Sent)
	}
	w.DupAt(0)
	if len(w.inflight) != 2 || w.inflight[1].ID != 4 || w.inflight[1].Body != "ping" {
		t.Errorf("dup: %+v", w.inflight)
	}
	w.Partition([]int8{0, 1, 0}, Action{Kind: ActPartition})
	if len(w.inflight) != 0 || len(evs[len(evs)-1].Removed) != 2 {
		t.Errorf("the partition must cut both pings to 1: %+v", w.inflight)
	}
	w.Begin(Action{Kind: ActProto})
	w.Send(toyMsg{From: 0, To: 1, Body: "ping"})
	w.Send(toyMsg{From: 2, To: 0, Body: "ping"})
	w.End()
	if last := evs[len(evs)-1]; last.Sent[0].Fate != FateBlocked || len(w.inflight) != 1 || w.inflight[0].ID != 6 {
		t.Errorf("a send across the partition must be lost, one within it kept: %+v", w.inflight)
	}
	w.Heal()
	if err := w.CrashNode(0); err != nil {
		t.Fatal(err)
	}
	w.DeliverAt(0) // #6 ping 2->0, and 0 is down
	if last := evs[len(evs)-1]; len(last.Notes) != 1 || last.Notes[0] != fmt.Sprintf("world %d 0 2 6 0", WNoteLost) {
		t.Errorf("delivery to a down node: notes %q", last.Notes)
	}
	if n := len(filter(p.log, "end")); n != w.step {
		t.Errorf("EndStep ran %d times in %d steps", n, w.step)
	}
}

func filter(log []string, prefix string) []string {
	var out []string
	for _, l := range log {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return out
}

// TestWorldArmOwn: per-node streams (Raft's election timers): a node's
// draws stay in [lo, hi] and do not depend on how often other nodes drew.
func TestWorldArmOwn(t *testing.T) {
	draws := func(others int) []int {
		_, w := newToy(3)
		var got []int
		for range 20 {
			for range others {
				w.ArmOwn(1, 0, 10, 20)
			}
			w.ArmOwn(0, 0, 10, 20)
			got = append(got, w.Timer(0, 0))
		}
		return got
	}
	a, b := draws(0), draws(3)
	distinct := map[int]bool{}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("node 0's draws shift with node 1's: %v vs %v", a, b)
		}
		if a[i] < 10 || a[i] > 20 {
			t.Fatalf("draw %d outside [10, 20]", a[i])
		}
		distinct[a[i]] = true
	}
	if len(distinct) < 3 {
		t.Errorf("draws %v hardly vary", a)
	}
}
