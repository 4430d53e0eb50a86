package web

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/i18n"
)

// TestGalleryRaftSection: the gallery has a Raft section with every switch
// of check.RaftBugCases, its texts in English and Chinese and a playable
// counterexample, which replays in the Raft view, pausing where the switch
// acts and ending on the broken invariant.
func TestGalleryRaftSection(t *testing.T) {
	srv, ts := newTestServer(t, Options{})
	// Playing waits for the case's search (the page does not: it says
	// which searches are still running).
	play, _ := get(t, ts.URL+"/gallery/raft/no_step_down")
	get(t, ts.URL+"/gallery/raft/forget_vote")
	resp, body := get(t, ts.URL+"/gallery")
	if resp.StatusCode != 200 {
		t.Fatalf("gallery: %d", resp.StatusCode)
	}
	i := strings.Index(body, `id="gallery-raft"`)
	if i < 0 {
		t.Fatal("no Raft section")
	}
	part := body[i:strings.Index(body, "</main>")]
	cases := check.GalleryCases(check.ProtoRaft)
	if len(cases) != 9 {
		t.Fatalf("%d Raft cases", len(cases))
	}
	// Some cases search for a minute (raftcheck's "long" ones): the page
	// says so instead of waiting; the quick ones are playable.
	for _, c := range cases {
		if !strings.Contains(part, `data-bug="`+c.Bug+`" data-protocol="raft"`) {
			t.Errorf("no entry for %s", c.Bug)
		}
		for _, key := range []string{"gallery.raft." + c.Bug + ".what", c.Why} {
			if !i18n.Has(key) {
				t.Errorf("%s: no text %s", c.Bug, key)
			}
		}
	}
	for _, bug := range []string{"no_step_down", "forget_vote"} {
		if !strings.Contains(part, `href="/gallery/raft/`+bug+`"`) {
			t.Errorf("no playable counterexample for %s", bug)
		}
	}
	if strings.Contains(part, "gallery.raft.") || strings.Contains(part, "raftcheck.") {
		t.Error("an untranslated key on the page")
	}
	_, zh := get(t, ts.URL+"/gallery?lang=zh")
	if !strings.Contains(zh, i18n.T(i18n.ZH, "gallery.raft.no_step_down.what")) || !strings.Contains(zh, i18n.T(i18n.ZH, "raftcheck.needs")) {
		t.Error("the Chinese page lacks the Raft texts")
	}

	resp = play
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/s/") {
		t.Fatalf("play: %d %s", resp.StatusCode, loc)
	}
	sess, err := srv.reg.Get(strings.TrimSuffix(strings.TrimPrefix(loc, "/s/"), "#replay"))
	if err != nil {
		t.Fatal(err)
	}
	v := mpDo(t, sess)
	if v.Protocol != "raft" || v.Raft == nil || v.Step != 0 || v.Gallery == nil || v.Gallery.Why != "raftcheck.no_step_down.why" || len(v.Gallery.PauseSteps) == 0 {
		t.Fatalf("gallery session: %s step %d %+v", v.Protocol, v.Step, v.Gallery)
	}
	ws, _, err := dialWS(t, ts.URL, sess.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws.send("replay ms=25")
	paused := false
	for {
		var f View
		b, _ := json.Marshal(ws.next("state"))
		json.Unmarshal(b, &f)
		if f.PausedBug {
			paused = true
			bug := false
			for _, ev := range f.Last {
				for _, n := range ev.Notes {
					bug = bug || strings.HasPrefix(n.Key, "note.raft.bug.")
				}
			}
			if !bug {
				t.Errorf("paused at %d without the switch's note", f.Step)
			}
			ws.send("replay ms=25")
			continue
		}
		if f.Step == f.End && !f.Replaying {
			if !paused || !slices.Contains(f.State.Violations, "election-safety") {
				t.Errorf("end: paused %v, violations %v", paused, f.State.Violations)
			}
			break
		}
	}
}

// TestRaftSearchFromHere: search from here in a Raft sandbox finds
// no_step_down's two leaders from a state where s1 leads, with the
// session's lines first, in words (en and zh).
func TestRaftSearchFromHere(t *testing.T) {
	srv, ts := newTestServer(t, Options{SearchGap: -1})
	const src = "cluster raft servers=2 noop=0 bugs=no_step_down\ntimeout s1\ndeliver requestvote s1->s2\ndeliver vote s2->s1\n"
	for _, lang := range []string{"en", "zh"} {
		sess, err := srv.reg.Create(context.Background(), CreateOptions{Src: src})
		if err != nil {
			t.Fatal(err)
		}
		resp, body := get(t, ts.URL+"/s/"+sess.ID+"/search?lang="+lang)
		var r SearchResult
		if err := json.Unmarshal([]byte(body), &r); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%d %s", resp.StatusCode, body)
		}
		want := map[string]string{"en": "terms up to 2", "zh": "任期最多到 2"}[lang]
		if !r.Found || r.Invariant != "election-safety" || !strings.Contains(r.Script, "deliver vote s2->s1\n") || !strings.Contains(r.Said, want) {
			t.Fatalf("%s: %+v", lang, r)
		}
		if u, _ := url.Parse(r.URL); u == nil {
			t.Fatal(r.URL)
		} else if resp, _ := get(t, ts.URL+u.RequestURI()); resp.StatusCode != 303 {
			t.Errorf("opening the counterexample: %d", resp.StatusCode)
		}
	}
}
