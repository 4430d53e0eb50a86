package check

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"strings"
	"time"
)

// SMROptions are the constants of a search of Guanzhou Hu's MultiPaxos-SMR
// spec (tlaplus/Examples, specifications/MultiPaxos-SMR: MultiPaxos.tla
// checked through MultiPaxos_MC.tla): Replicas = {s1..sN}, Writes =
// {w1..wW}, Reads = {r1..rR}, MaxBallot (ballots 1..MaxBallot), with the
// MC config's SYMMETRY SymmetricPerms unless NoSymmetry is set.
type SMROptions struct {
	Replicas  int
	Writes    int
	Reads     int
	MaxBallot int
	// NoSymmetry checks the model as the MC config would with its SYMMETRY
	// line removed.
	NoSymmetry bool
	// SeedBug, when set, is one of SMRSeedBugs: the spec's README's two
	// ways to make the check fail.
	SeedBug string
	// MaxStates bounds the distinct states (0: no bound but memory);
	// MaxMemoryBytes bounds the search's structures (0:
	// DefaultMaxMemoryBytes); Timeout the wall-clock time (0: only the
	// context's).
	MaxStates      int
	MaxMemoryBytes int64
	Timeout        time.Duration
}

// Limits of the MultiPaxos-SMR search: the state must fit its packed
// layout, and the replica permutations are enumerated.
const (
	MaxSMRReplicas = 5
	MaxSMRCommands = 6 // writes + reads (= slots)
	MaxSMRBallot   = 5
)

// SMRSeedBugs are the deviations from the spec that its README suggests
// to see the check fail: HandleAcceptReplies commits on MajorityNum - 1
// AcceptReplies (Linearizability breaks), and HandleAccept sends no
// AcceptReply (a deadlock).
var SMRSeedBugs = []string{"majority-minus-one", "no-accept-reply"}

// SMRInvariants names what the search checks: MultiPaxos_MC's INVARIANTS,
// and deadlock freedom (CHECK_DEADLOCK TRUE), in report order.
var SMRInvariants = []string{"TypeOK", "Linearizability", "deadlock"}

func (o *SMROptions) normalize() error {
	switch {
	case o.Replicas < 1 || o.Replicas > MaxSMRReplicas:
		return fmt.Errorf("%w: replicas must be 1..%d, not %d", ErrOptions, MaxSMRReplicas, o.Replicas)
	case o.Writes < 1 || o.Writes > MaxSMRCommands:
		return fmt.Errorf("%w: writes must be 1..%d, not %d", ErrOptions, MaxSMRCommands, o.Writes)
	case o.Reads < 0 || o.Reads > MaxSMRCommands:
		return fmt.Errorf("%w: reads must be 0..%d, not %d", ErrOptions, MaxSMRCommands, o.Reads)
	case o.Writes+o.Reads > MaxSMRCommands:
		return fmt.Errorf("%w: writes + reads must be at most %d, not %d", ErrOptions, MaxSMRCommands, o.Writes+o.Reads)
	case o.MaxBallot < 2 || o.MaxBallot > MaxSMRBallot:
		// MultiPaxos.tla: ASSUME MaxBallot >= 2.
		return fmt.Errorf("%w: max-ballot must be 2..%d (the spec assumes MaxBallot >= 2), not %d", ErrOptions, MaxSMRBallot, o.MaxBallot)
	case o.MaxStates < 0:
		return fmt.Errorf("%w: max-states must not be negative", ErrOptions)
	case o.MaxMemoryBytes < 0:
		return fmt.Errorf("%w: max-memory must not be negative", ErrOptions)
	case o.Timeout < 0:
		return fmt.Errorf("%w: timeout must not be negative", ErrOptions)
	}
	if o.SeedBug != "" && o.SeedBug != SMRSeedBugs[0] && o.SeedBug != SMRSeedBugs[1] {
		return fmt.Errorf("%w: unknown seed bug %q (known: %s)", ErrOptions, o.SeedBug, strings.Join(SMRSeedBugs, ", "))
	}
	if o.MaxMemoryBytes == 0 {
		o.MaxMemoryBytes = DefaultMaxMemoryBytes
	}
	return nil
}

// Bounds renders the options in the flag form of paxviz check spec.
func (o *SMROptions) Bounds() string {
	s := fmt.Sprintf("--model multipaxos-smr --replicas %d --writes %d --reads %d --max-ballot %d", o.Replicas, o.Writes, o.Reads, o.MaxBallot)
	if o.NoSymmetry {
		s += " --no-symmetry"
	}
	if o.SeedBug != "" {
		s += " --seed-bug " + o.SeedBug
	}
	return s
}

// SMRResult is the outcome of a MultiPaxos-SMR search: Result, with
// TotalStates repeating Result.Transitions under TLC's name (the Examples
// CI's totalStates, TLC's "states generated").
type SMRResult struct {
	Result
	Model       string `json:"model"`
	TotalStates int64  `json:"total_states"`
}

// Instance statuses (InstStates' status).
const (
	smrEmpty = iota
	smrPreparing
	smrAccepting
	smrCommitted
)

// smrInst is one slot of a node: status, cmd (0 "nil", c+1 command c) and
// the vote as a code: 0 for [bal |-> 0, cmd |-> "nil"], else
// 1 + (bal-1)·C + c. (A vote always names a command: Accept messages with
// cmd "nil" break TypeOK, and the search stops there.)
type smrInst struct{ status, cmd, vote uint8 }

// smrNode is node[r] and pc[r] (done: pc = "Done"). leader is 0 for "none"
// or r+1; kvalue 0 for "nil" or w+1.
type smrNode struct {
	leader, kvalue, commitUpTo, balPrepared, balMaxKnown uint8
	done                                                 bool
	insts                                                [MaxSMRCommands]smrInst
}

// smrState is one state of the spec. The message set msgs is kept by
// kind, using what the spec guarantees of it (checked as messages are
// added: a violation of these facts ends the search with an error):
//   - one Prepare per ballot (BecomeLeader's uniqueness clause): prep[b]
//     is its src+1;
//   - one PrepareReply per (src, bal), since balMaxKnown grows strictly
//     at each: prHas[r] bit b, votes in prVote[r][b];
//   - one Accept per (bal, slot), sent by the Prepare's src of bal:
//     accept[b][s] is 0 (none), 1 (cmd "nil", which breaks TypeOK) or c+2;
//   - AcceptReply(src, bal, slot): bit (bal-1)·S+slot of ar[src];
//   - CommitNotice(upto): bit upto-1 of commit.
//
// pending and observed are sequences; an event code is 1+c for Req(c) and
// 1+C+c·(W+1)+v for Ack(c, v) (c = C for "nil", v = 0 for "nil" or w+1).
type smrState struct {
	node    [MaxSMRReplicas]smrNode
	prep    [MaxSMRBallot + 1]uint8
	prHas   [MaxSMRReplicas]uint8
	prVote  [MaxSMRReplicas][MaxSMRBallot + 1][MaxSMRCommands]uint8
	accept  [MaxSMRBallot + 1][MaxSMRCommands]uint8
	ar      [MaxSMRReplicas]uint64
	commit  uint8
	nPend   uint8
	pending [MaxSMRCommands]uint8
	nObs    uint8
	obs     [2*MaxSMRCommands + 1]uint8
}

