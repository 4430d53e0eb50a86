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
)

// Poll is a predict question put to the class.
type Poll struct {
	ID   int    `json:"id"`
	Kind string `json:"kind"`
	// Step is the lesson step (0-based) of a lesson poll.
	Step int `json:"step"`
	// Choices are the choice texts of an ad hoc poll (values, messages);
	// a lesson poll has N choices whose texts each page has.
	Choices  []string `json:"choices"`
	N        int      `json:"n"`
	Round    int      `json:"round"`
	Open     bool     `json:"open"`
	Revealed bool     `json:"revealed"`
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
	s := PollSummary{ID: p.ID, Kind: p.Kind, Step: p.Step, Choices: append([]string{}, p.Choices...), N: p.N, Round: p.Round,
		Open: p.Open, Revealed: p.Revealed, Answered: p.Answered()}
	if full || p.Revealed {
		s.Hist = p.Histogram()
		s.Rounds = p.Rounds
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
