package multipaxos

import "testing"

// TestLockTable: the state machine of multipaxos.md §3.2 — a grant's token
// is its slot, the holder gets its token again, another client is busy;
// renew and release need the current token; a stale expire frees nothing.
func TestLockTable(t *testing.T) {
	var lt LockTable
	c1 := ReqID{Client: 1, Seq: 1}
	c2 := ReqID{Client: 2, Seq: 1}
	step := func(n int32, c Cmd, want string) {
		t.Helper()
		if got := lt.apply(n, c, 0); got != want {
			t.Errorf("slot %d %s = %q, want %q", n, c, got, want)
		}
	}
	acq := func(id ReqID) Cmd { return Cmd{Op: OpAcquire, ID: id, Key: "f"} }
	tok := func(op Op, id ReqID, t string) Cmd { return Cmd{Op: op, ID: id, Key: "f", Val: t} }
	step(1, acq(c1), "tok:1")
	step(2, acq(c1), "tok:1")
	step(3, acq(c2), ResultBusy)
	step(4, tok(OpRenew, c2, "1"), ResultLost)
	step(5, tok(OpRenew, c1, "2"), ResultLost)
	step(6, tok(OpRenew, c1, "1"), ResultOK)
	lt.expire(Cmd{Op: OpExpire, Key: "f", Val: "6"}) // not the current token
	if h, tk := lt.Get("f"); h != 1 || tk != 1 {
		t.Fatalf("a stale expire changed f: holder %d token %d", h, tk)
	}
	lt.expire(Cmd{Op: OpExpire, Key: "f", Val: "1"})
	step(8, acq(c2), "tok:8")
	step(9, tok(OpRelease, c1, "1"), ResultLost)
	step(10, tok(OpRelease, c2, "8"), ResultOK)
	if h, _ := lt.Get("f"); h != 0 {
		t.Errorf("f still held by c%d after its release", h)
	}
}

// TestLockCmds: lock commands print and parse as multipaxos.md §1.1, §2
// write them; expire is never a client's.
func TestLockCmds(t *testing.T) {
	for _, s := range []string{"c1.3:acquire:f", "c2.1:renew:f:5", "c1.4:release:f:5", "expire:f:3"} {
		c, err := ParseCmd(s)
		if err != nil || c.String() != s {
			t.Errorf("ParseCmd(%q) = %v, %v", s, c, err)
		}
	}
	for _, s := range []string{"c1.1:expire:f:1", "expire:f", "c1.1:renew:f:x", "c1.1:renew:f:01", "c1.1:acquire:f:1"} {
		if _, err := ParseCmd(s); err == nil {
			t.Errorf("ParseCmd(%q): want an error", s)
		}
	}
	if !OpAcquire.IsClientOp() || OpExpire.IsClientOp() || OpAcquire.IsKV() || !OpCas.IsKV() {
		t.Error("op classes")
	}
}

// TestLockSpan: a client believes for ttl·(100−P)/(100+P) on its clock,
// the full ttl with lease_no_drift; d1 is the node after the clients.
func TestLockSpan(t *testing.T) {
	c := DefaultConfig(3, 2, 0)
	if err := c.SetTime(10); err != nil {
		t.Fatal(err)
	}
	if err := c.SetLock(10); err != nil {
		t.Fatal(err)
	}
	if got := c.LockSpan(); got != 818 {
		t.Errorf("span %d, want 818", got)
	}
	if c.Data() != 5 || c.Name(5) != "d1" || c.IsClient(5) || c.Nodes() != 6 {
		t.Errorf("d1 %d %q client %v nodes %d", c.Data(), c.Name(5), c.IsClient(5), c.Nodes())
	}
	b := DefaultConfig(3, 2, BugSet(BugLeaseNoDrift))
	_ = b.SetTime(10)
	_ = b.SetLock(10)
	if got := b.LockSpan(); got != 1000 {
		t.Errorf("lease_no_drift span %d, want 1000", got)
	}
	if err := c.SetLock(0); err == nil {
		t.Error("ttl=0 accepted")
	}
}
