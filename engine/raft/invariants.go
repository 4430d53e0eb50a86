package raft

import (
	"slices"
	"strconv"
	"strings"
)

// Invariant names (raft.md §5, §9 "Forms"), as `expect violation NAME`
// spells them.
const (
	InvElectionSafety     = "election-safety"
	InvLeaderAppendOnly   = "leader-append-only"
	InvLogMatching        = "log-matching"
	InvLeaderCompleteness = "leader-completeness"
	InvStateMachineSafety = "state-machine-safety"
	InvOneVotePerTerm     = "one-vote-per-term"
	InvTermMonotonic      = "term-monotonic"
)

// Invariants lists every invariant this package checks, in report order.
// "A committed entry never leaves any log" is deliberately not one (§5: it
// is false; only leaders are bound).
var Invariants = []string{
	InvElectionSafety, InvLeaderAppendOnly, InvLogMatching,
	InvLeaderCompleteness, InvStateMachineSafety, InvOneVotePerTerm,
	InvTermMonotonic,
}

// Violation is the first break of one invariant: which, at which step, and
// the servers, term, index and entries concerned.
type Violation struct {
	Invariant string
	Step      int
	// Server is the server concerned: the second leader of a term, the
	// leader lacking an entry, the server whose log changed, the voter,
	// the applier.
	Server NodeID
	// Peer is the other server: the first leader of the term, the other
	// log, the other candidate (None when there is none).
	Peer NodeID
	// Term is the term concerned (the leader's term; the vote's term).
	Term int32
	// Index is the log index concerned (0 when none).
	Index int32
	// Entries are the entries involved: the expected one first, then the
	// one found (a missing entry is left out).
	Entries []Entry
	// Terms are term-monotonic's before and after.
	Terms []int32
}

// Describe renders v in words for traces and test failures, e.g.
// "leader-completeness broken at step 12: server s2 peer none term 4 index
// 1 entries 3:X 2:Y".
func (v *Violation) Describe(cfg *Config) string {
	var sb strings.Builder
	sb.WriteString(v.Invariant)
	sb.WriteString(" broken at step ")
	sb.WriteString(strconv.Itoa(v.Step))
	sb.WriteString(": server ")
	sb.WriteString(cfg.Name(v.Server))
	if v.Peer != None {
		sb.WriteString(" peer ")
		sb.WriteString(cfg.Name(v.Peer))
	}
	if v.Term != 0 {
		sb.WriteString(" term ")
		sb.WriteString(strconv.Itoa(int(v.Term)))
	}
	if v.Index != 0 {
		sb.WriteString(" index ")
		sb.WriteString(strconv.Itoa(int(v.Index)))
	}
	for i, e := range v.Entries {
		if i == 0 {
			sb.WriteString(" entries")
		}
		sb.WriteByte(' ')
		sb.WriteString(e.String())
	}
	for i, t := range v.Terms {
		if i == 0 {
			sb.WriteString(" terms")
		}
		sb.WriteByte(' ')
		sb.WriteString(strconv.Itoa(int(t)))
	}
	return sb.String()
}

// StepRecords are the god's-eye records of one step.
type StepRecords struct {
	Step int
	Recs []Rec
}

// Records copies the records of o, stamped with step.
func (o *Out) Records(step int) StepRecords {
	return StepRecords{Step: step, Recs: cloneSlice(o.Recs)}
}

// Check judges a whole history of records, in order, and returns the first
// break of each invariant: a pure function of its input.
func Check(cfg *Config, history []StepRecords) []Violation {
	k := NewChecker(cfg)
	for i := range history {
		k.Observe(history[i].Step, history[i].Recs)
	}
	return k.Violations()
}

// termServer is one (term, server) pair: a leader of a term, or a vote.
type termServer struct {
	Term   int32
	Server NodeID
}

// Committed is the god's-eye committed record of one index (§9): the first
// entry a leader's commitIndex covered there, and that leader's term.
type Committed struct {
	Entry      Entry
	LeaderTerm int32
}

// Checker judges the invariants incrementally, step by step, from the
// god's-eye records (it never looks at node state, so a crash erases
// nothing it knows). It keeps, compactly, one leader per term, one
// committed and one applied entry per index, every server's votes and a
// mirror of every log (crashed ones too). Observe after every step; Clone
// for branching.
type Checker struct {
	cfg *Config
	// logs mirrors each server's log; lcp[a][b] is the length of the
	// longest common prefix of logs a and b.
	logs [][]Entry
	lcp  [MaxServers][MaxServers]int32
	// term is each server's last recorded currentTerm; leading the term it
	// leads (0: none).
	term    []int32
	leading []int32
	// votes[s] are server s's votes by term; leaders the leader of each
	// term, by term.
	votes   [][]termServer
	leaders []termServer
	// committed[i-1] and applied[i-1] are index i's records (Term 0:
	// none).
	committed []Committed
	applied   []Entry
	broken    uint16
	found     []Violation
}

