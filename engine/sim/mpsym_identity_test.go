package sim

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// MPCanon.Append and AppendRenamed as they were before they learnt to
// rename while encoding (engine/sim at 03c8349), verbatim but for their
// names: copy the state with RenameClients, encode the copy. The
// reference TestMPCanonRenamedIdentical holds the new ones to.

func oldAppend(c *MPCanon, dst []byte, s *MPSim, dead func(*mp.Message) bool) []byte {
	dst = s.p.st.AppendCanonical(dst)
	dst = s.p.k.AppendCanonical(dst)
	for _, g := range s.W.group {
		dst = append(dst, byte(g))
	}
	if c.Time {
		dst = c.appendTime(dst, s)
	}
	c.buf = c.buf[:0]
	c.msgs = c.msgs[:0]
	starts := c.starts[:0]
	for i := range s.W.inflight {
		if dead != nil && dead(&s.W.inflight[i]) {
			continue
		}
		starts = append(starts, len(c.buf))
		c.buf = mp.AppendMessage(c.buf, &s.W.inflight[i])
	}
	starts = append(starts, len(c.buf))
	c.starts = starts
	for i := 0; i+1 < len(starts); i++ {
		c.msgs = append(c.msgs, c.buf[starts[i]:starts[i+1]])
	}
	slices.SortFunc(c.msgs, bytes.Compare)
	dst = binary.AppendUvarint(dst, uint64(len(c.msgs)))
	for _, m := range c.msgs {
		dst = binary.AppendUvarint(dst, uint64(len(m)))
		dst = append(dst, m...)
	}
	return dst
}

func oldAppendRenamed(c *MPCanon, dst []byte, s *MPSim, dead func(*mp.Message) bool, r mp.ClientRenaming) []byte {
	cfg := s.p.cfg
	st := s.p.st.RenameClients(cfg, r)
	dst = st.AppendCanonical(dst)
	dst = s.p.k.RenameClients(r).AppendCanonical(dst)
	g := make([]int8, len(s.W.group))
	for i, x := range s.W.group {
		g[r.Node(cfg, mp.NodeID(i))] = x
	}
	for _, x := range g {
		dst = append(dst, byte(x))
	}
	c.buf = c.buf[:0]
	starts := c.starts[:0]
	for i := range s.W.inflight {
		if dead != nil && dead(&s.W.inflight[i]) {
			continue
		}
		m := s.W.inflight[i]
		r.RenameMessage(cfg, &m)
		starts = append(starts, len(c.buf))
		c.buf = mp.AppendMessage(c.buf, &m)
	}
	starts = append(starts, len(c.buf))
	c.starts = starts
	c.msgs = c.msgs[:0]
	for i := 0; i+1 < len(starts); i++ {
		c.msgs = append(c.msgs, c.buf[starts[i]:starts[i+1]])
	}
	slices.SortFunc(c.msgs, bytes.Compare)
	dst = binary.AppendUvarint(dst, uint64(len(c.msgs)))
	for _, m := range c.msgs {
		dst = binary.AppendUvarint(dst, uint64(len(m)))
		dst = append(dst, m...)
	}
	return dst
}

// mpSymStep performs one random action on s with the model checker's
// key-value workload (client c puts the value "c" or gets x), so that
// renaming clients renames the values too.
func mpSymStep(r *rand.Rand, s *MPSim) {
	cfg := s.Config()
	switch k := r.IntN(12); {
	case k == 0:
		c := 1 + r.IntN(cfg.Clients)
		op := mp.Cmd{Op: mp.OpPut, Key: "x", Val: strconv.Itoa(c)}
		if r.IntN(2) == 0 {
			op = mp.Cmd{Op: mp.OpGet, Key: "x"}
		}
		_ = s.Request(cfg.Client(c), op, mp.NodeID(r.IntN(cfg.Servers)))
	case k == 1:
		_ = s.Act(ActTimeout, mp.NodeID(r.IntN(cfg.Nodes())))
	case k == 2 && r.IntN(3) == 0:
		_ = s.Act([]Kind{ActCrash, ActRestart}[r.IntN(2)], mp.NodeID(r.IntN(cfg.Servers)))
	case k == 3 && r.IntN(2) == 0:
		// Cut one client off with a server, so that the groups tell the
		// clients apart.
		line := "heal"
		if r.IntN(2) == 0 {
			line = "partition c" + strconv.Itoa(1+r.IntN(cfg.Clients)) + " s" + strconv.Itoa(1+r.IntN(cfg.Servers)) + " | *"
		}
		if err := s.Do(line); err != nil {
			panic(line + ": " + err.Error())
		}
	default:
		mpRandomMessage(r, s)
	}
}

