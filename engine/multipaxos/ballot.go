package multipaxos

import (
	"errors"
	"strconv"
	"strings"
)

// NodeID indexes a node of a cluster: servers s1..sN are 0..N-1, clients
// c1..cM are N..N+M-1 (Config.Server, Config.Client). IDs are dense, so
// per-node state lives in slices, never in maps.
type NodeID int16

// None is the NodeID of "no node" (a hint that names nobody).
const None NodeID = -1

// Ballot is a ballot number written R.I: round R, server index I, compared
// round first; the zero Ballot means "none". It prints exactly as the
// single-decree engine's ballots do.
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

// String renders b as "R.I", or "none".
func (b Ballot) String() string {
	if b.IsZero() {
		return "none"
	}
	return strconv.Itoa(int(b.Round)) + "." + strconv.Itoa(int(b.Index))
}

// MaxRound bounds ballot rounds so that no arithmetic can overflow.
const MaxRound = 1 << 30

// ErrBallot is returned for a malformed ballot.
var ErrBallot = errors.New("multipaxos: malformed ballot")

// ParseBallot reads "R.I" (R >= 1, I in 1..MaxServers) or "none".
func ParseBallot(s string) (Ballot, error) {
	if s == "none" {
		return Ballot{}, nil
	}
	r, i, ok := strings.Cut(s, ".")
	if !ok || r == "" || i == "" || r[0] == '+' || i[0] == '+' {
		return Ballot{}, ErrBallot
	}
	round, err := strconv.Atoi(r)
	if err != nil || round < 1 || round > MaxRound {
		return Ballot{}, ErrBallot
	}
	idx, err := strconv.Atoi(i)
	if err != nil || idx < 1 || idx > MaxServers {
		return Ballot{}, ErrBallot
	}
	return Ballot{Round: int32(round), Index: int32(idx)}, nil
}
