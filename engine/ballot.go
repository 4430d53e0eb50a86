// Package engine is the Paxos protocol of paxviz: proposers, acceptors and
// learners as pure state machines. A node takes one message in, changes its
// state and returns the messages it sends, the votes it casts and notes that
// narrate what it did. The package has no goroutines, clocks, randomness,
// I/O or logging; the simulator (package sim) owns all of those.
//
// Reference: Lamport, Paxos Made Simple (PMS), ACM SIGACT News 32(4), 2001.
package engine

import (
	"errors"
	"strconv"
	"strings"
)

// Ballot is a proposal number written R.I: round R, proposer index I, compared
// round first (PMS §2.5: proposers choose from disjoint sets of numbers). The
// zero Ballot means "none". With the ballot_reuse bug, Index is 0 and ballots
// are plain rounds.
type Ballot struct {
	Round int32
	Index int32
}

// IsZero reports whether b is "none".
func (b Ballot) IsZero() bool { return b.Round == 0 && b.Index == 0 }

// Less reports whether b orders before c (round first, then index).
func (b Ballot) Less(c Ballot) bool {
	if b.Round != c.Round {
		return b.Round < c.Round
	}
	return b.Index < c.Index
}

// Compare returns -1, 0 or +1 as b is less than, equal to or greater than c.
func (b Ballot) Compare(c Ballot) int {
	switch {
	case b.Less(c):
		return -1
	case c.Less(b):
		return 1
	}
	return 0
}

// String renders b as "R.I", "R" for a plain round, or "none".
func (b Ballot) String() string {
	if b.IsZero() {
		return "none"
	}
	if b.Index == 0 {
		return strconv.Itoa(int(b.Round))
	}
	return strconv.Itoa(int(b.Round)) + "." + strconv.Itoa(int(b.Index))
}

// ErrBallot is returned for a malformed ballot.
var ErrBallot = errors.New("engine: malformed ballot")

// MaxRound bounds ballot rounds so that no arithmetic can overflow.
const MaxRound = 1 << 30

// ParseBallot reads "R.I" or "R" (a plain round, as used with ballot_reuse).
func ParseBallot(s string) (Ballot, error) {
	r, i, dotted := strings.Cut(s, ".")
	round, err := strconv.Atoi(r)
	if err != nil || round < 1 || round > MaxRound || r[0] == '+' {
		return Ballot{}, ErrBallot
	}
	if !dotted {
		return Ballot{Round: int32(round)}, nil
	}
	idx, err := strconv.Atoi(i)
	if err != nil || idx < 1 || idx > 99 || i[0] == '+' {
		return Ballot{}, ErrBallot
	}
	return Ballot{Round: int32(round), Index: int32(idx)}, nil
}

// MaxBallot returns the larger of b and c.
func MaxBallot(b, c Ballot) Ballot {
	if b.Less(c) {
		return c
	}
	return b
}
