package lessons

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestGuideExample: the complete example of the authoring guide
// (docs/lessons.md) checks cleanly, apart from its missing translation.
func TestGuideExample(t *testing.T) {
	guide, err := os.ReadFile("../docs/lessons.md")
	if err != nil {
		t.Skipf("no authoring guide: %v", err)
	}
	_, rest, ok := strings.Cut(string(guide), "\n````markdown\n")
	if !ok {
		t.Fatal("the guide has no ````markdown example")
	}
	example, _, ok := strings.Cut(rest, "\n````")
	if !ok {
		t.Fatal("the example is not closed")
	}
	ds := Check(fstest.MapFS{"20-chosen-early.en.md": {Data: []byte(example + "\n")}})
	if len(ds) != 1 || ds[0].Severity != SevWarning || !strings.Contains(ds[0].Msg, "no Chinese translation") {
		t.Errorf("the guide's example: %v", ds)
	}
	l, _ := Parse("20-chosen-early.en.md", []byte(example))
	if len(l.Steps) != 3 || l.Steps[0].Goal == nil || l.Steps[1].Question.Kind != Predict || l.Steps[2].Question.Kind != Choice {
		t.Errorf("the example should show a goal, a prediction and a question")
	}
}