// NewChecker returns a checker with nothing recorded.
func NewChecker(cfg *Config) *Checker {
	n := cfg.Servers
	return &Checker{
		cfg: cfg, logs: make([][]Entry, n), term: make([]int32, n),
		leading: make([]int32, n), votes: make([][]termServer, n),
	}
}

// Clone returns an independent copy of k.
func (k *Checker) Clone() *Checker {
	c := *k
	c.logs = make([][]Entry, len(k.logs))
	for i, l := range k.logs {
		c.logs[i] = cloneSlice(l)
	}
	c.term = cloneSlice(k.term)
	c.leading = cloneSlice(k.leading)
	c.votes = make([][]termServer, len(k.votes))
	for i, v := range k.votes {
		c.votes[i] = cloneSlice(v)
	}
	c.leaders = cloneSlice(k.leaders)
	c.committed = cloneSlice(k.committed)
	c.applied = cloneSlice(k.applied)
	c.found = cloneSlice(k.found)
	return &c
}

// Violations returns the first break of each invariant found so far, in
// the order found.
func (k *Checker) Violations() []Violation { return k.found }

// Broken reports whether invariant name has been broken.
func (k *Checker) Broken(name string) bool {
	i := slices.Index(Invariants, name)
	return i >= 0 && k.broken&(1<<uint(i)) != 0
}

func (k *Checker) report(v Violation) {
	i := slices.Index(Invariants, v.Invariant)
	if k.broken&(1<<uint(i)) != 0 {
		return
	}
	k.broken |= 1 << uint(i)
	k.found = append(k.found, v)
}

// Committed returns index i's committed record.
func (k *Checker) Committed(i int32) (Committed, bool) {
	if i < 1 || int(i) > len(k.committed) || k.committed[i-1].LeaderTerm == 0 {
		return Committed{}, false
	}
	return k.committed[i-1], true
}

// CommittedCount returns the length of the committed prefix: indexes
// 1..n all have a committed record.
func (k *Checker) CommittedCount() int32 {
	n := int32(0)
	for int(n) < len(k.committed) && k.committed[n].LeaderTerm != 0 {
		n++
	}
	return n
}

// Applied returns the entry first applied at index i.
func (k *Checker) Applied(i int32) (Entry, bool) {
	if i < 1 || int(i) > len(k.applied) || k.applied[i-1].Term == 0 {
		return Entry{}, false
	}
	return k.applied[i-1], true
}

// Leader returns the server recorded leading term t (None: none).
func (k *Checker) Leader(t int32) NodeID {
	if i, ok := k.findLeader(t); ok {
		return k.leaders[i].Server
	}
	return None
}

// Terms returns how many terms had a leader.
func (k *Checker) Terms() int { return len(k.leaders) }

func (k *Checker) findLeader(t int32) (int, bool) {
	return slices.BinarySearchFunc(k.leaders, t, func(x termServer, t int32) int { return int(x.Term) - int(t) })
}

// ObserveOut judges the records of one step's Out.
func (k *Checker) ObserveOut(step int, o *Out) int { return k.Observe(step, o.Recs) }

// Observe judges one step's records, in order, and returns how many new
// violations it found (Violations lists them). Records naming unknown
// servers or impossible indexes are ignored.
func (k *Checker) Observe(step int, recs []Rec) int {
	before := len(k.found)
	for i := range recs {
		r := &recs[i]
		if !k.cfg.IsServer(r.Server) {
			continue
		}
		switch r.Kind {
		case RecTerm:
			k.onTerm(step, r)
		case RecVote:
			k.onVote(step, r)
		case RecLead:
			k.onLead(step, r)
		case RecUnlead:
			k.leading[r.Server] = 0
		case RecCut:
			k.onCut(step, r)
		case RecAppend:
			k.onAppend(step, r)
		case RecCommit:
			k.onCommit(step, r)
		case RecApply:
			k.onApply(step, r)
		}
	}
	return len(k.found) - before
}

func (k *Checker) onTerm(step int, r *Rec) {
	s := r.Server
	if r.Term < k.term[s] {
		k.report(Violation{Invariant: InvTermMonotonic, Step: step, Server: s, Peer: None, Terms: []int32{k.term[s], r.Term}})
	}
	k.term[s] = r.Term
}

func (k *Checker) onVote(step int, r *Rec) {
	s := r.Server
	vs := k.votes[s]
	if n := len(vs); n > 0 && vs[n-1].Term >= r.Term {
		i, ok := slices.BinarySearchFunc(vs, r.Term, func(x termServer, t int32) int { return int(x.Term) - int(t) })
		if ok {
			if vs[i].Server != r.Peer {
				k.report(Violation{Invariant: InvOneVotePerTerm, Step: step, Server: s, Peer: vs[i].Server, Term: r.Term})
			}
			return
		}
		k.votes[s] = slices.Insert(vs, i, termServer{r.Term, r.Peer})
		return
	}
	k.votes[s] = append(vs, termServer{r.Term, r.Peer})
}

