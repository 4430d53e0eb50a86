package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// A Multi-Paxos session: the same Session, registry, limits and socket,
// with an sim.MPHistory (Session.mp) in place of the single-decree
// History. The hooks in session.go, view.go and persist.go send a
// Multi-Paxos session here; lessons play on it through lessonhost.go;
// rooms and the gallery stay single-decree.

// buildMP replays a Multi-Paxos script into a new session.
func (r *Registry) buildMP(ctx context.Context, o CreateOptions) (*Session, error) {
	lines := strings.Split(o.Src, "\n")
	var h logHistory
	rctx, cancel := context.WithTimeout(ctx, ReplayTimeLimit)
	defer cancel()
	spent := 0
	var cut *replayCut
	for i, raw := range lines {
		line := strings.TrimSpace(sim.StripComment(strings.TrimSuffix(raw, "\r")))
		if line == "" || strings.HasPrefix(line, "expect ") || line == "expect" {
			continue
		}
		if h == nil {
			var err error
			if h, err = newLogHistory(line); err != nil {
				return nil, &sim.Error{File: "script", Line: i + 1, Msg: err.Error()}
			}
			continue
		}
		if err := rctx.Err(); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				cut = &replayCut{Line: i + 1, Text: line, Events: spent, Time: true}
				break
			}
			return nil, err
		}
		if spent >= MaxSessionEvents {
			cut = &replayCut{Line: i + 1, Text: line, Events: spent}
			break
		}
		if err := mpLineBudget(line, MaxSessionEvents-spent); err != nil {
			cut = &replayCut{Line: i + 1, Text: line, Events: spent}
			break
		}
		evs, err := h.Do(line)
		if err != nil && !errors.Is(err, sim.ErrNothing) {
			return nil, &sim.Error{File: "script", Line: i + 1, Msg: err.Error()}
		}
		spent += len(evs)
	}
	if h == nil {
		return nil, &sim.Error{File: "script", Line: 1, Msg: "no cluster line"}
	}
	s := &Session{
		ID: newID(), reg: r, reqs: make(chan request, 64), done: make(chan struct{}),
		mp: h, events: spent, subs: map[*subscriber]struct{}{}, playMillis: defaultPlayMillis, stopChosen: true,
		cmdLimit: tokenBucket{rate: r.CommandRate, burst: float64(r.CommandBurst)},
	}
	s.lastActive = time.Now()
	if cut != nil {
		s.notice = cut.notice(o.Lang)
	}
	// Setup restores a stored session's id and seq (and a browser's
	// record): without it a restart lost every Multi-Paxos session; a
	// gallery session rewinds to step 0.
	if o.Setup != nil {
		if err := o.Setup(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// mpLineBudget refuses a run whose max is above the events left.
func mpLineBudget(line string, left int) error {
	words := strings.Fields(line)
	if len(words) == 0 || words[0] != "run" {
		return nil
	}
	n := sim.DefaultRunMax
	for _, w := range words[1:] {
		if v, ok := strings.CutPrefix(w, "max="); ok {
			if k, err := strconv.Atoi(v); err == nil {
				n = k
			}
		}
	}
	if n > left {
		return fmt.Errorf("run: at most %d more events in this session", left)
	}
	return nil
}

// scriptText is the session's script (either protocol).
func (s *Session) scriptText() string {
	if s.mp != nil {
		return s.mp.Script()
	}
	return s.h.Script()
}

// mpHandle performs one client line of a Multi-Paxos session.
func (s *Session) mpHandle(sub *subscriber, line string) error {
	h := s.mp
	words := strings.Fields(line)
	switch words[0] {
	case "undo":
		return s.mpMove(h.Undo)
	case "redo":
		return s.mpMove(h.Redo)
	case "goto":
		if len(words) != 2 {
			return errors.New("usage: goto STEP")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil {
			return fmt.Errorf("goto: %q is not a step", words[1])
		}
		return s.mpMove(func() error { return h.Seek(n) })
	case "branch":
		if len(words) != 2 {
			return errors.New("usage: branch ID")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil {
			return fmt.Errorf("branch: %q is not a branch id", words[1])
		}
		return s.mpMove(func() error { return h.Switch(n) })
	case "reset":
		return s.mpMove(func() error { return h.Seek(0) })
	case "play":
		return s.mpSetPlay(words[1:])
	case "pause":
		if len(words) > 1 {
			break // pause N: the script's GC pause, performed below
		}
		s.playing, s.replaying = false, false
		s.publish()
		return nil
	case "replay":
		return s.mpSetReplay(words[1:])
	case "log":
		return s.mpSendLog(sub, words[1:])
	case "lesson":
		if s.lesson != nil {
			return s.lessonVerb(words[1:])
		}
		return errors.New("lesson: this session plays no lesson")
	case "cluster":
		return errors.New("cluster lines cannot be sent to a live session")
	}
	if s.events >= MaxSessionEvents {
		lang := i18n.EN
		if sub != nil {
			lang = sub.lang
		}
		return errors.New(i18n.Format(lang, "err.session_budget", map[string]string{"max": thousands(MaxSessionEvents)}))
	}
	if err := mpLineBudget(line, MaxSessionEvents-s.events); err != nil {
		return err
	}
	return s.mpApply(line)
}

func (s *Session) mpApply(line string) error {
	s.playing, s.replaying, s.pausedBug = s.playing && !s.replaying, false, false
	evs, err := s.mp.Do(line)
	if err != nil {
		if errors.Is(err, sim.ErrNothing) {
			return errors.New("nothing to do: no message is in flight and no timer is running")
		}
		return err
	}
	s.events += len(evs)
	s.notice = ""
	s.mpLast = evs
	if len(evs) > MaxLastEvents {
		s.mpLast = evs[len(evs)-MaxLastEvents:]
	}
	s.omitted = len(evs) - len(s.mpLast)
	s.lastAct = strings.Join(strings.Fields(sim.StripComment(line)), " ")
	s.afterChange()
	s.publish()
	return nil
}

func (s *Session) mpMove(f func() error) error {
	if err := f(); err != nil {
		return err
	}
	s.mpLast, s.omitted, s.lastAct, s.pausedBug = nil, 0, "", false
	s.afterChange()
	s.publish()
	return nil
}

func (s *Session) mpSetPlay(args []string) error {
	ms, drop, dup, stop := s.playMillis, s.dropPM, s.dupPM, s.stopChosen
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("play: %q is not key=value (play [ms=N] [drop=P] [dup=P] [stop=chosen|never])", a)
		}
		switch k {
		case "ms":
			n, err := strconv.Atoi(v)
			if err != nil || n < minPlayMillis || n > maxPlayMillis {
				return fmt.Errorf("play: ms must be %d..%d", minPlayMillis, maxPlayMillis)
			}
			ms = n
		case "drop", "dup":
			n, err := sim.ParseRate(v)
			if err != nil {
				return fmt.Errorf("play: %s=%s: a rate is a number 0..1 or a percentage", k, v)
			}
			if k == "drop" {
				drop = n
			} else {
				dup = n
			}
		case "stop":
			switch v {
			case "chosen":
				stop = true
			case "never":
				stop = false
			default:
				return errors.New("play: stop must be chosen or never")
			}
		default:
			return fmt.Errorf("play: unknown key %q", k)
		}
	}
	if drop+dup > 1000 {
		return errors.New("play: drop and dup add up to more than 1")
	}
	if !s.mp.Enabled() {
		return errors.New("nothing to do: no message is in flight and no timer is running")
	}
	s.playMillis, s.dropPM, s.dupPM, s.stopChosen = ms, drop, dup, stop
	s.playing, s.replaying, s.pausedBug = true, false, false
	s.publish()
	return nil
}

// mpPlayStep takes one scheduler event while playing; it pauses when
// nothing is enabled, when an invariant breaks, or (by default) once a
// command is committed.
func (s *Session) mpPlayStep() {
	if !s.playing {
		return
	}
	if s.replaying {
		s.mpReplayStep()
		return
	}
	if MaxSessionEvents-s.events <= 0 {
		s.playing = false
		s.publish()
		return
	}
	broken, committed := s.mp.Violations(), s.mp.Committed()
	line := "run max=1"
	if s.dropPM > 0 {
		line += fmt.Sprintf(" drop=%d.%03d", s.dropPM/1000, s.dropPM%1000)
	}
	if s.dupPM > 0 {
		line += fmt.Sprintf(" dup=%d.%03d", s.dupPM/1000, s.dupPM%1000)
	}
	if err := s.mpApply(line); err != nil {
		s.playing = false
		s.publish()
		return
	}
	if s.mp.Violations() > broken || !s.mp.Enabled() || s.stopChosen && s.mp.Committed() > committed {
		s.playing = false
		s.publish()
	}
}

// MPPanelView is the Multi-Paxos part of a view.
type MPPanelView = sim.MPView

// mpBuildView renders a Multi-Paxos session's view: the generic fields
// the cluster diagram and the controls read, and the panels in mp.
func (s *Session) mpBuildView() View {
	if rh, ok := s.mp.(*sim.RaftHistory); ok {
		return s.raftBuildView(rh)
	}
	h := s.mp.(*sim.MPHistory)
	g, mv := h.View()
	v := View{
		Type: "state", Seq: s.seq, Session: s.ID, Step: h.Step(), End: h.End(), Branch: h.Tip(),
		Playing: s.playing, PlayMillis: s.playMillis, Drop: s.dropPM, Dup: s.dupPM, StopChosen: s.stopChosen,
		Enabled: h.Enabled(), Now: h.Now(), LastAct: s.lastAct, State: g, Last: []EventView{},
		Subscribers: len(s.subs), Protocol: "multipaxos", MP: &mv,
	}
	s.setGalleryView(&v)
	v.Branches = h.Branches()
	v.BranchesTotal = len(v.Branches)
	if len(v.Branches) > MaxBranchesListed {
		v.Branches = v.Branches[len(v.Branches)-MaxBranchesListed:]
	}
	v.LastOmitted = s.omitted
	for i := range s.mpLast {
		v.Last = append(v.Last, mpEventView(&s.mpLast[i]))
	}
	if s.lesson != nil {
		v.Lesson = s.lessonView()
	}
	for _, inv := range mv.Invariants {
		iv := InvariantView{Name: "mp_" + inv.Name, OK: inv.OK, Step: inv.Step}
		if !inv.OK {
			iv.Args = map[string]string{"text": inv.Text}
		}
		v.Invariants = append(v.Invariants, iv)
	}
	return v
}

func mpNotes(ns []sim.Narration) []NoteView {
	out := make([]NoteView, 0, len(ns))
	for _, n := range ns {
		args := make(map[string]string, len(n.Args))
		for k, v := range n.Args {
			if name, ok := strings.CutSuffix(k, "@"); ok {
				k, v = name, i18n.T(i18n.EN, v)
			}
			args[k] = v
		}
		out = append(out, NoteView{Key: n.Key, Args: args})
	}
	return out
}

func mpEventView(ev *sim.MPEvent) EventView {
	e := EventView{Step: ev.Step, Act: ev.Act, Kind: ev.Kind, Node: ev.Node, Msg: ev.Msg,
		Notes: mpNotes(ev.Notes), Sent: []SentView{}, Removed: ev.Removed}
	if e.Node == "" && ev.Msg != nil && ev.Kind == "deliver" {
		e.Node = ev.Msg.To
	}
	for _, sent := range ev.Sent {
		e.Sent = append(e.Sent, SentView{Msg: sent.Msg, Fate: sent.Fate})
	}
	return e
}

// mpSendLog answers "log FROM TO" for a Multi-Paxos session.
func (s *Session) mpSendLog(sub *subscriber, args []string) error {
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
	to = min(to, s.mp.End())
	from = min(from, to)
	if to-from > maxLogRange {
		return fmt.Errorf("log: at most %d steps at once", maxLogRange)
	}
	evs, err := s.mp.Events(from, to)
	if err != nil {
		return err
	}
	f := logFrame{Type: "log", Branch: s.mp.Tip(), From: from, Lines: []LogLine{}, Seq: s.seq}
	for i := range evs {
		ev := &evs[i]
		if ev.Step <= from || ev.Step > to {
			continue
		}
		l := LogLine{Step: ev.Step, Act: ev.Act, Kind: ev.Kind, Node: ev.Node, Notes: mpNotes(ev.Notes)}
		if ev.Msg != nil {
			l.ID, l.From, l.Msg = ev.Msg.ID, ev.Msg.From, ev.Msg.Text
			if l.Node == "" {
				l.Node = ev.Msg.To
				if ev.Kind != "deliver" {
					l.Node = ev.Msg.From
				}
			}
		}
		for _, sent := range ev.Sent {
			l.Sent = append(l.Sent, []any{sent.Msg.ID, sent.Msg.From, sent.Msg.To, sent.Fate})
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
