package multipaxos

import (
	"errors"
	"fmt"
	"strings"
)

// Bug is one deliberate deviation from the protocol of multipaxos.md §1, as
// listed in §5 and defined exactly in §8 ("Switches, exactly"). Each is a
// check of a few lines in the one handler it concerns; with every switch
// off the protocol is correct.
type Bug uint16

// The bug switches of multipaxos.md §5 that this package implements (the
// lease, lock and fencing ones come with leases).
const (
	// BugSkipPhase1: a new leader uses its new ballot for fresh slots
	// without phase 1: slot_in := the first slot not known decided.
	BugSkipPhase1 Bug = 1 << iota
	// BugNoAdopt: phase 1 runs but reported votes are ignored: M := from-1.
	BugNoAdopt
	// BugPrepareFromTop: phase 1 only above the highest slot the leader
	// knows (its own votes included); lower holes get no-ops unprepared.
	BugPrepareFromTop
	// BugExecOutOfOrder: a replica applies a slot as soon as it is decided.
	BugExecOutOfOrder
	// BugCommitMinority: the leader decides with max(1, floor(N/2)) acks.
	BugCommitMinority
	// BugNoDedup: the session table never skips a request id.
	BugNoDedup
	// BugReadNoLease: a leader serves via=lease reads whenever it thinks
	// it leads, lease valid or not.
	BugReadNoLease
	// BugLeaseNoDrift: holders use the full lease, not
	// lease*(100-P)/(100+P).
	BugLeaseNoDrift
	// BugRestartForgetsLease: no restart quiet period.
	BugRestartForgetsLease
	// BugNoFencing: d1 applies every store, whatever its token.
	BugNoFencing
)

// AllBugs lists every bug in the order of multipaxos.md §5.
var AllBugs = []Bug{
	BugSkipPhase1, BugNoAdopt, BugPrepareFromTop, BugExecOutOfOrder,
	BugCommitMinority, BugNoDedup, BugReadNoLease, BugLeaseNoDrift,
	BugRestartForgetsLease, BugNoFencing,
}

var bugNames = [...]string{
	"skip_phase1", "no_adopt", "prepare_from_top", "exec_out_of_order",
	"commit_minority", "no_dedup", "read_no_lease", "lease_no_drift",
	"restart_forgets_lease", "no_fencing",
}

func (b Bug) index() int {
	for i, x := range AllBugs {
		if x == b {
			return i
		}
	}
	return -1
}

// String returns the bug's script name (e.g. "no_adopt").
func (b Bug) String() string {
	if i := b.index(); i >= 0 {
		return bugNames[i]
	}
	return fmt.Sprintf("bug(%d)", uint16(b))
}

// ErrUnknownBug is returned by ParseBug for a name not in multipaxos.md §5.
var ErrUnknownBug = errors.New("multipaxos: unknown bug")

// ParseBug returns the bug with the given script name.
func ParseBug(name string) (Bug, error) {
	for i, n := range bugNames {
		if n == name {
			return AllBugs[i], nil
		}
	}
	return 0, fmt.Errorf("%w %q (known: %s)", ErrUnknownBug, name, strings.Join(bugNames[:], ", "))
}

// ParseBugs reads a comma-separated list of bug names ("" is the empty set).
func ParseBugs(list string) (BugSet, error) {
	var s BugSet
	if list == "" {
		return s, nil
	}
	for _, name := range strings.Split(list, ",") {
		b, err := ParseBug(name)
		if err != nil {
			return 0, err
		}
		s = s.With(b)
	}
	return s, nil
}

// BugSet is a set of bugs switched on.
type BugSet uint16

// Has reports whether bug b is on.
func (s BugSet) Has(b Bug) bool { return uint16(s)&uint16(b) != 0 }

// With returns s with b switched on.
func (s BugSet) With(b Bug) BugSet { return BugSet(uint16(s) | uint16(b)) }

// String renders s as a comma-separated list of names ("" when empty).
func (s BugSet) String() string {
	var names []string
	for _, b := range AllBugs {
		if s.Has(b) {
			names = append(names, b.String())
		}
	}
	return strings.Join(names, ",")
}
