package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
)

func postCompare(t *testing.T, base, script, lang string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/compare", strings.NewReader(url.Values{"script": {script}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(res.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%d: %s", res.StatusCode, b)
	}
	return res.StatusCode, m
}

// The page runs a schedule and answers its frames; bad, too long and too
// large schedules get an error in the reader's language, never a hang.
func TestComparePost(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	code, m := postCompare(t, ts.URL, sim.CompareExamples[1].Text, "")
	if code != 200 || m["raft"] == nil || m["multipaxos"] == nil {
		t.Fatalf("%d %v", code, m["error"])
	}
	if fr := m["raft"].(map[string]any)["frames"].([]any); len(fr) < 10 {
		t.Fatalf("%d frames", len(fr))
	}
	for _, tc := range []struct {
		script, lang string
		code         int
		want         string
	}{
		{"compare servers=3\nat 1 fly\nrun until=5", "", 400, `line 2: unknown action "fly"`},
		{"compare servers=3\nat 1 fly\nrun until=5", "zh-CN", 400, "故障计划有问题"},
		{"compare servers=3\nrun until=1500", "", 400, "at most 1000 ticks"},
		{strings.Repeat("x", sim.CompareMaxText+5000), "", 413, "schedule"},
	} {
		code, m := postCompare(t, ts.URL, tc.script, tc.lang)
		if e, _ := m["error"].(string); code != tc.code || !strings.Contains(e, tc.want) {
			t.Errorf("%.40q: %d %q, want %d %q", tc.script, code, e, tc.code, tc.want)
		}
	}
}

// A permalink (?script=) opens the page with that schedule already run.
func TestComparePermalink(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	res, err := http.Get(ts.URL + "/compare?script=" + url.QueryEscape("compare servers=5 seed=4\nat 3 put a 1\nrun until=60\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	page := string(b)
	if res.StatusCode != 200 || !strings.Contains(page, `id="cmp-initial"`) || !strings.Contains(page, `"until":60`) || !strings.Contains(page, "compare servers=5 seed=4") {
		t.Fatalf("%d: %.300s", res.StatusCode, page)
	}
}
