package web

// The value poll in each protocol's terms. A single-decree room asks
// "which value will be chosen?"; a Multi-Paxos room "which command will be
// chosen in slot k?" (room.PollSlot) and a Raft room "which entry will be
// committed at index i?" (room.PollEntry). All three are one room.Poll
// (the same answers, limits, reveal and re-vote); what differs is read
// here from the session's view: the choices when the poll opens, and the
// god's-eye answer (Poll.Result) from every state frame the room relays.

import (
	"strconv"
	"strings"

	"github.com/paxviz/paxviz/room"
)

// choiceOther is the last choice of a slot or entry poll: a command or
// entry that is in no log and no message yet. Pages show it in their own
// language (room.choice_other).
const choiceOther = "…"

// mpNoop is how a Multi-Paxos view spells a no-op command, and noopText
// how the room shows it (as the log grid does).
const (
	mpNoop   = "none"
	noopText = "noop"
)

// pollOutcome is the god's-eye record a value poll is judged against: the
// part of a state frame (or of a View) that says what was decided.
type pollOutcome struct {
	State struct {
		Chosen []string `json:"chosen"`
	} `json:"state"`
	MP *struct {
		Chosen []string `json:"chosen"` // by slot-1: "" none, "!" several
	} `json:"mp"`
	Raft *struct {
		Committed []raftCommitted `json:"committed"`
	} `json:"raft"`
}

type raftCommitted struct {
	Index int32  `json:"i"`
	Term  int32  `json:"t"`
	Value string `json:"v"`
}

// outcomeOf takes the god's-eye record from a built view.
func outcomeOf(v *View) pollOutcome {
	var o pollOutcome
	o.State.Chosen = v.State.Chosen
	if v.MP != nil {
		o.MP = &struct {
			Chosen []string `json:"chosen"`
		}{v.MP.Chosen}
	}
	if v.Raft != nil {
		o.Raft = &struct {
			Committed []raftCommitted `json:"committed"`
		}{}
		for _, c := range v.Raft.Committed {
			o.Raft.Committed = append(o.Raft.Committed, raftCommitted{Index: c.Index, Term: c.Term, Value: c.Value})
		}
	}
	return o
}

// mpCmdText is a Multi-Paxos command as a choice.
func mpCmdText(cmd string) string {
	if cmd == mpNoop {
		return noopText
	}
	return cmd
}

// raftEntryText is a Raft entry as a choice: "term:value", a no-op as ∅
// (as static/raft.js draws a log).
func raftEntryText(term int32, value string) string {
	if value == "noop" {
		value = "∅"
	}
	return strconv.Itoa(int(term)) + ":" + value
}

// result is the god's-eye answer to poll p in o, in the choices' spelling:
// the value, command or entry decided (when it is none of the choices, a
// page marks choiceOther), "!" when a Multi-Paxos slot chose several
// commands (a safety violation), "" while nothing is decided.
func (o *pollOutcome) result(p *room.Poll) string {
	got := ""
	switch p.Kind {
	case room.PollValue:
		if len(o.State.Chosen) == 0 {
			return ""
		}
		got = o.State.Chosen[0]
	case room.PollSlot:
		if o.MP == nil || p.Slot < 1 || p.Slot > len(o.MP.Chosen) || o.MP.Chosen[p.Slot-1] == "" {
			return ""
		}
		if c := o.MP.Chosen[p.Slot-1]; c == "!" {
			return c
		}
		got = mpCmdText(o.MP.Chosen[p.Slot-1])
	case room.PollEntry:
		if o.Raft == nil {
			return ""
		}
		for _, c := range o.Raft.Committed {
			if int(c.Index) == p.Slot {
				got = raftEntryText(c.Term, c.Value)
			}
		}
		if got == "" {
			return ""
		}
	default:
		return ""
	}
	return got
}

// choiceSet collects distinct choice texts in order.
type choiceSet struct {
	list []string
	seen map[string]bool
}

func (c *choiceSet) add(s string) {
	if s == "" || c.seen[s] {
		return
	}
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[s] = true
	c.list = append(c.list, s)
}

