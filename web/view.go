package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/paxviz/paxviz/engine/sim"
)

// NoteView is one note, translated by the browser from its key and args.
type NoteView struct {
	Key  string            `json:"key"`
	Args map[string]string `json:"args"`
}

// SentView is one message an event sent, with what became of it.
type SentView struct {
	Msg  sim.MessageJSON `json:"msg"`
	Fate string          `json:"fate"`
}

// EventView is one event of the last action, for animation and the live
// region.
type EventView struct {
	Step    int               `json:"step"`
	Act     string            `json:"act"`
	Kind    string            `json:"kind"`
	Node    string            `json:"node,omitempty"`
	Msg     *sim.MessageJSON  `json:"msg,omitempty"`
	Notes   []NoteView        `json:"notes"`
	Sent    []SentView        `json:"sent"`
	Removed []sim.MessageJSON `json:"removed"`
}

// View is the JSON a session sends to its subscribers for every new state:
// everything the page draws; the browser never re-derives protocol state.
type View struct {
	Type     string       `json:"type"`
	Seq      uint64       `json:"seq"`
	Session  string       `json:"session"`
	Step     int          `json:"step"`
	End      int          `json:"end"`
	Branch   int          `json:"branch"`
	Branches []sim.Branch `json:"branches"`
	// BranchesTotal counts every branch; Branches lists at most
	// MaxBranchesListed (the current one and the newest).
	BranchesTotal int             `json:"branches_total"`
	Playing       bool            `json:"playing"`
	PlayMillis    int             `json:"play_ms"`
	Drop          int             `json:"drop_pm"`
	Dup           int             `json:"dup_pm"`
	StopChosen    bool            `json:"stop_chosen"`
	Enabled       bool            `json:"enabled"`
	Now           int             `json:"now"`
	LastAct       string          `json:"last_act"`
	Last          []EventView     `json:"last"`
	LastOmitted   int             `json:"last_omitted"`
	State         sim.StateJSON   `json:"state"`
	Invariants    []InvariantView `json:"invariants"`
	Subscribers   int             `json:"subscribers"`
	Lesson        *LessonView     `json:"lesson,omitempty"`
	Gallery       *GalleryView    `json:"gallery,omitempty"`
	Replaying     bool            `json:"replaying"`
	PausedBug     bool            `json:"paused_bug"`
	// Protocol is "multipaxos" for a Multi-Paxos session (mpview.go), whose
	// panels are in MP, "raft" for a Raft one (raftview.go, panels in
	// Raft); "" for single-decree Paxos.
	Protocol string         `json:"protocol,omitempty"`
	MP       *MPPanelView   `json:"mp,omitempty"`
	Raft     *RaftPanelView `json:"raft,omitempty"`
}

// InvariantView is one invariant's status.
type InvariantView struct {
	Name string            `json:"name"`
	OK   bool              `json:"ok"`
	Step int               `json:"step,omitempty"`
	Args map[string]string `json:"args,omitempty"`
}

func (s *Session) buildView() View {
	if s.mp != nil {
		return s.mpBuildView()
	}
	st := s.h.State()
	v := View{
		Type: "state", Seq: s.seq, Session: s.ID, Step: s.h.Step(), End: s.h.End(),
		Playing: s.playing, PlayMillis: s.playMillis, Drop: s.dropPM, Dup: s.dupPM, StopChosen: s.stopChosen,
		Enabled: st.Enabled(), Now: st.Now(), LastAct: s.lastAct,
		State: st.State(), Last: []EventView{}, Subscribers: len(s.subs), Branches: []sim.Branch{},
	}
	v.Branch = s.h.Tip()
	v.Branches, v.BranchesTotal = s.branchList()
	// Only the last MaxLastEvents events of a long command: a run of a
	// thousand events would otherwise make a frame of megabytes for every
	// subscriber. The browser fetches the rest with "log" when it shows
	// them.
	// (Session.setLast keeps only those.)
	v.LastOmitted = s.omitted
	for i := range s.last {
		v.Last = append(v.Last, eventView(st, &s.last[i]))
	}
	for _, name := range sim.Invariants {
		iv := InvariantView{Name: name, OK: true}
		for i, viol := range st.Violations() {
			if viol.Invariant == name {
				iv.OK, iv.Step, iv.Args = false, viol.Step, sim.ViolationArgs(st.Config(), &st.Violations()[i])
			}
		}
		v.Invariants = append(v.Invariants, iv)
	}
	if s.lesson != nil {
		v.Lesson = s.lessonView()
	}
	if s.gallery != nil {
		v.Gallery = s.galleryView()
	}
	v.Replaying, v.PausedBug = s.replaying, s.pausedBug
	return v
}

