package raft

import (
	"errors"
	"fmt"
	"strings"
)

// Bug is one deliberate deviation from Figure 2 (raft.md §6, defined
// exactly in §9). Each is a check of a few lines in the one handler it
// concerns; with every switch off the protocol is correct.
type Bug uint16

// The nine bug switches of raft.md §6, then the control keep_commit
// (switched like a bug, §9 "Crash", but safe).
const (
	// BugCommitOldTerm: the commit rule drops log[N].term == currentTerm.
	BugCommitOldTerm Bug = 1 << iota
	// BugNoLogCheck: a voter skips the up-to-date test (§5.4.1).
	BugNoLogCheck
	// BugForgetVote: votedFor is not durable.
	BugForgetVote
	// BugVolatileLog: the log is not durable.
	BugVolatileLog
	// BugStaleAppend: AppendEntries step 1 (refuse term < currentTerm) is
	// skipped.
	BugStaleAppend
	// BugTruncateAlways: a successful append cuts the log after
	// prevLogIndex, then appends.
	BugTruncateAlways
	// BugCommitBeyondNew: step 5 uses the local last index, not
	// prevLogIndex + len(entries).
	BugCommitBeyondNew
	// BugCountDuplicates: a candidate counts vote messages, not voters.
	BugCountDuplicates
	// BugNoStepDown: a leader adopts a higher term but stays leader.
	BugNoStepDown
	// BugKeepCommit is the control keep_commit: commitIndex survives a
	// restart (RaftScope, raftscope#12). Safe.
	BugKeepCommit
)

// AllBugs lists the nine bug switches in the order of raft.md §6.
var AllBugs = []Bug{
	BugCommitOldTerm, BugNoLogCheck, BugForgetVote, BugVolatileLog,
	BugStaleAppend, BugTruncateAlways, BugCommitBeyondNew,
	BugCountDuplicates, BugNoStepDown,
}

// Controls lists the switches that must stay safe.
var Controls = []Bug{BugKeepCommit}

const allBugBits = BugSet(1<<10 - 1)

var bugNames = [...]string{
	"commit_old_term", "no_log_check", "forget_vote", "volatile_log",
	"stale_append", "truncate_always", "commit_beyond_new",
	"count_duplicates", "no_step_down", "keep_commit",
}

func (b Bug) index() int {
	for i := range bugNames {
		if b == 1<<i {
			return i
		}
	}
	return -1
}

// String returns the bug's script name (e.g. "commit_old_term").
func (b Bug) String() string {
	if i := b.index(); i >= 0 {
		return bugNames[i]
	}
	return fmt.Sprintf("bug(%d)", uint16(b))
}

// ErrUnknownBug is returned by ParseBug for a name not in raft.md §6.
var ErrUnknownBug = errors.New("raft: unknown bug")

// ParseBug returns the bug (or control) with the given script name.
func ParseBug(name string) (Bug, error) {
	for i, n := range bugNames {
		if n == name {
			return Bug(1 << i), nil
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
	for i, n := range bugNames {
		if s.Has(Bug(1 << i)) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ",")
}
