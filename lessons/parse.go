package lessons

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// MaxFileBytes bounds a lesson file.
const MaxFileBytes = 1 << 20

// MaxMinutes bounds the minutes: key.
const MaxMinutes = 600

// MaxObjectives bounds the objectives: list; a lesson teaches a few things.
const MaxObjectives = 8

// Front-matter keys.
var frontKeys = []string{"title", "summary", "objectives", "cluster", "minutes", "sources", "breaks", "lang"}

// Script block kinds (the info word of a fenced block).
const (
	blockActions  = "actions"
	blockGoal     = "goal"
	blockSolution = "solution"
	blockReveal   = "reveal"
)

var fileNameRE = regexp.MustCompile(`^([0-9]+-[a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z]+)\.md$`)

// ParseName splits a lesson file's base name NN-slug.LANG.md into the lesson
// id NN-slug and the language (en or zh).
func ParseName(base string) (id string, lang i18n.Lang, err error) {
	m := fileNameRE.FindStringSubmatch(base)
	if m == nil {
		return "", "", fmt.Errorf("%q is not a lesson file name: name it NN-slug.en.md or NN-slug.zh.md (NN a number, slug lower-case words joined by -)", base)
	}
	switch i18n.Lang(m[2]) {
	case i18n.EN, i18n.ZH:
	default:
		return "", "", fmt.Errorf("%q: unknown language %q in the file name (en or zh)", base, m[2])
	}
	return m[1], i18n.Lang(m[2]), nil
}

// Parse reads one lesson file. name is the file's name for diagnostics; its
// base name gives the lesson id and language. Parse checks the structure and
// the script syntax; Check and Load also replay the canonical path. The
// lesson is returned even when there are errors, as far as it could be read.
func Parse(name string, src []byte) (*Lesson, Diagnostics) {
	p := &parser{diagList: diagList{file: name}, l: &Lesson{File: name, lines: map[string]int{}}}
	id, lang, err := ParseName(path.Base(name))
	if err != nil {
		p.errorf(0, "%v", err)
	}
	p.l.ID, p.l.Lang = id, lang
	if len(src) > MaxFileBytes {
		p.errorf(0, "the file is larger than %d bytes", MaxFileBytes)
		return p.l, p.diags
	}
	if !utf8.Valid(src) {
		p.errorf(0, "the file is not valid UTF-8")
		return p.l, p.diags
	}
	text := strings.TrimPrefix(string(src), "\uFEFF")
	lines := strings.Split(text, "\n")
	for i := range lines {
		lines[i] = strings.TrimSuffix(lines[i], "\r")
	}
	body := p.frontMatter(lines)
	p.body(lines, body)
	return p.l, p.diags
}

