package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
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
