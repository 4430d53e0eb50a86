package web

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/paxviz/paxviz/lessons"
)

// axeViolations injects axe-core (web/testdata/axe, MPL-2.0, kept under
// testdata: not in the binary) into the page and returns its serious and
// critical violations.
func (b *browser) axeViolations(src string) []string {
	b.t.Helper()
	b.eval(src + `;window.__axe = undefined; axe.run(document, { resultTypes: ["violations"] }).then(r => { window.__axe =
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
		  .map(v => v.id + " (" + v.impact + "): " + v.nodes.slice(0, 3).map(n => n.target.join(" ") + " " + (n.failureSummary || "").slice(0, 160)).join(" | ")); }); true`)
	b.wait("axe", `window.__axe !== undefined`)
	var out []string
	if err := json.Unmarshal([]byte(b.evalString(`JSON.stringify(window.__axe)`)), &out); err != nil {
		b.t.Fatal(err)
	}
	return out
}

// TestBrowserAxe: axe-core reports no serious or critical violation on
// the home, sandbox, lesson and gallery pages, and each has an h1.
func TestBrowserAxe(t *testing.T) {
	src, err := os.ReadFile("testdata/axe/axe.min.js")
	if err != nil {
		t.Fatal(err)
	}
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	b := newBrowser(t, ts.URL, 1366, 900)
	for _, page := range []struct{ name, path, ready string }{
		{"home", "/", `document.readyState === "complete"`},
		{"sandbox", "/sandbox?script=cluster+proposers%3D2+acceptors%3D3+learners%3D1%0Apropose+p1+X%0A", `document.body.dataset.conn === "connected"`},
		{"lesson", "/lessons/02-happy-path?step=2", `document.body.dataset.conn === "connected"`},
		{"gallery", "/gallery", `document.readyState === "complete"`},
		{"gallery-zh", "/gallery?lang=zh", `document.readyState === "complete"`},
	} {
		b.nav(page.path)
		b.wait(page.name, page.ready)
		if n := b.eval(`document.querySelectorAll("h1").length`).(float64); n != 1 {
			t.Errorf("%s: %v h1 elements, want 1", page.name, n)
		}
		for _, v := range b.axeViolations(string(src)) {
			t.Errorf("%s: %s", page.name, v)
		}
	}
}
