// Package room is the pure model of a live classroom: a room's join code
// and instructor secret, its students, predict polls with their answers,
// histograms and re-votes, students' private forks and the forks they
// share, the instructor's dashboard counts, and the limits (room cap, join
// rate per address, idle expiry, lock and close).
//
// Nothing here does I/O or starts goroutines; times are passed in. The
// web package owns the sockets and the shared session; it keeps one mutex
// per Room.
package room

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// CodeAlphabet is the join code's alphabet: capital letters and digits
// without the ones that read alike on a projector or a phone (0/O/Q, 1/I/L,
// 2/Z, 5/S, 8/B, U/V).
const CodeAlphabet = "ACDEFGHJKMNPRTWXY34679"

// CodeLen is a join code's length: 22^6 ≈ 1.1e8 codes.
const CodeLen = 6

// Errors of the room model; the web layer maps them to status codes and
// translated messages.
var (
	ErrBadCode     = errors.New("room: a join code is 6 letters and digits")
	ErrNoRoom      = errors.New("room: no such room (it may have been closed or expired)")
	ErrTooMany     = errors.New("room: too many rooms; try again later")
	ErrFull        = errors.New("room: the room is full")
	ErrLocked      = errors.New("room: the instructor has locked joining")
	ErrClosed      = errors.New("room: the room is closed")
	ErrNoPoll      = errors.New("room: no poll is open")
	ErrPollClosed  = errors.New("room: the poll is closed")
	ErrBadChoice   = errors.New("room: no such choice")
	ErrWrongSlot   = errors.New("room: the answer is about another slot than the poll's")
	ErrNoStudent   = errors.New("room: unknown student")
	ErrNotReleased = errors.New("room: the instructor has not released the class yet")
	ErrNoFork      = errors.New("room: you are not on a fork")
	ErrNoShare     = errors.New("room: no such shared fork")
	ErrRateLimited = errors.New("room: too many joins from this address; wait a moment")
)

// NewCode returns a random join code read from r (crypto/rand when nil).
func NewCode(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [CodeLen]byte
	out := make([]byte, CodeLen)
	// Rejection sampling keeps every letter equally likely.
	limit := byte(256 - 256%len(CodeAlphabet))
	for i := 0; i < CodeLen; {
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return "", err
		}
		for _, c := range b {
			if c >= limit || i == CodeLen {
				continue
			}
			out[i] = CodeAlphabet[int(c)%len(CodeAlphabet)]
			i++
		}
	}
	return string(out), nil
}

// NormalizeCode turns what a person typed into a code: case, spaces and
// dashes do not matter; any letter outside the alphabet is an error.
func NormalizeCode(s string) (string, error) {
	var sb strings.Builder
	for _, c := range strings.ToUpper(s) {
		switch c {
		case ' ', '-', '\t':
			continue
		}
		if sb.Len() >= CodeLen || !strings.ContainsRune(CodeAlphabet, c) {
			return "", ErrBadCode
		}
		sb.WriteRune(c)
	}
	if sb.Len() != CodeLen {
		return "", ErrBadCode
	}
	return sb.String(), nil
}

