package sim

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/paxviz/paxviz/engine"
)

// ErrNothing is returned for an action that would take no event (a run with
// nothing enabled); the history is unchanged.
var ErrNothing = errors.New("sim: nothing happened")

// ErrNoStep is returned when seeking outside the current branch.
var ErrNoStep = errors.New("sim: no such step")

// SnapshotEvery is how many events apart History keeps snapshots.
const SnapshotEvery = 128

// hnode is one action in the history tree. Node 0 is the root: the initial
// state, no action. Nodes are small (36 bytes) because a classroom session
// can hold tens of thousands of them.
type hnode struct {
	act    packed
	parent int32
	// start and end are the step before and after the action.
	start, end          int32
	firstChild, nextSib int32 // -1: none
}

// packed is an Action in 16 bytes: the atomic actions the browser sends
// (deliver #N, run max=1, tick, crash a1, ...) fit inline; the rest
// (proposals, selectors, partitions) live in History.extra.
type packed struct {
	kind      Kind
	until     Until
	node      int8
	_         uint8
	n         int32 // message id, ticks or run max
	drop, dup uint16
	extra     int32 // index in History.extra, or -1
}

func (h *History) pack(a *Action) packed {
	p := packed{kind: a.Kind, until: a.Until, node: int8(a.Node), n: int32(a.N),
		drop: uint16(a.DropPerMille), dup: uint16(a.DupPerMille), extra: -1}
	switch a.Kind {
	case ActDeliver, ActDrop, ActDup:
		sel := a.Sel
		if sel.ID > 0 && sel.Type == 0 && sel.From == Any && sel.To == Any && sel.Ballot.IsZero() && sel.Value == "" {
			p.n = int32(sel.ID)
			return p
		}
	case ActTick, ActRun, ActHeal, ActCrash, ActRestart, ActTimeout:
		return p
	}
	p.extra = int32(len(h.extra))
	h.extra = append(h.extra, *a)
	return p
}

func (h *History) unpack(p packed) Action {
	if p.extra >= 0 {
		return h.extra[p.extra]
	}
	a := Action{Kind: p.kind, Until: p.until, Node: engine.NodeID(p.node), N: int(p.n),
		DropPerMille: int(p.drop), DupPerMille: int(p.dup)}
	if a.Kind == ActDeliver || a.Kind == ActDrop || a.Kind == ActDup {
		a.N = 0
		a.Sel = Selector{ID: int(p.n), From: Any, To: Any}
	}
	return a
}

// act returns node id's action.
func (h *History) act(id int32) Action { return h.unpack(h.nodes[id].act) }

type snapshot struct {
	step int
	sim  *Sim
}

// History is the record of a session: the cluster line and a tree of
// actions. Acting from a past step starts a branch; nothing is ever lost.
// States are recomputed by replay; snapshots are only a cache.
type History struct {
	cl    Cluster
	nodes []hnode
	tip   int32   // leaf of the current branch
	path  []int32 // root..tip
	step  int     // current position on the path
	cur   *Sim    // state at step
	// snaps maps a node to snapshots taken inside or at the end of it.
	snaps map[int32][]snapshot
	// extra holds the actions too big to pack; ids holds the message ids a
	// many-message deliver/drop/dup matched, by node.
	extra []Action
	ids   map[int32][]int
	// leaves are the nodes without children: the tips of every branch.
	leaves []int32
}

// NewHistory starts a history at the initial state of cl.
func NewHistory(cl Cluster) *History {
	s := New(cl)
	h := &History{
		cl:    cl,
		nodes: []hnode{{parent: -1, firstChild: -1, nextSib: -1}},
		ids:   map[int32][]int{},
		path:  []int32{0},
		cur:   s,
		snaps: map[int32][]snapshot{0: {{0, s.Clone()}}},
	}
	return h
}

// Cluster returns the cluster line.
func (h *History) Cluster() Cluster { return h.cl }

// State returns the current state. It stays owned by h: do not change it.
func (h *History) State() *Sim { return h.cur }

