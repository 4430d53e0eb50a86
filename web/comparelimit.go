package web

import (
	"sync"
	"time"
)

// Per-address limits on comparisons (issue 13, item 3). A comparison is
// the most expensive thing a visitor can ask of the server without a
// session: both protocols run to the end, up to sim.CompareMaxEvents
// events each, and the frames of every tick are kept. The global slots
// (compareSlots) bound the comparisons running at once; without a limit
// per address one visitor could hold both slots for good, and everyone
// else got "busy". As for sessions and commands: one address runs at most
// compareMaxPerAddr comparisons at once, and at most compareBurst at a
// time then compareRate a second (the page, its POST API and a lesson's
// comparison step all count).
const (
	compareMaxPerAddr = 1
	compareRate       = 0.5 // per second: one every two seconds
	compareBurst      = 10
)

// compareLimits is the per-address state; the zero value is ready.
type compareLimits struct {
	mu      sync.Mutex
	now     func() time.Time // the clock (tests); nil: time.Now
	running map[string]int
	buckets map[string]*tokenBucket
}

// compareRefusal says why an address may not run a comparison now.
type compareRefusal int

const (
	compareOK compareRefusal = iota
	compareTooFast
	compareAddrBusy
)

// acquire takes a place for one comparison from addr; release gives it
// back (only after compareOK).
func (c *compareLimits) acquire(addr string) compareRefusal {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	if c.now != nil {
		now = c.now()
	}
	if c.running == nil {
		c.running, c.buckets = map[string]int{}, map[string]*tokenBucket{}
	}
	if c.running[addr] >= compareMaxPerAddr {
		return compareAddrBusy
	}
	b := c.buckets[addr]
	if b == nil {
		if len(c.buckets) >= maxAddrs {
			for k, old := range c.buckets {
				if old.full(now) && c.running[k] == 0 {
					delete(c.buckets, k)
				}
			}
		}
		b = &tokenBucket{rate: compareRate, burst: compareBurst}
		c.buckets[addr] = b
	}
	if !b.allow(now) {
		return compareTooFast
	}
	c.running[addr]++
	return compareOK
}

func (c *compareLimits) release(addr string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running[addr]--; c.running[addr] <= 0 {
		delete(c.running, addr)
	}
}
