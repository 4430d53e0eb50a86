package check

import (
	"context"
	"errors"
	"testing"
)

func TestCounterexampleNamed(t *testing.T) {
	if _, err := CounterexampleNamed(context.Background(), "skip_phase1"); !errors.Is(err, ErrNoCase) {
		t.Errorf("a Multi-Paxos bug: %v, want ErrNoCase", err)
	}
	res, err := CounterexampleNamed(context.Background(), "half_quorum")
	if err != nil || res.Violation == nil || res.Violation.Invariant != "agreement" {
		t.Fatalf("half_quorum: %+v, %v", res, err)
	}
}
