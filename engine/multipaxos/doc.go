// Package multipaxos is the Multi-Paxos protocol of paxviz
// (shared/docs/multipaxos.md §1–§2, §3.1, §4, §5, §8): servers s1..sN, each
// proposer, acceptor, learner and replica of a key-value store, and clients
// c1..cM with one outstanding request each. Like package engine for single-
// decree Paxos it is pure: a node takes one message (or one timer) in,
// changes its state and returns the messages it sends, the timers it arms
// and stops, god's-eye records and narration notes. It has no goroutines,
// channels, clocks, randomness, I/O or logging (TestPurity); the world owns
// all of those. Reference: Lamport, Paxos Made Simple §3 (PMS); van Renesse
// and Altınbüken, Paxos Made Moderately Complex (PMMC).
//
// # What the world needs from a protocol
//
// Written for the lead who makes package sim generic; everything below was
// necessary to drive this package from the test world in harness_test.go,
// which plays the scenarios of §7 and random fault walks.
//
//	cfg, err := NewConfig(servers, clients, window, timeout, heartbeat, bugs)
//	st, err  := NewState(cfg, leader)              // leader=sI, or None
//	st.Start(cfg, id, &out)                        // each node at time 0: its timers
//	st.Step(cfg, &msg, &out) error                 // deliver msg to msg.To (must be up)
//	st.Timeout(cfg, id, kind, &out) error          // fire one of id's timers
//	st.Crash(cfg, id) error                        // keep the durable part only
//	st.Restart(cfg, id, &out) error                // back with the durable part
//	st.Request(cfg, client, op, to, &out) error    // protocol action: put/get/cas
//	st.Clone() State                               // deep, independent copy
//	st.Up(cfg, id) bool
//	cfg.Describe(&msg) string                      // "#4 accept s1->s2 b=1.1 s=1 v=..."
//	cfg.Name(id), cfg.Lookup(name), ParseMsgType, ParseBugs, ParseCmd, NewOp
//	k := NewChecker(cfg); k.ObserveOut(step, &out); k.Violations(); k.Clone()
//
// In words:
//
//   - One State value per cluster (Servers and Clients slices), stepped in
//     place, cloned for the history tree. Config is immutable and shared.
//     Nodes are dense NodeIDs, servers first, so per-node world state is a
//     slice.
//   - Out is owned by the caller and reset between handlers; its slices are
//     reused, so stepping allocates only what state grows by. Out.Msgs are
//     sent in order, each taking the next id (the world assigns Message.ID;
//     the protocol never reads it). A message to self is handled after the
//     current handler, first in, first out, in the same step (§8).
//   - Timers are named: a protocol has NumTimerKinds kinds (here election,
//     heartbeat and step-down for servers, retry for clients). Out.Timers
//     arms (Delay plus a draw in [0, Jitter) that the world makes from its
//     seeded stream) or stops one of the stepping node's timers; the world
//     fires due timers in order of deadline, then node index, calling
//     Timeout with the kind. `timeout S` is Timeout(S, TimerElection),
//     `timeout C` Timeout(C, TimerRetry). The single-decree engine's one
//     retry timer (Out.Timer) is the one-kind case of this. A crash stops
//     every timer of the node; Restart and Start emit the ones it needs.
//     Nodes never read time: every time-dependent rule is a timer (the
//     leader's "now − last majority ack ≥ timeout" is TimerStepDown,
//     re-armed at each newly majority-acked heartbeat round). Leases read
//     the handling node's clock, an input the world sets in Out.Clock
//     before every handler (lease.go); with lease=0 nothing reads it.
//   - Invariants are judged from god's-eye records in Out (Votes,
//     Decisions, Execs, Promises, Client), never from node state, so no
//     crash erases them: the world feeds every handler's Out to
//     Checker.ObserveOut with the step number (self-handled messages
//     included). Check(cfg, []StepRecords) is the same as a pure function of
//     a whole history. Each Violation names its invariant, step, server,
//     slot, commands, ballots or operations; Describe prints it.
//   - Bad input is an error, never a panic: the script errors of §8 (a
//     second outstanding request, a timeout with nothing outstanding or on
//     a down node, crashing a client or a down server, restarting an up one)
//     are returned as errors; messages naming slots beyond MaxSlot, unknown
//     nodes or malformed commands are ignored.
//   - Notes narrate in data (Note, NoteKind names for the translation
//     table, keys "note.mp.<kind>"); Out.Quiet turns them off.
//
// # Readings of the contract
//
// Where multipaxos.md left room, this package reads it so:
//
//   - leader=sI: followers arm their election timers at time 0; the leader
//     arms its heartbeat (H) and step-down (timeout) timers instead — a
//     leader never stands on its own election timer, only on `timeout S`.
//   - A server that promises a higher ballot keeps leading until a nack
//     reaches it (§8: "only a nack deposes"); its own accepts to itself are
//     then nacked at once.
//   - heartbeat_ok counts per server the highest round it acked; the
//     majority round is the Quorum-th highest (the leader counts as acking
//     its latest round). Catch-up answers every heartbeat_ok of the
//     leader's ballot whose upto is behind.
//   - prepare_from_top: "lower holes" are the slots below from that the new
//     leader does not know decided, its own votes there included; each gets
//     a no-op, unprepared, before from..M is re-proposed.
//   - A client's retry goes to the server after the one it last sent to.
//   - A no-op executes too (an ExecRec with Applied true); exactly-once
//     looks at client commands only.
//   - `via=` is printed on a request only for via=index and via=lease;
//     `why=lease` on a nack only when a lease guard refused a prepare.
//   - The lock service (app=lock, lock.go): d1 is the node after the
//     clients (so IsClient never reads Nodes()); a store carries its
//     token in Upto, as d1's answer carries its max. `write` is a script
//     error unless the client believes it holds the lock; a release gives
//     the belief up when it is sent; a client renews only while it
//     believes, and its renew timer takes the place of the heartbeat kind
//     a client does not have. The leader proposes an expire only when it
//     has executed every slot it proposed and its queue is empty, so the
//     expire lands in the next slot and no renew it has not seen can
//     precede it. Lock operations are not judged by linearizable (its
//     model is the key-value register); fencing and lease-exclusive
//     judge the lock service.
//   - A leader that promised a higher ballot serves no read from its copy
//     (its own ack would count in a majority it no longer belongs to).
//
// Linearizability uses an incremental frontier per key (Lowe's just-in-
// time linearization, O(1) per reply) and porcupine
// (github.com/anishathalye/porcupine) to confirm every violation; see
// linearizable.go.
package multipaxos
