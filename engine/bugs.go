package engine

import (
	"errors"
	"fmt"
	"strings"
)

// Bug is one deliberate deviation from Paxos Made Simple, as listed in
// paxos.md §3. Each is a switch checked in the one handler it concerns; with
// every switch off the engine is correct.
type Bug uint16

// The ten bug variants, in the order of paxos.md §3.
const (
	// BugNoAdopt: the proposer ignores values reported in promises and
	// proposes its own (breaks PMS §2.2 P2c).
	BugNoAdopt Bug = 1 << iota
	// BugAdoptLowest: the proposer adopts the lowest-numbered reported
	// value instead of the highest-numbered one.
	BugAdoptLowest
	// BugAcceptLower: the acceptor accepts Accept(n) even when n < promised
	// (breaks P1a).
	BugAcceptLower
	// BugNoRaiseOnAccept: the acceptor does not raise promised to n when
	// it accepts (n, v).
	BugNoRaiseOnAccept
	// BugVolatileAcceptor: the acceptor keeps nothing across a restart.
	BugVolatileAcceptor
	// BugPromiseNotDurable: the acceptor persists its vote but not its
	// promise.
	BugPromiseNotDurable
	// BugBallotReuse: ballots are plain rounds without a proposer id, and
	// acceptors answer Prepare(n) when n >= promised.
	BugBallotReuse
	// BugLearnerCrossBallot: the learner counts Accepted per value across
	// ballots instead of per ballot.
	BugLearnerCrossBallot
	// BugHalfQuorum: quorums have floor(N/2) acceptors instead of
	// floor(N/2)+1.
	BugHalfQuorum
	// BugCountDuplicates: the proposer counts promise messages, not
	// distinct acceptors.
	BugCountDuplicates
)

// AllBugs lists every bug in the order of paxos.md §3.
var AllBugs = []Bug{
	BugNoAdopt, BugAdoptLowest, BugAcceptLower, BugNoRaiseOnAccept,
	BugVolatileAcceptor, BugPromiseNotDurable, BugBallotReuse,
	BugLearnerCrossBallot, BugHalfQuorum, BugCountDuplicates,
}

var bugNames = map[Bug]string{
	BugNoAdopt:            "no_adopt",
	BugAdoptLowest:        "adopt_lowest",
	BugAcceptLower:        "accept_lower",
	BugNoRaiseOnAccept:    "no_raise_on_accept",
	BugVolatileAcceptor:   "volatile_acceptor",
	BugPromiseNotDurable:  "promise_not_durable",
	BugBallotReuse:        "ballot_reuse",
	BugLearnerCrossBallot: "learner_cross_ballot",
	BugHalfQuorum:         "half_quorum",
	BugCountDuplicates:    "count_duplicates",
}

// String returns the bug's script name (e.g. "no_adopt").
func (b Bug) String() string {
	if n, ok := bugNames[b]; ok {
		return n
	}
	return fmt.Sprintf("bug(%d)", uint16(b))
}

// ErrUnknownBug is returned by ParseBug for a name not in paxos.md §3.
var ErrUnknownBug = errors.New("engine: unknown bug")

// ParseBug returns the bug with the given script name.
func ParseBug(name string) (Bug, error) {
	for _, b := range AllBugs {
		if bugNames[b] == name {
			return b, nil
		}
	}
	return 0, fmt.Errorf("%w %q (known: %s)", ErrUnknownBug, name, strings.Join(BugNames(), ", "))
}

// BugNames returns every bug name in the order of paxos.md §3.
func BugNames() []string {
	out := make([]string, len(AllBugs))
	for i, b := range AllBugs {
		out[i] = bugNames[b]
	}
	return out
}

// BugSet is a set of bugs switched on.
type BugSet uint16

// Has reports whether bug b is on.
func (s BugSet) Has(b Bug) bool { return uint16(s)&uint16(b) != 0 }

// With returns s with b switched on.
func (s BugSet) With(b Bug) BugSet { return BugSet(uint16(s) | uint16(b)) }

// List returns the bugs in s in the order of paxos.md §3.
func (s BugSet) List() []Bug {
	var out []Bug
	for _, b := range AllBugs {
		if s.Has(b) {
			out = append(out, b)
		}
	}
	return out
}

// String renders s as a comma-separated list of names ("" when empty).
func (s BugSet) String() string {
	var names []string
	for _, b := range s.List() {
		names = append(names, b.String())
	}
	return strings.Join(names, ",")
}
