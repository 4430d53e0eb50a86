package web

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// Budgets of work a script or a session may cost (issue 8, item 13). A
// session is its history, and a history holds a snapshot every
// sim.SnapshotEvery events: measured, an event costs at most about 620
// bytes when the network is full (1,000 messages in flight in every
// snapshot) and 100 bytes in an ordinary run.
const (
	// MaxSessionEvents bounds the events one session records in all, the
	// script it was opened from included: at most about 6 MB and, replayed,
	// 50 ms on one core. A lesson step replays a few hundred; the longest
	// classroom session seen is a few thousand.
	MaxSessionEvents = 10_000
	// ReplayTimeLimit bounds the wall-clock time of one replay (a link, a
	// form, a fork, a lesson step, a gallery counterexample), checked
	// between its actions; the event budget bounds a single action.
	ReplayTimeLimit = 2 * time.Second
	// MaxCommandEvents bounds the events one live command may run (run
	// max=, deliver *; item 14): a run's default max is the same.
	MaxCommandEvents = sim.DefaultRunMax
	// MaxLastEvents bounds the events a state frame carries for the
	// animation and the log; the rest are counted in last_omitted (the
	// browser asks for them with "log FROM TO" when it shows them).
	MaxLastEvents = 50
	// MaxBranchesListed bounds the branches a state frame lists (item 17):
	// the current one and the newest others. Twenty sockets spamming goto
	// and tick grew 1,848 branches and 120 KB frames.
	MaxBranchesListed = 20
)

// replayItem is one action of a script, with its line (0: none).
type replayItem struct {
	line int
	text string
	act  *sim.Action
}

// replayCut says where and why a replay stopped before the end of its
// script: the history holds everything before it.
type replayCut struct {
	Line   int    // the line that was cut or not run
	Text   string // that line
	Events int    // events replayed in all
	Time   bool   // the time limit (not the event budget) ran out
}

// notice is the translated message telling the viewer what was cut.
func (c *replayCut) notice(lang i18n.Lang) string {
	args := map[string]string{"line": strconv.Itoa(c.Line), "cmd": c.Text, "events": thousands(c.Events),
		"max": thousands(MaxSessionEvents), "secs": strconv.Itoa(int(ReplayTimeLimit / time.Second))}
	if c.Time {
		return i18n.Format(lang, "err.script_cut_time", args)
	}
	return i18n.Format(lang, "err.script_cut", args)
}

// eventsBound returns the most events a may take in state st: a run its
// max, a deliver, drop or dup one event per message it matches, the rest
// one.
func eventsBound(st *sim.Sim, a *sim.Action) int {
	switch a.Kind {
	case sim.ActRun:
		return a.N
	case sim.ActDeliver, sim.ActDrop, sim.ActDup:
		if a.Sel.ID > 0 {
			return 1
		}
		return len(st.Matches(&a.Sel))
	}
	return 1
}

// replay performs items on h, spending at most limit events and stopping
// when ctx ends (between actions: the budget bounds one action). A run
// that would pass the budget is run up to it, but only when it would
// really take that long (a probe on a copy of the state says): a run that
// stops sooner on its own is recorded as written. It returns the events
// taken, where it was cut (nil: all of it ran) and a script error naming
// its line. ctx's deadline counts as a cut; its cancellation as an error.
func replay(ctx context.Context, h *sim.History, items []replayItem, limit int) (int, *replayCut, error) {
	spent := 0
	for _, it := range items {
		if err := ctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return spent, &replayCut{Line: it.line, Text: it.text, Events: spent, Time: true}, nil
			}
			return spent, nil, err
		}
		a := it.act
		remaining := limit - spent
		bound := eventsBound(h.State(), a)
		cut := false
		if bound > remaining {
			if a.Kind != sim.ActRun || remaining <= 0 {
				return spent, &replayCut{Line: it.line, Text: it.text, Events: spent}, nil
			}
			capped := *a
			capped.N = remaining
			if n, err := h.State().Clone().Apply(&capped); err == nil && n >= remaining {
				a, cut = &capped, true
			}
		}
		n, err := h.Do(a, nil)
		if err != nil && !errors.Is(err, sim.ErrNothing) {
			return spent, nil, &sim.Error{File: "script", Line: it.line, Msg: err.Error()}
		}
		spent += n
		if cut {
			return spent, &replayCut{Line: it.line, Text: it.text, Events: spent}, nil
		}
	}
	return spent, nil, nil
}

// thousands writes n with a comma every three digits (10,000).
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// commandBudget checks a live command against the per-command cap and the
// session's remaining budget, and returns it (a run clipped to what is
// left of the budget). The error is for the client, in its language.
func (s *Session) commandBudget(a *sim.Action, lang i18n.Lang) (*sim.Action, error) {
	remaining := MaxSessionEvents - s.events
	if remaining <= 0 {
		return nil, saidError(i18n.Format(lang, "err.session_budget", map[string]string{"max": thousands(MaxSessionEvents)}))
	}
	bound := eventsBound(s.h.State(), a)
	if bound > MaxCommandEvents {
		return nil, saidError(i18n.Format(lang, "err.command_events", map[string]string{"n": thousands(bound), "max": thousands(MaxCommandEvents)}))
	}
	if bound <= remaining {
		return a, nil
	}
	if a.Kind != sim.ActRun {
		return nil, saidError(i18n.Format(lang, "err.session_budget", map[string]string{"max": thousands(MaxSessionEvents)}))
	}
	capped := *a
	capped.N = remaining
	return &capped, nil
}
