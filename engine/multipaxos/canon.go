package multipaxos

import "slices"

// Canonical encodings for the engine-level model checker (package check,
// `paxviz check engine --protocol multipaxos`): two states that encode the
// same behave the same under every future action the checker explores and
// give the same invariant verdicts. What is left out: message ids (the
// world encodes the in-flight multiset by content), timers and time (the
// checker never ticks), notes, the steps recorded in violations and the
// names of past operations (reporting only).

func appendInt(b []byte, n int64) []byte { return appendVarint(b, n) }

// appendUvarint and appendVarint are encoding/binary's varints (the
// package keeps to its purity allow-list).
func appendUvarint(b []byte, x uint64) []byte {
	for x >= 0x80 {
		b = append(b, byte(x)|0x80)
		x >>= 7
	}
	return append(b, byte(x))
}

func appendVarint(b []byte, x int64) []byte {
	ux := uint64(x) << 1
	if x < 0 {
		ux = ^ux
	}
	return appendUvarint(b, ux)
}

func appendStr(b []byte, s string) []byte {
	b = appendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBallot(b []byte, x Ballot) []byte {
	return appendInt(appendInt(b, int64(x.Round)), int64(x.Index))
}

func appendReqID(b []byte, id ReqID) []byte {
	return appendInt(appendInt(b, int64(id.Client)), int64(id.Seq))
}

// AppendCmd appends the encoding of c.
func AppendCmd(b []byte, c Cmd) []byte {
	b = append(b, byte(c.Op))
	if c.Op < OpPut && c.Op != OpExpire {
		return b
	}
	b = appendReqID(b, c.ID)
	return appendStr(appendStr(appendStr(b, c.Key), c.Val), c.New)
}

// appendCmdR appends the encoding of *c renamed by r (nil: as it is):
// AppendCmd(b, r.Cmd(*c)), without copying c.
func appendCmdR(b []byte, c *Cmd, r *ClientRenaming) []byte {
	b = append(b, byte(c.Op))
	if c.Op < OpPut && c.Op != OpExpire {
		return b
	}
	if r == nil {
		b = appendReqID(b, c.ID)
		return appendStr(appendStr(appendStr(b, c.Key), c.Val), c.New)
	}
	b = appendReqID(b, r.req(c.ID))
	return appendStr(appendStr(appendStr(b, c.Key), r.Val(c.Val)), r.Val(c.New))
}

// AppendMessage appends the encoding of m's content: every field but its
// id.
func AppendMessage(b []byte, m *Message) []byte { return AppendMessageRenamed(b, nil, m, nil) }

// AppendMessageRenamed appends the encoding of m with its clients renamed
// by r (nil: as it is; cfg may then be nil): what RenameMessage and then
// AppendMessage give, without copying m.
func AppendMessageRenamed(b []byte, cfg *Config, m *Message, r *ClientRenaming) []byte {
	from, to := m.From, m.To
	if r != nil {
		from, to = r.Node(cfg, from), r.Node(cfg, to)
	}
	b = append(b, byte(m.Type), byte(from), byte(to), byte(m.Rejects))
	b = appendBallot(b, m.Ballot)
	b = appendInt(appendInt(b, int64(m.Slot)), int64(m.FromSlot))
	b = appendCmdR(b, &m.Cmd, r)
	b = appendUvarint(b, uint64(len(m.Votes)))
	for _, v := range m.Votes {
		b = appendInt(b, int64(v.Slot))
		b = appendBallot(b, v.B)
		b = appendCmdR(b, &v.Cmd, r)
	}
	b = appendBallot(b, m.Promised)
	b = appendInt(appendInt(b, int64(m.Upto)), int64(m.Round))
	b = appendReqID(b, r.reqID(m.Req))
	b = appendStr(b, r.val(m.Result))
	nl := byte(0)
	if m.NotLeader {
		nl = 1
	}
	wl := byte(0)
	if m.WhyLease {
		wl = 1
	}
	return append(b, nl, byte(m.Hint), byte(m.Via), wl)
}

// trimmed returns xs without its trailing zero values (logs grow in
// chunks: their zero tail carries no information).
func trimmed[T comparable](xs []T) []T {
	var zero T
	n := len(xs)
	for n > 0 && xs[n-1] == zero {
		n--
	}
	return xs[:n]
}

// trimmedLen is the length of p without its trailing zero values.
func trimmedLen[T comparable](p *Pages[T]) int {
	var zero T
	n := p.Len()
	for n > 0 && *p.At(n - 1) == zero {
		n--
	}
	return n
}

// AppendCanonical appends the canonical encoding of the servers' and
// clients' state, durable and volatile.
func (st *State) AppendCanonical(b []byte) []byte { return st.AppendCanonicalRenamed(b, nil) }

// AppendCanonicalRenamed appends the canonical encoding of st with its
// clients renamed by r (nil: as they are): the bytes
// st.RenameClients(cfg, *r).AppendCanonical gives, without building the
// renamed copy.
func (st *State) AppendCanonicalRenamed(b []byte, r *ClientRenaming) []byte {
	for i := range st.Servers {
		s := &st.Servers[i]
		up := byte(0)
		if s.Up {
			up = 1
		}
		b = append(b, up)
		b = appendInt(b, int64(s.Incarnation))
		b = appendBallot(b, s.D.Promised)
		b = appendInt(b, int64(s.D.MaxRound))
		nv := trimmedLen(&s.D.Votes)
		b = appendUvarint(b, uint64(nv))
		for i := range nv {
			v := s.D.Votes.At(i)
			b = appendBallot(b, v.B)
			b = appendCmdR(b, &v.Cmd, r)
		}
		v := &s.V
		b = append(b, byte(v.Role))
		b = appendBallot(b, v.Ballot)
		b = appendInt(b, int64(v.From))
		b = appendUvarint(b, uint64(v.Promises))
		b = appendUvarint(b, uint64(len(v.Adopt)))
		for _, a := range v.Adopt {
			b = appendInt(b, int64(a.Slot))
			b = appendBallot(b, a.B)
			b = appendCmdR(b, &a.Cmd, r)
		}
		b = appendInt(b, int64(v.SlotIn))
		for _, q := range [2][]Cmd{v.Queue, v.Taken} {
			b = appendUvarint(b, uint64(len(q)))
			for _, c := range q {
				b = appendCmdR(b, &c, r)
			}
		}
		// Per slot: decided, executed, the proposal and its acks.
		ns := max(trimmedLen(&v.Slots), trimmedLen(&v.Props))
		b = appendUvarint(b, uint64(ns))
		for i := range ns {
			var sl SlotState
			var pr Proposal
			if i < v.Slots.Len() {
				sl = *v.Slots.At(i)
			}
			if i < v.Props.Len() {
				pr = *v.Props.At(i)
			}
			b = appendCmdR(b, &sl.Decided, r)
			ex := byte(0)
			if sl.Executed {
				ex = 1
			}
			b = append(b, ex)
			b = appendCmdR(b, &pr.Cmd, r)
			b = appendUvarint(b, uint64(pr.Acks))
		}
		b = appendInt(appendInt(b, int64(v.Upto)), int64(v.SlotOut))
		b = appendUvarint(b, uint64(len(v.KV.pairs)))
		for _, p := range v.KV.pairs {
			b = appendStr(appendStr(b, p.Key), r.val(p.Val))
		}
		b = appendSessions(b, v.Sessions, r)
		b = appendInt(appendInt(b, int64(v.Backoff)), int64(v.HBRound))
		acked := trimmed(v.Acked)
		b = appendUvarint(b, uint64(len(acked)))
		for _, a := range acked {
			b = appendInt(b, int64(a))
		}
		b = appendInt(b, int64(v.MajRound))
		// Leases and reads (lease.go) and the lock table (lock.go).
		b = appendInt(appendInt(b, int64(v.Guard)), int64(v.GuardFor))
		b = appendInt(appendInt(b, int64(v.GuardAll)), int64(v.GuardAllFor))
		b = appendInt(b, int64(v.Lease))
		b = appendUvarint(b, uint64(len(v.Sent)))
		for _, r := range v.Sent {
			b = appendInt(appendInt(b, int64(r.Round)), int64(r.At))
		}
		b = appendUvarint(b, uint64(len(v.Reads)))
		for _, rd := range v.Reads {
			b = appendCmdR(b, &rd.Cmd, r)
			b = appendInt(appendInt(b, int64(rd.Index)), int64(rd.Round))
		}
		b = v.Locks.appendCanonical(b)
	}
	// Renamed, client k is the client inv[k] was.
	var invArr [MaxClients]int
	inv := r.inverse(invArr[:0], len(st.Clients))
	for k := range st.Clients {
		c := &st.Clients[inv[k]]
		b = appendInt(b, int64(c.Seq))
		b = appendCmdR(b, &c.Pending, r)
		b = append(b, byte(c.Hint), byte(c.LastTo))
		b = appendReqID(b, r.reqID(c.Last))
		b = appendStr(b, r.val(c.LastResult))
		b = append(b, byte(c.Via))
	}
	return st.Lock.appendCanonical(b)
}

// appendSessions appends the encoding of a server's sessions renamed by r
// (RenameClients: session j moves to the renamed client's index, the
// slice growing to cover every renamed client; zero tail trimmed).
func appendSessions(b []byte, sessions []Session, r *ClientRenaming) []byte {
	if r == nil || len(sessions) == 0 {
		sess := trimmed(sessions)
		b = appendUvarint(b, uint64(len(sess)))
		for _, x := range sess {
			b = appendStr(appendInt(b, int64(x.Last)), x.Result)
		}
		return b
	}
	n := max(len(sessions), len(r.To))
	var arr [MaxClients]Session
	var sess []Session
	if n <= len(arr) {
		sess = arr[:n]
	} else {
		sess = make([]Session, n)
	}
	for j, x := range sessions {
		x.Result = r.Val(x.Result)
		sess[r.Client(j+1)-1] = x
	}
	sess = trimmed(sess)
	b = appendUvarint(b, uint64(len(sess)))
	for _, x := range sess {
		b = appendStr(appendInt(b, int64(x.Last)), x.Result)
	}
	return b
}

func appendTally(b []byte, t tally, r *ClientRenaming) []byte {
	b = appendBallot(b, t.B)
	b = appendCmdR(b, &t.Cmd, r)
	return appendUvarint(b, uint64(t.Mask))
}

// CanonScratch is scratch space for canonical encodings, reused between
// calls (the zero value is ready; one per goroutine).
type CanonScratch struct {
	keys  []string
	init  []string
	buf   []byte
	confs [][]byte
}

// AppendCanonical appends the canonical encoding of the god's-eye records
// that future verdicts depend on: per slot the vote tallies, chosen and
// executed commands; per server the incarnation, next slot, applied ids
// and promise; the issued commands; each key's linearizability frontier
// and history since its last quiescent point; and which invariants are
// already broken.
func (k *Checker) AppendCanonical(b []byte) []byte { return k.AppendCanonicalRenamed(b, nil, nil) }

// AppendCanonicalRenamed appends the canonical encoding of k with its
// clients renamed by r (nil: as they are): the bytes
// k.RenameClients(*r).AppendCanonical gives, without building the renamed
// copy. sc (nil: none) is scratch space kept by the caller.
func (k *Checker) AppendCanonicalRenamed(b []byte, r *ClientRenaming, sc *CanonScratch) []byte {
	if sc == nil {
		sc = new(CanonScratch)
	}
	b = appendUvarint(b, uint64(k.slots.Len()))
	for i := range k.slots.Len() {
		// allTallies and allChosen, without building them.
		s := k.slots.At(i)
		var more []tally
		if s.x != nil {
			more = s.x.tallies
		}
		if s.t0.Mask == 0 {
			b = appendUvarint(b, 0)
		} else {
			b = appendUvarint(b, uint64(1+len(more)))
			b = appendTally(b, s.t0, r)
			for _, t := range more {
				b = appendTally(b, t, r)
			}
		}
		if first := s.firstChosen(); first.IsZero() {
			b = appendUvarint(b, 0)
		} else {
			after := s.x.chosenAfter()
			b = appendUvarint(b, uint64(1+len(after)))
			b = appendCmdR(b, &first, r)
			for _, c := range after {
				b = appendCmdR(b, &c, r)
			}
		}
		ex := s.executed()
		b = appendCmdR(b, &ex, r)
	}
	for _, s := range k.servers {
		b = appendInt(appendInt(b, int64(s.incarnation)), int64(s.next))
		b = appendApplied(b, s.applied, r)
		b = appendBallot(b, s.promised)
	}
	// Renamed, client c's requests are those client inv[c] issued.
	var invArr [MaxClients]int
	inv := r.inverse(invArr[:0], len(k.issued))
	for c := range k.issued {
		is := &k.issued[inv[c]]
		b = appendUvarint(b, uint64(is.Len()))
		for j := range is.Len() {
			b = appendCmdR(b, is.At(j), r)
		}
	}
	b = k.lin.appendCanonical(b, r, sc)
	b = appendUvarint(b, uint64(len(k.fenced)))
	for _, f := range k.fenced {
		b = appendInt(appendStr(b, f.Key), int64(f.Last))
	}
	return appendUvarint(b, uint64(k.broken))
}

// appendApplied appends a server's applied request numbers per client,
// renamed by r as RenameClients renames them (renamed, the list ends at
// the highest client that applied a request).
func appendApplied(b []byte, applied [][]uint64, r *ClientRenaming) []byte {
	if r == nil {
		b = appendUvarint(b, uint64(len(applied)))
		for _, a := range applied {
			a = trimmed(a)
			b = appendUvarint(b, uint64(len(a)))
			for _, w := range a {
				b = appendUvarint(b, w)
			}
		}
		return b
	}
	var arr [MaxClients][]uint64
	m := max(len(applied), len(r.To))
	var out [][]uint64
	if m <= len(arr) {
		out = arr[:m]
	} else {
		out = make([][]uint64, m)
	}
	n := 0
	for j, a := range applied {
		if a = trimmed(a); len(a) > 0 {
			c := r.Client(j+1) - 1
			out[c] = a
			n = max(n, c+1)
		}
	}
	b = appendUvarint(b, uint64(n))
	for _, a := range out[:n] {
		b = appendUvarint(b, uint64(len(a)))
		for _, w := range a {
			b = appendUvarint(b, w)
		}
	}
	return b
}

// appendCanonical appends the encoding of l renamed by r (nil: as it is).
func (l *linChecker) appendCanonical(b []byte, r *ClientRenaming, sc *CanonScratch) []byte {
	keys := sc.keys[:0]
	for key := range l.keys {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	sc.keys = keys
	lb := byte(0)
	if l.broken {
		lb = 1
	}
	b = append(b, lb)
	b = appendUvarint(b, uint64(len(keys)))
	var invArr [MaxClients]int
	inv := r.inverse(invArr[:0], MaxClients)
	for _, key := range keys {
		h := l.keys[key]
		b = appendStr(b, key)
		// The frontier is a set: sort its configurations' encodings.
		buf := sc.buf[:0]
		var startArr [16]int
		starts := startArr[:0]
		for i := range h.configs {
			c := &h.configs[i]
			starts = append(starts, len(buf))
			buf = appendStr(buf, r.val(c.val))
			if r == nil {
				buf = appendUvarint(buf, uint64(c.lin))
				for _, o := range c.outs {
					buf = appendStr(buf, o)
				}
				continue
			}
			var lin uint16
			var outs [MaxClients + 1]string
			for p := range outs {
				q := r.Client(p)
				if c.lin&(1<<uint(p)) != 0 {
					lin |= 1 << uint(q)
				}
				outs[q] = r.Val(c.outs[p])
			}
			buf = appendUvarint(buf, uint64(lin))
			for _, o := range outs {
				buf = appendStr(buf, o)
			}
		}
		starts = append(starts, len(buf))
		sc.buf = buf
		confs := sc.confs[:0]
		for i := 0; i+1 < len(starts); i++ {
			confs = append(confs, buf[starts[i]:starts[i+1]])
		}
		sc.confs = confs
		slices.SortFunc(confs, slices.Compare)
		b = appendUvarint(b, uint64(len(confs)))
		for _, e := range confs {
			b = append(b, e...)
		}
		// Renamed, client q's pending operation is client inv[q-1]+1's.
		b = appendCmdR(b, &h.pending[0], r)
		for q := 1; q < len(h.pending); q++ {
			b = appendCmdR(b, &h.pending[inv[q-1]+1], r)
		}
		b = appendInt(b, int64(h.npend))
		b = appendUvarint(b, uint64(len(h.init)))
		if r == nil {
			for _, v := range h.init {
				b = appendStr(b, v)
			}
		} else {
			init := sc.init[:0]
			for _, v := range h.init {
				init = append(init, r.Val(v))
			}
			slices.Sort(init) // a set, kept sorted (quiesce)
			sc.init = init
			for _, v := range init {
				b = appendStr(b, v)
			}
		}
		b = appendUvarint(b, uint64(len(h.ops)))
		for _, op := range h.ops {
			b = appendCmdR(b, &op.cmd, r)
			b = appendStr(b, r.val(op.result))
			d := byte(0)
			if op.done {
				d = 1
			}
			b = append(b, d)
		}
		b = appendUvarint(b, uint64(len(h.events)))
		for _, e := range h.events {
			rt := int64(0)
			if e.ret {
				rt = 1
			}
			b = appendInt(b, int64(e.op)*2+rt)
		}
	}
	return b
}
