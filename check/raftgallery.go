package check

import (
	"context"
	"fmt"

	"github.com/paxviz/paxviz/engine/sim"
)

// The gallery's Raft section: RaftBugCases as GalleryCases.
func init() {
	registerGallery(ProtoRaft, func() []GalleryCase {
		var out []GalleryCase
		for _, c := range RaftBugCases() {
			o := c.Options
			o.normalize() // the cases are valid; this fills the defaults Bounds prints
			out = append(out, GalleryCase{Protocol: ProtoRaft, Bug: c.Bug.String(), Needs: c.Needs, Why: c.Note,
				Sizes: Sizes{Servers: o.Cluster.Opts.Servers, Terms: o.MaxTerm, Commands: o.Commands,
					Crashes: o.Crashes, Dups: o.Dups, Drops: o.Drops},
				Bounds: o.Bounds(), Invariant: c.Invariant,
				run: func(ctx context.Context) (*Result, error) { return RaftEngine(ctx, c.Options) }})
		}
		return out
	})
}

func init() { registerSearch(ProtoRaft, raftSearchFrom) }

// raftSearchFrom searches a Raft state within b: Elections more terms than
// any server has reached, Commands more proposals, and b's faults (a Raft
// client does not retry: no retries).
func raftSearchFrom(ctx context.Context, cluster string, prefix []string, b SearchBounds) (*Result, SearchBounds, error) {
	cl, err := sim.ParseRaftCluster(cluster)
	if err != nil {
		return nil, SearchBounds{}, fmt.Errorf("%w: %v", ErrOptions, err)
	}
	start := sim.NewRaft(cl)
	for i, l := range prefix {
		if err := start.Do(l); err != nil {
			return nil, SearchBounds{}, fmt.Errorf("%w: line %d: %v", ErrOptions, i+2, err)
		}
	}
	used := 0
	for _, sv := range start.State().Servers {
		used = max(used, int(sv.D.Term))
	}
	b.Protocol, b.Retries = ProtoRaft, 0
	b.MaxRound = min(used+b.Elections, MaxRaftTerm)
	b.Elections = max(b.MaxRound-used, 0)
	opt := RaftEngineOptions{Cluster: cl, Prefix: prefix, MaxTerm: max(b.MaxRound, 1), Commands: min(b.Commands, MaxRaftCommands),
		Crashes: b.Crashes, Dups: b.Dups, Drops: b.Drops, MaxStates: b.MaxStates, Timeout: b.Timeout}
	res, err := RaftEngine(ctx, opt)
	if err != nil {
		return nil, b, err
	}
	return res, b, nil
}
