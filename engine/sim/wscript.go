package sim

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/i18n"
)

// The one interpreter of the script's common forms (deliver, drop, dup,
// timeout, crash, restart, tick, heal, partition, run; expect safe,
// violation, inflight) for every protocol on the world, and the trace line
// paxviz run prints for a world event.

// rules is a protocol's part of interpreting the common forms: how its
// nodes are named, how a selector matches its messages, and which timer a
// script's `timeout N` fires. Every protocol (sdProto, mpProto, raftProto)
// has one; the world does the rest, once.
type rules[M any] interface {
	nameOf(id int) string
	// matches reports whether sel (ID 0) selects m.
	matches(sel *Selector, m *M) bool
	// selText renders sel (ID 0) for an error message.
	selText(sel *Selector) string
	// timer checks that node id's `timeout` may fire now and returns its
	// timer kind (an *ActionError when it may not).
	timer(id int) (kind int, err error)
	// errText says a protocol error without the package's prefix.
	errText(err error) string
}

// selected returns the ids of the in-flight messages a selects, oldest
// first, and how many more it selects that wait for a paused receiver
// (deliver only).
func (w *World[M, N]) selected(a *Action, r rules[M]) (ids []int, waiting int) {
	for i := range w.inflight {
		m := &w.inflight[i]
		if a.Sel.ID > 0 && w.P.MsgID(m) != a.Sel.ID || a.Sel.ID == 0 && !r.matches(&a.Sel, m) {
			continue
		}
		if a.Kind == ActDeliver && !w.Deliverable(i) {
			waiting++
			continue
		}
		ids = append(ids, w.P.MsgID(m))
	}
	return ids, waiting
}

// checkCommon reports whether the common action a (not propose, not a
// protocol's form) can run now, without changing anything.
func (w *World[M, N]) checkCommon(a *Action, r rules[M]) error {
	nodeOK := func() error {
		if int(a.Node) < 0 || int(a.Node) >= len(w.group) {
			return actErr(a.Kind, "no such node")
		}
		return nil
	}
	switch a.Kind {
	case ActTimeout:
		if err := nodeOK(); err != nil {
			return err
		}
		_, err := r.timer(int(a.Node))
		return err
	case ActCrash:
		if err := nodeOK(); err != nil {
			return err
		}
		if !w.P.Up(int(a.Node)) {
			return actErr(a.Kind, "%s is already down", r.nameOf(int(a.Node)))
		}
	case ActRestart:
		if err := nodeOK(); err != nil {
			return err
		}
		if w.P.Up(int(a.Node)) {
			return actErr(a.Kind, "%s is up (crash it first)", r.nameOf(int(a.Node)))
		}
	case ActDeliver, ActDrop, ActDup:
		ids, waiting := w.selected(a, r)
		switch {
		case len(ids) == 0 && waiting > 0:
			return actErr(a.Kind, "the matching message(s) wait for a paused node")
		case len(ids) == 0 && a.Sel.ID > 0:
			return actErr(a.Kind, "no in-flight message matches %q", "#"+itoa(a.Sel.ID))
		case len(ids) == 0:
			return actErr(a.Kind, "no in-flight message matches %q", r.selText(&a.Sel))
		case a.Kind == ActDup && len(w.inflight)+len(ids) > MaxInFlight:
			return actErr(a.Kind, "the network would hold more than %d messages", MaxInFlight)
		}
	case ActTick:
		if a.N < 1 || a.N > MaxTick {
			return actErr(a.Kind, "ticks must be 1..%d, not %d", MaxTick, a.N)
		}
	case ActRun:
		if a.N < 1 || a.N > MaxRun {
			return actErr(a.Kind, "max must be 1..%d, not %d", MaxRun, a.N)
		}
		if a.DropPerMille < 0 || a.DupPerMille < 0 || a.DropPerMille+a.DupPerMille > 1000 {
			return actErr(a.Kind, "drop and dup rates must be 0..1 and add up to at most 1")
		}
	case ActPartition:
		if _, err := groupsFor(a.Groups, len(w.group), r.nameOf); err != nil {
			return err
		}
	case ActHeal:
	default:
		return actErr(a.Kind, "unknown action")
	}
	return nil
}

// applyCommon performs the common action a, which checkCommon accepted,
// stopping after limit events when limit >= 0 (to seek into the middle of
// a many-event action). An error (the protocol refused a timeout, crash or
// restart) means that event was not taken.
func (w *World[M, N]) applyCommon(a *Action, r rules[M], limit int) error {
	start := w.step
	id := int(a.Node)
	switch a.Kind {
	case ActTimeout:
		kind, err := r.timer(id)
		if err == nil {
			err = w.Fire(id, kind)
		}
		if err != nil {
			return actErr(a.Kind, "%s: %s", r.nameOf(id), r.errText(err))
		}
	case ActCrash:
		w.Unpause(id) // a crash ends a pause (a paused node is up)
		if err := w.CrashNode(id); err != nil {
			return actErr(a.Kind, "%s: %s", r.nameOf(id), r.errText(err))
		}
	case ActRestart:
		if err := w.RestartNode(id); err != nil {
			return actErr(a.Kind, "%s: %s", r.nameOf(id), r.errText(err))
		}
	case ActTick:
		w.Tick(a.N)
	case ActHeal:
		w.Heal()
	case ActPartition:
		g, err := groupsFor(a.Groups, len(w.group), r.nameOf)
		if err != nil {
			return err
		}
		w.Partition(g, *a)
	case ActDeliver, ActDrop, ActDup:
		ids, _ := w.selected(a, r)
		for _, id := range ids {
			if limit >= 0 && w.step-start >= limit {
				break
			}
			i := w.IndexOf(id)
			if i < 0 {
				continue
			}
			switch a.Kind {
			case ActDeliver:
				w.DeliverAt(i)
			case ActDrop:
				w.DropAt(i)
			case ActDup:
				w.DupAt(i)
			}
		}
	case ActRun:
		max := a.N
		if limit >= 0 {
			max = min(max, limit)
		}
		w.Run(max, a.Until, a.DropPerMille, a.DupPerMille)
	}
	return nil
}

// evalCommon judges expect safe, violation and inflight on any protocol,
// broken being the invariants broken so far; ok is false and key "" when
// e is another expectation.
func (w *World[M, N]) evalCommon(e *Expect, r rules[M], broken []string) (ok bool, key string, args map[string]string) {
	violated := strings.Join(broken, ", ")
	if len(broken) == 0 {
		violated = "none"
	}
	switch e.Kind {
	case ExpInFlight:
		n := len(w.inflight)
		if e.Sel != nil {
			n = 0
			for i := range w.inflight {
				m := &w.inflight[i]
				if e.Sel.ID > 0 && w.P.MsgID(m) == e.Sel.ID || e.Sel.ID == 0 && r.matches(e.Sel, m) {
					n++
				}
			}
		}
		return n == e.N, "got.inflight", map[string]string{"n": strconv.Itoa(n)}
	case ExpSafe:
		return len(broken) == 0, "got.violated", map[string]string{"v": violated}
	case ExpViolation:
		ok := len(broken) > 0
		if e.Name != "" {
			ok = slices.Contains(broken, e.Name)
		}
		return ok, "got.violated", map[string]string{"v": violated}
	}
	return false, "", nil
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
