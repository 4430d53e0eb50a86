package sim

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// MPHistory is the branching history of a Multi-Paxos session: the cluster
// line and a tree of script lines, each one action of the world. It is the
// Multi-Paxos counterpart of History, for the web session; callers see
// only generic types (script lines, steps, branches, the view JSON).
//
// A position is an action boundary: Seek(n) goes to the last boundary at
// or before step n, Undo and Redo move one action. The browser's controls
// send one-event actions (deliver #N, run max=1, tick, timeout S, ...), so
// for them an action is an event.
type MPHistory struct {
	cl    MPCluster
	nodes []mpHNode
	tip   int
	path  []int // root..tip
	pos   int   // index in path of the current boundary
	cur   *mpFrame
	snaps map[int]*mpFrame // state at the end of a node (a cache)
}

type mpHNode struct {
	text       string
	parent     int
	start, end int
	children   []int
}

// mpSnapEvery is how many steps apart MPHistory keeps snapshots.
const mpSnapEvery = 64

// mpFrame is a world state with the view's counters, which depend on the
// path that led to it.
type mpFrame struct {
	s *MPSim
	c mpCounters
}

func (f *mpFrame) clone() *mpFrame {
	return &mpFrame{s: f.s.Clone(), c: f.c.clone()}
}

// MPEvent is one event of the last action, protocol-free.
type MPEvent struct {
	Step    int
	Act     string
	Kind    string
	Node    string
	Msg     *MessageJSON
	Notes   []Narration
	Sent    []MPSent
	Removed []MessageJSON
}

// MPSent is one message an event sent and its fate.
type MPSent struct {
	Msg  MessageJSON
	Fate string
}

// NewMPHistory starts a history at the initial state of the cluster line.
func NewMPHistory(line string) (*MPHistory, error) {
	cl, err := ParseMPCluster(line)
	if err != nil {
		return nil, err
	}
	f := &mpFrame{s: NewMP(cl), c: newMPCounters()}
	return &MPHistory{cl: cl, nodes: []mpHNode{{parent: -1}}, path: []int{0}, cur: f,
		snaps: map[int]*mpFrame{0: f.clone()}}, nil
}

// ClusterLine returns the canonical cluster line.
func (h *MPHistory) ClusterLine() string { return h.cl.String() }

// Step returns the current step.
func (h *MPHistory) Step() int { return h.nodes[h.path[h.pos]].end }

// End returns the last step of the current branch.
func (h *MPHistory) End() int { return h.nodes[h.tip].end }

// Tip returns the id of the current branch (its leaf).
func (h *MPHistory) Tip() int { return h.tip }

// Enabled reports whether the scheduler has anything to do.
func (h *MPHistory) Enabled() bool {
	w := h.cur.s.W
	return len(w.inflight) > 0 || w.timersArmed()
}

// Now returns the simulated time.
func (h *MPHistory) Now() int { return h.cur.s.W.now }

// Violations returns how many invariants are broken.
func (h *MPHistory) Violations() int { return len(h.cur.s.p.k.Violations()) }

// Committed returns how many commands clients have had replies for.
func (h *MPHistory) Committed() int { return h.cur.c.Steady.Commands + h.cur.c.Change.Commands }

// Check parses line as a Multi-Paxos action (not an expectation).
func (h *MPHistory) Check(line string) error {
	st, err := parseStmt(&mpLang{cfg: h.cur.s.p.cfg}, line)
	if err != nil {
		return err
	}
	if st.Expect != nil {
		return errors.New("expect lines cannot be sent to a live session")
	}
	return nil
}

// Do performs one script line at the current position: at the end of the
// branch it extends it; from a past position it starts a new branch (or,
// when line is the next recorded action, moves along it). It returns the
// events taken.
func (h *MPHistory) Do(line string) ([]MPEvent, error) {
	st, err := parseStmt(&mpLang{cfg: h.cur.s.p.cfg}, line)
	if err != nil {
		return nil, err
	}
	if st.Expect != nil {
		return nil, errors.New("expect lines cannot be sent to a live session")
	}
	if h.pos < len(h.path)-1 && h.nodes[h.path[h.pos+1]].text == st.Text {
		from := h.Step()
		if err := h.seekPos(h.pos + 1); err != nil {
			return nil, err
		}
		return h.Events(from, h.Step())
	}
	f := h.cur.clone()
	var evs []MPEvent
	start := f.s.W.step
	f.s.W.Trace = func(ev *WEvent[mp.Message, Narration]) {
		f.c.observe(f.s, ev)
		evs = append(evs, f.s.eventJSON(ev))
	}
	err = f.s.apply(&st)
	f.s.W.Trace = nil
	if err != nil {
		return nil, err
	}
	if f.s.W.step == start {
		return nil, ErrNothing
	}
	parent := h.path[h.pos]
	id := len(h.nodes)
	h.nodes = append(h.nodes, mpHNode{text: st.Text, parent: parent, start: start, end: f.s.W.step})
	h.nodes[parent].children = append(h.nodes[parent].children, id)
	h.path = append(h.path[:h.pos+1], id)
	h.pos++
	h.tip = id
	h.cur = f
	if f.s.W.step-h.lastSnap() >= mpSnapEvery {
		h.snaps[id] = f.clone()
	}
	return evs, nil
}

