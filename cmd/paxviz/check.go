package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/engine/sim"
)

// Exit statuses of paxviz check.
const (
	checkOK        = 0 // the search is complete and no invariant broke
	checkViolation = 1 // an invariant broke: the counterexample is printed
	checkUsage     = 2 // bad flags
	checkBudget    = 3 // a budget stopped the search before it was complete
)

const checkUsageText = `usage:
  paxviz check engine (--proposers P --acceptors A [--learners L] | --servers N | --from FILE)
                      [--bugs NAME,...] [--max-round R] [--ballots B] [--crashes C] [--dups D]
                      [--drops] [--invariant NAME] [--refine] [--json]
                      [--max-states N] [--max-memory MB] [--timeout DUR]
  paxviz check engine --protocol multipaxos [--servers N] [--clients M] [--window W]
                      [--leader S|none] [--bugs NAME,...] --commands C --max-round R [--ballots B]
                      [--crashes K] [--dups D] [--drops D] [--retries T]
                      [--invariant NAME] [--no-reduction] [--json] [--max-states N] [--max-memory MB] [--timeout DUR]
                      [--workers N]
  paxviz check engine --protocol raft [--servers N] --max-term T --commands C [--heartbeats H]
                      [--crashes K] [--dups D] [--drops D] [--noop 0|1] [--probe 0|1] [--batch B]
                      [--bugs NAME,...] [--invariant NAME] [--no-symmetry] [--no-reduction] [--json]
                      [--fresh [--stale K]] [--max-states N] [--max-memory MB] [--timeout DUR] [--workers N]
  paxviz check spec --acceptors A --values V --max-ballot B [--quorum Q] [--json]
                      [--max-states N] [--timeout DUR]
  paxviz check spec --model multipaxos-smr --replicas N --writes W --reads R
                      --max-ballot B [--no-symmetry] [--seed-bug NAME] [--json]
                      [--max-states N] [--max-memory MB] [--timeout DUR]

Exit status: 0 no violation (every state within the bounds explored), 1 a
violation (its shortest counterexample is printed), 2 a usage error, 3 a
budget ran out before the search was complete.
`

// cmdCheck is paxviz check: exhaustive model checking of the engine, or of
// Lamport's Paxos.tla (package check does the work).
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, checkUsageText)
		return checkUsage
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	switch args[0] {
	case "engine":
		return cmdCheckEngine(ctx, args[1:], stdout, stderr)
	case "spec":
		return cmdCheckSpec(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, checkUsageText)
		return checkOK
	}
	fmt.Fprintf(stderr, "paxviz check: unknown search %q (engine or spec)\n%s", args[0], checkUsageText)
	return checkUsage
}

// checkFlags parses fs from args, reporting errors as usage errors.
func checkFlags(fs *flag.FlagSet, args []string, stderr io.Writer) bool {
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, checkUsageText) }
	if err := fs.Parse(args); err != nil {
		return false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "paxviz check %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return false
	}
	return true
}

