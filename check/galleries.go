package check

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/paxviz/paxviz/engine/sim"
)

// The bug gallery's view of the checker, protocol-free: web lists and plays
// GalleryCases and starts SearchFrom without naming a protocol package
// (architecture.md, "Who may name a protocol").

// Protocols of the gallery, as a script's cluster line names them ("" for
// single-decree Paxos there).
const (
	ProtoPaxos      = "paxos"
	ProtoMultiPaxos = "multipaxos"
	ProtoRaft       = "raft"
)

// Sizes are a case's bounds in numbers, for words: what a cluster needs to
// break. Zero fields do not apply.
type Sizes struct {
	Servers, Clients, Commands, Ballots, MaxRound, Terms int
	Crashes, Dups, Drops, Retries                        int
}

// GalleryCase is one entry of the bug gallery: a bug switch of one
// protocol and the search that finds its shortest counterexample.
type GalleryCase struct {
	Protocol string
	// Bug is the switch's name, as in a cluster line's bugs=.
	Bug string
	// Needs is the protocol's doc's "needs" column in its own notation
	// (single-decree: acceptors / proposers / distinct ballots), or "".
	Needs string
	// Sizes are the search's bounds in numbers.
	Sizes Sizes
	// Bounds are the search's flags of paxviz check engine.
	Bounds string
	// Invariant is the invariant the search looks for ("" any: the
	// counterexample's Violation names the one broken).
	Invariant string
	// Why is the translation key of the text saying why the switch loses
	// safety, when the protocol's checker names one ("": the gallery's
	// own, gallery.[PROTOCOL.]BUG.why).
	Why string

	run func(ctx context.Context) (*Result, error)
}

// Counterexample runs the case's search: deterministic, so callers may
// cache the result. A search that ends without a violation within its
// bounds is an internal error (the tests check every case).
func (c *GalleryCase) Counterexample(ctx context.Context) (*Result, error) {
	if c.run == nil {
		return nil, fmt.Errorf("%w %s/%s", ErrNoCase, c.Protocol, c.Bug)
	}
	res, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	if res.Violation == nil && !res.Truncated {
		return res, fmt.Errorf("check: internal error: no counterexample for %s/%s", c.Protocol, c.Bug)
	}
	return res, nil
}

// galleryHooks are the gallery sections of protocols whose cases live in
// their own files (added by init there), in order after Multi-Paxos.
var (
	galleryMu    sync.Mutex
	galleryHooks = map[string]func() []GalleryCase{}
)

// registerGallery adds protocol's cases to GalleryCases: how a protocol's
// checker file (raftcases.go) joins the gallery without editing this one.
func registerGallery(protocol string, cases func() []GalleryCase) {
	galleryMu.Lock()
	defer galleryMu.Unlock()
	galleryHooks[protocol] = cases
}

// GalleryProtocols lists the protocols the gallery has sections for, in
// page order.
func GalleryProtocols() []string {
	out := []string{ProtoPaxos, ProtoMultiPaxos}
	galleryMu.Lock()
	defer galleryMu.Unlock()
	if galleryHooks[ProtoRaft] != nil {
		out = append(out, ProtoRaft)
	}
	return out
}

// GalleryCases returns the gallery's cases for one protocol, in the order
// of its doc's table; nil for a protocol with none (yet).
func GalleryCases(protocol string) []GalleryCase {
	switch protocol {
	case ProtoPaxos:
		var out []GalleryCase
		for _, c := range BugCases() {
			o := c.Options
			o.normalize() // the cases are valid; this fills the defaults Bounds prints
			out = append(out, GalleryCase{Protocol: ProtoPaxos, Bug: c.Bug.String(), Needs: c.Needs,
				Sizes:  Sizes{Servers: o.Cluster.Acceptors, Ballots: o.Ballots, MaxRound: o.MaxRound, Crashes: o.Crashes, Dups: o.Dups},
				Bounds: o.Bounds(), Invariant: o.Invariant, run: func(ctx context.Context) (*Result, error) { return Engine(ctx, c.Options) }})
		}
		return out
	case ProtoMultiPaxos:
		var out []GalleryCase
		for _, c := range MPBugCases() {
			o := c.Options
			o.normalize()
			out = append(out, GalleryCase{Protocol: ProtoMultiPaxos, Bug: c.Bug.String(),
				Sizes: Sizes{Servers: o.Cluster.Servers, Clients: o.Cluster.Clients, Commands: o.Commands, Ballots: o.Ballots,
					MaxRound: o.MaxRound, Crashes: o.Crashes, Dups: o.Dups, Drops: o.Drops, Retries: o.Retries},
				Bounds: o.Bounds(), Invariant: o.Invariant, run: func(ctx context.Context) (*Result, error) { return MultiPaxosEngine(ctx, c.Options) }})
		}
		return out
	}
	galleryMu.Lock()
	hook := galleryHooks[protocol]
	galleryMu.Unlock()
	if hook == nil {
		return nil
	}
	return hook()
}

