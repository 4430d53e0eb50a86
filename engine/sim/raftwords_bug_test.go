package sim

import (
	"os"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/i18n"
)

// Under bugs=commit_old_term a leader commits an entry of an earlier term
// by counting its copies. The narration of that commit must say so, in
// English and in Chinese, not that "an entry of its own term is stored on
// a majority" (false there); a commit of the leader's own term keeps the
// usual words.
func TestRaftNarrationCommitOldTerm(t *testing.T) {
	src, err := os.ReadFile("testdata/raft/bug-commit_old_term.pxs")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") && !strings.HasPrefix(l, "expect") {
			lines = append(lines, l)
		}
	}
	run := func() map[i18n.Lang][]string {
		h, err := NewRaftHistory(lines[0])
		if err != nil {
			t.Fatal(err)
		}
		said := map[i18n.Lang][]string{}
		for _, l := range lines[1:] {
			evs, err := h.Do(l)
			if err != nil && err != ErrNothing {
				t.Fatalf("%s: %v", l, err)
			}
			for _, ev := range evs {
				for _, n := range ev.Notes {
					if strings.HasPrefix(n.Key, "note.raft.commit") && n.Args["node"] == n.Args["peer"] {
						for _, lang := range []i18n.Lang{i18n.EN, i18n.ZH} {
							said[lang] = append(said[lang], i18n.Format(lang, n.Key, n.Args))
						}
					}
				}
			}
		}
		return said
	}
	own := map[i18n.Lang]string{i18n.EN: "its own term is stored on a majority", i18n.ZH: "本任期的一个条目已存于多数派"}
	old := map[i18n.Lang]string{i18n.EN: "the earlier term 1, not of its own term 3", i18n.ZH: "较早任期 1 的条目的副本数，而非它本任期 3"}
	bug := run()
	for lang, said := range bug {
		if len(said) == 0 {
			t.Fatalf("%s: no leader commit narrated", lang)
		}
		if strings.Contains(said[0], own[lang]) || !strings.Contains(said[0], old[lang]) {
			t.Errorf("%s: the old-term commit is narrated %q", lang, said[0])
		}
		for _, s := range said {
			if strings.Contains(s, own[lang]) {
				t.Errorf("%s: under commit_old_term a leader commit says %q", lang, s)
			}
		}
	}
	// Under the bug, a leader's commit of an entry of its own term keeps
	// the usual words.
	h, err := NewRaftHistory("cluster raft servers=3 noop=0 seed=21 bugs=commit_old_term")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"timeout s1", "run max=40", "propose s1 A", "run max=40"} {
		evs, err := h.Do(l)
		if err != nil && err != ErrNothing {
			t.Fatalf("%s: %v", l, err)
		}
		for _, ev := range evs {
			for _, n := range ev.Notes {
				if n.Key == "note.raft.commit.old_term" {
					t.Errorf("a commit of the leader's own term is narrated as old-term: %v", n.Args)
				}
				if n.Key == "note.raft.commit.self" {
					own[i18n.EN] = ""
				}
			}
		}
	}
	if own[i18n.EN] != "" {
		t.Error("no commit of the leader's own term narrated under the bug")
	}
}