// TestMPCanonRenamedIdentical: after every step of random walks of two-
// and three-client clusters (windows 1 to 3, with and without a
// bootstrapped leader, so with elections), MPCanon.Append and
// AppendRenamed for every renaming of the clients give exactly the bytes
// of the old implementations, with and without dead messages left out;
// one MPCanon is reused throughout, as the model checker reuses it.
func TestMPCanonRenamedIdentical(t *testing.T) {
	var c, ref MPCanon
	var got, want []byte
	checked, differ := 0, 0
	for seed := range uint64(8) {
		rng := rand.New(rand.NewPCG(seed, 11))
		cl := DefaultMPCluster()
		cl.Clients = 2 + int(seed%2)
		cl.Window = 1 + int(seed/2%3)
		if seed%4 < 2 {
			cl.Leader = "s1"
		}
		s := NewMP(cl)
		perms := [][]int{{2, 1}}
		if cl.Clients == 3 {
			perms = [][]int{{1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}}
		}
		deads := []func(*mp.Message) bool{nil, func(m *mp.Message) bool { return m.ID%3 == 0 }}
		for step := range 500 {
			mpSymStep(rng, s)
			for _, dead := range deads {
				if got, want = c.Append(got[:0], s, dead), oldAppend(&ref, want[:0], s, dead); !bytes.Equal(got, want) {
					t.Fatalf("seed %d step %d: Append differs from the old implementation", seed, step)
				}
				ident := slices.Clone(want)
				olds := [][]byte{ident}
				for _, p := range perms {
					r := mp.ClientRenaming{To: p}
					if got, want = c.AppendRenamed(got[:0], s, dead, r), oldAppendRenamed(&ref, want[:0], s, dead, r); !bytes.Equal(got, want) {
						t.Fatalf("seed %d step %d renaming %v: AppendRenamed differs from the old implementation", seed, step, p)
					}
					olds = append(olds, slices.Clone(want))
					checked++
					if !bytes.Equal(want, ident) {
						differ++
					}
				}
				// AppendLeast: the least of the old encodings, over the
				// identity and every renaming, and over random subsets.
				for range 3 {
					var rs []*mp.ClientRenaming
					var least []byte
					for i := -1; i < len(perms); i++ {
						if len(rs) > 0 && rng.IntN(3) == 0 {
							continue
						}
						if i < 0 {
							rs = append(rs, nil)
						} else {
							rs = append(rs, &mp.ClientRenaming{To: perms[i]})
						}
						if e := olds[i+1]; least == nil || bytes.Compare(e, least) < 0 {
							least = e
						}
					}
					if got = c.AppendLeast(append(got[:0], 7), s, dead, rs); got[0] != 7 || !bytes.Equal(got[1:], least) {
						t.Fatalf("seed %d step %d: AppendLeast over %d renamings differs from the least old encoding", seed, step, len(rs))
					}
				}
			}
		}
		if s.Step() < 50 {
			t.Errorf("seed %d: only %d steps taken", seed, s.Step())
		}
	}
	t.Logf("%d renamed encodings compared, %d unlike the state's own", checked, differ)
	if differ < checked/2 {
		t.Fatalf("only %d of %d renamed encodings differ from the state's own: the walks do not exercise the renaming", differ, checked)
	}
}

// TestMPAppendLeastTies: near the start of a search, a state and its
// renamings often have the same servers' and clients' state and differ
// only in the checker's records or the messages (client 1's request
// duplicated, client 2's not): AppendLeast must then complete them all.
// Along many short walks of clusters with two and three clients it gives
// the least of the old encodings.
func TestMPAppendLeastTies(t *testing.T) {
	var c, ref MPCanon
	ties := 0
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 13))
		cl := DefaultMPCluster()
		cl.Clients = 2 + int(seed%2)
		cl.Window = 1 + int(seed/2%2)
		cl.Leader = "s1"
		s := NewMP(cl)
		perms := [][]int{{2, 1}}
		if cl.Clients == 3 {
			perms = [][]int{{1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}}
		}
		for c := range cl.Clients {
			if err := s.Request(s.Config().Client(c+1), mp.Cmd{Op: mp.OpPut, Key: "x", Val: strconv.Itoa(c + 1)}, 0); err != nil {
				t.Fatal(err)
			}
		}
		for range 6 {
			rs := []*mp.ClientRenaming{nil}
			least := oldAppend(&ref, nil, s, nil)
			start := s.p.st.AppendCanonical(nil)
			tie := false
			for _, p := range perms {
				r := mp.ClientRenaming{To: p}
				rs = append(rs, &r)
				e := oldAppendRenamed(&ref, nil, s, nil, r)
				if bytes.Compare(e, least) < 0 {
					least = e
				}
				if st := s.p.st.AppendCanonicalRenamed(nil, &r); bytes.Equal(st, start) && !bytes.Equal(e, oldAppend(&ref, nil, s, nil)) {
					tie = true
				}
			}
			if tie {
				ties++
			}
			if got := c.AppendLeast(nil, s, nil, rs); !bytes.Equal(got, least) {
				t.Fatalf("seed %d step %d: AppendLeast differs from the least old encoding", seed, s.Step())
			}
			mpSymStep(rng, s)
		}
	}
	t.Logf("%d states with a renaming of the same start but a different encoding", ties)
	if ties < 100 {
		t.Fatalf("only %d states tie on their start: the test does not exercise AppendLeast's second stage", ties)
	}
}
