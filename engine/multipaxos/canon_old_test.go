package multipaxos

import (
	"slices"
	"strings"
)

// The canonical encoders as they were before they learnt to rename while
// encoding (canon.go at 03c8349), verbatim but for their names: the
// reference TestCanonicalRenamedIdentical holds the new ones to.

func oldAppendMessage(b []byte, m *Message) []byte {
	b = append(b, byte(m.Type), byte(m.From), byte(m.To), byte(m.Rejects))
	b = appendBallot(b, m.Ballot)
	b = appendInt(appendInt(b, int64(m.Slot)), int64(m.FromSlot))
	b = AppendCmd(b, m.Cmd)
	b = appendUvarint(b, uint64(len(m.Votes)))
	for _, v := range m.Votes {
		b = appendInt(b, int64(v.Slot))
		b = appendBallot(b, v.B)
		b = AppendCmd(b, v.Cmd)
	}
	b = appendBallot(b, m.Promised)
	b = appendInt(appendInt(b, int64(m.Upto)), int64(m.Round))
	b = appendReqID(b, m.Req)
	b = appendStr(b, m.Result)
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

func oldStateCanonical(st *State, b []byte) []byte {
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
			b = AppendCmd(b, v.Cmd)
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
			b = AppendCmd(b, a.Cmd)
		}
		b = appendInt(b, int64(v.SlotIn))
		for _, q := range [][]Cmd{v.Queue, v.Taken} {
			b = appendUvarint(b, uint64(len(q)))
			for _, c := range q {
				b = AppendCmd(b, c)
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
			b = AppendCmd(b, sl.Decided)
			ex := byte(0)
			if sl.Executed {
				ex = 1
			}
			b = append(b, ex)
			b = AppendCmd(b, pr.Cmd)
			b = appendUvarint(b, uint64(pr.Acks))
		}
		b = appendInt(appendInt(b, int64(v.Upto)), int64(v.SlotOut))
		b = appendUvarint(b, uint64(len(v.KV.pairs)))
		for _, p := range v.KV.pairs {
			b = appendStr(appendStr(b, p.Key), p.Val)
		}
		sess := trimmed(v.Sessions)
		b = appendUvarint(b, uint64(len(sess)))
		for _, x := range sess {
			b = appendStr(appendInt(b, int64(x.Last)), x.Result)
		}
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
		for _, r := range v.Reads {
			b = AppendCmd(b, r.Cmd)
			b = appendInt(appendInt(b, int64(r.Index)), int64(r.Round))
		}
		b = v.Locks.appendCanonical(b)
	}
	for i := range st.Clients {
		c := &st.Clients[i]
		b = appendInt(b, int64(c.Seq))
		b = AppendCmd(b, c.Pending)
		b = append(b, byte(c.Hint), byte(c.LastTo))
		b = appendReqID(b, c.Last)
		b = appendStr(b, c.LastResult)
		b = append(b, byte(c.Via))
	}
	return st.Lock.appendCanonical(b)
}

func oldAppendTally(b []byte, t tally) []byte {
	b = appendBallot(b, t.B)
	b = AppendCmd(b, t.Cmd)
	return appendUvarint(b, uint64(t.Mask))
}

func oldCheckerCanonical(k *Checker, b []byte) []byte {
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
			b = oldAppendTally(b, s.t0)
			for _, t := range more {
				b = oldAppendTally(b, t)
			}
		}
		if first := s.firstChosen(); first.IsZero() {
			b = appendUvarint(b, 0)
		} else {
			after := s.x.chosenAfter()
			b = appendUvarint(b, uint64(1+len(after)))
			b = AppendCmd(b, first)
			for _, c := range after {
				b = AppendCmd(b, c)
			}
		}
		b = AppendCmd(b, s.executed())
	}
	for _, s := range k.servers {
		b = appendInt(appendInt(b, int64(s.incarnation)), int64(s.next))
		b = appendUvarint(b, uint64(len(s.applied)))
		for _, a := range s.applied {
			a = trimmed(a)
			b = appendUvarint(b, uint64(len(a)))
			for _, w := range a {
				b = appendUvarint(b, w)
			}
		}
		b = appendBallot(b, s.promised)
	}
	for i := range k.issued {
		is := &k.issued[i]
		b = appendUvarint(b, uint64(is.Len()))
		for j := range is.Len() {
			b = AppendCmd(b, *is.At(j))
		}
	}
	b = oldLinCanonical(&k.lin, b)
	b = appendUvarint(b, uint64(len(k.fenced)))
	for _, f := range k.fenced {
		b = appendInt(appendStr(b, f.Key), int64(f.Last))
	}
	return appendUvarint(b, uint64(k.broken))
}

func oldLinCanonical(l *linChecker, b []byte) []byte {
	keys := make([]string, 0, len(l.keys))
	for key := range l.keys {
		keys = append(keys, key)
	}
	slices.Sort(keys)
	lb := byte(0)
	if l.broken {
		lb = 1
	}
	b = append(b, lb)
	b = appendUvarint(b, uint64(len(keys)))
	var confs [][]byte
	for _, key := range keys {
		h := l.keys[key]
		b = appendStr(b, key)
		// The frontier is a set: sort its configurations' encodings.
		confs = confs[:0]
		for _, c := range h.configs {
			e := appendStr(nil, c.val)
			e = appendUvarint(e, uint64(c.lin))
			for _, o := range c.outs {
				e = appendStr(e, o)
			}
			confs = append(confs, e)
		}
		slices.SortFunc(confs, func(a, b []byte) int { return strings.Compare(string(a), string(b)) })
		b = appendUvarint(b, uint64(len(confs)))
		for _, e := range confs {
			b = append(b, e...)
		}
		for _, p := range h.pending {
			b = AppendCmd(b, p)
		}
		b = appendInt(b, int64(h.npend))
		b = appendUvarint(b, uint64(len(h.init)))
		for _, v := range h.init {
			b = appendStr(b, v)
		}
		b = appendUvarint(b, uint64(len(h.ops)))
		for _, op := range h.ops {
			b = AppendCmd(b, op.cmd)
			b = appendStr(b, op.result)
			d := byte(0)
			if op.done {
				d = 1
			}
			b = append(b, d)
		}
		b = appendUvarint(b, uint64(len(h.events)))
		for _, e := range h.events {
			r := int64(0)
			if e.ret {
				r = 1
			}
			b = appendInt(b, int64(e.op)*2+r)
		}
	}
	return b
}
