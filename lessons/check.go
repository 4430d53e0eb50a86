package lessons

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/paxviz/paxviz/engine/sim"
	"github.com/paxviz/paxviz/i18n"
)

// maxInFlightShown bounds the in-flight messages an error lists.
const maxInFlightShown = 8

// verify replays l's canonical path and reports every way it goes wrong:
// an impossible action, an action that does nothing, a failing assertion, a
// goal that already holds or that the solution does not reach, an invariant
// broken without being declared in breaks:, and a declared break that never
// happens. l must have parsed without errors.
func verify(l *Lesson) Diagnostics {
	d := diagList{file: l.File}
	s := sim.NewMachine(l.AnyCluster)
	allowed := map[string]bool{}
	for _, name := range l.Breaks {
		allowed[name] = true
	}
	broken := map[string]bool{}
	// run applies stmts; it returns false when an action was impossible
	// (the states after it are unknown, so checking stops).
	run := func(stmts []sim.Stmt, where string) bool {
		for i := range stmts {
			st := &stmts[i]
			if st.IsExpect() {
				if ok, got := s.Eval(st); !ok {
					d.errorf(st.Line, "%s does not hold on the canonical path (%s): %s", st.Text, where, got)
				}
				continue
			}
			before := len(s.Broken())
			n, err := s.Apply(st)
			if err != nil {
				d.errorf(st.Line, "%s is impossible on the canonical path (%s): %v%s", st.Text, where, err, inFlightNote(s, st))
				return false
			}
			if n == 0 {
				d.errorf(st.Line, "%s does nothing on the canonical path (%s): no message is in flight and no timer is armed", st.Text, where)
			}
			for _, v := range s.Broken()[before:] {
				broken[v.Invariant] = true
				if !allowed[v.Invariant] {
					d.errorf(st.Line, "%s breaks the invariant %s on the canonical path (%s): %s; a lesson that breaks an invariant on purpose names it in the front matter (breaks: %s)",
						st.Text, v.Invariant, where, v.Text, v.Invariant)
				}
			}
		}
		return true
	}
	for k := range l.Steps {
		st := &l.Steps[k]
		where := fmt.Sprintf("step %d %q", k+1, st.Title)
		if st.ClusterLine != "" { // freshstep.go: the path starts afresh
			s = sim.NewMachine(st.AnyCluster)
		}
		if !run(st.Actions, where+", actions") {
			return d.diags
		}
		if g := st.Goal; g != nil {
			if met, _ := st.GoalMetIn(s); met {
				d.errorf(g.ExpectsLine, "the goal already holds when step %d starts: the learner would have nothing to do", k+1)
			}
			if !run(g.Solution, where+", solution") {
				return d.diags
			}
			_, checks := st.GoalMetIn(s)
			for _, c := range checks {
				if !c.OK {
					d.errorf(c.Line, "the solution (line %d) does not reach the goal: %s fails: %s", g.SolutionLine, c.Text, c.Got)
				}
			}
		}
		if q := st.Question; q != nil && !run(q.Reveal, where+", reveal") {
			return d.diags
		}
		if st.Compare != nil {
			verifyCompare(&d, k, st)
		}
	}
	for _, name := range l.Breaks {
		if !broken[name] {
			d.errorf(l.lines["breaks"], "breaks: %s, but %s never breaks on the canonical path (did the cluster line forget bugs=?)", name, name)
		}
	}
	return d.diags
}

// inFlightNote lists the messages in flight when a deliver, drop or dup
// matched none.
func inFlightNote(s *sim.Machine, st *sim.Stmt) string {
	if !st.MessageAction() {
		return ""
	}
	msgs := s.InFlight()
	if len(msgs) == 0 {
		return " (nothing is in flight)"
	}
	var parts []string
	for i := range msgs {
		if i == maxInFlightShown {
			parts = append(parts, fmt.Sprintf("and %d more", len(msgs)-i))
			break
		}
		parts = append(parts, msgs[i])
	}
	return " (in flight: " + strings.Join(parts, ", ") + ")"
}

