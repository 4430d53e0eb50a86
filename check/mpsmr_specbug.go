package check

import "fmt"

// SMRSpecBugOptions are the constants with which the MultiPaxos-SMR spec
// breaks its own Linearizability invariant: MultiPaxos_MC_small.cfg with
// one more ballot.
var SMRSpecBugOptions = SMROptions{Replicas: 3, Writes: 1, Reads: 1, MaxBallot: 3}

// smrSpecBugTrace is the shortest counterexample the search finds with
// SMRSpecBugOptions (TestSMRMaxBallot3 checks that it finds exactly this
// one): s2, leader of ballot 2, commits w1 in slot 1; s1, a stale leader of
// ballot 1, has put r1 in its own slot 1, and commits that on s2's
// CommitNotice(1), executing r1 (kvalue stays "nil"); as the leader of
// ballot 3 it rewrites slot 1's cmd to w1 (PeakVotedCmd) without executing
// it again, and acknowledges r1 in slot 2 with "nil", though w1 was
// acknowledged before r1 was requested.
var smrSpecBugTrace = []smrAct{
	{kind: smrBecomeLeader, r: 0, b: 1},
	{kind: smrBecomeLeader, r: 1, b: 2},
	{kind: smrHandlePrepare, r: 2, b: 1},
	{kind: smrHandlePrepareReplies, r: 0, b: 1},
	{kind: smrHandlePrepare, r: 2, b: 2},
	{kind: smrHandlePrepareReplies, r: 1, b: 2},
	{kind: smrTakeNewRequest, r: 1, b: 2, s: 0},
	{kind: smrHandleAccept, r: 2, b: 2, s: 0},
	{kind: smrHandleAcceptReplies, r: 1, s: 0},
	{kind: smrTakeNewRequest, r: 1, b: 2, s: 1},
	{kind: smrTakeNewRequest, r: 0, b: 1, s: 0},
	{kind: smrHandleAccept, r: 0, b: 2, s: 1},
	{kind: smrHandleCommitNotice, r: 0, s: 0},
	{kind: smrBecomeLeader, r: 0, b: 3},
	{kind: smrHandlePrepare, r: 1, b: 3},
	{kind: smrHandlePrepareReplies, r: 0, b: 3},
	{kind: smrHandleAccept, r: 0, b: 3, s: 1},
	{kind: smrHandleAccept, r: 1, b: 3, s: 1},
	{kind: smrHandleAcceptReplies, r: 0, s: 1},
}

// MultiPaxosSMRSpecBug returns the shortest counterexample to the spec's
// Linearizability with SMRSpecBugOptions, as MultiPaxosSMR prints it, at
// once: it replays the recorded trace and checks every state on the way
// instead of searching about five million states (what the bug gallery
// and the lesson aside show; the search takes seconds).
func MultiPaxosSMRSpecBug() (*Violation, error) {
	opt := SMRSpecBugOptions
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	m := newSMRModel(opt)
	states, err := m.replay(opt, smrSpecBugTrace)
	if err != nil {
		return nil, err
	}
	for i := range states {
		bad, detail := m.check(&states[i])
		last := i == len(states)-1
		if last && bad == "Linearizability" {
			script, err := m.traceScript(opt, smrSpecBugTrace, bad, detail)
			if err != nil {
				return nil, err
			}
			return &Violation{Invariant: bad, Detail: detail, Script: script, Steps: len(smrSpecBugTrace)}, nil
		}
		if bad != "" || last {
			return nil, fmt.Errorf("%w: the recorded trace breaks %q at step %d", errSMRModel, bad, i+1)
		}
	}
	return nil, fmt.Errorf("%w: empty trace", errSMRModel)
}