func (k *Checker) onLead(step int, r *Rec) {
	s, u := r.Server, r.Term
	k.leading[s] = u
	i, ok := k.findLeader(u)
	switch {
	case !ok:
		k.leaders = slices.Insert(k.leaders, i, termServer{u, s})
	case k.leaders[i].Server != s:
		k.report(Violation{Invariant: InvElectionSafety, Step: step, Server: s, Peer: k.leaders[i].Server, Term: u})
	}
	// The new leader must hold every entry committed in an earlier term.
	log := k.logs[s]
	for j := range k.committed {
		c := k.committed[j]
		if c.LeaderTerm == 0 || c.LeaderTerm >= u {
			continue
		}
		if j >= len(log) || log[j] != c.Entry {
			k.lacks(step, s, u, int32(j+1), c.Entry)
			return
		}
	}
}

func (k *Checker) lacks(step int, s NodeID, u, i int32, want Entry) {
	es := []Entry{want}
	if log := k.logs[s]; int(i) <= len(log) {
		es = append(es, log[i-1])
	}
	k.report(Violation{Invariant: InvLeaderCompleteness, Step: step, Server: s, Peer: None, Term: u, Index: i, Entries: es})
}

func (k *Checker) onCut(step int, r *Rec) {
	s, n := r.Server, r.Index
	log := k.logs[s]
	if n < 0 || int(n) >= len(log) {
		return
	}
	if u := k.leading[s]; u != 0 {
		k.report(Violation{Invariant: InvLeaderAppendOnly, Step: step, Server: s, Peer: None, Term: u, Index: n + 1, Entries: []Entry{log[n]}})
		for j := int(n); j < len(log) && j < len(k.committed); j++ {
			if c := k.committed[j]; c.LeaderTerm != 0 && c.LeaderTerm < u {
				k.report(Violation{Invariant: InvLeaderCompleteness, Step: step, Server: s, Peer: None, Term: u, Index: int32(j + 1), Entries: []Entry{c.Entry}})
				break
			}
		}
	}
	k.logs[s] = log[:n]
	for o := range k.logs {
		k.lcp[s][o] = min(k.lcp[s][o], n)
		k.lcp[o][s] = k.lcp[s][o]
	}
}

func (k *Checker) onAppend(step int, r *Rec) {
	s, i, e := r.Server, r.Index, r.Entry
	if int(i) != len(k.logs[s])+1 {
		return
	}
	k.logs[s] = appendEntry(k.logs[s], e)
	if u := k.leading[s]; u != 0 && int(i) <= len(k.committed) {
		if c := k.committed[i-1]; c.LeaderTerm != 0 && c.LeaderTerm < u && c.Entry != e {
			k.lacks(step, s, u, i, c.Entry)
		}
	}
	for o := range k.logs {
		if NodeID(o) == s {
			k.lcp[s][s] = i
			continue
		}
		lo := k.logs[o]
		if len(lo) < int(i) {
			continue
		}
		if k.lcp[s][o] == i-1 && lo[i-1] == e {
			k.lcp[s][o] = i
			k.lcp[o][s] = i
		}
		if lo[i-1].Term == e.Term && k.lcp[s][o] < i {
			k.report(Violation{Invariant: InvLogMatching, Step: step, Server: s, Peer: NodeID(o), Term: e.Term, Index: i, Entries: []Entry{lo[i-1], e}})
		}
	}
}

func (k *Checker) onCommit(step int, r *Rec) {
	i := r.Index
	if i < 1 || i > MaxIndex || r.Term < 1 {
		return
	}
	k.committed = grow(k.committed, int(i))
	c := &k.committed[i-1]
	if c.LeaderTerm != 0 {
		return
	}
	*c = Committed{Entry: r.Entry, LeaderTerm: r.Term}
	// Every live leader of a later term must hold it already.
	for s, u := range k.leading {
		if u > r.Term {
			if log := k.logs[s]; int(i) > len(log) || log[i-1] != r.Entry {
				k.lacks(step, NodeID(s), u, i, r.Entry)
			}
		}
	}
}

func (k *Checker) onApply(step int, r *Rec) {
	i := r.Index
	if i < 1 || i > MaxIndex {
		return
	}
	k.applied = grow(k.applied, int(i))
	a := &k.applied[i-1]
	switch {
	case a.Term == 0:
		*a = r.Entry
	case *a != r.Entry:
		k.report(Violation{Invariant: InvStateMachineSafety, Step: step, Server: r.Server, Peer: None, Index: i, Entries: []Entry{*a, r.Entry}})
	}
}

// grow extends xs with zero values to length n, doubling its capacity when
// it must.
func grow[T any](xs []T, n int) []T {
	if n <= len(xs) {
		return xs
	}
	if n > cap(xs) {
		ys := make([]T, len(xs), max(n, 2*cap(xs), 16))
		copy(ys, xs)
		xs = ys
	}
	var zero T
	for len(xs) < n {
		xs = append(xs, zero)
	}
	return xs
}
