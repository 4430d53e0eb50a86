package multipaxos

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The lock service with leases and fencing tokens (multipaxos.md §3.2),
// `app=lock`:
//
//   - The replicated state machine keeps per lock L its holder and token.
//     `acquire:L` returns `tok:T`, T the slot of the command that granted
//     it (monotonic and unique for free), the same token to the holder
//     (which counts as a renew: the client's belief restarts from that
//     request, so the expiry clock does too), else `busy`; `renew:L:T` and `release:L:T` return ok to the holder
//     of token T (release frees L), else `lost`; the leader's `expire:L:T`
//     frees L only if T is current.
//   - Expiry is decided in the log: at each heartbeat the leader proposes
//     `expire:L:T` once its clock has run ttl since it executed the grant
//     or last renew (or holder's acquire) of (L, T), or since it became
//     leader if later. It
//     proposes only when it has executed every slot it proposed and
//     nothing waits in its queue, so the expire takes the very next slot:
//     every renew before it is known, every renew after it comes too late
//     (lost).
//   - A client believes it holds L from the grant until its clock reads
//     t0 + ttl·(100−P)/(100+P) (the full ttl with lease_no_drift), t0 its
//     clock when it first sent the request (a retry keeps t0); a renew's ok
//     moves the end to that renew's t0 + the same span. While it believes,
//     it renews every ttl/3 ticks (its renew timer; a pause stops it), and
//     `write` checks the belief.
//   - d1 keeps per key a value and a max token: a store with tok ≥ max is
//     applied (max := tok), a lower one rejected err=stale (no_fencing:
//     every store is applied). The invariant fencing reads the stores d1
//     applied; lease-exclusive the clients' beliefs, each judged on the
//     client's own clock.

// Results of lock operations.
const (
	ResultBusy  = "busy"
	ResultLost  = "lost"
	ResultStale = "stale"
	tokPrefix   = "tok:"
)

// MaxTTL bounds ttl=.
const MaxTTL = MaxTicks

// DefaultTTL is ttl= (multipaxos.md §2).
const DefaultTTL = 10

// SetLock makes the cluster a lock service with lock lease ttl ticks: d1
// joins the nodes, after the clients. Call it right after NewConfig.
func (c *Config) SetLock(ttl int) error {
	if ttl < 1 || ttl > MaxTTL {
		return fmt.Errorf("ttl=%d: must be 1..%d", ttl, MaxTTL)
	}
	if !c.Lock {
		c.names = append(c.names, "d1")
	}
	c.Lock, c.TTL = true, ttl
	return nil
}

// Data returns d1's NodeID (None unless app=lock).
func (c *Config) Data() NodeID {
	if !c.Lock {
		return None
	}
	return NodeID(c.Servers + c.Clients)
}

// LockSpan is how long a client believes a grant or renew lasts on its
// own clock, in hundredths of a tick: ttl·(100−P)/(100+P), rounded down
// (the full ttl with lease_no_drift).
func (c *Config) LockSpan() int {
	full := c.TTL * 100
	if c.Bugs.Has(BugLeaseNoDrift) {
		return full
	}
	return full * (100 - c.Drift) / (100 + c.Drift)
}

// renewEvery is the client's renew period in ticks: ttl/3, at least 1.
func (c *Config) renewEvery() int { return max(1, c.TTL/3) }

// newLockOp builds acquire K, renew K T, release K T or expire K T.
func newLockOp(op string, args []string) (Cmd, error) {
	c := Cmd{Key: args[0]}
	switch op {
	case "acquire":
		c.Op = OpAcquire
		return c, nil
	case "renew":
		c.Op = OpRenew
	case "release":
		c.Op = OpRelease
	default:
		c.Op = OpExpire
	}
	t, err := strconv.Atoi(args[1])
	if err != nil || t < 1 || t > MaxSlot || args[1][0] == '0' {
		return Cmd{}, errors.Join(ErrOp, errors.New(strconv.Quote(args[1])+": a token is a slot number"))
	}
	c.Val = args[1]
	return c, nil
}

// Token returns the token of a renew, release or expire (0: none).
func (c Cmd) Token() int32 {
	t, err := strconv.Atoi(c.Val)
	if err != nil || c.Op < OpRenew && c.Op != OpExpire {
		return 0
	}
	return int32(t)
}