// Step returns the current step.
func (h *History) Step() int { return h.step }

// End returns the last step of the current branch.
func (h *History) End() int { return int(h.nodes[h.tip].end) }

// Tip returns the id of the current branch (its leaf, as in Branch.Tip).
func (h *History) Tip() int { return int(h.tip) }

// pathIndex returns the index in h.path of the node whose action contains
// step (start < step <= end), or 0 for step 0.
func (h *History) pathIndex(step int) int {
	return sort.Search(len(h.path), func(i int) bool { return int(h.nodes[h.path[i]].end) >= step })
}

// Do applies a at the current step. At the end of the branch it extends
// it; from a past step it starts a new branch (or, when a is exactly the
// next recorded action, moves forward along it). trace, when set, gets the
// events.
func (h *History) Do(a *Action, trace func(*Event)) (int, error) {
	if err := h.cur.Check(a); err != nil {
		return 0, err
	}
	parent := h.tip
	var pre []prefixAct
	if h.step < h.End() {
		i := h.pathIndex(h.step)
		n := &h.nodes[h.path[i]]
		if int(n.end) == h.step {
			parent = h.path[i]
			// Same action as the recorded next one: just redo it.
			next := &h.nodes[h.path[i+1]]
			if na := h.act(h.path[i+1]); na.Format(h.cur.cfg) == a.Format(h.cur.cfg) {
				from, to := int(next.start), int(next.end)
				if trace != nil {
					evs, err := h.Events(from, to)
					if err != nil {
						return 0, err
					}
					for k := range evs {
						trace(&evs[k])
					}
				}
				if err := h.Seek(to); err != nil {
					return 0, err
				}
				return to - from, nil
			}
		} else {
			parent = n.parent
			pre = h.prefix(h.path[i], h.step-int(n.start))
		}
	}
	var ids []int
	if (a.Kind == ActDeliver || a.Kind == ActDrop || a.Kind == ActDup) && a.Sel.ID == 0 {
		ids = h.cur.Matches(&a.Sel)
	}
	// Check passed, so Apply cannot fail: act on the current state itself.
	s := h.cur
	start := s.step
	var snaps []snapshot
	s.OnStep = func() {
		if (s.step-start)%SnapshotEvery == 0 {
			snaps = append(snaps, snapshot{s.step, s.Clone()})
		}
	}
	s.Trace = trace
	n, err := s.Apply(a)
	s.Trace, s.OnStep = nil, nil
	if err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, ErrNothing
	}
	for _, p := range pre {
		parent = h.add(parent, p.act, nil, p.start, p.end)
	}
	id := h.add(parent, *a, ids, int32(start), int32(s.step))
	if len(snaps) > 0 {
		h.snaps[id] = snaps
	}
	h.setTip(id)
	h.cur = s
	h.step = s.step
	if s.step-h.lastSnapStep() >= SnapshotEvery {
		h.snaps[id] = append(h.snaps[id], snapshot{s.step, s.Clone()})
	}
	return n, nil
}

func (h *History) add(parent int32, a Action, ids []int, start, end int32) int32 {
	id := int32(len(h.nodes))
	if start == end {
		panic("history: empty node")
	}
	n := hnode{act: h.pack(&a), parent: parent, start: start, end: end, firstChild: -1, nextSib: -1}
	// The new node is a leaf; its parent stops being one.
	if i := slices.Index(h.leaves, parent); i >= 0 {
		h.leaves[i] = id
	} else {
		h.leaves = append(h.leaves, id)
	}
	// Append as the last child, so that branches list in creation order.
	if c := h.nodes[parent].firstChild; c < 0 {
		h.nodes[parent].firstChild = id
	} else {
		for h.nodes[c].nextSib >= 0 {
			c = h.nodes[c].nextSib
		}
		h.nodes[c].nextSib = id
	}
	h.nodes = append(h.nodes, n)
	if ids != nil {
		h.ids[id] = ids
	}
	return id
}

