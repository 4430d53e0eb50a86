package check

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	rf "github.com/paxviz/paxviz/engine/raft"
	"github.com/paxviz/paxviz/engine/sim"
)

// RaftEngineOptions are the cluster and bounds of an engine-level search of
// Raft (`paxviz check engine --protocol raft`).
//
// The search is breadth first (the one explorer, explore.go) over the real
// engine running in the shared world (sim.RaftSim), as MultiPaxosEngine's
// is. From each state it
// explores, in this order:
//
//   - `propose S V` at each up leader while the schedule has commands left
//     (Commands); the i-th command proposes RaftValues[i-1];
//   - `timeout S` of an up follower or candidate whose term is below
//     MaxTerm: an election (the model checker ignores timer values, raft.md
//     §3);
//   - `timeout S` of an up leader, one heartbeat round, at most Heartbeats
//     in one schedule (a leader's rounds are otherwise unbounded and each
//     adds messages);
//   - deliveries of in-flight messages (of identical copies only the
//     first), then duplications (at most Dups) and, with NoReduction only,
//     drops (at most Drops: a drop never matters to safety, see drops);
//   - crashes of up servers (at most Crashes) and restarts (free).
//
// Time never passes (no tick) and partitions are not explored (a drop of
// each message crossing one is).
//
// States are told apart by the protocol's canonical encoding
// (raft.State.AppendKeyPerm; raft.Checker.AppendKeyLive, which leaves out
// the god's-eye records no later step can be judged against), the in-flight
// multiset by content and the budget the schedule has used. Servers are
// interchangeable (raft.Perm): unless NoSymmetry is set, a state is stored
// under the least encoding of its renamings, so each class of renamed
// states is explored once; renaming preserves the verdict and the length
// of the shortest counterexample. Dead replies (see dead), which can
// change nothing now or later, are left out of the state and never
// delivered, duplicated or dropped; so are, with Fresh, the messages the
// fresh model loses (see gone).
type RaftEngineOptions struct {
	// Cluster is the cluster searched: servers, noop, batch, probe and the
	// bug switches. Election, heartbeat and seed only appear in the
	// counterexample's cluster line.
	Cluster sim.RaftCluster
	// Prefix, when set, are script lines applied to the fresh cluster
	// first: the search starts from the state they reach ("search from
	// here"), and the counterexample script starts with them (as
	// MPEngineOptions.Prefix).
	Prefix []string
	// MaxTerm bounds elections: a server stands only while its term is
	// below MaxTerm. Default 1.
	MaxTerm int
	// Commands bounds the `propose` steps in one schedule. Default 0.
	Commands int
	// Heartbeats bounds leaders' heartbeat rounds (`timeout S` on a
	// leader) in one schedule. Default 0.
	Heartbeats int
	// Crashes, Dups and Drops bound the crashes, duplications and drops
	// in one schedule. Default 0.
	Crashes, Dups, Drops int
	// Fresh narrows the model (a bounded search, not a reduction): the
	// network loses every message whose term is below the highest term
	// any server has reached, except that up to Stale such old messages
	// may still be delivered in one schedule (never duplicated or dropped).
	// Old messages past that budget leave the state. A counterexample
	// found is real (paxviz run replays it: the lost messages merely stay
	// undelivered); a clean search says nothing about schedules that
	// deliver more old messages. Raft's Figure 8 delivers none.
	Fresh bool
	Stale int
	// Invariant is the invariant to search for (a name in rf.Invariants),
	// or "" for any.
	Invariant string
	// NoSymmetry stores every renaming of a state apart; NoReduction
	// also keeps dead replies (for comparison: same verdict and shortest
	// length, more states).
	NoSymmetry, NoReduction bool
	// MaxStates, MaxMemoryBytes and Timeout are the budgets, as in
	// EngineOptions.
	MaxStates      int
	MaxMemoryBytes int64
	Timeout        time.Duration
	// Workers is how many goroutines expand states (explore_par.go); 0
	// or 1: one. It changes the speed only, never the result. paxviz
	// check engine uses one per processor; the web server's searches
	// keep to one, so one visitor's search takes one processor at most.
	Workers int
}

// Limits of the Raft search's bounds.
const (
	MaxRaftTerm     = 16
	MaxRaftCommands = 8
)

// RaftValues are the values the search proposes, in order.
var RaftValues = []string{"X", "Y", "Z", "W", "V", "U", "T", "S"}

