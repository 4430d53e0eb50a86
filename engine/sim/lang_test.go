package sim

import (
	"strings"
	"testing"
)

// The three protocols' cluster lines, with a node that crashes and the
// message type and selector that match nothing at the start.
var langCases = []struct {
	proto, cluster, node, sel string
}{
	{ProtoPaxos, "cluster proposers=1 acceptors=3", "a1", "accept p1->a2"},
	{ProtoMultiPaxos, "cluster multipaxos servers=3 clients=1", "s2", "accept s1->s2 s=1"},
	{ProtoRaft, "cluster raft servers=3", "s2", "append s1->s2 t=1"},
}

// TestCommonFormsParseOnce: every protocol's script reads the common forms
// with the one parser: the same mistakes give the same errors, and every
// statement lands in Script.Stmts as the one Action or Expect.
func TestCommonFormsParseOnce(t *testing.T) {
	for _, c := range langCases {
		for _, bad := range []struct{ line, want string }{
			{"tick 0", "f:2: tick: ticks must be a whole number 1..1000"},
			{"run until=forever", `f:2: run: until must be chosen or quiet, not "forever"`},
			{"run drop=0.7 dup=0.7", "f:2: run: drop and dup add up to more than 1"},
			{"deliver #0", `f:2: deliver: bad message id "#0"`},
			{"drop #3 b=1", "f:2: drop: nothing may follow a message id #3"},
			{"dup bogus", `f:2: dup: unknown message type "bogus" (`},
			{"deliver * " + c.node + "->", "f:2: deliver: FROM->TO needs a node or * on each side"},
			{"deliver * q9->*", `f:2: deliver: unknown `},
			{"deliver * *->* zz=1", `f:2: deliver: unexpected "zz=1" in selector`},
			{"partition " + c.node + " | " + c.node, "f:2: partition: " + c.node + " is in more than one group"},
			{"partition " + c.node + " | | *", "f:2: partition: empty group"},
			{"heal now", "f:2: heal: usage: heal"},
			{"crash", "f:2: crash: usage: crash NODE"},
			{"expect", "f:2: expect: usage: expect "},
			{"expect safe now", "f:2: expect safe: usage: expect safe"},
			{"expect violation nonsense", `f:2: expect violation: unknown invariant "nonsense" (known: `},
			{"expect inflight x", `f:2: expect inflight: "x" is not a count`},
			{"expect nonsense", "f:2: expect nonsense: unknown expectation (usage: expect "},
			{"frobnicate", `f:2: unknown command "frobnicate" (commands: `},
		} {
			_, err := Parse("f", c.cluster+"\n"+bad.line+"\n")
			if err == nil || !strings.Contains(err.Error(), bad.want) {
				t.Errorf("%s: %q: %v, want %q", c.cluster, bad.line, err, bad.want)
			}
		}
		sc, err := Parse("f", c.cluster+"\ntick 2\npartition "+c.node+" | *\nheal\ndeliver "+c.sel+"\nrun max=5 until=quiet\nexpect inflight 0 "+c.sel+"\nexpect safe\n")
		if err != nil {
			t.Fatalf("%s: %v", c.cluster, err)
		}
		if sc.Protocol != c.proto || len(sc.Stmts) != 7 {
			t.Fatalf("%s: protocol %q, %d statements", c.cluster, sc.Protocol, len(sc.Stmts))
		}
		kinds := []Kind{ActTick, ActPartition, ActHeal, ActDeliver, ActRun}
		for i, k := range kinds {
			if a := sc.Stmts[i].Action; a == nil || a.Kind != k {
				t.Errorf("%s: statement %d: %+v, want %s", c.cluster, i, a, k)
			}
		}
		if e := sc.Stmts[5].Expect; e == nil || e.Kind != ExpInFlight || e.Sel == nil {
			t.Errorf("%s: expect inflight: %+v", c.cluster, e)
		}
	}
}

// TestCommonFormsInterpretOnce: the world interprets the common forms for
// every protocol, so an impossible one is refused with the same words
// (which the web translates), at its line, taking no step.
func TestCommonFormsInterpretOnce(t *testing.T) {
	for _, c := range langCases {
		for _, bad := range []struct{ body, want string }{
			{"crash " + c.node + "\ncrash " + c.node, "f:3: crash: " + c.node + " is already down"},
			{"restart " + c.node, "f:2: restart: " + c.node + " is up (crash it first)"},
			{"deliver " + c.sel, `f:2: deliver: no in-flight message matches "` + c.sel + `"`},
			{"drop #7", `f:2: drop: no in-flight message matches "#7"`},
		} {
			sc, err := Parse("f", c.cluster+"\n"+bad.body+"\n")
			if err != nil {
				t.Fatalf("%s: %v", bad.body, err)
			}
			res := Exec(sc, nil)
			if res.ExitCode() != 2 || res.Err.Error() != bad.want {
				t.Errorf("%s: %q: exit %d, %v; want %q", c.cluster, bad.body, res.ExitCode(), res.Err, bad.want)
			}
		}
		// The common expectations judge the same way.
		sc, err := Parse("f", c.cluster+"\nexpect inflight 3\nexpect violation\nexpect safe\n")
		if err != nil {
			t.Fatal(err)
		}
		res := Exec(sc, nil)
		if len(res.Failures) != 2 || !strings.Contains(res.Failures[0].Error(), "f:2: expect inflight 3: ") ||
			!strings.Contains(res.Failures[1].Error(), "f:3: expect violation: violated: none") {
			t.Errorf("%s: failures %v", c.cluster, res.Failures)
		}
	}
}