func cmdCheckEngine(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch proto, _ := flagValue(args, "protocol"); proto {
	case "", "paxos":
	case "multipaxos":
		return cmdCheckMPEngine(ctx, args, stdout, stderr)
	case "raft":
		return cmdCheckRaftEngine(ctx, args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "paxviz check engine: unknown protocol %q (paxos, multipaxos or raft)\n", proto)
		return checkUsage
	}
	fs := flag.NewFlagSet("engine", flag.ContinueOnError)
	fs.String("protocol", "paxos", "the protocol: paxos (single decree) or multipaxos")
	proposers := fs.Int("proposers", 0, "number of proposers")
	acceptors := fs.Int("acceptors", 0, "number of acceptors")
	learners := fs.Int("learners", 1, "number of learners")
	servers := fs.Int("servers", 0, "number of servers (proposer+acceptor+learner each), instead of the three counts")
	from := fs.String("from", "", "start from the state a script reaches (its cluster line gives the cluster)")
	bugs := fs.String("bugs", "", "bug variants to switch on, comma-separated (paxos.md §3)")
	opt := check.EngineOptions{}
	fs.IntVar(&opt.MaxRound, "max-round", 1, "highest ballot round a proposer may use")
	fs.IntVar(&opt.Ballots, "ballots", 0, "most ballots started in one schedule, all proposers together (0: no bound)")
	fs.IntVar(&opt.Crashes, "crashes", 0, "most crashes in one schedule")
	fs.IntVar(&opt.Dups, "dups", 0, "most duplicated messages in one schedule")
	fs.BoolVar(&opt.Drops, "drops", false, "let the network lose messages (adds states, never a violation)")
	fs.StringVar(&opt.Invariant, "invariant", "", "search for this invariant only: "+strings.Join(sim.Invariants, ", "))
	fs.BoolVar(&opt.Refine, "refine", false, "check every step against Lamport's Paxos.tla (refinement mapping)")
	fs.BoolVar(&opt.NoSymmetry, "no-symmetry", false, "do not merge states that differ only in acceptor names")
	fs.BoolVar(&opt.NoReduction, "no-reduction", false, "no symmetry and keep dead messages (for comparison)")
	fs.IntVar(&opt.MaxStates, "max-states", check.DefaultMaxStates, "stop after this many distinct states")
	maxMB := fs.Int64("max-memory", check.DefaultMaxMemoryBytes>>20, "stop when the search holds this many megabytes")
	fs.DurationVar(&opt.Timeout, "timeout", 0, "stop after this long (e.g. 30s; 0: no limit)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if !checkFlags(fs, args, stderr) {
		return checkUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "paxviz check engine: "+format+"\n", a...)
		return checkUsage
	}
	switch {
	case *from != "":
		if set["proposers"] || set["acceptors"] || set["learners"] || set["servers"] {
			return usageErr("--from takes the cluster from the script: do not also give --proposers, --acceptors, --learners or --servers")
		}
		src, err := os.ReadFile(*from)
		if err != nil {
			return usageErr("%v", err)
		}
		cl, prefix, err := check.ParsePrefix(string(src))
		if err != nil {
			return usageErr("%s: %v", *from, err)
		}
		opt.Cluster, opt.Prefix = cl, prefix
	case *servers > 0:
		if set["proposers"] || set["acceptors"] || set["learners"] {
			return usageErr("--servers cannot be combined with --proposers, --acceptors or --learners")
		}
		opt.Cluster = sim.Cluster{Servers: *servers}
	case set["servers"]:
		return usageErr("--servers must be at least 1")
	case !set["proposers"] || !set["acceptors"]:
		return usageErr("give --proposers P and --acceptors A (or --servers N, or --from FILE)")
	default:
		opt.Cluster = sim.Cluster{Proposers: *proposers, Acceptors: *acceptors, Learners: *learners}
	}
	if *from == "" {
		opt.Cluster.Seed, opt.Cluster.TimeoutTicks = sim.DefaultSeed, sim.DefaultTimeoutTicks
	}
	if *bugs != "" {
		for _, name := range strings.Split(*bugs, ",") {
			cl, ok := opt.Cluster.WithBug(strings.TrimSpace(name))
			if !ok {
				return usageErr("--bugs: unknown bug %q (known: %s)", name, strings.Join(sim.BugNames(sim.ProtoPaxos), ", "))
			}
			opt.Cluster = cl
		}
	}
	if *maxMB <= 0 || *maxMB > 1<<40 {
		return usageErr("--max-memory must be a positive number of megabytes")
	}
	if set["max-states"] && opt.MaxStates <= 0 {
		return usageErr("--max-states must be positive")
	}
	opt.MaxMemoryBytes = *maxMB << 20
	res, err := check.Engine(ctx, opt)
	if err != nil {
		return usageErr("%v", strings.TrimPrefix(err.Error(), check.ErrOptions.Error()+": "))
	}
	return report(res, *asJSON, stdout, stderr)
}

