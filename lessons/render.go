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
