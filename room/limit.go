package room

import "time"

// RateLimiter is a token bucket per client address, bounded in memory:
// it forgets addresses whose bucket has refilled, and past MaxAddrs it
// refuses new addresses until some are forgotten (an attacker with many
// addresses cannot make it grow without bound).
type RateLimiter struct {
	Rate     float64 // tokens per second
	Burst    int
	MaxAddrs int
	m        map[string]*bucket
	swept    time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewRateLimiter returns a limiter of rate per second with burst.
func NewRateLimiter(rate float64, burst int) *RateLimiter {
	return &RateLimiter{Rate: rate, Burst: max(burst, 1), MaxAddrs: 100000, m: map[string]*bucket{}}
}

// Allow takes one token for addr at now.
func (l *RateLimiter) Allow(addr string, now time.Time) bool {
	if l.Rate <= 0 {
		return true
	}
	if now.Sub(l.swept) > time.Minute || len(l.m) >= l.MaxAddrs {
		l.sweep(now)
	}
	b, ok := l.m[addr]
	if !ok {
		if len(l.m) >= l.MaxAddrs {
			return false
		}
		b = &bucket{tokens: float64(l.Burst), last: now}
		l.m[addr] = b
	}
	b.tokens = min(float64(l.Burst), b.tokens+now.Sub(b.last).Seconds()*l.Rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep forgets addresses whose bucket is full again.
func (l *RateLimiter) sweep(now time.Time) {
	l.swept = now
	for a, b := range l.m {
		if b.tokens+now.Sub(b.last).Seconds()*l.Rate >= float64(l.Burst) {
			delete(l.m, a)
		}
	}
}

// Len is the number of addresses remembered.
func (l *RateLimiter) Len() int { return len(l.m) }
