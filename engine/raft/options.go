package raft

import (
	"fmt"
	"strconv"
	"strings"
)

// Set reads one key of `cluster raft ...` (raft.md §2, §9 "Forms"):
// servers, election=MIN-MAX, heartbeat, noop, batch, probe, bugs. `seed`
// belongs to the world; any other key is an error. Ranges are checked by
// NewConfig.
func (o *Options) Set(key, value string) error {
	num := func() (int, error) {
		n, err := strconv.Atoi(value)
		if err != nil || value == "" || value[0] == '+' {
			return 0, fmt.Errorf("%s=%s: not a number", key, value)
		}
		return n, nil
	}
	var err error
	switch key {
	case "servers":
		o.Servers, err = num()
	case "heartbeat":
		o.Heartbeat, err = num()
	case "noop":
		o.Noop, err = num()
	case "batch":
		o.Batch, err = num()
	case "probe":
		o.Probe, err = num()
	case "election":
		lo, hi, ok := strings.Cut(value, "-")
		a, e1 := strconv.Atoi(lo)
		b, e2 := strconv.Atoi(hi)
		if !ok || e1 != nil || e2 != nil || lo == "" || hi == "" || lo[0] == '+' || hi[0] == '+' {
			return fmt.Errorf("election=%s: must be MIN-MAX", value)
		}
		o.ElectionMin, o.ElectionMax = a, b
	case "bugs":
		o.Bugs, err = ParseBugs(value)
	default:
		return fmt.Errorf("%s: not a key of cluster raft (servers, election, heartbeat, noop, batch, probe, seed, bugs)", key)
	}
	return err
}