func (o *RaftEngineOptions) normalize() error {
	if o.Cluster.Opts.Servers == 0 {
		o.Cluster.Opts = rf.DefaultOptions(rf.DefaultServers)
		o.Cluster.Seed = sim.DefaultSeed
	}
	if o.Cluster.Opts.ElectionMin == 0 {
		o.Cluster.Opts.ElectionMin, o.Cluster.Opts.ElectionMax = rf.DefaultElectionMin, rf.DefaultElectionMax
	}
	if o.Cluster.Opts.Heartbeat == 0 {
		o.Cluster.Opts.Heartbeat = rf.DefaultHeartbeat
	}
	if o.MaxTerm == 0 {
		o.MaxTerm = 1
	}
	// Round-trip the cluster line: the parser validates it as paxviz run
	// will.
	cl, err := sim.ParseRaftCluster(o.Cluster.String())
	if err != nil {
		return fmt.Errorf("%w: %v", ErrOptions, err)
	}
	o.Cluster = cl
	switch {
	case cl.Opts.Servers > 8:
		return fmt.Errorf("%w: servers must be 1..8 for a search, not %d", ErrOptions, cl.Opts.Servers)
	case o.MaxTerm < 1 || o.MaxTerm > MaxRaftTerm:
		return fmt.Errorf("%w: max-term must be 1..%d, not %d", ErrOptions, MaxRaftTerm, o.MaxTerm)
	case o.Commands < 0 || o.Commands > MaxRaftCommands:
		return fmt.Errorf("%w: commands must be 0..%d, not %d", ErrOptions, MaxRaftCommands, o.Commands)
	case o.Heartbeats < 0 || o.Heartbeats > MaxDups:
		return fmt.Errorf("%w: heartbeats must be 0..%d, not %d", ErrOptions, MaxDups, o.Heartbeats)
	case o.Crashes < 0 || o.Crashes > MaxCrashes:
		return fmt.Errorf("%w: crashes must be 0..%d, not %d", ErrOptions, MaxCrashes, o.Crashes)
	case o.Dups < 0 || o.Dups > MaxDups:
		return fmt.Errorf("%w: dups must be 0..%d, not %d", ErrOptions, MaxDups, o.Dups)
	case o.Drops < 0 || o.Drops > MaxDups:
		return fmt.Errorf("%w: drops must be 0..%d, not %d", ErrOptions, MaxDups, o.Drops)
	case o.Stale < 0 || o.Stale > MaxDups:
		return fmt.Errorf("%w: stale must be 0..%d, not %d", ErrOptions, MaxDups, o.Stale)
	case o.Stale > 0 && !o.Fresh:
		return fmt.Errorf("%w: stale bounds the old messages delivered under fresh: set fresh too", ErrOptions)
	case o.MaxStates < 0:
		return fmt.Errorf("%w: max-states must not be negative", ErrOptions)
	case o.MaxMemoryBytes < 0:
		return fmt.Errorf("%w: max-memory must not be negative", ErrOptions)
	case o.Timeout < 0:
		return fmt.Errorf("%w: timeout must not be negative", ErrOptions)
	}
	if o.Invariant != "" && !slices.Contains(rf.Invariants, o.Invariant) {
		return fmt.Errorf("%w: unknown invariant %q (known: %s)", ErrOptions, o.Invariant, strings.Join(rf.Invariants, ", "))
	}
	if o.MaxStates == 0 {
		o.MaxStates = DefaultMaxStates
	}
	if o.MaxMemoryBytes == 0 {
		o.MaxMemoryBytes = DefaultMaxMemoryBytes
	}
	return nil
}

