package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paxviz/paxviz/engine/sim"
)

// Errors of the session registry.
var (
	ErrTooManySessions = errors.New("web: too many live sessions; try again later")
	ErrNoSession       = errors.New("web: no such session (it may have expired)")
	ErrSessionClosed   = errors.New("web: session closed")
)

// Speeds are the play speeds a client may ask for, in milliseconds per
// event.
const (
	minPlayMillis     = 25
	maxPlayMillis     = 5000
	defaultPlayMillis = 700
	maxLogRange       = 1000
)

// subscriber is one websocket client of a session. The session goroutine
// writes frames to ch; a client too slow to keep up is closed, never
// allowed to stall the others.
type subscriber struct {
	ch        chan []byte
	closeSlow func()
	// writing is when the current write to the socket began (unix ns),
	// 0 when none is under way.
	writing atomic.Int64
}

// sendError queues an error frame for this client only; when its buffer
// is full the frame is dropped (the client is already behind).
func (sub *subscriber) sendError(cmd, msg string) {
	b, _ := json.Marshal(errorFrame{Type: "error", Message: msg, Cmd: cmd})
	select {
	case sub.ch <- b:
	default:
	}
}

// request is one thing asked of a session's goroutine.
type request struct {
	sub   *subscriber // who asked (nil from HTTP handlers)
	line  string      // a script line or a session verb
	reply chan result // optional: for HTTP handlers
	fn    func(*Session)
}

type result struct {
	err error
}

// Session is one live simulation: one goroutine owns its history; commands
// arrive on a channel; every new state is rendered once and written to
// every subscriber.
type Session struct {
	ID string

	reg    *Registry
	reqs   chan request
	done   chan struct{}
	cancel context.CancelFunc

	// Owned by the session goroutine.
	h          *sim.History
	subs       map[*subscriber]struct{}
	seq        uint64
	last       []sim.Event // events of the last forward action
	lastAct    string
	playing    bool
	playMillis int
	dropPM     int
	dupPM      int
	stopChosen bool
	lastActive time.Time
	lesson     *lessonRun
	gallery    *galleryRun
	replaying  bool // playing forward along the recorded branch
	pausedBug  bool // replay paused where a bug acts

	// The latest view, for HTTP handlers (the initial page).
	mu   sync.Mutex
	view []byte
}

// Registry holds the live sessions, caps their number and expires idle
// ones.
type Registry struct {
	MaxSessions int
	IdleTimeout time.Duration

	mu       sync.Mutex
	sessions map[string]*Session
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	log      *slog.Logger
}

