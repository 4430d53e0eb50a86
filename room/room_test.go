package room

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 2000; i++ {
		c, err := NewCode(nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(c) != CodeLen {
			t.Fatalf("code %q has length %d", c, len(c))
		}
		for _, r := range c {
			if strings.ContainsRune("0O1IL2Z5S8BUVQ", r) {
				t.Fatalf("code %q has the ambiguous character %q", c, r)
			}
		}
		seen[c] = true
	}
	if len(seen) < 1990 {
		t.Errorf("only %d distinct codes in 2000", len(seen))
	}
	for _, in := range []string{"acd-efg", " ACD EFG ", "acdefg"} {
		if c, err := NormalizeCode(in); err != nil || c != "ACDEFG" {
			t.Errorf("NormalizeCode(%q) = %q, %v", in, c, err)
		}
	}
	for _, in := range []string{"", "ACDEF", "ACDEFGH", "ACDEF0", "ACDEFI", "ACDEF\x00", strings.Repeat("A", 1<<16)} {
		if _, err := NormalizeCode(in); !errors.Is(err, ErrBadCode) {
			t.Errorf("NormalizeCode(%q) accepted", in)
		}
	}
	// A short random source is an error, not a hang or a panic.
	if _, err := NewCode(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Error("NewCode from 3 bytes succeeded")
	}
}

func TestSecret(t *testing.T) {
	s, err := NewSecret(rand.Reader)
	if err != nil || len(s) != 32 {
		t.Fatalf("secret %q, %v", s, err)
	}
	if !SecretOK(s, s) || SecretOK(s, s[:31]+"x") || SecretOK(s, "") || SecretOK("", "") {
		t.Error("SecretOK compares wrongly")
	}
}

func newRoom(t *testing.T, lim Limits) *Room {
	t.Helper()
	return New("ACDEFG", "secret", "", t0, lim)
}