// Bounds renders the options in the flag form of paxviz check engine.
func (o *RaftEngineOptions) Bounds() string {
	c := o.Cluster.Opts
	var sb strings.Builder
	fmt.Fprintf(&sb, "--protocol raft --servers %d --max-term %d --commands %d", c.Servers, max(o.MaxTerm, 1), o.Commands)
	if o.Heartbeats > 0 {
		fmt.Fprintf(&sb, " --heartbeats %d", o.Heartbeats)
	}
	fmt.Fprintf(&sb, " --crashes %d --dups %d --drops %d --noop %d", o.Crashes, o.Dups, o.Drops, c.Noop)
	if c.Batch != 0 {
		fmt.Fprintf(&sb, " --batch %d", c.Batch)
	}
	fmt.Fprintf(&sb, " --probe %d", c.Probe)
	if o.Fresh {
		fmt.Fprintf(&sb, " --fresh --stale %d", o.Stale)
	}
	if c.Bugs != 0 {
		fmt.Fprintf(&sb, " --bugs %s", c.Bugs)
	}
	if o.Invariant != "" {
		fmt.Fprintf(&sb, " --invariant %s", o.Invariant)
	}
	if o.NoReduction {
		sb.WriteString(" --no-reduction")
	} else if o.NoSymmetry {
		sb.WriteString(" --no-symmetry")
	}
	if len(o.Prefix) > 0 {
		fmt.Fprintf(&sb, " (from the state after %d prefix actions)", len(o.Prefix))
	}
	return sb.String()
}

// The actions of the Raft search, packed as the others: kind in the top
// byte, a message id or a server id below.
const (
	rfActPropose = iota + 1
	rfActTimeout
	rfActHeartbeat
	rfActDeliver
	rfActDup
	rfActDrop
	rfActCrash
	rfActRestart
)

// Header fields of the Raft search (an mpHeader: a byte each).
const (
	rhCrashes = iota
	rhDups
	rhDrops
	rhCommands
	rhHeartbeats
	rhStale
)

type raftSearch struct {
	opt   RaftEngineOptions
	cfg   *rf.Config
	start *sim.RaftSim

	// Canonical encoding buffers.
	enc, best []byte
	msgBuf    []byte
	actBuf    []byte
	msgs      [][]byte
	perms     []rf.Perm
	local     [][]byte
	order     []int
	// candidates' buffers.
	localBuf []byte
	localEnd []int
	groups   [][2]int
	ord      []int
	permBuf  []rf.NodeID
	live     []bool
	msgEnc   [][]byte

	baseKey, succKey []byte
	// The state whose key baseKey is (drops compares each delivery's
	// successor with it), and its generation: copyState numbers every
	// copy it makes, as it reuses the state and its simulation.
	lastBase *raftState
	lastGen  uint64
	gens     uint64

	res Result
}

// raftState is a state of the search: the simulation and the budget its
// schedule has used.
type raftState struct {
	s *sim.RaftSim
	h mpHeader
	// gen tells apart the states copyState made in the same raftState.
	gen uint64
}

// RaftEngine explores every state of the simulated Raft cluster reachable
// within the bounds, breadth first, and returns the figures and, when an
// invariant breaks, a shortest counterexample as a paxviz script that
// paxviz run replays with exit status 0 (checked before it is returned). A
// budget running out is not an error but a Result with Truncated set.
func RaftEngine(ctx context.Context, opt RaftEngineOptions) (*Result, error) {
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	startT := time.Now()
	e := &raftSearch{opt: opt}
	e.start = sim.NewRaft(opt.Cluster)
	e.cfg = e.start.Config()
	for i, line := range opt.Prefix {
		if err := e.start.Do(line); err != nil {
			return nil, fmt.Errorf("%w: prefix line %d: %v", ErrOptions, i+1, err)
		}
	}
	if p := e.start.PausedNodes(); len(p) > 0 {
		return nil, fmt.Errorf("%w: %s paused: the search does not model pauses (resume first)", ErrOptions, strings.Join(p, ", "))
	}
	e.res = Result{Search: "engine", Bounds: opt.Bounds()}
	peak, err := runEngineSearch[*raftState](ctx, e, &e.res, startT, opt.MaxStates, opt.MaxMemoryBytes, opt.Timeout, opt.Workers,
		func(path []exploreStep) error { return e.report(stepActs(path)) })
	if err != nil {
		return nil, err
	}
	e.res.finish(startT, peak)
	return &e.res, nil
}

// The search as an exploreModel (explore.go).

func (e *raftSearch) root() *raftState { return &raftState{s: e.start} }

// fork returns a search of the same bounds with buffers of its own, for
// a parallel worker (explore_par.go); it shares the start state and the
// configuration, and reads them only.
func (e *raftSearch) fork() exploreModel[*raftState] {
	return &raftSearch{opt: e.opt, cfg: e.cfg, start: e.start}
}