// compareTranslations checks that tr says the same things as ref in
// another language: the same cluster line and breaks, the same steps, the
// same script blocks, the same questions and answers. Diagnostics are at
// tr's lines.
func compareTranslations(ref, tr *Lesson) Diagnostics {
	d := diagList{file: tr.File}
	at := func(line int) string { return fmt.Sprintf("%s:%d", ref.File, line) }
	if rc, tc := ref.AnyCluster.String(), tr.AnyCluster.String(); rc != tc {
		d.errorf(tr.lines["cluster"], "cluster: %s differs from %s in %s", tc, rc, at(ref.lines["cluster"]))
	}
	if !slices.Equal(sortedCopy(ref.Breaks), sortedCopy(tr.Breaks)) {
		d.errorf(max(tr.lines["breaks"], 1), "breaks: %q differs from %q in %s", strings.Join(tr.Breaks, ", "), strings.Join(ref.Breaks, ", "), at(max(ref.lines["breaks"], 1)))
	}
	if len(ref.Objectives) != len(tr.Objectives) {
		d.errorf(max(tr.lines["objectives"], 1), "objectives: %d items, but %s has %d (translate each objective)", len(tr.Objectives), at(max(ref.lines["objectives"], 1)), len(ref.Objectives))
	}
	if ref.Minutes != tr.Minutes {
		d.warnf(max(tr.lines["minutes"], 1), "minutes: %d differs from %d in %s", tr.Minutes, ref.Minutes, at(max(ref.lines["minutes"], 1)))
	}
	if len(ref.Steps) != len(tr.Steps) {
		line := 1
		if len(tr.Steps) > len(ref.Steps) {
			line = tr.Steps[len(ref.Steps)].Line
		} else if len(tr.Steps) > 0 {
			line = tr.Steps[len(tr.Steps)-1].Line
		}
		d.errorf(line, "%d steps, but %s has %d", len(tr.Steps), ref.File, len(ref.Steps))
	}
	for k := 0; k < min(len(ref.Steps), len(tr.Steps)); k++ {
		rs, ts := &ref.Steps[k], &tr.Steps[k]
		blocks := func(what string, r, t []sim.Stmt, rline, tline int) {
			if !slices.Equal(stmtTexts(r), stmtTexts(t)) {
				d.errorf(max(tline, ts.Line), "step %d: the ```%s block differs from the one in %s (every script block must be identical in every language)", k+1, what, at(max(rline, rs.Line)))
			}
		}
		blocks(blockActions, rs.Actions, ts.Actions, rs.ActionsLine, ts.ActionsLine)
		compareCompareSteps(&d, k, at, rs, ts)
		if rs.ClusterLine != ts.ClusterLine {
			d.errorf(max(ts.ActionsLine, ts.Line), "step %d starts afresh on %q, but the step in %s on %q", k+1, ts.ClusterLine, at(max(rs.ActionsLine, rs.Line)), rs.ClusterLine)
		}
		rg, tg := rs.Goal, ts.Goal
		switch {
		case rg != nil && tg == nil:
			d.errorf(ts.Line, "step %d has no ### Goal, but the step in %s has one", k+1, at(rs.Line))
		case rg == nil && tg != nil:
			d.errorf(tg.Line, "step %d has a ### Goal, but the step in %s has none", k+1, at(rs.Line))
		case rg != nil:
			blocks(blockGoal, rg.Expects, tg.Expects, rg.ExpectsLine, tg.ExpectsLine)
			blocks(blockSolution, rg.Solution, tg.Solution, rg.SolutionLine, tg.SolutionLine)
		}
		rq, tq := rs.Question, ts.Question
		switch {
		case rq != nil && tq == nil:
			d.errorf(ts.Line, "step %d has no question, but the step in %s has a ### %s", k+1, at(rs.Line), kindHeading(rq.Kind))
		case rq == nil && tq != nil:
			d.errorf(tq.Line, "step %d has a question, but the step in %s has none", k+1, at(rs.Line))
		case rq != nil:
			if rq.Kind != tq.Kind {
				d.errorf(tq.Line, "step %d has a ### %s, but the step in %s has a ### %s", k+1, kindHeading(tq.Kind), at(rq.Line), kindHeading(rq.Kind))
			}
			if len(rq.Choices) != len(tq.Choices) {
				d.errorf(tq.Line, "step %d: %d choices, but %s has %d", k+1, len(tq.Choices), at(rq.Line), len(rq.Choices))
			} else if rq.Correct() != tq.Correct() {
				d.errorf(tq.Line, "step %d: the correct choice is %s, but in %s it is %s", k+1, choiceName(tq.Correct()), at(rq.Line), choiceName(rq.Correct()))
			}
			blocks(blockReveal, rq.Reveal, tq.Reveal, rq.RevealLine, tq.RevealLine)
		}
	}
	return d.diags
}

