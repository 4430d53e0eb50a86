package lessons

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmparser "github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md renders lesson Markdown. Raw HTML is never passed through (goldmark
// replaces it with an "omitted" comment, since html.WithUnsafe is not set),
// and safeLinks empties every link or image address whose scheme is not
// http, https or mailto. The east-asian line-break option (CSS3 draft
// style: a break next to a wide character, punctuation included, is
// dropped) keeps a Chinese paragraph wrapped over several lines from gaining
// spaces. It is used only for text with East Asian characters: goldmark
// also drops a break before inline code, emphasis or a link whatever the
// script, which would glue English words together ("then<code>deliver").
var md = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify,
		extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft))),
	goldmark.WithParserOptions(gmparser.WithASTTransformers(util.Prioritized(safeLinks{}, 1000))),
)

// mdPlain renders text without East Asian characters.
var mdPlain = goldmark.New(
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(gmparser.WithASTTransformers(util.Prioritized(safeLinks{}, 1000))),
)

// hasWide reports whether s has a CJK ideograph, kana, hangul or
// full-width character.
func hasWide(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7AF || r >= 0xF900 && r <= 0xFAFF || r >= 0xFF00 && r <= 0xFFEF {
			return true
		}
	}
	return false
}

// Render turns lesson Markdown (narrative, goal text, hint, prompt,
// explanation) into HTML that is safe to put in a page as is: no raw HTML
// from the lesson reaches the output, and links and images go only to
// http, https and mailto addresses (or relative ones).
func Render(src string) string {
	src = capNesting(src)
	var buf bytes.Buffer
	conv := mdPlain
	if hasWide(src) {
		conv = md
	}
	if err := conv.Convert([]byte(src), &buf); err != nil {
		// Converting into a bytes.Buffer cannot fail; never show
		// half-rendered text.
		return ""
	}
	return buf.String()
}

// MaxNesting bounds how deep lesson Markdown may nest block quotes and
// lists (issue 8, item 20): goldmark's work grows with the square of the
// nesting, so a lesson file of ever deeper quotes took seconds to render.
// Real lessons nest two or three deep.
const MaxNesting = 16

// capNesting returns src with every line's container prefix (quote
// markers, list markers and indentation, two columns counting as one
// level) cut to MaxNesting levels; the line's text is kept. Lines inside
// fenced code are left alone, and so is any line within the cap, so
// ordinary Markdown is unchanged.
func capNesting(src string) string {
	lines := strings.SplitAfter(src, "\n")
	changed, inFence := false, false
	for k, line := range lines {
		i, cut, levels, cols := 0, -1, 0, 0
		for i < len(line) {
			c := line[i]
			n := 0 // the length of the prefix token at i
			switch {
			case c == ' ':
				cols, n = cols+1, 1
			case c == '\t':
				cols, n = cols+4, 1
			case c == '>':
				levels, n = levels+1, 1
			default:
				if m := listMarker(line[i:]); m > 0 {
					levels, n = levels+1, m
				}
			}
			if n == 0 {
				break
			}
			if cut < 0 && levels+cols/2 > MaxNesting {
				cut = i
			}
			i += n
		}
		if rest := line[i:]; strings.HasPrefix(rest, "```") || strings.HasPrefix(rest, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || cut < 0 {
			continue
		}
		lines[k] = line[:cut] + line[i:]
		changed = true
	}
	if !changed {
		return src
	}
	return strings.Join(lines, "")
}

// listMarker returns the length of a list marker at the start of s ("- ",
// "* ", "+ ", "1. ", "12) "; the space after it included), or 0.
func listMarker(s string) int {
	j := 0
	switch {
	case len(s) > 0 && (s[0] == '-' || s[0] == '*' || s[0] == '+'):
		j = 1
	default:
		for j < len(s) && j < 9 && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == 0 || j >= len(s) || (s[j] != '.' && s[j] != ')') {
			return 0
		}
		j++
	}
	if j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		return j + 1
	}
	return 0
}

// RenderInline renders a short piece of Markdown (a choice) without the
// paragraph around it.
func RenderInline(src string) string {
	h := Render(src)
	if s, ok := strings.CutPrefix(h, "<p>"); ok {
		if s, ok := strings.CutSuffix(s, "</p>\n"); ok && !strings.Contains(s, "<p>") {
			return s
		}
	}
	return h
}

// safeLinks neutralizes unsafe link and image addresses. It judges each
// address in the form the HTML renderer writes it (entities resolved,
// percent-encoded), which is what the browser reads.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, pc gmparser.Context) {
	source := reader.Source()
	var autolinks []*ast.AutoLink
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !safeURL(util.URLEscape(n.Destination, true)) {
				n.Destination = nil
			}
		case *ast.Image:
			if !safeURL(util.URLEscape(n.Destination, true)) {
				n.Destination = nil
			}
		case *ast.AutoLink:
			if !safeURL(util.URLEscape(n.URL(source), false)) {
				autolinks = append(autolinks, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range autolinks {
		// Keep the text, drop the link.
		n.Parent().ReplaceChild(n.Parent(), n, ast.NewString(n.Label(source)))
	}
}

// safeURL reports whether u is relative or uses http, https or mailto. A
// ':' before any '/', '?' or '#' starts a scheme; anything else, including
// addresses a browser would read as javascript: after dropping spaces or
// control characters, is refused.
func safeURL(u []byte) bool {
	s := string(u)
	i := strings.IndexAny(s, ":/?#")
	if i < 0 || s[i] != ':' {
		return true
	}
	switch strings.ToLower(s[:i]) {
	case "http", "https", "mailto":
		return true
	}
	return false
}