func TestJoinLockCapClose(t *testing.T) {
	r := newRoom(t, Limits{MaxStudents: 2, IdleExpiry: time.Hour})
	a, err := r.Join("a", "en", t0)
	if err != nil || a.Num != 1 {
		t.Fatalf("join a: %+v %v", a, err)
	}
	if _, err := r.Join("b", "zh", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Join("c", "en", t0); !errors.Is(err, ErrFull) {
		t.Fatalf("third student in a room of 2: %v", err)
	}
	// A member comes back even when the room is full or locked.
	r.Lock(true, t0)
	if st, err := r.Join("a", "zh", t0); err != nil || st.Num != 1 || st.Lang != "zh" {
		t.Fatalf("rejoin: %+v %v", st, err)
	}
	r.Limits.MaxStudents = 10
	if _, err := r.Join("d", "en", t0); !errors.Is(err, ErrLocked) {
		t.Fatalf("join a locked room: %v", err)
	}
	if p := r.Public(); p.Open || !p.Locked {
		t.Fatalf("public of a locked room: %+v", p)
	}
	r.Lock(false, t0)
	if _, err := r.Join("d", "en", t0); err != nil {
		t.Fatal(err)
	}
	r.Close(t0)
	if _, err := r.Join("a", "en", t0); !errors.Is(err, ErrClosed) {
		t.Fatalf("join a closed room: %v", err)
	}
}

func TestIdleExpiry(t *testing.T) {
	r := newRoom(t, Limits{IdleExpiry: time.Hour})
	r.Join("a", "en", t0)
	r.Connect("a", t0)
	if r.Idle(t0.Add(2 * time.Hour)) {
		t.Fatal("a room with a connected student expired")
	}
	r.Disconnect("a", t0.Add(time.Minute))
	if r.Idle(t0.Add(time.Hour)) {
		t.Fatal("expired before the idle limit")
	}
	if !r.Idle(t0.Add(time.Hour + 2*time.Minute)) {
		t.Fatal("did not expire after the idle limit")
	}
	r.InstructorConns = 1
	if r.Idle(t0.Add(5 * time.Hour)) {
		t.Fatal("expired while the instructor is connected")
	}
}

func TestPollRevealRevote(t *testing.T) {
	r := newRoom(t, DefaultLimits)
	for _, id := range []string{"a", "b", "c"} {
		r.Join(id, "en", t0)
	}
	if err := r.Answer("a", 0, t0); !errors.Is(err, ErrNoPoll) {
		t.Fatalf("answer without a poll: %v", err)
	}
	if _, err := r.StartPoll(Poll{Kind: PollValue, N: 0}, t0); err == nil {
		t.Fatal("a poll with no choice started")
	}
	if _, err := r.StartPoll(Poll{Kind: PollValue, N: 2, Choices: []string{"X"}}, t0); err == nil {
		t.Fatal("a poll with 1 text for 2 choices started")
	}
	p, err := r.StartPoll(Poll{Kind: PollValue, N: 2, Choices: []string{"X", "Y"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	r.Answer("a", 0, t0.Add(10*time.Millisecond))
	r.Answer("b", 1, t0.Add(20*time.Millisecond))
	r.Answer("b", 0, t0.Add(30*time.Millisecond)) // changes their mind: still one answer
	if err := r.Answer("c", 2, t0); !errors.Is(err, ErrBadChoice) {
		t.Fatalf("choice 2 of 2: %v", err)
	}
	if err := r.Answer("zz", 0, t0); !errors.Is(err, ErrNoStudent) {
		t.Fatalf("a stranger answered: %v", err)
	}
	pub := r.Public().Poll
	if pub.Answered != 2 || pub.Hist != nil {
		t.Fatalf("before the reveal the projector shows %+v (the split must stay hidden)", pub)
	}
	if d := r.Dashboard().Poll; d.Hist[0] != 2 || d.Hist[1] != 0 {
		t.Fatalf("dashboard split %v", d.Hist)
	}
	p.Reveal()
	if err := r.Answer("c", 1, t0); !errors.Is(err, ErrPollClosed) {
		t.Fatalf("answer after the reveal: %v", err)
	}
	pub = r.Public().Poll
	if len(pub.Hist) != 2 || pub.Hist[0] != 2 || !pub.Revealed {
		t.Fatalf("revealed: %+v", pub)
	}
	p.Revote(t0.Add(time.Minute))
	if p.Answered() != 0 || p.Round != 2 || len(p.Rounds) != 1 || p.Rounds[0][0] != 2 {
		t.Fatalf("revote: %+v", p)
	}
	r.Answer("c", 1, t0.Add(time.Minute+time.Second))
	if p.MyAnswer("c") != 1 || p.MyAnswer("a") != -1 {
		t.Fatal("MyAnswer wrong after the revote")
	}
	r.EndPoll(t0.Add(2 * time.Minute))
	if r.Poll != nil || len(r.Polls) != 1 || r.Polls[0].Hist[1] != 1 || len(r.Polls[0].Timeline) == 0 {
		t.Fatalf("history %+v", r.Polls)
	}
}

func TestPollTimelineBounded(t *testing.T) {
	r := newRoom(t, Limits{})
	p, _ := r.StartPoll(Poll{Kind: PollValue, N: 3, Choices: []string{"a", "b", "c"}}, t0)
	for i := 0; i < 5000; i++ {
		id := string(rune('a'+i%26)) + itoa(i)
		r.Join(id, "en", t0)
		if err := r.Answer(id, i%3, t0.Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	if p.Answered() != 5000 {
		t.Fatalf("counted %d of 5000", p.Answered())
	}
	if len(p.Timeline) > 60 || p.Timeline[len(p.Timeline)-1].Answered != 5000 {
		t.Fatalf("timeline has %d points, last %+v", len(p.Timeline), p.Timeline[len(p.Timeline)-1])
	}
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestForksAndShares(t *testing.T) {
	r := newRoom(t, Limits{MaxShares: 2})
	for _, id := range []string{"a", "b", "c"} {
		r.Join(id, "en", t0)
		r.Connect(id, t0)
	}
	if err := r.StartFork("a", "s1", t0); !errors.Is(err, ErrNotReleased) {
		t.Fatalf("fork before the release: %v", err)
	}
	r.Release(true, t0)
	if _, err := r.ShareFork("a", 3, t0); !errors.Is(err, ErrNoFork) {
		t.Fatalf("share without a fork: %v", err)
	}
	r.StartFork("a", "s1", t0)
	r.StartFork("b", "s2", t0)
	r.SetGoal("b", true)
	r.SetGoal("c", true) // not on a fork: ignored
	d := r.Dashboard()
	if d.Connected != 3 || d.OnForks != 2 || d.GoalMet != 1 {
		t.Fatalf("dashboard %+v", d)
	}
	sh, _ := r.ShareFork("a", 3, t0)
	r.ShareFork("a", 5, t0) // replaces a's share
	r.ShareFork("b", 1, t0)
	if len(r.Shares) != 2 || r.Shares[0].Step != 5 || r.Shares[0].Student != 1 {
		t.Fatalf("shares %+v", r.Shares)
	}
	if _, err := r.Share(sh.ID); !errors.Is(err, ErrNoShare) {
		t.Fatal("a replaced share is still there")
	}
	r.StartFork("c", "s3", t0)
	r.ShareFork("c", 2, t0)
	if len(r.Shares) != 2 || r.Shares[0].Student != 2 {
		t.Fatalf("MaxShares not kept: %+v", r.Shares)
	}
	if f := r.Forks(); len(f) != 3 || f[0].Num != 1 || f[2].Num != 3 {
		t.Fatalf("forks %+v", f)
	}
	r.BackToClass("a")
	if r.Dashboard().OnForks != 2 {
		t.Fatal("back to class did not leave the fork")
	}
	if err := r.BackToClass("a"); !errors.Is(err, ErrNoFork) {
		t.Fatalf("back to class twice: %v", err)
	}
}

func TestRateLimiter(t *testing.T) {
	l := NewRateLimiter(1, 3)
	for i := 0; i < 3; i++ {
		if !l.Allow("1.2.3.4", t0) {
			t.Fatalf("join %d refused within the burst", i)
		}
	}
	if l.Allow("1.2.3.4", t0) {
		t.Fatal("4th join within a second allowed")
	}
	if !l.Allow("5.6.7.8", t0) {
		t.Fatal("another address refused")
	}
	if !l.Allow("1.2.3.4", t0.Add(1100*time.Millisecond)) {
		t.Fatal("no refill after a second")
	}
	l.MaxAddrs = 10
	for i := 0; i < 100; i++ {
		l.Allow("10.0.0."+itoa(i), t0)
	}
	if l.Len() > 10 {
		t.Fatalf("limiter remembers %d addresses, cap 10", l.Len())
	}
	l.Allow("x", t0.Add(time.Hour))
	if l.Len() > 1 {
		t.Fatalf("full buckets not forgotten: %d", l.Len())
	}
}

func TestLocalFanout(t *testing.T) {
	f := NewLocalFanout()
	a := f.Subscribe("r", 2)
	b := f.Subscribe("r", 1)
	other := f.Subscribe("q", 1)
	if n := f.Publish("r", []byte("1")); n != 2 {
		t.Fatalf("published to %d", n)
	}
	// b is full: the next publish drops it and does not block.
	if n := f.Publish("r", []byte("2")); n != 1 {
		t.Fatalf("second publish reached %d", n)
	}
	select {
	case <-b.Dropped():
	default:
		t.Fatal("slow subscriber not dropped")
	}
	if got := string(<-a.C()) + string(<-a.C()); got != "12" {
		t.Fatalf("a got %q", got)
	}
	if len(other.C()) != 0 {
		t.Fatal("another topic got the frame")
	}
	a.Close()
	a.Close()
	other.Close()
	if f.Subscribers("r") != 0 || f.Subscribers("q") != 0 {
		t.Fatal("subscribers left after Close")
	}
}

// TestPollSlot: a slot poll takes answers about its own slot only, and
// its god's-eye result stays off the projector until the reveal.
func TestPollSlot(t *testing.T) {
	r := newRoom(t, DefaultLimits)
	r.Join("a", "en", t0)
	p, err := r.StartPoll(Poll{Kind: PollSlot, Slot: 2, N: 2, Choices: []string{"c1.1:put:x:1", "noop"}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.AnswerAt("a", 0, 3, t0); !errors.Is(err, ErrWrongSlot) {
		t.Fatalf("an answer about slot 3 to a slot-2 poll: %v", err)
	}
	if err := r.AnswerAt("a", 2, 2, t0); !errors.Is(err, ErrBadChoice) {
		t.Fatalf("choice 3 of 2: %v", err)
	}
	if err := r.AnswerAt("zz", 0, 2, t0); !errors.Is(err, ErrNoStudent) {
		t.Fatalf("a stranger answered: %v", err)
	}
	if err := r.AnswerAt("a", 1, 2, t0); err != nil || p.MyAnswer("a") != 1 {
		t.Fatalf("a right answer: %v, recorded %d", err, p.MyAnswer("a"))
	}
	if !p.SetResult("c1.1:put:x:1") || p.SetResult("c1.1:put:x:1") {
		t.Fatal("SetResult does not report exactly the change")
	}
	if pub := r.Public().Poll; pub.Result != "" || pub.Slot != 2 {
		t.Fatalf("before the reveal the projector shows %+v (the result must stay hidden)", pub)
	}
	p.Reveal()
	if pub := r.Public().Poll; pub.Result != "c1.1:put:x:1" {
		t.Fatalf("revealed result %q", pub.Result)
	}
}
