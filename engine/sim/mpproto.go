package sim

import (
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// mpProto is Multi-Paxos (package multipaxos) as the world drives it: the
// protocol's state, its god's-eye checker and its reusable output buffer.
// This file and mpscript.go are the protocol registry's Multi-Paxos part:
// the only files of the world that name the protocol package.
type mpProto struct {
	cfg *mp.Config
	st  mp.State
	k   *mp.Checker
	out mp.Out
	// reported counts the checker's violations already narrated.
	reported int
	// replies[c] lists client c's responses in order (--json replies).
	replies [][]mpReply
}

var _ Proto[mp.Message, string] = (*mpProto)(nil)

// mpReply is one response a client accepted.
type mpReply struct {
	ID     mp.ReqID
	Result string
}

func (p *mpProto) clone() *mpProto {
	c := &mpProto{cfg: p.cfg, st: p.st.Clone(), k: p.k.Clone(), reported: p.reported,
		replies: make([][]mpReply, len(p.replies))}
	for i := range p.replies {
		c.replies[i] = append([]mpReply(nil), p.replies[i]...)
	}
	return c
}

func (p *mpProto) Nodes() int                         { return p.cfg.Nodes() }
func (p *mpProto) Name(id int) string                 { return p.cfg.Name(mp.NodeID(id)) }
func (p *mpProto) Up(id int) bool                     { return p.st.Up(p.cfg, mp.NodeID(id)) }
func (p *mpProto) Ends(m *mp.Message) (int, int)      { return int(m.From), int(m.To) }
func (p *mpProto) SetID(m *mp.Message, id int)        { m.ID = id }
func (p *mpProto) MsgID(m *mp.Message) int            { return m.ID }
func (p *mpProto) AnyChosen() bool                    { return p.k.MaxChosen() > 0 }
func (p *mpProto) EndStep(*World[mp.Message, string]) {}
func (p *mpProto) nodeName(id engine.NodeID) string   { return p.cfg.Name(mp.NodeID(id)) }

// WorldNote narrates the world's events in English (Multi-Paxos traces
// are not translated yet).
func (p *mpProto) WorldNote(k WorldNoteKind, node, peer, n, q int) string {
	switch k {
	case WNoteLost:
		return p.Name(node) + " is down: #" + strconv.Itoa(n) + " from " + p.Name(peer) + " is lost"
	case WNoteDropped:
		return "the network loses #" + strconv.Itoa(n) + " (" + p.Name(node) + "->" + p.Name(peer) + ")"
	case WNoteDuplicated:
		return "the network duplicates #" + strconv.Itoa(q) + ": #" + strconv.Itoa(n) + " is a copy"
	case WNoteTick:
		return "time advances " + strconv.Itoa(n) + " tick(s), to " + strconv.Itoa(q)
	case WNoteCrash:
		return p.Name(node) + " crashes: only promised, votes and maxRound survive"
	case WNoteRestart:
		return p.Name(node) + " restarts as a follower with its durable state"
	case WNotePartition:
		return "the network is partitioned: " + strconv.Itoa(n) + " messages cut"
	case WNoteHeal:
		return "the network is whole again"
	}
	return "?"
}

func (p *mpProto) begin(w *World[mp.Message, string]) {
	p.out.Reset()
	p.out.Quiet = !w.Tracing()
}

// flush routes what node id's handler produced: timers, narration, the
// god's-eye records (judged at once, so every invariant is checked after
// every handler of every step), then the messages, in order.
func (p *mpProto) flush(id int, w *World[mp.Message, string]) {
	o := &p.out
	for _, t := range o.Timers {
		if t.Stop {
			w.Stop(id, int(t.Kind))
		} else {
			w.Arm(id, int(t.Kind), t.Delay, t.Jitter)
		}
	}
	if w.Tracing() {
		for i := range o.Notes {
			w.Note(mpNoteText(p.cfg, &o.Notes[i]))
		}
	}
	for _, e := range o.Client {
		if e.Return {
			c := p.cfg.ClientIndex(e.Client) - 1
			p.replies[c] = append(p.replies[c], mpReply{e.Cmd.ID, e.Result})
		}
	}
	chosenBefore := p.k.MaxChosen()
	p.k.ObserveOut(w.step, o)
	if w.Tracing() {
		if n := p.k.MaxChosen(); n > chosenBefore {
			for s := chosenBefore + 1; s <= n; s++ {
				for _, c := range p.k.Chosen(s) {
					w.Note("god's-eye: slot " + strconv.Itoa(int(s)) + " chosen: " + c.String())
				}
			}
		}
		for vs := p.k.Violations(); p.reported < len(vs); p.reported++ {
			w.Note("SAFETY VIOLATED: " + vs[p.reported].Describe(p.cfg))
		}
	}
	for i := range o.Msgs {
		w.Send(o.Msgs[i])
	}
	o.Reset()
}

func (p *mpProto) Deliver(m *mp.Message, w *World[mp.Message, string]) {
	p.begin(w)
	if err := p.st.Step(p.cfg, m, &p.out); err != nil {
		return
	}
	p.flush(int(m.To), w)
}

func (p *mpProto) Timeout(id, kind int, byClock bool, w *World[mp.Message, string]) error {
	p.begin(w)
	if err := p.st.Timeout(p.cfg, mp.NodeID(id), mp.TimerKind(kind), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	if byClock && w.Tracing() {
		w.Note(p.Name(id) + "'s " + mp.TimerKind(kind).String() + " timer fires")
	}
	p.flush(id, w)
	return nil
}

func (p *mpProto) Crash(id int, w *World[mp.Message, string]) error {
	return p.st.Crash(p.cfg, mp.NodeID(id))
}

func (p *mpProto) Restart(id int, w *World[mp.Message, string]) error {
	p.begin(w)
	if err := p.st.Restart(p.cfg, mp.NodeID(id), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(id, w)
	return nil
}

// request is the protocol form put/get/cas: client c invokes op.
func (p *mpProto) request(c int, op mp.Cmd, to mp.NodeID, w *World[mp.Message, string]) error {
	p.begin(w)
	if err := p.st.Request(p.cfg, mp.NodeID(c), op, to, &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(c, w)
	return nil
}

// start emits every node's timers at time 0 (not a step).
func (p *mpProto) start(w *World[mp.Message, string]) {
	for i := range p.cfg.Nodes() {
		p.begin(w)
		p.st.Start(p.cfg, mp.NodeID(i), &p.out)
		p.flush(i, w)
	}
}

// mpNoteText renders a note in English for traces: the note's kind, then
// its non-zero fields.
func mpNoteText(c *mp.Config, n *mp.Note) string {
	var sb strings.Builder
	sb.WriteString(c.Name(n.Node))
	sb.WriteByte(' ')
	sb.WriteString(strings.ReplaceAll(n.Kind.String(), "_", " "))
	if n.Peer != n.Node && n.Peer >= 0 && !(n.Peer == 0 && n.Kind == mp.NoteNone) {
		sb.WriteString(" peer=" + c.Name(n.Peer))
	}
	if n.Kind == mp.NoteRedirect {
		sb.WriteString(" hint=" + c.Name(n.Peer2))
	}
	if !n.B.IsZero() {
		sb.WriteString(" b=" + n.B.String())
	}
	if !n.B2.IsZero() {
		sb.WriteString(" b2=" + n.B2.String())
	}
	if n.Slot != 0 {
		sb.WriteString(" s=" + strconv.Itoa(int(n.Slot)))
	}
	if !n.Cmd.IsZero() {
		sb.WriteString(" " + n.Cmd.String())
	}
	if !n.Cmd2.IsZero() {
		sb.WriteString(" " + n.Cmd2.String())
	}
	if n.Text != "" {
		sb.WriteString(" -> " + n.Text)
	}
	if n.N != 0 || n.Q != 0 {
		sb.WriteString(" n=" + strconv.Itoa(n.N))
	}
	if n.Q != 0 {
		sb.WriteString("/" + strconv.Itoa(n.Q))
	}
	if n.Bug != 0 {
		sb.WriteString(" bug=" + n.Bug.String())
	}
	return sb.String()
}
