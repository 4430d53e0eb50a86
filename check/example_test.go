package check_test

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

// A web handler's "search from here": the session's script gives the
// cluster and the actions so far; the search is bounded in states and time
// and stops with the request's context.
func ExampleEngine() {
	cl, prefix, err := check.ParsePrefix(`cluster proposers=2 acceptors=3 learners=0 bugs=no_adopt
propose p1 X
deliver prepare p1->*
deliver promise *->p1
deliver accept p1->a1
deliver accept p1->a2
`)
	if err != nil {
		panic(err)
	}
	res, err := check.Engine(context.Background(), check.EngineOptions{
		Cluster: cl, Prefix: prefix, Invariant: sim.InvAgreement,
		MaxStates: 100_000, Timeout: 5 * time.Second,
	})
	if err != nil {
		panic(err) // only for unusable options
	}
	fmt.Println(res.Stop, res.DistinctStates, res.Violation.Steps)
	script := res.Violation.Script
	fmt.Println(script[strings.Index(script, "cluster"):strings.Index(script, "\npropose p2")])
	// Output:
	// violation 34 7
	// cluster proposers=2 acceptors=3 learners=0 seed=1 bugs=no_adopt
	// propose p1 X
	// deliver prepare p1->*
	// deliver promise *->p1
	// deliver accept p1->a1
	// deliver accept p1->a2
}

// The bug gallery's counterexample for one bug variant, with the steps to
// pause at.
func ExampleCounterexample() {
	res, err := check.Counterexample(context.Background(), engine.BugNoAdopt)
	if err != nil {
		panic(err)
	}
	v := res.Violation
	fmt.Println(v.Invariant, v.Steps, v.BugSteps)
	fmt.Println(v.Actions[v.BugSteps[0]].Format(engine.NewConfig(2, 3, 0, 0)))
	// Output:
	// agreement 14 [10]
	// deliver promise a1->p2
}

// Lamport's Paxos.tla with MCPaxosTiny's constants, as TLC checks it.
func ExampleSpec() {
	res, err := check.Spec(context.Background(), check.SpecOptions{Acceptors: 3, Values: 2, MaxBallot: 1})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Stop, res.DistinctStates, res.Transitions, res.Depth)
	// Output:
	// complete 3921 23563 17
}
