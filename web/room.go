package web

// The live classroom (issue 11): a room is one shared session that an
// instructor drives and every student follows read-only, plus predict
// polls, students' private forks and the forks they share. The pure model
// is package room; durability is package store; this file holds the
// handlers, the room's socket and the glue.
//
// Routes:
//
//	POST /api/rooms               {"script"} or {"lesson","step"} → 201 {code, join_url, instructor_url}
//	GET  /api/rooms/{code}        {code, step, students, open}
//	GET  /join                    the join-by-code form (?code= redirects)
//	GET  /r/{code}                a student's page (sets the student cookie)
//	GET  /r/{code}/teach?k=SECRET sets the instructor's HttpOnly cookie, then redirects to /r/{code}/teach
//	GET  /r/{code}/qr.png         the join URL as a QR code
//	GET  /r/{code}/ws             the room's websocket
//	GET  /s/{id}/room             start a room from a session's state (redirects to the instructor page)

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"
	qrcode "github.com/skip2/go-qrcode"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
	"github.com/paxviz/paxviz/lessons"
	"github.com/paxviz/paxviz/room"
	"github.com/paxviz/paxviz/store"
)

// ClassroomOptions configure rooms.
type ClassroomOptions struct {
	// Limits bound rooms (zero fields: room.DefaultLimits).
	Limits room.Limits
	// Fanout carries a room's frames to its sockets (nil: in-process).
	Fanout room.Fanout
	// Tick is how often a room publishes its status, saves and checks
	// forks' goals (0: 100 ms, so a projector updates 10 times a second).
	Tick time.Duration
}

const (
	studentCookie    = "pxs"
	instructorCookie = "pxi"
	roomSubBuf       = 256
	roomRelayBuf     = 1024
	// maxSocketsPerStudent bounds one student's open pages (tabs) of a
	// room; the room's cap bounds the students.
	maxSocketsPerStudent = 4
)

// roomHub holds the live rooms. Rooms' shared sessions live in a registry
// of their own, out of reach of /ws/{id} and /s/{id}: only a room socket
// opened with the instructor's cookie can change them.
type roomHub struct {
	s     *Server
	reg   *Registry
	store store.Store
	fan   room.Fanout
	lim   room.Limits
	tick  time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	saver *sessionSaver

	mu    sync.Mutex
	rooms map[string]*liveRoom
	joins *room.RateLimiter
}

// liveRoom is one room: its model (under mu) and its shared session.
type liveRoom struct {
	hub  *roomHub
	code string
	sess *Session
	done chan struct{} // closed when the room ends

	mu        sync.Mutex
	m         *room.Room
	lesson    *lessons.Lesson // nil for a sandbox room
	proto     string          // the shared session's protocol (View.Protocol: "" single-decree, "multipaxos", "raft"); never changes
	simStep   int
	lessonIdx int
	rev       uint64
	dirty     bool // status changed: publish at the next tick
	minor     bool // only counts changed: the projector at the next tick
	allStale  bool // students have not seen the latest counts
	lastAll   time.Time
	save      bool // something to persist
	lastGoal  time.Time
	saveKick  chan struct{} // wakes the room's saver (a write never delays a frame)
}

func topicAll(code string) string        { return "room/" + code }
func topicInstructor(code string) string { return "room/" + code + "/instructor" }

func fillLimits(l room.Limits) room.Limits {
	d := room.DefaultLimits
	if l.MaxRooms <= 0 {
		l.MaxRooms = d.MaxRooms
	}
	if l.MaxStudents <= 0 {
		l.MaxStudents = d.MaxStudents
	}
	if l.JoinRate <= 0 {
		l.JoinRate = d.JoinRate
	}
	if l.JoinBurst <= 0 {
		l.JoinBurst = d.JoinBurst
	}
	if l.IdleExpiry <= 0 {
		l.IdleExpiry = d.IdleExpiry
	}
	if l.MaxShares <= 0 {
		l.MaxShares = d.MaxShares
	}
	return l
}

func newRoomHub(s *Server) *roomHub {
	o := s.opts.Classroom
	h := &roomHub{s: s, store: s.opts.Store, fan: o.Fanout, lim: fillLimits(o.Limits), tick: o.Tick, rooms: map[string]*liveRoom{}}
	if h.store == nil {
		h.store = store.NewMem()
	}
	if h.fan == nil {
		h.fan = room.NewLocalFanout()
	}
	if h.tick <= 0 {
		h.tick = 100 * time.Millisecond
	}
	h.joins = room.NewRateLimiter(h.lim.JoinRate, h.lim.JoinBurst)
	h.reg = NewRegistry(h.lim.MaxRooms, 100*365*24*time.Hour) // rooms expire by their own rule
	h.reg.log = s.log
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.restore()
	// Ordinary sessions are saved by the same hub (so Server.Close stops
	// both before the sessions end).
	h.saver = newSessionSaver(s)
	h.saver.restore(h.store)
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		h.saver.run(h.ctx, h.store)
	}()
	return h
}

// close stops every room: each saves its state first, so a restart picks
// up where the class was; sockets close with "going away" and the pages
// reconnect by themselves.
func (h *roomHub) close() {
	h.cancel()
	h.wg.Wait()
	h.reg.Close()
}

// roomRecord is what the store keeps of a room.
type roomRecord struct {
	Room       *room.Room `json:"room"`
	Script     string     `json:"script"`
	LessonStep int        `json:"lesson_step"`
	LessonLang string     `json:"lesson_lang,omitempty"`
}