// NewSecret returns a random 128-bit secret, hex-encoded (crypto/rand
// when r is nil).
func NewSecret(r io.Reader) (string, error) {
	if r == nil {
		r = rand.Reader
	}
	var b [16]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// SecretOK compares a presented secret with the room's in constant time.
func SecretOK(want, got string) bool {
	if want == "" || len(got) != len(want) {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// Limits bound a room and the rooms of a server.
type Limits struct {
	// MaxRooms caps the live rooms of a server.
	MaxRooms int
	// MaxStudents caps the students of one room.
	MaxStudents int
	// JoinRate (joins per second) and JoinBurst limit new students per
	// client address.
	JoinRate  float64
	JoinBurst int
	// IdleExpiry removes a room nobody is connected to and nobody has
	// acted in for this long.
	IdleExpiry time.Duration
	// MaxShares caps a room's shared forks (oldest dropped first).
	MaxShares int
}

// DefaultLimits are sized for a 200-student lecture with room to spare.
// The join rate is per client address, and a whole lecture hall often
// reaches the server through one NAT address: 300 may join at once, then
// 5 a second.
var DefaultLimits = Limits{MaxRooms: 200, MaxStudents: 1000, JoinRate: 5, JoinBurst: 300, IdleExpiry: 12 * time.Hour, MaxShares: 100}

// Student is one member of a room. Students have no account: a random
// id kept in a cookie, and a number for anonymous labels ("student 7").
type Student struct {
	ID   string `json:"id"`
	Num  int    `json:"num"`
	Lang string `json:"lang"`
	// Fork is the student's private session while they try it themselves
	// ("" when following the class).
	Fork string `json:"fork,omitempty"`
	// GoalMet: on their fork the lesson step's goal holds.
	GoalMet bool `json:"goal_met,omitempty"`
	// Conns is the number of open sockets (not persisted).
	Conns int `json:"-"`
}

// Share is a fork a student shared with the instructor.
type Share struct {
	ID      int       `json:"id"`
	Student int       `json:"student"` // the student's number, not their id
	Session string    `json:"session"`
	Step    int       `json:"step"`
	At      time.Time `json:"at"`
}

// Room is one classroom. It is not safe for concurrent use.
type Room struct {
	Code   string `json:"code"`
	Secret string `json:"secret"`
	// Lesson is the lesson the room teaches ("" for a sandbox room).
	Lesson     string              `json:"lesson,omitempty"`
	Created    time.Time           `json:"created"`
	LastActive time.Time           `json:"last_active"`
	Locked     bool                `json:"locked"`
	Closed     bool                `json:"closed"`
	Released   bool                `json:"released"`
	Students   map[string]*Student `json:"students"`
	NextNum    int                 `json:"next_num"`
	Poll       *Poll               `json:"poll,omitempty"`
	Polls      []PollSummary       `json:"polls"`
	Shares     []Share             `json:"shares"`
	NextShare  int                 `json:"next_share"`
	NextPoll   int                 `json:"next_poll"`
	// InstructorConns counts the instructor's open sockets (not
	// persisted).
	InstructorConns int    `json:"-"`
	Limits          Limits `json:"-"`
}

// New returns an open room.
func New(code, secret, lesson string, now time.Time, lim Limits) *Room {
	return &Room{Code: code, Secret: secret, Lesson: lesson, Created: now, LastActive: now,
		Students: map[string]*Student{}, Polls: []PollSummary{}, Shares: []Share{}, Limits: lim}
}

// Join admits a student: a known id (a reconnect, a reload) always comes
// back in unless the room is closed; a new one needs the room open (not
// locked) and below its cap. It returns the student.
func (r *Room) Join(id, lang string, now time.Time) (*Student, error) {
	if r.Closed {
		return nil, ErrClosed
	}
	if st, ok := r.Students[id]; ok {
		if lang != "" {
			st.Lang = lang
		}
		return st, nil
	}
	if r.Locked {
		return nil, ErrLocked
	}
	if r.Limits.MaxStudents > 0 && len(r.Students) >= r.Limits.MaxStudents {
		return nil, ErrFull
	}
	if id == "" {
		return nil, ErrNoStudent
	}
	r.NextNum++
	st := &Student{ID: id, Num: r.NextNum, Lang: lang}
	r.Students[id] = st
	r.LastActive = now
	return st, nil
}

// Student returns a member by id.
func (r *Room) Student(id string) (*Student, bool) {
	st, ok := r.Students[id]
	return st, ok
}

// Connect and Disconnect count a student's open sockets.
func (r *Room) Connect(id string, now time.Time) error {
	st, ok := r.Students[id]
	if !ok {
		return ErrNoStudent
	}
	st.Conns++
	r.LastActive = now
	return nil
}

// Disconnect is Connect's undo.
func (r *Room) Disconnect(id string, now time.Time) {
	if st, ok := r.Students[id]; ok && st.Conns > 0 {
		st.Conns--
	}
	r.LastActive = now
}

// Connected counts students with at least one open socket.
func (r *Room) Connected() int {
	n := 0
	for _, st := range r.Students {
		if st.Conns > 0 {
			n++
		}
	}
	return n
}

// Touch records activity (an instructor's action).
func (r *Room) Touch(now time.Time) { r.LastActive = now }

// Idle reports whether the room has expired at now: nobody connected and
// no activity for the idle limit.
func (r *Room) Idle(now time.Time) bool {
	if r.Limits.IdleExpiry <= 0 || r.InstructorConns > 0 || r.Connected() > 0 {
		return false
	}
	return now.Sub(r.LastActive) > r.Limits.IdleExpiry
}

// Lock stops new students from joining (members may still reconnect).
func (r *Room) Lock(on bool, now time.Time) { r.Locked = on; r.LastActive = now }

// Close ends the room for everyone.
func (r *Room) Close(now time.Time) { r.Closed = true; r.LastActive = now }

// Release lets every student try it themselves on a private fork; Recall
// ends that (forks stay, but students are asked back).
func (r *Room) Release(on bool, now time.Time) {
	r.Released = on
	r.LastActive = now
}

// StartFork records that a student now works on session fork.
func (r *Room) StartFork(id, fork string, now time.Time) error {
	st, ok := r.Students[id]
	if !ok {
		return ErrNoStudent
	}
	if !r.Released {
		return ErrNotReleased
	}
	st.Fork, st.GoalMet = fork, false
	r.LastActive = now
	return nil
}

// BackToClass returns a student from their fork to the live room.
func (r *Room) BackToClass(id string) error {
	st, ok := r.Students[id]
	if !ok {
		return ErrNoStudent
	}
	if st.Fork == "" {
		return ErrNoFork
	}
	st.Fork, st.GoalMet = "", false
	return nil
}

// SetGoal records whether a student's fork meets the lesson step's goal.
func (r *Room) SetGoal(id string, met bool) {
	if st, ok := r.Students[id]; ok && st.Fork != "" {
		st.GoalMet = met
	}
}

// ShareFork records that a student shares their fork (at step) with the
// instructor; sharing again replaces the student's previous share.
func (r *Room) ShareFork(id string, step int, now time.Time) (Share, error) {
	st, ok := r.Students[id]
	if !ok {
		return Share{}, ErrNoStudent
	}
	if st.Fork == "" {
		return Share{}, ErrNoFork
	}
	r.Shares = slicesDeleteFunc(r.Shares, func(s Share) bool { return s.Student == st.Num })
	r.NextShare++
	sh := Share{ID: r.NextShare, Student: st.Num, Session: st.Fork, Step: step, At: now}
	r.Shares = append(r.Shares, sh)
	if m := r.Limits.MaxShares; m > 0 && len(r.Shares) > m {
		r.Shares = r.Shares[len(r.Shares)-m:]
	}
	r.LastActive = now
	return sh, nil
}

// Share returns a shared fork by id.
func (r *Room) Share(id int) (Share, error) {
	for _, s := range r.Shares {
		if s.ID == id {
			return s, nil
		}
	}
	return Share{}, ErrNoShare
}

func slicesDeleteFunc[T any](s []T, del func(T) bool) []T {
	out := s[:0]
	for _, x := range s {
		if !del(x) {
			out = append(out, x)
		}
	}
	return out
}

// Forks lists the students on forks, by number (what the dashboard and
// the goal check iterate; never map order).
func (r *Room) Forks() []Student {
	var out []Student
	for _, st := range r.Students {
		if st.Fork != "" {
			out = append(out, *st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Num < out[j].Num })
	return out
}

// Dashboard is what the instructor sees about the class.
type Dashboard struct {
	Students  int            `json:"students"`  // members ever joined
	Connected int            `json:"connected"` // with an open socket
	OnForks   int            `json:"on_forks"`  // trying it themselves
	GoalMet   int            `json:"goal_met"`  // whose fork meets the step's goal
	Shares    []Share        `json:"shares"`    // newest last
	Polls     []PollSummary  `json:"polls"`     // finished polls
	Poll      *PollSummary   `json:"poll"`      // the current poll, with its split
	ByLang    map[string]int `json:"by_lang"`   // connected students per UI language
}

// Dashboard computes the instructor's counts.
func (r *Room) Dashboard() Dashboard {
	d := Dashboard{Students: len(r.Students), Shares: append([]Share{}, r.Shares...), Polls: append([]PollSummary{}, r.Polls...), ByLang: map[string]int{}}
	for _, st := range r.Students {
		if st.Conns > 0 {
			d.Connected++
			d.ByLang[st.Lang]++
		}
		if st.Fork != "" {
			d.OnForks++
			if st.GoalMet {
				d.GoalMet++
			}
		}
	}
	if r.Poll != nil {
		s := r.Poll.Summary(true)
		d.Poll = &s
	}
	return d
}

// Public is what every member of the room may see.
type Public struct {
	Code     string       `json:"code"`
	Open     bool         `json:"open"` // accepting new students
	Locked   bool         `json:"locked"`
	Closed   bool         `json:"closed"`
	Released bool         `json:"released"`
	Students int          `json:"students"` // connected students
	Poll     *PollSummary `json:"poll"`     // the split only once revealed
}

// Public returns the room's public status.
func (r *Room) Public() Public {
	p := Public{Code: r.Code, Open: !r.Locked && !r.Closed, Locked: r.Locked, Closed: r.Closed, Released: r.Released, Students: r.Connected()}
	if r.Poll != nil {
		s := r.Poll.Summary(false)
		p.Poll = &s
	}
	return p
}

// StartPoll opens a new poll (closing the current one into the history).
func (r *Room) StartPoll(p Poll, now time.Time) (*Poll, error) {
	if p.N < 1 || p.N > MaxChoices {
		return nil, fmt.Errorf("room: a poll has 1..%d choices, not %d", MaxChoices, p.N)
	}
	if len(p.Choices) != 0 && len(p.Choices) != p.N {
		return nil, fmt.Errorf("room: %d choice texts for %d choices", len(p.Choices), p.N)
	}
	r.EndPoll(now)
	r.NextPoll++
	p.ID, p.Round, p.Open, p.Revealed = r.NextPoll, 1, true, false
	p.Opened = now
	p.Answers = map[string]int{}
	p.Timeline = []TimePoint{}
	p.Rounds = nil
	r.Poll = &p
	r.LastActive = now
	return r.Poll, nil
}

// EndPoll closes the current poll and keeps its summary.
func (r *Room) EndPoll(now time.Time) {
	if r.Poll == nil {
		return
	}
	r.Poll.Open = false
	s := r.Poll.Summary(true)
	r.Polls = append(r.Polls, s)
	if len(r.Polls) > maxPollHistory {
		r.Polls = r.Polls[len(r.Polls)-maxPollHistory:]
	}
	r.Poll = nil
	r.LastActive = now
}

// Answer records a member's answer to the open poll.
func (r *Room) Answer(id string, choice int, now time.Time) error {
	if _, ok := r.Students[id]; !ok {
		return ErrNoStudent
	}
	if r.Poll == nil {
		return ErrNoPoll
	}
	return r.Poll.Answer(id, choice, now)
}

// AnswerAt records a member's answer to the open poll, which must be
// about slot (Poll.AnswerAt).
func (r *Room) AnswerAt(id string, choice, slot int, now time.Time) error {
	if _, ok := r.Students[id]; !ok {
		return ErrNoStudent
	}
	if r.Poll == nil {
		return ErrNoPoll
	}
	return r.Poll.AnswerAt(id, choice, slot, now)
}

const maxPollHistory = 50
