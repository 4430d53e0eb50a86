package multipaxos

import (
	"slices"
	"strconv"
)

// Renaming clients, for the model checker's symmetry reduction (package
// check): a state whose clients are renamed by a permutation, and whose
// values are renamed with them, behaves as the original does with the
// same renaming applied to every later step. The servers never look at a
// client's number but as an identity (sessions, reply addresses, request
// ids) and never at a value but to compare it for equality, so renaming
// both maps a reachable state to a state reachable by the renamed
// schedule, when the clients' workloads are renamed alike: the checker's
// key-value workload has client c put the value "c" (check.MPWorkload),
// so the value "c" becomes "π(c)". The lock service (its clients' beliefs
// and d1) is not renamed: searches of it do not use the reduction.

// ClientRenaming maps client i (1-based) to To[i-1] (1-based), and the
// values "1".."M" alike; everything else is kept.
type ClientRenaming struct {
	To []int
}

// Client returns the new number of client c (1-based); numbers out of
// range are kept.
func (r ClientRenaming) Client(c int) int {
	if c < 1 || c > len(r.To) {
		return c
	}
	return r.To[c-1]
}

// Val returns the renamed value v: "c" for a client number c becomes the
// renamed client's number.
func (r ClientRenaming) Val(v string) string {
	if len(v) == 0 || len(v) > 2 || v[0] < '1' || v[0] > '9' {
		return v
	}
	if len(v) == 1 { // the common case, without strconv
		n := int(v[0] - '0')
		if n > len(r.To) {
			return v
		}
		if to := r.To[n-1]; to >= 0 && to <= 9 {
			return digits[to : to+1]
		}
		return strconv.Itoa(r.To[n-1])
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > len(r.To) || strconv.Itoa(n) != v {
		return v
	}
	return strconv.Itoa(r.To[n-1])
}

const digits = "0123456789"

// Node returns the renamed node id: clients are renamed, servers and d1
// kept.
func (r ClientRenaming) Node(cfg *Config, id NodeID) NodeID {
	if !cfg.IsClient(id) {
		return id
	}
	return cfg.Client(r.Client(cfg.ClientIndex(id)))
}

// Req returns the request id renamed.
func (r ClientRenaming) Req(id ReqID) ReqID { return r.req(id) }

func (r ClientRenaming) req(id ReqID) ReqID {
	if id.Client != 0 {
		id.Client = int8(r.Client(int(id.Client)))
	}
	return id
}

// Cmd returns c renamed: its request id and its values.
func (r ClientRenaming) Cmd(c Cmd) Cmd {
	c.ID = r.req(c.ID)
	c.Val, c.New = r.Val(c.Val), r.Val(c.New)
	return c
}

// RenameMessage renames m in place.
func (r ClientRenaming) RenameMessage(cfg *Config, m *Message) {
	m.From, m.To = r.Node(cfg, m.From), r.Node(cfg, m.To)
	m.Cmd = r.Cmd(m.Cmd)
	if len(m.Votes) > 0 {
		vs := make([]SlotVote, len(m.Votes))
		for i, v := range m.Votes {
			v.Cmd = r.Cmd(v.Cmd)
			vs[i] = v
		}
		m.Votes = vs
	}
	m.Req = r.req(m.Req)
	m.Result = r.Val(m.Result)
}

func renamePages[T any](p *Pages[T], f func(*T)) {
	for i := range p.Len() {
		f(p.At(i))
	}
}

// RenameClients returns a deep copy of st with its clients renamed by r.
func (st *State) RenameClients(cfg *Config, r ClientRenaming) State {
	c := st.Clone()
	for i := range c.Servers {
		s := &c.Servers[i]
		renamePages(&s.D.Votes, func(v *Vote) { v.Cmd = r.Cmd(v.Cmd) })
		v := &s.V
		for j := range v.Adopt {
			v.Adopt[j].Cmd = r.Cmd(v.Adopt[j].Cmd)
		}
		for _, q := range [][]Cmd{v.Queue, v.Taken} {
			for j := range q {
				q[j] = r.Cmd(q[j])
			}
		}
		renamePages(&v.Slots, func(x *SlotState) { x.Decided = r.Cmd(x.Decided) })
		renamePages(&v.Props, func(x *Proposal) { x.Cmd = r.Cmd(x.Cmd) })
		for j := range v.KV.pairs {
			v.KV.pairs[j].Val = r.Val(v.KV.pairs[j].Val)
		}
		if len(v.Sessions) > 0 {
			sess := make([]Session, max(len(v.Sessions), len(r.To)))
			for j, x := range v.Sessions {
				x.Result = r.Val(x.Result)
				sess[r.Client(j+1)-1] = x
			}
			v.Sessions = sess
		}
		for j := range v.Reads {
			v.Reads[j].Cmd = r.Cmd(v.Reads[j].Cmd)
		}
	}
	cl := make([]Client, len(c.Clients))
	for i, x := range c.Clients {
		x.ID = r.Node(cfg, x.ID)
		x.Pending = r.Cmd(x.Pending)
		x.Last = r.req(x.Last)
		x.LastResult = r.Val(x.LastResult)
		cl[r.Client(i+1)-1] = x
	}
	c.Clients = cl
	return c
}

// RenameClients returns a copy of k with its clients renamed by r (the
// records the canonical encoding holds; violations found are kept as
// they are).
func (k *Checker) RenameClients(r ClientRenaming) *Checker {
	c := k.Clone()
	renamePages(&c.slots, func(s *slotRecord) {
		s.t0.Cmd = r.Cmd(s.t0.Cmd)
		if s.x != nil {
			for i := range s.x.tallies {
				s.x.tallies[i].Cmd = r.Cmd(s.x.tallies[i].Cmd)
			}
			s.x.c0 = r.Cmd(s.x.c0)
			for i := range s.x.chosen {
				s.x.chosen[i] = r.Cmd(s.x.chosen[i])
			}
			s.x.executed = r.Cmd(s.x.executed)
		}
	})
	for i := range c.servers {
		s := &c.servers[i]
		// applied grows to the highest client that applied a request:
		// so does the renamed one.
		ap := make([][]uint64, max(len(s.applied), len(r.To)))
		n := 0
		for j, a := range s.applied {
			if len(trimmed(a)) > 0 {
				k := r.Client(j+1) - 1
				ap[k] = a
				n = max(n, k+1)
			}
		}
		s.applied = ap[:n]
	}
	is := make([]Pages[Cmd], len(c.issued))
	for j := range c.issued {
		p := c.issued[j]
		renamePages(&p, func(x *Cmd) { *x = r.Cmd(*x) })
		is[r.Client(j+1)-1] = p
	}
	c.issued = is
	for _, h := range c.lin.keys {
		for i := range h.configs {
			cf := &h.configs[i]
			var lin uint16
			var outs [MaxClients + 1]string
			for p := range outs {
				q := r.Client(p)
				if cf.lin&(1<<uint(p)) != 0 {
					lin |= 1 << uint(q)
				}
				outs[q] = r.Val(cf.outs[p])
			}
			cf.val, cf.lin, cf.outs = r.Val(cf.val), lin, outs
		}
		var pend [MaxClients + 1]Cmd
		for p := range pend {
			pend[r.Client(p)] = r.Cmd(h.pending[p])
		}
		h.pending = pend
		for i := range h.past {
			h.past[i] = r.req(h.past[i])
		}
		for i := range h.init {
			h.init[i] = r.Val(h.init[i])
		}
		slices.Sort(h.init) // a set, kept sorted (quiesce)
		for i := range h.ops {
			h.ops[i].cmd = r.Cmd(h.ops[i].cmd)
			h.ops[i].result = r.Val(h.ops[i].result)
		}
	}
	return c
}

// The renamings the canonical encoders apply as they encode (canon.go): a
// nil *ClientRenaming keeps everything.

func (r *ClientRenaming) val(v string) string {
	if r == nil {
		return v
	}
	return r.Val(v)
}

func (r *ClientRenaming) reqID(id ReqID) ReqID {
	if r == nil {
		return id
	}
	return r.req(id)
}

// inverse returns, in buf's space, the inverse of r over 0..n-1
// (0-based): renamed, index k holds what index inv[k] held. n must cover
// every client r renames.
func (r *ClientRenaming) inverse(buf []int, n int) []int {
	inv := buf[:0]
	for k := range n {
		inv = append(inv, k)
	}
	if r != nil {
		for j, to := range r.To {
			if to >= 1 && to <= n {
				inv[to-1] = j
			}
		}
	}
	return inv
}
