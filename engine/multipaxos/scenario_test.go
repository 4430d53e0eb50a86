package multipaxos

import (
	"strings"
	"testing"
)

func cfgWith(t *testing.T, servers, clients, window int, bugs string) *Config {
	t.Helper()
	bs, err := ParseBugs(bugs)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewConfig(servers, clients, window, DefaultTimeout, DefaultHeartbeat, bs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// serverMsgs counts server-to-server messages sent (self excluded) of the
// given types.
func (w *world) serverMsgs(types ...MsgType) int {
	n := 0
	for _, t := range types {
		n += w.sent[t]
	}
	return n
}

// TestM1SteadyState: with phase 1 done (leader=s1) a put costs one round
// trip inside the cluster: 2 accept + 2 accepted (+2 commit off the critical
// path); standing first adds prepare and promise: 8 (+2).
func TestM1SteadyState(t *testing.T) {
	w := newWorld(t, cfgWith(t, 3, 1, 3, ""), "s1")
	w.request("put c1 x 1")
	w.deliver("request c1->s1")
	w.deliver("accept s1->*")
	w.deliver("accepted *->s1")
	w.deliver("reply s1->c1")
	w.expectReply("c1", "ok")
	w.expectChosen(1, "c1.1:put:x:1")
	if got := w.serverMsgs(MsgAccept, MsgAccepted); got != 4 {
		w.fail("steady state: %d accept+accepted between servers, want 4", got)
	}
	if got := w.serverMsgs(MsgCommit); got != 2 {
		w.fail("steady state: %d commits, want 2", got)
	}
	// The critical path: request -> accept -> accepted -> reply.
	want := []string{
		"request c1->s1 id=c1.1 op=put:x:1",
		"accept s1->s2 b=1.1 s=1 v=c1.1:put:x:1",
		"accepted s2->s1 b=1.1 s=1",
		"reply s1->c1 id=c1.1 r=ok",
	}
	trace := strings.Join(w.trace, "\n")
	for _, line := range want {
		if !strings.Contains(trace, line) {
			w.fail("trace lacks %q", line)
		}
	}
	w.run(100)
	w.expectLog("s3", "c1.1")
	w.expectSafe()

	// Without leader=, phase 1 first: 2 prepare + 2 promise more.
	w = newWorld(t, cfgWith(t, 3, 1, 3, ""), "")
	w.timeout("s1")
	w.deliver("prepare s1->*")
	w.deliver("promise *->s1")
	w.expectLeader("s1")
	w.request("put c1 x 1")
	w.run(100)
	w.expectReply("c1", "ok")
	if got := w.serverMsgs(MsgPrepare, MsgPromise, MsgAccept, MsgAccepted); got != 8 {
		w.fail("with phase 1: %d messages between servers, want 8", got)
	}
	if got := w.serverMsgs(MsgCommit); got != 2 {
		w.fail("with phase 1: %d commits, want 2", got)
	}
	w.expectSafe()
}
