package main

import (
	"fmt"
	"io"
)

// cmdLesson is paxviz lesson (issue 4; owned by the lessons work).
func cmdLesson(args []string, stdout, stderr io.Writer) int {
	_, _ = args, stdout
	fmt.Fprintln(stderr, "paxviz lesson: not built yet")
	return 2
}
