package check

import (
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"time"
)

func mustSMR(t *testing.T, opt SMROptions) *SMRResult {
	t.Helper()
	res, err := MultiPaxosSMR(context.Background(), opt)
	if err != nil {
		t.Fatalf("%s: %v", opt.Bounds(), err)
	}
	return res
}

// smrSmall is MultiPaxos_MC_small.cfg: Replicas = {s1, s2, s3}, Writes =
// {w1}, Reads = {r1}, ConstMaxBallot = 2.
var smrSmall = SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2}

// TestSMRTLCCounts: the search reproduces TLC's figures for the small
// model exactly (tlaplus/Examples manifest.json: distinctStates 343796,
// totalStates 736012, stateDepth 28; multipaxos.md §6).
func TestSMRTLCCounts(t *testing.T) {
	res := mustSMR(t, smrSmall)
	if res.Stop != StopComplete || res.Violation != nil {
		t.Fatalf("stop %s, violation %+v", res.Stop, res.Violation)
	}
	if res.DistinctStates != 343796 || res.TotalStates != 736012 || res.Transitions != 736012 || res.Depth != 28 {
		t.Errorf("%d distinct, %d generated, depth %d; TLC: 343,796, 736,012, 28", res.DistinctStates, res.TotalStates, res.Depth)
	}
}

// TestSMRTLCCountsNoSymmetry: the same model with its SYMMETRY line
// removed, as TLC reports it (multipaxos.md §6, row 2). Six times the
// states of the symmetric search, less the states that some replica
// permutation maps to themselves.
func TestSMRTLCCountsNoSymmetry(t *testing.T) {
	if testing.Short() {
		t.Skip("2 million states: skipped with -short")
	}
	opt := smrSmall
	opt.NoSymmetry = true
	res := mustSMR(t, opt)
	if res.Stop != StopComplete || res.Violation != nil {
		t.Fatalf("stop %s, violation %+v", res.Stop, res.Violation)
	}
	if res.DistinctStates != 2062561 || res.TotalStates != 4415485 || res.Depth != 28 {
		t.Errorf("%d distinct, %d generated, depth %d; TLC: 2,062,561, 4,415,485, 28", res.DistinctStates, res.TotalStates, res.Depth)
	}
}

// TestSMRSeedBugs: the spec's README's two ways to fail the check, with
// the lengths TLC's BFS reports (multipaxos.md §6): committing on
// MajorityNum - 1 AcceptReplies breaks Linearizability in an 11-state
// trace (10 steps); sending no AcceptReply deadlocks in a 10-state trace.
func TestSMRSeedBugs(t *testing.T) {
	for _, c := range []struct {
		bug, inv string
		steps    int
		last     string
	}{
		{"majority-minus-one", "Linearizability", 10, "HandleAcceptReplies("},
		{"no-accept-reply", "deadlock", 9, "HandleAccept("},
	} {
		opt := smrSmall
		opt.SeedBug = c.bug
		res := mustSMR(t, opt)
		v := res.Violation
		if v == nil || v.Invariant != c.inv || v.Steps != c.steps || res.Depth != c.steps+1 || res.Stop != StopViolation {
			t.Errorf("%s: stop %s, violation %+v; want %s in %d steps", c.bug, res.Stop, v, c.inv, c.steps)
			continue
		}
		acts := smrTraceActions(v.Script)
		if len(acts) != c.steps || !strings.HasPrefix(acts[len(acts)-1], c.last) {
			t.Errorf("%s: trace of %d actions, last %q:\n%s", c.bug, len(acts), acts[len(acts)-1], v.Script)
		}
		if !strings.Contains(v.Script, "\nInit\n") || !strings.Contains(v.Script, c.bug) {
			t.Errorf("%s: the trace does not start at Init or name its bounds:\n%s", c.bug, v.Script)
		}
	}
}

