package raft

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// TestAppendKeyPermRenames: running one schedule with the servers renamed
// gives states whose keys are the renamed keys of the original's: the
// servers' state (votes, vote sets, nextIndex and matchIndex included),
// the checker's records and the in-flight messages. The unrenamed keys
// differ, so the check has teeth.
func TestAppendKeyPermRenames(t *testing.T) {
	run := func(a, b, c string) *world {
		w := newWorld(t, cfgOf(t, 3, "noop=0"))
		w.timeout(a)
		w.deliver("requestvote " + a + "->" + b)
		w.deliver("vote " + b + "->" + a)
		w.propose(a, "X")
		w.deliver("append " + a + "->" + c)
		w.timeout(b)
		w.deliver("requestvote " + b + "->" + c)
		return w
	}
	x := run("s1", "s2", "s3")
	y := run("s3", "s1", "s2")
	p := Perm{2, 0, 1} // s1 -> s3, s2 -> s1, s3 -> s2
	msgs := func(w *world, p Perm) string {
		var ks []string
		for i := range w.fly {
			ks = append(ks, string(AppendMessageKey(nil, &w.fly[i], p)))
		}
		slices.Sort(ks)
		return strings.Join(ks, "|")
	}
	if got, want := x.st.AppendKeyPerm(x.cfg, p, nil), y.st.AppendKey(y.cfg, nil); !bytes.Equal(got, want) {
		t.Errorf("state keys differ:\n%x\n%x", got, want)
	}
	if got, want := x.k.AppendKeyPerm(p, nil), y.k.AppendKey(nil); !bytes.Equal(got, want) {
		t.Errorf("checker keys differ:\n%x\n%x", got, want)
	}
	if msgs(x, p) != msgs(y, nil) {
		t.Errorf("in-flight keys differ")
	}
	if bytes.Equal(x.st.AppendKey(x.cfg, nil), y.st.AppendKey(y.cfg, nil)) || msgs(x, nil) == msgs(y, nil) {
		t.Errorf("the unrenamed keys are equal: the test shows nothing")
	}
	if !bytes.Equal(x.st.AppendKeyPerm(x.cfg, Perm{0, 1, 2}, nil), x.st.AppendKey(x.cfg, nil)) {
		t.Errorf("the identity renaming changes the key")
	}
}
