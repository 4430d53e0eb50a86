package check

import (
	"fmt"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/engine/sim"
)

// Time, leases and the lock service in the engine-level search
// (multipaxos.md §3.2, §3.3, §5): the actions that let time pass and the
// workloads of the lease and lock switches.
//
//   - `tick` (one tick; at most Ticks in one schedule): due heartbeat and
//     renew timers fire. A search that ticks raises the cluster's timeout
//     above Ticks, so that no election, step-down or client retry fires by
//     the clock (each stays a `timeout N` the search explores), and the
//     state then includes time, clocks and the heartbeat/renew deadlines
//     (sim.MPCanon.Time).
//   - `clock N rate=R` (at most Clocks): a server's or client's clock runs
//     at 100−drift or 100+drift percent of true time from then on.
//   - `pause C` (at most Pauses): a client pauses for good (no resume: a
//     paused client's mail and timers only wait).
//
// Workloads (MPEngineOptions.Workload):
//
//   - "" (kv): MPWorkload.
//   - "stale-read": client c1 reads x (get x, by the cluster's reads=
//     path), the others put x c, sent to s2 (the server to be elected
//     next; a client finds it by redirects otherwise, which only makes
//     the schedule longer); every later command is get x.
//   - "none": the clients issue nothing (the leader lease switches need
//     no command; the cluster still has one client, unused).
//   - "lock" (app=lock): each client in turn acquires f, writes its letter
//     (c1 A, c2 B, ...) to d1 under f — only while it believes it holds f
//     — and releases f, then again; Commands counts all three.

// The workloads.
const (
	WorkloadKV        = ""
	WorkloadStaleRead = "stale-read"
	WorkloadLock      = "lock"
	WorkloadNone      = "none"
)

// The actions that let time pass, and the lock workload's.
const (
	mpActTick = iota + 20
	mpActClock
	mpActPause
	mpActLock
)

// Header fields beyond hBallots.
const (
	hTicks = iota + hBallots + 1
	hClocks
	hPauses
)

// MaxTickBound bounds Ticks; MaxClocks bounds Clocks and Pauses.
const (
	MaxTickBound = 64
	MaxClocks    = 8
)

// timed reports whether the search lets time pass.
func (o *MPEngineOptions) timed() bool { return o.Ticks > 0 || o.Clocks > 0 || o.Pauses > 0 }

// normalizeTime checks the time and lock options and raises the cluster's
// timeout above the tick budget.
func (o *MPEngineOptions) normalizeTime() error {
	switch {
	case o.Ticks < 0 || o.Ticks > MaxTickBound:
		return fmt.Errorf("%w: ticks must be 0..%d, not %d", ErrOptions, MaxTickBound, o.Ticks)
	case o.Clocks < 0 || o.Clocks > MaxClocks:
		return fmt.Errorf("%w: clocks must be 0..%d, not %d", ErrOptions, MaxClocks, o.Clocks)
	case o.Pauses < 0 || o.Pauses > MaxClocks:
		return fmt.Errorf("%w: pauses must be 0..%d, not %d", ErrOptions, MaxClocks, o.Pauses)
	case o.Clocks > 0 && o.Cluster.Drift == 0:
		return fmt.Errorf("%w: clocks needs drift above 0 (every rate must be within it)", ErrOptions)
	case o.Workload != WorkloadKV && o.Workload != WorkloadStaleRead && o.Workload != WorkloadLock && o.Workload != WorkloadNone:
		return fmt.Errorf("%w: unknown workload %q (kv, stale-read, lock, none)", ErrOptions, o.Workload)
	case (o.Workload == WorkloadLock) != o.Cluster.Lock:
		return fmt.Errorf("%w: the lock workload goes with app=lock, and only it", ErrOptions)
	}
	if o.Ticks > 0 && o.Cluster.Timeout <= o.Ticks {
		o.Cluster.Timeout = o.Ticks + 1
	}
	return nil
}

// boundsTime renders the time and lock options as flags.
func (o *MPEngineOptions) boundsTime() string {
	cl := o.Cluster
	s := ""
	if cl.Lock {
		s += fmt.Sprintf(" --app lock --ttl %d", cl.TTL)
	}
	if cl.Lease > 0 {
		s += fmt.Sprintf(" --lease %d", cl.Lease)
	}
	if cl.Drift > 0 {
		s += fmt.Sprintf(" --drift %d", cl.Drift)
	}
	if cl.Reads != mp.ViaLog {
		s += " --reads " + cl.Reads.String()
	}
	if o.Workload != WorkloadKV && o.Workload != WorkloadLock {
		s += " --workload " + o.Workload
	}
	if o.timed() {
		s += fmt.Sprintf(" --heartbeat %d --ticks %d --clocks %d --pauses %d", cl.Heartbeat, o.Ticks, o.Clocks, o.Pauses)
	}
	return s
}

// workloadTo is where client c sends its j-th request: its hint (None),
// but in the stale-read workload the writers' first put goes to s2, the
// server that is to be elected next (`put c2 x 2 to=s2`).
func (e *mpSearch) workloadTo(c, j int) mp.NodeID {
	if e.opt.Workload == WorkloadStaleRead && c > 1 && j == 1 && e.cfg.Servers > 1 {
		return e.cfg.Server(2)
	}
	return mp.None
}

