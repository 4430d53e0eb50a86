package web

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// badOpenScripts are scripts a learner may open (by a permalink, a pasted
// script or the home form) that fail, one per error of the cluster lines
// and of the lines after them, in the three protocols.
var badOpenScripts = []string{
	// Multi-Paxos.
	"cluster multipaxos servers=3 clients=2\ndeliver zz\n",
	"cluster multipaxos servers=3 clients=2\nflurb\n",
	"cluster multipaxos servers=3 clients=2\ncrash s9\n",
	"cluster multipaxos servers=3 clients=2\npartition\n",
	"cluster multipaxos servers=3 clients=2\nput c1 x\n",
	"cluster multipaxos servers=3 clients=2\ndeliver #7\n",
	"cluster multipaxos servers=3 clients=2\ncrash s1\ncrash s1\n",
	"cluster multipaxos servers=3 clients=2\nexpect zz\n",
	"cluster multipaxos servers=99\n",
	"cluster multipaxos servers=3 clients=99\n",
	"cluster multipaxos servers=3 foo=1\n",
	"cluster multipaxos servers=3 servers=4\n",
	"cluster multipaxos servers=x\n",
	"cluster multipaxos servers=3 leader=s9\n",
	"cluster multipaxos servers=3 app=zz\n",
	"cluster multipaxos servers=3 ttl=5\n",
	"cluster multipaxos servers=3 reads=zz\n",
	"cluster multipaxos servers=3 bugs=zz\n",
	"cluster multipaxos servers=3 window=0\n",
	"cluster multipaxos servers=3 timeout=0\n",
	"cluster multipaxos servers=3 seed=x\n",
	"cluster multipaxos servers=3 zz\n",
	// Raft.
	"cluster raft servers=3\npropose s9 x\n",
	"cluster raft servers=3\npartition\n",
	"cluster raft servers=3\ndeliver zz\n",
	"cluster raft servers=3\nflurb\n",
	"cluster raft servers=3\ntimeout s9\n",
	"cluster raft servers=3\ncrash s1\nrestart s2\n",
	"cluster raft servers=3\nexpect zz\n",
	"cluster raft servers=x\n",
	"cluster raft servers=99\n",
	"cluster raft foo=1\n",
	"cluster raft election=9-3\n",
	"cluster raft election=x\n",
	"cluster raft noop=5\n",
	"cluster raft bugs=zz\n",
	"cluster raft seed=x\n",
	"cluster raft servers=3 servers=3\n",
	// Single-decree Paxos.
	"cluster proposers=2 acceptors=3\ndeliver zz\ncrash p9\n",
	"cluster proposers=2 acceptors=3\npartition\n",
	"cluster servers=3\npartition\n",
	"cluster proposers=2 acceptors=3\ndeliver #1\n",
	"cluster proposers=2 acceptors=3\nexpect zz\n",
	"cluster proposers=2 acceptors=3\nflurb\n",
	"cluster proposers=2 acceptors=3\npropose p1 \xc3\xa9\n",
	"cluster proposers=2 acceptors=3 foo=1\n",
	"cluster proposers=2\n",
	"cluster proposers=99 acceptors=3\n",
	"cluster servers=3 proposers=2\n",
	"cluster servers=0\n",
	"cluster proposers=2 acceptors=3 bugs=zz\n",
	"cluster proposers=2 acceptors=3 timeout=0\n",
	"cluster proposers=x acceptors=3\n",
	"cluster proposers=2 acceptors=3 seed=x\n",
	"cluster tla\n",
	"deliver zz\n",
	"# only a comment\n",
}

// openWords are the words that may appear in a Chinese error of a script
// that could not be opened: the script's own words (those of commands and
// expectations, and the cluster lines' keys, protocols and bug names).
func openWords() map[string]bool {
	words := map[string]bool{}
	for w := range protoWords {
		words[w] = true
	}
	for _, w := range strings.Fields("multipaxos raft propose proposers acceptors learners servers clients window timeout heartbeat app ttl reads lease drift leader seed bugs jitter election noop probe batch kv MIN MAX ASCII " +
		"safe violation inflight chosen log value reply leader promised vote clock lease stored role term commit applied committed learned accepted phase proposed") {
		words[w] = true
	}
	for _, p := range []string{sim.ProtoPaxos, sim.ProtoMultiPaxos, sim.ProtoRaft} {
		for _, b := range sim.BugNames(p) {
			words[b] = true
		}
	}
	return words
}

