package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runLesson(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cmdLesson(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestLessonCheckBuiltin(t *testing.T) {
	code, out, errs := runLesson("check")
	if code != 0 || errs != "" || !strings.Contains(out, "0 errors, 0 warnings") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
}

func TestLessonCheckFiles(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "01-bad.en.md")
	src := "---\ntitle: t\nsummary: s\nobjectives:\n- o\ncluster: proposers=1 acceptors=3\n---\n\n## Step\n\nText.\n\n```actions\npropose p1 X\ndeliver accept p1->a1\n```\n"
	if err := os.WriteFile(bad, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runLesson("check", bad)
	want := bad + `:15: deliver accept p1->a1 is impossible on the canonical path`
	if code != 1 || !strings.Contains(errs, want) || !strings.Contains(out, "1 error, 0 warnings") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	// A directory, and warnings only: exit 0.
	if err := os.WriteFile(bad, []byte(strings.Replace(src, "deliver accept p1->a1\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runLesson("check", dir)
	if code != 0 || !strings.Contains(errs, "warning: no Chinese translation") || !strings.Contains(out, "checked 1 lesson file:") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	if code, _, _ := runLesson("check", filepath.Join(dir, "nope.en.md")); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}

func TestLessonScript(t *testing.T) {
	code, out, errs := runLesson("script", "02-happy-path.en.md")
	if code != 0 || !strings.HasPrefix(out, "# 02-happy-path (en)") || !strings.Contains(out, "deliver prepare p1->*") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runLesson("script", "02-happy-path.en.md", "2")
	if code != 0 || out != "cluster proposers=1 acceptors=3 learners=1\npropose p1 X\n" {
		t.Errorf("exit %d %q", code, out)
	}
	if code, _, _ := runLesson("script", "02-happy-path.en.md", "99"); code != 2 {
		t.Errorf("bad step: exit %d", code)
	}
	if code, _, _ := runLesson("frob"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
}
