package sim

import (
	"strconv"

	"github.com/paxviz/paxviz/engine"
	rf "github.com/paxviz/paxviz/engine/raft"
)

// raftProto is Raft (package raft) as the world drives it: the protocol's
// state, its god's-eye checker and its reusable output buffer. This file
// and raftscript.go are the protocol registry's Raft part: the only files
// of the world that name the protocol package (raft.md, engine/raft/doc.go
// "What the world needs from a protocol").
type raftProto struct {
	cfg *rf.Config
	st  rf.State
	k   *rf.Checker
	out rf.Out
	// reported counts the checker's violations already narrated.
	reported int
}

var _ Proto[rf.Message, Narration] = (*raftProto)(nil)

func (p *raftProto) clone() *raftProto {
	return &raftProto{cfg: p.cfg, st: p.st.Clone(), k: p.k.Clone(), reported: p.reported}
}

func (p *raftProto) Nodes() int                    { return p.cfg.Nodes() }
func (p *raftProto) Name(id int) string            { return p.cfg.Name(rf.NodeID(id)) }
func (p *raftProto) Up(id int) bool                { return p.st.Up(p.cfg, rf.NodeID(id)) }
func (p *raftProto) Ends(m *rf.Message) (int, int) { return int(m.From), int(m.To) }
func (p *raftProto) SetID(m *rf.Message, id int)   { m.ID = id }
func (p *raftProto) MsgID(m *rf.Message) int       { return m.ID }
func (p *raftProto) AnyChosen() bool {
	_, ok := p.k.Committed(1)
	return ok
}
func (p *raftProto) EndStep(*World[rf.Message, Narration]) {}
func (p *raftProto) nodeName(id engine.NodeID) string      { return p.cfg.Name(rf.NodeID(id)) }

// WorldNote narrates the world's events with the keys every protocol uses
// for them.
func (p *raftProto) WorldNote(k WorldNoteKind, node, peer, n, q int) Narration {
	key := [...]string{WNoteLost: "note.lost", WNoteDropped: "note.dropped", WNoteDuplicated: "note.duplicated",
		WNoteTick: "note.tick", WNoteCrash: "note.crash", WNoteRestart: "note.restart",
		WNotePartition: "note.partition", WNoteHeal: "note.heal"}[k]
	return Narration{Key: key, Args: map[string]string{"node": p.Name(node), "peer": p.Name(peer),
		"n": strconv.Itoa(n), "q": strconv.Itoa(q)}}
}

func (p *raftProto) begin(w *World[rf.Message, Narration]) {
	p.out.Reset()
	p.out.Quiet = !w.Tracing()
}

// flush routes what server id's handler produced: timers (election timers
// drawn from the server's own stream), narration, the god's-eye records
// (judged at once, so every invariant is checked after every handler of
// every step), then the messages, in order.
func (p *raftProto) flush(id int, w *World[rf.Message, Narration]) {
	o := &p.out
	for _, t := range o.Timers {
		switch {
		case t.Stop:
			w.Stop(id, int(t.Kind))
		case t.Own:
			w.ArmOwn(id, int(t.Kind), t.Delay, t.Delay+max(t.Jitter, 1)-1)
		default:
			w.Arm(id, int(t.Kind), t.Delay, t.Jitter)
		}
	}
	if w.Tracing() {
		for i := range o.Notes {
			n := raftNarration(p.cfg, &o.Notes[i])
			if i > 0 {
				oldTermCommit(&n, &o.Notes[i-1], &o.Notes[i])
			}
			w.Note(n)
		}
	}
	// CommittedCount scans the committed prefix: only narration needs it.
	before := int32(0)
	if w.Tracing() {
		before = p.k.CommittedCount()
	}
	p.k.ObserveOut(w.step, o)
	if w.Tracing() {
		for i := before + 1; i <= p.k.CommittedCount(); i++ {
			c, _ := p.k.Committed(i)
			w.Note(Narration{Key: "note.raft.committed", Args: map[string]string{"i": strconv.Itoa(int(i)), "entry": c.Entry.String()}})
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

func (p *raftProto) Deliver(m *rf.Message, w *World[rf.Message, Narration]) {
	p.begin(w)
	if err := p.st.Step(p.cfg, m, &p.out); err != nil {
		p.out.Reset()
		return
	}
	p.flush(int(m.To), w)
}

func (p *raftProto) Timeout(id, kind int, byClock bool, w *World[rf.Message, Narration]) error {
	p.begin(w)
	if err := p.st.Timeout(p.cfg, rf.NodeID(id), rf.TimerKind(kind), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	if byClock && w.Tracing() {
		w.Note(Narration{Key: "note.raft.timer", Args: map[string]string{"node": p.Name(id), "timer@": "raft.timer." + rf.TimerKind(kind).String()}})
	}
	p.flush(id, w)
	return nil
}

func (p *raftProto) Crash(id int, w *World[rf.Message, Narration]) error {
	p.begin(w)
	if err := p.st.Crash(p.cfg, rf.NodeID(id), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(id, w)
	return nil
}

func (p *raftProto) Restart(id int, w *World[rf.Message, Narration]) error {
	p.begin(w)
	if err := p.st.Restart(p.cfg, rf.NodeID(id), &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(id, w)
	return nil
}

// propose is the protocol form `propose S V`.
func (p *raftProto) propose(id int, v string, w *World[rf.Message, Narration]) error {
	p.begin(w)
	if err := p.st.Propose(p.cfg, rf.NodeID(id), v, &p.out); err != nil {
		p.out.Reset()
		return err
	}
	p.flush(id, w)
	return nil
}

// start emits every server's election timer at time 0 (not a step).
func (p *raftProto) start(w *World[rf.Message, Narration]) {
	for i := range p.cfg.Nodes() {
		p.begin(w)
		p.st.Start(p.cfg, rf.NodeID(i), &p.out)
		p.flush(i, w)
	}
}

// raftNarration turns a Raft note into its translation key and arguments.
func raftNarration(c *rf.Config, n *rf.Note) Narration {
	key := "note.raft." + n.Kind.String()
	switch n.Kind {
	case rf.NoteRefuseVote, rf.NoteRefuseAppend:
		key += "." + strconv.Itoa(n.N)
	case rf.NoteCommit:
		if n.Peer == n.Node {
			key += ".self"
		}
	case rf.NoteNotLeader:
		if n.Peer == rf.None {
			key += ".none"
		}
	case rf.NoteBugActs:
		key += "." + n.Bug.String()
	}
	return Narration{Key: key, Args: map[string]string{
		"node": c.Name(n.Node), "peer": c.Name(n.Peer), "peer2": c.Name(n.Peer2),
		"t": strconv.Itoa(int(n.Term)), "t2": strconv.Itoa(int(n.Term2)), "i": strconv.Itoa(int(n.Index)),
		"entry": n.Entry.String(), "v": n.Entry.Value, "role@": "raft.role." + n.Role.String(),
		"n": strconv.Itoa(n.N), "q": strconv.Itoa(n.Q), "bug": n.Bug.String(),
	}}
}
