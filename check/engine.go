package check

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

// EngineOptions are the cluster and bounds of an engine-level search.
type EngineOptions struct {
	// Cluster is the cluster searched: its shape and bug switches. Seed
	// and TimeoutTicks matter only for the prefix and the script's
	// cluster line (the search itself uses no randomness and no clock).
	Cluster sim.Cluster
	// Prefix, when set, are actions applied to the fresh cluster first:
	// the search starts from the state they reach ("search from here").
	// They may be any actions, run included; the counterexample script
	// starts with them.
	Prefix []sim.Action
	// MaxRound bounds ballot rounds: a proposer may propose or retry only
	// while its next ballot's round is at most MaxRound. With one round
	// each proposer runs one ballot (p1 1.1, p2 1.2, ...). Default 1.
	MaxRound int
	// Crashes bounds the crashes in one schedule (any node; restarts are
	// free). Default 0.
	Crashes int
	// Dups bounds the duplications in one schedule. Default 0.
	Dups int
	// Drops lets the network lose any in-flight message. It adds states
	// but no violation: a message never delivered has the same effect on
	// safety as a lost one.
	Drops bool
	// Invariant is the invariant to search for (a name in sim.Invariants),
	// or "" for any. With a name, states that break only other invariants
	// are explored further, so the search finds the shortest schedule that
	// breaks this one.
	Invariant string
	// Ballots bounds the ballots started in one schedule (proposals and
	// retries together, paxos.md §3's "distinct ballots used"); 0 means
	// no bound but MaxRound's.
	Ballots int
	// NoSymmetry turns off the reduction by acceptor symmetry (see
	// sim.Canon.AppendSymmetric); the verdict is the same, with more
	// states. Refinement checking turns it off too.
	NoSymmetry bool
	// NoReduction turns off every reduction: symmetry and leaving dead
	// messages out (sim.Canon.KeepDead). The verdict and the length of the
	// shortest counterexample are the same, with many more states.
	NoReduction bool
	// Refine checks every step against Lamport's Paxos.tla through the
	// refinement mapping (see Refinement). The history of spec messages
	// sent then becomes part of each search state, so the search reaches
	// more states; every engine transition of the plain search is still
	// checked.
	Refine bool
	// MaxStates bounds the distinct states (default DefaultMaxStates).
	MaxStates int
	// MaxMemoryBytes bounds the memory of the search's own structures
	// (default DefaultMaxMemoryBytes).
	MaxMemoryBytes int64
	// Timeout bounds the wall-clock time (0: only the context's).
	Timeout time.Duration
}

// Limits on the bounds, so that a typing slip cannot ask for a search that
// could never end.
const (
	MaxMaxRound = 16
	MaxCrashes  = 16
	MaxDups     = 16
	MaxBallots  = 64
)

// ProposalValues are the values the search proposes: the i-th proposer (or
// server) proposes ProposalValues[i], as in the golden scripts (p1 X, p2 Y,
// p3 Z).
var ProposalValues = []engine.Value{"X", "Y", "Z", "W", "V", "U", "T", "S", "R"}

