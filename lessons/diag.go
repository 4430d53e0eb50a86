package lessons

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Severity says whether a diagnostic makes a lesson invalid.
type Severity uint8

// Severities.
const (
	// SevError: the lesson is wrong; paxviz lesson check fails and the
	// lesson is not served.
	SevError Severity = iota
	// SevWarning: worth fixing, but the lesson works (a missing translation).
	SevWarning
)

// Diagnostic is one problem found in a lesson file, at File:Line (Line 0:
// the file as a whole).
type Diagnostic struct {
	File     string
	Line     int
	Severity Severity
	Msg      string
}

// Error renders d as "file:line: message", with "warning: " before the
// message of a warning.
func (d *Diagnostic) Error() string {
	var sb strings.Builder
	sb.WriteString(d.File)
	if d.Line > 0 {
		fmt.Fprintf(&sb, ":%d", d.Line)
	}
	sb.WriteString(": ")
	if d.Severity == SevWarning {
		sb.WriteString("warning: ")
	}
	sb.WriteString(d.Msg)
	return sb.String()
}

// Diagnostics is a list of problems.
type Diagnostics []*Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SevError {
			return true
		}
	}
	return false
}

// Count returns the number of errors and of warnings.
func (ds Diagnostics) Count() (errs, warnings int) {
	for _, d := range ds {
		if d.Severity == SevError {
			errs++
		} else {
			warnings++
		}
	}
	return errs, warnings
}

// Error joins the diagnostics, one a line.
func (ds Diagnostics) Error() string {
	var sb strings.Builder
	for i, d := range ds {
		if i > 0 {
			sb.WriteByte('\n')
		}
		sb.WriteString(d.Error())
	}
	return sb.String()
}

// sortDiags orders diagnostics by file, then line; the order of
// diagnostics at one line is kept.
func sortDiags(ds Diagnostics) {
	slices.SortStableFunc(ds, func(a, b *Diagnostic) int {
		return cmp.Or(strings.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
}

// diagList collects diagnostics for one file.
type diagList struct {
	file  string
	diags Diagnostics
}

func (l *diagList) errorf(line int, format string, args ...any) {
	l.diags = append(l.diags, &Diagnostic{File: l.file, Line: line, Severity: SevError, Msg: fmt.Sprintf(format, args...)})
}

func (l *diagList) warnf(line int, format string, args ...any) {
	l.diags = append(l.diags, &Diagnostic{File: l.file, Line: line, Severity: SevWarning, Msg: fmt.Sprintf(format, args...)})
}