func (e *raftSearch) copyState(dst, src *raftState) *raftState {
	if dst == nil {
		dst = new(raftState)
	}
	// The explorer's states own their buffers (it never keeps a state
	// that another one it overwrites shares), so dst's are reused.
	dst.s, dst.h = src.s.CloneInto(dst.s), src.h
	e.gens++
	dst.gen = e.gens
	return dst
}

func (e *raftSearch) violated(st *raftState) bool { return st.s.Violated(e.opt.Invariant) }

// apply performs action a on st and charges it to st's budget.
func (e *raftSearch) apply(st *raftState, a uint32) error {
	h := e.after(st.s, st.h, a)
	if err := e.applySim(st.s, st.h, a); err != nil {
		return err
	}
	st.h = h
	return nil
}

// after returns the budget used after action a from s with budget h (as
// actions charges it).
func (e *raftSearch) after(s *sim.RaftSim, h mpHeader, a uint32) mpHeader {
	kind, arg := unpackAct(a)
	switch kind {
	case rfActPropose:
		return h.inc(rhCommands)
	case rfActHeartbeat:
		return h.inc(rhHeartbeats)
	case rfActDup:
		return h.inc(rhDups)
	case rfActDrop:
		return h.inc(rhDrops)
	case rfActCrash:
		return h.inc(rhCrashes)
	case rfActDeliver:
		if e.opt.Fresh {
			top := topTerm(s.State())
			for _, m := range s.InFlight() {
				if m.ID == arg && m.Term < top {
					return h.inc(rhStale)
				}
			}
		}
	}
	return h
}

func (e *raftSearch) actions(st *raftState, visit func(a uint32) (bool, error)) (bool, error) {
	return e.actionsFrom(st.s, st.h, func(a uint32, _ mpHeader) (bool, error) { return visit(a) })
}

// stutter reports a delivery that only lost its message (see drops).
func (e *raftSearch) stutter(base, next *raftState, a uint32) bool {
	kind, _ := unpackAct(a)
	if kind != rfActDeliver {
		return false
	}
	if base != e.lastBase || base.gen != e.lastGen {
		e.baseKey, e.lastBase, e.lastGen = nil, base, base.gen
	}
	return e.drops(base.s, next.s, next.h)
}

func (e *raftSearch) key(dst []byte, st *raftState) []byte { return e.encode(dst, st.h, st.s) }

// applySim performs packed action a on s, whose schedule has used budget h.
func (e *raftSearch) applySim(s *sim.RaftSim, h mpHeader, a uint32) error {
	kind, arg := unpackAct(a)
	var err error
	switch kind {
	case rfActPropose:
		err = s.Propose(rf.NodeID(arg), RaftValues[h.get(rhCommands)])
	case rfActTimeout, rfActHeartbeat:
		err = s.Act(sim.ActTimeout, rf.NodeID(arg))
	case rfActDeliver:
		err = s.DeliverID(arg)
	case rfActDup:
		err = s.DupID(arg)
	case rfActDrop:
		err = s.DropID(arg)
	case rfActCrash:
		err = s.Act(sim.ActCrash, rf.NodeID(arg))
	case rfActRestart:
		err = s.Act(sim.ActRestart, rf.NodeID(arg))
	default:
		err = fmt.Errorf("unknown action %#x", a)
	}
	if err != nil {
		return fmt.Errorf("check: internal error: %s: %v", e.describe(s, h, a), err)
	}
	return nil
}

