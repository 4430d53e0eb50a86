package sim

import (
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/engine"
	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/i18n"
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

var _ Proto[mp.Message, Narration] = (*mpProto)(nil)

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

func (p *mpProto) Nodes() int                       { return p.cfg.Nodes() }
func (p *mpProto) Name(id int) string               { return p.cfg.Name(mp.NodeID(id)) }
func (p *mpProto) Up(id int) bool                   { return p.st.Up(p.cfg, mp.NodeID(id)) }
func (p *mpProto) Ends(m *mp.Message) (int, int)    { return int(m.From), int(m.To) }
func (p *mpProto) SetID(m *mp.Message, id int)      { m.ID = id }
func (p *mpProto) MsgID(m *mp.Message) int          { return m.ID }
func (p *mpProto) AnyChosen() bool                  { return p.k.MaxChosen() > 0 }
func (p *mpProto) nodeName(id engine.NodeID) string { return p.cfg.Name(mp.NodeID(id)) }

// WorldNote narrates the world's events with the keys single-decree
// Paxos uses for them.
func (p *mpProto) WorldNote(k WorldNoteKind, node, peer, n, q int) Narration {
	key := [...]string{WNoteLost: "note.lost", WNoteDropped: "note.dropped", WNoteDuplicated: "note.duplicated",
		WNoteTick: "note.tick", WNoteCrash: "note.crash", WNoteRestart: "note.restart",
		WNotePartition: "note.partition", WNoteHeal: "note.heal",
		WNotePause: "note.pause", WNoteResume: "note.resume", WNoteClock: "note.clock"}[k]
	args := map[string]string{"node": p.Name(node), "peer": p.Name(peer),
		"n": strconv.Itoa(n), "q": strconv.Itoa(q)}
	if k == WNoteClock {
		args["q"] = clockText(q)
	}
	return Narration{Key: key, Args: args}
}

func (p *mpProto) begin(w *World[mp.Message, Narration]) {
	p.out.Reset()
	p.out.Quiet = !w.Tracing()
}

// flush routes what node id's handler produced: timers, narration, the
// god's-eye records (judged at once, so every invariant is checked after
// every handler of every step), then the messages, in order.
func (p *mpProto) flush(id int, w *World[mp.Message, Narration]) {
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
			w.Note(mpNarration(p.cfg, &o.Notes[i]))
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
					w.Note(Narration{Key: "note.mp.chosen", Args: map[string]string{"s": strconv.Itoa(int(s)), "cmd": c.String()}})
				}
			}
		}
		for vs := p.k.Violations(); p.reported < len(vs); p.reported++ {
			w.Note(Narration{Key: "note.violation", Args: map[string]string{"v": vs[p.reported].Describe(p.cfg)}})
		}
	}
	for i := range o.Msgs {
		w.Send(o.Msgs[i])
	}
	o.Reset()
}

func (p *mpProto) Deliver(m *mp.Message, w *World[mp.Message, Narration]) {
	p.begin(w)
	p.out.Clock = w.Clock(int(m.To))
	if err := p.st.Step(p.cfg, m, &p.out); err != nil {
		return
	}
	p.flush(int(m.To), w)
}

func (p *mpProto) Timeout(id, kind int, byClock bool, w *World[mp.Message, Narration]) error {
	p.begin(w)
	p.out.Clock = w.Clock(id)
	if err := p.st.Timeout(p.cfg, mp.NodeID(id), mp.TimerKind(kind), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	if byClock && w.Tracing() {
		w.Note(Narration{Key: "note.mp.timer", Args: map[string]string{"node": p.Name(id), "timer@": "mp.timer." + mp.TimerName(mp.TimerKind(kind), p.cfg.IsClient(mp.NodeID(id)))}})
	}
	p.flush(id, w)
	return nil
}

func (p *mpProto) Crash(id int, w *World[mp.Message, Narration]) error {
	return p.st.Crash(p.cfg, mp.NodeID(id))
}

func (p *mpProto) Restart(id int, w *World[mp.Message, Narration]) error {
	p.begin(w)
	p.out.Clock = w.Clock(id)
	if err := p.st.Restart(p.cfg, mp.NodeID(id), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(id, w)
	return nil
}

// request is the protocol form put/get/cas: client c invokes op.
func (p *mpProto) request(c int, op mp.Cmd, to mp.NodeID, w *World[mp.Message, Narration]) error {
	return p.requestVia(c, op, to, mp.ViaLog, w)
}

// requestVia is request with a get's read path.
func (p *mpProto) requestVia(c int, op mp.Cmd, to mp.NodeID, via mp.Via, w *World[mp.Message, Narration]) error {
	p.begin(w)
	p.out.Clock = w.Clock(c)
	if err := p.st.RequestVia(p.cfg, mp.NodeID(c), op, to, via, &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(c, w)
	return nil
}

// start emits every node's timers at time 0 (not a step).
func (p *mpProto) start(w *World[mp.Message, Narration]) {
	for i := range p.cfg.Nodes() {
		p.begin(w)
		p.st.Start(p.cfg, mp.NodeID(i), &p.out)
		p.flush(i, w)
	}
}

// Narration is a note as data for any protocol: a translation key and its
// arguments (an argument whose name ends in @ is itself a key, translated
// in the reader's language, its name without the @).
type Narration struct {
	Key  string
	Args map[string]string
}

// Text renders n in lang.
func (n *Narration) Text(lang i18n.Lang) string {
	args := make(map[string]string, len(n.Args))
	for k, v := range n.Args {
		if name, ok := strings.CutSuffix(k, "@"); ok {
			k, v = name, i18n.T(lang, v)
		}
		args[k] = v
	}
	return i18n.Format(lang, n.Key, args)
}

// mpNarration turns a Multi-Paxos note into its translation key and
// arguments.
func mpNarration(c *mp.Config, n *mp.Note) Narration {
	key := "note.mp." + n.Kind.String()
	switch n.Kind {
	case mp.NoteStepDown, mp.NoteClientSend, mp.NoteReadLocal:
		key += "." + strconv.Itoa(n.N)
	case mp.NoteGuardNack, mp.NoteGuarded:
		if n.Peer2 == mp.None {
			key += ".quiet"
		}
	case mp.NoteHeartbeatOK:
		if n.N2 == mp.HBHolds {
			key += ".holds"
			if n.Peer2 == mp.None {
				key += ".quiet"
			}
		}
	case mp.NoteLead:
		if int32(n.N) < n.Slot {
			key += ".none"
		}
	}
	return Narration{Key: key, Args: map[string]string{
		"node": c.Name(n.Node), "peer": c.Name(n.Peer), "peer2": c.Name(n.Peer2),
		"b": n.B.String(), "b2": n.B2.String(), "s": strconv.Itoa(int(n.Slot)),
		"cmd": n.Cmd.String(), "cmd2": n.Cmd2.String(), "text": n.Text, "key": n.Cmd.Key,
		"n": strconv.Itoa(n.N), "n2": strconv.Itoa(n.N2), "q": strconv.Itoa(n.Q), "bug": n.Bug.String(),
	}}
}