// prefixAct is one action of a prefix, with its step range.
type prefixAct struct {
	act        Action
	start, end int32
}

// prefix returns the first k events of node id as separate actions with
// their own step ranges (k >= 1, k < the node's event count).
func (h *History) prefix(id int32, k int) []prefixAct {
	n := &h.nodes[id]
	a := h.act(id)
	start := n.start
	switch a.Kind {
	case ActRun:
		a.N, a.Until = k, UntilNone
		return []prefixAct{{act: a, start: start, end: start + int32(k)}}
	case ActDeliver, ActDrop, ActDup:
		var out []prefixAct
		for i, msg := range h.ids[id][:k] {
			out = append(out, prefixAct{act: Action{Kind: a.Kind, Sel: Selector{ID: msg, From: Any, To: Any}},
				start: start + int32(i), end: start + int32(i) + 1})
		}
		return out
	}
	panic("history: prefix of a one-event action")
}

// remainder returns the actions that perform node id's events after its
// first k.
func (h *History) remainder(id int32, k int) []Action {
	a := h.act(id)
	switch a.Kind {
	case ActRun:
		a.N -= k
		return []Action{a}
	case ActDeliver, ActDrop, ActDup:
		ids, ok := h.ids[id]
		if !ok {
			return []Action{a}
		}
		var out []Action
		for _, msg := range ids[k:] {
			out = append(out, Action{Kind: a.Kind, Sel: Selector{ID: msg, From: Any, To: Any}})
		}
		return out
	}
	return []Action{a}
}

func (h *History) setTip(id int32) {
	if h.nodes[id].parent == h.tip {
		// Extending the current branch (the common case): no walk.
		h.tip = id
		h.path = append(h.path, id)
		return
	}
	h.tip = id
	h.path = h.path[:0]
	for n := id; n >= 0; n = h.nodes[n].parent {
		h.path = append(h.path, n)
	}
	for i, j := 0, len(h.path)-1; i < j; i, j = i+1, j-1 {
		h.path[i], h.path[j] = h.path[j], h.path[i]
	}
}

func (h *History) lastSnapStep() int {
	for i := len(h.path) - 1; i >= 0; i-- {
		if ss := h.snaps[h.path[i]]; len(ss) > 0 {
			return ss[len(ss)-1].step
		}
	}
	return 0
}

// Seek moves to step (0..End) of the current branch.
func (h *History) Seek(step int) error {
	if step < 0 || step > h.End() {
		return fmt.Errorf("%w %d (this branch has steps 0..%d)", ErrNoStep, step, h.End())
	}
	if step == h.step {
		return nil
	}
	s, err := h.stateAt(step)
	if err != nil {
		return err
	}
	h.cur, h.step = s, step
	return nil
}

// stateAt recomputes the state at step of the current branch from the
// nearest snapshot at or before it.
func (h *History) stateAt(step int) (*Sim, error) {
	j := h.pathIndex(step)
	// Find the latest snapshot at or before step, walking back from node j.
	var base *Sim
	bi := 0
	for i := j; i >= 0 && base == nil; i-- {
		ss := h.snaps[h.path[i]]
		for k := len(ss) - 1; k >= 0; k-- {
			if ss[k].step <= step {
				base, bi = ss[k].sim, i
				break
			}
		}
	}
	s := base.Clone()
	if err := h.replay(s, bi, step); err != nil {
		return nil, err
	}
	if s.step != step {
		return nil, fmt.Errorf("history: replay reached step %d, not %d", s.step, step)
	}
	return s, nil
}

// replay advances s, which stands at some step within or after the action
// at path index i, along the current branch to step.
func (h *History) replay(s *Sim, i, step int) error {
	for j := h.pathIndex(step); i <= j && s.step < step; i++ {
		n := &h.nodes[h.path[i]]
		if int(n.end) <= s.step {
			continue
		}
		acts := []Action{h.act(h.path[i])}
		if done := s.step - int(n.start); done > 0 {
			acts = h.remainder(h.path[i], done)
		}
		for k := range acts {
			limit := -1
			if int(n.end) > step {
				limit = step - s.step
			}
			if limit == 0 {
				break
			}
			if _, err := s.ApplyN(&acts[k], limit); err != nil {
				return fmt.Errorf("history: replay of %q failed: %v", acts[k].Format(s.cfg), err)
			}
		}
	}
	return nil
}