// actionsFrom calls visit with every action from state s with header h, in
// the order RaftEngineOptions describes, and the header after it.
func (e *raftSearch) actionsFrom(s *sim.RaftSim, h mpHeader, visit func(a uint32, h2 mpHeader) (bool, error)) (bool, error) {
	st := s.State()
	cfg := e.cfg
	if h.get(rhCommands) < e.opt.Commands {
		for i := range cfg.Servers {
			if st.Servers[i].IsLeader() {
				if done, err := visit(packAct(rfActPropose, i), h.inc(rhCommands)); done || err != nil {
					return done, err
				}
			}
		}
	}
	for i := range cfg.Servers {
		sv := &st.Servers[i]
		if sv.Up && sv.V.Role != rf.RoleLeader && int(sv.D.Term) < e.opt.MaxTerm {
			if done, err := visit(packAct(rfActTimeout, i), h); done || err != nil {
				return done, err
			}
		}
	}
	if h.get(rhHeartbeats) < e.opt.Heartbeats {
		for i := range cfg.Servers {
			if st.Servers[i].IsLeader() {
				if done, err := visit(packAct(rfActHeartbeat, i), h.inc(rhHeartbeats)); done || err != nil {
					return done, err
				}
			}
		}
	}
	msgs := s.InFlight()
	// Not msgBuf: visit encodes successors, which reuses msgBuf.
	e.actBuf = e.actBuf[:0]
	e.msgEnc = e.msgEnc[:0]
	e.live = e.live[:0]
	top := topTerm(st)
	for i := range msgs {
		n := len(e.actBuf)
		e.actBuf = rf.AppendMessageKey(e.actBuf, &msgs[i], nil)
		e.msgEnc = append(e.msgEnc, e.actBuf[n:len(e.actBuf):len(e.actBuf)])
		e.live = append(e.live, !e.gone(st, h, top, &msgs[i]))
	}
	for _, k := range []int{rfActDeliver, rfActDup, rfActDrop} {
		h2 := h
		switch {
		case k == rfActDup && (h.get(rhDups) >= e.opt.Dups || len(msgs) >= sim.MaxInFlight):
			continue
		case k == rfActDup:
			h2 = h.inc(rhDups)
		case k == rfActDrop && (h.get(rhDrops) >= e.opt.Drops || !e.opt.NoReduction):
			// A drop leaves the state less one message, which the state
			// before simulates step for step (see drops): drops never
			// change the verdict or the shortest length, so only the
			// unreduced search explores them.
			continue
		case k == rfActDrop:
			h2 = h.inc(rhDrops)
		}
	next:
		for i := range msgs {
			if !e.live[i] {
				continue // its delivery changes nothing
			}
			for j := range i {
				if !raftNoCopyDedup && string(e.msgEnc[j]) == string(e.msgEnc[i]) {
					continue next // an identical copy leads to the same state
				}
			}
			h3 := h2
			if e.opt.Fresh && msgs[i].Term < top {
				// An old message within the stale budget: delivered
				// only, at the cost of one.
				if k != rfActDeliver {
					continue
				}
				h3 = h2.inc(rhStale)
			}
			if done, err := visit(packAct(k, msgs[i].ID), h3); done || err != nil {
				return done, err
			}
		}
	}
	if h.get(rhCrashes) < e.opt.Crashes {
		for i := range cfg.Servers {
			if st.Servers[i].Up {
				if done, err := visit(packAct(rfActCrash, i), h.inc(rhCrashes)); done || err != nil {
					return done, err
				}
			}
		}
	}
	for i := range cfg.Servers {
		if !st.Servers[i].Up {
			if done, err := visit(packAct(rfActRestart, i), h); done || err != nil {
				return done, err
			}
		}
	}
	return false, nil
}

// encode appends to dst the canonical encoding of state s with header h:
// the least encoding among the renamings symmetry tries (see candidates).
func (e *raftSearch) encode(dst []byte, h mpHeader, s *sim.RaftSim) []byte {
	perms := e.candidates(s)
	e.best = e.best[:0]
	for i, p := range perms {
		e.enc = e.encodePerm(e.enc[:0], h, s, p)
		if i == 0 || bytes.Compare(e.enc, e.best) < 0 {
			e.best = append(e.best[:0], e.enc...)
		}
	}
	return append(dst, e.best...)
}

// encodePerm appends the encoding of s, renamed by p, to dst.
func (e *raftSearch) encodePerm(dst []byte, h mpHeader, s *sim.RaftSim, p rf.Perm) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, uint64(h))
	st := s.State()
	dst = st.AppendKeyPerm(e.cfg, p, dst)
	if e.opt.NoReduction {
		dst = s.Checker().AppendKeyPerm(p, dst)
	} else {
		dst = s.Checker().AppendKeyLive(p, st, dst)
	}
	e.msgBuf = e.msgBuf[:0]
	e.msgs = e.msgs[:0]
	msgs := s.InFlight()
	top := topTerm(st)
	for i := range msgs {
		if e.gone(st, h, top, &msgs[i]) {
			continue
		}
		n := len(e.msgBuf)
		e.msgBuf = rf.AppendMessageKey(e.msgBuf, &msgs[i], p)
		e.msgs = append(e.msgs, e.msgBuf[n:len(e.msgBuf):len(e.msgBuf)])
	}
	slices.SortFunc(e.msgs, bytes.Compare)
	dst = binary.AppendUvarint(dst, uint64(len(e.msgs)))
	for _, m := range e.msgs {
		dst = binary.AppendUvarint(dst, uint64(len(m)))
		dst = append(dst, m...)
	}
	return dst
}

