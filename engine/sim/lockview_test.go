package sim

import (
	"os"
	"strings"
	"testing"
)

// playMP replays a script file's actions (its expect lines skipped) into
// a history.
func playMP(t *testing.T, src string) *MPHistory {
	t.Helper()
	var h *MPHistory
	for _, l := range strings.Split(src, "\n") {
		l = strings.TrimSpace(StripComment(l))
		if l == "" || strings.HasPrefix(l, "expect") {
			continue
		}
		if h == nil {
			var err error
			if h, err = NewMPHistory(l); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := h.Do(l); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
	}
	return h
}

func playMPFile(t *testing.T, name string) *MPHistory {
	t.Helper()
	b, err := os.ReadFile("testdata/multipaxos/" + name + ".pxs")
	if err != nil {
		t.Fatal(err)
	}
	return playMP(t, string(b))
}

func findBar(bars []MPBar, node, kind string, token int) *MPBar {
	for i := range bars {
		if b := &bars[i]; b.Node == node && b.Kind == kind && b.Token == token {
			return b
		}
	}
	return nil
}

// TestTimeViewFencing plays M9 and reads the time view: c1's belief ends
// on its clock before the log's grant to it ends, c2's grant and belief
// start after both, d1 holds B with max token 3 and rejected c1's store.
func TestTimeViewFencing(t *testing.T) {
	h := playMPFile(t, "m9-fencing")
	_, v := h.View()
	tv := v.Time
	if tv == nil || !tv.Lock || !tv.Clocked || tv.TTL != 10 || tv.Now != 1800 {
		t.Fatalf("time view = %+v", tv)
	}
	b1, g1 := findBar(tv.Bars, "c1", "belief", 1), findBar(tv.Bars, "c1", "granted", 1)
	b3, g3 := findBar(tv.Bars, "c2", "belief", 3), findBar(tv.Bars, "c2", "granted", 3)
	if b1 == nil || g1 == nil || b3 == nil || g3 == nil {
		t.Fatalf("bars = %+v", tv.Bars)
	}
	// The reply reached c1 at T=7; its belief ends at its clock 10.00
	// (t0 = 0 + ttl); the log freed f at T=18.
	if b1.From != 700 || b1.To != 1000 || b1.Open || g1.From != 200 || g1.To != 1800 || g1.Open {
		t.Errorf("c1's bars: belief %+v, granted %+v", b1, g1)
	}
	if !b3.Open || !g3.Open || b3.From < g1.To || b3.To != 2800 || g3.Due != 2800 {
		t.Errorf("c2's bars: belief %+v, granted %+v", b3, g3)
	}
	if len(tv.Locks) != 1 || tv.Locks[0].Holder != "c2" || tv.Locks[0].Token != 3 || len(tv.Locks[0].Beliefs) != 2 ||
		tv.Locks[0].Beliefs[0].Holds || !tv.Locks[0].Beliefs[1].Holds {
		t.Errorf("locks = %+v", tv.Locks)
	}
	if len(tv.Data) != 1 || tv.Data[0] != (MPDataView{Key: "f", Val: "B", Max: 3}) {
		t.Errorf("d1 = %+v", tv.Data)
	}
	if len(tv.Stores) != 2 || !tv.Stores[0].OK || tv.Stores[1].OK || tv.Stores[1].Token != 1 || tv.Stores[1].Max != 3 || tv.Stores[1].Client != "c1" {
		t.Errorf("stores = %+v", tv.Stores)
	}
	if c := tv.Clocks[3]; c.Name != "c1" || !c.Paused {
		t.Errorf("c1's clock = %+v", c)
	}
	h = playMPFile(t, "m9-no-fencing")
	_, v = h.View()
	if st := v.Time.Stores; len(st) != 2 || !st[1].OK || !st[1].Lower || v.Time.Data[0].Val != "A" {
		t.Errorf("no_fencing stores = %+v, d1 = %+v", st, v.Time.Data)
	}
}

// TestTimeViewReads plays M8: the three read paths at s2 cost 6, 4 and 0
// messages between servers, counted along the run.
func TestTimeViewReads(t *testing.T) {
	h := playMPFile(t, "m8-reads-done-right")
	_, v := h.View()
	tv := v.Time
	want := []MPReadPathCost{{"log", 1, 6, 4}, {"index", 1, 4, 4}, {"lease", 2, 0, 4}}
	if len(tv.Reads) != 3 {
		t.Fatalf("reads = %+v", tv.Reads)
	}
	for i, w := range want {
		if tv.Reads[i] != w {
			t.Errorf("path %s: got %+v, want %+v", w.Path, tv.Reads[i], w)
		}
	}
	// The first read asked for a lease at s1, which had none; s2 answered
	// it from its lease after the retry.
	if r := tv.Recent[0]; r.ID != "c1.2" || r.Via != "lease" || r.Path != "lease" || r.Server != "s2" || r.Result != "2" {
		t.Errorf("first read = %+v", r)
	}
	// Leases are intervals of true time: s1's ended before s2's began.
	s1, s2 := findBar(tv.Bars, "s1", "lease", 0), findBar(tv.Bars, "s2", "lease", 0)
	if s1 == nil || s2 == nil || s1.To > s2.From {
		t.Errorf("lease bars: s1 %+v, s2 %+v", s1, s2)
	}
}

// TestTimeViewDrift: clocks at different rates disagree in the view, and
// a belief's end on a slow client's clock lies later in true time.
func TestTimeViewDrift(t *testing.T) {
	h := playMP(t, `cluster multipaxos servers=3 clients=2 leader=s1 app=lock ttl=10 drift=10 timeout=30 heartbeat=2 seed=1
clock c1 rate=90
clock s1 rate=110
acquire c1 f
deliver request c1->s1
deliver accept s1->s2 s=1
deliver accepted s2->s1 s=1
deliver reply s1->c1
tick 5`)
	_, v := h.View()
	tv := v.Time
	if tv.Clocks[0].Rate != 110 || tv.Clocks[3].Rate != 90 || tv.Clocks[0].Clock <= tv.Now || tv.Clocks[3].Clock >= tv.Now {
		t.Fatalf("clocks = %+v at %d", tv.Clocks, tv.Now)
	}
	b := findBar(tv.Bars, "c1", "belief", 1)
	if b == nil || !b.Open {
		t.Fatalf("bars = %+v", tv.Bars)
	}
	// c1 believes until its clock reads 8.18 (ttl·90/110 from t0 = 0),
	// which its slow clock reaches at true time 9.08.
	if lv := tv.Locks[0].Beliefs[0]; lv.Until != 818 || b.To != 908 {
		t.Errorf("belief until %d, bar to %d", lv.Until, b.To)
	}
}

// TestTimeViewAbsent: a plain key-value cluster has no time view until
// a read is answered.
func TestTimeViewAbsent(t *testing.T) {
	h := playMP(t, "cluster multipaxos servers=3 clients=1 leader=s1\nput c1 x 1\nrun until=quiet")
	if _, v := h.View(); v.Time != nil {
		t.Fatalf("time view = %+v", v.Time)
	}
	if _, err := h.Do("get c1 x"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.Do("run until=quiet"); err != nil {
		t.Fatal(err)
	}
	if _, v := h.View(); v.Time == nil || v.Time.Clocked || v.Time.Reads[0].Reads != 1 {
		t.Fatalf("time view = %+v", v.Time)
	}
}

// TestTimeRecBounded: the reads followed at once are bounded; the oldest
// go first, with the tags of their messages.
func TestTimeRecBounded(t *testing.T) {
	var r mpTimeRec
	r.tags = map[int]mpReadTag{}
	for i := range 20 {
		r.reads = append(r.reads, mpReadRec{id: "c1." + string(rune('a'+i))})
		r.tags[100+i] = mpReadTag{rec: int32(i)}
	}
	r.reads[19].answered = true // answered but followed: kept
	r.compact()
	if len(r.reads) != mpMaxFollowed || r.reads[0].id != "c1.e" || len(r.tags) != mpMaxFollowed {
		t.Fatalf("%d reads from %q, %d tags", len(r.reads), r.reads[0].id, len(r.tags))
	}
	for id, tg := range r.tags {
		if r.reads[tg.rec].id != "c1."+string(rune('a'+id-100)) {
			t.Errorf("tag of #%d points at %q", id, r.reads[tg.rec].id)
		}
	}
	delete(r.tags, 119)
	r.compact()
	if len(r.reads) != mpMaxFollowed-1 {
		t.Fatalf("an answered read no message follows is kept: %d reads", len(r.reads))
	}
}

// TestTimeViewTwoGuards: a server that acked two leaders keeps both
// guards (multipaxos lease.go), and the time view draws each as running
// until s2's clock reads 12 (before, s3's guard was drawn as ended).
func TestTimeViewTwoGuards(t *testing.T) {
	h := playMP(t, `cluster multipaxos servers=3 clients=1 leader=s1 lease=10 timeout=30 heartbeat=2 seed=1
timeout s3
deliver prepare s3->s1
deliver promise s1->s3
tick 2
deliver heartbeat s3->s2
deliver heartbeat_ok s2->s3
deliver heartbeat s1->s2`)
	_, v := h.View()
	tv := v.Time
	if tv == nil {
		t.Fatal("no time view")
	}
	var fors []string
	for _, b := range tv.Bars {
		if b.Node == "s2" && b.Kind == "guard" && b.Open && b.To == 1200 {
			fors = append(fors, b.For)
		}
	}
	if len(fors) != 2 || fors[0] == fors[1] {
		t.Fatalf("s2 guard bars are for %v, want one for s1 and one for s3 (bars %+v)", fors, tv.Bars)
	}
}
