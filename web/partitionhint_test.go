package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestPartitionHintNamesTheClustersNodes: the usage hint of a bad
// partition line gives an example with the nodes of the session's own
// cluster (s1 s2 in a cluster of servers, p1 a1 in one of roles), in
// both languages.
func TestPartitionHintNamesTheClustersNodes(t *testing.T) {
	_, ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		script, want, not string
	}{
		{"cluster multipaxos servers=3 clients=1\n", "partition s1 s2 | *", "p1"},
		{"cluster raft servers=3\n", "partition s1 s2 | *", "p1"},
		{"cluster servers=3\n", "partition s1 s2 | *", "p1"},
		{"cluster proposers=2 acceptors=3\n", "partition p1 a1 | *", "s1"},
	} {
		for _, lang := range []string{"en", "zh"} {
			id := openScript(t, ts.URL, tc.script)
			c, _, err := dialWS(t, ts.URL, id, http.Header{"Cookie": {"lang=" + lang}})
			if err != nil {
				t.Fatal(err)
			}
			c.next("state")
			c.send("partition")
			msg, _ := c.next("error")["message"].(string)
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, tc.not) {
				t.Errorf("%s %s: the hint is %q, want an example %q", lang, strings.TrimSpace(tc.script), msg, tc.want)
			}
		}
	}
}