// candidates returns the renamings whose encodings encode compares: the
// identity without symmetry; with it, the renamings that sort the servers
// by what each holds on its own (up, role, term, log, commit and apply
// points: nothing naming another server), all orders of equal servers
// tried. Every state symmetric to s has the same sorted servers and so the
// same candidate encodings: the least is the same. (Past 120 orders of
// ties, only the one by index is tried: still sound, merely less
// reduction.)
func (e *raftSearch) candidates(s *sim.RaftSim) []rf.Perm {
	n := e.cfg.Servers
	if e.opt.NoSymmetry || e.opt.NoReduction || n == 1 {
		e.perms = append(e.perms[:0], nil)
		return e.perms
	}
	st := s.State()
	// Each server's local key, in one buffer reused between calls.
	b := e.localBuf[:0]
	e.localEnd = e.localEnd[:0]
	for i := range n {
		sv := &st.Servers[i]
		up := byte(0)
		if sv.Up {
			up = 1
		}
		b = append(b, up, byte(sv.V.Role))
		b = binary.AppendVarint(b, int64(sv.D.Term))
		b = binary.AppendVarint(b, int64(sv.V.CommitIndex))
		b = binary.AppendVarint(b, int64(sv.V.LastApplied))
		b = binary.AppendUvarint(b, uint64(len(sv.D.Log)))
		for _, x := range sv.D.Log {
			b = binary.AppendVarint(b, int64(x.Term))
			b = append(b, x.Value...)
			b = append(b, 0)
		}
		e.localEnd = append(e.localEnd, len(b))
	}
	e.localBuf = b
	e.local = e.local[:0]
	for i, end := range e.localEnd {
		start := 0
		if i > 0 {
			start = e.localEnd[i-1]
		}
		e.local = append(e.local, b[start:end:end])
	}
	e.order = e.order[:0]
	for i := range n {
		e.order = append(e.order, i)
	}
	slices.SortStableFunc(e.order, func(a, b int) int { return bytes.Compare(e.local[a], e.local[b]) })
	// Tie groups of equal local keys, in sorted order.
	groups := e.groups[:0]
	defer func() { e.groups = groups[:0] }()
	total := 1
	for i := 0; i < n; {
		j := i + 1
		for j < n && bytes.Equal(e.local[e.order[i]], e.local[e.order[j]]) {
			j++
		}
		groups = append(groups, [2]int{i, j})
		for k := 2; k <= j-i; k++ {
			total *= k
		}
		i = j
	}
	e.perms = e.perms[:0]
	if total > 120 {
		p := make(rf.Perm, n)
		for pos, old := range e.order {
			p[old] = rf.NodeID(pos)
		}
		e.perms = append(e.perms, p)
		return e.perms
	}
	// Enumerate every order within each tie group, the renamings cut from
	// one buffer reused between calls (encode drops them before the next).
	ord := append(e.ord[:0], e.order...)
	e.ord = ord
	if cap(e.permBuf) < total*n {
		e.permBuf = make([]rf.NodeID, total*n)
	}
	buf := e.permBuf[:total*n]
	var rec func(g int)
	rec = func(g int) {
		if g == len(groups) {
			k := len(e.perms) * n
			p := rf.Perm(buf[k : k+n : k+n])
			for pos, old := range ord {
				p[old] = rf.NodeID(pos)
			}
			e.perms = append(e.perms, p)
			return
		}
		lo, hi := groups[g][0], groups[g][1]
		permute(ord[lo:hi], 0, func() { rec(g + 1) })
	}
	rec(0)
	return e.perms
}

// permute calls f with xs in every order (Heap's algorithm, restoring xs).
func permute(xs []int, k int, f func()) {
	if k >= len(xs)-1 {
		f()
		return
	}
	for i := k; i < len(xs); i++ {
		xs[k], xs[i] = xs[i], xs[k]
		permute(xs, k+1, f)
		xs[k], xs[i] = xs[i], xs[k]
	}
}

// topTerm returns the highest term any server of st has reached.
func topTerm(st *rf.State) int32 {
	var t int32
	for i := range st.Servers {
		t = max(t, st.Servers[i].D.Term)
	}
	return t
}

