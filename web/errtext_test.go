package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/i18n"
)

// TestCommandErrorsTranslated: a command's error reaches the Chinese UI
// in Chinese and never with the engine's internal prefix ("sim: ...").
func TestCommandErrorsTranslated(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=1 acceptors=3 learners=1\ncrash a3\n")
	han := regexp.MustCompile(`\p{Han}`)
	for _, lang := range []string{"zh", "en"} {
		c, _, err := dialWS(t, ts.URL, id, http.Header{"Cookie": {"lang=" + lang}})
		if err != nil {
			t.Fatal(err)
		}
		c.next("state")
		for _, cmd := range []string{"goto 99", "crash", "crash a9", "flurb", "crash a3", "restart a1", "deliver foo", "propose p1", "tick x", "deliver prepare p1->a1"} {
			c.send(cmd)
			msg, _ := c.next("error")["message"].(string)
			if strings.Contains(msg, "sim:") || strings.Contains(msg, cmd+": "+cmd) {
				t.Errorf("%s %q: internal or doubled text: %q", lang, cmd, msg)
			}
			if lang == "zh" && !han.MatchString(msg) {
				t.Errorf("zh %q: not in Chinese: %q", cmd, msg)
			}
		}
	}
}

// TestSearchSaidInWords: "Search from here" says what it searched in
// words of the viewer's language, and a search stopped by its budget says
// what it covered.
func TestSearchSaidInWords(t *testing.T) {
	_, ts := newTestServer(t, Options{SearchGap: -1})
	id := openScript(t, ts.URL, "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\n")
	req, _ := http.NewRequest("GET", ts.URL+"/s/"+id+"/search", nil)
	req.Header.Set("Cookie", "lang=zh")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res SearchResult
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil {
		t.Fatal(err)
	}
	if res.Error != "" || !regexp.MustCompile(`\p{Han}`).MatchString(res.Said) || strings.Contains(res.Said, "=") {
		t.Errorf("search said %q (error %q), want words in Chinese", res.Said, res.Error)
	}
	opt := check.EngineOptions{MaxRound: 2, MaxStates: 200_000, Timeout: 8 * time.Second}
	if got := searchWords(i18n.EN, opt, check.StopMaxStates, 7); !strings.Contains(got, "200,000 states, 7 steps ahead") {
		t.Errorf("a budget stop does not say what it covered: %q", got)
	}
}
