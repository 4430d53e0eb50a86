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

// badCommands are commands a learner may mistype, one per error the
// engine or the session can give a single-decree session.
var badCommands = []string{
	"goto", "goto x", "goto 99", "branch", "branch x", "branch 99", "play x", "play ms=1", "play drop=2", "play stop=x", "play foo=1", "play drop=0.6 dup=0.6",
	"replay x", "log x y", "lesson next", "expect chosen X", "cluster servers=3",
	"propose", "propose p1", "propose a1 X", "propose p1 none", "propose p1 bad!", "propose p9 X", "propose p2 X Y",
	"deliver", "deliver #x", "deliver #1 foo", "deliver foo", "deliver p1->", "deliver prepare p1->a1 zz", "deliver #999",
	"timeout", "timeout a1", "timeout p2", "tick x", "tick 0", "tick 999999",
	"crash", "crash a3", "restart a1", "restart", "partition", "partition p1 | | a1", "partition p1 | p1", "partition * | *", "partition p1 | zz",
	"heal x", "run x", "run max=x", "run until=x", "run drop=x", "run foo=1", "run drop=0.7 dup=0.7", "run max=1 max=2", "run max=99999", "flurb",
}

// scriptWords may appear in a Chinese error: they are the script's own
// words (commands, message types, settings), not English sentences.
var scriptWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("propose deliver drop dup timeout tick crash restart partition heal run undo redo goto play pause replay log lesson branch expect cluster " +
		"prepare promise nack accept accepted chosen never quiet none max until stop STEP FROM TO SEL ID NODE ms") {
		scriptWords[w] = true
	}
}

// TestCommandErrorsInWords (issue 10): every error a single-decree
// session gives a command is said in the Chinese UI in Chinese: no
// English sentence wrapped in a translated frame ("没有成功：goto: ..."),
// only the script's own words and what the learner typed.
func TestCommandErrorsInWords(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	id := openScript(t, ts.URL, "cluster proposers=2 acceptors=3 learners=1\npropose p1 X\ncrash a3\n")
	c, _, err := dialWS(t, ts.URL, id, http.Header{"Cookie": {"lang=zh"}})
	if err != nil {
		t.Fatal(err)
	}
	c.next("state")
	other, _, _ := strings.Cut(i18n.T(i18n.ZH, "cmderr.other"), "{")
	word := regexp.MustCompile(`[A-Za-z]{3,}`)
	for _, cmd := range badCommands {
		c.send(cmd)
		msg, _ := c.next("error")["message"].(string)
		if strings.HasPrefix(msg, other) {
			t.Errorf("%q: said as an English detail: %q", cmd, msg)
			continue
		}
		for _, w := range word.FindAllString(msg, -1) {
			if !scriptWords[w] && !strings.Contains(cmd, w) {
				t.Errorf("%q: English word %q in %q", cmd, w, msg)
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