// smrTraceActions returns the action lines of a trace.
func smrTraceActions(script string) []string {
	var acts []string
	for _, l := range strings.Split(script, "\n") {
		if l != "" && l != "Init" && !strings.HasPrefix(strings.TrimSpace(l), "\\*") {
			acts = append(acts, l)
		}
	}
	return acts
}

// TestSMRMaxBallot3Replay: the spec's own bug, step by step: each action
// of the recorded trace is enabled, every state before the last satisfies
// TypeOK and Linearizability, and the last breaks Linearizability. (The
// search that finds the trace is TestSMRMaxBallot3; this replay is fast
// enough for every run.)
func TestSMRMaxBallot3Replay(t *testing.T) {
	v, err := MultiPaxosSMRSpecBug()
	if err != nil {
		t.Fatal(err)
	}
	if v.Invariant != "Linearizability" || v.Steps != 19 || len(smrTraceActions(v.Script)) != 19 {
		t.Fatalf("%+v", v)
	}
	opt := SMRSpecBugOptions
	if err := opt.normalize(); err != nil {
		t.Fatal(err)
	}
	m := newSMRModel(opt)
	states, err := m.replay(opt, smrSpecBugTrace)
	if err != nil {
		t.Fatal(err)
	}
	// Slot 1 of s1 holds w1, rewritten, with its vote for r1 and r1's
	// effect (kvalue "nil").
	st := &states[len(states)-1]
	if in := st.node[0].insts[0]; in.status != smrCommitted || in.cmd != 1 || m.voteCmd(in.vote) != 1 || st.node[0].kvalue != 0 {
		t.Errorf("s1: %s", m.nodeText(st, 0))
	}
	// With MaxBallot = 2 the third ballot does not exist.
	small := smrSmall
	if err := small.normalize(); err != nil {
		t.Fatal(err)
	}
	if _, err := newSMRModel(small).replay(small, smrSpecBugTrace); err == nil || !strings.Contains(err.Error(), "step 14, BecomeLeader(s1)") {
		t.Errorf("replay with MaxBallot = 2: %v", err)
	}
}

// TestSMRMaxBallot3: with one more ballot the spec breaks its own
// Linearizability invariant; the breadth-first search finds a shortest
// trace, of 19 steps (a 20-state trace in TLC's terms): the one
// MultiPaxosSMRSpecBug replays.
func TestSMRMaxBallot3(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("about 5 million states: skipped with -short and -race")
	}
	res := mustSMR(t, SMRSpecBugOptions)
	v := res.Violation
	if v == nil || v.Invariant != "Linearizability" || v.Steps != len(smrSpecBugTrace) || res.Depth != len(smrSpecBugTrace)+1 {
		t.Fatalf("stop %s, depth %d, violation %+v; want Linearizability in %d steps", res.Stop, res.Depth, v, len(smrSpecBugTrace))
	}
	want, err := MultiPaxosSMRSpecBug()
	if err != nil || want.Script != v.Script {
		t.Errorf("the search's trace is not the recorded one (%v):\n%s", err, v.Script)
	}
	acts := smrTraceActions(v.Script)
	for _, want := range []string{"HandleCommitNotice(", "BecomeLeader(", "HandlePrepareReplies("} {
		if !strings.Contains(strings.Join(acts, "\n"), want) {
			t.Errorf("the trace has no %s...:\n%s", want, v.Script)
		}
	}
	if !strings.Contains(v.Detail, `Ack(r1, "nil")`) {
		t.Errorf("detail %q", v.Detail)
	}
}

