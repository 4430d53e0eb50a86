package multipaxos

import (
	"fmt"
	"strconv"
)

// Leader leases and the three read paths (multipaxos.md §3.3).
//
// Every node has a clock, an input the world hands each handler in
// Out.Clock (hundredths of a tick); clocks run at rates within drift=P of
// true time. With lease=L > 0:
//
//   - A server that acks heartbeat b from leader l guards until its clock
//     + L: till then it refuses prepares from any other server (nack
//     why=lease) and does not stand. Acking does not raise promised, so it
//     may ack two leaders (2.3, then a stale 1.1): each guard holds, so
//     till the earlier ends it refuses everyone (GuardAll).
//   - Once a majority (the leader included) acked round R, the leader
//     holds its lease until t0 + L·(100−P)/(100+P) on its own clock, t0
//     being its clock when it sent R; any higher ballot it learns of ends
//     it. Since t0 precedes every guard's start and the shortening covers
//     the worst pair of rates, no other server can be elected while the
//     leader believes it holds the lease.
//   - A restarted server has forgotten its guards, so it guards for L on
//     its clock for nobody (the quiet period): it promises nothing and
//     does not stand; an ack meanwhile does not end it.
//
// Reads (get ... via=): via=log proposes the get as a command; via=index
// (once the leader has executed everything it proposed) records the
// decided prefix as the read index, sends a heartbeat round at once and
// answers from its copy when a majority acked that round and it executed
// the index; via=lease answers at once from its copy while the lease is
// valid, else goes as via=index. A leader not yet ready reads through the
// log.

// Via is a get's read path.
type Via uint8

// The read paths of §3.3.
const (
	ViaLog Via = iota
	ViaIndex
	ViaLease
)

var viaNames = [...]string{"log", "index", "lease"}

// String returns the path's script name.
func (v Via) String() string {
	if int(v) < len(viaNames) {
		return viaNames[v]
	}
	return "via(" + strconv.Itoa(int(v)) + ")"
}

// ParseVia reads log, index or lease.
func ParseVia(s string) (Via, error) {
	for i, n := range viaNames {
		if n == s {
			return Via(i), nil
		}
	}
	return 0, fmt.Errorf("via=%s: the read paths are log, index and lease", s)
}

// How a read was served locally (Note.N of NoteReadLocal).
const (
	ReadLease = iota // under a valid lease (or read_no_lease)
	ReadIndex        // after its read index round
)

// MaxLease bounds lease=.
const MaxLease = MaxTicks

// RoundSent is the clock at which a leader sent heartbeat round Round.
type RoundSent struct {
	Round int32
	At    int
}

// PendingRead is a get waiting for heartbeat round Round to be acked by a
// majority and for the leader to have executed slot Index.
type PendingRead struct {
	Cmd   Cmd
	Index int32
	Round int32
}

// SetLease sets lease= (ticks; 0: no leases), right after NewConfig.
func (c *Config) SetLease(lease int) error {
	if lease < 0 || lease > MaxLease {
		return fmt.Errorf("lease=%d: must be 0..%d", lease, MaxLease)
	}
	c.Lease = lease
	return nil
}

// LeaseSpan is how long a holder believes its lease lasts on its own
// clock, in hundredths of a tick: lease·(100−P)/(100+P), rounded down (the
// full lease with lease_no_drift).
func (c *Config) LeaseSpan() int {
	full := c.Lease * 100
	if c.Bugs.Has(BugLeaseNoDrift) {
		return full
	}
	return full * (100 - c.Drift) / (100 + c.Drift)
}

// ClockText renders a clock in hundredths of a tick as ticks with two
// decimals (8.18).
func ClockText(c int) string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// HasLease reports whether s, whose clock reads clock, believes it holds a
// valid leader lease.
func (s *Server) HasLease(clock int) bool {
	v := &s.V
	return s.Up && v.Role == RoleLeader && v.Lease > 0 && clock < v.Lease && !v.Ballot.Less(s.D.Promised)
}

// guard starts (or extends) s's guard for leader's lease as it acks a
// heartbeat. An ack never shortens or narrows a guard that still runs: if
// it guards another leader's lease (or its restart quiet period), that
// guard moves to GuardAll, and till it ends s refuses every prepare —
// the other leader's, as it guards this one's lease now, and this one's,
// as it still guards the other's (multipaxos.md §3.3: a server answering
// heartbeat b guards until its clock + lease).
func (s *Server) guard(c *Config, leader NodeID, out *Out) {
	if c.Lease == 0 {
		return
	}
	v := &s.V
	until := out.Clock + c.Lease*100
	if v.GuardFor != leader && out.Clock < v.Guard {
		// Guard >= GuardAll always (clocks only run forward), so the
		// guard that ends last moves, and GuardAllFor is never GuardFor.
		if v.Guard >= v.GuardAll {
			v.GuardAll, v.GuardAllFor = v.Guard, v.GuardFor
		}
		v.Guard = until
	} else {
		v.Guard = max(v.Guard, until)
	}
	v.GuardFor = leader
}

