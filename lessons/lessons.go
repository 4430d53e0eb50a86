// Package lessons reads, checks and plays paxviz lessons: step-by-step
// tutorials written as Markdown files with the paxviz script language inside
// (docs/lessons.md is the authoring guide).
//
// A lesson is one file per language, NN-slug.en.md or NN-slug.zh.md. Its
// front matter gives the title, summary and cluster line; each "## Title"
// starts a step with narrative, the actions that run when the learner enters
// the step, optionally a goal the learner reaches with their own actions
// (with a hint and a canonical solution), and optionally a question.
//
// The canonical path is the state a step starts from: the cluster line, then
// for every earlier step its actions, its solution and its reveal, then this
// step's actions. The learner's own moves never leak into the next step.
// Every built-in lesson is replayed along that path by the tests.
package lessons

import (
	"embed"
	"io/fs"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

//go:embed *.md
var embedded embed.FS

// Embedded returns the built-in lesson files.
func Embedded() fs.FS { return embedded }

// Lesson is one lesson file: one lesson in one language.
type Lesson struct {
	// ID is the file name without the language and extension: "02-happy-path".
	// Lessons list in ID order, so the leading number orders them.
	ID   string
	Lang i18n.Lang
	// File is the file name diagnostics use.
	File string
	// Title and Summary are plain text (not Markdown).
	Title   string
	Summary string
	// Objectives are the learning objectives, what the learner will be able
	// to do after the lesson: plain text, one per item, at least one.
	Objectives []string
	// ClusterLine is the cluster line as written (starting with "cluster");
	// AnyCluster is its parsed form, of any protocol. Protocol is the
	// protocol it names ("" single-decree Paxos, "multipaxos", "raft").
	// Cluster is the single-decree cluster (zero for another protocol).
	ClusterLine string
	AnyCluster  sim.AnyCluster
	Protocol    string
	Cluster     sim.Cluster
	// Minutes is the estimated length (0: not given).
	Minutes int
	// Sources are the references the lesson cites ("Paxos Made Simple §2.2").
	Sources []string
	// Breaks lists the invariants the lesson breaks on purpose (bug lessons);
	// on the canonical path every other invariant holds.
	Breaks []string
	Steps  []Step

	// lines records where front-matter keys were written, for diagnostics.
	lines map[string]int
}

// Step is one step of a lesson.
type Step struct {
	Title string
	// Line is the line of the step's "## Title".
	Line int
	// Narrative is the step's text (Markdown, without the script blocks);
	// render it with Render.
	Narrative string
	// Actions run when the learner enters the step: actions and `expect`
	// assertions, in order. ActionsLine is the line of the ```actions fence
	// (0: none).
	Actions     []sim.Stmt
	ActionsLine int
	// ClusterLine, when set, starts the step afresh on this cluster (the
	// first line of its ```actions, freshstep.go); AnyCluster is its
	// parsed form.
	ClusterLine string
	AnyCluster  sim.AnyCluster
	// Goal, when set, is what the learner must make true with their own
	// actions.
	Goal *Goal
	// Question, when set, is a multiple-choice question or a prediction.
	Question *Question
	// Compare, when set, is the step's side-by-side comparison (a
	// ```compare block; compare.go): its goal, solution and reveal are
	// about the comparison, not the lesson's cluster.
	Compare *CompareStep
}

// Goal is a state the learner must reach within a step.
type Goal struct {
	// Line is the line of "### Goal".
	Line int
	// Text tells the learner what to do (Markdown).
	Text string
	// Expects are the `expect` lines that must all hold; ExpectsLine is the
	// line of the ```goal fence.
	Expects     []sim.Stmt
	ExpectsLine int
	// Hint is shown on request (Markdown; "" when the lesson gives none).
	Hint string
	// Solution is the canonical way to reach the goal: actions (and
	// assertions) that run from the step's entry state. SolutionLine is the
	// line of the ```solution fence.
	Solution     []sim.Stmt
	SolutionLine int
}

// QuestionKind is the kind of a question.
type QuestionKind string

// Question kinds.
const (
	// Choice is a multiple-choice question with exactly one correct answer.
	Choice QuestionKind = "choice"
	// Predict asks the learner to predict what happens next; the answer is
	// revealed by running the Reveal actions. At most one choice is marked
	// correct, and it may have no choices at all (think, then reveal).
	Predict QuestionKind = "predict"
)

// Question is a step's question.
type Question struct {
	Kind QuestionKind
	// Line is the line of "### Question" or "### Predict".
	Line int
	// Prompt is the question (Markdown).
	Prompt  string
	Choices []Option
	// Explanation is shown once the learner has answered (Markdown).
	Explanation string
	// Reveal (Predict only) runs when the answer is revealed, from the
	// step's entry state. RevealLine is the line of the ```reveal fence.
	Reveal     []sim.Stmt
	RevealLine int
}

// Option is one answer of a question.
type Option struct {
	// Text is inline Markdown; render it with RenderInline.
	Text    string
	Correct bool
	Line    int
}

// Correct returns the index of the correct choice, or -1 when none is
// marked (a prediction without a right answer, or no choices).
func (q *Question) Correct() int {
	for i, c := range q.Choices {
		if c.Correct {
			return i
		}
	}
	return -1
}

// IsCorrect reports whether choice i is a right answer. When no choice is
// marked correct (a prediction), every choice is accepted.
func (q *Question) IsCorrect(i int) bool {
	if i < 0 || i >= len(q.Choices) {
		return false
	}
	c := q.Correct()
	return c < 0 || c == i
}

// HasGoal reports whether the step asks the learner to reach a goal.
func (st *Step) HasGoal() bool { return st.Goal != nil }

// ActionStmts returns the action statements among stmts (dropping
// `expect` lines), for a cluster of any protocol.
func ActionStmts(stmts []sim.Stmt) []sim.Stmt {
	var out []sim.Stmt
	for i := range stmts {
		if !stmts[i].IsExpect() {
			out = append(out, stmts[i])
		}
	}
	return out
}

// Actions returns the actions among stmts (dropping `expect` lines), for
// the single-decree API (Sim.Apply, History.Do); a lesson of any protocol
// uses ActionStmts with a sim.Machine.
func Actions(stmts []sim.Stmt) []sim.Action {
	var out []sim.Action
	for i := range stmts {
		if stmts[i].Action != nil {
			out = append(out, *stmts[i].Action)
		}
	}
	return out
}
