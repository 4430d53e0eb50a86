package sim

import (
	"strings"
	"testing"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
	"github.com/paxviz/paxviz/i18n"
)

// TestMPHeartbeatHoldsNarration: an ack that keeps an earlier guard says
// so, in both languages, naming whose lease it still guards (or its quiet
// period) and until when; a plain ack keeps its usual words.
func TestMPHeartbeatHoldsNarration(t *testing.T) {
	cfg := mp.DefaultConfig(3, 1, 0)
	for _, c := range []struct {
		n    mp.Note
		key  string
		want []string
	}{
		{mp.Note{Kind: mp.NoteHeartbeatOK, Node: 1, Peer: 0, N: 1}, "note.mp.heartbeat_ok", nil},
		{mp.Note{Kind: mp.NoteHeartbeatOK, Node: 1, Peer: 0, N: 1, N2: mp.HBHolds, Peer2: 2, Text: "12.00"}, "note.mp.heartbeat_ok.holds", []string{"s3", "12.00"}},
		{mp.Note{Kind: mp.NoteHeartbeatOK, Node: 1, Peer: 0, N: 1, N2: mp.HBHolds, Peer2: mp.None, Text: "12.00"}, "note.mp.heartbeat_ok.holds.quiet", []string{"12.00"}},
	} {
		n := mpNarration(cfg, &c.n)
		if n.Key != c.key {
			t.Errorf("%+v: key %s, want %s", c.n, n.Key, c.key)
			continue
		}
		for _, lang := range i18n.Langs {
			s := i18n.Format(lang, n.Key, n.Args)
			if s == n.Key || strings.Contains(s, "{") {
				t.Errorf("%s %s: not translated: %q", lang, n.Key, s)
			}
			for _, w := range append(c.want, "s2", "s1") {
				if !strings.Contains(s, w) {
					t.Errorf("%s %s: %q does not say %s", lang, n.Key, s, w)
				}
			}
		}
	}
	for _, k := range []string{"note.mp.heartbeat_ok.holds", "note.mp.heartbeat_ok.holds.quiet"} {
		if i18n.T(i18n.ZH, k) == i18n.T(i18n.EN, k) {
			t.Errorf("%s has no Chinese text", k)
		}
	}
}