// guarded reports whether s's guards refuse a prepare from (or a stand
// by) from, and if so whose lease (None: the quiet period) they guard
// until when.
func (s *Server) guarded(c *Config, from NodeID, out *Out) (bool, NodeID, int) {
	v := &s.V
	switch {
	case c.Lease == 0:
	case out.Clock < v.Guard && from != v.GuardFor:
		return true, v.GuardFor, v.Guard
	case out.Clock < v.GuardAll:
		return true, v.GuardAllFor, v.GuardAll
	}
	return false, None, 0
}

// quiet starts a restarted server's quiet period.
func (s *Server) quiet(c *Config, out *Out) {
	if c.Lease == 0 {
		return
	}
	if c.Bugs.Has(BugRestartForgetsLease) {
		out.note(Note{Kind: NoteBugActs, Bug: BugRestartForgetsLease, Node: s.ID})
		return
	}
	s.V.Guard = out.Clock + c.Lease*100
	s.V.GuardFor = None
	out.note(Note{Kind: NoteQuiet, Node: s.ID, Text: ClockText(s.V.Guard)})
}

// leaseFrom extends the leader's lease now that a majority acked round r,
// then serves the reads that waited for it.
func (s *Server) leaseFrom(c *Config, r int32, out *Out) {
	v := &s.V
	if c.Lease > 0 {
		k := 0
		for _, rs := range v.Sent {
			if rs.Round == r {
				if until := rs.At + c.LeaseSpan(); until > v.Lease {
					v.Lease = until
					out.note(Note{Kind: NoteLease, Node: s.ID, N: int(r), Text: ClockText(until)})
				}
			}
			if rs.Round > r {
				v.Sent[k] = rs
				k++
			}
		}
		v.Sent = v.Sent[:k]
	}
	s.serveReads(c, out)
}

// leaseEndsAbove ends a leader's lease once it knows a higher ballot.
func (s *Server) leaseEndsAbove(*Out) {
	if s.V.Lease != 0 && s.V.Ballot.Less(s.D.Promised) {
		s.V.Lease = 0
	}
}

// ready reports whether the leader has executed everything it proposed
// (its backlog from phase 1 included).
func (s *Server) ready() bool { return s.V.SlotOut >= s.V.SlotIn }

// readFast serves a get by lease or read index; false means it goes
// through the log. The get is in Taken already.
func (s *Server) readFast(c *Config, cmd Cmd, via Via, out *Out) bool {
	v := &s.V
	if !s.ready() {
		return false
	}
	if via == ViaLease {
		if s.HasLease(out.Clock) {
			s.readLocal(c, cmd, ReadLease, out)
			return true
		}
		if c.Bugs.Has(BugReadNoLease) {
			out.note(Note{Kind: NoteBugActs, Bug: BugReadNoLease, Node: s.ID, Cmd: cmd})
			s.readLocal(c, cmd, ReadLease, out)
			return true
		}
	}
	s.heartbeat(c, out)
	v.Reads = append(v.Reads, PendingRead{Cmd: cmd, Index: v.Upto, Round: v.HBRound})
	out.note(Note{Kind: NoteReadIndex, Node: s.ID, Cmd: cmd, Slot: v.Upto, N: int(v.HBRound)})
	if c.Quorum == 1 {
		v.MajRound = v.HBRound
		s.leaseFrom(c, v.HBRound, out)
	}
	return true
}

// serveReads answers the pending reads whose round a majority acked and
// whose index the leader executed, in arrival order.
func (s *Server) serveReads(c *Config, out *Out) {
	v := &s.V
	if v.Role != RoleLeader || v.Ballot.Less(s.D.Promised) {
		// A leader that promised a higher ballot may already be deposed:
		// its own ack no longer confirms anything (its reads wait for the
		// nack that makes it step down and answer not_leader).
		return
	}
	k := 0
	for _, r := range v.Reads {
		if r.Round <= v.MajRound && v.SlotOut-1 >= r.Index {
			s.readLocal(c, r.Cmd, ReadIndex, out)
			continue
		}
		v.Reads[k] = r
		k++
	}
	v.Reads = v.Reads[:k]
}

// readLocal answers get cmd from s's copy.
func (s *Server) readLocal(c *Config, cmd Cmd, how int, out *Out) {
	v := &s.V
	res := v.KV.Apply(cmd)
	k := 0
	for _, t := range v.Taken {
		if t.ID != cmd.ID {
			v.Taken[k] = t
			k++
		}
	}
	v.Taken = v.Taken[:k]
	to := NodeID(c.Servers + int(cmd.ID.Client) - 1)
	out.note(Note{Kind: NoteReadLocal, Node: s.ID, Peer: to, Cmd: cmd, Text: res, N: how})
	out.send(Message{Type: MsgReply, From: s.ID, To: to, Req: cmd.ID, Result: res})
}

// ObserveLeases judges lease-exclusive at the end of a step: holders are
// the servers that believe they hold a valid lease, each on its own clock.
// New beliefs start only in steps and every belief ends as clocks run on,
// so judging after every step (ticks included) judges every instant.
func (k *Checker) ObserveLeases(step int, holders []NodeID) {
	if len(holders) > 1 {
		k.report(Violation{Invariant: InvLeaseExclusive, Step: step, Server: None, Holders: append([]NodeID(nil), holders...)})
	}
}