// restore brings back the rooms the store holds.
func (h *roomHub) restore() {
	var recs []roomRecord
	err := h.store.List(store.Rooms, func(key string, val []byte) error {
		var rec roomRecord
		if err := json.Unmarshal(val, &rec); err != nil || rec.Room == nil || rec.Room.Code != key {
			h.s.log.Warn("room record unreadable; skipped", "code", key, "err", err)
			return nil
		}
		recs = append(recs, rec)
		return nil
	})
	if err != nil {
		h.s.log.Error("restore rooms", "err", err)
	}
	for _, rec := range recs {
		m := rec.Room
		m.Limits = h.lim
		if m.Students == nil {
			m.Students = map[string]*room.Student{}
		}
		var l *lessons.Lesson
		if m.Lesson != "" {
			if set := h.s.lessonSet(); set != nil {
				l = set.Lesson(m.Lesson, i18n.Parse(rec.LessonLang))
			}
			if l == nil || rec.LessonStep < 0 || rec.LessonStep >= len(l.Steps) {
				l, m.Lesson = nil, ""
			}
		}
		step := rec.LessonStep
		sess, err := h.reg.Create(context.Background(), CreateOptions{Src: rec.Script, Setup: func(sess *Session) error {
			if l != nil {
				sess.lesson = &lessonRun{lesson: l, answer: -1, step: step, maxStep: step}
				sess.afterChange()
			}
			return nil
		}})
		if err != nil {
			h.s.log.Error("restore room", "code", m.Code, "err", err)
			continue
		}
		h.start(m, sess, l)
	}
}

// create starts a room on a new shared session.
func (h *roomHub) create(script string, l *lessons.Lesson, step int) (*liveRoom, error) {
	h.mu.Lock()
	n := len(h.rooms)
	h.mu.Unlock()
	if n >= h.lim.MaxRooms {
		return nil, room.ErrTooMany
	}
	var setup func(*Session) error
	if l != nil {
		script = l.ClusterLine + "\n"
		setup = func(sess *Session) error {
			sess.lesson = &lessonRun{lesson: l, answer: -1}
			return sess.enterStep(step)
		}
	}
	secret, err := room.NewSecret(nil)
	if err != nil {
		return nil, err
	}
	sess, err := h.reg.Create(context.Background(), CreateOptions{Src: script, Setup: setup})
	if err != nil {
		return nil, err
	}
	for range 100 {
		code, err := room.NewCode(nil)
		if err != nil {
			break
		}
		h.mu.Lock()
		_, taken := h.rooms[code]
		h.mu.Unlock()
		if _, inStore, _ := h.store.Get(store.Rooms, code); taken || inStore {
			continue
		}
		lesson := ""
		if l != nil {
			lesson = l.ID
		}
		lr := h.start(room.New(code, secret, lesson, time.Now(), h.lim), sess, l)
		if lr == nil {
			break
		}
		if err := lr.persist(); err != nil {
			h.s.log.Error("save new room", "code", code, "err", err)
		}
		return lr, nil
	}
	sess.Close()
	return nil, errors.New("room: could not allocate a join code")
}

// start registers a room and runs its loop.
func (h *roomHub) start(m *room.Room, sess *Session, l *lessons.Lesson) *liveRoom {
	lr := &liveRoom{hub: h, code: m.Code, sess: sess, m: m, lesson: l, proto: viewProtocol(sess.View()), done: make(chan struct{}), dirty: true, saveKick: make(chan struct{}, 1)}
	lr.noteFrame(sess.View()) // the step, before anyone asks
	h.mu.Lock()
	if h.ctx.Err() != nil {
		h.mu.Unlock()
		sess.Close()
		return nil
	}
	h.rooms[m.Code] = lr
	h.wg.Add(1)
	h.mu.Unlock()
	go lr.loop()
	return lr
}

func (h *roomHub) get(code string) (*liveRoom, error) {
	c, err := room.NormalizeCode(code)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	lr, ok := h.rooms[c]
	if !ok {
		return nil, room.ErrNoRoom
	}
	return lr, nil
}

// loop relays the shared session's frames to the room's topic and, every
// tick, publishes the room's status, saves what changed, checks forks'
// goals and expires an idle room.
func (lr *liveRoom) loop() {
	h := lr.hub
	defer h.wg.Done()
	resub := make(chan struct{}, 1)
	newRelay := func() *subscriber {
		return &subscriber{ch: make(chan []byte, roomRelayBuf), lang: i18n.EN, close: func(websocket.StatusCode, string) {}, closeSlow: func() {
			select {
			case resub <- struct{}{}:
			default:
			}
		}}
	}
	relay := newRelay()
	if err := lr.sess.subscribe(h.ctx, relay); err != nil {
		h.s.log.Error("room relay", "code", lr.code, "err", err)
	}
	tick := time.NewTicker(h.tick)
	defer tick.Stop()
	// The saver writes the room to the store off this loop, so a slow disk
	// never delays a frame; kicks while it writes coalesce into one more
	// write.
	saverDone := make(chan struct{})
	stopSaver := make(chan struct{})
	go func() {
		defer close(saverDone)
		for {
			select {
			case <-lr.saveKick:
				lr.flush()
			case <-stopSaver:
				return
			}
		}
	}()
	defer func() {
		select {
		case <-stopSaver:
		default:
			close(stopSaver)
		}
		<-saverDone
	}()
	ended := false
	for !ended {
		select {
		case <-h.ctx.Done():
			close(stopSaver)
			<-saverDone
			lr.flush()
			close(lr.done)
			return
		case b := <-relay.ch:
			relay.queued.Add(-int64(len(b)))
			h.fan.Publish(topicAll(lr.code), b)
			lr.noteFrame(b)
		case <-resub:
			relay = newRelay()
			lr.sess.subscribe(h.ctx, relay)
		case <-lr.sess.done:
			ended = true
		case now := <-tick.C:
			ended = lr.onTick(now)
		}
	}
	// Closed or expired: tell everyone, forget the room.
	close(stopSaver)
	<-saverDone
	lr.mu.Lock()
	lr.m.Close(time.Now())
	lr.mu.Unlock()
	lr.publishStatus()
	h.mu.Lock()
	delete(h.rooms, lr.code)
	h.mu.Unlock()
	if err := h.store.Delete(store.Rooms, lr.code); err != nil {
		h.s.log.Error("delete room", "code", lr.code, "err", err)
	}
	close(lr.done)
	lr.sess.Close()
}

