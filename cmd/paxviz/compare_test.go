package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/paxviz/paxviz/engine/sim"
)

func TestCompareCommand(t *testing.T) {
	var out, errb bytes.Buffer
	in := strings.NewReader(sim.CompareExamples[0].Text)
	if code := run(context.Background(), []string{"compare", "--json", "-"}, in, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var c sim.Comparison
	if err := json.Unmarshal(out.Bytes(), &c); err != nil {
		t.Fatal(err)
	}
	if c.Raft.Metrics.Won < 2 || c.MP.Metrics.Won < 2 || c.Raft.Frames != nil {
		t.Fatalf("%+v", c)
	}
	out.Reset()
	if code := run(context.Background(), []string{"compare", "-"}, strings.NewReader(sim.CompareExamples[0].Text), &out, &errb); code != 0 || !strings.Contains(out.String(), "elections started/won/failed") {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"compare", "-"}, strings.NewReader("compare servers=3\nat 5 fly\nrun until=9\n"), &out, &errb); code != 2 || !strings.Contains(errb.String(), `line 2: unknown action "fly"`) {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
}
