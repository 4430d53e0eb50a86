package lessons

import (
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/i18n"
)

// builtinFiles returns the text of every built-in lesson file by name.
func builtinFiles(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	names, err := fs.Glob(Embedded(), "*.md")
	if err != nil || len(names) == 0 {
		t.Fatalf("no built-in lessons: %v", err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(Embedded(), n)
		if err != nil {
			t.Fatal(err)
		}
		out[n] = string(b)
	}
	return out
}

// glossaryAvoided reads the "Avoid" column of the glossary in the authoring
// guide: words that must not be used for the term of their row.
func glossaryAvoided(t *testing.T) map[string]string {
	t.Helper()
	guide, err := os.ReadFile("../docs/lessons.md")
	if err != nil {
		t.Skipf("no authoring guide: %v", err)
	}
	_, rest, ok := strings.Cut(string(guide), "\n### Glossary\n")
	if !ok {
		t.Fatal("the guide has no ### Glossary")
	}
	avoid := map[string]string{} // word -> the row's English term
	for _, line := range strings.Split(rest, "\n") {
		if strings.HasPrefix(line, "#") {
			break
		}
		cells := strings.Split(line, "|")
		if len(cells) != 5 || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") || strings.TrimSpace(cells[1]) == "English" {
			continue
		}
		for _, w := range strings.Split(cells[3], ",") {
			if w = strings.TrimSpace(w); w != "" {
				avoid[w] = strings.TrimSpace(cells[1])
			}
		}
	}
	if len(avoid) < 10 {
		t.Fatalf("the glossary lists only %d words to avoid: is its table still | English | 中文 | Avoid |?", len(avoid))
	}
	return avoid
}

// TestGlossaryAvoided: no Chinese lesson and no Chinese interface string
// uses a word the glossary says to avoid (代数 for generation number, 定时器
// for timer, "bug 开关", 时钟周期 for tick, ...), so that one term keeps one
// name everywhere.
func TestGlossaryAvoided(t *testing.T) {
	avoid := glossaryAvoided(t)
	texts := map[string]string{}
	for name, src := range builtinFiles(t) {
		if strings.HasSuffix(name, ".zh.md") {
			texts[name] = src
		}
	}
	for key, s := range i18n.Table(i18n.ZH) {
		texts["i18n "+key] = s
	}
	for where, s := range texts {
		for w, term := range avoid {
			if strings.Contains(s, w) {
				t.Errorf("%s: uses %q for %s; the glossary in docs/lessons.md says not to", where, w, term)
			}
		}
	}
}

// TestLessonCitations: what the lessons cite is cited right (issue 8).
func TestLessonCitations(t *testing.T) {
	files := builtinFiles(t)
	// Paxos Made Live (PODC 2007): §4.1 disk corruption, §4.2 master
	// leases, §5.2 runtime consistency checking, §5.3 testing. Nothing else
	// is cited, so any other section number is a mistake.
	pml := regexp.MustCompile(`Paxos Made Live[^§]{0,20}((?:§[0-9.]+(?:\s*(?:and|,)\s*)?)+)`)
	sec := regexp.MustCompile(`§([0-9.]+)`)
	allowed := map[string]bool{"4.1": true, "4.2": true, "5.2": true, "5.3": true}
	cited := 0
	for name, src := range files {
		for _, m := range pml.FindAllStringSubmatch(src, -1) {
			for _, s := range sec.FindAllStringSubmatch(m[1], -1) {
				cited++
				if !allowed[s[1]] {
					t.Errorf("%s: cites Paxos Made Live §%s (%q); its sections: §4.1 disk corruption, §4.2 master leases, §5.2 runtime consistency checking, §5.3 testing", name, s[1], m[0])
				}
			}
		}
	}
	if cited == 0 {
		t.Error("no lesson cites a section of Paxos Made Live: has the pattern gone stale?")
	}

	// The source article is named once, in lesson 01, and every other
	// lesson that mentions it refers back there.
	for _, lang := range []string{"en", "zh"} {
		named := map[string]string{"en": "overview article on data\nconsistency in distributed systems", "zh": "介绍分布式系统数据一致性的综述文章"}[lang]
		if !strings.Contains(files["01-message-passing."+lang+".md"], named) {
			t.Errorf("01-message-passing.%s.md does not name the source article (%q)", lang, named)
		}
	}
	refs := []string{"source article (lesson 1)", "source article of lesson 1", "原文章（见第 1 课）", "第 1 课提到的原文章"}
	for name, src := range files {
		if strings.HasPrefix(name, "01-") || !strings.Contains(src, "source article") && !strings.Contains(src, "原文章") {
			continue
		}
		if !slices.ContainsFunc(refs, func(r string) bool { return strings.Contains(src, r) }) {
			t.Errorf("%s: mentions the source article without referring to lesson 1, where it is named", name)
		}
	}
}

// TestLessonClaims: statements the review found false stay out of the
// lessons (issue 8, items 1, 4, 8).
func TestLessonClaims(t *testing.T) {
	wrong := []struct{ text, why string }{
		{"Only such majorities are sure to overlap", "majorities are the simplest quorums that always overlap, not the only ones (weighted, grid, Flexible Paxos)"},
		{"it can always learn again", "a restarted learner learns again only from accepted messages that still reach it"},
		{"总可以重新学习", "a restarted learner learns again only from accepted messages that still reach it"},
		{"and l1\ntells no one", "a learner that learns tells the proposers with decided"},
		{"a proposer never hears whether its value was chosen", "a learner that learns tells the proposers with decided"},
		{"提议者永远不会得知自己的值是否被选定", "a learner that learns tells the proposers with decided"},
		{"Only a god's-eye check", "Paxos Made Live's runtime consistency checks (§5.2) can catch divergent replicas"},
	}
	for name, src := range builtinFiles(t) {
		for _, w := range wrong {
			if strings.Contains(src, w.text) {
				t.Errorf("%s: says %q: %s", name, w.text, w.why)
			}
		}
	}
	// Lesson 12 names the Paxos counterpart of Raft's one vote per term.
	for _, f := range []struct{ name, want string }{
		{"12-paxos-and-raft.en.md", "promise once per ballot"},
		{"12-paxos-and-raft.zh.md", "每个编号只承诺一次"},
	} {
		if !strings.Contains(builtinFiles(t)[f.name], f.want) {
			t.Errorf("%s: does not name %q as the analogue of Raft's one vote per term", f.name, f.want)
		}
	}
}

// TestReadmeLessonCount: the README's "## Lessons" section says how many
// lessons there are, in words, and the number is right.
func TestReadmeLessonCount(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Skipf("no README: %v", err)
	}
	_, rest, ok := strings.Cut(string(readme), "\n## Lessons\n")
	if !ok {
		t.Fatal("README has no ## Lessons section")
	}
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"}
	m := regexp.MustCompile(`(?i)\b([a-z]+) lessons\b`).FindStringSubmatch(rest)
	if m == nil {
		t.Fatal(`README's ## Lessons section does not say "N lessons"`)
	}
	set, ds := Builtin()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	n := set.Len()
	if n >= len(words) || !strings.EqualFold(m[1], words[n]) {
		t.Errorf("README says %q lessons; there are %d", m[1], n)
	}
}