func (o *EngineOptions) normalize() error {
	if err := o.Cluster.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrOptions, err)
	}
	if o.MaxRound == 0 {
		o.MaxRound = 1
	}
	switch {
	case o.MaxRound < 1 || o.MaxRound > MaxMaxRound:
		return fmt.Errorf("%w: max-round must be 1..%d, not %d", ErrOptions, MaxMaxRound, o.MaxRound)
	case o.Crashes < 0 || o.Crashes > MaxCrashes:
		return fmt.Errorf("%w: crashes must be 0..%d, not %d", ErrOptions, MaxCrashes, o.Crashes)
	case o.Dups < 0 || o.Dups > MaxDups:
		return fmt.Errorf("%w: dups must be 0..%d, not %d", ErrOptions, MaxDups, o.Dups)
	case o.Ballots < 0 || o.Ballots > MaxBallots:
		return fmt.Errorf("%w: ballots must be 0..%d, not %d", ErrOptions, MaxBallots, o.Ballots)
	case o.MaxStates < 0:
		return fmt.Errorf("%w: max-states must not be negative", ErrOptions)
	case o.MaxMemoryBytes < 0:
		return fmt.Errorf("%w: max-memory must not be negative", ErrOptions)
	case o.Timeout < 0:
		return fmt.Errorf("%w: timeout must not be negative", ErrOptions)
	}
	if o.Invariant != "" {
		known := false
		for _, n := range sim.Invariants {
			known = known || n == o.Invariant
		}
		if !known {
			return fmt.Errorf("%w: unknown invariant %q (known: %s)", ErrOptions, o.Invariant, strings.Join(sim.Invariants, ", "))
		}
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
func (o *EngineOptions) Bounds() string {
	var sb strings.Builder
	cl := o.Cluster
	if cl.Servers > 0 {
		fmt.Fprintf(&sb, "--servers %d", cl.Servers)
	} else {
		fmt.Fprintf(&sb, "--proposers %d --acceptors %d --learners %d", cl.Proposers, cl.Acceptors, cl.Learners)
	}
	if cl.Bugs != 0 {
		fmt.Fprintf(&sb, " --bugs %s", cl.Bugs)
	}
	fmt.Fprintf(&sb, " --max-round %d", max(o.MaxRound, 1))
	if o.Ballots > 0 {
		fmt.Fprintf(&sb, " --ballots %d", o.Ballots)
	}
	fmt.Fprintf(&sb, " --crashes %d --dups %d", o.Crashes, o.Dups)
	if o.Drops {
		sb.WriteString(" --drops")
	}
	if o.Invariant != "" {
		fmt.Fprintf(&sb, " --invariant %s", o.Invariant)
	}
	if o.Refine {
		sb.WriteString(" --refine")
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

// The actions of the engine search. An action is packed in a uint32: the
// kind in the top byte, its argument (a proposer's index in
// Config.Proposers, a NodeID, or a message's rank in the canonical
// in-flight order) below.
const (
	actPropose = iota + 1
	actTimeout
	actDeliver
	actDup
	actDrop
	actCrash
	actRestart
)

func packAct(kind, arg int) uint32 { return uint32(kind)<<24 | uint32(arg) }

func unpackAct(a uint32) (kind, arg int) { return int(a >> 24), int(a & 0xffffff) }

// frontier is one BFS level: encoded states back to back.
type frontier struct {
	buf  []byte
	ends []int32
	ids  []uint32
}

func (f *frontier) push(b []byte, id uint32) {
	f.buf = append(f.buf, b...)
	f.ends = append(f.ends, int32(len(f.buf)))
	f.ids = append(f.ids, id)
}

func (f *frontier) reset() {
	f.buf, f.ends, f.ids = f.buf[:0], f.ends[:0], f.ids[:0]
}

func (f *frontier) state(i int) []byte {
	start := int32(0)
	if i > 0 {
		start = f.ends[i-1]
	}
	return f.buf[start:f.ends[i]]
}

func (f *frontier) bytes() int64 {
	return int64(cap(f.buf)) + int64(cap(f.ends))*4 + int64(cap(f.ids))*4
}

// header is the checker's own part of a search state: which proposers have
// proposed and how much of the fault and ballot budgets the schedule has
// used.
type header struct {
	proposed uint64 // bit per index in Config.Proposers
	crashes  int
	dups     int
	ballots  int
}

func (h header) append(b []byte) []byte {
	b = binary.AppendUvarint(b, h.proposed)
	b = binary.AppendUvarint(b, uint64(h.crashes))
	b = binary.AppendUvarint(b, uint64(h.dups))
	return binary.AppendUvarint(b, uint64(h.ballots))
}

// splitState splits an encoded search state into its header, the ghost
// (refinement) part and the simulation's canonical bytes.
func splitState(b []byte) (h header, ghost, simBytes []byte) {
	var n int
	var v uint64
	h.proposed, n = binary.Uvarint(b)
	b = b[n:]
	v, n = binary.Uvarint(b)
	h.crashes = int(v)
	b = b[n:]
	v, n = binary.Uvarint(b)
	h.dups = int(v)
	b = b[n:]
	v, n = binary.Uvarint(b)
	h.ballots = int(v)
	b = b[n:]
	v, n = binary.Uvarint(b)
	b = b[n:]
	return h, b[:v], b[v:]
}

// engineSearch is one breadth-first search of the engine.
type engineSearch struct {
	opt       EngineOptions
	cfg       *engine.Config
	symmetric bool
	start     *sim.Sim // the state the search starts from, with real ids
	startG    *Refinement
	work      *sim.Sim // a successor being built (copied, then stepped)
	canon     sim.Canon
	enc       []byte
	gbuf      []byte
	order     []int

	// Refinement: the ghost of the successor being built, and the first
	// mismatch of the current step.
	gWork     *Refinement
	refineErr error

	// violation is the invariant and detail of the last violation seen.
	violation [2]string

	res Result
}

// engState is a state of the single-decree search as the explorer holds
// it: the simulation (loaded from its canonical encoding, so its
// in-flight messages are in canonical order), the refinement ghost, the
// budget used, and whether the step that reached it was not a spec step.
type engState struct {
	s         *sim.Sim
	g         *Refinement
	h         header
	refineErr error
}

// Engine explores every state of the simulated cluster reachable within
// the bounds, breadth first, and returns the figures and, when an
// invariant breaks, the shortest counterexample as a paxviz script. An
// error means the options are unusable (errors.Is(err, ErrOptions)); a
// budget running out is not an error but a Result with Truncated set.
func Engine(ctx context.Context, opt EngineOptions) (*Result, error) {
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	start := time.Now()
	cfg := opt.Cluster.EngineConfig()
	e := &engineSearch{opt: opt, cfg: cfg}
	e.symmetric = !opt.NoSymmetry && !opt.NoReduction && !opt.Refine && sim.Symmetric(cfg)
	e.canon.KeepDead = opt.NoReduction
	e.res = Result{Search: "engine", Bounds: opt.Bounds()}
	if err := e.prepare(); err != nil {
		return nil, err
	}
	peak, err := runEngineSearch[*engState](ctx, e, &e.res, start, opt.MaxStates, opt.MaxMemoryBytes, opt.Timeout, 1, e.reportPath)
	if err != nil {
		return nil, err
	}
	if opt.Refine {
		e.res.RefinementSteps = e.startG.Steps() + e.res.Transitions - 1
	}
	e.res.finish(start, peak)
	return &e.res, nil
}

// prepare applies the prefix, building the start state (and its ghost).
func (e *engineSearch) prepare() error {
	s := sim.New(e.opt.Cluster)
	var g *Refinement
	var gerr error
	if e.opt.Refine {
		g = NewRefinement(s)
		s.Trace = func(ev *sim.Event) {
			if gerr == nil {
				gerr = g.Observe(s, ev)
			}
		}
	}
	for i := range e.opt.Prefix {
		a := e.opt.Prefix[i]
		if _, err := s.Apply(&a); err != nil {
			return fmt.Errorf("%w: prefix action %d (%s): %v", ErrOptions, i+1, a.Format(e.cfg), err)
		}
	}
	s.Trace = nil
	if gerr != nil {
		// The prefix itself is not a spec behaviour: report it as the
		// search's answer rather than as a usage error.
		e.refineErr = gerr
	}
	e.start, e.startG = s, g
	// No ballot of a round above MaxRound is started by the search, and
	// none above the start state's highest round exists yet.
	e.canon.RoundBound = int32(max(e.opt.MaxRound, highestRound(s)))
	e.work = s.Clone()
	if e.opt.Refine {
		e.gWork = g.Clone()
	}
	return nil
}

// encode appends the search state (header, ghost, simulation) to dst.
func (e *engineSearch) encode(dst []byte, h header, s *sim.Sim, g *Refinement) []byte {
	dst = h.append(dst)
	e.gbuf = e.gbuf[:0]
	if g != nil {
		e.gbuf = g.appendGhost(e.gbuf)
	}
	dst = binary.AppendUvarint(dst, uint64(len(e.gbuf)))
	dst = append(dst, e.gbuf...)
	if e.symmetric {
		return e.canon.AppendSymmetric(dst, s)
	}
	return e.canon.Append(dst, s)
}

func (e *engineSearch) startHeader() header {
	var h header
	for i, p := range e.cfg.Proposers {
		if e.start.Nodes()[p].P.Own != "" {
			h.proposed |= 1 << uint(i)
		}
	}
	return h
}

// The search as an exploreModel (with a loader: the explorer keeps the
// frontier's encodings and expands a state by loading it).

func (e *engineSearch) root() *engState {
	return &engState{s: e.start, g: e.startG, h: e.startHeader(), refineErr: e.refineErr}
}

func (e *engineSearch) copyState(dst, src *engState) *engState {
	if dst == nil {
		dst = &engState{s: src.s.Clone()}
		if src.g != nil {
			dst.g = src.g.Clone()
		}
	} else {
		dst.s.CopyFrom(src.s)
		if src.g != nil {
			dst.g.copyFrom(src.g)
		}
	}
	dst.h, dst.refineErr = src.h, src.refineErr
	return dst
}

func (e *engineSearch) load(dst *engState, key []byte) (*engState, error) {
	if dst == nil {
		dst = &engState{s: e.start.Clone()}
		if e.startG != nil {
			dst.g = e.startG.Clone()
		}
	}
	h, ghost, simBytes := splitState(key)
	if err := dst.s.LoadCanonical(simBytes); err != nil {
		return dst, fmt.Errorf("check: internal error: %v", err)
	}
	if dst.g != nil {
		if err := dst.g.loadGhost(ghost, dst.s); err != nil {
			return dst, fmt.Errorf("check: internal error: %v", err)
		}
	}
	dst.h, dst.refineErr = h, nil
	return dst, nil
}

func (e *engineSearch) key(dst []byte, st *engState) []byte {
	return e.encode(dst, st.h, st.s, st.g)
}

// violated reports whether the step to st broke the invariant searched
// for or, with refinement checking, was not a spec step; it notes which
// in e.violation for the report.
func (e *engineSearch) violated(st *engState) bool {
	switch {
	case st.s.Violated(e.opt.Invariant):
		e.violation = [2]string{e.targetOf(st.s.Violations()), ""}
	case st.refineErr != nil:
		e.violation = [2]string{"refinement", st.refineErr.Error()}
	default:
		return false
	}
	return true
}

// identity returns the in-flight order of a loaded state: as they are.
func (e *engineSearch) identity(s *sim.Sim) []int {
	e.order = e.order[:0]
	for j := range s.InFlight() {
		e.order = append(e.order, j)
	}
	return e.order
}

func (e *engineSearch) actions(st *engState, visit func(a uint32) (bool, error)) (bool, error) {
	return e.actionsFrom(st.s, st.h, e.identity(st.s), visit)
}

func (e *engineSearch) apply(st *engState, a uint32) error {
	h, err := e.step(st.s, st.h, st.g, e.identity(st.s), a, &st.refineErr)
	st.h = h
	return err
}

// targetOf names the violation to report among vs.
func (e *engineSearch) targetOf(vs []sim.Violation) string {
	if e.opt.Invariant != "" {
		return e.opt.Invariant
	}
	return vs[0].Invariant
}

// reportPath ends the search with the counterexample the explorer found:
// the violating state is the last of path (the start state when path is
// empty).
func (e *engineSearch) reportPath(path []exploreStep) error {
	if len(path) == 0 {
		if e.refineErr != nil {
			return e.report(nil, "refinement", e.refineErr.Error())
		}
		return e.report(nil, e.targetOf(e.start.Violations()), "")
	}
	targets := make([]fp, len(path))
	for i, st := range path {
		targets[i] = st.fp
	}
	return e.report(targets, e.violation[0], e.violation[1])
}

// actions calls visit with every action the search takes from state s
// with header h, in a fixed order: proposals, retries, then deliveries,
// duplications and drops of the live in-flight messages (named by rank in
// order, the canonical order; of identical copies only the first), then
// crashes and restarts. It stops early when visit says so.
func (e *engineSearch) actionsFrom(s *sim.Sim, h header, order []int, visit func(act uint32) (bool, error)) (bool, error) {
	nodes := s.Nodes()
	ballotsLeft := e.opt.Ballots == 0 || h.ballots < e.opt.Ballots
	for i, p := range e.cfg.Proposers {
		n := &nodes[p]
		if ballotsLeft && n.Up && h.proposed&(1<<uint(i)) == 0 && nextRound(n) <= e.opt.MaxRound {
			if done, err := visit(packAct(actPropose, i)); done || err != nil {
				return done, err
			}
		}
	}
	for i, p := range e.cfg.Proposers {
		n := &nodes[p]
		if ballotsLeft && n.CanRetry() && nextRound(n) <= e.opt.MaxRound {
			if done, err := visit(packAct(actTimeout, i)); done || err != nil {
				return done, err
			}
		}
	}
	msgs := s.InFlight()
	for k := actDeliver; k <= actDrop; k++ {
		if k == actDup && h.dups >= e.opt.Dups || k == actDrop && !e.opt.Drops {
			continue
		}
		for j := range order {
			if j > 0 && sameContent(&msgs[order[j]], &msgs[order[j-1]]) {
				continue // an identical copy leads to the same state
			}
			if done, err := visit(packAct(k, j)); done || err != nil {
				return done, err
			}
		}
	}
	if h.crashes < e.opt.Crashes {
		for i := range nodes {
			if nodes[i].Up {
				if done, err := visit(packAct(actCrash, i)); done || err != nil {
					return done, err
				}
			}
		}
	}
	for i := range nodes {
		if !nodes[i].Up {
			if done, err := visit(packAct(actRestart, i)); done || err != nil {
				return done, err
			}
		}
	}
	return false, nil
}

// highestRound returns the highest ballot round anywhere in s.
func highestRound(s *sim.Sim) int {
	r := int32(0)
	for i := range s.Nodes() {
		n := &s.Nodes()[i]
		r = max(r, n.RoundSeen, n.P.RoundUsed, n.P.Ballot.Round, n.A.Promised.Round, n.A.VoteBallot.Round)
	}
	for _, m := range s.InFlight() {
		r = max(r, m.Ballot.Round, m.VoteBallot.Round, m.Promised.Round)
	}
	for _, t := range s.Tallies() {
		r = max(r, t.Ballot.Round)
	}
	return int(r)
}

// nextRound is the round of the ballot a proposer would start next
// (script.md: the highest round used or seen, plus one).
func nextRound(n *engine.Node) int { return int(max(n.P.RoundUsed, n.RoundSeen)) + 1 }

func sameContent(a, b *engine.Message) bool {
	x, y := *a, *b
	x.ID, y.ID = 0, 0
	return x == y
}

// simAction turns a packed action into the simulator's, for state s whose
// live in-flight messages in canonical order are order.
func (e *engineSearch) simAction(s *sim.Sim, order []int, act uint32) sim.Action {
	kind, arg := unpackAct(act)
	msg := func() int { return s.InFlight()[order[arg]].ID }
	switch kind {
	case actPropose:
		return sim.Action{Kind: sim.ActPropose, Node: e.cfg.Proposers[arg], Value: ProposalValues[arg]}
	case actTimeout:
		return sim.Action{Kind: sim.ActTimeout, Node: e.cfg.Proposers[arg]}
	case actDeliver:
		return sim.Action{Kind: sim.ActDeliver, Sel: sim.Selector{ID: msg(), From: sim.Any, To: sim.Any}}
	case actDup:
		return sim.Action{Kind: sim.ActDup, Sel: sim.Selector{ID: msg(), From: sim.Any, To: sim.Any}}
	case actDrop:
		return sim.Action{Kind: sim.ActDrop, Sel: sim.Selector{ID: msg(), From: sim.Any, To: sim.Any}}
	case actCrash:
		return sim.Action{Kind: sim.ActCrash, Node: engine.NodeID(arg)}
	case actRestart:
		return sim.Action{Kind: sim.ActRestart, Node: engine.NodeID(arg)}
	}
	panic("check: unknown action")
}

// successor applies act to a copy of from (with header h and ghost g) in
// e.work and returns the successor's header. With refinement on, the
// successor's ghost is e.gWork and e.refineErr says whether the step was a
// spec step.
func (e *engineSearch) successor(from *sim.Sim, h header, g *Refinement, order []int, act uint32) (header, error) {
	e.work.CopyFrom(from)
	var gw *Refinement
	if g != nil {
		gw = e.gWork
		gw.copyFrom(g)
	}
	return e.step(e.work, h, gw, order, act, &e.refineErr)
}

// step applies act to w (with header h and ghost g, whose live in-flight
// messages in canonical order are order) and returns the header after
// it; with refinement on, *refineErr says whether the step was a spec
// step.
func (e *engineSearch) step(w *sim.Sim, h header, g *Refinement, order []int, act uint32, refineErr *error) (header, error) {
	*refineErr = nil
	if g != nil {
		w.Trace = func(ev *sim.Event) {
			if *refineErr == nil {
				*refineErr = g.Observe(w, ev)
			}
		}
	}
	a := e.simAction(w, order, act)
	_, err := w.Apply(&a)
	w.Trace = nil
	if err != nil {
		return h, fmt.Errorf("check: internal error: %s: %v", a.Format(e.cfg), err)
	}
	kind, arg := unpackAct(act)
	switch kind {
	case actPropose:
		h.proposed |= 1 << uint(arg)
		h.ballots++
	case actTimeout:
		h.ballots++
	case actCrash:
		h.crashes++
	case actDup:
		h.dups++
	}
	return h, nil
}

// report ends the search with the counterexample to a violation of inv
// whose states have the fingerprints targets.
func (e *engineSearch) report(targets []fp, inv, detail string) error {
	v, err := e.counterexample(targets, inv, detail)
	if err != nil {
		return err
	}
	e.res.Stop = StopViolation
	e.res.Violation = v
	return nil
}
