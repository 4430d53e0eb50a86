package engine

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// checkPurity fails when a non-test file in dir imports a package outside
// allowed, or starts a goroutine, or uses a channel.
func checkPurity(t *testing.T, dir string, allowed map[string]bool) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files in %s (%v)", dir, err)
	}
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly|parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			if !allowed[path] {
				t.Errorf("%s imports %q, which is outside the purity allow-list", f, path)
			}
		}
		full, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(full, func(n ast.Node) bool {
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
}

// TestEnginePurity: the protocol has no clocks, randomness, I/O, logging
// or concurrency (architecture.md "Layers").
func TestEnginePurity(t *testing.T) {
	checkPurity(t, ".", map[string]bool{
		"errors": true, "fmt": true, "math/bits": true, "strconv": true, "strings": true,
	})
}

// TestSimPurity: the simulator adds only its seeded PCG; it reads no clock
// and does no I/O of its own (it writes traces to an io.Writer it is given).
// It imports the protocol packages it registers (engine, multipaxos, raft).
func TestSimPurity(t *testing.T) {
	checkPurity(t, "sim", map[string]bool{
		"bytes": true, "cmp": true, "encoding/binary": true, "slices": true,
		"errors": true, "fmt": true, "io": true, "math/bits": true, "math/rand/v2": true,
		"sort": true, "strconv": true, "strings": true,
		"github.com/paxviz/paxviz/engine": true, "github.com/paxviz/paxviz/i18n": true,
		"github.com/paxviz/paxviz/engine/multipaxos": true, "github.com/paxviz/paxviz/engine/raft": true,
	})
}
