package main

import (
	"strings"
	"testing"
)

// TestCheckMPEngineLock: the lease and lock flags reach the search: with
// --bugs no_fencing on the lock service (one server, c1 acquires, writes
// and releases, c2 acquires and writes) check engine finds fencing broken
// and exits 1; the correct engine is clean at the same bounds (exit 0);
// and --bugs lease_no_drift with ticks and a clock change finds
// lease-exclusive broken. Bad values are usage errors.
func TestCheckMPEngineLock(t *testing.T) {
	lock := []string{"engine", "--protocol", "multipaxos", "--servers", "1", "--app", "lock", "--commands", "5"}
	code, out, errs := runCheck(t, append(lock, "--bugs", "no_fencing")...)
	if code != checkViolation || !strings.Contains(out, "expect violation fencing") || !strings.Contains(out, "write c1 f A") {
		t.Fatalf("no_fencing: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs = runCheck(t, lock...); code != checkOK {
		t.Fatalf("correct lock service: exit %d\n%s%s", code, out, errs)
	}
	drift := []string{"engine", "--protocol", "multipaxos", "--servers", "1", "--app", "lock", "--ttl", "2", "--drift", "50",
		"--heartbeat", "1", "--ticks", "2", "--clocks", "1", "--commands", "2", "--bugs", "lease_no_drift"}
	if code, out, errs = runCheck(t, drift...); code != checkViolation || !strings.Contains(out, "expect violation lease-exclusive") {
		t.Fatalf("lease_no_drift: exit %d\n%s%s", code, out, errs)
	}
	for _, bad := range [][]string{
		{"--app", "chubby"},
		{"--reads", "fast"},
		{"--workload", "lock"},
		{"--clocks", "1"},
		{"--ticks", "-1"},
	} {
		if code, out, errs := runCheck(t, append([]string{"engine", "--protocol", "multipaxos"}, bad...)...); code != checkUsage {
			t.Errorf("%v: exit %d, want usage\n%s%s", bad, code, out, errs)
		}
	}
}