func cmdCheckSpec(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch model, _ := specModel(args); model {
	case "", "paxos":
	case "multipaxos-smr":
		return cmdCheckSMR(ctx, args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "paxviz check spec: unknown model %q (paxos or multipaxos-smr)\n", model)
		return checkUsage
	}
	fs := flag.NewFlagSet("spec", flag.ContinueOnError)
	opt := check.SpecOptions{}
	fs.IntVar(&opt.Acceptors, "acceptors", 0, "number of acceptors")
	fs.IntVar(&opt.Values, "values", 0, "number of values")
	fs.IntVar(&opt.MaxBallot, "max-ballot", -1, "highest ballot number (ballots are 0..B)")
	fs.IntVar(&opt.Quorum, "quorum", 0, "quorums of exactly this many acceptors (0: majorities)")
	fs.String("model", "paxos", "the spec: paxos (Lamport's Paxos.tla) or multipaxos-smr")
	fs.IntVar(&opt.MaxStates, "max-states", check.DefaultMaxStates, "stop after this many distinct states")
	fs.DurationVar(&opt.Timeout, "timeout", 0, "stop after this long (e.g. 30s; 0: no limit)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if !checkFlags(fs, args, stderr) {
		return checkUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"acceptors", "values", "max-ballot"} {
		if !set[name] {
			fmt.Fprintf(stderr, "paxviz check spec: give --acceptors A --values V --max-ballot B (missing --%s)\n", name)
			return checkUsage
		}
	}
	if set["max-states"] && opt.MaxStates <= 0 {
		fmt.Fprintln(stderr, "paxviz check spec: --max-states must be positive")
		return checkUsage
	}
	res, err := check.Spec(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "paxviz check spec: %v\n", strings.TrimPrefix(err.Error(), check.ErrOptions.Error()+": "))
		return checkUsage
	}
	return report(res, *asJSON, stdout, stderr)
}

// specModel returns the value of the --model flag among args, if any, the
// way package flag would read it (-model or --model, with = or as the next
// argument), stopping at the first non-flag argument or "--".
func specModel(args []string) (string, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") {
			return "", false
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "model" {
			continue
		}
		if hasValue {
			return value, true
		}
		if i+1 < len(args) {
			return args[i+1], true
		}
		return "", false
	}
	return "", false
}

// cmdCheckSMR is paxviz check spec --model multipaxos-smr: G. Hu's
// MultiPaxos-SMR spec (multipaxos.md §6).
func cmdCheckSMR(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("spec", flag.ContinueOnError)
	opt := check.SMROptions{}
	fs.String("model", "multipaxos-smr", "the spec")
	fs.IntVar(&opt.Replicas, "replicas", 0, "number of replicas (Replicas = {s1..sN})")
	fs.IntVar(&opt.Writes, "writes", 0, "number of write commands (Writes = {w1..wW})")
	fs.IntVar(&opt.Reads, "reads", -1, "number of read commands (Reads = {r1..rR})")
	fs.IntVar(&opt.MaxBallot, "max-ballot", 0, "highest ballot (ballots are 1..B, B >= 2)")
	fs.BoolVar(&opt.NoSymmetry, "no-symmetry", false, "check without the MC config's SYMMETRY (replica, write and read permutations)")
	fs.StringVar(&opt.SeedBug, "seed-bug", "", "a deviation the spec's README suggests: "+strings.Join(check.SMRSeedBugs, " or "))
	fs.IntVar(&opt.MaxStates, "max-states", 0, "stop after this many distinct states (0: no bound but memory)")
	maxMB := fs.Int64("max-memory", check.DefaultMaxMemoryBytes>>20, "stop when the search holds this many megabytes")
	fs.DurationVar(&opt.Timeout, "timeout", 0, "stop after this long (e.g. 30s; 0: no limit)")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	if !checkFlags(fs, args, stderr) {
		return checkUsage
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, name := range []string{"replicas", "writes", "reads", "max-ballot"} {
		if !set[name] {
			fmt.Fprintf(stderr, "paxviz check spec: give --replicas N --writes W --reads R --max-ballot B (missing --%s)\n", name)
			return checkUsage
		}
	}
	if set["max-states"] && opt.MaxStates <= 0 {
		fmt.Fprintln(stderr, "paxviz check spec: --max-states must be positive")
		return checkUsage
	}
	if *maxMB <= 0 || *maxMB > 1<<40 {
		fmt.Fprintln(stderr, "paxviz check spec: --max-memory must be a positive number of megabytes")
		return checkUsage
	}
	opt.MaxMemoryBytes = *maxMB << 20
	res, err := check.MultiPaxosSMR(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "paxviz check spec: %v\n", strings.TrimPrefix(err.Error(), check.ErrOptions.Error()+": "))
		return checkUsage
	}
	if asJSON := *asJSON; asJSON {
		status := report(&res.Result, false, io.Discard, stderr)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "paxviz check: %v\n", err)
			return checkUsage
		}
		return status
	}
	return report(&res.Result, false, stdout, stderr)
}

