package check

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/engine/sim"
)

// MPEngineOptions are the cluster and bounds of an engine-level search of
// Multi-Paxos (`paxviz check engine --protocol multipaxos`).
//
// The search is breadth first over the real engine running in the shared
// world (sim.MPSim). From each state it explores, in this order:
//
//   - client requests: a client with no request outstanding and commands
//     left in its workload (see MPWorkload) sends its next one, to its
//     hint as a script's `put c1 x 1` does (a client finds the leader by
//     redirects and retries, which the search explores): Commands bounds
//     them all together;
//   - election timeouts `timeout S` of an up server whose next ballot's
//     round, its maxRound plus one, is at most MaxRound, while the
//     schedule has ballots left (Ballots);
//   - client retries `timeout C` of a client with a request outstanding,
//     at most Retries in one schedule;
//   - deliveries of in-flight messages (of identical copies only the
//     first: they lead to the same state), then duplications (at most Dups
//     in one schedule) and drops (at most Drops);
//   - crashes of up servers (at most Crashes) and restarts (free).
//
// Time never passes (no tick): heartbeats, step-down and timers firing by
// the clock are liveness machinery, and every election the clock could
// start is a `timeout S` the search explores anyway. Partitions are not
// explored (a drop of each message crossing one is).
//
// States are told apart by sim.MPCanon: the protocol state, the god's-eye
// records and the in-flight multiset compared by content (message ids
// ignored), plus the search's own budget counters. In the key-value
// workload clients with the same quota are interchangeable: a state is
// stored under the least encoding of its client renamings (mpsym.go;
// NoSymmetry turns this off). Servers are not (mpsym.go says why).
// Dead messages (see mpDead), whose delivery can change nothing now or
// later, are left out of the state and never delivered, duplicated or
// dropped: a state with one is the same, step for step, as the state
// without it, so the verdict and the length of the shortest
// counterexample are unchanged.
// The search runs on the one explorer (explore.go), which stores per
// state only a fingerprint, its parent and the action that reached it
// (about 32 bytes with the hash table); a state is rebuilt for expansion
// by replaying its path from the deepest state it shares with the path
// rebuilt before (the explorer keeps the states along that path).
type MPEngineOptions struct {
	// Cluster is the cluster searched: servers, clients, window, the
	// bootstrapped leader and the bug switches. Timeout, heartbeat and
	// seed only appear in the counterexample's cluster line (and matter
	// for a Prefix).
	Cluster sim.MPCluster
	// Prefix, when set, are script lines (actions of any kind, run and
	// tick included) applied to the fresh cluster first: the search starts
	// from the state they reach ("search from here"), and the
	// counterexample script starts with them. Commands then bounds the
	// requests beyond those the prefix made.
	Prefix []string
	// Commands bounds the client requests in one schedule (MPWorkload
	// says which). Default 1.
	Commands int
	// MaxRound bounds ballot rounds: a server stands only while its next
	// ballot's round is at most MaxRound. Default 1 (with leader=s1: no
	// election at all).
	MaxRound int
	// Ballots bounds the ballots in one schedule, the bootstrapped
	// leader's 1.1 included (multipaxos.md §5's "ballots"): with leader=s1
	// and Ballots 2, one election. 0: no bound but MaxRound's.
	Ballots int
	// Crashes, Dups, Drops and Retries bound the crashes, duplications,
	// drops and client retry timeouts in one schedule. Default 0.
	Crashes, Dups, Drops, Retries int
	// Invariant is the invariant to search for (a name in mp.Invariants),
	// or "" for any.
	Invariant string
	// NoReduction keeps dead messages in the state and explores their
	// delivery, and turns symmetry off (for comparison: same verdict and
	// shortest length, more states).
	NoReduction bool
	// NoSymmetry turns off the reduction by client symmetry (see mpSym).
	NoSymmetry bool
	// Ticks, Clocks and Pauses bound the ticks, clock-rate changes and
	// client pauses in one schedule, and Workload names the clients'
	// commands (mplease.go). Default 0 and kv: time never passes.
	Ticks, Clocks, Pauses int
	Workload              string
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

// MaxCommands bounds MPEngineOptions.Commands.
const MaxCommands = 16

// MPWorkload returns client c's (1-based) j-th request (1-based) in the
// search: the first is `put x c`, every later one `get x`. Commands are
// dealt to the clients in turn (command i to client (i-1) mod M + 1), so
// with two clients and two commands c1 puts x=1 and c2 puts x=2, and with
// one client c1 puts x=1 then reads x.
func MPWorkload(c, j int) mp.Cmd {
	if j == 1 {
		return mp.Cmd{Op: mp.OpPut, Key: "x", Val: fmt.Sprint(c)}
	}
	return mp.Cmd{Op: mp.OpGet, Key: "x"}
}

func (o *MPEngineOptions) normalize() error {
	if o.Cluster.Servers == 0 {
		o.Cluster.Servers = mp.DefaultServers
	}
	if o.Cluster.Window == 0 {
		o.Cluster.Window = mp.DefaultWindow
	}
	if o.Cluster.Timeout == 0 {
		o.Cluster.Timeout = mp.DefaultTimeout
	}
	if o.Cluster.Heartbeat == 0 {
		o.Cluster.Heartbeat = mp.DefaultHeartbeat
	}
	if o.Commands == 0 {
		o.Commands = 1
	}
	if o.MaxRound == 0 {
		o.MaxRound = 1
	}
	if err := o.normalizeTime(); err != nil {
		return err
	}
	// Round-trip the cluster line: the parser validates it as paxviz run
	// will.
	cl, err := sim.ParseMPCluster(o.Cluster.String())
	if err != nil {
		return fmt.Errorf("%w: %v", ErrOptions, err)
	}
	o.Cluster = cl
	switch {
	case cl.Clients < 1:
		return fmt.Errorf("%w: clients must be at least 1", ErrOptions)
	case o.Commands < 1 || o.Commands > MaxCommands:
		return fmt.Errorf("%w: commands must be 1..%d, not %d", ErrOptions, MaxCommands, o.Commands)
	case o.MaxRound < 1 || o.MaxRound > MaxMaxRound:
		return fmt.Errorf("%w: max-round must be 1..%d, not %d", ErrOptions, MaxMaxRound, o.MaxRound)
	case o.Crashes < 0 || o.Crashes > MaxCrashes:
		return fmt.Errorf("%w: crashes must be 0..%d, not %d", ErrOptions, MaxCrashes, o.Crashes)
	case o.Dups < 0 || o.Dups > MaxDups:
		return fmt.Errorf("%w: dups must be 0..%d, not %d", ErrOptions, MaxDups, o.Dups)
	case o.Drops < 0 || o.Drops > MaxDups:
		return fmt.Errorf("%w: drops must be 0..%d, not %d", ErrOptions, MaxDups, o.Drops)
	case o.Ballots < 0 || o.Ballots > MaxBallots:
		return fmt.Errorf("%w: ballots must be 0..%d, not %d", ErrOptions, MaxBallots, o.Ballots)
	case o.Retries < 0 || o.Retries > MaxDups:
		return fmt.Errorf("%w: retries must be 0..%d, not %d", ErrOptions, MaxDups, o.Retries)
	case o.MaxStates < 0:
		return fmt.Errorf("%w: max-states must not be negative", ErrOptions)
	case o.MaxMemoryBytes < 0:
		return fmt.Errorf("%w: max-memory must not be negative", ErrOptions)
	case o.Timeout < 0:
		return fmt.Errorf("%w: timeout must not be negative", ErrOptions)
	}
	if o.Invariant != "" && !slices.Contains(mp.Invariants, o.Invariant) {
		return fmt.Errorf("%w: unknown invariant %q (known: %s)", ErrOptions, o.Invariant, strings.Join(mp.Invariants, ", "))
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
func (o *MPEngineOptions) Bounds() string {
	cl := o.Cluster
	var sb strings.Builder
	fmt.Fprintf(&sb, "--protocol multipaxos --servers %d --clients %d --window %d", cl.Servers, cl.Clients, cl.Window)
	leader := cl.Leader
	if leader == "" {
		leader = "none"
	}
	fmt.Fprintf(&sb, " --leader %s", leader)
	sb.WriteString(o.boundsTime())
	if cl.Bugs != 0 {
		fmt.Fprintf(&sb, " --bugs %s", cl.Bugs)
	}
	fmt.Fprintf(&sb, " --commands %d --max-round %d", max(o.Commands, 1), max(o.MaxRound, 1))
	if o.Ballots > 0 {
		fmt.Fprintf(&sb, " --ballots %d", o.Ballots)
	}
	fmt.Fprintf(&sb, " --crashes %d --dups %d --drops %d --retries %d",
		o.Crashes, o.Dups, o.Drops, o.Retries)
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

// The actions of the Multi-Paxos search, packed like the single-decree
// ones: kind in the top byte; a message id, a node id, or a client's
// index (0-based) below.
const (
	mpActRequest = iota + 1
	mpActTimeout
	mpActRetry
	mpActDeliver
	mpActDup
	mpActDrop
	mpActCrash
	mpActRestart
)

// mpHeader is the budget a schedule has used, packed in a uint64 (a byte
// each) and encoded in front of the canonical state.
type mpHeader uint64

func (h mpHeader) get(i int) int { return int(h >> (8 * uint(i)) & 0xff) }

func (h mpHeader) inc(i int) mpHeader { return h + 1<<(8*uint(i)) }

// Header fields.
const (
	hCrashes = iota
	hDups
	hDrops
	hRetries
	hBallots
)

type mpSearch struct {
	opt   MPEngineOptions
	cfg   *mp.Config
	quota []int // commands per client
	start *sim.MPSim
	canon sim.MPCanon

	msgEnc [][]byte
	msgBuf []byte
	live   []bool

	// sym are the client renamings of the symmetry reduction (mpsym.go);
	// the rest are symKey's buffers.
	sym     []mp.ClientRenaming
	sig     []byte
	sigBest []byte
	ties    []int

	// startBallots is 1 with a bootstrapped leader (its ballot 1.1).
	startBallots int

	res Result
}

// mpState is a state of the Multi-Paxos search: the simulation and the
// budget its schedule has used.
type mpState struct {
	s *sim.MPSim
	h mpHeader
}

// MultiPaxosEngine explores every state of the simulated Multi-Paxos
// cluster reachable within the bounds, breadth first, and returns the
// figures and, when an invariant breaks, a shortest counterexample as a
// paxviz script that paxviz run replays with exit status 0 (checked before
// it is returned). A budget running out is not an error but a Result with
// Truncated set.
func MultiPaxosEngine(ctx context.Context, opt MPEngineOptions) (*Result, error) {
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	startT := time.Now()
	e, err := newMPSearch(opt)
	if err != nil {
		return nil, err
	}
	e.res = Result{Search: "engine", Bounds: opt.Bounds()}
	peak, err := runEngineSearch[*mpState](ctx, e, &e.res, startT, opt.MaxStates, opt.MaxMemoryBytes, opt.Timeout, opt.Workers,
		func(path []exploreStep) error { return e.report(stepActs(path)) })
	if err != nil {
		return nil, err
	}
	e.res.finish(startT, peak)
	return &e.res, nil
}

// newMPSearch prepares the search of normalized options: the start state
// (after the prefix), the clients' quotas and the symmetries.
func newMPSearch(opt MPEngineOptions) (*mpSearch, error) {
	e := &mpSearch{opt: opt}
	e.start = sim.NewMP(opt.Cluster)
	e.cfg = e.start.Config()
	e.canon.Time = opt.timed()
	for i, line := range opt.Prefix {
		if err := e.start.Do(line); err != nil {
			return nil, fmt.Errorf("%w: prefix line %d: %v", ErrOptions, i+1, err)
		}
	}
	if p := e.start.PausedNodes(); len(p) > 0 {
		return nil, fmt.Errorf("%w: %s paused: the search does not model pauses (resume first)", ErrOptions, strings.Join(p, ", "))
	}
	if opt.Cluster.Leader != "" {
		e.startBallots = 1
	}
	e.quota = make([]int, opt.Cluster.Clients)
	for c := range e.quota {
		e.quota[c] = int(e.start.State().Client(e.cfg, e.cfg.Client(c+1)).Seq) // the prefix's requests
	}
	for i := range opt.Commands {
		e.quota[i%len(e.quota)]++
	}
	e.sym = e.symmetries()
	return e, nil
}

// The search as an exploreModel.

func (e *mpSearch) root() *mpState { return &mpState{s: e.start} }

// fork returns a search of the same bounds with buffers of its own, for
// a parallel worker (explore_par.go); it shares the start state, the
// configuration, the quotas and the renamings, and reads them only.
func (e *mpSearch) fork() exploreModel[*mpState] {
	return &mpSearch{opt: e.opt, cfg: e.cfg, quota: e.quota, start: e.start,
		canon: sim.MPCanon{Time: e.canon.Time}, sym: e.sym, startBallots: e.startBallots}
}

func (e *mpSearch) copyState(dst, src *mpState) *mpState {
	if dst == nil {
		dst = new(mpState)
	}
	// The explorer's states own their buffers (it never keeps a state
	// that another one it overwrites shares), so dst's are reused.
	dst.s, dst.h = src.s.CloneInto(dst.s), src.h
	return dst
}

func (e *mpSearch) violated(st *mpState) bool { return st.s.Violated(e.opt.Invariant) }

func (e *mpSearch) key(dst []byte, st *mpState) []byte {
	dst = binary.LittleEndian.AppendUint64(dst, uint64(st.h))
	dead := func(m *mp.Message) bool { return e.dead(st.s, st.h, m) }
	if len(e.sym) == 0 {
		return e.canon.Append(dst, st.s, dead)
	}
	return e.symKey(dst, st.s, dead)
}

func (e *mpSearch) apply(st *mpState, a uint32) error {
	if err := e.applySim(st.s, a); err != nil {
		return err
	}
	st.h = mpAfter(st.h, a)
	return nil
}

// mpAfter is the budget used after action a, used h before.
func mpAfter(h mpHeader, a uint32) mpHeader {
	kind, _ := unpackAct(a)
	switch kind {
	case mpActTimeout:
		return h.inc(hBallots)
	case mpActRetry:
		return h.inc(hRetries)
	case mpActDup:
		return h.inc(hDups)
	case mpActDrop:
		return h.inc(hDrops)
	case mpActCrash:
		return h.inc(hCrashes)
	case mpActTick:
		return h.inc(hTicks)
	case mpActClock:
		return h.inc(hClocks)
	case mpActPause:
		return h.inc(hPauses)
	}
	return h
}

// applySim performs packed action a on s.
func (e *mpSearch) applySim(s *sim.MPSim, a uint32) error {
	kind, arg := unpackAct(a)
	var err error
	switch kind {
	case mpActRequest:
		cid := e.cfg.Client(arg + 1)
		j := int(s.State().Client(e.cfg, cid).Seq) + 1
		err = s.Request(cid, e.workload(arg+1, j), e.workloadTo(arg+1, j))
	case mpActTimeout, mpActRetry:
		err = s.Act(sim.ActTimeout, mp.NodeID(arg))
	case mpActDeliver:
		err = s.DeliverID(arg)
	case mpActDup:
		err = s.DupID(arg)
	case mpActDrop:
		err = s.DropID(arg)
	case mpActCrash:
		err = s.Act(sim.ActCrash, mp.NodeID(arg))
	case mpActRestart:
		err = s.Act(sim.ActRestart, mp.NodeID(arg))
	default:
		var ok bool
		if ok, err = e.applyTime(s, kind, arg); !ok {
			err = fmt.Errorf("unknown action %#x", a)
		}
	}
	if err != nil {
		return fmt.Errorf("check: internal error: %s: %v", e.describe(s, a), err)
	}
	return nil
}

// actions calls visit with every action from state x, in the order
// MPEngineOptions describes.
func (e *mpSearch) actions(x *mpState, visit func(a uint32) (bool, error)) (bool, error) {
	s, h := x.s, x.h
	st := s.State()
	cfg := e.cfg
	if done, err := e.clientActions(s, h, visit); done || err != nil {
		return done, err
	}
	ballots := h.get(hBallots) + e.startBallots
	for srv := range cfg.Servers {
		sv := &st.Servers[srv]
		if sv.Up && int(sv.D.MaxRound)+1 <= e.opt.MaxRound && (e.opt.Ballots == 0 || ballots < e.opt.Ballots) {
			if done, err := visit(packAct(mpActTimeout, srv)); done || err != nil {
				return done, err
			}
		}
	}
	if h.get(hRetries) < e.opt.Retries {
		for c := range cfg.Clients {
			id := cfg.Client(c + 1)
			if !st.Client(cfg, id).Pending.IsZero() {
				if done, err := visit(packAct(mpActRetry, int(id))); done || err != nil {
					return done, err
				}
			}
		}
	}
	msgs := s.InFlight()
	e.msgBuf = e.msgBuf[:0]
	e.msgEnc = e.msgEnc[:0]
	e.live = e.live[:0]
	for i := range msgs {
		n := len(e.msgBuf)
		e.msgBuf = mp.AppendMessage(e.msgBuf, &msgs[i])
		e.msgEnc = append(e.msgEnc, e.msgBuf[n:len(e.msgBuf):len(e.msgBuf)])
		e.live = append(e.live, !e.dead(s, h, &msgs[i]))
	}
	for _, k := range []int{mpActDeliver, mpActDup, mpActDrop} {
		switch {
		case k == mpActDup && (h.get(hDups) >= e.opt.Dups || len(msgs) >= sim.MaxInFlight):
			continue
		case k == mpActDrop && h.get(hDrops) >= e.opt.Drops:
			continue
		}
	next:
		for i := range msgs {
			if !e.live[i] {
				continue // its delivery changes nothing
			}
			for j := range i {
				if string(e.msgEnc[j]) == string(e.msgEnc[i]) {
					continue next // an identical copy leads to the same state
				}
			}
			if done, err := visit(packAct(k, msgs[i].ID)); done || err != nil {
				return done, err
			}
		}
	}
	if h.get(hCrashes) < e.opt.Crashes {
		for srv := range cfg.Servers {
			if st.Servers[srv].Up {
				if done, err := visit(packAct(mpActCrash, srv)); done || err != nil {
					return done, err
				}
			}
		}
	}
	for srv := range cfg.Servers {
		if !st.Servers[srv].Up {
			if done, err := visit(packAct(mpActRestart, srv)); done || err != nil {
				return done, err
			}
		}
	}
	return e.timeActions(s, h, visit)
}

// describe renders action a on state s (before it runs) as a script line.
func (e *mpSearch) describe(s *sim.MPSim, a uint32) string {
	kind, arg := unpackAct(a)
	cfg := e.cfg
	msg := func(verb string) string {
		for _, m := range s.InFlight() {
			if m.ID == arg {
				m.ID = 0
				return fmt.Sprintf("%-40s # %s", verb+" "+s.MPSelector(arg), cfg.Describe(&m))
			}
		}
		return fmt.Sprintf("%s #%d", verb, arg)
	}
	switch kind {
	case mpActRequest:
		cid := cfg.Client(arg + 1)
		op := e.workload(arg+1, int(s.State().Client(cfg, cid).Seq)+1)
		line := fmt.Sprintf("%s %s %s", op.Op, cfg.Name(cid), strings.ReplaceAll(strings.TrimPrefix(op.OpString(), op.Op.String()+":"), ":", " "))
		if to := e.workloadTo(arg+1, int(s.State().Client(cfg, cid).Seq)+1); to != mp.None {
			line += " to=" + cfg.Name(to)
		}
		return line
	case mpActTimeout, mpActRetry:
		return "timeout " + cfg.Name(mp.NodeID(arg))
	case mpActDeliver:
		return msg("deliver")
	case mpActDup:
		return msg("dup")
	case mpActDrop:
		return msg("drop")
	case mpActCrash:
		return "crash " + cfg.Name(mp.NodeID(arg))
	case mpActRestart:
		return "restart " + cfg.Name(mp.NodeID(arg))
	}
	if d := e.describeTime(s, kind, arg); d != "" {
		return d
	}
	return fmt.Sprintf("# unknown action %#x", a)
}

// report ends the search with the counterexample reaching state id: it
// replays the path from the start, writes it as a script ending in expect
// violation NAME, and checks that paxviz run of the script exits 0.
func (e *mpSearch) report(path []uint32) error {
	s := e.start.Clone()
	v := &Violation{Steps: len(path)}
	cur := -1
	s.W.Trace = func(ev *sim.WEvent[mp.Message, sim.Narration]) {
		for _, n := range ev.Notes {
			if n.Key == "note.mp.bug" && cur >= 0 && (len(v.BugSteps) == 0 || v.BugSteps[len(v.BugSteps)-1] != cur) {
				v.BugSteps = append(v.BugSteps, cur)
			}
		}
	}
	var lines []string
	for i, a := range path {
		cur = i
		lines = append(lines, e.describe(s, a))
		if err := e.applySim(s, a); err != nil {
			return err
		}
	}
	s.W.Trace = nil
	vs := s.Checker().Violations()
	var viol *mp.Violation
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
	if v.Invariant == mp.InvAgreement && viol.Slot > 0 {
		fmt.Fprintf(&sb, "# slot %d chose %d commands\n", viol.Slot, len(s.Checker().Chosen(viol.Slot)))
	}
	fmt.Fprintf(&sb, "expect violation %s\n", v.Invariant)
	v.Script = sb.String()
	if err := verifyScript(v.Script); err != nil {
		return fmt.Errorf("check: internal error: the counterexample script does not replay: %v\n%s", err, v.Script)
	}
	e.res.Stop = StopViolation
	e.res.Violation = v
	return nil
}

// dead reports whether message m, in flight in state s whose schedule has
// used budget h, can change nothing if delivered, now or after any later
// step (so delivering it is a stutter step). Each rule holds because the
// state it reads only moves one way:
//
//   - accepted b s to L: L no longer leads b (a server never returns to a
//     ballot: a new one has a higher round, a restart forgets it), or L
//     already decided s or counted this sender while leading b;
//   - promise b to C: C no longer stands for b, or counted this sender;
//   - nack b to L: L is not in ballot b, and neither ballot in it raises
//     L's durable maxRound;
//   - reply to a client whose outstanding request is not that id (request
//     numbers only grow);
//   - commit s to an up server that knows s decided, when the schedule has
//     no crash left (only a crash makes a server forget a decision).
func (e *mpSearch) dead(s *sim.MPSim, h mpHeader, m *mp.Message) bool {
	if e.opt.NoReduction {
		return false
	}
	st := s.State()
	cfg := e.cfg
	if cfg.IsClient(m.To) {
		return m.Type == mp.MsgReply && st.Client(cfg, m.To).Pending.ID != m.Req
	}
	if !cfg.IsServer(m.To) {
		return false
	}
	sv := &st.Servers[m.To]
	v := &sv.V
	bit := uint16(1) << uint(m.From)
	switch m.Type {
	case mp.MsgAccepted:
		if v.Ballot != m.Ballot || v.Role == mp.RoleFollower || m.Ballot.Round > sv.D.MaxRound {
			return m.Ballot.Round <= sv.D.MaxRound
		}
		if !sv.Decided(m.Slot).IsZero() {
			return true
		}
		if m.Slot >= 1 && int(m.Slot) <= v.Props.Len() {
			return v.Props.At(int(m.Slot)-1).Acks&bit != 0
		}
	case mp.MsgPromise:
		if m.Ballot.Round > sv.D.MaxRound {
			return false
		}
		for _, x := range m.Votes {
			if x.B.Round > sv.D.MaxRound {
				return false
			}
		}
		return v.Ballot != m.Ballot || v.Role != mp.RoleCandidate || v.Promises&bit != 0
	case mp.MsgNack:
		return (v.Role == mp.RoleFollower || v.Ballot != m.Ballot) &&
			m.Ballot.Round <= sv.D.MaxRound && m.Promised.Round <= sv.D.MaxRound
	case mp.MsgCommit:
		return sv.Up && !sv.Decided(m.Slot).IsZero() && h.get(hCrashes) >= e.opt.Crashes
	}
	return false
}

// workload returns client c's j-th request (both 1-based) in the
// workload searched.
func (e *mpSearch) workload(c, j int) mp.Cmd {
	if e.opt.Workload == WorkloadStaleRead {
		return staleReadWorkload(c, j)
	}
	return MPWorkload(c, j)
}