// noteFrame keeps the step a state frame shows (for GET /api/rooms) and
// marks the room for saving.
func (lr *liveRoom) noteFrame(b []byte) {
	var v struct {
		Type   string `json:"type"`
		Step   int    `json:"step"`
		Lesson *struct {
			Step int `json:"step"`
		} `json:"lesson"`
		pollOutcome // the god's-eye record a value poll is judged against
	}
	if json.Unmarshal(b, &v) != nil || v.Type != "state" {
		return
	}
	lr.mu.Lock()
	lr.noteResultLocked(&v.pollOutcome)
	lr.simStep = v.Step
	if v.Lesson != nil {
		lr.lessonIdx = v.Lesson.Step
	}
	lr.save = true
	lr.countsChangedLocked() // the dashboard's goal counts may change
	lr.mu.Unlock()
}

func (lr *liveRoom) onTick(now time.Time) (ended bool) {
	lr.mu.Lock()
	closed, idle := lr.m.Closed, lr.m.Idle(now)
	checkGoals := lr.lesson != nil && now.Sub(lr.lastGoal) >= time.Second && len(lr.m.Forks()) > 0
	if checkGoals {
		lr.lastGoal = now
	}
	lr.mu.Unlock()
	if closed || idle {
		return true
	}
	if checkGoals {
		lr.checkGoals()
	}
	lr.mu.Lock()
	dirty, minor, save := lr.dirty, lr.minor, lr.save
	toAll := dirty || (lr.allStale && now.Sub(lr.lastAll) >= studentCountEvery)
	var pub, dash []byte
	if dirty || minor || toAll {
		pub, dash = lr.framesLocked()
	}
	if toAll {
		lr.lastAll, lr.allStale = now, false
	}
	lr.dirty, lr.minor, lr.save = false, false, false
	lr.mu.Unlock()
	fan := lr.hub.fan
	switch {
	case toAll:
		fan.Publish(topicAll(lr.code), pub)
		fan.Publish(topicInstructor(lr.code), dash)
	case minor:
		// Only counts changed: the projector gets them every tick, the
		// students' devices at most every studentCountEvery.
		fan.Publish(topicInstructor(lr.code), pub)
		fan.Publish(topicInstructor(lr.code), dash)
	}
	if save {
		select {
		case lr.saveKick <- struct{}{}:
		default:
		}
	}
	return false
}

// flush saves the room on shutdown.
func (lr *liveRoom) flush() {
	if err := lr.persist(); err != nil {
		lr.hub.s.log.Error("save room", "code", lr.code, "err", err)
	}
}

// persist writes the room and its session's script to the store.
func (lr *liveRoom) persist() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var rec roomRecord
	err := lr.sess.call(ctx, func(s *Session) {
		rec.Script = s.scriptText()
		if s.lesson != nil {
			rec.LessonStep, rec.LessonLang = s.lesson.step, string(s.lesson.lesson.Lang)
		}
	})
	if err != nil {
		return err
	}
	lr.mu.Lock()
	rec.Room = lr.m
	b, err := json.Marshal(rec)
	lr.mu.Unlock()
	if err != nil {
		return err
	}
	return lr.hub.store.Put(store.Rooms, lr.code, b)
}

// checkGoals asks each student's fork whether the lesson step's goal holds
// there (for the dashboard).
func (lr *liveRoom) checkGoals() {
	lr.mu.Lock()
	forks := lr.m.Forks()
	lr.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for _, st := range forks {
		fs, err := lr.hub.s.reg.Get(st.Fork)
		if err != nil {
			continue
		}
		met := false
		if fs.call(ctx, func(s *Session) { met = s.lesson != nil && s.lesson.met }) != nil {
			continue
		}
		lr.mu.Lock()
		if cur, ok := lr.m.Student(st.ID); ok && cur.GoalMet != met {
			lr.m.SetGoal(st.ID, met)
			lr.countsChangedLocked()
		}
		lr.mu.Unlock()
	}
}

// Frames of the room socket (besides the session's own "state", "log"
// and "error").
type roomFrame struct {
	Type   string `json:"type"` // "room"
	Rev    uint64 `json:"rev"`
	Lesson bool   `json:"lesson"`
	room.Public
}

type dashFrame struct {
	Type string `json:"type"` // "dash"
	Rev  uint64 `json:"rev"`
	room.Dashboard
}

type youFrame struct {
	Type   string `json:"type"` // "you"
	Num    int    `json:"num"`
	Poll   int    `json:"poll"`
	Round  int    `json:"round"`
	Answer int    `json:"answer"` // 0-based, -1 none
	Fork   string `json:"fork"`
}

// frames renders the room's status (everyone) and dashboard (instructor)
// under lr.mu.
func (lr *liveRoom) framesLocked() (pub, dash []byte) {
	lr.rev++
	pub, _ = json.Marshal(roomFrame{Type: "room", Rev: lr.rev, Lesson: lr.lesson != nil, Public: lr.m.Public()})
	dash, _ = json.Marshal(dashFrame{Type: "dash", Rev: lr.rev, Dashboard: lr.m.Dashboard()})
	return pub, dash
}

func (lr *liveRoom) publishStatus() {
	lr.mu.Lock()
	pub, dash := lr.framesLocked()
	lr.mu.Unlock()
	lr.hub.fan.Publish(topicAll(lr.code), pub)
	lr.hub.fan.Publish(topicInstructor(lr.code), dash)
}

func (lr *liveRoom) youLocked(id string) []byte {
	f := youFrame{Type: "you", Answer: -1}
	if st, ok := lr.m.Student(id); ok {
		f.Num, f.Fork = st.Num, st.Fork
	}
	if p := lr.m.Poll; p != nil {
		f.Poll, f.Round, f.Answer = p.ID, p.Round, p.MyAnswer(id)
	}
	b, _ := json.Marshal(f)
	return b
}

// changed marks the status for the next tick (at most one publish per
// tick, however many answers arrive).
func (lr *liveRoom) changedLocked() {
	lr.dirty, lr.save = true, true
}

// countsChangedLocked marks a change of counts only (an answer, a
// student coming or going): the projector shows it at the next tick, the
// students' devices a little later (a thousand answers a second must not
// become ten thousand frames a second to the students).
func (lr *liveRoom) countsChangedLocked() {
	lr.minor, lr.allStale = true, true
}