// logValuePoll fills a Multi-Paxos slot poll or a Raft entry poll from
// the room's view. arg is the slot or index the instructor named ("" for
// the first one not yet chosen or committed).
func (rc *roomConn) logValuePoll(v *View, arg string, p *room.Poll) error {
	at := 0
	if arg != "" {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			return rc.errT("room.err_slot", "slot", clip(arg, 20))
		}
		at = n
	}
	var cs choiceSet
	switch {
	case v.MP != nil:
		p.Kind = room.PollSlot
		chosen := v.MP.Chosen
		if at == 0 {
			at = len(chosen) + 1
			for i, c := range chosen {
				if c == "" {
					at = i + 1
					break
				}
			}
		}
		if at > len(chosen)+1 {
			return rc.errT("room.err_slot_far", "k", strconv.Itoa(at), "max", strconv.Itoa(len(chosen)+1))
		}
		if at <= len(chosen) && chosen[at-1] != "" {
			return rc.errT("room.err_slot_chosen", "k", strconv.Itoa(at), "v", mpCmdText(chosen[at-1]))
		}
		// What servers voted for or decided in the slot, then what is on
		// its way to the slot, then what clients have asked for.
		for _, sv := range v.MP.Servers {
			if at <= len(sv.Log) {
				cs.add(mpCmdText(sv.Log[at-1].Cmd))
			}
		}
		prefix := "s" + strconv.Itoa(at) + ":"
		for _, m := range v.State.InFlight {
			if rest, ok := strings.CutPrefix(m.Value, prefix); ok && (m.Type == "accept" || m.Type == "commit") {
				cs.add(mpCmdText(rest))
			}
		}
		for _, c := range v.MP.Clients {
			cs.add(c.Pending)
		}
		for _, m := range v.State.InFlight {
			if m.Type == "request" {
				cs.add(m.Value)
			}
		}
		if len(cs.list) == 0 {
			return rc.errT("room.err_no_cmds", "k", strconv.Itoa(at))
		}
		cs.add(noopText) // a new leader fills a gap below its last slot with a no-op
	case v.Raft != nil:
		p.Kind = room.PollEntry
		committed := map[int32]string{}
		for _, c := range v.Raft.Committed {
			committed[c.Index] = raftEntryText(c.Term, c.Value)
		}
		if at == 0 {
			at = 1
			for committed[int32(at)] != "" {
				at++
			}
		}
		if at > v.Raft.Slots+1 {
			return rc.errT("room.err_index_far", "k", strconv.Itoa(at), "max", strconv.Itoa(v.Raft.Slots+1))
		}
		if e := committed[int32(at)]; e != "" {
			return rc.errT("room.err_index_committed", "k", strconv.Itoa(at), "v", e)
		}
		for _, sv := range v.Raft.Servers {
			if at <= len(sv.Log) {
				cs.add(raftEntryText(sv.Log[at-1].Term, sv.Log[at-1].Value))
			}
		}
		if len(cs.list) == 0 {
			return rc.errT("room.err_no_entries", "k", strconv.Itoa(at))
		}
	default:
		return rc.errT("room.err_few_values") // cannot happen: a log room has one of the two
	}
	if len(cs.list) > room.MaxChoices-1 {
		cs.list = cs.list[:room.MaxChoices-1]
	}
	p.Choices = append(cs.list, choiceOther)
	p.Slot = at
	o := outcomeOf(v)
	p.Result = o.result(p)
	return nil
}

// clip shortens an echoed argument (an error never repeats a long input).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// noteResultLocked sets the open poll's god's-eye answer from a state
// frame (under lr.mu); a change is published at the next tick.
func (lr *liveRoom) noteResultLocked(o *pollOutcome) {
	p := lr.m.Poll
	if p == nil {
		return
	}
	if p.SetResult(o.result(p)) {
		lr.changedLocked()
	}
}

// answerSlot parses an answer's "slot=K" or "index=K" (the slot or log
// index the student's page shows the poll about).
func answerSlot(w string) (int, bool) {
	k, v, ok := strings.Cut(w, "=")
	if !ok || (k != "slot" && k != "index") || len(v) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

// wrongSlot is the error for an answer about slot got to a poll about
// slot want (0: a poll about no slot).
func (rc *roomConn) wrongSlot(want, got int) error {
	if want == 0 {
		return rc.errT("room.err_no_slot", "got", strconv.Itoa(got))
	}
	return rc.errT("room.err_wrong_slot", "want", strconv.Itoa(want), "got", strconv.Itoa(got))
}
