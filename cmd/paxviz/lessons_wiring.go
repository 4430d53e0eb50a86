package main

import (
	"fmt"
	"os"

	"github.com/paxviz/paxviz/lessons"
	"github.com/paxviz/paxviz/web"
)

// lessonSource builds the lesson source: the embedded lessons, plus dir
// (re-read when its files change) when given.
func lessonSource(dir string) (web.LessonSource, error) {
	if dir != "" {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, fmt.Errorf("--lessons %s: not a directory", dir)
		}
	}
	return lessons.NewSource(dir), nil
}