func (h *MPHistory) lastSnap() int {
	for i := h.pos; i >= 0; i-- {
		if _, ok := h.snaps[h.path[i]]; ok {
			return h.nodes[h.path[i]].end
		}
	}
	return 0
}

// frameAt recomputes the state at path index i.
func (h *MPHistory) frameAt(i int) (*mpFrame, error) {
	j := i
	for ; j > 0; j-- {
		if _, ok := h.snaps[h.path[j]]; ok {
			break
		}
	}
	f := h.snaps[h.path[j]].clone()
	if err := h.replay(f, j+1, i, nil); err != nil {
		return nil, err
	}
	return f, nil
}

// replay applies path nodes from..to to f, collecting events when evs is set.
func (h *MPHistory) replay(f *mpFrame, from, to int, evs *[]MPEvent) error {
	f.s.W.Trace = func(ev *WEvent[mp.Message, Narration]) {
		f.c.observe(f.s, ev)
		if evs != nil {
			*evs = append(*evs, f.s.eventJSON(ev))
		}
	}
	defer func() { f.s.W.Trace = nil }()
	for k := from; k <= to; k++ {
		n := &h.nodes[h.path[k]]
		st, err := parseStmt(&mpLang{cfg: f.s.p.cfg}, n.text)
		if err != nil {
			return fmt.Errorf("history: replay of %q failed: %v", n.text, err)
		}
		if err := f.s.apply(&st); err != nil {
			return fmt.Errorf("history: replay of %q failed: %v", n.text, err)
		}
	}
	return nil
}

func (h *MPHistory) seekPos(i int) error {
	if i == h.pos {
		return nil
	}
	f, err := h.frameAt(i)
	if err != nil {
		return err
	}
	h.cur, h.pos = f, i
	return nil
}

// Seek moves to the last action boundary at or before step (0..End).
func (h *MPHistory) Seek(step int) error {
	if step < 0 || step > h.End() {
		return fmt.Errorf("%w %d (this branch has steps 0..%d)", ErrNoStep, step, h.End())
	}
	i, _ := slices.BinarySearchFunc(h.path, step, func(id, s int) int { return h.nodes[id].end - s })
	if i >= len(h.path) || h.nodes[h.path[i]].end > step {
		i--
	}
	return h.seekPos(i)
}

// Undo moves back one action.
func (h *MPHistory) Undo() error {
	if h.pos == 0 {
		return fmt.Errorf("%w -1 (this is step 0)", ErrNoStep)
	}
	return h.seekPos(h.pos - 1)
}

// Redo moves forward one action along the current branch.
func (h *MPHistory) Redo() error {
	if h.pos >= len(h.path)-1 {
		return fmt.Errorf("%w %d (this branch ends at step %d)", ErrNoStep, h.End()+1, h.End())
	}
	return h.seekPos(h.pos + 1)
}

// Branches lists every branch (leaf), in creation order.
func (h *MPHistory) Branches() []Branch {
	onPath := map[int]bool{}
	for _, id := range h.path {
		onPath[id] = true
	}
	var out []Branch
	for id := 1; id < len(h.nodes); id++ {
		if len(h.nodes[id].children) > 0 {
			continue
		}
		b := Branch{Tip: id, End: h.nodes[id].end, Current: id == h.tip}
		if b.Current {
			b.Fork = b.End
		} else {
			child, a := id, id
			for !onPath[a] {
				child, a = a, h.nodes[a].parent
			}
			b.Fork, b.First = h.nodes[a].end, h.nodes[child].text
		}
		out = append(out, b)
	}
	if out == nil {
		out = []Branch{{Tip: 0, Current: true}}
	}
	return out
}

