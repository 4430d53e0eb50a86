package multipaxos

import "fmt"

// MaxDrift bounds drift=: a clock never stops or runs backwards.
const MaxDrift = 50

// SetTime sets the cluster's timing assumptions (multipaxos.md §3.3); it
// is called right after NewConfig, before the config is shared.
func (c *Config) SetTime(drift int) error {
	if drift < 0 || drift > MaxDrift {
		return fmt.Errorf("drift=%d: must be 0..%d", drift, MaxDrift)
	}
	c.Drift = drift
	return nil
}

// RateOK reports whether a clock rate (percent of true time) is within the
// drift bound.
func (c *Config) RateOK(rate int) bool {
	return rate >= 100-c.Drift && rate <= 100+c.Drift
}
