package check

import (
	"bytes"
	"encoding/binary"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/engine/sim"
)

// Client symmetry in the Multi-Paxos search (mpSym).
//
// In the key-value workload client c's commands are put x c, then get x
// (MPWorkload): clients with the same quota of requests are
// interchangeable once the value each writes is renamed with it. A state
// is stored under the least encoding among its renamings by the
// permutations of clients with equal quotas (sim.MPCanon.AppendRenamed,
// mp.ClientRenaming): renamed states are reached by the renamed schedules,
// which have the same length and break the same invariants, so the
// verdict and the length of the shortest counterexample are unchanged.
//
// Servers are not renamed. Two things in the engine tell servers apart by
// their numbers, so a renaming of servers is not a symmetry of the
// transition system: a ballot R.I orders two ballots of one round by the
// server's index I, and a client redirected without a hint (by a server
// that stands for its own ballot or has promised none) or retrying goes to
// the next server in index order, s1 → s2 → s3 → s1: swapping s2 and s3
// turns "s2 redirects c1 to s3" into "s3 redirects c1 to s1". Only the
// rotations commute with that ring, and the bootstrapped leader s1 makes
// every reachable state differ from its rotations.
//
// The reduction is off for the other workloads (stale-read and lock tie
// clients to roles; the lock service's beliefs are not renamed) and for
// searches that let time pass (clocks and timers are per node).

// mpSymLimit bounds the renamings tried per state.
const mpSymLimit = 120

// symmetries returns the renamings the search tries (none when the
// reduction is off).
func (e *mpSearch) symmetries() []mp.ClientRenaming {
	o := &e.opt
	m := len(e.quota)
	if o.NoSymmetry || o.NoReduction || o.Workload != WorkloadKV || o.timed() || o.Cluster.Lock || m < 2 {
		return nil
	}
	var out []mp.ClientRenaming
	perm := make([]int, m)
	used := make([]bool, m)
	var rec func(i int)
	rec = func(i int) {
		if len(out) >= mpSymLimit {
			return
		}
		if i == m {
			identity := true
			for j, p := range perm {
				identity = identity && p == j+1
			}
			if !identity {
				out = append(out, mp.ClientRenaming{To: append([]int(nil), perm...)})
			}
			return
		}
		for j := range m {
			if !used[j] && e.quota[j] == e.quota[i] {
				used[j] = true
				perm[i] = j + 1
				rec(i + 1)
				used[j] = false
			}
		}
	}
	rec(0)
	return out
}

// symKey appends to dst the least encoding of s among its renamings by
// e.sym and the identity. The renamings are first compared by their
// clients' records alone (clientSig, cheap); only those tied for the least
// are encoded in full. Both comparisons are of the renamed state itself,
// so every state of one class picks the same representative.
func (e *mpSearch) symKey(dst []byte, s *sim.MPSim, dead func(*mp.Message) bool) []byte {
	e.sigBest = e.clientSig(e.sigBest[:0], s, nil)
	e.ties = append(e.ties[:0], -1)
	for i := range e.sym {
		e.sig = e.clientSig(e.sig[:0], s, &e.sym[i])
		switch c := bytes.Compare(e.sig, e.sigBest); {
		case c < 0:
			e.sigBest, e.sig = e.sig, e.sigBest
			e.ties = append(e.ties[:0], i)
		case c == 0:
			e.ties = append(e.ties, i)
		}
	}
	var arr [8]*mp.ClientRenaming
	rs := arr[:0]
	for _, i := range e.ties {
		if i < 0 {
			rs = append(rs, nil)
		} else {
			rs = append(rs, &e.sym[i])
		}
	}
	return e.canon.AppendLeast(dst, s, dead, rs)
}

// clientSig appends the clients' records of s renamed by r (nil: as they
// are), new client 1 first.
func (e *mpSearch) clientSig(dst []byte, s *sim.MPSim, r *mp.ClientRenaming) []byte {
	cl := s.State().Clients
	for k := range cl {
		c := cl[k]
		if r != nil {
			for i, to := range r.To {
				if to == k+1 {
					c = cl[i]
				}
			}
			c.Pending, c.Last, c.LastResult = r.Cmd(c.Pending), r.Req(c.Last), r.Val(c.LastResult)
		}
		dst = binary.AppendVarint(dst, int64(c.Seq))
		dst = mp.AppendCmd(dst, c.Pending)
		dst = append(dst, byte(c.Hint), byte(c.LastTo), byte(c.Via), byte(c.Last.Client))
		dst = binary.AppendVarint(dst, int64(c.Last.Seq))
		dst = binary.AppendUvarint(dst, uint64(len(c.LastResult)))
		dst = append(dst, c.LastResult...)
	}
	return dst
}
