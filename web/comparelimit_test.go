package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// compareFrom posts a schedule to /compare as if from addr.
func compareFrom(h http.Handler, addr, script string) int {
	req := httptest.NewRequest("POST", "/compare", strings.NewReader(url.Values{"script": {script}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Code
}

// TestCompareLimitsPerAddress (issue 13, item 3): one address cannot keep
// the comparison slots to itself. It gets its burst, then one comparison
// every two seconds; another address is still served.
func TestCompareLimitsPerAddress(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	now := time.Unix(1e9, 0)
	srv.cmpLimits.now = func() time.Time { return now }
	h := srv.Handler()
	const script = "compare servers=3 seed=2\nat 0 put x 1\nrun until=30\n"
	ok := 0
	for i := 0; i < 3*compareBurst; i++ {
		switch code := compareFrom(h, "127.0.0.1:40000", script); code {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
		default:
			t.Fatalf("POST %d: status %d", i, code)
		}
	}
	if ok != compareBurst {
		t.Errorf("one address ran %d comparisons at once; want its burst, %d", ok, compareBurst)
	}
	if code := compareFrom(h, "127.0.0.2:40000", script); code != http.StatusOK {
		t.Errorf("another address: %d", code)
	}
	// The page itself (GET /compare runs its schedule) counts too.
	req := httptest.NewRequest("GET", "/compare?script="+url.QueryEscape(script), nil)
	req.RemoteAddr = "127.0.0.1:40001"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("GET /compare from the spent address: %d, want 429", rec.Code)
	}
	now = now.Add(2 * time.Second)
	if code := compareFrom(h, "127.0.0.1:40000", script); code != http.StatusOK {
		t.Errorf("two seconds later: %d, want 200", code)
	}
}

// TestCompareOneAtATimePerAddress: while a comparison of an address runs,
// a second one from it is refused and another address's is not.
func TestCompareOneAtATimePerAddress(t *testing.T) {
	var c compareLimits
	if r := c.acquire("a"); r != compareOK {
		t.Fatal(r)
	}
	if r := c.acquire("a"); r != compareAddrBusy {
		t.Errorf("a second comparison from a while its first runs: %d, want busy", r)
	}
	if r := c.acquire("b"); r != compareOK {
		t.Errorf("b: %d", r)
	}
	c.release("a")
	if r := c.acquire("a"); r != compareOK {
		t.Errorf("a after its first ended: %d", r)
	}
}