// report prints a search's result and returns the exit status.
func report(res *check.Result, asJSON bool, stdout, stderr io.Writer) int {
	status := checkOK
	switch {
	case res.Violation != nil:
		status = checkViolation
	case res.Truncated:
		status = checkBudget
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(stderr, "paxviz check: %v\n", err)
			return checkUsage
		}
		return status
	}
	fmt.Fprintf(stdout, "paxviz check %s %s\n", res.Search, res.Bounds)
	fmt.Fprintf(stdout, "%s distinct states (%s generated), depth %d, in %s: %s states/s; memory %s (%.0f bytes/state)\n",
		thousands(int64(res.DistinctStates)), thousands(res.Transitions), res.Depth,
		res.Elapsed.Round(time.Millisecond), thousands(int64(res.StatesPerSecond)), bytesText(res.MemoryBytes), res.BytesPerState)
	if res.RefinementSteps > 0 {
		fmt.Fprintf(stdout, "refinement: %s engine steps checked against Paxos.tla\n", thousands(res.RefinementSteps))
	}
	switch {
	case res.Violation != nil:
		v := res.Violation
		if strings.HasPrefix(v.Detail, v.Invariant) {
			fmt.Fprintf(stdout, "VIOLATION: %s\n", v.Detail)
		} else {
			fmt.Fprintf(stdout, "VIOLATION of %s: %s\n", v.Invariant, v.Detail)
		}
		if res.Search == "engine" {
			fmt.Fprintf(stdout, "shortest counterexample, %d steps (save it and run paxviz run FILE to replay it):\n\n", v.Steps)
		} else {
			fmt.Fprintf(stdout, "shortest trace, %d steps:\n\n", v.Steps)
		}
		fmt.Fprint(stdout, v.Script)
	case res.Truncated:
		fmt.Fprintf(stdout, "INCOMPLETE: %s; no violation among the states reached, but the search did not finish.\n", stopText(res.Stop))
	default:
		fmt.Fprintln(stdout, "no violation: every reachable state within the bounds was explored.")
	}
	return status
}

func stopText(s check.Stop) string {
	switch s {
	case check.StopMaxStates:
		return "the state budget ran out (raise --max-states or tighten the bounds)"
	case check.StopMaxMemory:
		return "the memory budget ran out (raise --max-memory or tighten the bounds)"
	case check.StopTimeout:
		return "the time budget ran out (raise --timeout or tighten the bounds)"
	case check.StopCanceled:
		return "the search was interrupted"
	}
	return string(s)
}

// thousands renders n with thousands separators: 1234567 -> "1,234,567".
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func bytesText(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}
