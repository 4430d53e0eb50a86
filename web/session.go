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
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
)

// Errors of the session registry.
var (
	ErrTooManySessions = errors.New("web: too many live sessions; try again later")
	ErrNoSession       = errors.New("web: no such session (it may have expired)")
	ErrSessionClosed   = errors.New("web: session closed")
	ErrShuttingDown    = errors.New("web: the server is shutting down; try again in a moment")
	ErrAddrLimit       = errors.New("web: too many sessions from one address; wait a minute")
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
	ch chan []byte
	// close ends the connection with a close code and reason (once; later
	// calls do nothing); closeSlow is close for a client that fell behind.
	close     func(code websocket.StatusCode, reason string)
	closeSlow func()
	lang      i18n.Lang // for the errors this client is sent
	// queued is the bytes waiting in ch: past maxQueuedBytes the client is
	// too slow and is dropped, so that it cannot pin memory.
	queued atomic.Int64
}

// offer queues b for the client without waiting; false when the client is
// too far behind (its buffer or its byte budget is full).
func (sub *subscriber) offer(b []byte) bool {
	if sub.queued.Add(int64(len(b))) > maxQueuedBytes {
		sub.queued.Add(-int64(len(b)))
		return false
	}
	select {
	case sub.ch <- b:
		return true
	default:
		sub.queued.Add(-int64(len(b)))
		return false
	}
}

// sendError queues an error frame for this client only; when its buffer
// is full the frame is dropped (the client is already behind).
func (sub *subscriber) sendError(cmd, msg string) {
	b, _ := json.Marshal(errorFrame{Type: "error", Message: msg, Cmd: cmd})
	sub.offer(b)
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

	addr       string          // the address that created it ("": none)
	lessonFile *lessons.Lesson // the lesson it plays (nil: none); set before it starts
	reg        *Registry
	reqs       chan request
	done       chan struct{}
	cancel     context.CancelFunc

	// Owned by the session goroutine.
	h          *sim.History
	mp         logHistory // a Multi-Paxos or Raft session (h nil): mpview.go, raftview.go
	mpLast     []sim.MPEvent
	events     int    // events recorded in h, against MaxSessionEvents (redoing a recorded action counts again: conservative)
	notice     string // what was cut from the script it was opened from
	subs       map[*subscriber]struct{}
	seq        uint64
	last       []sim.Event       // events of the last forward action (its last MaxLastEvents)
	omitted    int               // earlier events of that action not kept
	lastNodes  [][]sim.NodeState // for each of last, the node states it changed (eventstate.go)
	lastBefore []sim.NodeState   // the node states before last[0]
	lastAct    string
	playing    bool
	playMillis int
	dropPM     int
	dupPM      int
	stopChosen bool
	lastActive time.Time
	watched    bool // it has had a subscriber
	cmdLimit   tokenBucket
	branches   branchCache
	lesson     *lessonRun
	gallery    *galleryRun
	replaying  bool // playing forward along the recorded branch
	pausedBug  bool // replay paused where a bug acts

	// The latest view, for HTTP handlers (the initial page).
	mu   sync.Mutex
	view []byte
}

// Registry holds the live sessions, caps their number (in all and per
// client address) and expires idle ones.
type Registry struct {
	MaxSessions int
	IdleTimeout time.Duration
	// UnwatchedTimeout expires a session that never had a subscriber (a
	// link scanner's GET, an <img> pointing at a permalink) much sooner.
	UnwatchedTimeout time.Duration
	// One address may create CreateBurst sessions at once, then
	// CreatePerMinute a minute, and hold MaxPerAddr live ones.
	CreatePerMinute float64
	CreateBurst     int
	MaxPerAddr      int
	// CommandRate and CommandBurst limit the commands of one session, from
	// all its sockets together.
	CommandRate  float64
	CommandBurst int

	mu       sync.Mutex
	sessions map[string]*Session
	pending  int // sessions being built (counted against MaxSessions)
	addrs    map[string]*addrState
	now      func() time.Time // the clock of the per-address limits (tests)
	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	log      *slog.Logger
}

// addrState is what the registry knows of one client address.
type addrState struct {
	live   int // sessions it holds (being built included)
	bucket tokenBucket
}