// TestSMRChecksCatch: each check fails on a state that breaks it, built by
// hand, so a clean search means something; a linearizable history passes.
func TestSMRChecksCatch(t *testing.T) {
	opt := smrSmall
	if err := opt.normalize(); err != nil {
		t.Fatal(err)
	}
	m := newSMRModel(opt)
	var st smrState
	m.initState(&st)
	if bad, why := m.check(&st); bad != "" {
		t.Fatalf("the initial state breaks %s: %s", bad, why)
	}
	req := func(c int) uint8 { return uint8(1 + c) }
	ack := func(c, v int) uint8 { return uint8(m.ackCode(c, v)) }
	terminated := func(events ...uint8) *smrState {
		s := st
		s.nPend = 0
		s.nObs = uint8(copy(s.obs[:], events))
		return &s
	}
	// w1 then r1, r1 reads w1: linearizable.
	if bad, why := m.check(terminated(req(0), ack(0, 0), req(1), ack(1, 1))); bad != "" {
		t.Errorf("a linearizable history breaks %s: %s", bad, why)
	}
	// Overlapping: r1 may read nil or w1.
	if bad, _ := m.check(terminated(req(0), req(1), ack(1, 0), ack(0, 0))); bad != "" {
		t.Errorf("concurrent read of nil: %s", bad)
	}
	// r1 requested after w1's Ack reads nil: not linearizable.
	if bad, _ := m.check(terminated(req(0), ack(0, 0), req(1), ack(1, 0))); bad != "Linearizability" {
		t.Errorf("a stale read: %q, want Linearizability", bad)
	}
	// w1 returns a value no write wrote before it.
	if bad, _ := m.check(terminated(req(0), ack(0, 1), req(1), ack(1, 1))); bad != "Linearizability" {
		t.Errorf("a write returning itself: %q", bad)
	}
	// Not terminated (pending not empty): Linearizability holds vacuously.
	s := terminated(req(0), ack(0, 0), req(1), ack(1, 0))
	s.nPend = 1
	if bad, _ := m.check(s); bad != "" {
		t.Errorf("not terminated, yet %s", bad)
	}
	// TypeOK: an Accept with cmd "nil"; an Ack for "nil"; more Acks than
	// Reqs; more than 2 * NumCommands events.
	s = terminated()
	s.nPend = 1
	s.accept[2][1] = 1
	if bad, _ := m.check(s); bad != "TypeOK" {
		t.Errorf("an Accept of \"nil\": %q", bad)
	}
	if bad, _ := m.check(terminated(req(0), ack(m.nC, 0))); bad != "TypeOK" {
		t.Errorf("an Ack of \"nil\": %q", bad)
	}
	if bad, _ := m.check(terminated(req(0), ack(0, 0), ack(1, 0))); bad != "TypeOK" {
		t.Errorf("an Ack without a Req: %q", bad)
	}
	if bad, _ := m.check(terminated(req(0), ack(0, 0), ack(0, 1), req(1), ack(1, 0))); bad != "TypeOK" {
		t.Errorf("five events for two commands: %q", bad)
	}
}

// TestSMRCanonical: the canonical form does not depend on replica names
// (or, with two writes, on write names), and decoding it gives it back.
func TestSMRCanonical(t *testing.T) {
	opt := SMROptions{Replicas: 3, Writes: 2, Reads: 1, MaxBallot: 3}
	if err := opt.normalize(); err != nil {
		t.Fatal(err)
	}
	m := newSMRModel(opt)
	if len(m.rperms) != 6 || len(m.cmaps) != 2 {
		t.Fatalf("%d replica and %d command permutations, want 6 and 2", len(m.rperms), len(m.cmaps))
	}
	// Walk a few thousand states breadth first; for each, rename the
	// replicas and swap the writes: same canonical form.
	c1, c2 := newSMRCanon(m), newSMRCanon(m)
	var st smrState
	m.initState(&st)
	queue := []smrState{st}
	for n := 0; n < 3000 && len(queue) > 0; n++ {
		s := queue[0]
		queue = queue[1:]
		key := append([]uint64(nil), c1.canon(&s, -1, smrDeltaAll)...)
		var d smrState
		m.decode(key, &d)
		if !equalWords(c2.canon(&d, -1, smrDeltaAll), key) {
			t.Fatalf("decode(canon(s)) has another canonical form")
		}
		p := smrRename(m, &s, [MaxSMRReplicas]uint8{2, 0, 1}, &m.cmaps[1])
		if !equalWords(c2.canon(&p, -1, smrDeltaAll), key) {
			t.Fatalf("a renamed state has another canonical form:\n%s\n%s", m.nodeText(&s, 0), m.nodeText(&p, 2))
		}
		e := &smrSearch{opt: opt, m: m}
		e.sink = func(x *smrState, _ smrAct) bool {
			if len(queue) < 3000 {
				queue = append(queue, *x)
			}
			return false
		}
		e.expand(&s)
	}
	// The symmetric search's states are fewer.
	if n := len(m.rperms) * len(m.cmaps); n != 12 {
		t.Errorf("group of %d", n)
	}
}

