package multipaxos

import (
	"slices"

	"github.com/anishathalye/porcupine"
)

// Linearizability is judged per key (a register with cas is
// P-compositional, Horn & Kroening 2015), at each response, in two layers:
//
//   - an incremental frontier (Lowe's just-in-time linearization): the set
//     of configurations the key may be in after the events so far — its
//     value, and which outstanding operations have already taken effect with
//     which results. A call changes nothing; a response keeps the
//     configurations in which its operation can take effect (after any of
//     the other outstanding ones) with the result the client saw. None left
//     means no legal order exists. With one outstanding request per client
//     the frontier stays small, so a check costs O(1) in the history length.
//   - porcupine, the reference checker, confirms every violation the
//     frontier finds, over the key's operations since its last quiescent
//     point (no operation outstanding) starting from the values the key may
//     hold there; tests compare both on random histories.
//
// An outstanding put or cas may take effect (it is never forced); an
// outstanding get never constrains anything (multipaxos.md §4, §8).

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

// linConfig is one configuration of a key: its value, and for each client
// whose outstanding operation already took effect (bit in lin) the result
// it produced.
type linConfig struct {
	val  string
	lin  uint16
	outs [MaxClients + 1]string
}

// keyHistory is one key's frontier and its history since the last
// quiescent point.
type keyHistory struct {
	configs []linConfig
	// pending[c] is client c's outstanding operation on this key.
	pending [MaxClients + 1]Cmd
	npend   int
	// past names the latest operations before the last quiescent point (at
	// most maxPast), so that a violation can name what led to it.
	past []ReqID
	// init are the values the key may hold at the last quiescent point;
	// ops and events the history since.
	init   []string
	ops    []linOp
	events []linEvent
}

// maxPast bounds keyHistory.past.
const maxPast = 8

// maxConfirm bounds the events porcupine is given to confirm a violation;
// beyond it the frontier's verdict stands alone.
const maxConfirm = 4096

type linChecker struct {
	keys   map[string]*keyHistory
	broken bool
	// stack and seen are respond's scratch space, spare the configurations
	// a response replaced (reused for the next one): a response allocates
	// nothing once they have grown.
	stack, seen, spare []linConfig
}

func newLinChecker() linChecker { return linChecker{keys: map[string]*keyHistory{}} }

func (l linChecker) clone() linChecker {
	c := linChecker{keys: make(map[string]*keyHistory, len(l.keys)), broken: l.broken}
	for k, h := range l.keys {
		d := *h
		d.configs = cloneSlice(h.configs)
		d.past = cloneSlice(h.past)
		d.init = cloneSlice(h.init)
		d.ops = cloneSlice(h.ops)
		d.events = cloneSlice(h.events)
		c.keys[k] = &d
	}
	return c
}

func newKeyHistory() *keyHistory {
	return &keyHistory{configs: []linConfig{{val: NilResult}}, init: []string{NilResult}}
}

// kvStep is the sequential specification of one key (multipaxos.md §3.1).
func kvStep(val string, c Cmd) (next, out string) {
	switch c.Op {
	case OpPut:
		return c.Val, ResultOK
	case OpGet:
		return val, val
	case OpCas:
		if val == c.Val {
			return c.New, ResultOK
		}
		return val, ResultFail
	}
	return val, ""
}

func (l *linChecker) call(e ClientEvent) {
	p := int(e.Cmd.ID.Client)
	if p < 1 || p > MaxClients || !e.Cmd.Op.IsKV() {
		return
	}
	h := l.keys[e.Cmd.Key]
	if h == nil {
		h = newKeyHistory()
		l.keys[e.Cmd.Key] = h
	}
	if !h.pending[p].IsZero() {
		// A client with two outstanding operations: malformed records.
		// Forget the older one (it may still have taken effect).
		h.forget(p)
	}
	h.pending[p] = e.Cmd
	h.npend++
	h.ops = append(h.ops, linOp{cmd: e.Cmd})
	h.events = append(h.events, linEvent{op: len(h.ops) - 1})
}