// staleReadWorkload is the stale-read workload's j-th command of client c.
func staleReadWorkload(c, j int) mp.Cmd {
	if c == 1 || j > 1 {
		return mp.Cmd{Op: mp.OpGet, Key: "x"}
	}
	return mp.Cmd{Op: mp.OpPut, Key: "x", Val: fmt.Sprint(c)}
}

// lockStep is what the lock workload asks of a client that has done ops
// of its commands: acquire, write, release, in turn.
func lockStep(ops int32) mp.Op {
	return [...]mp.Op{mp.OpAcquire, mp.OpPut, mp.OpRelease}[ops%3]
}

// lockValue is client c's value for its writes (c1 A, c2 B, ...).
func lockValue(c int) string { return string(rune('A' + c - 1)) }

// clientActions visits the workload's client actions.
func (e *mpSearch) clientActions(s *sim.MPSim, h mpHeader, visit func(a uint32) (bool, error)) (bool, error) {
	st := s.State()
	cfg := e.cfg
	if e.opt.Workload == WorkloadNone {
		return false, nil
	}
	for c := range cfg.Clients {
		id := cfg.Client(c + 1)
		cl := st.Client(cfg, id)
		if e.opt.Workload != WorkloadLock {
			if !cl.Pending.IsZero() || int(cl.Seq) >= e.quota[c] || s.Paused(id) {
				continue
			}
			if done, err := visit(packAct(mpActRequest, c)); done || err != nil {
				return done, err
			}
			continue
		}
		lc := &st.Lock.Clients[c]
		if int(lc.Ops) >= e.quota[c] || s.Paused(id) {
			continue
		}
		switch lockStep(lc.Ops) {
		case mp.OpPut:
			b := st.Lock.Belief(c+1, "f")
			if b.Token == 0 || s.W.Clock(int(id)) >= b.Until {
				continue
			}
		case mp.OpRelease:
			if !cl.Pending.IsZero() || st.Lock.Belief(c+1, "f").Token == 0 {
				continue
			}
		default:
			if !cl.Pending.IsZero() {
				continue
			}
		}
		if done, err := visit(packAct(mpActLock, c)); done || err != nil {
			return done, err
		}
	}
	return false, nil
}

// timeActions visits tick, clock and pause actions within the budget.
func (e *mpSearch) timeActions(s *sim.MPSim, h mpHeader, visit func(a uint32) (bool, error)) (bool, error) {
	cfg := e.cfg
	if h.get(hTicks) < e.opt.Ticks {
		if done, err := visit(packAct(mpActTick, 0)); done || err != nil {
			return done, err
		}
	}
	if h.get(hClocks) < e.opt.Clocks {
		for id := range cfg.Servers + cfg.Clients {
			for k, rate := range []int{100 - cfg.Drift, 100 + cfg.Drift} {
				if s.Rate(mp.NodeID(id)) == rate {
					continue
				}
				if done, err := visit(packAct(mpActClock, id*2+k)); done || err != nil {
					return done, err
				}
			}
		}
	}
	if h.get(hPauses) < e.opt.Pauses {
		for c := range cfg.Clients {
			id := cfg.Client(c + 1)
			if !s.Paused(id) {
				if done, err := visit(packAct(mpActPause, int(id))); done || err != nil {
					return done, err
				}
			}
		}
	}
	return false, nil
}

// applyTime performs a time or lock action; ok is false for another kind.
func (e *mpSearch) applyTime(s *sim.MPSim, kind, arg int) (ok bool, err error) {
	cfg := e.cfg
	switch kind {
	case mpActTick:
		return true, s.Tick()
	case mpActClock:
		return true, s.SetRate(mp.NodeID(arg/2), []int{100 - cfg.Drift, 100 + cfg.Drift}[arg%2])
	case mpActPause:
		return true, s.Pause(mp.NodeID(arg))
	case mpActLock:
		id := cfg.Client(arg + 1)
		switch op := lockStep(s.State().Lock.Clients[arg].Ops); op {
		case mp.OpPut:
			return true, s.Write(id, "f", lockValue(arg+1))
		default:
			return true, s.LockRequest(id, op, "f")
		}
	}
	return false, nil
}

// describeTime renders a time or lock action as a script line ("" for
// another kind).
func (e *mpSearch) describeTime(s *sim.MPSim, kind, arg int) string {
	cfg := e.cfg
	switch kind {
	case mpActTick:
		return "tick"
	case mpActClock:
		return fmt.Sprintf("clock %s rate=%d", cfg.Name(mp.NodeID(arg/2)), []int{100 - cfg.Drift, 100 + cfg.Drift}[arg%2])
	case mpActPause:
		return "pause " + cfg.Name(mp.NodeID(arg))
	case mpActLock:
		name := cfg.Name(cfg.Client(arg + 1))
		switch op := lockStep(s.State().Lock.Clients[arg].Ops); op {
		case mp.OpPut:
			return "write " + name + " f " + lockValue(arg+1)
		default:
			return op.String() + " " + name + " f"
		}
	}
	return ""
}
