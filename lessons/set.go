package lessons

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paxviz/paxviz/i18n"
)

// Set is a loaded collection of lessons, each in one or more languages. It
// never changes once built, so handlers may share it.
type Set struct {
	byID map[string]map[i18n.Lang]*Lesson
	ids  []string // sorted
}

func newSet(ls []*Lesson) *Set {
	s := &Set{byID: map[string]map[i18n.Lang]*Lesson{}}
	for _, l := range ls {
		if s.byID[l.ID] == nil {
			s.byID[l.ID] = map[i18n.Lang]*Lesson{}
			s.ids = append(s.ids, l.ID)
		}
		s.byID[l.ID][l.Lang] = l
	}
	slices.Sort(s.ids)
	return s
}

// IDs returns the lesson ids in order.
func (s *Set) IDs() []string { return slices.Clone(s.ids) }

// Len returns the number of lessons (not counting translations).
func (s *Set) Len() int { return len(s.ids) }

// Lesson returns lesson id in lang, or, when it is not written in lang, in
// another language (the returned Lesson's Lang says which). It returns nil
// for an unknown id.
func (s *Set) Lesson(id string, lang i18n.Lang) *Lesson {
	langs := s.byID[id]
	if l := langs[lang]; l != nil {
		return l
	}
	for _, other := range i18n.Langs {
		if l := langs[other]; l != nil {
			return l
		}
	}
	return nil
}

// Langs returns the languages lesson id is written in.
func (s *Set) Langs(id string) []i18n.Lang {
	var out []i18n.Lang
	for _, l := range i18n.Langs {
		if s.byID[id][l] != nil {
			out = append(out, l)
		}
	}
	return out
}

// Summary describes a lesson for the list of lessons.
type Summary struct {
	ID string
	// Lang is the language of Title and Summary: the one asked for, or
	// another when the lesson is not written in it.
	Lang    i18n.Lang
	Title   string
	Summary string
	Minutes int
	Steps   int
	Langs   []i18n.Lang
}

// List summarizes every lesson in order, in lang where it exists.
func (s *Set) List(lang i18n.Lang) []Summary {
	out := make([]Summary, 0, len(s.ids))
	for _, id := range s.ids {
		l := s.Lesson(id, lang)
		out = append(out, Summary{ID: id, Lang: l.Lang, Title: l.Title, Summary: l.Summary,
			Minutes: l.Minutes, Steps: len(l.Steps), Langs: s.Langs(id)})
	}
	return out
}

// Next returns the id of the lesson after id ("" at the end).
func (s *Set) Next(id string) string {
	i, ok := slices.BinarySearch(s.ids, id)
	if ok {
		i++
	}
	if i < len(s.ids) {
		return s.ids[i]
	}
	return ""
}

// Load reads every lesson file at the root of fsys (NN-slug.en.md,
// NN-slug.zh.md), checks each as Check does, and returns the lessons that
// have no errors, with every diagnostic. A file with errors is left out of
// the set; the others are not affected.
func Load(fsys fs.FS) (*Set, Diagnostics) {
	return load(fsys, func(s string) string { return s })
}

func load(fsys fs.FS, display func(string) string) (*Set, Diagnostics) {
	names, diags := lessonFiles(fsys, display)
	ls, ds := lintSet(fsys, names, display)
	diags = append(diags, ds...)
	sortDiags(diags)
	return newSet(ls), diags
}

// The built-in lessons are checked once.
var builtin = sync.OnceValues(func() (*Set, Diagnostics) {
	return load(embedded, func(s string) string { return "lessons/" + s })
})

// Builtin returns the embedded lessons (loaded once) and their diagnostics
// (none: every built-in lesson is a test).
func Builtin() (*Set, Diagnostics) { return builtin() }

// DefaultPollInterval is how often a Source looks at its directory at most.
const DefaultPollInterval = 250 * time.Millisecond

// Source serves the lessons: the built-in ones, and, for --lessons DIR,
// those of a directory merged over them (a directory lesson replaces the
// built-in lesson with the same id, in every language). The directory is
// re-read when its lesson files change (compared by name, size and
// modification time, looked at on access, at most once per PollInterval),
// so an instructor edits a file and reloads the page. Problems in a
// directory lesson are returned with the set, never fatal: the broken file
// is left out (its built-in namesake, if any, stays) and the other lessons
// are served. A Source is safe for concurrent use.
type Source struct {
	dir string
	// PollInterval bounds how often the directory is looked at; 0 looks at
	// every call. Set it before the first call to Lessons.
	PollInterval time.Duration

	mu      sync.Mutex
	checked time.Time
	sig     string
	set     *Set
	diags   Diagnostics
}

// NewSource returns the lessons of dir merged over the built-in ones; dir
// "" serves only the built-in lessons.
func NewSource(dir string) *Source {
	return &Source{dir: dir, PollInterval: DefaultPollInterval}
}

// Dir returns the source's directory ("" for built-in lessons only).
func (src *Source) Dir() string { return src.dir }

// Lessons returns the current lessons and the problems found in them,
// re-reading the directory first when its files changed.
func (src *Source) Lessons() (*Set, Diagnostics) {
	base, baseDiags := Builtin()
	if src.dir == "" {
		return base, baseDiags
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	now := time.Now()
	if src.set != nil && now.Sub(src.checked) < src.PollInterval {
		return src.set, src.diags
	}
	src.checked = now
	sig := dirSignature(src.dir)
	if src.set != nil && sig == src.sig {
		return src.set, src.diags
	}
	src.sig = sig
	dirSet, diags := load(os.DirFS(src.dir), func(s string) string { return filepath.Join(src.dir, s) })
	var merged []*Lesson
	for _, id := range base.ids {
		if dirSet.byID[id] != nil {
			continue
		}
		for _, l := range i18n.Langs {
			if x := base.byID[id][l]; x != nil {
				merged = append(merged, x)
			}
		}
	}
	for _, id := range dirSet.ids {
		for _, l := range i18n.Langs {
			if x := dirSet.byID[id][l]; x != nil {
				merged = append(merged, x)
			}
		}
	}
	src.set = newSet(merged)
	src.diags = append(slices.Clone(baseDiags), diags...)
	return src.set, src.diags
}

// dirSignature summarizes the lesson files of dir: any edit, addition or
// removal changes it.
func dirSignature(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "error: " + err.Error()
	}
	var sb strings.Builder
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".md") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			fmt.Fprintf(&sb, "%s ?\n", e.Name())
			continue
		}
		fmt.Fprintf(&sb, "%s %d %d\n", e.Name(), fi.Size(), fi.ModTime().UnixNano())
	}
	return sb.String()
}