// smrRename applies a replica permutation p (r becomes p[r]) and a command
// renaming to a state.
func smrRename(m *smrModel, st *smrState, p [MaxSMRReplicas]uint8, cm *smrCmdMap) smrState {
	var q smrState
	q = *st
	for r := 0; r < m.nR; r++ {
		n := st.node[r]
		if n.leader != 0 {
			n.leader = p[n.leader-1] + 1
		}
		n.kvalue = cm.kv[n.kvalue]
		for s := 0; s < m.nC; s++ {
			n.insts[s].cmd = cm.icmd[n.insts[s].cmd]
			n.insts[s].vote = cm.vote[n.insts[s].vote]
		}
		q.node[p[r]] = n
		q.prHas[p[r]] = st.prHas[r]
		q.ar[p[r]] = st.ar[r]
		for b := 1; b <= m.nB; b++ {
			for s := 0; s < m.nC; s++ {
				q.prVote[p[r]][b][s] = cm.vote[st.prVote[r][b][s]]
			}
		}
	}
	for b := 1; b <= m.nB; b++ {
		if x := st.prep[b]; x != 0 {
			q.prep[b] = p[x-1] + 1
		}
		for s := 0; s < m.nC; s++ {
			q.accept[b][s] = cm.acc[st.accept[b][s]]
		}
	}
	for i := 0; i < int(st.nPend); i++ {
		q.pending[i] = cm.cmd[st.pending[i]]
	}
	for i := 0; i < int(st.nObs); i++ {
		q.obs[i] = cm.obs[st.obs[i]]
	}
	return q
}

// TestSMROptions: bad constants are errors that name what is wrong.
func TestSMROptions(t *testing.T) {
	for _, c := range []struct {
		opt  SMROptions
		want string
	}{
		{SMROptions{Replicas: 0, Writes: 1, Reads: 1, MaxBallot: 2}, "replicas must be"},
		{SMROptions{Replicas: 9, Writes: 1, Reads: 1, MaxBallot: 2}, "replicas must be"},
		{SMROptions{Replicas: 3, Writes: 0, Reads: 1, MaxBallot: 2}, "writes must be"},
		{SMROptions{Replicas: 3, Writes: 1, Reads: -1, MaxBallot: 2}, "reads must be"},
		{SMROptions{Replicas: 3, Writes: 4, Reads: 4, MaxBallot: 2}, "writes + reads"},
		{SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 1}, "MaxBallot >= 2"},
		{SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 9}, "max-ballot must be"},
		{SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, SeedBug: "nope"}, `unknown seed bug "nope"`},
		{SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, MaxStates: -1}, "max-states"},
		{SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 2, MaxMemoryBytes: -1}, "max-memory"},
	} {
		_, err := MultiPaxosSMR(context.Background(), c.opt)
		if !errors.Is(err, ErrOptions) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.opt, err, c.want)
		}
	}
}

