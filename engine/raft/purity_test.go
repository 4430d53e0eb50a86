package raft

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestPurity: the protocol has no clocks, randomness, I/O, logging or
// concurrency of its own (architecture.md "Layers"): only these standard
// packages, no goroutines, channels or select.
func TestPurity(t *testing.T) {
	allowed := map[string]bool{"errors": true, "fmt": true, "slices": true, "strconv": true, "strings": true}
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files (%v)", err)
	}
	fset := token.NewFileSet()
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		n++
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			if path := strings.Trim(imp.Path.Value, `"`); !allowed[path] {
				t.Errorf("%s imports %q, outside the purity allow-list", f, path)
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			switch n.(type) {
			case *ast.GoStmt:
				t.Errorf("%s: starts a goroutine", fset.Position(n.Pos()))
			case *ast.ChanType:
				t.Errorf("%s: uses a channel", fset.Position(n.Pos()))
			case *ast.SelectStmt:
				t.Errorf("%s: uses select", fset.Position(n.Pos()))
			}
			return true
		})
	}
	if n < 5 {
		t.Fatalf("only %d non-test files checked", n)
	}
}