// FindGalleryCase returns protocol's case for bug.
func FindGalleryCase(protocol, bug string) (GalleryCase, error) {
	for _, c := range GalleryCases(protocol) {
		if c.Bug == bug {
			return c, nil
		}
	}
	return GalleryCase{}, fmt.Errorf("%w %s/%s", ErrNoCase, protocol, bug)
}

// SearchBounds are the bounds of a search from a session's state (the
// sandbox's "search from here"), for words: Extra* are what the search may
// add to the schedule beyond the state it starts from.
type SearchBounds struct {
	Protocol string
	// MaxRound is the highest ballot round (Multi-Paxos, single-decree) or
	// term (Raft) a server may reach; Elections how many more rounds than
	// the state has used.
	MaxRound, Elections int
	// Commands is how many more client requests (or proposals) may be
	// made.
	Commands                      int
	Crashes, Dups, Drops, Retries int
	MaxStates                     int
	Timeout                       time.Duration
}

// SearchFrom searches from the state a session's script reaches: its cluster
// line names the protocol and the bug switches, its actions are the
// prefix. deep widens the bounds (one more election, a crash, a duplicate,
// a drop and a client retry) and the budgets. It serves Multi-Paxos (and
// protocols registered with registerSearch); single-decree sessions use
// Engine with ParsePrefix. A budget running out is a truncated Result,
// not an error.
//
// maxStates and timeout, when not zero, replace the budgets (tests).
func SearchFrom(ctx context.Context, script string, deep bool, maxStates int, timeout time.Duration) (*Result, SearchBounds, error) {
	proto, cluster, prefix, err := splitScript(script)
	if err != nil {
		return nil, SearchBounds{}, err
	}
	switch proto {
	case ProtoMultiPaxos:
		return mpSearchFrom(ctx, cluster, prefix, fromHere(deep, maxStates, timeout))
	}
	searchMu.Lock()
	hook := searchHooks[proto]
	searchMu.Unlock()
	if hook != nil {
		return hook(ctx, cluster, prefix, fromHere(deep, maxStates, timeout))
	}
	return nil, SearchBounds{Protocol: proto}, fmt.Errorf("%w: search from here cannot search a %s cluster", ErrNoSearch, protoName(proto))
}

// ErrNoSearch is SearchFrom's error for a protocol it cannot search (yet);
// it wraps ErrOptions.
var ErrNoSearch = fmt.Errorf("%w: no search", ErrOptions)

func protoName(p string) string {
	if p == "" {
		return "single-decree"
	}
	return p
}

// CanSearchFrom reports whether SearchFrom searches protocol's clusters
// (single-decree: through Engine and ParsePrefix instead).
func CanSearchFrom(protocol string) bool {
	if protocol == ProtoMultiPaxos {
		return true
	}
	searchMu.Lock()
	defer searchMu.Unlock()
	return searchHooks[protocol] != nil
}

var (
	searchMu    sync.Mutex
	searchHooks = map[string]func(ctx context.Context, cluster string, prefix []string, b SearchBounds) (*Result, SearchBounds, error){}
)

// registerSearch adds protocol to SearchFrom (from its checker's file).
// The hook gets the quick or deep bounds of fromHere to adapt.
func registerSearch(protocol string, f func(ctx context.Context, cluster string, prefix []string, b SearchBounds) (*Result, SearchBounds, error)) {
	searchMu.Lock()
	defer searchMu.Unlock()
	searchHooks[protocol] = f
}

// splitScript returns a script's protocol (the word after "cluster", or ""
// for single-decree), its cluster line and its other lines that are not
// blank, comments or expectations.
func splitScript(script string) (proto, cluster string, prefix []string, err error) {
	for _, raw := range strings.Split(script, "\n") {
		line := strings.TrimSpace(sim.StripComment(strings.TrimSuffix(raw, "\r")))
		switch {
		case line == "":
		case cluster == "":
			f := strings.Fields(line)
			if f[0] != "cluster" {
				return "", "", nil, fmt.Errorf("%w: the script does not start with a cluster line", ErrOptions)
			}
			cluster = line
			if len(f) > 1 && !strings.Contains(f[1], "=") {
				proto = f[1]
			}
		case line == "expect" || strings.HasPrefix(line, "expect "):
		default:
			prefix = append(prefix, line)
		}
	}
	if cluster == "" {
		return "", "", nil, fmt.Errorf("%w: no cluster line", ErrOptions)
	}
	return proto, cluster, prefix, nil
}

// Budgets of a search from here: quick, and deep (?deep=1).
const (
	FromHereStates     = 200_000
	FromHereTimeout    = 8 * time.Second
	FromHereDeepStates = 1_000_000
	FromHereDeepTime   = 20 * time.Second
)

// fromHere returns the bounds of a search from here: quick, one more
// election than the state has had and two more client requests, no
// fault; deep, two elections, a crash, a duplicate, a drop and a client
// retry too, with bigger budgets.
func fromHere(deep bool, maxStates int, timeout time.Duration) SearchBounds {
	b := SearchBounds{Elections: 1, Commands: 2, MaxStates: FromHereStates, Timeout: FromHereTimeout}
	if deep {
		b.Elections, b.Crashes, b.Dups, b.Drops, b.Retries = 2, 1, 1, 1, 1
		b.MaxStates, b.Timeout = FromHereDeepStates, FromHereDeepTime
	}
	if maxStates > 0 {
		b.MaxStates = maxStates
	}
	if timeout > 0 {
		b.Timeout = timeout
	}
	return b
}