// TestSMRBudgets: the state, memory and time budgets and cancellation stop
// the search early, and say so.
func TestSMRBudgets(t *testing.T) {
	opt := smrSmall
	opt.MaxStates = 1000
	res := mustSMR(t, opt)
	if res.Stop != StopMaxStates || !res.Truncated || res.DistinctStates != 1000 {
		t.Errorf("max-states: stop %s, %d states", res.Stop, res.DistinctStates)
	}
	opt = smrSmall
	opt.MaxMemoryBytes = 4 << 20
	res = mustSMR(t, opt)
	if res.Stop != StopMaxMemory || !res.Truncated || res.MemoryBytes > opt.MaxMemoryBytes {
		t.Errorf("max-memory: stop %s, %d bytes", res.Stop, res.MemoryBytes)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, err := MultiPaxosSMR(ctx, smrSmall)
	if err != nil || r.Stop != StopCanceled || !r.Truncated {
		t.Errorf("canceled: %v, %+v", err, r)
	}
	opt = smrSmall
	opt.Timeout = time.Nanosecond
	res = mustSMR(t, opt)
	if res.Stop != StopTimeout {
		t.Errorf("timeout: stop %s", res.Stop)
	}
}

// TestSMRSmallerModels pins the counts of two smaller models. One replica
// and one write can be counted by hand: Init; BecomeLeader with ballot 1
// or 2; HandlePrepareReplies; TakeNewRequest; HandleAcceptReplies; the
// replica's exit to "Done": 11 states, depth 6, and 13 generated (the two
// Terminating stutters). The two-replica figures guard the port against
// changes.
func TestSMRSmallerModels(t *testing.T) {
	for _, c := range []struct {
		opt             SMROptions
		distinct, total int
		depth           int
	}{
		{SMROptions{Replicas: 1, Writes: 1, Reads: 0, MaxBallot: 2}, 11, 13, 6},
		{SMROptions{Replicas: 2, Writes: 1, Reads: 1, MaxBallot: 2}, 582, 955, 20},
	} {
		res := mustSMR(t, c.opt)
		if res.Stop != StopComplete || res.Violation != nil {
			t.Errorf("%s: stop %s, violation %+v", c.opt.Bounds(), res.Stop, res.Violation)
		}
		if res.DistinctStates != c.distinct || res.TotalStates != int64(c.total) || res.Depth != c.depth {
			t.Errorf("%s: %d, %d, depth %d; want %d, %d, %d", c.opt.Bounds(), res.DistinctStates, res.TotalStates, res.Depth, c.distinct, c.total, c.depth)
		}
	}
}

// TestSMRIncrementalCanon: the search computes a successor's canonical
// form from the state expanded's chunks and global words, redoing only what
// the action changed; that gives the same form as computing it from
// scratch (with two writes, so both replica and write permutations).
func TestSMRIncrementalCanon(t *testing.T) {
	opt := SMROptions{Replicas: 3, Writes: 2, Reads: 1, MaxBallot: 2}
	if err := opt.normalize(); err != nil {
		t.Fatal(err)
	}
	m := newSMRModel(opt)
	for _, p := range [][MaxSMRReplicas]uint8{m.rperms[0], m.rinv[0]} {
		if p != [MaxSMRReplicas]uint8{0, 1, 2} {
			t.Fatalf("the first replica permutation is %v, not the identity", p)
		}
	}
	if m.cmaps[0].cmd != [MaxSMRCommands]uint8{0, 1, 2} {
		t.Fatalf("the first command permutation is %v, not the identity", m.cmaps[0].cmd)
	}
	inc, full := newSMRCanon(m), newSMRCanon(m)
	var st smrState
	m.initState(&st)
	queue := []smrState{st}
	for n := 0; n < 5000 && len(queue) > 0; n++ {
		packed := append([]uint64(nil), full.canon(&queue[0], -1, smrDeltaAll)...)
		queue = queue[1:]
		var d smrState
		m.decode(packed, &d)
		inc.setParent(&d, packed)
		e := &smrSearch{opt: opt, m: m}
		e.sink = func(x *smrState, a smrAct) bool {
			got := append([]uint64(nil), inc.canon(x, a.r, smrDelta(a.kind))...)
			if want := full.canon(x, -1, smrDeltaAll); !equalWords(got, want) {
				t.Fatalf("after %s: %x, from scratch %x", m.actText(&d, a), got, want)
			}
			if len(queue) < 5000 {
				queue = append(queue, *x)
			}
			return false
		}
		e.expand(&d)
	}
}

// TestSMRSymmetryExact: the symmetric search reaches exactly one state per
// orbit of the states the search without symmetry reaches: the canonical
// forms of the latter are the former's states, no more, no fewer. Each kind
// of permutation of the MC config's SymmetricPerms is at work in one of the
// models. (Write and read permutations merge no reachable states here:
// InitPending's order puts w1 before w2 and r1 before r2 in every log.)
func TestSMRSymmetryExact(t *testing.T) {
	for _, opt := range []SMROptions{
		{Replicas: 2, Writes: 2, Reads: 1, MaxBallot: 2},
		{Replicas: 2, Writes: 1, Reads: 2, MaxBallot: 2},
		{Replicas: 3, Writes: 1, Reads: 0, MaxBallot: 2},
	} {
		sym, err := newSMRSearch(context.Background(), opt, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		sym.run()
		opt.NoSymmetry = true
		all, err := newSMRSearch(context.Background(), opt, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		all.run()
		if sym.err != nil || all.err != nil || sym.res.Stop != StopComplete || all.res.Stop != StopComplete {
			t.Fatalf("%s: %v %v %s %s", opt.Bounds(), sym.err, all.err, sym.res.Stop, all.res.Stop)
		}
		// The group, enumerated here rather than by the search's model.
		var rperms [][MaxSMRReplicas]uint8
		var cmaps []smrCmdMap
		for _, p := range testPerms(opt.Replicas) {
			var a [MaxSMRReplicas]uint8
			copy(a[:], p)
			rperms = append(rperms, a)
		}
		for _, w := range testPerms(opt.Writes) {
			for _, q := range testPerms(opt.Reads) {
				var cm smrCmdMap
				copy(cm.cmd[:], w)
				for i, x := range q {
					cm.cmd[opt.Writes+i] = uint8(opt.Writes) + x
				}
				sym.m.fillCmdMap(&cm)
				cmaps = append(cmaps, cm)
			}
		}
		seen := make(map[string]bool, sym.t.n)
		for i := 0; i < sym.t.n; i++ {
			seen[smrKey(sym.t.state(i))] = false
		}
		var st smrState
		for i := 0; i < all.t.n; i++ {
			sym.m.decode(all.t.state(i), &st)
			key := smrKey(sym.canon.canon(&st, -1, smrDeltaAll))
			// Exact: every renaming of the state has the same form.
			for _, p := range rperms {
				for ci := range cmaps {
					q := smrRename(sym.m, &st, p, &cmaps[ci])
					if k := smrKey(sym.canon.canon(&q, -1, smrDeltaAll)); k != key {
						t.Fatalf("%s: two states of one orbit have different forms", opt.Bounds())
					}
				}
			}
			if _, ok := seen[key]; !ok {
				t.Fatalf("%s: a state's orbit is missing from the symmetric search", opt.Bounds())
			}
			seen[key] = true
		}
		for _, hit := range seen {
			if !hit {
				t.Fatalf("%s: the symmetric search has a state no state of the full search maps to", opt.Bounds())
			}
		}
		if all.res.DistinctStates <= sym.res.DistinctStates || sym.res.Depth != all.res.Depth {
			t.Errorf("%s: %d states with symmetry, %d without; depth %d, %d", opt.Bounds(), sym.res.DistinctStates, all.res.DistinctStates, sym.res.Depth, all.res.Depth)
		}
	}
}

func smrKey(words []uint64) string {
	b := make([]byte, 0, 8*len(words))
	for _, w := range words {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	return string(b)
}

// testPerms returns every permutation of 0..n-1.
func testPerms(n int) [][]uint8 {
	if n == 0 {
		return [][]uint8{{}}
	}
	var out [][]uint8
	for _, p := range testPerms(n - 1) {
		for i := 0; i <= len(p); i++ {
			q := append(append(append([]uint8{}, p[:i]...), uint8(n-1)), p[i:]...)
			out = append(out, q)
		}
	}
	return out
}