// gone reports whether message m, in flight in state st (whose highest
// term is top) after a schedule that used budget h, can no longer matter:
// it is dead, or Fresh lost it (its term is below top and the stale
// budget is spent). Both last: terms never decrease and budgets are never
// refunded.
//
// With no stale budget at all, one kind of request is gone too: a
// requestvote of its receiver's term whose receiver has voted for another
// server in that term. It is refused, and the refusal (of the candidate's
// term) is dead; the receiver's vote of that term is durable (unless
// forget_vote), and once the receiver's term has risen the request is old
// and lost.
func (e *raftSearch) gone(st *rf.State, h mpHeader, top int32, m *rf.Message) bool {
	if e.opt.Fresh && h.get(rhStale) >= e.opt.Stale {
		if m.Term < top {
			return true
		}
		if e.opt.Stale == 0 && m.Type == rf.MsgRequestVote && !e.cfg.Bugs.Has(rf.BugForgetVote) && e.cfg.IsServer(m.To) {
			r := &st.Servers[m.To].D
			if r.Term == m.Term && r.VotedFor != rf.None && r.VotedFor != m.From {
				return true
			}
		}
	}
	return e.dead(st, m)
}

// dead reports whether reply m, in flight in state st, can change nothing
// if delivered, now or after any later step (so delivering it is a stutter
// step). Terms never decrease (currentTerm is durable under every switch),
// and a server returns to a role of a term only by a new election, which
// raises its term:
//
//   - a vote or appendreply below its receiver's term is ignored (§1.6);
//   - a vote of its receiver's term is counted only by a candidate of that
//     term, and only if granted and, unless count_duplicates counts
//     messages, from a voter not counted yet;
//   - an appendreply of its receiver's term reaches a follower, which can
//     never lead that term, or a leader or candidate (a candidate may still
//     win the term: live); to a leader, a success it has counted already
//     (its match at most matchIndex, nextIndex at matchIndex+1) when
//     neither batch nor probe makes a success send a follow-up.
//
// Requests are never dead: even a stale one draws a reply that carries
// the receiver's term.
func (e *raftSearch) dead(st *rf.State, m *rf.Message) bool {
	if e.opt.NoReduction || !e.cfg.IsServer(m.To) {
		return false
	}
	r := &st.Servers[m.To]
	switch m.Type {
	case rf.MsgVote:
		if m.Term != r.D.Term {
			return m.Term < r.D.Term
		}
		if r.V.Role != rf.RoleCandidate || !m.Granted {
			return true
		}
		return !e.cfg.Bugs.Has(rf.BugCountDuplicates) && r.V.Votes&(1<<uint(m.From)) != 0
	case rf.MsgAppendReply:
		if m.Term != r.D.Term {
			return m.Term < r.D.Term
		}
		if r.V.Role == rf.RoleFollower {
			return true
		}
		// A success the leader has already counted, when no follow-up
		// append is due: matchIndex only grows in the term and nextIndex
		// then stays matchIndex+1 (a refusal backs it off to no less).
		j := int(m.From)
		return r.V.Role == rf.RoleLeader && m.Success && e.cfg.Batch == 0 && !e.cfg.Probe &&
			j < len(r.V.MatchIndex) && m.Match <= r.V.MatchIndex[j] && r.V.NextIndex[j] == r.V.MatchIndex[j]+1
	}
	return false
}

// drops reports whether the delivery that took base to w was a mere loss
// of the message: the servers and the checker are as they were, and every
// message sent is dead (a delivery to a crashed server; a stale request
// whose refusal cannot matter to its sender). Such a successor is the base
// less one message, which base simulates step for step (a message in
// flight obliges nothing), so it needs no exploring: the verdict and the
// shortest counterexample stay the same (as with drops, which never
// matter to safety).
func (e *raftSearch) drops(base, w *sim.RaftSim, h2 mpHeader) bool {
	if e.opt.NoReduction {
		return false
	}
	if e.baseKey == nil {
		e.baseKey = base.State().AppendKey(e.cfg, e.baseKey)
		e.baseKey = base.Checker().AppendKey(e.baseKey)
	}
	e.succKey = w.State().AppendKey(e.cfg, e.succKey[:0])
	e.succKey = w.Checker().AppendKey(e.succKey)
	if !bytes.Equal(e.succKey, e.baseKey) {
		return false
	}
	last := 0
	if bm := base.InFlight(); len(bm) > 0 {
		last = bm[len(bm)-1].ID
	}
	st := w.State()
	top := topTerm(st)
	for _, m := range w.InFlight() {
		if m.ID > last && !e.gone(st, h2, top, &m) {
			return false
		}
	}
	return true
}

