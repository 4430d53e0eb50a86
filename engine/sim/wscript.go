package sim

import (
	"fmt"
	"io"

	"github.com/paxviz/paxviz/i18n"
)

// The script forms every protocol on the world shares, and the trace line
// paxviz run prints for a world event: one implementation for Multi-Paxos
// and Raft (single-decree Paxos keeps its own, older path).

// actOnMessages delivers, drops or duplicates the in-flight messages with
// the given ids, in that order (those already gone are skipped).
func (w *World[M, N]) actOnMessages(kind Kind, ids []int) error {
	if kind == ActDup && len(w.inflight)+len(ids) > MaxInFlight {
		return fmt.Errorf("dup: the network would hold more than %d messages", MaxInFlight)
	}
	for _, id := range ids {
		i := w.IndexOf(id)
		if i < 0 {
			continue
		}
		switch kind {
		case ActDeliver:
			w.DeliverAt(i)
		case ActDrop:
			w.DropAt(i)
		case ActDup:
			w.DupAt(i)
		}
	}
	return nil
}

// applyNetworkForm performs tick, heal, partition and run; it reports
// whether a was one of them.
func (w *World[M, N]) applyNetworkForm(a *Action, nodes int, name func(int) string) (bool, error) {
	switch a.Kind {
	case ActTick:
		w.Tick(a.N)
	case ActHeal:
		w.Heal()
	case ActPartition:
		g, err := groupsFor(a.Groups, nodes, name)
		if err != nil {
			return true, err
		}
		w.Partition(g, *a)
	case ActRun:
		w.Run(a.N, a.Until, a.DropPerMille, a.DupPerMille)
	default:
		return false, nil
	}
	return true, nil
}

// writeWorldEvent prints ev as paxviz run's trace does: the action (with
// the message it names, shown without its id), the narration in English,
// the messages a partition cut and those sent, each with its fate.
func writeWorldEvent[M any](out io.Writer, ev *WEvent[M, Narration], act string, id func(*M) int, describe func(m *M, keepID bool) string) {
	line := fmt.Sprintf("  step %d  %s", ev.Step, act)
	if id(&ev.Msg) > 0 {
		line += "  # " + describe(&ev.Msg, false)
	}
	fmt.Fprintf(out, "%s\n", line)
	pad := "          "
	for i := range ev.Notes {
		fmt.Fprintf(out, "%s%s\n", pad, ev.Notes[i].Text(i18n.EN))
	}
	for i := range ev.Removed {
		fmt.Fprintf(out, "%sx %s (cut by the partition)\n", pad, describe(&ev.Removed[i], true))
	}
	for i := range ev.Sent {
		sent := &ev.Sent[i]
		suffix := ""
		switch sent.Fate {
		case FateLocal:
			suffix = " (to itself: handled at once)"
		case FateBlocked:
			suffix = " (lost: partition)"
		case FateLost:
			suffix = " (lost: network full)"
		}
		fmt.Fprintf(out, "%s-> %s%s\n", pad, describe(&sent.Msg, true), suffix)
	}
}
