package room

import "time"

// MaxChoices bounds a poll's choices.
const MaxChoices = 12

// Poll kinds.
const (
	// PollLesson asks the lesson step's own question (its text is in each
	// student's page, in their language).
	PollLesson = "lesson"
	// PollValue asks which value will be chosen; the choices are the
	// values proposed so far.
	PollValue = "value"
	// PollMessage asks which in-flight message will be delivered first.
	PollMessage = "message"
	// PollLeader asks which server will lead next (a Multi-Paxos or Raft
	// room); the choices are the servers.
	PollLeader = "leader"
	// PollSlot asks which command a Multi-Paxos room will choose in one
	// slot (Poll.Slot); the choices are the commands in its servers' logs
	// or in flight for that slot, the clients' pending ones, and a no-op.
	PollSlot = "slot"
	// PollEntry asks which entry a Raft room will commit at one log index
	// (Poll.Slot); the choices are the entries at that index in any
	// server's log.
	PollEntry = "entry"
)

// Poll is a predict question put to the class.
type Poll struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
	// Step is the lesson step (0-based) of a lesson poll.
	Step int `json:"step"`
	// Choices are the choice texts of an ad hoc poll (values, messages);
	// a lesson poll has N choices whose texts each page has.
	Choices []string `json:"choices"`
	N       int      `json:"n"`
	// Slot is the slot (Multi-Paxos) or log index (Raft) a slot or entry
	// poll asks about; 0 for the other kinds.
	Slot int `json:"slot,omitempty"`
	// Result is the god's-eye answer at the shared session's current state
	// (the value chosen, the slot's chosen command, the index's committed
	// entry), in the choices' own text; "" while it is not decided. The
	// room sets it from every state frame, so an undo takes it back.
	Result   string `json:"result,omitempty"`
	Round    int    `json:"round"`
	Open     bool   `json:"open"`
	Revealed bool   `json:"revealed"`
	Opened   time.Time
	// Answers maps a student id to their choice in this round.
	Answers map[string]int `json:"answers"`
	// Rounds are the histograms of the earlier rounds (before a re-vote).
	Rounds [][]int `json:"rounds"`
	// Timeline is how many had answered over time (the dashboard's curve).
	Timeline []TimePoint `json:"timeline"`
}

// TimePoint is the number of answers some milliseconds after the round
// opened.
type TimePoint struct {
	Millis   int64 `json:"ms"`
	Round    int   `json:"round"`
	Answered int   `json:"answered"`
}

const maxTimeline = 600

// Answer records (or changes) a student's answer in the current round.
func (p *Poll) Answer(id string, choice int, now time.Time) error {
	if !p.Open {
		return ErrPollClosed
	}
	if choice < 0 || choice >= p.N {
		return ErrBadChoice
	}
	_, again := p.Answers[id]
	p.Answers[id] = choice
	if !again {
		tp := TimePoint{Millis: now.Sub(p.Opened).Milliseconds(), Round: p.Round, Answered: len(p.Answers)}
		// Answers arriving in the same 100 ms share one point, so the
		// timeline stays small however many students answer.
		if k := len(p.Timeline); k > 0 && p.Timeline[k-1].Round == tp.Round && tp.Millis-p.Timeline[k-1].Millis < 100 {
			p.Timeline[k-1].Answered = tp.Answered
		} else if k < maxTimeline {
			p.Timeline = append(p.Timeline, tp)
		}
	}
	return nil
}

// AnswerAt is Answer for a page that names the slot (or log index) it
// answers about: an answer about another slot than the poll's (a page
// still showing an earlier poll, or a forged frame) is refused.
func (p *Poll) AnswerAt(id string, choice, slot int, now time.Time) error {
	if slot != p.Slot {
		return ErrWrongSlot
	}
	return p.Answer(id, choice, now)
}

// SetResult records the god's-eye answer at the current state and
// reports whether it changed.
func (p *Poll) SetResult(r string) bool {
	if p.Result == r {
		return false
	}
	p.Result = r
	return true
}

// Answered counts the answers of the current round.
func (p *Poll) Answered() int { return len(p.Answers) }

// Histogram counts the current round's answers per choice.
func (p *Poll) Histogram() []int {
	h := make([]int, p.N)
	for _, c := range p.Answers {
		if c >= 0 && c < p.N {
			h[c]++
		}
	}
	return h
}

// Reveal shows the split to everyone and stops the round's answers.
func (p *Poll) Reveal() {
	p.Revealed = true
	p.Open = false
}

// Revote keeps the revealed round's histogram and opens a fresh round
// (after peer discussion).
func (p *Poll) Revote(now time.Time) {
	p.Rounds = append(p.Rounds, p.Histogram())
	p.Answers = map[string]int{}
	p.Round++
	p.Open, p.Revealed = true, false
	p.Opened = now
}

// PollSummary is a poll as shown: the split only when full or revealed.
type PollSummary struct {
	ID       int         `json:"id"`
	Kind     string      `json:"kind"`
	Step     int         `json:"step"`
	Choices  []string    `json:"choices"`
	N        int         `json:"n"`
	Slot     int         `json:"slot,omitempty"`
	Result   string      `json:"result,omitempty"` // only when full or revealed
	Round    int         `json:"round"`
	Open     bool        `json:"open"`
	Revealed bool        `json:"revealed"`
	Answered int         `json:"answered"`
	Hist     []int       `json:"hist,omitempty"`
	Rounds   [][]int     `json:"rounds,omitempty"`
	Timeline []TimePoint `json:"timeline,omitempty"`
}

// Summary returns the poll as shown; full includes the split before the
// reveal (the instructor's dashboard) and the timeline.
func (p *Poll) Summary(full bool) PollSummary {
	s := PollSummary{ID: p.ID, Kind: p.Kind, Step: p.Step, Choices: append([]string{}, p.Choices...), N: p.N, Slot: p.Slot, Round: p.Round,
		Open: p.Open, Revealed: p.Revealed, Answered: p.Answered()}
	if full || p.Revealed {
		s.Hist = p.Histogram()
		s.Rounds = p.Rounds
		s.Result = p.Result
	}
	if full {
		s.Timeline = append([]TimePoint{}, p.Timeline...)
	}
	return s
}

// MyAnswer returns a student's choice in the current round (-1 none).
func (p *Poll) MyAnswer(id string) int {
	if c, ok := p.Answers[id]; ok {
		return c
	}
	return -1
}