// ParseToken reads a result `tok:T` (0 when r is not one).
func ParseToken(r string) int32 {
	t, ok := strings.CutPrefix(r, tokPrefix)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 || n > MaxSlot {
		return 0
	}
	return int32(n)
}

// LockEntry is one lock of the replicated state machine. Since is this
// server's clock when it executed the grant or last renew, or when it
// became leader if later (volatile bookkeeping for the leader's expiry).
type LockEntry struct {
	Name   string
	Holder int8 // client index, 0: free
	Token  int32
	Since  int
}

// LockTable is the lock service's state machine: locks sorted by name.
type LockTable struct {
	Entries []LockEntry
}

func (t LockTable) clone() LockTable {
	if t.Entries == nil {
		return t
	}
	return LockTable{Entries: slices.Clone(t.Entries)}
}

func (t *LockTable) find(name string) *LockEntry {
	i, ok := slices.BinarySearchFunc(t.Entries, name, func(e LockEntry, n string) int { return strings.Compare(e.Name, n) })
	if !ok {
		t.Entries = slices.Insert(t.Entries, i, LockEntry{Name: name})
	}
	return &t.Entries[i]
}

// Get returns lock name's holder (client index, 0: free) and token.
func (t *LockTable) Get(name string) (holder int8, token int32) {
	for _, e := range t.Entries {
		if e.Name == name {
			return e.Holder, e.Token
		}
	}
	return 0, 0
}

// touch moves every Since to at least clock (a new leader).
func (t *LockTable) touch(clock int) {
	for i := range t.Entries {
		t.Entries[i].Since = max(t.Entries[i].Since, clock)
	}
}

// expire runs expire:L:T: L is freed if T is its current token.
func (t *LockTable) expire(c Cmd) {
	if len(t.Entries) == 0 {
		return
	}
	e := t.find(c.Key)
	if e.Holder != 0 && e.Token == c.Token() {
		e.Holder = 0
	}
}

// apply runs a client's lock operation decided in slot n, executed when
// the server's clock reads clock.
func (t *LockTable) apply(n int32, c Cmd, clock int) string {
	e := t.find(c.Key)
	who := c.ID.Client
	switch c.Op {
	case OpAcquire:
		switch e.Holder {
		case who:
			// The holder's acquire counts as a renew: its client restarts
			// its belief from this request's send, so the leader's expiry
			// clock restarts too, exactly as for renew (§3.2).
			e.Since = clock
			return tokPrefix + strconv.Itoa(int(e.Token))
		case 0:
			e.Holder, e.Token, e.Since = who, n, clock
			return tokPrefix + strconv.Itoa(int(n))
		}
		return ResultBusy
	case OpRenew, OpRelease:
		if e.Holder != who || e.Token != c.Token() {
			return ResultLost
		}
		if c.Op == OpRenew {
			e.Since = clock
		} else {
			e.Holder = 0
		}
		return ResultOK
	}
	return ""
}

// applyOp runs a client command decided in slot n on s's state machine.
func (s *Server) applyOp(n int32, c Cmd, out *Out) string {
	if c.Op.IsKV() {
		return s.V.KV.Apply(c)
	}
	return s.V.Locks.apply(n, c, out.Clock)
}

// proposeExpires is the leader's expiry rule, run at each heartbeat.
func (s *Server) proposeExpires(c *Config, out *Out) {
	v := &s.V
	if !s.ready() || len(v.Queue) > 0 {
		return
	}
	for _, e := range v.Locks.Entries {
		if e.Holder == 0 || out.Clock-e.Since < c.TTL*100 || v.SlotIn > MaxSlot {
			continue
		}
		cmd := Cmd{Op: OpExpire, Key: e.Name, Val: strconv.Itoa(int(e.Token))}
		out.note(Note{Kind: NoteExpire, Node: s.ID, Cmd: cmd, Text: ClockText(out.Clock), Slot: v.SlotIn})
		n := v.SlotIn
		v.SlotIn++
		s.propose(c, n, cmd, out)
		return // one at a time: the leader is not ready again until it is decided
	}
}

// Belief is what a client believes of one lock: the token it was granted
// and the clock reading at which its belief ends (it holds the lock while
// its clock is below Until; the token is kept after that for renew and
// release).
type Belief struct {
	Lock  string
	Token int32
	Until int
}

