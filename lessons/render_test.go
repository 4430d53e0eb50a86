package lessons

import (
	"io/fs"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestRenderHostile: no raw HTML, event handler or script address from a
// lesson file reaches the page.
func TestRenderHostile(t *testing.T) {
	hostile := []string{
		"<script>alert(1)</script>",
		"Hello <script>alert(1)</script> world",
		`<img src=x onerror="alert(1)">`,
		`text <img src=x onerror=alert(1)> text`,
		`<div onclick="alert(1)">click</div>`,
		"<iframe src=\"https://evil.example\"></iframe>",
		"<style>body{display:none}</style>",
		"<!-- comment --><svg onload=alert(1)>",
		"<a href=\"javascript:alert(1)\">x</a>",
		"[x](javascript:alert(1))",
		"[x](JaVaScRiPt:alert(1))",
		"[x](  javascript:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"[x](java&#x09;script:alert(1))",
		"[x](vbscript:msgbox(1))",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"[x][r]\n\n[r]: javascript:alert(1)",
		"![x](javascript:alert(1))",
		"![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
		"<javascript:alert(1)>",
		"[x](\"onmouseover=alert(1))",
		"[x](https://ok.example \"title\\\" onmouseover=\\\"alert(1)\")",
		"`<script>` in code is text",
		"```\n<script>alert(1)</script>\n```",
		"| a | b |\n|---|---|\n| <script>x</script> | <b onclick=1>y</b> |",
	}
	for _, src := range hostile {
		for _, out := range []string{Render(src), RenderInline(src)} {
			if err := safeHTML(out); err != "" {
				t.Errorf("%q renders as %q: %s", src, out, err)
			}
		}
	}
}

var (
	tagRE  = regexp.MustCompile(`<(/?)([a-zA-Z0-9]+)([^>]*)>`)
	attrRE = regexp.MustCompile(`^\s+([a-zA-Z-]+)="([^"]*)"`)
	okTags = map[string]bool{"p": true, "a": true, "em": true, "strong": true, "code": true, "pre": true,
		"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "del": true, "img": true,
		"ul": true, "ol": true, "li": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "hr": true, "br": true}
	okAttrs = map[string]bool{"href": true, "src": true, "alt": true, "title": true, "class": true, "start": true}
)

// safeHTML checks rendered HTML against an allowlist: known tags, known
// attributes with quoted values, and link addresses that are http, https,
// mailto, relative or empty. It returns what is wrong, or "".
func safeHTML(h string) string {
	h = strings.ReplaceAll(h, "<!-- raw HTML omitted -->", "")
	rest := tagRE.ReplaceAllStringFunc(h, func(string) string { return "" })
	if strings.ContainsAny(rest, "<>") {
		return "a stray < or > outside a tag"
	}
	for _, m := range tagRE.FindAllStringSubmatch(h, -1) {
		name, attrs := strings.ToLower(m[2]), m[3]
		if !okTags[name] {
			return "tag " + name
		}
		attrs = strings.TrimSuffix(strings.TrimSpace(attrs), "/")
		attrs = " " + attrs
		for strings.TrimSpace(attrs) != "" {
			a := attrRE.FindStringSubmatch(attrs)
			if a == nil {
				return "unparsable attributes " + attrs
			}
			if !okAttrs[a[1]] {
				return "attribute " + a[1]
			}
			if (a[1] == "href" || a[1] == "src") && !safeURL([]byte(a[2])) {
				return "address " + a[2]
			}
			attrs = attrs[len(a[0]):]
		}
	}
	return ""
}

func TestSafeHTMLCatches(t *testing.T) {
	for _, bad := range []string{`<script>`, `<a href="javascript:x">`, `<img src=x onerror=y>`, `<p onclick="x">`, `a < b`} {
		if safeHTML(bad) == "" {
			t.Errorf("safeHTML(%q) passes", bad)
		}
	}
}

func TestRenderMarkdown(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"**bold** and *it*", "<p><strong>bold</strong> and <em>it</em></p>\n"},
		{"[PMS](https://lamport.azurewebsites.net/pubs/paxos-simple.pdf)", `<a href="https://lamport.azurewebsites.net/pubs/paxos-simple.pdf">PMS</a>`},
		{"[next](#step-2)", `<a href="#step-2">next</a>`},
		{"[mail](mailto:a@b.example)", `<a href="mailto:a@b.example">mail</a>`},
		{"`deliver prepare p1->*`", "<code>deliver prepare p1-&gt;*</code>"},
		{"| a | b |\n|---|---|\n| 1 | 2 |", "<table>"},
		{"~~old~~", "<del>old</del>"},
		{"See https://example.org now", `<a href="https://example.org">https://example.org</a>`},
		// A Chinese paragraph wrapped over two lines gains no space.
		{"第一行\n第二行", "<p>第一行第二行</p>\n"},
		{"是**共识**：\n在所有", "<p>是<strong>共识</strong>：在所有</p>\n"},
		{"证明，\n在 Paxos", "<p>证明，在 Paxos</p>\n"},
		{"English\nlines", "<p>English\nlines</p>\n"},
		// English keeps its line breaks (spaces) before code and emphasis.
		{"then\n`deliver`", "<p>then\n<code>deliver</code></p>\n"},
		{"its\n*accepting* and\n**bold**", "<p>its\n<em>accepting</em> and\n<strong>bold</strong></p>\n"},
		{"a < b & c", "<p>a &lt; b &amp; c</p>\n"},
	} {
		if got := Render(c.src); !strings.Contains(got, c.want) {
			t.Errorf("Render(%q) = %q, want it to contain %q", c.src, got, c.want)
		}
	}
	if got := RenderInline("One promise: *both* copies"); got != "One promise: <em>both</em> copies" {
		t.Errorf("RenderInline = %q", got)
	}
	if got := RenderInline("a\n\nb"); got != "<p>a</p>\n<p>b</p>\n" {
		t.Errorf("RenderInline of two paragraphs = %q", got)
	}
}

// TestRenderEmbedded renders every text of every built-in lesson: no raw
// HTML is omitted (the lessons use none), and renders run concurrently.
func TestRenderEmbedded(t *testing.T) {
	set, _ := Builtin()
	var texts []string
	for _, id := range set.IDs() {
		for _, lang := range set.Langs(id) {
			for _, st := range set.Lesson(id, lang).Steps {
				texts = append(texts, st.Narrative)
				if g := st.Goal; g != nil {
					texts = append(texts, g.Text, g.Hint)
				}
				if q := st.Question; q != nil {
					texts = append(texts, q.Prompt, q.Explanation)
					for _, c := range q.Choices {
						texts = append(texts, c.Text)
					}
				}
			}
		}
	}
	var wg sync.WaitGroup
	for _, s := range texts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if out := Render(s); strings.Contains(out, "raw HTML omitted") || out == "" && s != "" {
				t.Errorf("%q renders as %q", s, out)
			}
		}()
	}
	wg.Wait()
	if _, err := fs.Stat(Embedded(), "01-message-passing.en.md"); err != nil {
		t.Fatal(err)
	}
}
