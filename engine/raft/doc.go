// Package raft is the Raft protocol of paxviz (shared/docs/raft.md §1–§5,
// §9): basic Raft (Raft §5, Figure 2 to the letter) plus the no-op of §8,
// with servers s1..sN and no client nodes (a request is `propose S V`).
// Like package multipaxos it is pure: a server takes one message (or one
// timer, crash, restart or proposal) in, changes its state and returns the
// messages it sends, the timers it arms and stops, god's-eye records and
// narration notes. It has no goroutines, channels, clocks, randomness, I/O
// or logging (TestPurity); the world owns all of those. References: Ongaro
// and Ousterhout, In Search of an Understandable Consensus Algorithm
// (Extended Version); Ongaro's dissertation; raft.tla.
//
// # What the world needs from a protocol
//
// Aligned with package multipaxos: the same method names and shapes where
// Raft allows, differences marked (≠). Everything below was necessary to
// drive this package from the test world in harness_test.go, which plays
// R1–R11 of §7, the nine bug schedules of §6 and random fault walks.
//
//	opts := DefaultOptions(n); opts.Set(key, value) // ≠ `cluster raft` keys, one at a time
//	cfg, err := NewConfig(opts)                  // ≠ an Options struct, not positional
//	st := NewState(cfg)                          // ≠ no leader= bootstrap, no error
//	st.Start(cfg, id, &out)                      // each server at time 0: its election timer
//	st.Step(cfg, &msg, &out) error               // deliver msg to msg.To (must be up)
//	st.Timeout(cfg, id, kind, &out) error        // fire one of id's timers
//	st.Crash(cfg, id, &out) error                // ≠ takes Out: records of what a crash erases
//	st.Restart(cfg, id, &out) error              // back with currentTerm, votedFor, log
//	st.Propose(cfg, id, value, &out) error       // ≠ instead of Request: `propose S V`
//	st.Clone() State                             // deep, independent copy
//	st.Up(cfg, id) bool; st.Leaders() []NodeID
//	cfg.Describe(&msg) string                    // "#9 append s2->s1 t=2 prevIndex=1 ..."
//	FormatLog(log), cfg.Name, cfg.Lookup, ParseMsgType, ParseBugs, ParseRole, CheckValue
//	k := NewChecker(cfg); k.ObserveOut(step, &out); k.Violations(); k.Broken(name); k.Clone()
//	k.Committed(i), k.CommittedCount(), k.Applied(i), k.Leader(term)
//	st.AppendKey(cfg, b), k.AppendKey(b)         // canonical keys for the model checker
//
// In words:
//
//   - One State value per cluster, stepped in place, cloned for the
//     history tree. Config is immutable and shared. Servers are dense
//     NodeIDs 0..N-1, so per-server world state is a slice; Nodes() ==
//     Servers (≠ no clients).
//   - Out is owned by the caller and reset between handlers; its slices are
//     reused, so stepping allocates only what logs grow by. Out.Msgs are
//     sent in order, each taking the next id (the world assigns
//     Message.ID; the protocol never reads it); a step that sends to
//     several servers sends in index order (§9). Raft servers never message
//     themselves (≠ the world's self-delivery queue stays empty).
//   - An append's Entries may share the sender's log array. A server never
//     rewrites its log below its length (a cut copies), so in-flight
//     messages stay valid across steps and clones; the world may keep them
//     as values.
//   - Timers are named, two kinds (TimerElection, TimerHeartbeat). Out.Timers
//     arms (Delay plus a draw in [0, Jitter)) or stops one of the stepping
//     server's timers, exactly as in multipaxos. The election timer is armed
//     with Delay MIN and Jitter MAX-MIN+1 at every reset, so the world
//     redraws it every time (§3); the draw must come from that server's own
//     seeded stream so that draws never shift between servers (≠ TimerOp.Own
//     is set: sim's World.ArmOwn(id, kind, Delay, Delay+Jitter-1)). `timeout S` is Timeout(S, TimerElection): an election on
//     a follower or candidate, one heartbeat round on a leader (which never
//     has an election timer armed). A crash stops every timer of the server;
//     Restart and Start emit the ones it needs. `tick` fires due timers in
//     order of deadline, then server index; the model checker ignores timer
//     values and may call Timeout(S, TimerElection) on any live server.
//   - Invariants are judged from god's-eye records, never from node state,
//     so no crash erases them. ≠ Records are one ordered slice Out.Recs of
//     tagged Rec values (term, vote, lead, unlead, cut, append, commit,
//     apply), not one slice per kind: leader-append-only and
//     leader-completeness depend on the order within a step (a leader
//     deposed by an append's term before its log is cut). The world feeds
//     every handler's Out — Crash's too — to Checker.ObserveOut with the step
//     number. The checker keeps one leader per term, one committed and one
//     applied entry per index, each server's votes and a mirror of every
//     log (crashed ones too) with pairwise common-prefix lengths, so each
//     record costs O(N) (an election O(log length)). Check(cfg,
//     []StepRecords) is the same as a pure function of a whole history.
//   - The seven invariants of §5: election-safety, leader-append-only,
//     log-matching, leader-completeness, state-machine-safety,
//     one-vote-per-term, term-monotonic. "A committed entry never leaves any
//     log" is deliberately not one (§5: false; only leaders are bound).
//   - --json and `expect`: nodes come from State.Servers (role V.Role, term
//     D.Term, votedFor D.VotedFor with None as null, log D.Log, commitIndex,
//     lastApplied, crashed = !Up; a leader's V.NextIndex and V.MatchIndex),
//     `committed` from Checker.Committed (the no-op's value is "noop"),
//     `expect leader S` is Server.IsLeader, `run until=chosen` stops once
//     Checker.CommittedCount() > 0.
//   - Bad input is an error, never a panic: §9's script errors (timeout,
//     propose or crash of a crashed server, restart of a live one, `propose
//     S noop`, a value that would not print as one token) are returned as
//     errors; a live non-leader's propose is a step that changes nothing and
//     sends nothing (NoteNotLeader says why). Messages with unknown senders,
//     terms above MaxTerm or indexes above MaxIndex are ignored.
//   - Notes narrate in data (Note, NoteKind names for the translation
//     table, keys "note.raft.<kind>"; NoteBugActs names the bug); Out.Quiet
//     turns them off. The client's answer is NoteAnswer, when a leader
//     applies a non-no-op entry (§1.8).
//
// # Readings of the contract
//
// Where raft.md left room, this package reads it so:
//
//   - stale_append skips step 1 whole: a lower-term append runs steps 2–5
//     without making a candidate a follower, without redrawing the timer
//     and without changing the known leader (the sender does not lead the
//     receiver's term); a leader ignores it; the reply carries the
//     receiver's currentTerm and so deposes the sender.
//   - A candidate that adopts a higher term from a requestvote, vote or
//     appendreply keeps its running timer (§9 lists the redraws; this is
//     not one); a deposed leader draws one.
//   - A no_step_down leader that grants a vote arms no election timer:
//     leaders have none (§3).
//   - A voter re-granting the same candidate records no second vote (one
//     vote) but redraws its timer (§9 "Duplicated requests").
//   - forget_vote and volatile_log act at the crash, so a crashed server
//     shows what its restart will find (§9 "Crash").
//   - An appendreply `ok match=M` with M beyond the leader's last index is
//     ignored (only garbage or a broken election safety can send one).
//   - The commit rule scans down from the last index and stops at the first
//     entry of an older term (terms never rise down a log); under
//     commit_old_term it scans to commitIndex+1.
//   - leader-append-only is judged per record: a cut of a log whose server
//     leads (no correct or buggy handler ever cuts a leader's log, so only
//     a hand-made history breaks it). leader-completeness is judged when a
//     server leads a term, when a leader's log changes and when an index is
//     first committed (a leader of a later term elected before a stale
//     leader's commit must already hold the entry).
//
// The model checker's view: State.AppendKey and Checker.AppendKey encode
// what decides the future (not the known leader, which only narrates); with
// the in-flight multiset and the fault counters they key a world state.
// explore_test.go is a small breadth-first explorer built on them
// (RAFT_EXPLORE=1): without symmetry or partial-order reduction it finds
// no_log_check, forget_vote, no_step_down and volatile_log at §6's sizes
// and gives up past a million states on the others.
//
// Not here: symmetry reduction, Pre-Vote, membership change, compaction.
package raft