// describe renders action a on state s (before it runs) as a script line.
func (e *raftSearch) describe(s *sim.RaftSim, h mpHeader, a uint32) string {
	kind, arg := unpackAct(a)
	cfg := e.cfg
	msg := func(verb string) string {
		for _, m := range s.InFlight() {
			if m.ID == arg {
				m.ID = 0
				return fmt.Sprintf("%-40s # %s", verb+" "+s.RaftSelector(arg), cfg.Describe(&m))
			}
		}
		return fmt.Sprintf("%s #%d", verb, arg)
	}
	switch kind {
	case rfActPropose:
		return "propose " + cfg.Name(rf.NodeID(arg)) + " " + RaftValues[h.get(rhCommands)]
	case rfActTimeout:
		return "timeout " + cfg.Name(rf.NodeID(arg))
	case rfActHeartbeat:
		return fmt.Sprintf("%-40s # a heartbeat round", "timeout "+cfg.Name(rf.NodeID(arg)))
	case rfActDeliver:
		return msg("deliver")
	case rfActDup:
		return msg("dup")
	case rfActDrop:
		return msg("drop")
	case rfActCrash:
		return "crash " + cfg.Name(rf.NodeID(arg))
	case rfActRestart:
		return "restart " + cfg.Name(rf.NodeID(arg))
	}
	return fmt.Sprintf("# unknown action %#x", a)
}

// report ends the search with the counterexample path (actions from the
// start): it replays the path, writes it as a script ending in expect
// violation NAME, and checks that paxviz run of the script exits 0.
func (e *raftSearch) report(path []uint32) error {
	s := e.start.Clone()
	var h mpHeader
	v := &Violation{Steps: len(path)}
	cur := -1
	s.W.Trace = func(ev *sim.WEvent[rf.Message, sim.Narration]) {
		for _, n := range ev.Notes {
			if strings.HasPrefix(n.Key, "note.raft.bug.") && cur >= 0 && (len(v.BugSteps) == 0 || v.BugSteps[len(v.BugSteps)-1] != cur) {
				v.BugSteps = append(v.BugSteps, cur)
			}
		}
	}
	var lines []string
	for i, a := range path {
		cur = i
		lines = append(lines, e.describe(s, h, a))
		h2 := e.after(s, h, a)
		if err := e.applySim(s, h, a); err != nil {
			return err
		}
		h = h2
	}
	s.W.Trace = nil
	vs := s.Checker().Violations()
	var viol *rf.Violation
	for i := range vs {
		if e.opt.Invariant == "" || vs[i].Invariant == e.opt.Invariant {
			viol = &vs[i]
			break
		}
	}
	if viol == nil {
		return fmt.Errorf("check: internal error: the replayed counterexample breaks no invariant searched for")
	}
	v.Invariant = viol.Invariant
	v.Detail = viol.Describe(e.cfg)
	var sb strings.Builder
	fmt.Fprintf(&sb, "# paxviz check engine: a shortest counterexample (%d steps) to %s.\n", len(path), v.Invariant)
	fmt.Fprintf(&sb, "# Bounds: %s\n", e.opt.Bounds())
	sb.WriteString(e.opt.Cluster.String() + "\n")
	for _, l := range e.opt.Prefix {
		l = strings.TrimSpace(sim.StripComment(l))
		if l != "" && l != "expect" && !strings.HasPrefix(l, "expect ") {
			sb.WriteString(l + "\n")
		}
	}
	for _, l := range lines {
		sb.WriteString(l + "\n")
	}
	fmt.Fprintf(&sb, "# %s\n", v.Detail)
	fmt.Fprintf(&sb, "expect violation %s\n", v.Invariant)
	v.Script = sb.String()
	if err := verifyScript(v.Script); err != nil {
		return fmt.Errorf("check: internal error: the counterexample script does not replay: %v\n%s", err, v.Script)
	}
	e.res.Stop = StopViolation
	e.res.Violation = v
	return nil
}

// raftNoCopyDedup, set by tests only, makes the search deliver identical
// copies of a message one by one: the states must be the same.
var raftNoCopyDedup bool