// NewRegistry returns an empty registry with the default per-address
// limits; Close stops every session.
func NewRegistry(maxSessions int, idle time.Duration) *Registry {
	ctx, cancel := context.WithCancel(context.Background())
	return &Registry{MaxSessions: maxSessions, IdleTimeout: idle, UnwatchedTimeout: DefaultUnwatchedTimeout,
		CreatePerMinute: DefaultCreatePerMinute, CreateBurst: DefaultCreateBurst, MaxPerAddr: DefaultMaxSessionsPerAddr,
		CommandRate: DefaultSessionCommandRate, CommandBurst: DefaultSessionCommandBurst,
		sessions: map[string]*Session{}, addrs: map[string]*addrState{}, now: time.Now, ctx: ctx, cancel: cancel,
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

// CreateOptions say what a new session replays and for whom.
type CreateOptions struct {
	// Src is the script: its cluster line, then actions replayed in order
	// (expect lines are not checked here).
	Src string
	// Setup, when set, runs after the replay and before the session starts
	// (a lesson enters its step, a gallery session rewinds).
	Setup func(*Session) error
	// Lang is the creator's language, for the notice of a cut script.
	Lang i18n.Lang
	// Addr is the creator's address, for the per-address limits ("": none,
	// for sessions the server makes itself).
	Addr string
}

// Create starts a session for a script. The cap on sessions is checked
// before any work; the replay is bounded by the event budget
// (MaxSessionEvents), by ReplayTimeLimit and by ctx (the request). A script
// longer than the budget opens where it was cut, and its first viewers are
// told what was cut. A bad script returns an error naming the line.
func (r *Registry) Create(ctx context.Context, o CreateOptions) (*Session, error) {
	if err := r.reserve(o.Addr); err != nil {
		return nil, err
	}
	s, err := r.build(ctx, o)
	r.mu.Lock()
	r.pending--
	if err == nil && r.ctx.Err() != nil {
		err = ErrShuttingDown
	}
	if err != nil {
		r.release(o.Addr)
		r.mu.Unlock()
		return nil, err
	}
	s.addr = o.Addr
	r.sessions[s.ID] = s
	r.wg.Add(1)
	r.mu.Unlock()
	s.publish()
	sctx, cancel := context.WithCancel(r.ctx)
	s.cancel = cancel
	go s.loop(sctx)
	return s, nil
}

// maxAddrs bounds the addresses the registry remembers: past it, those
// holding no session and with a full bucket are forgotten.
const maxAddrs = 4096

// reserve takes a place for a session about to be built, or says why
// there is none: the server is shutting down, every session is taken, or
// the address has created or holds too many.
func (r *Registry) reserve(addr string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ctx.Err() != nil {
		return ErrShuttingDown
	}
	if len(r.sessions)+r.pending >= r.MaxSessions {
		return ErrTooManySessions
	}
	if addr != "" {
		a := r.addrs[addr]
		if a == nil {
			if len(r.addrs) >= maxAddrs {
				r.forget()
			}
			a = &addrState{bucket: tokenBucket{rate: r.CreatePerMinute / 60, burst: float64(r.CreateBurst)}}
			r.addrs[addr] = a
		}
		if a.live >= r.MaxPerAddr || !a.bucket.allow(r.now()) {
			return ErrAddrLimit
		}
		a.live++
	}
	r.pending++
	return nil
}

// release gives back an address's place (r.mu held).
func (r *Registry) release(addr string) {
	if a := r.addrs[addr]; a != nil {
		a.live--
	}
}

// forget drops the addresses that hold no session and whose bucket has
// refilled (r.mu held).
func (r *Registry) forget() {
	now := r.now()
	for k, a := range r.addrs {
		if a.live == 0 && a.bucket.full(now) {
			delete(r.addrs, k)
		}
	}
}

// build parses and replays o.Src within the budgets and runs o.Setup.
func (r *Registry) build(ctx context.Context, o CreateOptions) (*Session, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sc, err := sim.Parse("script", o.Src)
	if err != nil {
		return nil, withScript(sc, err)
	}
	if sc.Protocol == "multipaxos" || sc.Protocol == "raft" {
		s, err := r.buildMP(ctx, o)
		return s, withScript(sc, err)
	}
	if sc.Protocol != "" {
		return nil, &sim.Error{File: "script", Line: sc.ClusterLine, Msg: "cluster: the sandbox cannot run a " + sc.Protocol + " cluster yet (paxviz run can)"}
	}
	var items []replayItem
	for _, st := range sc.Stmts {
		if st.Action != nil {
			items = append(items, replayItem{line: st.Line, text: st.Text, act: st.Action})
		}
	}
	rctx, cancel := context.WithTimeout(ctx, ReplayTimeLimit)
	defer cancel()
	h := sim.NewHistory(sc.Cluster)
	spent, cut, err := replay(rctx, h, items, MaxSessionEvents)
	if err != nil {
		return nil, withScript(sc, err)
	}
	s := &Session{
		ID: newID(), reg: r, reqs: make(chan request, 64), done: make(chan struct{}),
		h: h, events: spent, subs: map[*subscriber]struct{}{}, playMillis: defaultPlayMillis, stopChosen: true, lastActive: time.Now(),
		cmdLimit: tokenBucket{rate: r.CommandRate, burst: float64(r.CommandBurst)},
	}
	if cut != nil {
		s.notice = cut.notice(o.Lang)
	}
	if o.Setup != nil {
		if err := o.Setup(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (r *Registry) remove(s *Session) {
	r.mu.Lock()
	delete(r.sessions, s.ID)
	r.release(s.addr)
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
	err := s.call(ctx, func(s *Session) { script = s.scriptText() })
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
		s.watched = true
		if v := s.View(); v != nil {
			sub.offer(v)
		}
		if s.notice != "" {
			sub.sendError("", s.notice)
		}
	})
}

func (s *Session) unsubscribe(sub *subscriber) {
	select {
	case s.reqs <- request{fn: func(s *Session) {
		delete(s.subs, sub)
		if len(s.subs) == 0 && s.playing {
			// Nobody is watching: pause rather than spend a core and
			// fill the history until the session expires.
			s.playing, s.replaying = false, false
			s.publish()
		}
	}}:
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
	created := time.Now()
	idle := time.NewTicker(max(min(s.reg.IdleTimeout, s.reg.UnwatchedTimeout)/4, 10*time.Millisecond))
	defer idle.Stop()
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
			if req.sub != nil && req.fn == nil && !s.cmdLimit.allow(s.lastActive) {
				req.sub.sendError(req.line, i18n.T(req.sub.lang, "err.commands_session"))
				continue
			}
			err := s.safely(req)
			if req.reply != nil {
				req.reply <- result{err: err}
			}
			if err != nil && req.sub != nil {
				req.sub.sendError(req.line, errorTextFor(req.sub.lang, s.namesServers(), err))
			}
		case <-playC:
			s.guard("play", s.playStep) // not activity: only a client's request is
		case now := <-idle.C:
			if len(s.subs) == 0 && now.Sub(s.lastActive) > s.reg.IdleTimeout {
				return
			}
			if !s.watched && now.Sub(created) > s.reg.UnwatchedTimeout {
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

// closeSubs tells every subscriber the session is going away (1001): the
// server is shutting down or the session was closed.
// guard runs f on the session goroutine outside a request (a play tick);
// a panic (a bug) stops playing and is logged instead of taking the server
// down.
func (s *Session) guard(what string, f func()) {
	defer func() {
		if p := recover(); p != nil {
			s.playing, s.replaying = false, false
			s.reg.log.Error("session panic", "session", s.ID, "in", what, "panic", p, "stack", string(debug.Stack()))
		}
	}()
	f()
}

func (s *Session) closeSubs() {
	for sub := range s.subs {
		sub.close(websocket.StatusGoingAway, "server shutting down")
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
	if s.mp != nil {
		return s.mpHandle(sub, line)
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
	lang := i18n.EN
	if sub != nil {
		lang = sub.lang
	}
	a, err := s.commandBudget(st.Action, lang)
	if err != nil {
		return err
	}
	return s.apply(a)
}

// apply performs a and publishes the new state with its events.
func (s *Session) apply(a *sim.Action) error {
	if s.replaying {
		s.playing, s.replaying = false, false
	}
	s.pausedBug = false
	from := s.h.Step()
	var evs []sim.Event
	n, err := s.h.Do(a, func(ev *sim.Event) { evs = append(evs, *ev) })
	if err != nil {
		if errors.Is(err, sim.ErrNothing) {
			return errors.New("nothing to do: no message is in flight and no timer is running")
		}
		return err
	}
	s.events += n
	s.notice = ""
	if len(evs) > 1 {
		// A sequence: its events again, each with the node states it
		// changed (a walk from the nearest snapshot).
		s.setLastRange(from, s.h.Step())
	} else {
		s.setLast(evs) // one event: no walk, as cheap as it was
	}
	s.lastAct = a.Format(s.h.Config())
	s.afterChange()
	s.publish()
	return nil
}

// setLast keeps the last MaxLastEvents of evs for the views and counts
// the rest.
func (s *Session) setLast(evs []sim.Event) {
	s.omitted = max(0, len(evs)-MaxLastEvents)
	s.last, s.lastNodes, s.lastBefore = evs, nil, nil
	if s.omitted > 0 {
		s.last = slices.Clone(evs[s.omitted:]) // let the rest go
	}
}

func (s *Session) move(f func() error) error {
	from, tip := s.h.Step(), s.h.Tip()
	if err := f(); err != nil {
		return err
	}
	s.setLast(nil)
	if to := s.h.Step(); s.h.Tip() == tip && to > from && to-from <= maxMoveEvents {
		// Forward along the branch: its events play like an action's.
		s.setLastRange(from, to)
	}
	s.lastAct = ""
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
	if s.h.Redo() != nil {
		s.playing, s.replaying = false, false
		s.publish()
		return
	}
	s.setLastRange(from, s.h.Step())
	s.lastAct = ""
	if len(s.last) == 1 {
		s.lastAct = s.last[0].Act.Format(s.h.Config())
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
	if s.mp != nil {
		s.mpPlayStep()
		return
	}
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
	if MaxSessionEvents-s.events <= 0 {
		s.playing = false
		s.publish()
		for sub := range s.subs {
			sub.sendError("play", i18n.Format(sub.lang, "err.session_budget", map[string]string{"max": thousands(MaxSessionEvents)}))
		}
		return
	}
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
		if !sub.offer(b) {
			delete(s.subs, sub)
			sub.closeSlow()
		}
	}
}

// maxLineBytes bounds one command.
const maxLineBytes = 1024
