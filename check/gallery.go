package check

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/paxviz/paxviz/engine"
	"github.com/paxviz/paxviz/engine/sim"
)

// BugCase is the search that shows one bug variant of paxos.md §3 breaking
// safety: a configuration within that table's "needs" column, and the
// invariant that shows the bug best. The same bounds with the bug switched
// off give a complete search with no violation (the tests check both).
type BugCase struct {
	Bug engine.Bug
	// Needs is paxos.md §3's "needs" column: acceptors / proposers /
	// distinct ballots used.
	Needs string
	// Options are the search's cluster (with the bug on) and bounds; their
	// Invariant is the one the gallery shows: agreement, or learned-chosen
	// for the learner's bug. (The durability bugs break promise-monotonic
	// first, in three steps; agreement takes a longer schedule and is the
	// story worth telling.)
	Options EngineOptions
}

// BugCases returns one case per bug variant, in the order of paxos.md §3.
// Learners are left out (learners=0) except for the learner's own bug:
// chosen is god's-eye, so no learner is needed to break agreement, and the
// search is smaller without one.
func BugCases() []BugCase {
	c := func(bug engine.Bug, needs string, proposers, acceptors, learners int, inv string, crashes, dups int) BugCase {
		return BugCase{Bug: bug, Needs: needs, Options: EngineOptions{
			Cluster: sim.Cluster{Proposers: proposers, Acceptors: acceptors, Learners: learners,
				Seed: sim.DefaultSeed, TimeoutTicks: sim.DefaultTimeoutTicks, Bugs: engine.BugSet(0).With(bug)},
			MaxRound: 1, Crashes: crashes, Dups: dups, Invariant: inv,
		}}
	}
	return []BugCase{
		c(engine.BugNoAdopt, "3 / 2 / 2", 2, 3, 0, sim.InvAgreement, 0, 0),
		c(engine.BugAdoptLowest, "3 / 3 / 3", 3, 3, 0, sim.InvAgreement, 0, 0),
		c(engine.BugAcceptLower, "3 / 2 / 2", 2, 3, 0, sim.InvAgreement, 0, 0),
		c(engine.BugNoRaiseOnAccept, "3 / 3 / 3", 3, 3, 0, sim.InvAgreement, 0, 0),
		c(engine.BugVolatileAcceptor, "3 / 2 / 2, one crash", 2, 3, 0, sim.InvAgreement, 1, 0),
		c(engine.BugPromiseNotDurable, "3 / 2 / 2, one crash", 2, 3, 0, sim.InvAgreement, 1, 0),
		c(engine.BugBallotReuse, "3 / 2 / 1", 2, 3, 0, sim.InvAgreement, 0, 0),
		c(engine.BugLearnerCrossBallot, "a premature (wrong) learn at 3 / 3 / 3", 2, 3, 1, sim.InvLearnedChosen, 0, 0),
		c(engine.BugHalfQuorum, "4 / 2 / 2", 2, 4, 0, sim.InvAgreement, 0, 0),
		c(engine.BugCountDuplicates, "3 / 2 / 2", 2, 3, 0, sim.InvAgreement, 0, 1),
	}
}

// ErrNoCase is returned by Counterexample for a bug with no case.
var ErrNoCase = errors.New("check: no case for this bug")

// Counterexample runs the case of bug and returns its shortest
// counterexample: what the bug gallery plays. It takes well under a second
// for every bug (the largest search holds about 20,000 states); callers may
// cache the result, since the search is deterministic.
func Counterexample(ctx context.Context, bug engine.Bug) (*Result, error) {
	for _, c := range BugCases() {
		if c.Bug == bug {
			res, err := Engine(ctx, c.Options)
			if err != nil {
				return nil, err
			}
			if res.Violation == nil && !res.Truncated {
				return res, fmt.Errorf("check: internal error: no counterexample for %s", bug)
			}
			return res, nil
		}
	}
	return nil, fmt.Errorf("%w %s", ErrNoCase, bug)
}

// ParsePrefix reads a paxviz script (script.md) as the start of a search:
// its cluster line and its actions, expectations skipped. It is how "search
// from here" turns a session's record into EngineOptions.Cluster and
// EngineOptions.Prefix.
func ParsePrefix(src string) (sim.Cluster, []sim.Action, error) {
	sc, err := sim.Parse("prefix", src)
	if err != nil {
		return sim.Cluster{}, nil, fmt.Errorf("%w: %v", ErrOptions, strings.TrimSpace(err.Error()))
	}
	if sc.Protocol != "" {
		return sim.Cluster{}, nil, fmt.Errorf("%w: the checker cannot search a %s cluster yet", ErrOptions, sc.Protocol)
	}
	var acts []sim.Action
	for _, st := range sc.Stmts {
		if st.Action != nil {
			acts = append(acts, *st.Action)
		}
	}
	return sc.Cluster, acts, nil
}