// forget drops client p's outstanding operation from the frontier.
func (h *keyHistory) forget(p int) {
	for i := range h.configs {
		h.configs[i].lin &^= 1 << uint(p)
		h.configs[i].outs[p] = ""
	}
	h.configs = dedupConfigs(h.configs)
	h.pending[p] = Cmd{}
	h.npend--
}

func dedupConfigs(cs []linConfig) []linConfig {
	out := cs[:0]
	for _, c := range cs {
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// ret records a response; bad reports that the key's history has no legal
// sequential order, naming its latest operations.
func (l *linChecker) ret(e ClientEvent) (bad bool, ops []ReqID) {
	p := int(e.Cmd.ID.Client)
	h := l.keys[e.Cmd.Key]
	if h == nil || p < 1 || p > MaxClients || h.pending[p] != e.Cmd || !e.Cmd.Op.IsKV() {
		return false, nil
	}
	for i := len(h.ops) - 1; i >= 0; i-- {
		if h.ops[i].cmd.ID == e.Cmd.ID && !h.ops[i].done {
			h.ops[i].done = true
			h.ops[i].result = e.Result
			h.events = append(h.events, linEvent{op: i, ret: true})
			break
		}
	}
	next := h.respond(p, e.Result, l)
	l.spare, h.configs = h.configs[:0], next
	h.pending[p] = Cmd{}
	h.npend--
	if len(h.configs) == 0 && !l.broken {
		if len(h.events) > maxConfirm || !h.check() {
			l.broken = true
			ops = append(ops, h.past...)
			for _, op := range h.ops {
				ops = append(ops, op.cmd.ID)
			}
			return true, ops
		}
	}
	if h.npend == 0 && len(h.configs) > 0 {
		h.settle()
	}
	return false, nil
}

// respond returns the configurations after client p's operation returned
// result r: those where it had already taken effect with r, and those
// where it takes effect now, after any sequence of the other outstanding
// operations.
func (h *keyHistory) respond(p int, r string, l *linChecker) []linConfig {
	bit := uint16(1) << uint(p)
	op := h.pending[p]
	next, stack := l.spare[:0], l.stack[:0]
	defer func() { l.stack = stack[:0] }()
	for _, c := range h.configs {
		if c.lin&bit != 0 {
			if c.outs[p] == r {
				c.lin &^= bit
				c.outs[p] = ""
				next = append(next, c)
			}
			continue
		}
		stack = append(stack[:0], c)
		seen := append(l.seen[:0], c)
		for len(stack) > 0 {
			cur := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if v, out := kvStep(cur.val, op); out == r {
				d := cur
				d.val = v
				next = append(next, d)
			}
			for q := 1; q <= MaxClients; q++ {
				qb := uint16(1) << uint(q)
				if q == p || h.pending[q].IsZero() || cur.lin&qb != 0 {
					continue
				}
				d := cur
				d.val, d.outs[q] = kvStep(cur.val, h.pending[q])
				d.lin |= qb
				if !slices.Contains(seen, d) {
					seen = append(seen, d)
					stack = append(stack, d)
				}
			}
		}
		l.seen = seen[:0]
	}
	return dedupConfigs(next)
}

// settle: no operation is outstanding, so the frontier is a set of values;
// the history before this point is summarized by them.
func (h *keyHistory) settle() {
	h.init = h.init[:0]
	for _, c := range h.configs {
		h.init = append(h.init, c.val)
	}
	slices.Sort(h.init)
	h.init = slices.Compact(h.init)
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

// linOut is a model output: a result, or unknown for a write never answered
// (accepted in any state, as porcupine's tests do for timed-out ops).
type linOut struct {
	result  string
	unknown bool
}

var kvModel = porcupine.NondeterministicModel{
	Step: func(state, input, output interface{}) []interface{} {
		s, in, out := state.(string), input.(Cmd), output.(linOut)
		next, res := kvStep(s, in)
		if out.unknown || out.result == res {
			return []interface{}{next}
		}
		return nil
	},
}

// check runs porcupine over the history since the last quiescent point,
// from the values the key may hold there. An outstanding put or cas
// returns at the end with an unknown result; an outstanding get is
// dropped.
func (h *keyHistory) check() bool {
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
