package sim

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// FuzzScript: no input makes the parser or the interpreter panic or hang,
// and every parsed action prints as a line that parses back the same.
func FuzzScript(f *testing.F) {
	files, _ := filepath.Glob("testdata/golden/*.pxs")
	for _, p := range files {
		src, _ := os.ReadFile(p)
		f.Add(string(src))
	}
	f.Add("cluster servers=3 seed=4\npropose s2 A\nrun max=50 drop=0.2 dup=0.2\npartition s1 | *\nheal\nexpect safe\n")
	f.Add("cluster proposers=1 acceptors=1 learners=0\npropose p1 v\ntick 999\nrun until=quiet\n")
	raftFiles, _ := filepath.Glob("testdata/raft/*.pxs")
	for _, p := range raftFiles {
		src, _ := os.ReadFile(p)
		f.Add(string(src))
	}
	big := regexp.MustCompile(`(max|tick)\s*=?\s*(\d+)`)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 8192 {
			return
		}
		// Keep each input fast: a script may ask for up to a million
		// events per run line, which is legal but slow for a fuzzer.
		work := 0
		for _, m := range big.FindAllStringSubmatch(src, -1) {
			n, _ := strconv.Atoi(m[2])
			work += n
		}
		if work > 200000 {
			return
		}
		sc, err := Parse("fuzz", src)
		if err != nil {
			return
		}
		cfg := sc.Cluster.EngineConfig()
		for _, st := range sc.Stmts {
			if sc.Protocol != ProtoPaxos {
				break // the round trip below is single-decree's Format
			}
			var line string
			if st.Action != nil {
				line = st.Action.Format(cfg)
			} else {
				line = st.Expect.Format(cfg)
			}
			back, err := ParseCommand(cfg, line)
			if err != nil {
				t.Fatalf("%q formats as %q, which does not parse: %v", st.Text, line, err)
			}
			var again string
			if back.Action != nil {
				again = back.Action.Format(cfg)
			} else {
				again = back.Expect.Format(cfg)
			}
			if again != line {
				t.Fatalf("%q -> %q -> %q", st.Text, line, again)
			}
		}
		res := Exec(sc, nil)
		if res.Sim != nil && sc.Cluster.Bugs == 0 && res.Sim.Violated("") {
			t.Fatalf("correct engine broke safety: %v\n%s", res.Sim.Violations(), src)
		}
		if res.Raft != nil && raftCorrect(res.Raft.Config().Bugs) && len(res.Raft.Checker().Violations()) > 0 {
			t.Fatalf("correct Raft broke safety: %v\n%s", res.Raft.Checker().Violations()[0].Describe(res.Raft.Config()), src)
		}
	})
}

// FuzzActions decodes bytes into a cluster and a sequence of actions (the
// same vocabulary as random walks): on the correct engine no invariant
// breaks, nothing panics, and Clone is deep.
func FuzzActions(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte("deliver the promise before the prepare arrives"))
	f.Add([]byte{5, 50, 50, 50, 50, 0, 0, 0, 90, 90, 90, 10, 10, 10, 10, 200, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || len(data) > 4096 {
			return
		}
		i := 0
		pick := func(n int) int {
			if n <= 1 {
				return 0
			}
			b := int(data[i%len(data)])
			i++
			return b % n
		}
		cl := walkClusters[int(data[0])%len(walkClusters)]
		cl.Seed, cl.TimeoutTicks = uint64(data[1]), 3+int(data[1])%8
		s := New(cl)
		var clone *Sim
		var cloneSummary string
		for i < 3*len(data) {
			a := RandomAction(s, pick)
			if s.Check(&a) != nil {
				continue
			}
			if _, err := s.Apply(&a); err != nil {
				t.Fatalf("checked action failed: %v", err)
			}
			if s.Violated("") {
				t.Fatalf("invariant broke: %v", s.Violations())
			}
			if clone == nil && s.Step() > 5 {
				clone = s.Clone()
				cloneSummary = clone.Summary()
			}
		}
		if clone != nil && clone.Summary() != cloneSummary {
			t.Fatal("stepping the original changed its clone")
		}
	})
}