type parser struct {
	diagList
	l  *Lesson
	cl *sim.AnyCluster // nil until a valid cluster line is read
	// breaks is the breaks: value and its line, checked once the cluster
	// (which names the protocol, hence its invariants) is known.
	breaks     string
	breaksLine int
	b          *stepBuilder // the step being read
	// strayText is set once text before the first step has been reported.
	strayText bool
	// badObjective is set once an objectives: item has been reported.
	badObjective bool
	// fresh is the cluster line that starts the ```actions block being
	// read (freshstep.go), until the block is stored.
	fresh freshLine
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// frontMatter reads the lines between the opening and closing --- and
// returns the index of the first body line.
func (p *parser) frontMatter(lines []string) int {
	if strings.TrimSpace(lines[0]) != "---" {
		p.errorf(1, "a lesson starts with front matter: a line ---, then key: value lines (title, summary, cluster, ...), then a line ---")
		return 0
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) == "---" {
			end = i
			break
		}
	}
	if end < 0 {
		p.errorf(1, "the front matter is not closed: add a line --- after its last key")
		return len(lines)
	}
	l := p.l
	inObjectives := false // the lines under objectives: are its items
	for i := 1; i < end; i++ {
		ln := i + 1
		raw := strings.TrimSpace(lines[i])
		if raw == "" || strings.HasPrefix(raw, "#") {
			continue
		}
		if item, isItem := listItem(raw); isItem {
			p.objective(item, ln, inObjectives)
			continue
		}
		inObjectives = false
		key, val, ok := strings.Cut(raw, ":")
		key, val = strings.TrimSpace(key), unquote(strings.TrimSpace(val))
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			p.errorf(ln, "front matter: %q is not a key: value line", raw)
			continue
		}
		if first, dup := l.lines[key]; dup {
			p.errorf(ln, "front matter: %s: given twice (first at line %d)", key, first)
			continue
		}
		l.lines[key] = ln
		if strings.IndexFunc(val, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0 {
			p.errorf(ln, "front matter: %s: contains a control character", key)
			continue
		}
		switch key {
		case "title":
			l.Title = val
		case "summary":
			l.Summary = val
		case "objectives":
			if val != "" {
				p.errorf(ln, "objectives: write each objective on a line of its own below objectives:, starting with - (a list, like the one in the guide)")
				continue
			}
			inObjectives = true
		case "cluster":
			line := val
			if line != "cluster" && !strings.HasPrefix(line, "cluster ") {
				line = "cluster " + line
			}
			cl, err := sim.ParseAnyCluster(line)
			if err != nil {
				p.errorf(ln, "bad cluster line %q: %v", line, err)
				continue
			}
			l.ClusterLine, l.AnyCluster, l.Protocol, l.Cluster = line, cl, cl.Protocol, cl.SD
			p.cl = &cl
		case "minutes":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > MaxMinutes {
				p.errorf(ln, "minutes: %q is not a whole number of minutes 1..%d", val, MaxMinutes)
				continue
			}
			l.Minutes = n
		case "sources":
			for _, s := range strings.Split(val, ";") {
				if s = strings.TrimSpace(s); s != "" {
					l.Sources = append(l.Sources, s)
				}
			}
		case "breaks":
			p.breaks, p.breaksLine = val, ln
		case "lang":
			if val != string(i18n.EN) && val != string(i18n.ZH) {
				p.errorf(ln, "lang: %q is not a language (en or zh)", val)
			} else if l.Lang != "" && i18n.Lang(val) != l.Lang {
				p.errorf(ln, "lang: %s, but the file name says %s", val, l.Lang)
			}
		default:
			p.errorf(ln, "front matter: unknown key %q (known: %s)", key, strings.Join(frontKeys, ", "))
		}
	}
	if p.breaksLine != 0 {
		p.breakList(p.breaks, p.breaksLine)
	}
	for _, key := range []string{"title", "summary", "objectives", "cluster"} {
		ln, ok := l.lines[key]
		switch {
		case !ok && key == "objectives":
			p.errorf(1, "front matter: missing objectives: list what the learner will be able to do after the lesson, one line each below objectives:, starting with -")
		case !ok:
			p.errorf(1, "front matter: missing %s:", key)
		case key == "objectives" && len(l.Objectives) == 0 && !p.badObjective:
			p.errorf(ln, "front matter: objectives: has no items: list them below it, one a line, starting with -")
		case key == "title" && l.Title == "" || key == "summary" && l.Summary == "":
			p.errorf(ln, "front matter: %s: is empty", key)
		}
	}
	return end + 1
}

// listItem recognizes a front-matter list item, "- text" (or a lone "-").
func listItem(raw string) (string, bool) {
	if raw == "-" {
		return "", true
	}
	if rest, ok := strings.CutPrefix(raw, "- "); ok {
		return strings.TrimSpace(rest), true
	}
	if rest, ok := strings.CutPrefix(raw, "-\t"); ok {
		return strings.TrimSpace(rest), true
	}
	return "", false
}

// objective takes one "- text" line of the front matter; under says whether
// it follows objectives: (or an earlier item of it).
func (p *parser) objective(item string, ln int, under bool) {
	l := p.l
	item = unquote(item)
	switch {
	case !under:
		p.badObjective = true
		p.errorf(ln, "front matter: a list item (- ...) belongs below objectives:, the only key that takes a list")
	case item == "":
		p.badObjective = true
		p.errorf(ln, "front matter: objectives: an empty item")
	case strings.IndexFunc(item, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }) >= 0:
		p.badObjective = true
		p.errorf(ln, "front matter: objectives: contains a control character")
	case len(l.Objectives) == MaxObjectives:
		p.badObjective = true
		p.errorf(ln, "front matter: objectives: more than %d; keep the few that matter most", MaxObjectives)
	default:
		l.Objectives = append(l.Objectives, item)
	}
}