// studentCountEvery is how often students' devices get count-only updates.
const studentCountEvery = 500 * time.Millisecond

// ---- HTTP ------------------------------------------------------------------

func (s *Server) roomRoutes(r chi.Router) {
	h := s.rooms
	r.Post("/api/rooms", h.handleCreate)
	r.Get("/api/rooms/{code}", h.handleStatus)
	r.Get("/join", h.handleJoinForm)
	r.Get("/r/{code}", h.handleStudent)
	r.Get("/r/{code}/teach", h.handleInstructor)
	r.Get("/r/{code}/qr.png", h.handleQR)
	r.Get("/r/{code}/ws", h.handleWS)
	r.Get("/s/{id}/room", h.handleFromSession)
}

// createRequest is POST /api/rooms's body.
type createRequest struct {
	Script string `json:"script"`
	Lesson string `json:"lesson"`
	Step   int    `json:"step"` // 1-based; 0 means the first step
}

// createResponse is POST /api/rooms's answer.
type createResponse struct {
	Code          string `json:"code"`
	JoinURL       string `json:"join_url"`
	InstructorURL string `json:"instructor_url"`
}

func jsonError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func roomStatus(err error) int {
	switch {
	case errors.Is(err, room.ErrBadCode), errors.Is(err, room.ErrNoRoom):
		return http.StatusNotFound
	case errors.Is(err, room.ErrTooMany), errors.Is(err, ErrTooManySessions), errors.Is(err, room.ErrFull):
		return http.StatusServiceUnavailable
	case errors.Is(err, room.ErrLocked), errors.Is(err, room.ErrClosed):
		return http.StatusForbidden
	case errors.Is(err, room.ErrRateLimited):
		return http.StatusTooManyRequests
	}
	return http.StatusBadRequest
}

// lessonFor finds a lesson and checks a 1-based step.
func (h *roomHub) lessonFor(id string, step int, lang i18n.Lang) (*lessons.Lesson, int, error) {
	set := h.s.lessonSet()
	var l *lessons.Lesson
	if set != nil {
		l = set.Lesson(id, lang)
	}
	if l == nil {
		return nil, 0, fmt.Errorf("no lesson %q", id)
	}
	if step == 0 {
		step = 1
	}
	if step < 1 || step > len(l.Steps) {
		return nil, 0, fmt.Errorf("lesson %s has steps 1..%d, not %d", id, len(l.Steps), step)
	}
	return l, step - 1, nil
}

