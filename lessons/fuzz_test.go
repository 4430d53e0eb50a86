package lessons

import (
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
)

// FuzzLesson: no input makes the parser, the linter or the renderer panic;
// every diagnostic points into the file; a lesson that parses is its own
// perfect translation, and its path script parses.
func FuzzLesson(f *testing.F) {
	files, _ := fs.Glob(Embedded(), "*.md")
	for _, name := range files {
		src, _ := fs.ReadFile(Embedded(), name)
		f.Add(string(src))
	}
	f.Add(good)
	f.Add(zhOf(good))
	f.Add("---\ntitle: t\nsummary: s\ncluster: servers=3\nbreaks: agreement\n---\n## a\nb\n```actions\npropose s1 X\nrun until=chosen\n```\n### Predict\n?\n```reveal\ntick\n```\n### Explanation\n!\n")
	f.Add("---\n---\n## \n### Goal\n~~~goal\n~~~\n- [x]\n")
	big := regexp.MustCompile(`(max|tick|timeout)\s*=?\s*(\d+)`)
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 16384 {
			return
		}
		// A run line may ask for a million events: legal, but slow here.
		work := 0
		for _, m := range big.FindAllStringSubmatch(src, -1) {
			n, _ := strconv.Atoi(m[2])
			work += n
		}
		if work > 100000 || strings.Count(src, "run") > 50 {
			return
		}
		l, ds := Parse("10-fuzz.en.md", []byte(src))
		lines := strings.Count(src, "\n") + 1
		check := func(ds Diagnostics) {
			for _, d := range ds {
				if d.Line < 0 || d.Line > lines || d.Msg == "" {
					t.Fatalf("diagnostic outside the file (%d lines): %v", lines, d)
				}
			}
		}
		check(ds)
		if ds.HasErrors() {
			return
		}
		check(verify(l))
		if tr := compareTranslations(l, l); len(tr) != 0 {
			t.Fatalf("a lesson differs from itself: %v", tr)
		}
		if _, err := sim.Parse(l.File, l.PathScript()); err != nil {
			t.Fatalf("path script: %v", err)
		}
		for k, st := range l.Steps {
			_ = Render(st.Narrative)
			_ = l.EntryActions(k)
			if st.Narrative == "" || st.Title == "" {
				t.Fatalf("step %d accepted without a title or text", k+1)
			}
		}
	})
}