// breakList reads the breaks: value: invariants of the cluster's protocol
// (single-decree Paxos's when the cluster line is missing or bad).
func (p *parser) breakList(val string, ln int) {
	known := sim.Invariants
	if p.cl != nil {
		known = p.cl.Invariants()
	}
	seen := map[string]bool{}
	for _, name := range strings.Split(val, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "":
			p.errorf(ln, "breaks: an empty invariant name (write breaks: agreement, validity)")
		case !slices.Contains(known, name):
			p.errorf(ln, "breaks: unknown invariant %q (known: %s)", name, strings.Join(known, ", "))
		case seen[name]:
			p.errorf(ln, "breaks: %s listed twice", name)
		default:
			seen[name] = true
			p.l.Breaks = append(p.l.Breaks, name)
		}
	}
}

// section is a part of a step; sections come in this order.
type section int

const (
	secText section = iota
	secGoal
	secHint
	secQuestion
	secExplanation
	numSections
)

var sectionNames = [numSections]string{"text", "Goal", "Hint", "Question", "Explanation"}

// fence is an open fenced block.
type fence struct {
	char  byte
	n     int
	kind  string // a script block kind, or "" for a block shown as code
	line  int
	lines []string
	nums  []int
}

// stepBuilder collects one step as its lines arrive.
type stepBuilder struct {
	st    *Step
	sec   section
	kind  QuestionKind
	text  [numSections][]string
	at    [numSections]int // line of each ### section (0: absent)
	block map[string]int   // line of each script block kind seen
	goal  struct {
		expects, solution []sim.Stmt
	}
	reveal      []sim.Stmt
	choices     []Option
	afterChoice bool // a line of text followed the choices (reported)
}

func (p *parser) body(lines []string, start int) {
	var f *fence
	for i := start; i < len(lines); i++ {
		ln, line := i+1, lines[i]
		if f != nil {
			if closesFence(line, f) {
				p.endFence(f, line, ln)
				f = nil
				continue
			}
			if f.kind == "" {
				p.text(line, ln, true)
			} else {
				f.lines, f.nums = append(f.lines, line), append(f.nums, ln)
			}
			continue
		}
		if nf := p.openFence(line, ln); nf != nil {
			f = nf
			continue
		}
		if level, title, ok := atxHeading(line); ok && level <= 3 {
			switch level {
			case 1:
				p.errorf(ln, "# headings are not used in a lesson: its title is in the front matter, and ## Title starts a step")
			case 2:
				p.startStep(title, ln)
			case 3:
				p.startSection(title, ln)
			}
			continue
		}
		p.text(line, ln, false)
	}
	if f != nil {
		what := "code block"
		if f.kind != "" {
			what = "```" + f.kind + " block"
		}
		p.errorf(f.line, "the %s is not closed: end it with a line %s", what, strings.Repeat(string(f.char), f.n))
	}
	p.finishStep()
	if len(p.l.Steps) == 0 {
		p.errorf(max(start, 1), "a lesson needs at least one step: a line ## Title, then its text")
	}
	seen := map[string]int{}
	for _, st := range p.l.Steps {
		if first, ok := seen[st.Title]; ok {
			p.warnf(st.Line, "two steps are titled %q (the first at line %d)", st.Title, first)
			continue
		}
		seen[st.Title] = st.Line
	}
}

// trimIndent removes up to three leading spaces, as CommonMark allows
// before a fence or a heading; ok is false when the line is indented more
// (an indented code block).
func trimIndent(line string) (string, bool) {
	for i := 0; i < 4; i++ {
		if i == len(line) || line[i] != ' ' {
			return line[i:], true
		}
	}
	return line, false
}

