package check

import "context"

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