func (h *roomHub) handleCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxScriptBytes+4096)
	var req createRequest
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		jsonError(w, http.StatusBadRequest, "body must be JSON {\"script\": \"...\"} or {\"lesson\": \"ID\", \"step\": N}: "+err.Error())
		return
	}
	if (req.Script == "") == (req.Lesson == "") {
		jsonError(w, http.StatusBadRequest, "give exactly one of \"script\" and \"lesson\"")
		return
	}
	var lr *liveRoom
	var err error
	if req.Lesson != "" {
		l, step, lerr := h.lessonFor(req.Lesson, req.Step, langOf(r))
		if lerr != nil {
			jsonError(w, http.StatusBadRequest, lerr.Error())
			return
		}
		lr, err = h.create("", l, step)
	} else {
		if len(req.Script) > maxScriptBytes {
			jsonError(w, http.StatusRequestEntityTooLarge, "script too large")
			return
		}
		lr, err = h.create(req.Script, nil, 0)
	}
	if err != nil {
		jsonError(w, roomStatus(err), err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(lr.urls(r))
}

func (lr *liveRoom) urls(r *http.Request) createResponse {
	lr.mu.Lock()
	secret := lr.m.Secret
	lr.mu.Unlock()
	base := baseURL(r)
	return createResponse{Code: lr.code, JoinURL: base + "/r/" + lr.code, InstructorURL: base + "/r/" + lr.code + "/teach?k=" + secret}
}

// roomAPIStatus is GET /api/rooms/{code}'s answer (no secrets). Step is
// the lesson step (1-based) in a lesson room and the simulation step
// otherwise; both are also given explicitly.
type roomAPIStatus struct {
	Code       string `json:"code"`
	Step       int    `json:"step"`
	Students   int    `json:"students"`
	Open       bool   `json:"open"`
	SimStep    int    `json:"sim_step"`
	LessonStep int    `json:"lesson_step,omitempty"`
	Lesson     string `json:"lesson,omitempty"`
	Locked     bool   `json:"locked"`
	Poll       bool   `json:"poll"`
}

func (h *roomHub) handleStatus(w http.ResponseWriter, r *http.Request) {
	lr, err := h.get(chi.URLParam(r, "code"))
	if err != nil {
		jsonError(w, http.StatusNotFound, err.Error())
		return
	}
	lr.mu.Lock()
	st := roomAPIStatus{Code: lr.code, Step: lr.simStep, SimStep: lr.simStep, Students: lr.m.Connected(), Open: !lr.m.Locked && !lr.m.Closed,
		Locked: lr.m.Locked, Poll: lr.m.Poll != nil, Lesson: lr.m.Lesson}
	if lr.lesson != nil {
		st.LessonStep = lr.lessonIdx + 1
		st.Step = st.LessonStep
	}
	lr.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(st)
}

// handleFromSession starts a room from a sandbox, lesson or gallery
// session's current state and opens the instructor's page.
func (h *roomHub) handleFromSession(w http.ResponseWriter, r *http.Request) {
	sess := h.s.session(w, r)
	if sess == nil {
		return
	}
	var script string
	var l *lessons.Lesson
	step := 0
	if err := sess.call(r.Context(), func(s *Session) {
		script = s.scriptText()
		if s.lesson != nil {
			l, step = s.lesson.lesson, s.lesson.step
		}
	}); err != nil {
		h.s.errorPage(w, r, http.StatusNotFound, i18n.T(langOf(r), "err.no_session"))
		return
	}
	var lr *liveRoom
	var err error
	if l != nil {
		lr, err = h.create("", l, step)
	} else {
		lr, err = h.create(script, nil, 0)
	}
	if err != nil {
		h.s.errorPage(w, r, roomStatus(err), i18n.T(langOf(r), "room.err_create")+" "+err.Error())
		return
	}
	u := lr.urls(r)
	http.Redirect(w, r, strings.TrimPrefix(u.InstructorURL, baseURL(r)), http.StatusSeeOther)
}

func (h *roomHub) handleJoinForm(w http.ResponseWriter, r *http.Request) {
	m := h.s.meta(w, r, "join", "room.join_title")
	d := JoinData{Meta: m}
	if c := r.URL.Query().Get("code"); c != "" {
		code, err := room.NormalizeCode(c)
		if err == nil {
			if _, err = h.get(code); err == nil {
				http.Redirect(w, r, "/r/"+code, http.StatusSeeOther)
				return
			}
		}
		d.Code, d.Error = c, i18n.T(m.Lang, "room.err_no_room")
		h.s.render(w, r, http.StatusNotFound, JoinPage(d))
		return
	}
	h.s.render(w, r, http.StatusOK, JoinPage(d))
}

func (h *roomHub) roomError(w http.ResponseWriter, r *http.Request, err error) {
	lang := langOf(r)
	key := "room.err_no_room"
	switch {
	case errors.Is(err, room.ErrLocked):
		key = "room.err_locked"
	case errors.Is(err, room.ErrFull):
		key = "room.err_full"
	case errors.Is(err, room.ErrClosed):
		key = "room.err_closed"
	case errors.Is(err, room.ErrRateLimited):
		key = "room.err_rate"
	}
	h.s.errorPage(w, r, roomStatus(err), i18n.T(lang, key))
}

func cookieName(base, code string) string { return base + "_" + code }

// handleStudent is a student's page: a new visitor joins (subject to the
// lock, the cap and the join rate of their address) and gets a cookie
// that brings them back as the same student after a reload or a restart.
func (h *roomHub) handleStudent(w http.ResponseWriter, r *http.Request) {
	lr, err := h.get(chi.URLParam(r, "code"))
	if err != nil {
		h.roomError(w, r, err)
		return
	}
	lang := rememberLang(w, r)
	id := ""
	if c, err := r.Cookie(cookieName(studentCookie, lr.code)); err == nil && len(c.Value) <= 64 {
		id = c.Value
	}
	lr.mu.Lock()
	_, member := lr.m.Student(id)
	lr.mu.Unlock()
	if !member {
		h.mu.Lock()
		ok := h.joins.Allow(clientAddr(r), time.Now())
		h.mu.Unlock()
		if !ok {
			h.roomError(w, r, room.ErrRateLimited)
			return
		}
		id = newID()
	}
	lr.mu.Lock()
	_, err = lr.m.Join(id, string(lang), time.Now())
	if err == nil && !member {
		lr.changedLocked()
	}
	lr.mu.Unlock()
	if err != nil {
		h.roomError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName(studentCookie, lr.code), Value: id, Path: "/r/" + lr.code, MaxAge: 7 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	h.renderRoom(w, r, lr, false)
}

// handleInstructor: with ?k=SECRET it sets the instructor's cookie and
// redirects to the same page without the secret (so it never shows on
// the projector or in the history); with the cookie it renders the
// instructor's page.
func (h *roomHub) handleInstructor(w http.ResponseWriter, r *http.Request) {
	lr, err := h.get(chi.URLParam(r, "code"))
	if err != nil {
		h.roomError(w, r, err)
		return
	}
	lr.mu.Lock()
	secret := lr.m.Secret
	lr.mu.Unlock()
	if k := r.URL.Query().Get("k"); k != "" {
		if !room.SecretOK(secret, k) {
			h.s.errorPage(w, r, http.StatusForbidden, i18n.T(langOf(r), "room.err_not_instructor"))
			return
		}
		http.SetCookie(w, &http.Cookie{Name: cookieName(instructorCookie, lr.code), Value: k, Path: "/r/" + lr.code, MaxAge: 30 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		q := r.URL.Query()
		q.Del("k")
		u := "/r/" + lr.code + "/teach"
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		http.Redirect(w, r, u, http.StatusSeeOther)
		return
	}
	if !h.isInstructor(r, lr) {
		h.s.errorPage(w, r, http.StatusForbidden, i18n.T(langOf(r), "room.err_not_instructor"))
		return
	}
	rememberLang(w, r)
	h.renderRoom(w, r, lr, true)
}

func (h *roomHub) isInstructor(r *http.Request, lr *liveRoom) bool {
	c, err := r.Cookie(cookieName(instructorCookie, lr.code))
	if err != nil {
		return false
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return room.SecretOK(lr.m.Secret, c.Value)
}

func (h *roomHub) handleQR(w http.ResponseWriter, r *http.Request) {
	lr, err := h.get(chi.URLParam(r, "code"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	png, err := qrcode.Encode(baseURL(r)+"/r/"+lr.code, qrcode.Medium, 320)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(png)
}

func (h *roomHub) renderRoom(w http.ResponseWriter, r *http.Request, lr *liveRoom, instructor bool) {
	lang := langOf(r)
	m := Meta{Lang: lang, Page: "room", Title: i18n.T(lang, "room.title") + " " + lr.code + " · paxviz", Big: r.URL.Query().Get("big") == "1"}
	d := RoomData{Meta: m, Code: lr.code, Instructor: instructor, Initial: lr.sess.View(), JoinURL: baseURL(r) + "/r/" + lr.code, Protocol: lr.proto}
	lr.mu.Lock()
	l := lr.lesson
	lr.mu.Unlock()
	if l != nil {
		if set := h.s.lessonSet(); set != nil {
			if fresh := set.Lesson(l.ID, lang); fresh != nil && len(fresh.Steps) == len(l.Steps) {
				l = fresh
			}
		}
		d.Lesson = lessonPage(l, lang, true)
	}
	h.s.render(w, r, http.StatusOK, RoomPage(d))
}

// ---- the room's websocket -----------------------------------------------------

// roomClientFrame is what a room page sends: a session command (the
// instructor only) or a room verb.
type roomClientFrame struct {
	Cmd  string `json:"cmd"`
	Room string `json:"room"`
}

// roomConn is one socket of a room.
type roomConn struct {
	lr         *liveRoom
	instructor bool
	student    string
	lang       i18n.Lang
	direct     *subscriber // frames for this socket only
}

func (h *roomHub) handleWS(w http.ResponseWriter, r *http.Request) {
	lr, err := h.get(chi.URLParam(r, "code"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	rc := &roomConn{lr: lr, instructor: h.isInstructor(r, lr), lang: langOf(r)}
	if !rc.instructor {
		c, err := r.Cookie(cookieName(studentCookie, lr.code))
		if err != nil {
			http.Error(w, "join the room first: open /r/"+lr.code, http.StatusForbidden)
			return
		}
		rc.student = c.Value
		lr.mu.Lock()
		st, err := lr.m.Join(rc.student, string(rc.lang), time.Now())
		tooMany := err == nil && st.Conns >= maxSocketsPerStudent
		lr.mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), roomStatus(err))
			return
		}
		if tooMany {
			http.Error(w, "too many open pages of this room in one browser", http.StatusTooManyRequests)
			return
		}
	}
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: h.s.opts.Origins})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(maxFrameBytes)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	closeWith := func(code websocket.StatusCode, why string) {
		once.Do(func() {
			// Close first (the reader is still reading, so the handshake
			// completes and the peer sees why), then stop.
			go func() {
				c.Close(code, why)
				cancel()
			}()
		})
	}
	rc.direct = &subscriber{ch: make(chan []byte, subscriberBuf), lang: rc.lang, close: closeWith}
	rc.direct.closeSlow = func() { closeWith(websocket.StatusPolicyViolation, "connection too slow to keep up") }

	all := h.fan.Subscribe(topicAll(lr.code), roomSubBuf)
	defer all.Close()
	var instr room.Subscription
	var instrC <-chan []byte
	var instrDropped <-chan struct{}
	if rc.instructor {
		instr = h.fan.Subscribe(topicInstructor(lr.code), 64)
		defer instr.Close()
		instrC, instrDropped = instr.C(), instr.Dropped()
	}
	// Register, then send the current state at once (a late joiner or a
	// reconnect sees the class as it is now).
	lr.mu.Lock()
	now := time.Now()
	if rc.instructor {
		lr.m.InstructorConns++
	} else {
		lr.m.Connect(rc.student, now)
	}
	lr.countsChangedLocked()
	pub, dash := lr.framesLocked()
	var you []byte
	if !rc.instructor {
		you = lr.youLocked(rc.student)
	}
	lr.mu.Unlock()
	defer func() {
		lr.mu.Lock()
		if rc.instructor {
			lr.m.InstructorConns--
		} else {
			lr.m.Disconnect(rc.student, time.Now())
		}
		lr.countsChangedLocked()
		lr.mu.Unlock()
	}()
	initial := [][]byte{lr.sess.View(), pub}
	if rc.instructor {
		initial = append(initial, dash)
	} else {
		initial = append(initial, you)
	}
	for _, b := range initial {
		if b == nil {
			continue
		}
		wctx, wcancel := context.WithTimeout(ctx, h.s.opts.WriteTimeout)
		err := c.Write(wctx, websocket.MessageText, b)
		wcancel()
		if err != nil {
			return
		}
	}
	// No timer per write (a thousand sockets would make a thousand timers
	// per frame): a socket that falls behind is dropped by the fan-out,
	// and this watchdog closes one whose write has been stuck too long.
	var writing atomic.Int64
	go func() {
		wd := time.NewTicker(h.s.opts.WriteTimeout / 2)
		defer wd.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-all.Dropped():
				closeWith(websocket.StatusPolicyViolation, "connection too slow to keep up")
				return
			case <-instrDropped:
				closeWith(websocket.StatusPolicyViolation, "connection too slow to keep up")
				return
			case now := <-wd.C:
				if w := writing.Load(); w != 0 && now.UnixNano()-w > int64(h.s.opts.WriteTimeout) {
					closeWith(websocket.StatusPolicyViolation, "connection too slow to keep up")
					return
				}
			}
		}
	}()
	go func() {
		// Returning after closeWith must not cancel ctx: the reader has to
		// keep reading until the close handshake is done.
		write := func(b []byte) bool {
			writing.Store(time.Now().UnixNano())
			defer writing.Store(0)
			return c.Write(ctx, websocket.MessageText, b) == nil
		}
		for {
			var b []byte
			select {
			case b = <-rc.direct.ch:
				rc.direct.queued.Add(-int64(len(b)))
			case b = <-all.C():
			case b = <-instrC:
			case <-ctx.Done():
				return
			case <-h.ctx.Done():
				closeWith(websocket.StatusGoingAway, "server restarting")
				return
			case <-lr.done:
				// Drain what is queued (the "closed" status) first.
				for {
					select {
					case b := <-all.C():
						write(b)
						continue
					default:
					}
					break
				}
				closeWith(websocket.StatusNormalClosure, "room closed")
				return
			}
			if !write(b) {
				cancel()
				return
			}
		}
	}()
	limit := &tokenBucket{rate: h.s.opts.CommandRate, burst: float64(h.s.opts.CommandBurst)}
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				c.Close(websocket.StatusMessageTooBig, "frame too large")
			}
			return
		}
		if typ != websocket.MessageText {
			rc.direct.sendError("", i18n.T(rc.lang, "room.err_frame"))
			continue
		}
		if !limit.allow(time.Now()) {
			rc.direct.sendError("", i18n.T(rc.lang, "room.err_slow"))
			continue
		}
		var f roomClientFrame
		if err := json.Unmarshal(data, &f); err != nil || (f.Cmd == "") == (f.Room == "") {
			rc.direct.sendError("", i18n.T(rc.lang, "room.err_frame"))
			continue
		}
		if f.Cmd != "" {
			if !rc.instructor {
				rc.direct.sendError(f.Cmd, i18n.T(rc.lang, "room.err_readonly"))
				continue
			}
			lr.mu.Lock()
			lr.m.Touch(time.Now())
			lr.mu.Unlock()
			if err := lr.sess.send(ctx, rc.direct, f.Cmd); err != nil {
				return
			}
			continue
		}
		if err := rc.verb(ctx, f.Room); err != nil {
			rc.direct.sendError("room "+f.Room, err.Error())
		}
	}
}

