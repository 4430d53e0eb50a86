package web

import (
	"context"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/paxviz/paxviz/i18n"
)

// TestMPPauseNode: in a Multi-Paxos session "pause c1" is the script's GC
// pause of c1 (the card's pause button sends it), while a bare "pause"
// still stops playing; "resume c1" ends the GC pause. The view carries
// the clocks with the pause.
func TestMPPauseNode(t *testing.T) {
	r := NewRegistry(4, time.Minute)
	defer r.Close()
	s, err := r.Create(context.Background(), CreateOptions{Src: "cluster multipaxos servers=3 clients=2 leader=s1 app=lock\n"})
	if err != nil {
		t.Fatal(err)
	}
	v := mpDo(t, s, "pause")
	if v.Step != 0 || v.MP.Time == nil || v.MP.Time.Clocks[3].Paused {
		t.Fatalf("a bare pause changed the world: step %d, time %+v", v.Step, v.MP.Time)
	}
	v = mpDo(t, s, "pause c1")
	if v.Step != 1 || v.LastAct != "pause c1" || v.MP.Time.Clocks[3].Name != "c1" || !v.MP.Time.Clocks[3].Paused {
		t.Fatalf("pause c1: step %d, last %q, clocks %+v", v.Step, v.LastAct, v.MP.Time.Clocks)
	}
	v = mpDo(t, s, "resume c1")
	if v.Step != 2 || v.MP.Time.Clocks[3].Paused {
		t.Fatalf("resume c1: step %d, clocks %+v", v.Step, v.MP.Time.Clocks)
	}
}

// TestLockViewStrings: every key static/lock.js asks for is in the table,
// in English and Chinese.
func TestLockViewStrings(t *testing.T) {
	src, err := os.ReadFile("../static/lock.js")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`t\("([a-z0-9_.]*[a-z0-9_])"[,)]`).FindAllStringSubmatch(string(src), -1)
	// Keys built from a prefix: lk.track., lk.legend., lk.bar., lk.store.,
	// lk.needs. and the pause verbs.
	for _, k := range []string{"lk.track.clock", "lk.track.lease", "lk.track.guard", "lk.track.belief", "lk.track.granted",
		"lk.legend.lease", "lk.legend.guard", "lk.legend.belief", "lk.legend.granted", "lk.legend.now",
		"lk.bar.lease", "lk.bar.guard", "lk.bar.quiet", "lk.bar.belief", "lk.bar.granted",
		"lk.store.ok", "lk.store.stale", "lk.store.lower", "lk.needs.log", "lk.needs.index", "lk.needs.lease",
		"lk.pause", "lk.resume", "lk.ahead", "lk.behind", "lk.believes", "lk.lapsed", "lk.read", "lk.read_fell",
		"lk.bar_open", "lk.bar_closed", "lk.card_holds", "lk.card_lapsed"} {
		keys = append(keys, []string{"", k})
	}
	if len(keys) < 40 {
		t.Fatalf("only %d keys found in lock.js", len(keys))
	}
	for _, k := range keys {
		for _, lang := range i18n.Langs {
			if _, ok := i18n.Table(lang)[k[1]]; !ok {
				t.Errorf("%s: no %s text for %q", "lock.js", lang, k[1])
			}
		}
	}
}

// TestMPInvariantStrings: the safety panel names every Multi-Paxos
// invariant in both languages (it showed "inv.mp_fencing" in a lock
// cluster).
func TestMPInvariantStrings(t *testing.T) {
	r := NewRegistry(4, time.Minute)
	defer r.Close()
	s, err := r.Create(context.Background(), CreateOptions{Src: "cluster multipaxos servers=3 clients=2 app=lock\n"})
	if err != nil {
		t.Fatal(err)
	}
	v := mpDo(t, s)
	if !slices.ContainsFunc(v.Invariants, func(i InvariantView) bool { return i.Name == "mp_fencing" }) {
		t.Fatalf("invariants %+v", v.Invariants)
	}
	for _, inv := range v.Invariants {
		for _, lang := range i18n.Langs {
			for _, k := range []string{"inv." + inv.Name, "viol." + inv.Name} {
				if _, ok := i18n.Table(lang)[k]; !ok {
					t.Errorf("no %s text for %s", lang, k)
				}
			}
		}
	}
}