// smrModel is the layout of the packed states and the symmetry group. A
// packed state is G words of global fields (the Prepare srcs, Accepts,
// CommitNotices, pending, observed) followed by one K-word chunk per
// replica: its node fields, pc, its PrepareReplies and its AcceptReplies.
// A replica permutation then permutes whole chunks and renames the
// replica ids held in leader fields and Prepare srcs.
type smrModel struct {
	nR, nW, nC, nB int
	majority       int // MajorityNum
	commitQuorum   int // AcceptReplies HandleAcceptReplies waits for
	noAcceptReply  bool
	obsCap         int // observed entries the layout holds (2C+1)

	wLeader, wKv, wCu, wBal, wICmd, wVote, wAcc, wPend, wObs uint

	globalBits, chunkBits int
	doneBit               uint // the pc bit in a chunk's first word
	G, K, words           int

	rperms [][MaxSMRReplicas]uint8 // rperms[p][r]: the new index of replica r
	rinv   [][MaxSMRReplicas]uint8 // rinv[p][i]: the replica that gets index i
	cmaps  []smrCmdMap             // command permutations (identity first)
}

// smrCmdMap renames commands (a permutation of the writes and one of the
// reads), on every code that holds a command.
type smrCmdMap struct {
	cmd  [MaxSMRCommands]uint8                                             // command index
	icmd [MaxSMRCommands + 1]uint8                                         // inst cmd code
	vote [MaxSMRBallot*MaxSMRCommands + 1]uint8                            // vote code
	kv   [MaxSMRCommands + 1]uint8                                         // kvalue code
	acc  [MaxSMRCommands + 2]uint8                                         // accept code
	obs  [MaxSMRCommands + (MaxSMRCommands+1)*(MaxSMRCommands+1) + 1]uint8 // event code
}

// permutations returns the permutations of 0..n-1 in lexicographic order,
// the identity first (the search relies on it: see smrCanon.setParent).
func permutations(n int) [][]int {
	if n <= 1 {
		return [][]int{identity(n)}
	}
	var out [][]int
	for first := 0; first < n; first++ {
		for _, rest := range permutations(n - 1) {
			p := []int{first}
			for _, x := range rest {
				if x >= first {
					x++
				}
				p = append(p, x)
			}
			out = append(out, p)
		}
	}
	return out
}

func newSMRModel(o SMROptions) *smrModel {
	m := &smrModel{nR: o.Replicas, nW: o.Writes, nC: o.Writes + o.Reads, nB: o.MaxBallot}
	m.majority = m.nR/2 + 1
	m.commitQuorum = m.majority
	if o.SeedBug == "majority-minus-one" {
		m.commitQuorum = m.majority - 1
	}
	m.noAcceptReply = o.SeedBug == "no-accept-reply"
	m.obsCap = 2*m.nC + 1
	l := func(n int) uint { return uint(bits.Len(uint(n))) }
	m.wLeader = l(m.nR)
	m.wKv = l(m.nW)
	m.wCu = l(m.nC)
	m.wBal = l(m.nB)
	m.wICmd = l(m.nC)
	m.wVote = l(m.nB * m.nC)
	m.wAcc = l(m.nC + 1)
	m.wPend = l(m.nC)
	m.wObs = l(m.nC + (m.nC+1)*(m.nW+1))
	m.globalBits = m.nB*int(m.wLeader) + m.nB*m.nC*int(m.wAcc) + m.nC + m.nC*int(m.wPend) + m.obsCap*int(m.wObs)
	m.chunkBits = int(m.wLeader+m.wKv+m.wCu+2*m.wBal+1) + m.nC*int(2+m.wICmd+m.wVote) + m.nB*(1+m.nC*int(m.wVote)) + m.nB*m.nC
	m.doneBit = m.wLeader + m.wKv + m.wCu + 2*m.wBal
	m.G = (m.globalBits + 63) / 64
	m.K = (m.chunkBits + 63) / 64
	m.words = m.G + m.nR*m.K

	rp := [][]int{identity(m.nR)}
	wp, qp := [][]int{identity(m.nW)}, [][]int{identity(m.nC - m.nW)}
	if !o.NoSymmetry {
		// SymmetricPerms: the permutations of each set of more than one
		// element; TLC reduces by the group they generate.
		if m.nR > 1 {
			rp = permutations(m.nR)
		}
		if m.nW > 1 {
			wp = permutations(m.nW)
		}
		if m.nC-m.nW > 1 {
			qp = permutations(m.nC - m.nW)
		}
	}
	for _, p := range rp {
		var a, inv [MaxSMRReplicas]uint8
		for r, x := range p {
			a[r], inv[x] = uint8(x), uint8(r)
		}
		m.rperms = append(m.rperms, a)
		m.rinv = append(m.rinv, inv)
	}
	for _, w := range wp {
		for _, q := range qp {
			var cm smrCmdMap
			for c := 0; c < m.nW; c++ {
				cm.cmd[c] = uint8(w[c])
			}
			for c := m.nW; c < m.nC; c++ {
				cm.cmd[c] = uint8(m.nW + q[c-m.nW])
			}
			m.fillCmdMap(&cm)
			m.cmaps = append(m.cmaps, cm)
		}
	}
	return m
}

func identity(n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	return p
}

func (m *smrModel) fillCmdMap(cm *smrCmdMap) {
	C, W := m.nC, m.nW
	cm.icmd[0], cm.kv[0], cm.vote[0], cm.acc[0], cm.acc[1], cm.obs[0] = 0, 0, 0, 0, 1, 0
	for c := 0; c < C; c++ {
		d := cm.cmd[c]
		cm.icmd[c+1] = d + 1
		cm.acc[c+2] = d + 2
		if c < W {
			cm.kv[c+1] = d + 1
		}
		for b := 1; b <= m.nB; b++ {
			cm.vote[m.voteCode(b, c)] = uint8(m.voteCode(b, int(d)))
		}
		cm.obs[1+c] = 1 + d
	}
	for c := 0; c <= C; c++ {
		d := C // "nil"
		if c < C {
			d = int(cm.cmd[c])
		}
		for v := 0; v <= W; v++ {
			w := v
			if v > 0 {
				w = int(cm.cmd[v-1]) + 1
			}
			cm.obs[m.ackCode(c, v)] = uint8(m.ackCode(d, w))
		}
	}
}

func (m *smrModel) voteCode(b, c int) int { return 1 + (b-1)*m.nC + c }
func (m *smrModel) voteBal(code uint8) int {
	if code == 0 {
		return 0
	}
	return (int(code)-1)/m.nC + 1
}
func (m *smrModel) voteCmd(code uint8) int { return (int(code) - 1) % m.nC }
func (m *smrModel) ackCode(c, v int) int   { return 1 + m.nC + c*(m.nW+1) + v }
func (m *smrModel) arBit(b, s int) uint64  { return 1 << uint((b-1)*m.nC+s) }

// bitw writes fields into zeroed words.
type bitw struct {
	w   []uint64
	pos uint
}

