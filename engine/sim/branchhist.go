package sim

import (
	"fmt"
	"slices"
	"strings"
)

// branchHist is a branching history of script lines over any protocol's
// frame (a world state with whatever the view counts along the path): the
// tree, the current branch and position, and snapshots. RaftHistory is
// built on it; it has MPHistory's behaviour exactly (MPHistory predates it
// and keeps its own copy).
//
// A position is an action boundary: seek goes to the last boundary at or
// before a step, undo and redo move one action.
type branchHist[F histFrame[F]] struct {
	cluster string
	nodes   []mpHNode
	tip     int
	path    []int // root..tip
	pos     int   // index in path of the current boundary
	cur     F
	snaps   map[int]F // state at the end of a node (a cache)
}

// histFrame is what branchHist needs of a protocol's frame.
type histFrame[F any] interface {
	clone() F
	// step is the world's step.
	step() int
	// parse reads a script action line into its canonical text; an
	// expectation is an error.
	parse(line string) (string, error)
	// do applies the canonical line text, appending the events to evs
	// when evs is not nil; an error leaves the frame as it was.
	do(text string, evs *[]MPEvent) error
}

func newBranchHist[F histFrame[F]](cluster string, f F) branchHist[F] {
	return branchHist[F]{cluster: cluster, nodes: []mpHNode{{parent: -1}}, path: []int{0}, cur: f,
		snaps: map[int]F{0: f.clone()}}
}

func (h *branchHist[F]) step() int { return h.nodes[h.path[h.pos]].end }
func (h *branchHist[F]) end() int  { return h.nodes[h.tip].end }

// do performs one line at the current position (see MPHistory.Do).
func (h *branchHist[F]) do(line string) ([]MPEvent, error) {
	text, err := h.cur.parse(line)
	if err != nil {
		return nil, err
	}
	if h.pos < len(h.path)-1 && h.nodes[h.path[h.pos+1]].text == text {
		from := h.step()
		if err := h.seekPos(h.pos + 1); err != nil {
			return nil, err
		}
		return h.events(from, h.step())
	}
	f := h.cur.clone()
	start := f.step()
	evs := []MPEvent{}
	if err := f.do(text, &evs); err != nil {
		return nil, err
	}
	if f.step() == start {
		return nil, ErrNothing
	}
	parent := h.path[h.pos]
	id := len(h.nodes)
	h.nodes = append(h.nodes, mpHNode{text: text, parent: parent, start: start, end: f.step()})
	h.nodes[parent].children = append(h.nodes[parent].children, id)
	h.path = append(h.path[:h.pos+1], id)
	h.pos++
	h.tip = id
	h.cur = f
	if f.step()-h.lastSnap() >= mpSnapEvery {
		h.snaps[id] = f.clone()
	}
	return evs, nil
}

func (h *branchHist[F]) lastSnap() int {
	for i := h.pos; i >= 0; i-- {
		if _, ok := h.snaps[h.path[i]]; ok {
			return h.nodes[h.path[i]].end
		}
	}
	return 0
}

// frameAt recomputes the state at path index i.
func (h *branchHist[F]) frameAt(i int) (F, error) {
	j := i
	for ; j > 0; j-- {
		if _, ok := h.snaps[h.path[j]]; ok {
			break
		}
	}
	f := h.snaps[h.path[j]].clone()
	if err := h.replay(f, j+1, i, nil); err != nil {
		var zero F
		return zero, err
	}
	return f, nil
}

// replay applies path nodes from..to to f, collecting events when evs is set.
func (h *branchHist[F]) replay(f F, from, to int, evs *[]MPEvent) error {
	for k := from; k <= to; k++ {
		n := &h.nodes[h.path[k]]
		if err := f.do(n.text, evs); err != nil {
			return fmt.Errorf("history: replay of %q failed: %v", n.text, err)
		}
	}
	return nil
}

func (h *branchHist[F]) seekPos(i int) error {
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

// index is the path index of the last boundary at or before step.
func (h *branchHist[F]) index(step int) int {
	i, _ := slices.BinarySearchFunc(h.path, step, func(id, s int) int { return h.nodes[id].end - s })
	if i >= len(h.path) || h.nodes[h.path[i]].end > step {
		i--
	}
	return i
}

func (h *branchHist[F]) seek(step int) error {
	if step < 0 || step > h.end() {
		return fmt.Errorf("%w %d (this branch has steps 0..%d)", ErrNoStep, step, h.end())
	}
	return h.seekPos(h.index(step))
}

func (h *branchHist[F]) undo() error {
	if h.pos == 0 {
		return fmt.Errorf("%w -1 (this is step 0)", ErrNoStep)
	}
	return h.seekPos(h.pos - 1)
}

func (h *branchHist[F]) redo() error {
	if h.pos >= len(h.path)-1 {
		return fmt.Errorf("%w %d (this branch ends at step %d)", ErrNoStep, h.end()+1, h.end())
	}
	return h.seekPos(h.pos + 1)
}

func (h *branchHist[F]) branches() []Branch {
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

func (h *branchHist[F]) switchTo(tip int) error {
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

func (h *branchHist[F]) script() string {
	var sb strings.Builder
	sb.WriteString(h.cluster)
	sb.WriteByte('\n')
	for _, id := range h.path[1 : h.pos+1] {
		sb.WriteString(h.nodes[id].text)
		sb.WriteByte('\n')
	}
	return sb.String()
}

func (h *branchHist[F]) events(from, to int) ([]MPEvent, error) {
	if from < 0 || to > h.end() || from > to {
		return nil, fmt.Errorf("%w: events %d..%d", ErrNoStep, from, to)
	}
	i, j := h.index(from), h.index(to)
	f, err := h.frameAt(i)
	if err != nil {
		return nil, err
	}
	evs := []MPEvent{}
	if err := h.replay(f, i+1, j, &evs); err != nil {
		return nil, err
	}
	return evs, nil
}
