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

// cmdCheckRaftEngine is paxviz check engine --protocol raft: the
// breadth-first search over the Raft engine (check.RaftEngine).
func cmdCheckRaftEngine(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("engine", flag.ContinueOnError)
	fs.String("protocol", "raft", "the protocol: paxos (single decree), multipaxos or raft")
	opt := check.RaftEngineOptions{}
	def, _ := sim.ParseRaftCluster("cluster raft")
	servers := fs.Int("servers", def.Opts.Servers, "number of servers")
	noop := fs.Int("noop", 0, "1: a new leader appends a no-op (the cluster line's default; raft.md §6's sizes assume 0)")
	probe := fs.Int("probe", 0, "1: empty appends until a follower's log matches")
	batch := fs.Int("batch", 0, "most entries per append (0: no cap)")
	bugs := fs.String("bugs", "", "bug variants to switch on, comma-separated (raft.md §6)")
	fs.IntVar(&opt.MaxTerm, "max-term", 2, "highest term a server may stand for")
	fs.IntVar(&opt.Commands, "commands", 1, "propose steps in one schedule (values X, Y, Z, ...)")
	fs.IntVar(&opt.Heartbeats, "heartbeats", 0, "most leader heartbeat rounds (timeout S on a leader) in one schedule")
	fs.IntVar(&opt.Crashes, "crashes", 0, "most crashes in one schedule")
	fs.IntVar(&opt.Dups, "dups", 0, "most duplicated messages in one schedule")
	fs.IntVar(&opt.Drops, "drops", 0, "most dropped messages in one schedule")
	fs.BoolVar(&opt.Fresh, "fresh", false, "a bounded model: the network loses every message of a term below the highest term reached (but --stale of them)")
	fs.IntVar(&opt.Stale, "stale", 0, "with --fresh: most old-term messages still delivered in one schedule")
	fs.StringVar(&opt.Invariant, "invariant", "", "search for this invariant only: "+strings.Join(sim.InvariantNames(sim.ProtoRaft), ", "))
	fs.BoolVar(&opt.NoSymmetry, "no-symmetry", false, "do not merge states that differ only in server names")
	fs.BoolVar(&opt.NoReduction, "no-reduction", false, "no symmetry and keep dead replies (for comparison)")
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
	if *bugs != "" {
		if _, err := sim.ParseRaftCluster("cluster raft bugs=" + *bugs); err != nil {
			return usageErr("--bugs: %v", strings.TrimPrefix(err.Error(), "cluster: "))
		}
	}
	if *servers < 1 {
		return usageErr("--servers must be at least 1")
	}
	line := fmt.Sprintf("cluster raft servers=%d noop=%d probe=%d batch=%d seed=%d", *servers, *noop, *probe, *batch, def.Seed)
	if *bugs != "" {
		line += " bugs=" + *bugs
	}
	cl, err := sim.ParseRaftCluster(line)
	if err != nil {
		return usageErr("%v", strings.TrimPrefix(err.Error(), "cluster: "))
	}
	if set["max-term"] && opt.MaxTerm < 1 {
		return usageErr("--max-term must be at least 1")
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
	opt.Cluster = cl
	opt.MaxMemoryBytes = *maxMB << 20
	res, err := check.RaftEngine(ctx, opt)
	if err != nil {
		return usageErr("%v", strings.TrimPrefix(err.Error(), check.ErrOptions.Error()+": "))
	}
	return report(res, *asJSON, stdout, stderr)
}