func (b *bitw) put(v uint64, n uint) {
	i, o := b.pos>>6, b.pos&63
	b.w[i] |= v << o
	if o+n > 64 {
		b.w[i+1] |= v >> (64 - o)
	}
	b.pos += n
}

type bitr struct {
	w   []uint64
	pos uint
}

func (b *bitr) get(n uint) uint8 {
	i, o := b.pos>>6, b.pos&63
	v := b.w[i] >> o
	if o+n > 64 {
		v |= b.w[i+1] << (64 - o)
	}
	b.pos += n
	return uint8(v & (1<<n - 1))
}

// global writes the global fields but the Prepare srcs (left zero at the
// low bits of the first word) under cm.
func (m *smrModel) global(st *smrState, cm *smrCmdMap, out []uint64) {
	clear(out)
	w := bitw{w: out, pos: uint(m.nB) * m.wLeader}
	for b := 1; b <= m.nB; b++ {
		for s := 0; s < m.nC; s++ {
			w.put(uint64(cm.acc[st.accept[b][s]]), m.wAcc)
		}
	}
	w.put(uint64(st.commit), uint(m.nC))
	for i := 0; i < m.nC; i++ {
		x := uint64(0)
		if i < int(st.nPend) {
			x = uint64(cm.cmd[st.pending[i]]) + 1
		}
		w.put(x, m.wPend)
	}
	for i := 0; i < m.obsCap; i++ {
		x := uint64(0)
		if i < int(st.nObs) {
			x = uint64(cm.obs[st.obs[i]])
		}
		w.put(x, m.wObs)
	}
}

// chunk writes replica r's fields but its leader (left zero at the low
// bits of the first word) under cm.
func (m *smrModel) chunk(st *smrState, r int, cm *smrCmdMap, out []uint64) {
	clear(out)
	n := &st.node[r]
	w := bitw{w: out, pos: m.wLeader}
	w.put(uint64(cm.kv[n.kvalue]), m.wKv)
	w.put(uint64(n.commitUpTo), m.wCu)
	w.put(uint64(n.balPrepared), m.wBal)
	w.put(uint64(n.balMaxKnown), m.wBal)
	done := uint64(0)
	if n.done {
		done = 1
	}
	w.put(done, 1)
	for s := 0; s < m.nC; s++ {
		in := &n.insts[s]
		w.put(uint64(in.status), 2)
		w.put(uint64(cm.icmd[in.cmd]), m.wICmd)
		w.put(uint64(cm.vote[in.vote]), m.wVote)
	}
	for b := 1; b <= m.nB; b++ {
		if st.prHas[r]&(1<<uint(b)) == 0 {
			w.put(0, 1+uint(m.nC)*m.wVote)
			continue
		}
		w.put(1, 1)
		for s := 0; s < m.nC; s++ {
			w.put(uint64(cm.vote[st.prVote[r][b][s]]), m.wVote)
		}
	}
	// AcceptReplies: a bit per (bal, slot), in ballot-major order. A
	// command renaming does not touch them.
	w.put(st.ar[r], uint(m.nB*m.nC))
}

// decode unpacks a packed state (replica i is the i-th chunk).
func (m *smrModel) decode(p []uint64, st *smrState) {
	r := bitr{w: p[:m.G]}
	for b := 1; b <= m.nB; b++ {
		st.prep[b] = r.get(m.wLeader)
	}
	for b := 1; b <= m.nB; b++ {
		for s := 0; s < m.nC; s++ {
			st.accept[b][s] = r.get(m.wAcc)
		}
	}
	st.commit = r.get(uint(m.nC))
	st.nPend = 0
	for i := 0; i < m.nC; i++ {
		if x := r.get(m.wPend); x != 0 {
			st.pending[st.nPend] = x - 1
			st.nPend++
		}
	}
	st.nObs = 0
	for i := 0; i < m.obsCap; i++ {
		if x := r.get(m.wObs); x != 0 {
			st.obs[st.nObs] = x
			st.nObs++
		}
	}
	for i := 0; i < m.nR; i++ {
		r := bitr{w: p[m.G+i*m.K : m.G+(i+1)*m.K]}
		n := &st.node[i]
		n.leader = r.get(m.wLeader)
		n.kvalue = r.get(m.wKv)
		n.commitUpTo = r.get(m.wCu)
		n.balPrepared = r.get(m.wBal)
		n.balMaxKnown = r.get(m.wBal)
		n.done = r.get(1) == 1
		for s := 0; s < m.nC; s++ {
			in := &n.insts[s]
			in.status = r.get(2)
			in.cmd = r.get(m.wICmd)
			in.vote = r.get(m.wVote)
		}
		st.prHas[i] = 0
		for b := 1; b <= m.nB; b++ {
			if r.get(1) == 1 {
				st.prHas[i] |= 1 << uint(b)
			}
			for s := 0; s < m.nC; s++ {
				st.prVote[i][b][s] = r.get(m.wVote)
			}
		}
		st.ar[i] = 0
		for k := 0; k < m.nB*m.nC; k++ {
			st.ar[i] |= uint64(r.get(1)) << uint(k)
		}
	}
}

// smrCanon computes canonical packed states: the least packed form over
// the symmetry group (replica permutations times command permutations),
// comparing words in order. Any exact canonical form reduces to the same
// distinct states as TLC's (one per orbit).
type smrCanon struct {
	m      *smrModel
	parent []uint64 // the expanded state's chunks, per command map
	pglob  []uint64 // the expanded state's global words, per command map
	work   []uint64 // every chunk, recomputed
	tmp    []uint64 // the changed replica's chunk
	glob   []uint64
	cand   []uint64
	best   []uint64
}

func newSMRCanon(m *smrModel) *smrCanon {
	return &smrCanon{m: m, parent: make([]uint64, len(m.cmaps)*m.nR*m.K), work: make([]uint64, m.nR*m.K),
		tmp: make([]uint64, m.K), glob: make([]uint64, m.G), pglob: make([]uint64, len(m.cmaps)*m.G),
		cand: make([]uint64, m.words), best: make([]uint64, m.words)}
}