func kindHeading(k QuestionKind) string {
	if k == Predict {
		return "Predict"
	}
	return "Question"
}

func choiceName(i int) string {
	if i < 0 {
		return "not marked"
	}
	return fmt.Sprintf("number %d", i+1)
}

func stmtTexts(stmts []sim.Stmt) []string {
	out := make([]string, len(stmts))
	for i := range stmts {
		out[i] = stmts[i].Text
	}
	return out
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// langName names a language in English.
func langName(l i18n.Lang) string {
	if l == i18n.ZH {
		return "Chinese"
	}
	return "English"
}

// otherLang returns the language a lesson in l is translated into.
func otherLang(l i18n.Lang) i18n.Lang {
	if l == i18n.ZH {
		return i18n.EN
	}
	return i18n.ZH
}

// lintFile reads, parses and verifies one file.
func lintFile(fsys fs.FS, name, display string) (*Lesson, Diagnostics) {
	src, err := readFile(fsys, name)
	if err != nil {
		return nil, Diagnostics{{File: display, Severity: SevError, Msg: err.Error()}}
	}
	l, diags := Parse(display, src)
	if !diags.HasErrors() {
		diags = append(diags, verify(l)...)
	}
	return l, diags
}

// readFile reads a lesson file, refusing one larger than MaxFileBytes.
func readFile(fsys fs.FS, name string) ([]byte, error) {
	if fi, err := fs.Stat(fsys, name); err == nil && fi.Size() > MaxFileBytes {
		return nil, fmt.Errorf("the file is larger than %d bytes", MaxFileBytes)
	}
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read the file: %w", err)
	}
	return src, nil
}

// lessonFiles lists the *.md files at the root of fsys, in name order; it
// warns about (and skips) .md files that are not named like lessons.
func lessonFiles(fsys fs.FS, display func(string) string) ([]string, Diagnostics) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, Diagnostics{{File: display("."), Severity: SevError, Msg: fmt.Sprintf("cannot read the lesson directory: %v", err)}}
	}
	var names []string
	var diags Diagnostics
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".md") {
			continue
		}
		if _, _, err := ParseName(name); err != nil {
			diags = append(diags, &Diagnostic{File: display(name), Severity: SevWarning, Msg: err.Error() + "; the file is ignored"})
			continue
		}
		names = append(names, name)
	}
	return names, diags
}