// mpSearchFrom searches a Multi-Paxos state within b: Elections more
// ballots (none beyond round MaxRound), Commands more requests.
func mpSearchFrom(ctx context.Context, cluster string, prefix []string, b SearchBounds) (*Result, SearchBounds, error) {
	cl, err := sim.ParseMPCluster(cluster)
	if err != nil {
		return nil, SearchBounds{}, fmt.Errorf("%w: %v", ErrOptions, err)
	}
	if cl.Clients < 1 {
		return nil, SearchBounds{}, fmt.Errorf("%w: the search sends client requests: the cluster needs a client (clients=1)", ErrOptions)
	}
	start := sim.NewMP(cl)
	for i, l := range prefix {
		if err := start.Do(l); err != nil {
			return nil, SearchBounds{}, fmt.Errorf("%w: line %d: %v", ErrOptions, i+2, err)
		}
	}
	used := 0
	for _, sv := range start.State().Servers {
		used = max(used, int(sv.D.MaxRound))
	}
	b.Protocol = ProtoMultiPaxos
	b.MaxRound = min(used+b.Elections, MaxMaxRound)
	b.Elections = b.MaxRound - used
	// Ballots counts the bootstrapped leader's 1.1 (MPEngineOptions), so
	// Ballots = Elections + 1 with one lets the search start Elections.
	ballots := b.Elections
	if cl.Leader != "" {
		ballots++
	}
	if b.Elections == 0 { // at the round limit: no election at all
		ballots, b.MaxRound = 0, max(used, 1)
	}
	opt := MPEngineOptions{Cluster: cl, Prefix: prefix, Commands: b.Commands, MaxRound: max(b.MaxRound, 1), Ballots: ballots,
		Crashes: b.Crashes, Dups: b.Dups, Drops: b.Drops, Retries: b.Retries, MaxStates: b.MaxStates, Timeout: b.Timeout}
	res, err := MultiPaxosEngine(ctx, opt)
	if err != nil {
		return nil, b, err
	}
	return res, b, nil
}

// ErrNoSpecBug is returned when the spec gallery entry cannot be built.
var ErrNoSpecBug = errors.New("check: the spec's counterexample does not replay")

// SpecStep is one step of the MultiPaxos-SMR spec's counterexample, split
// for words: the action's name and replica, its parameter as the spec
// prints it, and the replica's state and the observed history after it.
type SpecStep struct {
	N        int
	Action   string // BecomeLeader, HandlePrepare, ...
	Replica  string // s1, s2, ...
	Arg      string // "b = 1", "m = PrepareMsg(s1, 1)", "slot 1, ballot 2", ...
	State    string // the replica's variables after the step
	Observed string // the history clients observed, when it changed
}

// SpecBug is the spec gallery entry: MultiPaxosSMRSpecBug with its steps.
type SpecBug struct {
	Violation *Violation
	Bounds    string
	Steps     []SpecStep
}

// MultiPaxosSMRSpecBugSteps returns the spec's own counterexample
// (MultiPaxosSMRSpecBug) with its trace split into steps.
func MultiPaxosSMRSpecBugSteps() (*SpecBug, error) {
	v, err := MultiPaxosSMRSpecBug()
	if err != nil {
		return nil, err
	}
	opt := SMRSpecBugOptions
	if err := opt.normalize(); err != nil {
		return nil, err
	}
	out := &SpecBug{Violation: v, Bounds: opt.Bounds()}
	for _, line := range strings.Split(v.Script, "\n") {
		switch {
		case line == "" || line == "Init" || strings.HasPrefix(line, `\*`):
		case strings.HasPrefix(line, `    \* observed = `):
			if n := len(out.Steps); n > 0 {
				out.Steps[n-1].Observed = strings.TrimPrefix(line, `    \* observed = `)
			}
		case strings.HasPrefix(line, `    \* `):
			if n := len(out.Steps); n > 0 {
				st := strings.TrimPrefix(line, `    \* `)
				if _, rest, ok := strings.Cut(st, ": "); ok {
					st = rest
				}
				out.Steps[n-1].State = st
			}
		default:
			act, arg, _ := strings.Cut(line, `\*`)
			act = strings.TrimSpace(act)
			name, rep, ok := strings.Cut(strings.TrimSuffix(act, ")"), "(")
			if !ok {
				return nil, fmt.Errorf("%w: step %q", ErrNoSpecBug, line)
			}
			out.Steps = append(out.Steps, SpecStep{N: len(out.Steps) + 1, Action: name, Replica: rep, Arg: strings.TrimSpace(arg)})
		}
	}
	if len(out.Steps) != v.Steps {
		return nil, fmt.Errorf("%w: %d steps read, %d in the trace", ErrNoSpecBug, len(out.Steps), v.Steps)
	}
	return out, nil
}
