package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/lessons"
)

// TestLessonMultiPaxosSession plays lesson 16 over the websocket: the
// lesson page opens a Multi-Paxos session at the step asked for, a goal's
// lines are said in words and met by "Show me", a prediction is revealed
// on the cluster and breaks what the lesson breaks, the learner's own
// commands are checked against the goal, and the browser's record of the
// session resumes it in its lesson and step.
func TestLessonMultiPaxosSession(t *testing.T) {
	_, ts := newTestServer(t, Options{Lessons: lessons.NewSource("")})
	resp, body := get(t, ts.URL+"/lessons/16-what-clients-see?step=5")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("lesson: %d %s", resp.StatusCode, body)
	}
	id := strings.TrimPrefix(strings.SplitN(resp.Header.Get("Location"), "?", 2)[0], "/s/")
	if _, page := getFollow(t, ts.URL+"/s/"+id); !strings.Contains(page, `data-page="lesson"`) || !strings.Contains(page, "lesson-content") {
		t.Fatal("the session page is not a lesson page")
	}
	ws, _, err := dialWS(t, ts.URL, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := ws.next("state")
	lv := f["lesson"].(map[string]any)
	if f["protocol"] != "multipaxos" || f["mp"] == nil || lv["step"].(float64) != 4 || lv["has_goal"] != true || lv["met"] != false {
		t.Fatalf("entry: protocol %v, lesson %v", f["protocol"], lv)
	}
	var wants []string
	for _, c := range lv["checks"].([]any) {
		wants = append(wants, c.(map[string]any)["want"].(string))
	}
	if strings.Join(wants, " ") != "want.inflight_sel want.mp_reply_id" {
		t.Errorf("goal lines said as %v", wants)
	}
	// The learner delivers the reply instead: c1 hears about its cas, so
	// the goal (lose that reply) is not met.
	ws.send("deliver reply s2->c1")
	f = ws.next("state")
	if lv = f["lesson"].(map[string]any); lv["met"] != false {
		t.Fatalf("goal met by the wrong move: %v", lv)
	}
	ws.send("lesson reset")
	ws.next("state")
	ws.send("drop reply s2->c1")
	if lv = ws.next("state")["lesson"].(map[string]any); lv["met"] != true {
		t.Fatalf("goal not met by the learner's drop: %v", lv)
	}
	ws.send("lesson next")
	f = ws.next("state")
	if lv = f["lesson"].(map[string]any); lv["step"].(float64) != 5 || lv["revealed"] != false {
		t.Fatalf("next: %v", lv)
	}
	ws.send("lesson answer 2")
	f = ws.next("state")
	lv = f["lesson"].(map[string]any)
	if lv["revealed"] != true || lv["correct"] != true {
		t.Fatalf("answer: %v", lv)
	}
	broken := map[string]bool{}
	for _, iv := range f["invariants"].([]any) {
		m := iv.(map[string]any)
		broken[m["name"].(string)] = m["ok"] == false
	}
	if !broken["mp_exactly-once"] || !broken["mp_linearizable"] || broken["mp_agreement"] {
		t.Errorf("after the reveal: %v", broken)
	}

	// The record the browser keeps resumes the session in its lesson.
	resp, err = http.Get(ts.URL + "/s/" + id + "/record")
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(rec), `"lesson":"16-what-clients-see"`) || !strings.Contains(string(rec), "cluster multipaxos") {
		t.Fatalf("record: %s", rec)
	}
	resp, err = http.Post(ts.URL+"/resume", "application/json", strings.NewReader(string(rec)))
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]string
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || out["id"] == "" {
		t.Fatalf("resume: %d %v", resp.StatusCode, out)
	}
	again, _, err := dialWS(t, ts.URL, out["id"], nil)
	if err != nil {
		t.Fatal(err)
	}
	f = again.next("state")
	if lv, ok := f["lesson"].(map[string]any); !ok || lv["step"].(float64) != 5 || lv["revealed"] != true || f["protocol"] != "multipaxos" {
		t.Fatalf("resumed: %v", f["lesson"])
	}
}