// ClientLock is a lock client's side: SentAt is its clock when it first
// sent its outstanding request (t0); Beliefs by lock name; Ops counts the
// acquires, renews, releases and writes it was asked for (its own renewals
// not included).
type ClientLock struct {
	SentAt  int
	Beliefs []Belief
	Ops     int32
}

// DataKey is one key of d1: its value and the highest token seen.
type DataKey struct {
	Key, Val string
	Max      int32
}

// LockState is the lock service's state outside the servers: the
// clients' beliefs and d1.
type LockState struct {
	Clients []ClientLock
	D1      []DataKey
}

func newLockState(cfg *Config) *LockState {
	return &LockState{Clients: make([]ClientLock, cfg.Clients)}
}

func (l *LockState) clone() *LockState {
	c := &LockState{Clients: slices.Clone(l.Clients), D1: slices.Clone(l.D1)}
	for i := range c.Clients {
		c.Clients[i].Beliefs = slices.Clone(c.Clients[i].Beliefs)
	}
	return c
}

// Stored returns d1's value (NilResult when absent) and max token for key.
func (l *LockState) Stored(key string) (string, int32) {
	for _, d := range l.D1 {
		if d.Key == key {
			return d.Val, d.Max
		}
	}
	return NilResult, 0
}

// Belief returns client i's (1-based) belief about lock (zero: none).
func (l *LockState) Belief(i int, lock string) Belief {
	for _, b := range l.Clients[i-1].Beliefs {
		if b.Lock == lock {
			return b
		}
	}
	return Belief{}
}

func (cl *ClientLock) belief(lock string) *Belief {
	for i := range cl.Beliefs {
		if cl.Beliefs[i].Lock == lock {
			return &cl.Beliefs[i]
		}
	}
	return nil
}

func (cl *ClientLock) drop(lock string) {
	cl.Beliefs = slices.DeleteFunc(cl.Beliefs, func(b Belief) bool { return b.Lock == lock })
}

// StoreRec is one store d1 applied (the god's-eye record fencing reads).
type StoreRec struct {
	Key   string
	Token int32
}

// Errors of lock actions (script errors).
var (
	ErrNoToken   = errors.New("multipaxos: the client holds no token for that lock")
	ErrNoBelief  = errors.New("multipaxos: the client does not believe it holds that lock")
	ErrNotLockOp = errors.New("multipaxos: not a lock service cluster (app=lock)")
)

// LockRequest invokes acquire, renew or release of lock at client id
// (op's Key is the lock; renew and release take the token the client was
// granted).
func (st *State) LockRequest(cfg *Config, id NodeID, op Op, lock string, to NodeID, out *Out) error {
	if st.Lock == nil {
		return ErrNotLockOp
	}
	if !cfg.IsClient(id) {
		return ErrBadNode
	}
	if !validWord(lock) {
		return ErrOp
	}
	c := Cmd{Op: op, Key: lock}
	switch op {
	case OpAcquire:
	case OpRenew, OpRelease:
		b := st.Lock.Belief(cfg.ClientIndex(id), lock)
		if b.Token == 0 {
			return ErrNoToken
		}
		c.Val = strconv.Itoa(int(b.Token))
	default:
		return ErrOp
	}
	if err := st.RequestVia(cfg, id, c, to, ViaLog, out); err != nil {
		return err
	}
	if op == OpRelease {
		// Releasing gives the lock up at once: the client believes it no
		// longer holds it (it keeps the token until the answer).
		st.Lock.Clients[cfg.ClientIndex(id)-1].belief(lock).Until = 0
	}
	st.Lock.Clients[cfg.ClientIndex(id)-1].Ops++
	return nil
}

// Write is `write C K V`: client id, believing on its clock (out.Clock)
// that it holds lock key, sends d1 a store with its token.
func (st *State) Write(cfg *Config, id NodeID, key, val string, out *Out) error {
	if st.Lock == nil {
		return ErrNotLockOp
	}
	if !cfg.IsClient(id) {
		return ErrBadNode
	}
	if !validWord(key) || !validWord(val) {
		return ErrOp
	}
	b := st.Lock.Belief(cfg.ClientIndex(id), key)
	if b.Token == 0 || out.Clock >= b.Until {
		return ErrNoBelief
	}
	out.send(Message{Type: MsgStore, From: id, To: cfg.Data(), Cmd: Cmd{Op: OpPut, Key: key, Val: val}, Upto: b.Token})
	st.Lock.Clients[cfg.ClientIndex(id)-1].Ops++
	return nil
}