// errT is an error whose text is translated for the client.
func (rc *roomConn) errT(key string, args ...string) error {
	msg := i18n.T(rc.lang, key)
	for i := 0; i+1 < len(args); i += 2 {
		msg = strings.ReplaceAll(msg, "{"+args[i]+"}", args[i+1])
	}
	return errors.New(msg)
}

func (rc *roomConn) modelErr(err error) error {
	switch {
	case errors.Is(err, room.ErrNoPoll):
		return rc.errT("room.err_no_poll")
	case errors.Is(err, room.ErrPollClosed):
		return rc.errT("room.err_poll_closed")
	case errors.Is(err, room.ErrBadChoice):
		return rc.errT("room.err_choice")
	case errors.Is(err, room.ErrNotReleased):
		return rc.errT("room.err_not_released")
	case errors.Is(err, room.ErrNoFork):
		return rc.errT("room.err_no_fork")
	case errors.Is(err, room.ErrNoShare):
		return rc.errT("room.err_no_share")
	}
	return err
}

// verb performs a room verb: students answer, fork, go back and share;
// the instructor runs polls, releases, locks, closes and projects.
func (rc *roomConn) verb(ctx context.Context, line string) error {
	lr := rc.lr
	words := strings.Fields(line)
	if len(words) == 0 || len(line) > maxLineBytes {
		return rc.errT("room.err_frame")
	}
	now := time.Now()
	student := map[string]bool{"answer": true, "fork": true, "back": true, "share": true}
	if student[words[0]] && rc.instructor {
		return rc.errT("room.err_students_only")
	}
	if !student[words[0]] && !rc.instructor {
		return rc.errT("room.err_instructor_only")
	}
	switch words[0] {
	case "fork", "back", "share", "release", "recall", "lock", "unlock", "close":
		if len(words) != 1 {
			return rc.errT("room.err_usage", "usage", words[0])
		}
	}
	switch words[0] {
	case "answer":
		if len(words) != 2 && len(words) != 3 {
			return rc.errT("room.err_usage", "usage", "answer N [slot=K]")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil {
			return rc.errT("room.err_choice")
		}
		at, hasAt := 0, len(words) == 3
		if hasAt {
			var ok bool
			if at, ok = answerSlot(words[2]); !ok {
				return rc.errT("room.err_usage", "usage", "answer N [slot=K]")
			}
		}
		lr.mu.Lock()
		if hasAt {
			err = lr.m.AnswerAt(rc.student, n-1, at, now)
			if errors.Is(err, room.ErrWrongSlot) {
				err = rc.wrongSlot(lr.m.Poll.Slot, at)
			}
		} else {
			err = lr.m.Answer(rc.student, n-1, now)
		}
		if err == nil {
			lr.save = true
			lr.countsChangedLocked()
			rc.sendDirect(lr.youLocked(rc.student))
		}
		lr.mu.Unlock()
		return rc.modelErr(err)
	case "fork":
		return rc.fork(ctx, now)
	case "back":
		lr.mu.Lock()
		err := lr.m.BackToClass(rc.student)
		if err == nil {
			lr.changedLocked()
			rc.sendDirect(lr.youLocked(rc.student))
		}
		lr.mu.Unlock()
		return rc.modelErr(err)
	case "share":
		lr.mu.Lock()
		st, _ := lr.m.Student(rc.student)
		fork := ""
		if st != nil {
			fork = st.Fork
		}
		lr.mu.Unlock()
		step := 0
		if fs, err := lr.hub.s.reg.Get(fork); err == nil {
			fs.call(ctx, func(s *Session) { step = s.curStep() })
		} else if fork != "" {
			return rc.errT("room.err_fork_gone")
		}
		lr.mu.Lock()
		_, err := lr.m.ShareFork(rc.student, step, now)
		if err == nil {
			lr.changedLocked()
		}
		lr.mu.Unlock()
		return rc.modelErr(err)
	case "poll":
		return rc.poll(ctx, words[1:], now)
	case "release", "recall":
		lr.mu.Lock()
		lr.m.Release(words[0] == "release", now)
		lr.changedLocked()
		lr.mu.Unlock()
		return nil
	case "lock", "unlock":
		lr.mu.Lock()
		lr.m.Lock(words[0] == "lock", now)
		lr.changedLocked()
		lr.mu.Unlock()
		return nil
	case "close":
		lr.mu.Lock()
		lr.m.Close(now)
		lr.mu.Unlock()
		return nil
	case "project":
		if len(words) != 2 {
			return rc.errT("room.err_usage", "usage", "project SHARE")
		}
		n, err := strconv.Atoi(words[1])
		if err != nil {
			return rc.errT("room.err_no_share")
		}
		return rc.project(ctx, n)
	}
	return rc.errT("room.err_unknown", "verb", words[0])
}

func (rc *roomConn) sendDirect(b []byte) { rc.direct.offer(b) }

// fork gives the student a private session at the room's current state
// (an ordinary session: a lesson room's fork is a lesson session at the
// same step, so its goal is checked there).
func (rc *roomConn) fork(ctx context.Context, now time.Time) error {
	lr := rc.lr
	lr.mu.Lock()
	released := lr.m.Released
	lr.mu.Unlock()
	if !released {
		return rc.errT("room.err_not_released")
	}
	var script string
	var l *lessons.Lesson
	step := 0
	if err := lr.sess.call(ctx, func(s *Session) {
		script = s.scriptText()
		if s.lesson != nil {
			l, step = s.lesson.lesson, s.lesson.step
		}
	}); err != nil {
		return err
	}
	if l != nil {
		if set := lr.hub.s.lessonSet(); set != nil {
			if loc := set.Lesson(l.ID, rc.lang); loc != nil && len(loc.Steps) == len(l.Steps) {
				l = loc
			}
		}
	}
	// Not limited per address (a lecture hall shares one): the room's cap
	// bounds the forks, and a student's earlier unshared fork ends.
	fs, err := lr.hub.s.reg.Create(ctx, CreateOptions{Src: script, Lang: rc.lang, Setup: func(s *Session) error {
		if l != nil {
			s.lesson = &lessonRun{lesson: l, answer: -1, step: step, maxStep: step}
			s.afterChange()
		}
		return nil
	}})
	if err != nil {
		return err
	}
	lr.mu.Lock()
	old := ""
	if st, ok := lr.m.Student(rc.student); ok && st.Fork != "" {
		old = st.Fork
		for _, sh := range lr.m.Shares {
			if sh.Session == old {
				old = ""
			}
		}
	}
	err = lr.m.StartFork(rc.student, fs.ID, now)
	if err == nil {
		lr.changedLocked()
		rc.sendDirect(lr.youLocked(rc.student))
	}
	lr.mu.Unlock()
	if err != nil {
		fs.Close()
	} else if prev, gerr := lr.hub.s.reg.Get(old); old != "" && gerr == nil {
		go prev.Close()
	}
	return rc.modelErr(err)
}

// poll runs the instructor's poll verbs: "poll lesson|value|message",
// "poll reveal", "poll revote", "poll end".
func (rc *roomConn) poll(ctx context.Context, args []string, now time.Time) error {
	lr := rc.lr
	if len(args) != 1 && !(len(args) == 2 && args[0] == room.PollValue) {
		return rc.errT("room.err_usage", "usage", "poll lesson|value [K]|message|leader|reveal|revote|end")
	}
	switch args[0] {
	case "reveal", "revote", "end":
		lr.mu.Lock()
		defer lr.mu.Unlock()
		p := lr.m.Poll
		if p == nil {
			return rc.errT("room.err_no_poll")
		}
		switch args[0] {
		case "reveal":
			p.Reveal()
		case "revote":
			if !p.Revealed {
				return rc.errT("room.err_revote")
			}
			p.Revote(now)
		case "end":
			lr.m.EndPoll(now)
		}
		lr.changedLocked()
		return nil
	case room.PollLesson, room.PollValue, room.PollMessage, room.PollLeader:
	default:
		return rc.errT("room.err_usage", "usage", "poll lesson|value [K]|message|leader|reveal|revote|end")
	}
	p := room.Poll{Kind: args[0]}
	var qerr error
	if err := lr.sess.call(ctx, func(s *Session) {
		// The choices come from the view every protocol renders (the
		// generic state: values proposed, messages in flight, nodes).
		v := s.buildView()
		st := v.State
		switch args[0] {
		case room.PollLesson:
			if s.lesson == nil {
				qerr = rc.errT("room.err_no_lesson_q")
				return
			}
			q := s.lesson.lesson.Steps[s.lesson.step].Question
			if q == nil || len(q.Choices) == 0 {
				qerr = rc.errT("room.err_no_lesson_q")
				return
			}
			p.Step, p.N = s.lesson.step, len(q.Choices)
		case room.PollValue:
			if s.mp != nil { // in the protocol's terms: a slot or a log index (roompoll.go)
				arg := ""
				if len(args) == 2 {
					arg = args[1]
				}
				qerr = rc.logValuePoll(&v, arg, &p)
				return
			}
			if len(args) == 2 {
				qerr = rc.errT("room.err_usage", "usage", "poll value")
				return
			}
			p.Choices = append(p.Choices, st.Proposed...)
			if len(p.Choices) < 2 {
				qerr = rc.errT("room.err_few_values")
				return
			}
			o := outcomeOf(&v)
			p.Result = o.result(&p)
		case room.PollMessage:
			for _, m := range st.InFlight {
				p.Choices = append(p.Choices, "#"+strconv.Itoa(m.ID)+" "+m.Text)
			}
			if len(p.Choices) < 2 {
				qerr = rc.errT("room.err_few_msgs")
				return
			}
		case room.PollLeader:
			p.Choices = leaderChoices(st)
			if len(p.Choices) < 2 {
				qerr = rc.errT("room.err_few_servers")
				return
			}
		}
	}); err != nil {
		return err
	}
	if qerr != nil {
		return qerr
	}
	if p.Kind != room.PollLesson {
		if len(p.Choices) > room.MaxChoices {
			p.Choices = p.Choices[:room.MaxChoices]
		}
		p.N = len(p.Choices)
	}
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if _, err := lr.m.StartPoll(p, now); err != nil {
		return err
	}
	lr.changedLocked()
	return nil
}

// project puts a shared fork's state on the projector: the room's session
// replays the fork's script (the lesson, if any, stays at its step).
func (rc *roomConn) project(ctx context.Context, id int) error {
	lr := rc.lr
	lr.mu.Lock()
	sh, err := lr.m.Share(id)
	lr.mu.Unlock()
	if err != nil {
		return rc.modelErr(err)
	}
	fs, err := lr.hub.s.reg.Get(sh.Session)
	if err != nil {
		return rc.errT("room.err_fork_gone")
	}
	script, err := fs.Script(ctx)
	if err != nil {
		return rc.errT("room.err_fork_gone")
	}
	if err := rc.sameProtocol(script); err != nil {
		return err
	}
	if lr.proto != "" {
		return rc.projectLog(ctx, script)
	}
	h, err := historyFromScript(script)
	if err != nil {
		return err
	}
	return lr.sess.call(ctx, func(s *Session) {
		s.h = h
		s.playing, s.replaying, s.pausedBug = false, false, false
		s.last, s.lastAct = nil, ""
		s.afterChange()
		s.publish()
	})
}

// historyFromScript replays a script into a fresh history.
func historyFromScript(src string) (*sim.History, error) {
	sc, err := sim.Parse("script", src)
	if err != nil {
		return nil, err
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
	return h, nil
}
