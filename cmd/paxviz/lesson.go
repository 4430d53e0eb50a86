package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/paxviz/paxviz/lessons"
)

const lessonUsage = `usage:
  paxviz lesson check [FILE|DIR]...   check lesson files (no argument: the built-in lessons)
  paxviz lesson script FILE [STEP]    print a lesson's canonical path as a script
                                      (STEP: only up to that step's entry state);
                                      pipe it into paxviz run - to see the trace
`

// cmdLesson is paxviz lesson: check lesson files, print their canonical path.
func cmdLesson(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, lessonUsage)
		return 2
	}
	switch args[0] {
	case "check":
		return cmdLessonCheck(args[1:], stdout, stderr)
	case "script":
		return cmdLessonScript(args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, lessonUsage)
		return 0
	}
	fmt.Fprintf(stderr, "paxviz lesson: unknown command %q\n%s", args[0], lessonUsage)
	return 2
}

// cmdLessonCheck prints every diagnostic; exit 1 on any error, 0 otherwise
// (warnings included).
func cmdLessonCheck(args []string, stdout, stderr io.Writer) int {
	var files int
	var diags lessons.Diagnostics
	what := "lesson file"
	if len(args) == 0 {
		set, ds := lessons.Builtin()
		diags = ds
		files = 0
		for _, id := range set.IDs() {
			files += len(set.Langs(id))
		}
		what = "built-in lesson file"
	} else {
		files, diags = lessons.CheckPaths(args...)
	}
	for _, d := range diags {
		fmt.Fprintln(stderr, d)
	}
	errs, warns := diags.Count()
	fmt.Fprintf(stdout, "checked %s: %s, %s\n", plural(files, what), plural(errs, "error"), plural(warns, "warning"))
	if errs > 0 {
		return 1
	}
	return 0
}

func cmdLessonScript(args []string, stdout, stderr io.Writer) int {
	if len(args) < 1 || len(args) > 2 {
		fmt.Fprint(stderr, lessonUsage)
		return 2
	}
	name := args[0]
	src, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		// A built-in lesson by file name: 02-happy-path.en.md.
		if b, berr := fs.ReadFile(lessons.Embedded(), name); berr == nil {
			src, err = b, nil
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %v\n", err)
		return 2
	}
	l, diags := lessons.Parse(name, src)
	if diags.HasErrors() {
		for _, d := range diags {
			fmt.Fprintln(stderr, d)
		}
		return 2
	}
	if len(args) == 1 {
		fmt.Fprint(stdout, l.PathScript())
		return 0
	}
	k, err := strconv.Atoi(args[1])
	if err != nil || k < 1 || k > len(l.Steps) {
		fmt.Fprintf(stderr, "paxviz lesson script: STEP must be 1..%d, not %q\n", len(l.Steps), args[1])
		return 2
	}
	fmt.Fprint(stdout, l.EntryScript(k-1))
	return 0
}

// plural renders "1 error", "2 errors".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
