package i18n

import (
	"regexp"
	"testing"
)

// TestNoInternalDocReferences: what students read never points them to the
// project's design notes (paxos.md §3 and the like), which they do not have.
func TestNoInternalDocReferences(t *testing.T) {
	doc := regexp.MustCompile(`[A-Za-z_-]+\.md\b`)
	for _, lang := range Langs {
		for key, s := range Table(lang) {
			if m := doc.FindString(s); m != "" {
				t.Errorf("%s %s: refers to %s, a file students do not have: %q", lang, key, m, s)
			}
		}
	}
}
