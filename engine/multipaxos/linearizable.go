package multipaxos

import (
	"slices"

	"github.com/anishathalye/porcupine"
)

// linOp is one operation of a key's client history.
type linOp struct {
	cmd    Cmd
	result string
	done   bool
}

// linEvent is a call (ret false) or return of ops[op], in step order.
type linEvent struct {
	op  int
	ret bool
}

// keyHistory is the history of one key since its last quiescent point: a
// moment with no operation on the key outstanding. There the set of values
// the key may hold is computed once (init) and the operations before it are
// dropped, so each check costs only the operations since.
type keyHistory struct {
	// past names the latest operations settled into init (at most
	// maxPast), so that a violation can name what led to it.
	past    []ReqID
	init    []string
	ops     []linOp
	events  []linEvent
	pending int
}

// linChecker judges linearizability per key (a register with cas is
// P-compositional, Horn & Kroening 2015) with porcupine. Only a reply can
// break linearizability, so it checks at each return.
type linChecker struct {
	keys   map[string]*keyHistory
	broken bool
}

func newLinChecker() linChecker { return linChecker{keys: map[string]*keyHistory{}} }

func (l linChecker) clone() linChecker {
	c := linChecker{keys: make(map[string]*keyHistory, len(l.keys)), broken: l.broken}
	for k, h := range l.keys {
		c.keys[k] = &keyHistory{past: cloneSlice(h.past), init: cloneSlice(h.init), ops: cloneSlice(h.ops), events: cloneSlice(h.events), pending: h.pending}
	}
	return c
}

func (l *linChecker) call(e ClientEvent) {
	h := l.keys[e.Cmd.Key]
	if h == nil {
		h = &keyHistory{init: []string{NilResult}}
		l.keys[e.Cmd.Key] = h
	}
	h.ops = append(h.ops, linOp{cmd: e.Cmd})
	h.events = append(h.events, linEvent{op: len(h.ops) - 1})
	h.pending++
}

// ret records a response; bad reports that the key's history has no legal
// sequential order, naming its operations since the last quiescent point.
func (l *linChecker) ret(e ClientEvent) (bad bool, ops []ReqID) {
	h := l.keys[e.Cmd.Key]
	if h == nil || l.broken {
		return false, nil
	}
	i := len(h.ops) - 1
	for i >= 0 && (h.ops[i].cmd.ID != e.Cmd.ID || h.ops[i].done) {
		i--
	}
	if i < 0 {
		return false, nil
	}
	h.ops[i].done = true
	h.ops[i].result = e.Result
	h.events = append(h.events, linEvent{op: i, ret: true})
	h.pending--
	if !h.check(nil) {
		l.broken = true
		ops = append(ops, h.past...)
		for _, op := range h.ops {
			ops = append(ops, op.cmd.ID)
		}
		return true, ops
	}
	if h.pending == 0 {
		h.settle()
	}
	return false, nil
}

// settle replaces the operations of a quiescent history by the set of
// values the key may hold after them: a value v is possible iff the
// history followed by "get -> v" is linearizable.
func (h *keyHistory) settle() {
	cands := cloneSlice(h.init)
	for _, op := range h.ops {
		switch op.cmd.Op {
		case OpPut:
			cands = append(cands, op.cmd.Val)
		case OpCas:
			cands = append(cands, op.cmd.New)
		}
	}
	slices.Sort(cands)
	cands = slices.Compact(cands)
	var next []string
	for _, v := range cands {
		if h.check(&v) {
			next = append(next, v)
		}
	}
	h.init = next
	for _, op := range h.ops {
		if len(h.past) == maxPast {
			copy(h.past, h.past[1:])
			h.past = h.past[:maxPast-1]
		}
		h.past = append(h.past, op.cmd.ID)
	}
	h.ops = h.ops[:0]
	h.events = h.events[:0]
}

// maxPast bounds keyHistory.past.
const maxPast = 8

// linOut is a model output: a result, or unknown for a write never answered
// (accepted in any state, as porcupine's tests do for timed-out ops).
type linOut struct {
	result  string
	unknown bool
}

var kvModel = porcupine.NondeterministicModel{
	Step: func(state, input, output interface{}) []interface{} {
		s, in, out := state.(string), input.(Cmd), output.(linOut)
		ok := func(want string) bool { return out.unknown || out.result == want }
		switch in.Op {
		case OpPut:
			if ok(ResultOK) {
				return []interface{}{in.Val}
			}
		case OpGet:
			if ok(s) {
				return []interface{}{s}
			}
		case OpCas:
			if s == in.Val {
				if ok(ResultOK) {
					return []interface{}{in.New}
				}
			} else if ok(ResultFail) {
				return []interface{}{s}
			}
		}
		return nil
	},
}

// check runs porcupine over the history (plus "get -> *final" at the end
// when final is not nil). An outstanding put or cas may take effect: it
// returns at the end with an unknown result; an outstanding get is dropped.
func (h *keyHistory) check(final *string) bool {
	evs := make([]porcupine.Event, 0, len(h.events)+4)
	for _, e := range h.events {
		op := &h.ops[e.op]
		if !op.done && op.cmd.Op == OpGet {
			continue
		}
		client := int(op.cmd.ID.Client) - 1
		if e.ret {
			evs = append(evs, porcupine.Event{ClientId: client, Kind: porcupine.ReturnEvent, Value: linOut{result: op.result}, Id: e.op})
		} else {
			evs = append(evs, porcupine.Event{ClientId: client, Kind: porcupine.CallEvent, Value: op.cmd, Id: e.op})
		}
	}
	for i, op := range h.ops {
		if !op.done && op.cmd.Op != OpGet {
			evs = append(evs, porcupine.Event{ClientId: int(op.cmd.ID.Client) - 1, Kind: porcupine.ReturnEvent, Value: linOut{unknown: true}, Id: i})
		}
	}
	if final != nil {
		id := len(h.ops)
		evs = append(evs,
			porcupine.Event{Kind: porcupine.CallEvent, Value: Cmd{Op: OpGet}, Id: id},
			porcupine.Event{Kind: porcupine.ReturnEvent, Value: linOut{result: *final}, Id: id})
	}
	if len(evs) == 0 {
		return true
	}
	init := make([]interface{}, len(h.init))
	for i, v := range h.init {
		init[i] = v
	}
	m := kvModel
	m.Init = func() []interface{} { return init }
	return porcupine.CheckEvents(m.ToModel(), evs)
}
