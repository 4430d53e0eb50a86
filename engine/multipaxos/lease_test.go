package multipaxos

import "testing"

// TestLeaseSpan: the holder's lease is shortened by the drift bound
// (multipaxos.md §3.3, M11: 10·90/110 = 8.18), and not with lease_no_drift.
func TestLeaseSpan(t *testing.T) {
	for _, c := range []struct {
		lease, drift int
		bugs         BugSet
		want         string
	}{
		{10, 10, 0, "8.18"},
		{10, 0, 0, "10.00"},
		{20, 10, 0, "16.36"},
		{10, 10, BugSet(0).With(BugLeaseNoDrift), "10.00"},
	} {
		cfg, err := NewConfig(3, 1, 3, 10, 2, c.bugs)
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.SetTime(c.drift); err != nil {
			t.Fatal(err)
		}
		if err := cfg.SetLease(c.lease); err != nil {
			t.Fatal(err)
		}
		if got := ClockText(cfg.LeaseSpan()); got != c.want {
			t.Errorf("lease=%d drift=%d bugs=%s: span %s, want %s", c.lease, c.drift, c.bugs, got, c.want)
		}
	}
	cfg, _ := NewConfig(3, 1, 3, 10, 2, 0)
	if cfg.SetTime(MaxDrift+1) == nil || cfg.SetLease(-1) == nil || cfg.SetLease(MaxLease+1) == nil {
		t.Error("out-of-range drift or lease accepted")
	}
	if cfg.SetTime(10) != nil || !cfg.RateOK(90) || !cfg.RateOK(110) || cfg.RateOK(111) || cfg.RateOK(89) {
		t.Error("RateOK does not follow drift=10")
	}
	for _, s := range []string{"log", "index", "lease"} {
		if v, err := ParseVia(s); err != nil || v.String() != s {
			t.Errorf("ParseVia(%q) = %v, %v", s, v, err)
		}
	}
	if _, err := ParseVia("fast"); err == nil {
		t.Error("ParseVia accepted fast")
	}
}

// TestLeaseGuards: a server that acked a heartbeat refuses another's
// prepare until its guard lapses on its own clock, and a higher ballot
// ends the leader's lease.
func TestLeaseGuards(t *testing.T) {
	cfg, _ := NewConfig(3, 0, 3, 10, 2, 0)
	_ = cfg.SetLease(10)
	st, err := NewState(cfg, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out Out
	out.Quiet = true
	out.Clock = 200
	st.Servers[1].Step(cfg, &Message{Type: MsgHeartbeat, From: 0, To: 1, Ballot: Ballot{1, 1}, Round: 1}, &out)
	if g := st.Servers[1].V.Guard; g != 1200 {
		t.Fatalf("guard until %d, want 1200", g)
	}
	prep := Message{Type: MsgPrepare, From: 2, To: 1, Ballot: Ballot{2, 3}, FromSlot: 1}
	out.Reset()
	out.Clock = 1199
	st.Servers[1].Step(cfg, &prep, &out)
	if len(out.Msgs) != 1 || out.Msgs[0].Type != MsgNack || !out.Msgs[0].WhyLease {
		t.Fatalf("guarded server answered %+v, want a nack why=lease", out.Msgs)
	}
	out.Reset()
	out.Clock = 1200
	st.Servers[1].Step(cfg, &prep, &out)
	if len(out.Msgs) != 1 || out.Msgs[0].Type != MsgPromise {
		t.Fatalf("after the guard the server answered %+v, want a promise", out.Msgs)
	}
	// The leader: round 1 sent at clock 100, acked: lease to 100+1000.
	l := &st.Servers[0]
	out.Reset()
	out.Clock = 100
	l.heartbeat(cfg, &out)
	out.Reset()
	l.Step(cfg, &Message{Type: MsgHeartbeatOK, From: 1, To: 0, Ballot: Ballot{1, 1}, Round: 1}, &out)
	if !l.HasLease(1099) || l.HasLease(1100) {
		t.Fatalf("lease until %d, want 1100", l.V.Lease)
	}
	out.Reset()
	l.Step(cfg, &prep, &out) // the leader promises 2.3 (it guards nobody)
	if l.HasLease(500) {
		t.Error("the leader still holds its lease after promising a higher ballot")
	}
}
