package web

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/paxviz/paxviz/i18n"
)

// badMPCommands and badRaftCommands are commands a learner may mistype in
// the Multi-Paxos and Raft sandboxes, one per error their script languages
// or sessions give. The Multi-Paxos session starts from "put c1 x 1",
// "crash s3" and "pause s2"; the Raft session from "crash s3".
var (
	badMPCommands = []string{
		"put", "put c1", "put c9 x 1", "put s1 x 1", "put c1 x 1", "put c2 x 1 via=log", "get c2 x via=zz", "cas c2 x", "put c2 x 1 to=c1",
		"put c2 x 1 to=s9", "put c2 x 1 foo=1", "put c2 x", "put c2 x 1 2", "get c2", "cas c2 x 1", "put c2 x nil", "put c2 x 1 to=s1 to=s2",
		"timeout", "timeout s9", "crash s9", "crash", "crash s3", "crash c1", "restart s1", "restart c1",
		"clock s1 rate=200", "clock s1", "clock s1 rate=x", "clock", "clock s9 rate=100", "resume s1", "resume", "resume s9",
		"acquire c1 L", "write c1 k v", "release c1 L", "renew c1 L",
		"deliver b=x", "deliver s=x", "deliver id=x", "deliver accept s1->s2 s=0", "deliver zz", "deliver #999", "deliver c1->", "deliver prepare s1->s2 zz", "drop zz", "dup #x", "dup", "deliver b=1.1 b=1.2",
		"tick x", "tick 0", "run max=x", "run until=x", "run foo=1", "partition", "partition s1 | | s2", "partition s1 | s1", "partition * | *", "partition s1 | zz", "heal x",
		"expect chosen", "expect chosen s=1 x", "expect log", "expect leader", "expect lease s1 maybe", "expect clock s1 x", "expect inflight x", "expect zz", "expect safe", "cluster multipaxos", "flurb",
		"goto x", "goto 99", "branch x", "branch 99", "play x", "replay x", "lesson next",
	}
	badMPLockCommands = []string{
		"dup", "flurb", "acquire", "acquire c1", "acquire s1 L", "acquire c1 L to=s9", "acquire c1 L foo=1", "write", "write c1 k", "release c9 L", "renew c1",
		"release c1 L", "renew c2 L", "expect stored", "expect lease c1", "expect stored k v max=x",
	}
	badRaftCommands = []string{
		"propose", "propose s9 x", "propose s1", "propose s1 x y", "propose c1 x", "propose s1 noop", "propose s1 é", "propose s3 x",
		"deliver t=x", "deliver append t=0", "deliver t=1 t=2", "deliver zz", "deliver #999", "deliver s1->", "drop requestvote s1->s2 zz", "dup", "deliver #x",
		"timeout", "timeout s9", "timeout s3", "crash s9", "crash s3", "restart s1", "restart s9", "tick 0", "tick x", "run until=x", "run max=0", "run max=1 max=2",
		"partition", "partition s1 | | s2", "partition s1 | s1", "partition s1 | zz", "heal x",
		"expect leader", "expect role s1 boss", "expect log", "expect committed", "expect term s1 x", "expect zz", "cluster raft", "flurb", "clock s1", "put c1 x 1",
		"goto x", "goto 99", "branch x", "play x", "lesson next",
	}
)

// protoWords may appear in a Chinese error of these sandboxes: the
// script's own words (commands, message types, settings, placeholders).
var protoWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("put get cas acquire renew release write deliver drop dup timeout tick crash restart partition heal run pause resume clock expect " +
		"undo redo goto play replay lesson branch cluster propose " +
		"request reply prepare promise nack accept accepted commit heartbeat heartbeat_ok requestvote vote append appendreply " +
		"app lock via log index lease rate drift max until quiet chosen never none nil noop yes " +
		"NODE SEL FROM TO OLD NEW stop ms") {
		protoWords[w] = true
	}
}

// TestProtocolErrorsInWords (issue 10, for the Multi-Paxos and Raft
// sandboxes): every error a bad command meets there is said in the
// Chinese UI in Chinese: no English sentence, only the script's own words
// and what the learner typed; and an unknown command is answered with the
// sandbox's own commands.
func TestProtocolErrorsInWords(t *testing.T) {
	_, ts := newTestServer(t, Options{CommandRate: 1000, CommandBurst: 1000, SessionCommandRate: 1000, SessionCommandBurst: 1000, AddrCommandRate: 1000, AddrCommandBurst: 1000})
	other, _, _ := strings.Cut(i18n.T(i18n.ZH, "cmderr.other"), "{")
	word := regexp.MustCompile(`[A-Za-z_]{3,}`)
	han := regexp.MustCompile(`\p{Han}`)
	for _, tc := range []struct {
		script string
		cmds   []string
		cmd    string // a command the unknown-command answer must list
		typ    string // a message type the answer to "dup" must list
	}{
		{"cluster multipaxos servers=3 clients=2 leader=s1\nput c1 x 1\ncrash s3\npause s2\n", badMPCommands, "put", "heartbeat"},
		{"cluster multipaxos servers=3 clients=2 app=lock leader=s1\n", badMPLockCommands, "acquire", "heartbeat"},
		{"cluster raft servers=3\ncrash s3\n", badRaftCommands, "propose", "appendreply"},
	} {
		id := openScript(t, ts.URL, tc.script)
		c, _, err := dialWS(t, ts.URL, id, http.Header{"Cookie": {"lang=zh"}})
		if err != nil {
			t.Fatal(err)
		}
		c.next("state")
		for _, cmd := range tc.cmds {
			c.send(cmd)
			f := c.nextOf("error", "state")
			if f["type"] != "error" {
				t.Fatalf("%s: %q did not fail", tc.script[:20], cmd)
			}
			msg, _ := f["message"].(string)
			if strings.HasPrefix(msg, other) || !han.MatchString(msg) {
				t.Errorf("%s: %q: said as an English detail: %q", tc.script[:20], cmd, msg)
				continue
			}
			for _, w := range word.FindAllString(msg, -1) {
				if !protoWords[w] && !strings.Contains(cmd, w) {
					t.Errorf("%s: %q: English word %q in %q", tc.script[:20], cmd, w, msg)
				}
			}
			if cmd == "dup" && !strings.Contains(msg, tc.typ) {
				t.Errorf("%s: dup is answered with another protocol's messages: %q", tc.script[:20], msg)
			}
			if cmd == "flurb" && !strings.Contains(msg, tc.cmd) {
				t.Errorf("%s: an unknown command is answered with another sandbox's commands: %q", tc.script[:20], msg)
			}
		}
	}
}

// nextOf reads frames until one of the given types arrives.
func (w *wsClient) nextOf(types ...string) map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := w.c.Read(ctx)
		if err != nil {
			w.t.Fatalf("read (waiting for %v): %v", types, err)
		}
		var f map[string]any
		if err := json.Unmarshal(b, &f); err != nil {
			w.t.Fatal(err)
		}
		for _, ty := range types {
			if f["type"] == ty {
				return f
			}
		}
	}
}