// Switch makes the branch ending at leaf tip current and moves to its end.
func (h *MPHistory) Switch(tip int) error {
	if tip <= 0 || tip >= len(h.nodes) || len(h.nodes[tip].children) > 0 {
		return fmt.Errorf("sim: no branch %d", tip)
	}
	var path []int
	for n := tip; n >= 0; n = h.nodes[n].parent {
		path = append(path, n)
	}
	slices.Reverse(path)
	old, oldTip, oldPos, oldCur := h.path, h.tip, h.pos, h.cur
	h.path, h.tip = path, tip
	h.pos = -1
	if err := h.seekPos(len(path) - 1); err != nil {
		h.path, h.tip, h.pos, h.cur = old, oldTip, oldPos, oldCur
		return err
	}
	return nil
}

// Script renders the current branch up to the current position as a
// script that replays to exactly the current state.
func (h *MPHistory) Script() string {
	var sb strings.Builder
	sb.WriteString(h.cl.String())
	sb.WriteByte('\n')
	for _, id := range h.path[1 : h.pos+1] {
		sb.WriteString(h.nodes[id].text)
		sb.WriteByte('\n')
	}
	return sb.String()
}

// Events replays the actions between steps from and to of the current
// branch (both boundaries) and returns their events; the current state is
// unchanged.
func (h *MPHistory) Events(from, to int) ([]MPEvent, error) {
	if from < 0 || to > h.End() || from > to {
		return nil, fmt.Errorf("%w: events %d..%d", ErrNoStep, from, to)
	}
	idx := func(step int) int {
		i, _ := slices.BinarySearchFunc(h.path, step, func(id, s int) int { return h.nodes[id].end - s })
		if i >= len(h.path) || h.nodes[h.path[i]].end > step {
			i--
		}
		return i
	}
	i, j := idx(from), idx(to)
	f, err := h.frameAt(i)
	if err != nil {
		return nil, err
	}
	var evs []MPEvent
	if err := h.replay(f, i+1, j, &evs); err != nil {
		return nil, err
	}
	return evs, nil
}

// messageJSON renders a Multi-Paxos message with the generic fields the
// diagram draws.
func (s *MPSim) messageJSON(m *mp.Message) MessageJSON {
	cfg := s.p.cfg
	j := MessageJSON{ID: m.ID, Type: m.Type.String(), From: cfg.Name(m.From), To: cfg.Name(m.To), Text: cfg.Describe(m)}
	switch m.Type {
	case mp.MsgPrepare, mp.MsgPromise, mp.MsgHeartbeat, mp.MsgHeartbeatOK, mp.MsgNack:
		j.Ballot = m.Ballot.String()
	case mp.MsgAccept, mp.MsgCommit:
		j.Ballot = m.Ballot.String()
		j.Value = "s" + strconv.Itoa(int(m.Slot)) + ":" + m.Cmd.String()
	case mp.MsgAccepted:
		j.Ballot = m.Ballot.String()
		j.Value = "s" + strconv.Itoa(int(m.Slot))
	case mp.MsgRequest:
		j.Value = m.Cmd.String()
	case mp.MsgReply:
		j.Value = m.Req.String()
	}
	if m.Type == mp.MsgCommit {
		j.Ballot = ""
	}
	return j
}

func (s *MPSim) eventJSON(ev *WEvent[mp.Message, Narration]) MPEvent {
	e := MPEvent{Step: ev.Step, Act: ev.Act.FormatNames(s.p.nodeName), Kind: ev.Act.Kind.String(),
		Notes: slices.Clone(ev.Notes), Sent: []MPSent{}, Removed: []MessageJSON{}}
	switch ev.Act.Kind {
	case ActTimeout, ActCrash, ActRestart:
		e.Node = s.p.Name(int(ev.Act.Node))
	}
	if ev.Msg.ID > 0 {
		m := s.messageJSON(&ev.Msg)
		e.Msg = &m
	}
	for i := range ev.Sent {
		e.Sent = append(e.Sent, MPSent{Msg: s.messageJSON(&ev.Sent[i].Msg), Fate: ev.Sent[i].Fate.String()})
	}
	for i := range ev.Removed {
		e.Removed = append(e.Removed, s.messageJSON(&ev.Removed[i]))
	}
	return e
}

// ParseRate reads a probability (0.05, 5%) into thousandths, as run's
// drop= and dup= do.
func ParseRate(s string) (int, error) { return parseRate(s) }