// openFence starts a fenced block when line opens one.
func (p *parser) openFence(line string, ln int) *fence {
	s, ok := trimIndent(line)
	if !ok || len(s) < 3 || (s[0] != '`' && s[0] != '~') {
		return nil
	}
	n := 0
	for n < len(s) && s[n] == s[0] {
		n++
	}
	if n < 3 {
		return nil
	}
	info := strings.TrimSpace(s[n:])
	if s[0] == '`' && strings.Contains(info, "`") {
		return nil // inline code, not a fence
	}
	f := &fence{char: s[0], n: n, line: ln}
	words := strings.Fields(info)
	word := ""
	if len(words) > 0 {
		word = words[0]
	}
	switch word {
	case blockActions, blockGoal, blockSolution, blockReveal, blockCompare:
		f.kind = word
		if len(words) > 1 {
			p.errorf(ln, "unexpected %q after ```%s: a script block's fence line holds only its kind", strings.Join(words[1:], " "), word)
		}
		return f
	case "", "text":
	default:
		p.errorf(ln, "unknown block kind %q: script blocks are ```actions, ```goal, ```solution, ```reveal and ```compare; a block shown as code is ```text (or has no kind)", word)
	}
	p.text(line, ln, true)
	return f
}

func closesFence(line string, f *fence) bool {
	s, ok := trimIndent(line)
	if !ok {
		return false
	}
	n := 0
	for n < len(s) && s[n] == f.char {
		n++
	}
	return n >= f.n && strings.TrimSpace(s[n:]) == ""
}

// atxHeading recognizes "## Title" (up to three spaces before it; a
// closing run of # is dropped).
func atxHeading(line string) (level int, title string, ok bool) {
	s, ok := trimIndent(line)
	if !ok {
		return 0, "", false
	}
	for level < len(s) && s[level] == '#' {
		level++
	}
	if level == 0 || level > 6 || (level < len(s) && s[level] != ' ' && s[level] != '\t') {
		return 0, "", false
	}
	title = strings.TrimSpace(s[level:])
	if t := strings.TrimRight(title, "#"); t != title && (t == "" || strings.HasSuffix(t, " ") || strings.HasSuffix(t, "\t")) {
		title = strings.TrimSpace(t)
	}
	return level, title, true
}

var choiceRE = regexp.MustCompile(`^ {0,3}[-*+][ \t]+\[([ xX])\](?:[ \t]+(.*))?$`)

// text takes one line of Markdown (code is set for lines of a block shown
// as code, which are never choices).
func (p *parser) text(line string, ln int, code bool) {
	b := p.b
	if b == nil {
		if strings.TrimSpace(line) != "" && !p.strayText {
			p.strayText = true
			p.errorf(ln, "text before the first step: start a step with a line ## Title (the lesson's title and summary belong in the front matter)")
		}
		return
	}
	if !code {
		if m := choiceRE.FindStringSubmatch(line); m != nil {
			if b.sec != secQuestion {
				p.errorf(ln, "a choice (- [ ] or - [x]) outside ### Question or ### Predict")
				return
			}
			text := strings.TrimSpace(m[2])
			if text == "" {
				p.errorf(ln, "an empty choice")
			}
			b.choices = append(b.choices, Option{Text: text, Correct: m[1] != " ", Line: ln})
			return
		}
		if b.sec == secQuestion && len(b.choices) > 0 && strings.TrimSpace(line) != "" {
			if !b.afterChoice {
				b.afterChoice = true
				p.errorf(ln, "text after the choices: the choices (one line each, - [ ] or - [x]) end the question; put the explanation under ### Explanation")
			}
			return
		}
	}
	b.text[b.sec] = append(b.text[b.sec], line)
}

func (p *parser) startStep(title string, ln int) {
	p.finishStep()
	if title == "" {
		p.errorf(ln, "a step needs a title: ## Title")
	}
	p.l.Steps = append(p.l.Steps, Step{Title: title, Line: ln})
	p.b = &stepBuilder{st: &p.l.Steps[len(p.l.Steps)-1], block: map[string]int{}}
}

