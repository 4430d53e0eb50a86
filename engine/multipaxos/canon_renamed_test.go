package multipaxos

import (
	"bytes"
	"strconv"
	"testing"
)

// permutations returns every renaming of clients 1..n but the identity.
func permutations(n int) []ClientRenaming {
	var out []ClientRenaming
	perm := make([]int, n)
	used := make([]bool, n)
	var rec func(i int)
	rec = func(i int) {
		if i == n {
			identity := true
			for j, p := range perm {
				identity = identity && p == j+1
			}
			if !identity {
				out = append(out, ClientRenaming{To: append([]int(nil), perm...)})
			}
			return
		}
		for j := range n {
			if !used[j] {
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

// TestCanonicalRenamedIdentical: after every step of random walks (two
// and three clients, windows 1 to 5, elections, crashes, partitions,
// retries), the encoders give exactly the bytes the old ones give: as
// they are (AppendCanonical, AppendMessage) and for every renaming of the
// clients, against copying the state with RenameClients and encoding the
// copy with the old encoders.
func TestCanonicalRenamedIdentical(t *testing.T) {
	var sc CanonScratch
	checked, renamedDiffer := 0, 0
	var got, want []byte
	walkHook = func(w *world) {
		cfg := w.cfg
		if got, want = w.st.AppendCanonical(got[:0]), oldStateCanonical(&w.st, want[:0]); !bytes.Equal(got, want) {
			t.Fatalf("step %d: State.AppendCanonical differs from the old encoder", w.step)
		}
		if got, want = w.k.AppendCanonical(got[:0]), oldCheckerCanonical(w.k, want[:0]); !bytes.Equal(got, want) {
			t.Fatalf("step %d: Checker.AppendCanonical differs from the old encoder", w.step)
		}
		if got = w.k.AppendCanonicalRenamed(got[:0], nil, &sc); !bytes.Equal(got, want) {
			t.Fatalf("step %d: Checker.AppendCanonicalRenamed(nil) differs from the old encoder", w.step)
		}
		for i := range w.fly {
			if got, want = AppendMessage(got[:0], &w.fly[i]), oldAppendMessage(want[:0], &w.fly[i]); !bytes.Equal(got, want) {
				t.Fatalf("step %d: AppendMessage differs from the old encoder", w.step)
			}
		}
		for _, r := range permutations(cfg.Clients) {
			ident := oldStateCanonical(&w.st, nil)
			rs := w.st.RenameClients(cfg, r)
			if got, want = w.st.AppendCanonicalRenamed(got[:0], &r), oldStateCanonical(&rs, want[:0]); !bytes.Equal(got, want) {
				t.Fatalf("step %d renaming %v: State.AppendCanonicalRenamed differs from RenameClients+AppendCanonical", w.step, r.To)
			}
			if !bytes.Equal(want, ident) {
				renamedDiffer++
			}
			rk := w.k.RenameClients(r)
			if got, want = w.k.AppendCanonicalRenamed(got[:0], &r, &sc), oldCheckerCanonical(rk, want[:0]); !bytes.Equal(got, want) {
				t.Fatalf("step %d renaming %v: Checker.AppendCanonicalRenamed differs from RenameClients+AppendCanonical", w.step, r.To)
			}
			// The walks reach a quiescent point with a choice of values
			// seldom: give the keys one, as a sorted set.
			k := w.k.Clone()
			for _, h := range k.lin.keys {
				h.init = []string{"1", "2", "3", "a"}[w.step%3:]
			}
			rk = k.RenameClients(r)
			if got, want = k.AppendCanonicalRenamed(got[:0], &r, &sc), oldCheckerCanonical(rk, want[:0]); !bytes.Equal(got, want) {
				t.Fatalf("step %d renaming %v: Checker.AppendCanonicalRenamed differs from RenameClients+AppendCanonical (values at the quiescent point %v)", w.step, r.To, k.lin.keys)
			}
			for i := range w.fly {
				m := w.fly[i]
				r.RenameMessage(cfg, &m)
				if got, want = AppendMessageRenamed(got[:0], cfg, &w.fly[i], &r), oldAppendMessage(want[:0], &m); !bytes.Equal(got, want) {
					t.Fatalf("step %d renaming %v: AppendMessageRenamed differs from RenameMessage+AppendMessage", w.step, r.To)
				}
			}
			checked++
		}
	}
	defer func() { walkHook = nil }()
	for seed := range uint64(8) {
		for _, leader := range []string{"s1", ""} {
			clients, window := 2+int(seed%2), []int{1, 2, 3, 5}[seed%4]
			timeout := []int{DefaultTimeout, 20, DefaultTimeout, 4}[seed/2%4]
			cfg, err := NewConfig(3, clients, window, timeout, DefaultHeartbeat, 0)
			if err != nil {
				t.Fatal(err)
			}
			walk(t, seed, cfg, leader, 600, false)
		}
	}
	t.Logf("%d renamed states compared, %d of them unlike the state itself", checked, renamedDiffer)
	if renamedDiffer < checked/2 {
		t.Fatalf("only %d of %d renamed states differ from the state: the walks do not exercise the renaming", renamedDiffer, checked)
	}
}

// oldVal is ClientRenaming.Val before its fast path for one digit.
func oldVal(r ClientRenaming, v string) string {
	if len(v) == 0 || len(v) > 2 || v[0] < '1' || v[0] > '9' {
		return v
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > len(r.To) || strconv.Itoa(n) != v {
		return v
	}
	return strconv.Itoa(r.To[n-1])
}

// TestRenameValIdentical: Val gives what it gave before its fast path,
// for every string of up to three characters of digits and a few others,
// under renamings of up to eleven clients (numbers out of range too).
func TestRenameValIdentical(t *testing.T) {
	chars := []string{"0", "1", "2", "3", "9", "a", "-", "+"}
	vals := []string{"", "10", "11", "12", "01", "ok", "nil"}
	for _, a := range chars {
		vals = append(vals, a)
		for _, b := range chars {
			vals = append(vals, a+b)
			for _, c := range chars {
				vals = append(vals, a+b+c)
			}
		}
	}
	renamings := []ClientRenaming{{}, {To: []int{2, 1}}, {To: []int{3, 1, 2}}, {To: []int{0, -1, 10, 11, 12, 99, 1, 2, 3, 4, 5}}}
	renamings = append(renamings, permutations(4)...)
	for _, r := range renamings {
		for _, v := range vals {
			if got, want := r.Val(v), oldVal(r, v); got != want {
				t.Fatalf("renaming %v: Val(%q) = %q, want %q", r.To, v, got, want)
			}
		}
	}
}