// NewRegistry returns an empty registry; Close stops every session.
func NewRegistry(maxSessions int, idle time.Duration) *Registry {
	ctx, cancel := context.WithCancel(context.Background())
	return &Registry{MaxSessions: maxSessions, IdleTimeout: idle, sessions: map[string]*Session{}, ctx: ctx, cancel: cancel,
		log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// Close stops every session and waits for their goroutines.
func (r *Registry) Close() {
	r.cancel()
	r.wg.Wait()
}

// Len returns the number of live sessions.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

// Get returns a live session.
func (r *Registry) Get(id string) (*Session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sessions[id]
	if !ok {
		return nil, ErrNoSession
	}
	return s, nil
}

func newID() string {
	var b [9]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on Linux
	}
	return hex.EncodeToString(b[:])
}

// Create starts a session for the script: its cluster line, then its
// actions replayed in order (expectations are checked and reported as an
// error). A bad script returns an error naming the line.
func (r *Registry) Create(src string, setup func(*Session) error) (*Session, error) {
	sc, err := sim.Parse("script", src)
	if err != nil {
		return nil, err
	}
	if sc.Protocol != "" {
		return nil, &sim.Error{File: "script", Line: sc.ClusterLine, Msg: "cluster: the sandbox cannot run a " + sc.Protocol + " cluster yet (paxviz run can)"}
	}
	h := sim.NewHistory(sc.Cluster)
	for _, st := range sc.Stmts {
		if st.Action == nil {
			continue
		}
		if _, err := h.Do(st.Action, nil); err != nil && !errors.Is(err, sim.ErrNothing) {
			return nil, &sim.Error{File: "script", Line: st.Line, Msg: err.Error()}
		}
	}
	s := &Session{
		ID: newID(), reg: r, reqs: make(chan request, 64), done: make(chan struct{}),
		h: h, subs: map[*subscriber]struct{}{}, playMillis: defaultPlayMillis, stopChosen: true, lastActive: time.Now(),
	}
	if setup != nil {
		if err := setup(s); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	if r.ctx.Err() != nil {
		r.mu.Unlock()
		return nil, ErrSessionClosed
	}
	if len(r.sessions) >= r.MaxSessions {
		r.mu.Unlock()
		return nil, ErrTooManySessions
	}
	r.sessions[s.ID] = s
	r.wg.Add(1)
	r.mu.Unlock()
	s.publish()
	ctx, cancel := context.WithCancel(r.ctx)
	s.cancel = cancel
	go s.loop(ctx)
	return s, nil
}

func (r *Registry) remove(s *Session) {
	r.mu.Lock()
	delete(r.sessions, s.ID)
	r.mu.Unlock()
}

// Close ends the session: its subscribers are disconnected and it leaves
// the registry.
func (s *Session) Close() {
	s.cancel()
	<-s.done
}

// View returns the latest rendered view (JSON).
func (s *Session) View() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view
}

// Script returns the current branch up to the current step as a script
// (computed when asked: it walks the whole branch).
func (s *Session) Script(ctx context.Context) (string, error) {
	var script string
	err := s.call(ctx, func(s *Session) { script = s.h.Script() })
	return script, err
}

// call runs fn on the session goroutine and waits.
func (s *Session) call(ctx context.Context, fn func(*Session)) error {
	reply := make(chan result, 1)
	select {
	case s.reqs <- request{fn: fn, reply: reply}:
	case <-s.done:
		return ErrSessionClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-reply:
		return nil
	case <-s.done:
		return ErrSessionClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// subscribe registers sub; the current view is sent to it at once.
func (s *Session) subscribe(ctx context.Context, sub *subscriber) error {
	return s.call(ctx, func(s *Session) {
		s.subs[sub] = struct{}{}
		if v := s.View(); v != nil {
			select {
			case sub.ch <- v:
			default:
			}
		}
	})
}

func (s *Session) unsubscribe(sub *subscriber) {
	select {
	case s.reqs <- request{fn: func(s *Session) { delete(s.subs, sub) }}:
	case <-s.done:
	}
}

// send queues a client's line without waiting.
func (s *Session) send(ctx context.Context, sub *subscriber, line string) error {
	select {
	case s.reqs <- request{sub: sub, line: line}:
		return nil
	case <-s.done:
		return ErrSessionClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Session) loop(ctx context.Context) {
	defer s.reg.wg.Done()
	defer close(s.done)
	defer s.reg.remove(s)
	idle := time.NewTicker(max(s.reg.IdleTimeout/4, 10*time.Millisecond))
	defer idle.Stop()
	watchdog := time.NewTicker(writeTimeout / 2)
	defer watchdog.Stop()
	var play *time.Ticker
	var playC <-chan time.Time
	setPlay := func() {
		if play != nil {
			play.Stop()
			play, playC = nil, nil
		}
		if s.playing {
			play = time.NewTicker(time.Duration(s.playMillis) * time.Millisecond)
			playC = play.C
		}
	}
	for {
		wasPlaying, speed := s.playing, s.playMillis
		select {
		case <-ctx.Done():
			s.closeSubs()
			return
		case req := <-s.reqs:
			s.lastActive = time.Now()
			err := s.safely(req)
			if req.reply != nil {
				req.reply <- result{err: err}
			}
			if err != nil && req.sub != nil {
				req.sub.sendError(req.line, err.Error())
			}
		case <-playC:
			s.lastActive = time.Now()
			s.playStep()
		case now := <-watchdog.C:
			for sub := range s.subs {
				if w := sub.writing.Load(); w != 0 && now.UnixNano()-w > int64(writeTimeout) {
					delete(s.subs, sub)
					sub.closeSlow()
				}
			}
		case now := <-idle.C:
			if len(s.subs) == 0 && now.Sub(s.lastActive) > s.reg.IdleTimeout {
				return
			}
		}
		if s.playing != wasPlaying || s.playMillis != speed {
			setPlay()
		}
	}
}

// safely runs one request; a panic (a bug) becomes an error for that
// request instead of taking the server down.
func (s *Session) safely(req request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
			s.reg.log.Error("session panic", "session", s.ID, "line", req.line, "panic", p)
		}
	}()
	if req.fn != nil {
		req.fn(s)
		return nil
	}
	return s.handle(req.sub, req.line)
}

func (s *Session) closeSubs() {
	for sub := range s.subs {
		sub.closeSlow()
	}
}

// errorFrame is the JSON sent to one client when its command fails.
type errorFrame struct {
	Type    string `json:"type"`
	Message string `json:"message"`
	Cmd     string `json:"cmd"`
}

// handle performs one client line: a session verb or a script command.
// On error the state is unchanged.
func (s *Session) handle(sub *subscriber, line string) error {
	line = strings.TrimSpace(line)
	if line == "" {
		return errors.New("empty command")
	}
	if len(line) > maxLineBytes {
		return fmt.Errorf("command longer than %d bytes", maxLineBytes)
	}
	words := strings.Fields(line)
	switch words[0] {
	case "undo":
		return s.move(s.h.Undo)
	case "redo":
		return s.move(s.h.Redo)
	case "goto":
		if len(words) != 2 {
			return errors.New("usage: goto STEP")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil {
			return fmt.Errorf("goto: %q is not a step", words[1])
		}
		return s.move(func() error { return s.h.Seek(n) })
	case "branch":
		if len(words) != 2 {
			return errors.New("usage: branch ID")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil {
			return fmt.Errorf("branch: %q is not a branch id", words[1])
		}
		return s.move(func() error { return s.h.Switch(n) })
	case "reset":
		return s.move(func() error { return s.h.Seek(0) })
	case "play":
		return s.setPlay(words[1:])
	case "pause":
		s.playing, s.replaying = false, false
		s.publish()
		return nil
	case "replay":
		return s.setReplay(words[1:])
	case "log":
		return s.sendLog(sub, words[1:])
	case "lesson":
		return s.lessonVerb(words[1:])
	case "expect", "cluster":
		return fmt.Errorf("%s lines cannot be sent to a live session", words[0])
	}
	st, err := sim.ParseCommand(s.h.Config(), line)
	if err != nil {
		return err
	}
	return s.apply(st.Action)
}

// apply performs a and publishes the new state with its events.
func (s *Session) apply(a *sim.Action) error {
	if s.replaying {
		s.playing, s.replaying = false, false
	}
	s.pausedBug = false
	var evs []sim.Event
	_, err := s.h.Do(a, func(ev *sim.Event) { evs = append(evs, *ev) })
	if err != nil {
		if errors.Is(err, sim.ErrNothing) {
			return errors.New("nothing to do: no message is in flight and no timer is running")
		}
		return err
	}
	s.last = evs
	s.lastAct = a.Format(s.h.Config())
	s.afterChange()
	s.publish()
	return nil
}

func (s *Session) move(f func() error) error {
	if err := f(); err != nil {
		return err
	}
	s.last, s.lastAct = nil, ""
	s.pausedBug = false
	s.afterChange()
	s.publish()
	return nil
}

func (s *Session) setPlay(args []string) error {
	ms, drop, dup := s.playMillis, s.dropPM, s.dupPM
	stop := s.stopChosen
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
			st, err := sim.ParseCommand(s.h.Config(), "run "+k+"="+v)
			if err != nil {
				return fmt.Errorf("play: %s=%s: a rate is a number 0..1 or a percentage", k, v)
			}
			if k == "drop" {
				drop = st.Action.DropPerMille
			} else {
				dup = st.Action.DupPerMille
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
	if !s.h.State().Enabled() {
		return errors.New("nothing to do: no message is in flight and no timer is running")
	}
	s.playMillis, s.dropPM, s.dupPM, s.stopChosen = ms, drop, dup, stop
	s.playing, s.replaying, s.pausedBug = true, false, false
	s.publish()
	return nil
}

// setReplay plays the recorded branch forward from the current step, one
// event per tick (pausing where a bug acts, in a gallery session).
func (s *Session) setReplay(args []string) error {
	ms := s.playMillis
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		n, err := strconv.Atoi(v)
		if !ok || k != "ms" || err != nil || n < minPlayMillis || n > maxPlayMillis {
			return fmt.Errorf("usage: replay [ms=%d..%d]", minPlayMillis, maxPlayMillis)
		}
		ms = n
	}
	if s.h.Step() >= s.h.End() {
		return errors.New("replay: this is the end of the branch; go back first")
	}
	s.playMillis, s.playing, s.replaying, s.pausedBug = ms, true, true, false
	s.publish()
	return nil
}

// replayStep moves one event forward along the branch, with its events for
// the animation.
func (s *Session) replayStep() {
	from := s.h.Step()
	evs, err := s.h.Events(from, from+1)
	if err != nil || s.h.Redo() != nil {
		s.playing, s.replaying = false, false
		s.publish()
		return
	}
	s.last = evs
	s.lastAct = ""
	if len(evs) == 1 {
		s.lastAct = evs[0].Act.Format(s.h.Config())
	}
	s.pausedBug = false
	if s.gallery != nil && slices.Contains(s.gallery.pause, s.h.Step()) {
		s.playing, s.replaying, s.pausedBug = false, false, true
	}
	if s.h.Step() >= s.h.End() {
		s.playing, s.replaying = false, false
	}
	s.afterChange()
	s.publish()
}

// playStep takes one scheduler event while playing; it pauses when nothing
// is enabled, when an invariant breaks, or (by default) once a value is
// chosen.
func (s *Session) playStep() {
	if !s.playing {
		return
	}
	if s.replaying {
		s.replayStep()
		return
	}
	chosenBefore := len(s.h.State().ChosenValues())
	brokenBefore := len(s.h.State().Violations())
	a := &sim.Action{Kind: sim.ActRun, N: 1, DropPerMille: s.dropPM, DupPerMille: s.dupPM}
	if err := s.apply(a); err != nil {
		s.playing = false
		s.publish()
		return
	}
	st := s.h.State()
	if len(st.Violations()) > brokenBefore || !st.Enabled() || (s.stopChosen && len(st.ChosenValues()) > chosenBefore) {
		s.playing = false
		s.publish()
	}
}

// publish renders the current state once and writes it to every
// subscriber; a subscriber whose buffer is full is dropped.
func (s *Session) publish() {
	s.seq++
	b, err := json.Marshal(s.buildView())
	if err != nil {
		b, _ = json.Marshal(errorFrame{Type: "error", Message: "internal: " + err.Error()})
	}
	s.mu.Lock()
	s.view = b
	s.mu.Unlock()
	for sub := range s.subs {
		select {
		case sub.ch <- b:
		default:
			delete(s.subs, sub)
			sub.closeSlow()
		}
	}
}

// maxLineBytes bounds one command.
const maxLineBytes = 1024
