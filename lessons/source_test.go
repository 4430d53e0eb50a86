package lessons

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paxviz/paxviz/i18n"
)

func writeFile(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSourceReloads: a directory lesson appears, replaces its built-in
// namesake, and is re-read when edited; a broken file is reported with its
// file:line and hides nothing else.
func TestSourceReloads(t *testing.T) {
	dir := t.TempDir()
	src := NewSource(dir)
	src.PollInterval = 0
	base, _ := Builtin()

	set, ds := src.Lessons()
	if len(ds) != 0 || set.Len() != base.Len() {
		t.Fatalf("empty dir: %d lessons, %v", set.Len(), ds)
	}

	// A new lesson, in English only, and an override of lesson 01.
	writeFile(t, dir, "50-extra.en.md", good)
	override := strings.Replace(good, "title: A small lesson", "title: My message passing", 1)
	writeFile(t, dir, "01-message-passing.en.md", override)
	set, ds = src.Lessons()
	if ds.HasErrors() {
		t.Fatal(ds)
	}
	if set.Len() != base.Len()+1 || set.Lesson("50-extra", i18n.ZH).Title != "A small lesson" {
		t.Fatalf("new lesson: %v", set.IDs())
	}
	if l := set.Lesson("01-message-passing", i18n.ZH); l.Title != "My message passing" || l.Lang != i18n.EN {
		t.Errorf("override: the directory lesson replaces every language of the built-in one: %+v", l.Title)
	}
	if !strings.Contains(ds.Error(), filepath.Join(dir, "50-extra.en.md")+": warning: no Chinese translation") {
		t.Errorf("diagnostics name the directory: %v", ds)
	}

	// An edit is seen on the next call.
	writeFile(t, dir, "50-extra.en.md", strings.Replace(good, "title: A small lesson", "title: An edited lesson", 1))
	set, _ = src.Lessons()
	if got := set.Lesson("50-extra", i18n.EN).Title; got != "An edited lesson" {
		t.Errorf("after the edit: %q", got)
	}

	// A broken edit: reported at file:line, the lesson is left out, the
	// built-in namesake comes back, the rest is served.
	broken := strings.Replace(override, "deliver accept p1->a2", "deliver accept p1->a9", 1)
	p := writeFile(t, dir, "01-message-passing.en.md", broken)
	set, ds = src.Lessons()
	want := p + ":" + strconv.Itoa(lineOf(t, broken, "p1->a9")) + `: deliver: unknown node "a9"`
	if !strings.Contains(ds.Error(), want) {
		t.Errorf("want %q in %v", want, ds)
	}
	if set.Lesson("01-message-passing", i18n.EN) != base.Lesson("01-message-passing", i18n.EN) || set.Lesson("50-extra", i18n.EN) == nil {
		t.Errorf("a broken file must hide nothing else: %v", set.IDs())
	}

	// Removing a file removes the lesson.
	if err := os.Remove(filepath.Join(dir, "50-extra.en.md")); err != nil {
		t.Fatal(err)
	}
	if set, _ = src.Lessons(); set.Lesson("50-extra", i18n.EN) != nil {
		t.Error("a removed file is still served")
	}
}

func TestSourceMissingDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	set, ds := NewSource(dir).Lessons()
	base, _ := Builtin()
	if set.Len() != base.Len() || !ds.HasErrors() || !strings.Contains(ds.Error(), dir+": cannot read the lesson directory") {
		t.Errorf("%d lessons, %v", set.Len(), ds)
	}
}

func TestSourceBuiltinOnly(t *testing.T) {
	set, ds := NewSource("").Lessons()
	if base, _ := Builtin(); set != base || len(ds) != 0 {
		t.Error("NewSource(\"\") serves the built-in set")
	}
}

func TestSourcePollInterval(t *testing.T) {
	dir := t.TempDir()
	src := NewSource(dir)
	src.PollInterval = 1 << 62 // never look again
	first, _ := src.Lessons()
	writeFile(t, dir, "50-extra.en.md", good)
	if again, _ := src.Lessons(); again != first {
		t.Error("looked at the directory within the poll interval")
	}
}

// TestSourceConcurrent: handlers call Lessons from many goroutines while
// the instructor edits (run with -race).
func TestSourceConcurrent(t *testing.T) {
	dir := t.TempDir()
	src := NewSource(dir)
	src.PollInterval = 0
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				if i == 0 {
					writeFile(t, dir, "50-extra.en.md", strings.Repeat("\n", j)+good)
				}
				set, _ := src.Lessons()
				_ = set.List(i18n.EN)
			}
		}()
	}
	wg.Wait()
}

func TestCheckPaths(t *testing.T) {
	dir := t.TempDir()
	en := writeFile(t, dir, "10-small.en.md", good)
	writeFile(t, dir, "10-small.zh.md", strings.Replace(zhOf(good), "acceptors=3", "acceptors=5", 1))
	n, ds := CheckPaths(en)
	if n != 1 || !strings.Contains(ds.Error(), filepath.Join(dir, "10-small.zh.md")+":4: cluster:") {
		t.Errorf("file: %d %v", n, ds)
	}
	n, ds = CheckPaths(dir, filepath.Join(dir, "missing.en.md"))
	if n != 2 || !strings.Contains(ds.Error(), "missing.en.md: cannot read") {
		t.Errorf("dir: %d %v", n, ds)
	}
}