// Undo steps back one event; Redo steps forward one along the branch.
func (h *History) Undo() error { return h.Seek(h.step - 1) }

// Redo steps forward one event along the current branch.
func (h *History) Redo() error { return h.Seek(h.step + 1) }

// Branch is one leaf of the history tree.
type Branch struct {
	Tip int `json:"id"`
	// End is its last step; Fork is the step where it leaves the current
	// branch (End for the current branch itself).
	End     int    `json:"end"`
	Fork    int    `json:"fork"`
	Current bool   `json:"current"`
	First   string `json:"first"` // the first action after the fork
}

// onPath reports whether node id lies on the current branch (ends grow
// strictly along a path, so its end step finds its only candidate).
func (h *History) onPath(id int32) bool {
	i := h.pathIndex(int(h.nodes[id].end))
	return i < len(h.path) && h.path[i] == id
}

// Branches lists every branch (leaf), in creation order.
func (h *History) Branches() []Branch {
	leaves := slices.Clone(h.leaves)
	slices.Sort(leaves)
	var out []Branch
	for _, id := range leaves {
		n := &h.nodes[id]
		b := Branch{Tip: int(id), End: int(n.end), Current: id == h.tip}
		child, a := id, id
		for !h.onPath(a) {
			child = a
			a = h.nodes[a].parent
		}
		b.Fork = int(h.nodes[a].end)
		if b.Current {
			b.Fork = b.End
		} else {
			first := h.act(child)
			b.First = first.Format(h.cur.cfg)
		}
		out = append(out, b)
	}
	return out
}

// Switch makes the branch ending at leaf tip current and moves to its end.
func (h *History) Switch(tip int) error {
	if tip <= 0 || tip >= len(h.nodes) || h.nodes[tip].firstChild >= 0 {
		return fmt.Errorf("sim: no branch %d", tip)
	}
	h.setTip(int32(tip))
	h.step = -1
	return h.Seek(h.End())
}

// Actions returns the actions of the current branch up to the current
// step, the last one cut to the events before the current step.
func (h *History) Actions() []Action {
	var out []Action
	for _, id := range h.path[1:] {
		n := &h.nodes[id]
		if int(n.start) >= h.step {
			break
		}
		if int(n.end) <= h.step {
			out = append(out, h.act(id))
			continue
		}
		for _, p := range h.prefix(id, h.step-int(n.start)) {
			out = append(out, p.act)
		}
	}
	return out
}

// Script renders the current branch up to the current step as a script
// that replays to exactly the current state.
func (h *History) Script() string {
	var sb strings.Builder
	sb.WriteString(h.cl.String())
	sb.WriteByte('\n')
	cfg := h.cur.cfg
	for _, a := range h.Actions() {
		sb.WriteString(a.Format(cfg))
		sb.WriteByte('\n')
	}
	return sb.String()
}

// Events replays steps from+1..to of the current branch and returns their
// events (for the event log). It does not change the current state.
func (h *History) Events(from, to int) ([]Event, error) {
	if from < 0 || to > h.End() || from > to {
		return nil, fmt.Errorf("%w: events %d..%d", ErrNoStep, from, to)
	}
	s, err := h.stateAt(from)
	if err != nil {
		return nil, err
	}
	var evs []Event
	s.Trace = func(ev *Event) { evs = append(evs, *ev) }
	if err := h.replay(s, h.pathIndex(from), to); err != nil {
		return nil, err
	}
	return evs, nil
}

// Config returns the engine configuration.
func (h *History) Config() *engine.Config { return h.cur.cfg }
