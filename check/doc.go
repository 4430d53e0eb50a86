// Package check is paxviz's model checker. It answers two questions by
// exhaustive breadth-first search within bounds: can the engine (package
// engine, driven by package engine/sim) break a safety invariant, and does
// Lamport's Paxos.tla hold its invariants. A third check ties the two
// together: the engine refines the spec.
//
// # Engine-level search
//
// Engine explores every state of a simulated cluster reachable within the
// bounds of EngineOptions, breadth first, and returns a Result: distinct
// states, states generated, depth, time, states per second, memory, and
// when an invariant of sim.Invariants breaks, the shortest counterexample
// as a paxviz script (script.md) that ends with expect violation NAME, so
// that paxviz run of it exits 0.
//
// The actions explored, in this order from each state:
//
//   - propose P V: each proposer proposes its own value (ProposalValues:
//     p1 X, p2 Y, p3 Z, ...) once, when it is up and its ballot's round
//     would be at most MaxRound;
//   - timeout P: a proposer with a value retries with a higher ballot, at
//     any moment (the search has no clock: firing a timer early or late is
//     the same as an explicit timeout, and the engine never reads time), as
//     long as the new round is at most MaxRound and the ballots started do
//     not exceed Ballots;
//   - deliver, dup (at most Dups in a schedule) and drop (with Drops) of
//     each in-flight message, identical copies once;
//   - crash (at most Crashes in a schedule, any node) and restart (free).
//
// Partitions, ticks and the seeded scheduler (run) are not explored: a
// partition only loses messages, which dropping them (or never delivering
// them) covers, and run is a choice among the same deliveries. Drops add
// states but never a violation: a message never delivered has the same
// effect on safety as a lost one.
//
// # What a search state is, and why the abstraction is sound
//
// A search state is the simulation's canonical encoding (see
// sim.Canon.Append for what it holds and why the rest can be left out:
// message ids, time and timers, the step counter) plus the checker's own
// counters: which proposers have proposed, and the crashes, duplications
// and ballots the schedule has used. States are deduplicated by a 128-bit
// fingerprint of that encoding (about n²/2¹²⁹ chance of any collision
// among n states). In-flight messages are a multiset compared by content,
// sorted, so two states that differ only in message ids or in send order
// are one state.
//
// Two reductions shrink the search without changing any verdict or the
// length of any shortest counterexample (TestReductionKeepsVerdicts checks
// both against the unreduced search):
//
//   - Dead messages are left out (sim.Canon's dead): promises for a
//     ballot its proposer has left, nacks, and (given the round bound)
//     prepares and accepts an acceptor will reject forever. Delivering
//     one can only do what never delivering it does.
//   - Acceptor symmetry: states that differ only in the names of the
//     acceptors are one state (sim.Canon.AppendSymmetric), as TLC's
//     SYMMETRY does. Not for servers (a server's index orders its ballots)
//     nor with refinement checking on.
//
// With both, the correct engine with 2 proposers, 3 acceptors and no
// learner has 315 states within one round, and with 3 proposers 8,156
// (45,295 and more than three million without the reductions).
//
// # Counterexamples
//
// The search stores fingerprints and a parent link per state, not states
// (the explorer of explore.go, which every engine search shares, keeps
// them). On a violation it replays the path from the fresh cluster: at each step
// it takes the first action (in the order above) whose successor has the
// next fingerprint on the path, so the replayed schedule has the real
// message ids and acceptor names even when the search stored a renamed
// representative. Each deliver, drop and dup names its message by the
// shortest selector that picks exactly that message (deliver accept p1->a2,
// adding b= and v= when needed, #N only for identical copies), with the
// message described in a comment; no run command is used. The script is
// parsed and run before it is returned.
//
// # Refinement
//
// Refinement (EngineOptions.Refine, and NewRefinement for any simulation)
// checks every engine step against Paxos.tla under a refinement mapping:
// acceptors' durable state is maxBal, maxVBal, maxVal; prepares, promises,
// accepts and votes ever sent are the 1a, 1b, 2a and 2b messages; engine
// ballots map to spec ballots in order. See Refinement for the details,
// including which engine events are a sequence of spec steps. The message
// history is then part of each search state. A mismatch ends the search
// with the schedule that leads to it and the step that is not a spec step.
//
// # Spec-level search
//
// Spec explores Lamport's Paxos.tla (variables maxBal, maxVBal, maxVal and
// the set msgs; actions Phase1a(b), Phase1b(a), Phase2a(b, v), Phase2b(a);
// majority quorums; ballots 0..MaxBallot) exactly as TLC does with
// MCPaxos, reproducing its recorded counts (3 acceptors, 2 values, ballots
// 0..1: 3,921 distinct states, 23,563 generated, depth 17; 1 acceptor, 1
// value, ballots 0..1: 25, 82, 9). It checks TypeOK, Paxos.tla's inductive
// invariant Inv, Voting's OneValuePerBallot and VotesSafe through the
// refinement mapping, consistency (at most one value chosen), and that
// every Phase2b step is a Voting VoteFor step (THEOREM Implementation).
//
// # Budgets
//
// Every search is bounded by a state budget, a memory budget (engine) and
// the caller's context and timeout. A search that runs out stops with
// Result.Stop naming the budget and Result.Truncated set: it is never an
// error and never runs out of memory. Memory is the search's own
// structures (fingerprints, parent links, frontier), reported as
// Result.MemoryBytes.
//
// # Calling it from a web handler
//
// A gallery page calls Counterexample(ctx, bug) (or Engine with the
// options of BugCases) and plays Result.Violation.Script, pausing at the
// steps in Violation.BugSteps; results are deterministic and may be cached.
// "Search from here" turns the session's script into a cluster and actions
// with ParsePrefix, then calls Engine with EngineOptions{Cluster, Prefix,
// MaxStates, Timeout} under the request's context: the counterexample
// script starts with the session's actions. Result marshals to the JSON
// that paxviz check --json prints.
package check