// stepData handles a store delivered to d1.
func (l *LockState) stepData(cfg *Config, m *Message, out *Out) {
	if m.Type != MsgStore || !cfg.IsClient(m.From) || m.Upto < 1 || !validWord(m.Cmd.Key) {
		return
	}
	i, ok := slices.BinarySearchFunc(l.D1, m.Cmd.Key, func(d DataKey, k string) int { return strings.Compare(d.Key, k) })
	if !ok {
		l.D1 = slices.Insert(l.D1, i, DataKey{Key: m.Cmd.Key, Val: NilResult})
	}
	d := &l.D1[i]
	reply := Message{Type: MsgStored, From: m.To, To: m.From, Cmd: Cmd{Op: OpPut, Key: d.Key}}
	if m.Upto < d.Max && !cfg.Bugs.Has(BugNoFencing) {
		out.note(Note{Kind: NoteStale, Node: m.To, Peer: m.From, Cmd: m.Cmd, Text: m.Cmd.Val, N: int(m.Upto), N2: int(d.Max)})
		reply.Result, reply.Upto = ResultStale, d.Max
		out.send(reply)
		return
	}
	if m.Upto < d.Max {
		out.note(Note{Kind: NoteBugActs, Bug: BugNoFencing, Node: m.To, N: int(m.Upto)})
	}
	out.note(Note{Kind: NoteStore, Node: m.To, Peer: m.From, Cmd: m.Cmd, Text: m.Cmd.Val, N: int(m.Upto), N2: int(d.Max)})
	d.Val, d.Max = m.Cmd.Val, max(d.Max, m.Upto)
	out.Stores = append(out.Stores, StoreRec{Key: d.Key, Token: m.Upto})
	reply.Result, reply.Upto = ResultOK, d.Max
	out.send(reply)
}

// lockClientStep delivers m to a lock client: d1's answer, or a reply
// that may change what it believes.
func (st *State) lockClientStep(cfg *Config, m *Message, out *Out) {
	c := st.Client(cfg, m.To)
	if m.Type == MsgStored {
		if m.From == cfg.Data() {
			out.note(Note{Kind: NoteStored, Node: m.To, Peer: m.From, Cmd: m.Cmd, Text: m.Result, N: int(m.Upto)})
		}
		return
	}
	pending := c.Pending
	c.Step(cfg, m, out)
	if pending.IsZero() || !c.Pending.IsZero() || c.Last != pending.ID || pending.Op.IsKV() {
		return
	}
	cl := &st.Lock.Clients[cfg.ClientIndex(m.To)-1]
	r := c.LastResult
	switch pending.Op {
	case OpAcquire:
		t := ParseToken(r)
		if t == 0 {
			return
		}
		b := cl.belief(pending.Key)
		if b == nil {
			cl.Beliefs = append(cl.Beliefs, Belief{Lock: pending.Key})
			b = &cl.Beliefs[len(cl.Beliefs)-1]
		}
		b.Token, b.Until = t, cl.SentAt+cfg.LockSpan()
	case OpRenew:
		b := cl.belief(pending.Key)
		if b == nil || b.Token != pending.Token() {
			return
		}
		if r != ResultOK {
			cl.drop(pending.Key)
			out.note(Note{Kind: NoteLockLost, Node: m.To, Cmd: pending, Text: r})
			return
		}
		b.Until = cl.SentAt + cfg.LockSpan()
	case OpRelease:
		if b := cl.belief(pending.Key); b != nil && b.Token == pending.Token() {
			cl.drop(pending.Key)
			out.note(Note{Kind: NoteLockLost, Node: m.To, Cmd: pending, Text: r})
		}
		return
	default:
		return
	}
	b := cl.belief(pending.Key)
	if cfg.Bugs.Has(BugLeaseNoDrift) && cfg.Drift > 0 {
		out.note(Note{Kind: NoteBugActs, Bug: BugLeaseNoDrift, Node: m.To})
	}
	out.note(Note{Kind: NoteHolds, Node: m.To, Cmd: pending, N: int(b.Token), Text: ClockText(b.Until)})
	out.arm(TimerRenew, cfg.renewEvery(), 0)
}