func (p *parser) startSection(title string, ln int) {
	b := p.b
	if b == nil {
		p.errorf(ln, "### %s before the first step: start a step with a line ## Title", title)
		return
	}
	var sec section
	kind := QuestionKind("")
	switch strings.ToLower(title) {
	case "goal":
		sec = secGoal
	case "hint":
		sec = secHint
	case "question":
		sec, kind = secQuestion, Choice
	case "predict":
		sec, kind = secQuestion, Predict
	case "explanation":
		sec = secExplanation
	default:
		p.errorf(ln, "unknown section ### %s: a step's sections are ### Goal, ### Hint, ### Question, ### Predict and ### Explanation (use #### for a heading inside the text)", title)
		return
	}
	name := sectionNames[sec]
	if kind == Predict {
		name = "Predict"
	}
	switch {
	case b.at[sec] != 0 && sec == secQuestion:
		p.errorf(ln, "a step has at most one question (### Question or ### Predict); the first is at line %d", b.at[sec])
	case b.at[sec] != 0:
		p.errorf(ln, "a step has at most one ### %s; the first is at line %d", name, b.at[sec])
	case sec < b.sec:
		p.errorf(ln, "### %s must come before ### %s: a step's sections come in the order Goal, Hint, Question or Predict, Explanation", name, sectionNames[b.sec])
	case sec == secHint && b.at[secGoal] == 0:
		p.errorf(ln, "### Hint belongs to a goal: add ### Goal before it")
	case sec == secExplanation && b.at[secQuestion] == 0:
		p.errorf(ln, "### Explanation explains a question: add ### Question or ### Predict before it")
	}
	if b.at[sec] == 0 {
		b.at[sec] = ln
		if kind != "" {
			b.kind = kind
		}
	}
	b.sec = sec
}

// endFence finishes a fenced block.
func (p *parser) endFence(f *fence, line string, ln int) {
	if f.kind == "" {
		p.text(line, ln, true)
		return
	}
	b := p.b
	if b == nil {
		p.errorf(f.line, "a ```%s block before the first step: start a step with a line ## Title", f.kind)
		return
	}
	if p.compareFence(f) {
		return // a comparison step's block (compare.go)
	}
	placed := true
	switch f.kind {
	case blockActions:
		if b.sec != secText {
			placed = false
			p.errorf(f.line, "the ```actions block belongs in the step's text, before its ### sections (it runs when the learner enters the step)")
		}
	case blockGoal:
		if b.sec != secGoal {
			placed = false
			p.errorf(f.line, "the ```goal block belongs under ### Goal")
		}
	case blockSolution:
		if b.sec != secGoal && b.sec != secHint {
			placed = false
			p.errorf(f.line, "the ```solution block belongs under ### Goal (or its ### Hint)")
		}
	case blockReveal:
		switch {
		case b.sec != secQuestion && b.sec != secExplanation:
			placed = false
			p.errorf(f.line, "the ```reveal block belongs under ### Predict (or its ### Explanation)")
		case b.kind != Predict:
			placed = false
			p.errorf(f.line, "a ```reveal block belongs to a ### Predict; a ### Question has none")
		}
	}
	if first, dup := b.block[f.kind]; dup {
		p.errorf(f.line, "a step has at most one ```%s block; the first is at line %d", f.kind, first)
		return
	}
	b.block[f.kind] = f.line
	stmts := p.script(f)
	if !placed {
		return
	}
	switch f.kind {
	case blockActions:
		b.st.Actions, b.st.ActionsLine = stmts, f.line
		b.st.ClusterLine, b.st.AnyCluster, p.fresh = p.fresh.line, p.fresh.cl, freshLine{}
	case blockGoal:
		b.goal.expects = stmts
	case blockSolution:
		b.goal.solution = stmts
	case blockReveal:
		b.reveal = stmts
	}
}

