package lessons

import (
	"regexp"
	"strings"
	"testing"
)

// deepQuotes is a lesson text whose lines nest block quotes ever deeper:
// goldmark's work grows with the square of the depth and the lines.
func deepQuotes(lines int) string {
	var sb strings.Builder
	for i := 1; i <= lines; i++ {
		sb.WriteString(strings.Repeat(">", i) + " x\n")
	}
	return sb.String()
}

// maxDepth returns the deepest nesting of the given element in HTML.
func maxDepth(html, tag string) int {
	depth, deepest := 0, 0
	for _, m := range regexp.MustCompile(`</?`+tag+`>`).FindAllString(html, -1) {
		if strings.HasPrefix(m, "</") {
			depth--
		} else {
			depth++
			deepest = max(deepest, depth)
		}
	}
	return deepest
}

// TestRenderNestingCapped (issue 8, item 20): however deep a lesson file
// nests quotes or lists, the rendered text nests at most MaxNesting
// deep, and the words survive.
func TestRenderNestingCapped(t *testing.T) {
	for name, c := range map[string]struct{ src, tag string }{
		"quotes":        {deepQuotes(300), "blockquote"},
		"one line":      {strings.Repeat("> ", 2000) + "x", "blockquote"},
		"lists":         {strings.Repeat("- ", 2000) + "x", "ul"},
		"ordered lists": {strings.Repeat("1. ", 2000) + "x", "ol"},
		"indented lists": {func() string {
			var sb strings.Builder
			for i := 0; i < 300; i++ {
				sb.WriteString(strings.Repeat("  ", i) + "- x\n")
			}
			return sb.String()
		}(), "ul"},
	} {
		out := Render(c.src)
		if d := maxDepth(out, c.tag); d > MaxNesting {
			t.Errorf("%s: <%s> nested %d deep; the cap is %d", name, c.tag, d, MaxNesting)
		}
		if !strings.Contains(out, "x") {
			t.Errorf("%s: the text was lost", name)
		}
	}
	// Ordinary nesting is untouched.
	src := "> quoted\n>\n> - a list\n>   - nested\n\n1. one\n   - sub\n"
	if Render(src) != renderUncapped(src) {
		t.Errorf("shallow Markdown renders differently:\n%s\n%s", Render(src), renderUncapped(src))
	}
}

// renderUncapped renders without the nesting cap.
func renderUncapped(src string) string {
	var sb strings.Builder
	mdPlain.Convert([]byte(src), &sb)
	return sb.String()
}

// BenchmarkRenderDeepQuotes: 300 lines of ever deeper quotes.
func BenchmarkRenderDeepQuotes(b *testing.B) {
	src := deepQuotes(300)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		Render(src)
	}
}