// renewTimer fires client id's renew timer: with no request outstanding
// it renews the held lock whose belief ends first; busy, it tries again a
// tick later; believing nothing, it stops.
func (st *State) renewTimer(cfg *Config, id NodeID, out *Out) {
	c := st.Client(cfg, id)
	cl := &st.Lock.Clients[cfg.ClientIndex(id)-1]
	var next *Belief
	for i := range cl.Beliefs {
		b := &cl.Beliefs[i]
		if out.Clock < b.Until && (next == nil || b.Until < next.Until) {
			next = b
		}
	}
	if next == nil {
		out.note(Note{Kind: NoteNoRenew, Node: id, Text: ClockText(out.Clock)})
		return
	}
	if !c.Pending.IsZero() || c.Seq >= MaxSeq {
		out.arm(TimerRenew, 1, 0)
		return
	}
	op := Cmd{Op: OpRenew, Key: next.Lock, Val: strconv.Itoa(int(next.Token))}
	if err := st.RequestVia(cfg, id, op, None, ViaLog, out); err != nil {
		return
	}
	// The request's note says "new"; the renew is the client's own.
	for i := len(out.Notes) - 1; i >= 0; i-- {
		if out.Notes[i].Kind == NoteClientSend && out.Notes[i].Node == id {
			out.Notes[i].N = SendRenew
			break
		}
	}
	out.arm(TimerRenew, cfg.renewEvery(), 0)
}

// LockHolders calls f, lock by lock in name order, with the clients that
// believe they hold it, each judged on its own clock (clock(id)).
func (st *State) LockHolders(cfg *Config, clock func(NodeID) int, f func(lock string, holders []NodeID)) {
	if st.Lock == nil {
		return
	}
	var names []string
	for _, cl := range st.Lock.Clients {
		for _, b := range cl.Beliefs {
			if !slices.Contains(names, b.Lock) {
				names = append(names, b.Lock)
			}
		}
	}
	slices.Sort(names)
	var hs []NodeID
	for _, name := range names {
		hs = hs[:0]
		for i, cl := range st.Lock.Clients {
			id := cfg.Client(i + 1)
			if b := cl.belief(name); b != nil && clock(id) < b.Until {
				hs = append(hs, id)
			}
		}
		f(name, hs)
	}
}

// fencedKey is the checker's record of one key of d1.
type fencedKey struct {
	Key  string
	Last int32
}

// store judges fencing: per key, the tokens of applied stores never
// decrease.
func (k *Checker) store(step int, s StoreRec) {
	i, ok := slices.BinarySearchFunc(k.fenced, s.Key, func(f fencedKey, key string) int { return strings.Compare(f.Key, key) })
	if !ok {
		k.fenced = slices.Insert(k.fenced, i, fencedKey{Key: s.Key})
	}
	f := &k.fenced[i]
	if s.Token < f.Last {
		k.report(Violation{Invariant: InvFencing, Step: step, Server: None, Key: s.Key, Tokens: []int32{f.Last, s.Token}})
	}
	f.Last = max(f.Last, s.Token)
}

// ObserveLockHolders judges lease-exclusive for one lock at the end of a
// step: holders are the clients that believe they hold it.
func (k *Checker) ObserveLockHolders(step int, lock string, holders []NodeID) {
	if len(holders) > 1 {
		k.report(Violation{Invariant: InvLeaseExclusive, Step: step, Server: None, Key: lock, Holders: slices.Clone(holders)})
	}
}

// appendLockCanonical appends the canonical encoding of the lock state.
func (l *LockState) appendCanonical(b []byte) []byte {
	if l == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	for _, cl := range l.Clients {
		b = appendInt(appendInt(b, int64(cl.SentAt)), int64(cl.Ops))
		b = appendUvarint(b, uint64(len(cl.Beliefs)))
		for _, x := range cl.Beliefs {
			b = appendStr(b, x.Lock)
			b = appendInt(appendInt(b, int64(x.Token)), int64(x.Until))
		}
	}
	b = appendUvarint(b, uint64(len(l.D1)))
	for _, d := range l.D1 {
		b = appendStr(appendStr(b, d.Key), d.Val)
		b = appendInt(b, int64(d.Max))
	}
	return b
}

func (t *LockTable) appendCanonical(b []byte) []byte {
	b = appendUvarint(b, uint64(len(t.Entries)))
	for _, e := range t.Entries {
		b = appendStr(b, e.Name)
		b = appendInt(appendInt(b, int64(e.Holder)), int64(e.Token))
		b = appendInt(b, int64(e.Since))
	}
	return b
}