var (
	errorMessageRe = regexp.MustCompile(`(?s)id="error-message">(.*?)</p>`)
	homeErrorsRe   = regexp.MustCompile(`(?s)<div class="errors" role="alert">(.*?)</div>`)
	tagRe          = regexp.MustCompile(`<[^>]*>`)
)

// TestOpenScriptErrorsInWords (issue 10, the open-sandbox path): a script
// that cannot be opened, by a permalink, a pasted script or the home
// form's cluster, is said in the Chinese UI in Chinese: the translated
// prefix, then no English sentence, only the script's own words and what
// the learner wrote; a partition hint names the cluster's own nodes.
func TestOpenScriptErrorsInWords(t *testing.T) {
	_, ts := newTestServer(t, Options{CreateBurst: 1000, CreatePerMinute: 1000})
	other, _, _ := strings.Cut(i18n.T(i18n.ZH, "cmderr.other"), "{")
	word := regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]{2,}`)
	han := regexp.MustCompile(`\p{Han}`)
	allowed := openWords()
	check := func(what, script, msg string) {
		t.Helper()
		msg = strings.TrimPrefix(msg, i18n.T(i18n.ZH, "err.bad_script"))
		if strings.Contains(msg, other) || !han.MatchString(msg) {
			t.Errorf("%s: %q: said as an English detail: %q", what, script, msg)
			return
		}
		for _, w := range word.FindAllString(msg, -1) {
			if !allowed[w] && !strings.Contains(script, w) {
				t.Errorf("%s: %q: English word %q in %q", what, script, w, msg)
			}
		}
		if strings.Contains(script, "flurb") && (!strings.Contains(msg, "deliver") || strings.Contains(msg, "undo")) {
			t.Errorf("%s: %q: an unknown command is not answered with the script's commands: %q", what, script, msg)
		}
		if strings.Contains(script, "\npartition\n") {
			want := "partition p1 a1 | *"
			if strings.Contains(script, "servers=") {
				want = "partition s1 s2 | *"
			}
			if !strings.Contains(msg, want) {
				t.Errorf("%s: %q: the hint %q lacks %q", what, script, msg, want)
			}
		}
	}
	zh := http.Header{"Cookie": {"lang=zh"}}
	for _, script := range badOpenScripts {
		for _, u := range []string{"/sandbox?script=" + url.QueryEscape(script), EncodePermalink(script)} {
			status, body := doRequest(t, http.MethodGet, ts.URL+u, zh, nil)
			m := errorMessageRe.FindStringSubmatch(body)
			if status != http.StatusBadRequest || m == nil {
				t.Errorf("%q: %s: status %d, no error message", script, u[:3], status)
				continue
			}
			check("open "+u[:3], script, html.UnescapeString(m[1]))
		}
		status, body := doRequest(t, http.MethodPost, ts.URL+"/sandbox", zh, url.Values{"script": {script}})
		m := homeErrorsRe.FindStringSubmatch(body)
		if status != http.StatusBadRequest || m == nil {
			t.Errorf("%q: pasted: status %d, no error", script, status)
			continue
		}
		check("pasted", script, html.UnescapeString(tagRe.ReplaceAllString(m[1], "")))
	}
	// The home form's cluster.
	for _, form := range []url.Values{
		{"mode": {"servers"}, "servers": {"x"}},
		{"mode": {"servers"}, "servers": {"99"}},
		{"mode": {"roles"}, "proposers": {"x"}},
		{"mode": {"roles"}, "proposers": {"99"}},
		{"mode": {"roles"}, "timeout": {"0"}},
		{"mode": {"roles"}, "seed": {"x"}},
		{"mode": {"roles"}, "bugs": {"zz"}},
	} {
		status, body := doRequest(t, http.MethodPost, ts.URL+"/sandbox", zh, form)
		m := homeErrorsRe.FindStringSubmatch(body)
		if status != http.StatusBadRequest || m == nil {
			t.Errorf("form %v: status %d, no error", form, status)
			continue
		}
		check("form", form.Encode(), html.UnescapeString(tagRe.ReplaceAllString(m[1], "")))
	}
}

// doRequest sends a GET, or a POST of form, with hdr and does not follow
// redirects.
func doRequest(t *testing.T, method, u string, hdr http.Header, form url.Values) (int, string) {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := new(strings.Builder)
	if _, err := io.Copy(b, resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b.String()
}