func lessWords(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// setParent records the chunks of st, the state about to be expanded, under
// every command map; packed is st's packed form.
func (c *smrCanon) setParent(st *smrState, packed []uint64) {
	m := c.m
	for ci := range m.cmaps {
		m.global(st, &m.cmaps[ci], c.pglob[ci*m.G:(ci+1)*m.G])
		for r := 0; r < m.nR; r++ {
			ch := c.parent[(ci*m.nR+r)*m.K : (ci*m.nR+r+1)*m.K]
			if ci == 0 {
				copy(ch, packed[m.G+r*m.K:])
				ch[0] &^= 1<<m.wLeader - 1
			} else {
				m.chunk(st, r, &m.cmaps[ci], ch)
			}
		}
	}
}

// What a successor changes, for smrCanon.canon.
const (
	smrDeltaAll   = iota // the acting replica's chunk and the global fields
	smrDeltaChunk        // the acting replica's chunk (and Prepare messages)
	smrDeltaDone         // the acting replica's pc, and nothing else
)

// canon returns st's canonical packed form (in c.best, valid until the
// next call). When changed >= 0, st differs from the state given to
// setParent only as delta says, replica changed acting.
func (c *smrCanon) canon(st *smrState, changed int, delta int) []uint64 {
	m := c.m
	first := true
	incremental := changed >= 0
	for ci := range m.cmaps {
		cm := &m.cmaps[ci]
		chunks := c.work
		if incremental {
			chunks = c.parent[ci*m.nR*m.K : (ci+1)*m.nR*m.K]
			if delta == smrDeltaDone {
				copy(c.tmp, chunks[changed*m.K:(changed+1)*m.K])
				c.tmp[0] |= 1 << m.doneBit
			} else {
				m.chunk(st, changed, cm, c.tmp)
			}
		} else {
			for r := 0; r < m.nR; r++ {
				m.chunk(st, r, cm, c.work[r*m.K:(r+1)*m.K])
			}
		}
		if incremental && delta != smrDeltaAll {
			copy(c.glob, c.pglob[ci*m.G:(ci+1)*m.G])
		} else {
			m.global(st, cm, c.glob)
		}
		for pi := range m.rperms {
			p := &m.rperms[pi]
			var pre uint64
			for bal := 1; bal <= m.nB; bal++ {
				if x := st.prep[bal]; x != 0 {
					pre |= uint64(p[x-1]+1) << (uint(bal-1) * m.wLeader)
				}
			}
			if !first && !c.mayBeLess(st, p, &m.rinv[pi], chunks, changed, pre) {
				continue
			}
			cand := c.cand
			copy(cand, c.glob)
			cand[0] |= pre
			for r := 0; r < m.nR; r++ {
				dst := cand[m.G+int(p[r])*m.K : m.G+int(p[r]+1)*m.K]
				if incremental && r == changed {
					copy(dst, c.tmp)
				} else {
					copy(dst, chunks[r*m.K:(r+1)*m.K])
				}
				if l := st.node[r].leader; l != 0 {
					dst[0] |= uint64(p[l-1] + 1)
				}
			}
			if first || lessWords(cand, c.best) {
				c.cand, c.best = c.best, cand
				first = false
			}
		}
	}
	return c.best
}

// mayBeLess compares the packed form under replica permutation p (inv its
// inverse) with c.best word by word, building each word only when the
// words before it are equal; it returns false as soon as the form is
// known not to be less.
func (c *smrCanon) mayBeLess(st *smrState, p, inv *[MaxSMRReplicas]uint8, chunks []uint64, changed int, pre uint64) bool {
	m := c.m
	for w := 0; w < m.G; w++ {
		x := c.glob[w]
		if w == 0 {
			x |= pre
		}
		if x != c.best[w] {
			return x < c.best[w]
		}
	}
	for i := 0; i < m.nR; i++ {
		r := int(inv[i])
		ch := chunks[r*m.K : (r+1)*m.K]
		if r == changed {
			ch = c.tmp
		}
		for k := 0; k < m.K; k++ {
			x := ch[k]
			if l := st.node[r].leader; k == 0 && l != 0 {
				x |= uint64(p[l-1] + 1)
			}
			if y := c.best[m.G+i*m.K+k]; x != y {
				return x < y
			}
		}
	}
	return false // equal
}

// smrTable is an exact set of packed states, kept whole in fixed blocks
// (growing never copies them); the table holds state numbers + 1.
type smrTable struct {
	words  int
	blocks [][]uint64
	table  []uint32
	n      int
}

const smrBlockShift = 16

func (t *smrTable) state(i int) []uint64 {
	o := (i & (1<<smrBlockShift - 1)) * t.words
	return t.blocks[i>>smrBlockShift][o : o+t.words]
}

func (t *smrTable) bytes() int64 {
	return int64(len(t.blocks))*int64(t.words)<<smrBlockShift*8 + int64(len(t.table))*4
}

// growBytes is how much the next insert may allocate.
func (t *smrTable) growBytes() int64 {
	var n int64
	if t.n&(1<<smrBlockShift-1) == 0 {
		n += int64(t.words) << smrBlockShift * 8
	}
	if 2*(t.n+1) > len(t.table) {
		n += int64(max(2*len(t.table), 1<<12)) * 4
	}
	return n
}

// A table entry is the state number + 1 in its low smrIndexBits bits and
// the top bits of the state's hash above them, so that most mismatches
// are told apart without reading the state.
const (
	smrIndexBits = 28
	smrIndexMask = 1<<smrIndexBits - 1
	// MaxSMRStates is the most distinct states a search can hold.
	MaxSMRStates = smrIndexMask - 1
)

func smrTag(h uint64) uint32 { return uint32(h>>(64-(32-smrIndexBits))) << smrIndexBits }

func (t *smrTable) insert(s []uint64, h uint64) (int, bool) {
	if 2*(t.n+1) > len(t.table) {
		t.grow()
	}
	mask := uint64(len(t.table) - 1)
	tag := smrTag(h)
	for i := h & mask; ; i = (i + 1) & mask {
		e := t.table[i]
		if e == 0 {
			if t.n&(1<<smrBlockShift-1) == 0 {
				t.blocks = append(t.blocks, make([]uint64, t.words<<smrBlockShift))
			}
			t.table[i] = uint32(t.n+1) | tag
			copy(t.state(t.n), s)
			t.n++
			return t.n - 1, true
		}
		if e&^smrIndexMask == tag {
			if j := int(e&smrIndexMask) - 1; equalWords(t.state(j), s) {
				return j, false
			}
		}
	}
}

// grow doubles the table, reading the states in their order (the arena
// sequentially) rather than the table's.
func (t *smrTable) grow() {
	size := max(2*len(t.table), 1<<12)
	nt := make([]uint32, size)
	mask := uint64(size - 1)
	for j := 0; j < t.n; j++ {
		h := hashWords(t.state(j))
		for i := h & mask; ; i = (i + 1) & mask {
			if nt[i] == 0 {
				nt[i] = uint32(j+1) | smrTag(h)
				break
			}
		}
	}
	t.table = nt
}

// Actions, for parent links and traces.
const (
	smrBecomeLeader = iota + 1
	smrHandlePrepare
	smrHandlePrepareReplies
	smrTakeNewRequest
	smrHandleAccept
	smrHandleAcceptReplies
	smrHandleCommitNotice
	smrDone        // rloop's ELSE branch: terminated, pc' = "Done"
	smrTerminating // every pc is "Done": the stuttering step
)

// smrAct is one action with its binding: replica r, ballot b and slot s
// (0-based) as they apply.
type smrAct struct{ kind, r, b, s int }

// errSMRModel reports that a fact the packed layout relies on failed: a
// bug in the port, never in the spec under check.
var errSMRModel = errors.New("check: multipaxos-smr: a state does not fit the packed layout")

// smrSearch is one breadth-first search.
type smrSearch struct {
	opt    SMROptions
	m      *smrModel
	t      smrTable
	parent []uint32
	canon  *smrCanon
	res    SMRResult
	budget budget
	cur    smrState
	next   smrState
	curID  int
	succs  int // successors of the state being expanded
	err    error
	done   bool
	badKey []uint64 // the canonical form of the state that broke a check
	// sink, when set, receives each successor instead of the search (to
	// rebuild a trace).
	sink func(*smrState, smrAct) bool
	// blk, when set, makes this a worker of a parallel level
	// (mpsmr_par.go): each successor is canonicalized and recorded in blk
	// for the search to take in order.
	blk *smrBlock
	// workers and parLevel: levels of at least parLevel states are split
	// over workers (smrWorkers, smrParallelLevel; tests change them).
	workers, parLevel int
}

// MultiPaxosSMR explores every state of the MultiPaxos-SMR spec
// reachable with the given constants, breadth first, as TLC does with one
// worker, checking TypeOK, Linearizability and deadlock freedom. It
// returns TLC's figures (distinct states, states generated, depth) and,
// when a check fails, the shortest trace.
//
// Each successor's canonical form is the least over the whole symmetry
// group, as TLC computes it: Replicas! · Writes! · Reads! permutations
// (12 for MultiPaxos_MC.cfg, but 4,320 for 5 replicas, 3 writes and 3
// reads, where the search manages about a thousand states a second). The
// budgets are checked every 64 states. Large levels are expanded by one
// worker per processor, with exactly the sequential search's results
// (mpsmr_par.go).
func MultiPaxosSMR(ctx context.Context, opt SMROptions) (*SMRResult, error) {
	start := time.Now()
	e, err := newSMRSearch(ctx, opt, start)
	if err != nil {
		return nil, err
	}
	e.run()
	if e.err != nil {
		return nil, e.err
	}
	e.res.finish(start, e.memory())
	e.res.TotalStates = e.res.Transitions
	return &e.res, nil
}

func newSMRSearch(ctx context.Context, opt SMROptions, start time.Time) (*smrSearch, error) {
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	e := &smrSearch{opt: opt, m: newSMRModel(opt), workers: smrWorkers(), parLevel: smrParallelLevel}
	e.t.words = e.m.words
	e.canon = newSMRCanon(e.m)
	e.res = SMRResult{Result: Result{Search: "spec", Bounds: opt.Bounds()}, Model: "multipaxos-smr"}
	e.budget = budget{ctx: ctx}
	if opt.Timeout > 0 {
		e.budget.deadline = start.Add(opt.Timeout)
	}
	return e, nil
}

func (e *smrSearch) memory() int64 { return e.t.bytes() + int64(cap(e.parent))*4 }

func (m *smrModel) initState(st *smrState) {
	*st = smrState{}
	// InitPending: the writes, then the reads.
	for c := 0; c < m.nC; c++ {
		st.pending[c] = uint8(c)
	}
	st.nPend = uint8(m.nC)
}

func (e *smrSearch) run() {
	m := e.m
	res := &e.res
	m.initState(&e.cur)
	key := e.canon.canon(&e.cur, -1, smrDeltaAll)
	e.t.insert(key, hashWords(key))
	e.parent = append(e.parent, 0)
	res.DistinctStates, res.Transitions, res.Depth = 1, 1, 1
	if bad, detail := m.check(&e.cur); bad != "" {
		e.violation(0, nil, bad, detail)
		return
	}
	levelStart, levelEnd := 0, 1
	for levelStart < levelEnd {
		if e.workers > 1 && levelEnd-levelStart >= e.parLevel {
			if e.level(levelStart, levelEnd, e.workers) {
				return
			}
			levelStart, levelEnd = levelEnd, e.t.n
			if levelStart < levelEnd {
				res.Depth++
			}
			continue
		}
		for i := levelStart; i < levelEnd; i++ {
			if (i-levelStart)%64 == 0 {
				if why, stop := e.budget.stop(); stop {
					res.Stop = why
					return
				}
			}
			e.curID = i
			m.decode(e.t.state(i), &e.cur)
			e.canon.setParent(&e.cur, e.t.state(i))
			e.succs = 0
			e.expand(&e.cur)
			if e.done {
				return
			}
			if e.succs == 0 {
				e.violation(i, nil, "deadlock", "no action is enabled and the spec has not terminated (CHECK_DEADLOCK)")
				return
			}
		}
		levelStart, levelEnd = levelEnd, e.t.n
		if levelStart < levelEnd {
			res.Depth++
		}
	}
	res.Stop = StopComplete
}

// emit takes one successor (in e.next) of the state expanded; it returns
// true when the search is over.
func (e *smrSearch) emit(changed int, act smrAct) bool {
	if e.sink != nil {
		return e.sink(&e.next, act)
	}
	if e.blk != nil {
		return e.record(changed, act)
	}
	e.succs++
	e.res.Transitions++
	if e.err != nil {
		e.done = true
		return true
	}
	m := e.m
	need := e.t.growBytes()
	if len(e.parent) == cap(e.parent) {
		need += int64(cap(e.parent)) * 4
	}
	if need > 0 && e.memory()+need > e.opt.MaxMemoryBytes {
		e.res.Stop = StopMaxMemory
		e.done = true
		return true
	}
	key := e.canon.canon(&e.next, changed, smrDelta(act.kind))
	if e.t.n >= MaxSMRStates {
		e.res.Stop = StopMaxStates
		e.done = true
		return true
	}
	_, isNew := e.t.insert(key, hashWords(key))
	if !isNew {
		return false
	}
	e.res.DistinctStates++
	e.parent = append(e.parent, uint32(e.curID))
	if bad, detail := m.check(&e.next); bad != "" {
		e.badKey = append(e.badKey[:0], key...)
		e.violation(e.curID, &act, bad, detail)
		return true
	}
	if e.opt.MaxStates > 0 && e.res.DistinctStates >= e.opt.MaxStates {
		e.res.Stop = StopMaxStates
		e.done = true
		return true
	}
	return false
}

// smrDelta tells what an action changes. Those that change none of the
// global fields (Accepts, CommitNotices, pending, observed) change the
// acting replica's chunk and, for BecomeLeader, a Prepare message; rloop's
// exit only the replica's pc.
func smrDelta(kind int) int {
	switch kind {
	case smrBecomeLeader, smrHandlePrepare, smrHandleAccept, smrHandleCommitNotice:
		return smrDeltaChunk
	case smrDone:
		return smrDeltaDone
	}
	return smrDeltaAll
}

// terminated is the spec's terminated: no pending command, and every
// command requested and acknowledged.
func (m *smrModel) terminated(st *smrState) bool {
	if st.nPend != 0 {
		return false
	}
	req, ack := m.reqsAcks(st)
	return bits.OnesCount32(req) == m.nC && bits.OnesCount32(ack) == m.nC
}

// reqsAcks returns reqsMade and acksRecv as bit sets (bit C: "nil").
func (m *smrModel) reqsAcks(st *smrState) (req, ack uint32) {
	for i := 0; i < int(st.nObs); i++ {
		x := int(st.obs[i])
		if x <= m.nC {
			req |= 1 << uint(x-1)
		} else {
			ack |= 1 << uint((x-1-m.nC)/(m.nW+1))
		}
	}
	return req, ack
}

// expand generates every successor of st in the order of Next: for each
// replica, rloop's disjuncts with every binding of their \E; then
// Terminating.
func (e *smrSearch) expand(st *smrState) {
	m := e.m
	term := m.terminated(st)
	allDone := true
	for r := 0; r < m.nR; r++ {
		n := &st.node[r]
		if n.done {
			continue
		}
		allDone = false
		if term {
			e.next = *st
			e.next.node[r].done = true
			if e.emit(r, smrAct{kind: smrDone, r: r}) {
				return
			}
			continue
		}
		me := uint8(r + 1)
		// BecomeLeader(r).
		if n.leader != me {
			for b := int(n.balMaxKnown) + 1; b <= m.nB; b++ {
				if st.prep[b] != 0 {
					continue
				}
				e.next = *st
				x := &e.next.node[r]
				x.leader, x.balPrepared, x.balMaxKnown = me, 0, uint8(b)
				prepareStatuses(x, m.nC)
				e.next.prep[b] = me
				e.addPrepareReply(r, b)
				if e.emit(r, smrAct{kind: smrBecomeLeader, r: r, b: b}) {
					return
				}
			}
		}
		// HandlePrepare(r): one binding per Prepare message.
		for b := int(n.balMaxKnown) + 1; b <= m.nB; b++ {
			if st.prep[b] == 0 {
				continue
			}
			e.next = *st
			x := &e.next.node[r]
			x.leader, x.balMaxKnown = st.prep[b], uint8(b)
			prepareStatuses(x, m.nC)
			e.addPrepareReply(r, b)
			if e.emit(r, smrAct{kind: smrHandlePrepare, r: r, b: b}) {
				return
			}
		}
		// HandlePrepareReplies(r).
		if n.leader == me && n.balPrepared == 0 && e.handlePrepareReplies(st, r) {
			return
		}
		// TakeNewRequest(r).
		if n.leader == me && n.balPrepared == n.balMaxKnown && e.takeNewRequest(st, r) {
			return
		}
		// HandleAccept(r): one binding per Accept message.
		for b := max(int(n.balMaxKnown), 1); b <= m.nB; b++ {
			for s := 0; s < m.nC; s++ {
				a := st.accept[b][s]
				if a == 0 || b <= m.voteBal(n.insts[s].vote) {
					continue
				}
				e.next = *st
				x := &e.next.node[r]
				x.leader, x.balMaxKnown = st.prep[b], uint8(b)
				in := &x.insts[s]
				in.status, in.cmd = smrAccepting, a-1
				if a == 1 {
					// An Accept with cmd "nil" breaks TypeOK, so the
					// search never expands a state that has one.
					e.err = fmt.Errorf("%w: HandleAccept of an Accept with cmd \"nil\"", errSMRModel)
				} else {
					in.vote = uint8(m.voteCode(b, int(a-2)))
				}
				if !m.noAcceptReply {
					e.next.ar[r] |= m.arBit(b, s)
				}
				if e.emit(r, smrAct{kind: smrHandleAccept, r: r, b: b, s: s}) {
					return
				}
			}
		}
		// HandleAcceptReplies(r).
		cu := int(n.commitUpTo)
		if n.leader == me && n.balPrepared == n.balMaxKnown && cu < m.nC && n.insts[cu].status == smrAccepting {
			bit := m.arBit(int(n.balPrepared), cu)
			acks := 0
			for x := 0; x < m.nR; x++ {
				if st.ar[x]&bit != 0 {
					acks++
				}
			}
			if acks >= m.commitQuorum {
				e.next = *st
				x := &e.next.node[r]
				c := int(n.insts[cu].cmd) - 1 // -1: "nil"
				x.insts[cu].status = smrCommitted
				x.commitUpTo = uint8(cu + 1)
				if c >= 0 && c < m.nW {
					x.kvalue = uint8(c + 1)
				}
				cc := c
				if cc < 0 {
					cc = m.nC
				}
				observe(&e.next, uint8(m.ackCode(cc, int(n.kvalue))), m.obsCap)
				removePending(&e.next, c)
				e.next.commit |= 1 << uint(cu)
				if e.emit(r, smrAct{kind: smrHandleAcceptReplies, r: r, s: cu}) {
					return
				}
			}
		}
		// HandleCommitNotice(r).
		if n.leader != me && cu < m.nC && n.insts[cu].status == smrAccepting && st.commit&(1<<uint(cu)) != 0 {
			e.next = *st
			x := &e.next.node[r]
			c := int(n.insts[cu].cmd) - 1
			x.insts[cu].status = smrCommitted
			x.commitUpTo = uint8(cu + 1)
			if c >= 0 && c < m.nW {
				x.kvalue = uint8(c + 1)
			}
			if e.emit(r, smrAct{kind: smrHandleCommitNotice, r: r, s: cu}) {
				return
			}
		}
	}
	if allDone {
		e.next = *st
		e.emit(-1, smrAct{kind: smrTerminating, r: -1})
	}
}

// prepareStatuses turns the node's Accepting instances into Preparing.
func prepareStatuses(n *smrNode, slots int) {
	for s := 0; s < slots; s++ {
		if n.insts[s].status == smrAccepting {
			n.insts[s].status = smrPreparing
		}
	}
}

// addPrepareReply adds PrepareReplyMsg(r, b, VotesByNode(node'[r])) to
// e.next.
func (e *smrSearch) addPrepareReply(r, b int) {
	st := &e.next
	if st.prHas[r]&(1<<uint(b)) != 0 {
		for s := 0; s < e.m.nC; s++ {
			if st.prVote[r][b][s] != st.node[r].insts[s].vote {
				e.err = fmt.Errorf("%w: two PrepareReplies of s%d for ballot %d", errSMRModel, r+1, b)
			}
		}
		return
	}
	st.prHas[r] |= 1 << uint(b)
	for s := 0; s < e.m.nC; s++ {
		st.prVote[r][b][s] = st.node[r].insts[s].vote
	}
}

// addAccept adds AcceptMsg(r, b, s, code) to e.next (code: 1 "nil", c+2).
func (e *smrSearch) addAccept(r, b, s int, code uint8) {
	st := &e.next
	if int(st.prep[b]) != r+1 {
		e.err = fmt.Errorf("%w: s%d sends an Accept for ballot %d it did not prepare", errSMRModel, r+1, b)
	}
	if a := st.accept[b][s]; a != 0 && a != code {
		e.err = fmt.Errorf("%w: two Accepts for ballot %d, slot %d", errSMRModel, b, s+1)
	}
	st.accept[b][s] = code
}

func observe(st *smrState, ev uint8, capacity int) {
	for i := 0; i < int(st.nObs); i++ {
		if st.obs[i] == ev {
			return
		}
	}
	if int(st.nObs) < capacity {
		st.obs[st.nObs] = ev
	}
	// Past the capacity (2C+1 entries), TypeOK is already broken and the
	// search has stopped.
	st.nObs++
}

func removePending(st *smrState, c int) {
	j := 0
	for i := 0; i < int(st.nPend); i++ {
		if int(st.pending[i]) != c {
			st.pending[j] = st.pending[i]
			j++
		}
	}
	st.nPend = uint8(j)
}

func (e *smrSearch) handlePrepareReplies(st *smrState, r int) bool {
	m := e.m
	n := &st.node[r]
	b := int(n.balMaxKnown)
	var prs []int
	var buf [MaxSMRReplicas]int
	prs = buf[:0]
	for x := 0; x < m.nR; x++ {
		if st.prHas[x]&(1<<uint(b)) != 0 {
			prs = append(prs, x)
		}
	}
	if len(prs) < m.majority {
		return false
	}
	e.next = *st
	y := &e.next.node[r]
	y.balPrepared = uint8(b)
	for s := 0; s < m.nC; s++ {
		// PeakVotedCmd(prs, s): the command of the highest-ballot vote.
		hi, peak := 0, -1
		for _, x := range prs {
			v := st.prVote[x][b][s]
			vb := m.voteBal(v)
			switch {
			case vb > hi:
				hi, peak = vb, m.voteCmd(v)
			case vb == hi && vb > 0 && m.voteCmd(v) != peak:
				// CHOOSE would pick one; the spec never gets here
				// (one Accept per ballot and slot).
				e.err = fmt.Errorf("%w: two commands voted in ballot %d, slot %d", errSMRModel, vb, s+1)
			}
		}
		in := &y.insts[s]
		if in.status == smrPreparing || in.status == smrEmpty && peak >= 0 {
			in.status = smrAccepting
		}
		in.cmd = uint8(peak + 1)
	}
	for s := 0; s < m.nC; s++ {
		if in := y.insts[s]; in.status == smrAccepting {
			e.addAccept(r, b, s, in.cmd+1)
		}
	}
	return e.emit(r, smrAct{kind: smrHandlePrepareReplies, r: r, b: b})
}

func (e *smrSearch) takeNewRequest(st *smrState, r int) bool {
	m := e.m
	n := &st.node[r]
	s, empty := -1, 0
	var seen uint32
	for t := 0; t < m.nC; t++ {
		if n.insts[t].status == smrEmpty {
			if s < 0 {
				s = t
			}
			empty++
		}
		if c := n.insts[t].cmd; c != 0 {
			seen |= 1 << uint(c-1)
		}
	}
	if s < 0 {
		return false
	}
	c := -1
	for i := 0; i < int(st.nPend); i++ {
		if seen&(1<<uint(st.pending[i])) == 0 {
			c = int(st.pending[i])
			break
		}
	}
	if c < 0 {
		return false
	}
	b := int(n.balPrepared)
	e.next = *st
	in := &e.next.node[r].insts[s]
	in.status, in.cmd, in.vote = smrAccepting, uint8(c+1), uint8(m.voteCode(b, c))
	e.addAccept(r, b, s, uint8(c+2))
	e.next.ar[r] |= m.arBit(b, s)
	observe(&e.next, uint8(1+c), m.obsCap)
	if e.emit(r, smrAct{kind: smrTakeNewRequest, r: r, b: b, s: s}) {
		return true
	}
	// The guard \E s \in Slots: node[r].insts[s].status = "Empty" is a
	// conjunct of the action: TLC enumerates its witnesses, and each one
	// yields the same successor again. They count as states generated.
	switch {
	case e.blk != nil:
		e.blk.recs[len(e.blk.recs)-1].extra = int32(empty - 1)
	case e.sink == nil:
		e.res.Transitions += int64(empty - 1)
		e.succs += empty - 1
	}
	return false
}

// check evaluates the invariants on a state: TypeOK, then
// Linearizability. It returns the first broken one's name and what broke.
func (m *smrModel) check(st *smrState) (string, string) {
	if why := m.typeOK(st); why != "" {
		return "TypeOK", why
	}
	if m.terminated(st) {
		if why := m.linearizable(st); why != "" {
			return "Linearizability", why
		}
	}
	return "", ""
}

// typeOK is MultiPaxos_MC's TypeOK on what the packed layout can hold
// that Messages, NodeStates and ClientEvents do not allow.
func (m *smrModel) typeOK(st *smrState) string {
	for b := 1; b <= m.nB; b++ {
		for s := 0; s < m.nC; s++ {
			if st.accept[b][s] == 1 {
				return fmt.Sprintf("the Accept message for ballot %d, slot %d has cmd \"nil\", which is not in Messages", b, s+1)
			}
		}
	}
	if int(st.nObs) > 2*m.nC {
		return fmt.Sprintf("observed has %d events, more than 2 * NumCommands", st.nObs)
	}
	req, ack := m.reqsAcks(st)
	if ack&(1<<uint(m.nC)) != 0 {
		return "observed has an Ack event for cmd \"nil\", which is not in ClientEvents"
	}
	if bits.OnesCount32(req) < bits.OnesCount32(ack) {
		return "Cardinality(reqsMade) < Cardinality(acksRecv)"
	}
	return ""
}

// linearizable is MultiPaxos_MC's Linearizability once terminated: some
// order of the commands in which each command's result (its first Ack's
// val) is the last write before it, and that puts c1 before c2 whenever
// c1's Ack precedes c2's Req in observed. It returns "" or why not.
func (m *smrModel) linearizable(st *smrState) string {
	var reqPos, ackPos, result [MaxSMRCommands]int
	for c := 0; c < m.nC; c++ {
		reqPos[c], ackPos[c] = -1, -1
	}
	for i := 0; i < int(st.nObs); i++ {
		x := int(st.obs[i])
		if x <= m.nC {
			if reqPos[x-1] < 0 {
				reqPos[x-1] = i
			}
			continue
		}
		c, v := (x-1-m.nC)/(m.nW+1), (x-1-m.nC)%(m.nW+1)
		if c < m.nC && ackPos[c] < 0 {
			ackPos[c], result[c] = i, v
		}
	}
	// before[c]: the commands whose Ack precedes c's Req.
	var before [MaxSMRCommands]uint32
	for c2 := 0; c2 < m.nC; c2++ {
		for c1 := 0; c1 < m.nC; c1++ {
			if ackPos[c1] < reqPos[c2] {
				before[c2] |= 1 << uint(c1)
			}
		}
	}
	var try func(used uint32, last int) bool
	try = func(used uint32, last int) bool {
		if bits.OnesCount32(used) == m.nC {
			return true
		}
		for c := 0; c < m.nC; c++ {
			if used&(1<<uint(c)) != 0 || before[c]&^used != 0 || result[c] != last {
				continue
			}
			next := last
			if c < m.nW {
				next = c + 1
			}
			if try(used|1<<uint(c), next) {
				return true
			}
		}
		return false
	}
	if try(0, 0) {
		return ""
	}
	return "no order of the commands gives each its observed result and respects real time: observed = " + m.observedText(st)
}

// Names of replicas, commands and values, as the MC config's model values.
func (m *smrModel) cmdName(c int) string {
	switch {
	case c < 0 || c >= m.nC:
		return `"nil"`
	case c < m.nW:
		return fmt.Sprintf("w%d", c+1)
	}
	return fmt.Sprintf("r%d", c-m.nW+1)
}

func (m *smrModel) eventText(x int) string {
	if x <= m.nC {
		return "Req(" + m.cmdName(x-1) + ")"
	}
	c, v := (x-1-m.nC)/(m.nW+1), (x-1-m.nC)%(m.nW+1)
	return "Ack(" + m.cmdName(c) + ", " + m.cmdName(v-1) + ")"
}

func (m *smrModel) observedText(st *smrState) string {
	var parts []string
	for i := 0; i < int(st.nObs) && i < m.obsCap; i++ {
		parts = append(parts, m.eventText(int(st.obs[i])))
	}
	return "<<" + strings.Join(parts, ", ") + ">>"
}

var smrStatusNames = [...]string{"Empty", "Preparing", "Accepting", "Committed"}

// nodeText renders node[r] on one line.
func (m *smrModel) nodeText(st *smrState, r int) string {
	n := &st.node[r]
	leader := "none"
	if n.leader != 0 {
		leader = fmt.Sprintf("s%d", n.leader)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "s%d: leader %s, balPrepared %d, balMaxKnown %d, commitUpTo %d, kvalue %s, insts [", r+1, leader, n.balPrepared, n.balMaxKnown, n.commitUpTo, m.cmdName(int(n.kvalue)-1))
	for s := 0; s < m.nC; s++ {
		in := n.insts[s]
		if s > 0 {
			sb.WriteString("; ")
		}
		fmt.Fprintf(&sb, "%d: %s %s", s+1, smrStatusNames[in.status], m.cmdName(int(in.cmd)-1))
		if in.vote != 0 {
			fmt.Fprintf(&sb, " voted (%d, %s)", m.voteBal(in.vote), m.cmdName(m.voteCmd(in.vote)))
		}
	}
	sb.WriteString("]")
	return sb.String()
}

// actText renders an action as the spec's macro and binding.
func (m *smrModel) actText(st *smrState, a smrAct) string {
	switch a.kind {
	case smrBecomeLeader:
		return fmt.Sprintf("BecomeLeader(s%d)    \\* b = %d", a.r+1, a.b)
	case smrHandlePrepare:
		return fmt.Sprintf("HandlePrepare(s%d)   \\* m = PrepareMsg(s%d, %d)", a.r+1, st.prep[a.b], a.b)
	case smrHandlePrepareReplies:
		return fmt.Sprintf("HandlePrepareReplies(s%d)    \\* ballot %d", a.r+1, a.b)
	case smrTakeNewRequest:
		return fmt.Sprintf("TakeNewRequest(s%d)  \\* slot %d, ballot %d", a.r+1, a.s+1, a.b)
	case smrHandleAccept:
		return fmt.Sprintf("HandleAccept(s%d)    \\* m = AcceptMsg(s%d, %d, %d, %s)", a.r+1, st.prep[a.b], a.b, a.s+1, m.cmdName(int(st.accept[a.b][a.s])-2))
	case smrHandleAcceptReplies:
		return fmt.Sprintf("HandleAcceptReplies(s%d)     \\* slot %d", a.r+1, a.s+1)
	case smrHandleCommitNotice:
		return fmt.Sprintf("HandleCommitNotice(s%d)      \\* m = CommitNoticeMsg(%d)", a.r+1, a.s+1)
	case smrDone:
		return fmt.Sprintf("rloop(s%d) exits     \\* terminated: pc' = \"Done\"", a.r+1)
	case smrTerminating:
		return "Terminating"
	}
	return "?"
}

// violation ends the search with the shortest trace to state i, then act
// (nil: the violation is in state i itself).
func (e *smrSearch) violation(i int, act *smrAct, inv, detail string) {
	m := e.m
	var path []int
	for j := i; j != 0; j = int(e.parent[j]) {
		path = append(path, j)
	}
	// Rebuild concrete states along the path: from each state, the
	// successor whose canonical form is the next state's; the last step
	// is the action found by the search, up to the symmetry (its
	// canonical form is the bad state's).
	var st smrState
	m.initState(&st)
	var acts []smrAct
	canon := newSMRCanon(m)
	for k := len(path) - 1; k >= -1; k-- {
		want := e.badKey
		if k >= 0 {
			want = e.t.state(path[k])
		} else if act == nil {
			break
		}
		found := false
		var got smrState
		sub := &smrSearch{opt: e.opt, m: m}
		sub.sink = func(s *smrState, a smrAct) bool {
			if !equalWords(canon.canon(s, -1, smrDeltaAll), want) {
				return false
			}
			got, found = *s, true
			acts = append(acts, a)
			return true
		}
		sub.expand(&st)
		if !found {
			e.err = fmt.Errorf("%w: the trace cannot be rebuilt", errSMRModel)
			return
		}
		st = got
	}
	script, err := m.traceScript(e.opt, acts, inv, detail)
	if err != nil {
		e.err = err
		return
	}
	e.res.Stop = StopViolation
	e.res.Violation = &Violation{Invariant: inv, Detail: detail, Script: script, Steps: len(acts)}
	// TLC's depth: the states of the trace, the initial one included.
	e.res.Depth = max(e.res.Depth, len(acts)+1)
	e.done = true
}

// replay runs acts from the initial state and returns the states after
// each, or an error naming the first action that is not enabled.
func (m *smrModel) replay(opt SMROptions, acts []smrAct) ([]smrState, error) {
	var st smrState
	m.initState(&st)
	states := make([]smrState, 0, len(acts))
	for i, want := range acts {
		found := false
		var got smrState
		sub := &smrSearch{opt: opt, m: m}
		sub.sink = func(s *smrState, a smrAct) bool {
			if a == want {
				got, found = *s, true
				return true
			}
			return false
		}
		sub.expand(&st)
		if !found {
			return nil, fmt.Errorf("%w: step %d, %s, is not enabled", errSMRModel, i+1, m.actText(&st, want))
		}
		st = got
		states = append(states, st)
	}
	return states, nil
}

// traceScript renders a trace: the actions from Init, each followed by the
// acting replica's node and, when it changed, observed.
func (m *smrModel) traceScript(opt SMROptions, acts []smrAct, inv, detail string) (string, error) {
	states, err := m.replay(opt, acts)
	if err != nil {
		return "", err
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "\\* paxviz check spec: a shortest trace (%d steps) to a violation of %s.\n", len(acts), inv)
	fmt.Fprintf(&sb, "\\* Spec: tlaplus/Examples specifications/MultiPaxos-SMR (MultiPaxos.tla, MultiPaxos_MC.tla)\n")
	fmt.Fprintf(&sb, "\\* Bounds: %s\n", opt.Bounds())
	sb.WriteString("Init\n")
	var init smrState
	m.initState(&init)
	for k, a := range acts {
		pre := &init
		if k > 0 {
			pre = &states[k-1]
		}
		sb.WriteString(m.actText(pre, a) + "\n")
		if a.r >= 0 {
			fmt.Fprintf(&sb, "    \\* %s\n", m.nodeText(&states[k], a.r))
		}
		if k == 0 || states[k].nObs != states[k-1].nObs {
			fmt.Fprintf(&sb, "    \\* observed = %s\n", m.observedText(&states[k]))
		}
	}
	fmt.Fprintf(&sb, "\\* %s: %s\n", inv, detail)
	return sb.String(), nil
}