// lintSet lints the named files of fsys and compares translations. For a
// named file whose translation exists in fsys but is not named, the
// translation is read (its own problems are not reported) to compare.
// It returns the lessons without errors, in name order.
func lintSet(fsys fs.FS, names []string, display func(string) string) ([]*Lesson, Diagnostics) {
	type key struct {
		dir, id string
	}
	var diags Diagnostics
	var good []*Lesson
	byKey := map[key]map[i18n.Lang]*Lesson{}
	named := map[string]bool{}
	var keys []key
	for _, name := range names {
		if named[name] {
			continue
		}
		named[name] = true
		l, ds := lintFile(fsys, name, display(name))
		diags = append(diags, ds...)
		if l == nil || ds.HasErrors() || l.ID == "" {
			continue
		}
		good = append(good, l)
		k := key{path.Dir(name), l.ID}
		if byKey[k] == nil {
			byKey[k] = map[i18n.Lang]*Lesson{}
			keys = append(keys, k)
		}
		byKey[k][l.Lang] = l
	}
	for _, k := range keys {
		langs := byKey[k]
		for _, lang := range i18n.Langs {
			if langs[lang] != nil {
				continue
			}
			// The translation in lang is missing from the good lessons.
			var have *Lesson
			for _, l := range i18n.Langs {
				if langs[l] != nil {
					have = langs[l]
					break
				}
			}
			name := path.Join(k.dir, k.id+"."+string(lang)+".md")
			if named[name] {
				continue // named but broken: its errors are reported
			}
			src, err := readFile(fsys, name)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					diags = append(diags, &Diagnostic{File: have.File, Severity: SevWarning,
						Msg: fmt.Sprintf("no %s translation (%s)", langName(lang), display(name))})
				}
				continue
			}
			if l, ds := Parse(display(name), src); !ds.HasErrors() {
				langs[lang] = l
			}
		}
		if en, zh := langs[i18n.EN], langs[i18n.ZH]; en != nil && zh != nil {
			diags = append(diags, compareTranslations(en, zh)...)
		}
	}
	// Two lessons sharing a number list in an order nobody chose.
	nums := map[string]string{}
	for _, k := range keys {
		num, _, _ := strings.Cut(k.id, "-")
		if other, ok := nums[k.dir+"/"+num]; ok && other != k.id {
			l := byKey[k][i18n.EN]
			if l == nil {
				l = byKey[k][i18n.ZH]
			}
			diags = append(diags, &Diagnostic{File: l.File, Severity: SevWarning,
				Msg: fmt.Sprintf("lessons %s and %s share the number %s", other, k.id, num)})
			continue
		}
		nums[k.dir+"/"+num] = k.id
	}
	sortDiags(diags)
	return good, diags
}

// Check lints lesson files: the named files of fsys, or every lesson file
// at its root when no name is given. It reports structure and script
// errors, replays each lesson's canonical path, and compares each lesson
// with its translation. A file's translation is compared even when it is
// not named; a missing translation is a warning.
func Check(fsys fs.FS, names ...string) Diagnostics {
	id := func(s string) string { return s }
	var diags Diagnostics
	if len(names) == 0 {
		names, diags = lessonFiles(fsys, id)
	}
	_, ds := lintSet(fsys, names, id)
	diags = append(diags, ds...)
	sortDiags(diags)
	return diags
}

// CheckPaths lints lesson files and directories on disk, as paxviz lesson
// check does: a directory stands for every lesson file at its top. It
// returns the number of files checked and the diagnostics, which name the
// files by the paths given.
func CheckPaths(paths ...string) (files int, diags Diagnostics) {
	byDir := map[string][]string{}
	var dirs []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			diags = append(diags, &Diagnostic{File: p, Severity: SevError, Msg: fmt.Sprintf("cannot read: %v", err)})
			continue
		}
		if fi.IsDir() {
			display := func(s string) string { return filepath.Join(p, s) }
			fsys := os.DirFS(p)
			names, ds := lessonFiles(fsys, display)
			diags = append(diags, ds...)
			_, ds = lintSet(fsys, names, display)
			diags = append(diags, ds...)
			files += len(names)
			continue
		}
		dir := filepath.Dir(p)
		if byDir[dir] == nil {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], filepath.Base(p))
	}
	for _, dir := range dirs {
		display := func(s string) string { return filepath.Join(dir, s) }
		_, ds := lintSet(os.DirFS(dir), byDir[dir], display)
		diags = append(diags, ds...)
		files += len(byDir[dir])
	}
	sortDiags(diags)
	return files, diags
}