// branchList returns the branches a frame lists and how many there are,
// recomputed only when the history's tree or its current branch changed.
func (s *Session) branchList() ([]sim.Branch, int) {
	key := branchKey{h: s.h, tip: s.h.Tip(), events: s.events}
	if s.branches.key == key && s.branches.list != nil {
		return s.branches.list, s.branches.total
	}
	all := s.h.Branches()
	list := all
	if len(all) > MaxBranchesListed {
		// The newest others (branches list in creation order), and the
		// current one where it falls among them.
		list = make([]sim.Branch, 0, MaxBranchesListed)
		cur := slices.IndexFunc(all, func(b sim.Branch) bool { return b.Current })
		from := len(all) - MaxBranchesListed
		if cur >= 0 && cur < from {
			from++
			list = append(list, all[cur])
		}
		list = append(list, all[from:]...)
	}
	if list == nil {
		list = []sim.Branch{}
	}
	s.branches = branchCache{key: key, list: list, total: len(all)}
	return list, len(all)
}

// branchKey says which tree a branch list was computed for: every action
// recorded adds events, and only Switch changes the tip.
type branchKey struct {
	h      *sim.History
	tip    int
	events int
}

type branchCache struct {
	key   branchKey
	list  []sim.Branch
	total int
}

func eventView(st *sim.Sim, ev *sim.Event) EventView {
	c := st.Config()
	e := EventView{Step: ev.Step, Act: ev.Act.Format(c), Kind: ev.Act.Kind.String(), Notes: []NoteView{}, Sent: []SentView{}, Removed: []sim.MessageJSON{}}
	e.Node = st.EventNode(ev)
	if ev.Msg.ID > 0 {
		m := st.MessageState(&ev.Msg)
		e.Msg = &m
	}
	for i := range ev.Notes {
		n := &ev.Notes[i]
		nv := NoteView{Key: sim.NoteKey(n), Args: sim.NoteArgs(c, n)}
		if inv := sim.ViolationNote(n); inv != "" {
			for j, viol := range st.Violations() {
				if viol.Invariant == inv {
					nv = NoteView{Key: "viol." + viol.Invariant, Args: sim.ViolationArgs(c, &st.Violations()[j])}
				}
			}
		}
		e.Notes = append(e.Notes, nv)
	}
	for i := range ev.Sent {
		e.Sent = append(e.Sent, SentView{Msg: st.MessageState(&ev.Sent[i].Msg), Fate: ev.Sent[i].Fate.String()})
	}
	for i := range ev.Removed {
		e.Removed = append(e.Removed, st.MessageState(&ev.Removed[i]))
	}
	return e
}

// LogLine is one event of the event log and the space-time diagram, in
// compact form.
type LogLine struct {
	Step  int        `json:"s"`
	Act   string     `json:"a"`
	Kind  string     `json:"k"`
	Msg   string     `json:"m,omitempty"` // the message delivered/dropped/duplicated
	ID    int        `json:"id,omitempty"`
	From  string     `json:"f,omitempty"`
	Node  string     `json:"n,omitempty"` // where the event happened
	Sent  [][]any    `json:"sent,omitempty"`
	Notes []NoteView `json:"notes,omitempty"`
}

// logFrame answers a client's "log FROM TO".
type logFrame struct {
	Type   string    `json:"type"`
	Branch int       `json:"branch"`
	From   int       `json:"from"`
	Lines  []LogLine `json:"lines"`
	Seq    uint64    `json:"seq"`
}

func (s *Session) sendLog(sub *subscriber, args []string) error {
	if sub == nil {
		return errors.New("log: no client")
	}
	if len(args) != 2 {
		return errors.New("usage: log FROM TO")
	}
	from, err1 := strconv.Atoi(args[0])
	to, err2 := strconv.Atoi(args[1])
	if err1 != nil || err2 != nil || from < 0 || to < from {
		return errors.New("log: FROM and TO must be steps, FROM <= TO")
	}
	to = min(to, s.h.End())
	from = min(from, to)
	if to-from > maxLogRange {
		return fmt.Errorf("log: at most %d steps at once", maxLogRange)
	}
	evs, err := s.h.Events(from, to)
	if err != nil {
		return err
	}
	st := s.h.State()
	c := st.Config()
	f := logFrame{Type: "log", Branch: s.h.Tip(), From: from, Lines: []LogLine{}, Seq: s.seq}
	for i := range evs {
		ev := &evs[i]
		l := LogLine{Step: ev.Step, Act: ev.Act.Format(c), Kind: ev.Act.Kind.String(), Node: st.EventNode(ev)}
		if ev.Msg.ID > 0 {
			l.ID, l.From, l.Msg = ev.Msg.ID, c.Name(ev.Msg.From), st.MessageState(&ev.Msg).Text
			if l.Node == "" {
				l.Node = l.From // a drop or dup: drawn at the sender
			}
		}
		for _, sent := range ev.Sent {
			l.Sent = append(l.Sent, []any{sent.Msg.ID, c.Name(sent.Msg.From), c.Name(sent.Msg.To), sent.Fate.String()})
		}
		for j := range ev.Notes {
			n := &ev.Notes[j]
			if sim.ViolationNote(n) != "" {
				continue
			}
			l.Notes = append(l.Notes, NoteView{Key: sim.NoteKey(n), Args: sim.NoteArgs(c, n)})
		}
		f.Lines = append(f.Lines, l)
	}
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if !sub.offer(b) {
		sub.closeSlow()
	}
	return nil
}