// script parses the lines of a script block.
func (p *parser) script(f *fence) []sim.Stmt {
	p.fresh = freshLine{}
	var stmts []sim.Stmt
	empty := true
	for i, raw := range f.lines {
		ln := f.nums[i]
		text := sim.StripComment(raw)
		if text == "" {
			continue
		}
		empty = false
		if p.cl == nil {
			continue // no valid cluster line: reported in the front matter
		}
		if strings.Fields(text)[0] == "cluster" {
			if f.kind == blockActions && len(stmts) == 0 && p.freshCluster(text, ln) {
				continue
			}
			p.errorf(ln, "the cluster line belongs in the front matter (cluster: ...), not in a script block (a Multi-Paxos or Raft step may start afresh with one as the first line of its ```actions)")
			continue
		}
		st, err := p.cl.ParseStmt(text)
		if err != nil {
			p.errorf(ln, "%v", err)
			continue
		}
		st.Line = ln
		if f.kind == blockGoal && !st.IsExpect() {
			p.errorf(ln, "a ```goal block holds only expect lines (the learner does the actions; the canonical ones go in ```solution), not %q", st.Text)
			continue
		}
		stmts = append(stmts, st)
	}
	if empty {
		p.errorf(f.line, "the ```%s block is empty", f.kind)
	}
	return stmts
}

// markdown joins lines, dropping blank lines at both ends.
func markdown(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// finishStep checks the step being read and stores its parts.
func (p *parser) finishStep() {
	b := p.b
	if b == nil {
		return
	}
	p.b = nil
	st := b.st
	st.Narrative = markdown(b.text[secText])
	if st.Narrative == "" {
		p.errorf(st.Line, "step %q has no text: write what the learner reads before the step's ### sections", st.Title)
	}
	if ln := b.at[secGoal]; ln != 0 {
		g := &Goal{Line: ln, Text: markdown(b.text[secGoal]), Hint: markdown(b.text[secHint]),
			Expects: b.goal.expects, ExpectsLine: b.block[blockGoal],
			Solution: b.goal.solution, SolutionLine: b.block[blockSolution]}
		if g.Text == "" {
			p.errorf(ln, "### Goal needs a sentence telling the learner what to do (above or below its ```goal block)")
		}
		if g.ExpectsLine == 0 {
			p.errorf(ln, "### Goal needs a ```goal block: the expect lines the learner must make true")
		}
		if g.SolutionLine == 0 {
			p.errorf(ln, "the goal has no ```solution block: write the canonical actions that reach it")
		}
		if hl := b.at[secHint]; hl != 0 && g.Hint == "" {
			p.errorf(hl, "### Hint is empty")
		}
		st.Goal = g
	}
	if ln := b.at[secQuestion]; ln != 0 {
		q := &Question{Kind: b.kind, Line: ln, Prompt: markdown(b.text[secQuestion]), Choices: b.choices,
			Explanation: markdown(b.text[secExplanation]), Reveal: b.reveal, RevealLine: b.block[blockReveal]}
		name := "### Question"
		if q.Kind == Predict {
			name = "### Predict"
		}
		if q.Prompt == "" {
			p.errorf(ln, "%s needs a prompt: the question, written above its choices", name)
		}
		correct := 0
		for _, c := range q.Choices {
			if c.Correct {
				correct++
			}
		}
		switch {
		case q.Kind == Choice && len(q.Choices) < 2:
			p.errorf(ln, "a ### Question needs at least two choices, one a line: - [ ] a wrong answer, - [x] the right one")
		case q.Kind == Choice && correct != 1:
			p.errorf(ln, "a ### Question needs exactly one correct choice marked - [x]; it has %d", correct)
		case q.Kind == Predict && len(q.Choices) == 1:
			p.errorf(ln, "a ### Predict has no choices or at least two")
		case q.Kind == Predict && correct > 1:
			p.errorf(ln, "a ### Predict marks at most one choice correct - [x]; it has %d", correct)
		}
		el := b.at[secExplanation]
		switch {
		case el == 0:
			p.errorf(ln, "%s needs a ### Explanation: what the learner reads after answering", name)
		case q.Explanation == "":
			p.errorf(el, "### Explanation is empty")
		}
		if st.Goal != nil && q.RevealLine != 0 {
			p.errorf(q.RevealLine, "a step with a goal cannot also have a ```reveal (it would run on the learner's own state): put the prediction in a step of its own")
		}
		st.Question = q
	}
}
