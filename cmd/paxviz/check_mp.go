package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/paxviz/paxviz/check"
	"github.com/paxviz/paxviz/engine/sim"
)

// flagValue returns the value of flag name among args, the way package
// flag would read it (-name or --name, with = or as the next argument),
// stopping at the first non-flag argument or "--".
func flagValue(args []string, name string) (string, bool) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || !strings.HasPrefix(a, "-") {
			return "", false
		}
		n, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if n != name {
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

// cmdCheckMPEngine is paxviz check engine --protocol multipaxos: the
// breadth-first search over the Multi-Paxos engine (check.MultiPaxosEngine).
func cmdCheckMPEngine(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("engine", flag.ContinueOnError)
	fs.String("protocol", "multipaxos", "the protocol: paxos (single decree) or multipaxos")
	opt := check.MPEngineOptions{}
	def := sim.DefaultMPCluster()
	fs.IntVar(&opt.Cluster.Servers, "servers", def.Servers, "number of servers")
	fs.IntVar(&opt.Cluster.Clients, "clients", 0, "number of clients (default: the commands, at most 2)")
	fs.IntVar(&opt.Cluster.Window, "window", def.Window, "the leader's window of open slots")
	leader := fs.String("leader", "s1", "the server leading ballot 1.1 at the start, or none")
	bugs := fs.String("bugs", "", "bug variants to switch on, comma-separated (multipaxos.md §5)")
	fs.IntVar(&opt.Commands, "commands", 1, "client requests in one schedule: each client's first is put x C, later ones get x")
	fs.IntVar(&opt.MaxRound, "max-round", 1, "highest ballot round a server may stand with")
	fs.IntVar(&opt.Ballots, "ballots", 0, "most ballots in one schedule, the bootstrapped leader's 1.1 included (0: no bound but --max-round)")
	fs.IntVar(&opt.Crashes, "crashes", 0, "most crashes in one schedule")
	fs.IntVar(&opt.Dups, "dups", 0, "most duplicated messages in one schedule")
	fs.IntVar(&opt.Drops, "drops", 0, "most dropped messages in one schedule")
	fs.IntVar(&opt.Retries, "retries", 0, "most client retry timeouts (timeout C) in one schedule")
	app := fs.String("app", "kv", "the application: kv, or lock (the lock service with d1; workload lock)")
	ttl := fs.Int("ttl", sim.DefaultMPTTL, "the lock lease in ticks (app=lock)")
	fs.IntVar(&opt.Cluster.Lease, "lease", 0, "the leader lease in ticks (0: none)")
	fs.IntVar(&opt.Cluster.Drift, "drift", 0, "the clock drift bound in percent")
	reads := fs.String("reads", "log", "the read path of a get: log, index or lease")
	fs.IntVar(&opt.Cluster.Heartbeat, "heartbeat", def.Heartbeat, "ticks between a leader's heartbeats")
	fs.IntVar(&opt.Ticks, "ticks", 0, "most ticks in one schedule (0: time never passes)")
	fs.IntVar(&opt.Clocks, "clocks", 0, "most clock-rate changes (to 100-drift or 100+drift) in one schedule")
	fs.IntVar(&opt.Pauses, "pauses", 0, "most client pauses in one schedule")
	fs.StringVar(&opt.Workload, "workload", "", "the clients' commands: kv (default), stale-read (c1 reads x, the others put), lock (with --app lock)")
	fs.StringVar(&opt.Invariant, "invariant", "", "search for this invariant only: "+strings.Join(sim.InvariantNames(sim.ProtoMultiPaxos), ", "))
	fs.BoolVar(&opt.NoReduction, "no-reduction", false, "keep dead messages (for comparison)")
	fs.BoolVar(&opt.NoSymmetry, "no-symmetry", false, "store each renaming of the clients apart (for comparison)")
	fs.IntVar(&opt.MaxStates, "max-states", check.DefaultMaxStates, "stop after this many distinct states")
	maxMB := fs.Int64("max-memory", check.DefaultMaxMemoryBytes>>20, "stop when the search holds this many megabytes")
	fs.DurationVar(&opt.Timeout, "timeout", 0, "stop after this long (e.g. 30s; 0: no limit)")
	fs.IntVar(&opt.Workers, "workers", runtime.GOMAXPROCS(0), "goroutines expanding states (the result is the same with any number)")
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
	if !set["clients"] {
		opt.Cluster.Clients = min(max(opt.Commands, 1), 2)
	}
	if *leader != "none" {
		opt.Cluster.Leader = *leader
	}
	if *bugs != "" {
		cl, err := opt.Cluster.WithBugs(*bugs)
		if err != nil {
			return usageErr("--bugs: %v", err)
		}
		opt.Cluster = cl
	}
	opt.Cluster.Timeout, opt.Cluster.Seed = def.Timeout, def.Seed
	cl, err := opt.Cluster.WithApp(*app, *ttl)
	if err != nil {
		return usageErr("--app: %v", err)
	}
	opt.Cluster = cl
	if cl.Lock && opt.Workload == "" {
		opt.Workload = check.WorkloadLock
	}
	if opt.Workload == "kv" {
		opt.Workload = check.WorkloadKV
	}
	if opt.Cluster, err = opt.Cluster.WithReads(*reads); err != nil {
		return usageErr("--reads: %v", err)
	}
	if *maxMB <= 0 || *maxMB > 1<<40 {
		return usageErr("--max-memory must be a positive number of megabytes")
	}
	if opt.Workers < 1 || opt.Workers > check.MaxWorkers {
		return usageErr("--workers must be 1 to %d", check.MaxWorkers)
	}
	if set["max-states"] && opt.MaxStates <= 0 {
		return usageErr("--max-states must be positive")
	}
	opt.MaxMemoryBytes = *maxMB << 20
	res, err := check.MultiPaxosEngine(ctx, opt)
	if err != nil {
		return usageErr("%v", strings.TrimPrefix(err.Error(), check.ErrOptions.Error()+": "))
	}
	return report(res, *asJSON, stdout, stderr)
}
