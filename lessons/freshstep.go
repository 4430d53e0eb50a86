package lessons

import (
	"fmt"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
)

// A step may start afresh: a Multi-Paxos or Raft step whose ```actions
// block begins with a cluster line replays from that cluster, not from the
// front matter's, and so does every later step until the next such step.
// A lesson can so play one story twice, with a bug switch on and then off
// (lesson 13: the GC pause without and with fencing). The protocol stays
// the lesson's.

// freshLine is a step's cluster line while its block is read.
type freshLine struct {
	line string
	cl   sim.AnyCluster
}

// freshCluster reads a cluster line at the head of an ```actions block;
// false when it is not allowed there (the caller reports it).
func (p *parser) freshCluster(text string, ln int) bool {
	if p.l.Protocol == sim.ProtoPaxos {
		return false
	}
	cl, err := sim.ParseAnyCluster(text)
	if err != nil {
		p.errorf(ln, "bad cluster line %q: %v", text, err)
		return true
	}
	if cl.Protocol != p.l.Protocol {
		p.errorf(ln, "a step starts afresh on a cluster of the lesson's protocol (%s), not %q", p.l.Protocol, text)
		return true
	}
	p.fresh = freshLine{line: strings.Join(strings.Fields(text), " "), cl: cl}
	p.cl = &cl // the later blocks parse on it
	return true
}

// base returns the first step of the run step k belongs to: the latest
// step j <= k that starts afresh, or 0.
func (l *Lesson) base(k int) int {
	for j := min(k, len(l.Steps)-1); j > 0; j-- {
		if l.Steps[j].ClusterLine != "" {
			return j
		}
	}
	return 0
}

// ClusterLineAt is the cluster line step k runs on: the front matter's, or
// that of the latest step up to k that started afresh.
func (l *Lesson) ClusterLineAt(k int) string {
	if k >= 0 && k < len(l.Steps) {
		if st := &l.Steps[l.base(k)]; st.ClusterLine != "" {
			return st.ClusterLine
		}
	}
	return l.ClusterLine
}

// ClusterAt is ClusterLineAt's parsed form.
func (l *Lesson) ClusterAt(k int) sim.AnyCluster {
	if k >= 0 && k < len(l.Steps) {
		if st := &l.Steps[l.base(k)]; st.ClusterLine != "" {
			return st.AnyCluster
		}
	}
	return l.AnyCluster
}

// freshNote says where a step starts afresh, for PathScript.
func freshNote(k int, st *Step) string {
	return fmt.Sprintf("# step %d starts afresh on: %s", k+1, st.ClusterLine)
}
