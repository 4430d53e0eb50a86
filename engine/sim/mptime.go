package sim

import (
	"fmt"
	"strconv"
	"strings"

	mp "github.com/paxviz/paxviz/engine/multipaxos"
)

// The Multi-Paxos script's time forms (multipaxos.md §2, §3.3): pause N,
// resume N, clock N rate=R. Each is one step on the World's clocks.

// applyTime performs pause, resume or clock; an error leaves the state as
// it was.
func (s *MPSim) applyTime(act *Action) error {
	w, p := s.W, s.p
	a := *act
	id := int(a.Node)
	name := p.Name(id)
	switch {
	case strings.HasPrefix(a.Text, "pause "):
		switch {
		case !p.Up(id):
			return fmt.Errorf("pause: %s is down", name)
		case w.Paused(id):
			return fmt.Errorf("pause: %s is already paused", name)
		}
		w.Pause(id, a)
	case strings.HasPrefix(a.Text, "resume "):
		if !w.Paused(id) {
			return fmt.Errorf("resume: %s is not paused", name)
		}
		w.Resume(id, a)
	default: // clock
		w.SetRate(id, a.N, a)
	}
	return nil
}

// clockText renders a clock in hundredths of a tick as ticks with two
// decimals (8.18).
func clockText(c int) string {
	return fmt.Sprintf("%d.%02d", c/ClockUnit, c%ClockUnit)
}

// timeText renders node id's clock, pause, lease and guard for
// DescribeNode (lease<T: it holds the leader lease until its clock reads
// T; guards=L<T: it guards L's lease, or its quiet period, until T;
// guards=K<U,L<T: it also still guards K's until U, refusing everyone),
// empty while every clock reads true time, nothing is paused and lease=0
// (so that scripts without them print as before).
func (s *MPSim) timeText(id int) string {
	txt := ""
	if s.W.ClocksSet() {
		txt += fmt.Sprintf(" clock=%s rate=%d", clockText(s.W.Clock(id)), s.W.Rate(id))
	}
	if s.W.Paused(id) {
		txt += " PAUSED"
	}
	cfg := s.p.cfg
	if cfg.Lease > 0 && cfg.IsServer(mp.NodeID(id)) {
		sv := &s.p.st.Servers[id]
		clock := s.W.Clock(id)
		if sv.HasLease(clock) {
			txt += " lease<" + mp.ClockText(sv.V.Lease)
		}
		if sv.Up && clock < sv.V.Guard {
			txt += " guards="
			if clock < sv.V.GuardAll {
				// It refuses everyone till the earlier guard ends.
				txt += guardText(cfg, sv.V.GuardAllFor, sv.V.GuardAll) + ","
			}
			txt += guardText(cfg, sv.V.GuardFor, sv.V.Guard)
		}
	}
	return txt
}

// guardText renders one guard for timeText: whose lease (quiet: the
// restart quiet period) until when.
func guardText(cfg *mp.Config, who mp.NodeID, until int) string {
	name := "quiet"
	if who != mp.None {
		name = cfg.Name(who)
	}
	return name + "<" + mp.ClockText(until)
}

// expectTime parses `expect clock N C` (C in ticks, up to two decimals)
// and `expect lease S yes|no`.
func (p *mpParser) expectTime(e *mpExpect, args []string) (*mpExpect, error) {
	if e.what == "lease" {
		if len(args) != 2 || args[1] != "yes" && args[1] != "no" {
			return nil, p.errf("usage: expect lease SERVER yes|no")
		}
		var err error
		if e.node, err = p.node(args[0], "server"); err != nil {
			return nil, err
		}
		e.words = args[1:]
		return e, nil
	}
	if len(args) != 2 {
		return nil, p.errf("usage: expect clock NODE TICKS (as 8.18)")
	}
	var err error
	if e.node, err = p.node(args[0], ""); err != nil {
		return nil, err
	}
	if e.n, err = parseClock(args[1]); err != nil {
		return nil, p.errf("%v", err)
	}
	return e, nil
}

// parseClock reads ticks with up to two decimals into hundredths.
func parseClock(s string) (int, error) {
	whole, frac, dot := strings.Cut(s, ".")
	bad := fmt.Errorf("%q is not a clock reading in ticks (as 8.18)", s)
	if whole == "" || len(whole) > 9 || dot && (frac == "" || len(frac) > 2) {
		return 0, bad
	}
	n := 0
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, bad
		}
		n = n*10 + int(c-'0')
	}
	for range 2 - len(frac) {
		n *= 10
	}
	return n, nil
}

// evalTime checks `expect clock` and `expect lease`.
func (s *MPSim) evalTime(e *mpExpect) (bool, string) {
	got := s.W.Clock(e.node)
	if e.what == "lease" {
		sv := &s.p.st.Servers[e.node]
		has := sv.HasLease(got)
		why := fmt.Sprintf("%s's clock reads %s; its lease ", s.p.Name(e.node), clockText(got))
		if sv.V.Lease > 0 && sv.V.Role == mp.RoleLeader {
			why += "runs until " + mp.ClockText(sv.V.Lease)
		} else {
			why += "is none"
		}
		return has == (e.words[0] == "yes"), why
	}
	return got == e.n, fmt.Sprintf("%s's clock reads %s (true time %d)", s.p.Name(e.node), clockText(got), s.W.Now())
}

// EndStep judges lease-exclusive after every step (ticks included) when
// the cluster has leases: the servers that believe they hold a valid
// lease, each on its own clock.
func (p *mpProto) EndStep(w *World[mp.Message, Narration]) {
	if p.cfg.Lock {
		p.lockEndStep(w)
	}
	if p.cfg.Lease == 0 {
		return
	}
	var holders []mp.NodeID
	for i := range p.cfg.Servers {
		if p.st.Servers[i].HasLease(w.Clock(i)) {
			holders = append(holders, mp.NodeID(i))
		}
	}
	if len(holders) < 2 {
		return
	}
	p.k.ObserveLeases(w.step, holders)
	if w.Tracing() {
		for vs := p.k.Violations(); p.reported < len(vs); p.reported++ {
			w.Note(Narration{Key: "note.violation", Args: map[string]string{"v": vs[p.reported].Describe(p.cfg), "n": strconv.Itoa(len(holders))}})
		}
	}
}
