package sim

import (
	"strings"
	"testing"
)

// TestMPReadIndexDeposed: a leader that has promised a higher ballot must
// not count itself in its read index round. Found by the engine search
// (stale-read workload, correct engine): s1 promises s2's 2.2 and helps it
// decide c2's put x 2, then takes c1's get via=index; s3, which never
// heard of 2.2, acks s1's heartbeat, and s1 and s3 looked like a majority
// for 1.1 — s1 answered nil after put x 2 was acknowledged. Now s1 waits;
// its accept-free read is answered only after a nack deposes it.
func TestMPReadIndexDeposed(t *testing.T) {
	for _, via := range []string{"index", "lease"} {
		src := `cluster multipaxos servers=3 clients=2 leader=s1 lease=5 seed=1
put c2 x 2 to=s2
timeout s2
deliver prepare s2->s1
deliver promise s1->s2
deliver request c2->s2
deliver accept s2->s1
deliver accepted s1->s2
deliver reply s2->c2
expect reply c2 ok
get c1 x via=` + via + `
deliver request c1->s1
deliver heartbeat s1->s3
deliver heartbeat_ok s3->s1
expect inflight 0 reply s1->c1
deliver heartbeat s1->s2
deliver nack s2->s1
run until=quiet
expect reply c1 2
expect safe
`
		sc, err := Parse("t", src)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		if res := Exec(sc, &sb); res.ExitCode() != 0 {
			t.Errorf("via=%s: exit %d: %v\n%s", via, res.ExitCode(), res.Err, sb.String())
		}
	}
}
