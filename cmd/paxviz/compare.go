package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/paxviz/paxviz/engine/sim"
)

// cmdCompare runs a side-by-side schedule (docs/script.md "Side by side")
// on Multi-Paxos and Raft and prints their counters.
func cmdCompare(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print both runs' counters as one JSON object")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: paxviz compare [--json] FILE|-")
		return 2
	}
	name := fs.Arg(0)
	var r io.Reader = stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "paxviz: %v\n", err)
			return 2
		}
		defer f.Close()
		r = f
	}
	src, err := io.ReadAll(io.LimitReader(r, sim.CompareMaxText+1))
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %s: %v\n", name, err)
		return 2
	}
	sc, err := sim.ParseCompare(string(src))
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %s: %v\n", name, err)
		return 2
	}
	c, err := sim.RunCompare(sc, false)
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %s: %v\n", name, err)
		return 1
	}
	if *asJSON {
		b, _ := json.Marshal(c)
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprint(stdout, sim.FormatCompare(c))
	}
	if c.MP.Violations+c.Raft.Violations > 0 {
		return 1
	}
	return 0
}
