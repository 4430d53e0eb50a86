package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/paxviz/paxviz/engine/sim"
)

// maxScriptBytes bounds a script read by paxviz run.
const maxScriptBytes = 4 << 20

func cmdRun(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the final state as one JSON object instead of the trace")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "usage: paxviz run [--json] FILE|-")
		return 2
	}
	name := fs.Arg(0)
	var r io.Reader
	if name == "-" {
		r, name = stdin, "<stdin>"
	} else {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "paxviz: %v\n", err)
			return 2
		}
		defer f.Close()
		r = f
	}
	src, err := io.ReadAll(io.LimitReader(r, maxScriptBytes+1))
	if err != nil {
		fmt.Fprintf(stderr, "paxviz: %s: %v\n", name, err)
		return 2
	}
	if len(src) > maxScriptBytes {
		fmt.Fprintf(stderr, "paxviz: %s: script larger than %d bytes\n", name, maxScriptBytes)
		return 2
	}
	sc, err := sim.Parse(name, string(src))
	if err != nil {
		var list sim.ErrorList
		if errors.As(err, &list) {
			for _, e := range list {
				fmt.Fprintln(stderr, e)
			}
		} else {
			fmt.Fprintln(stderr, err)
		}
		return 2
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	var trace io.Writer = out
	if *asJSON {
		trace = nil
	}
	res := sim.Exec(sc, trace)
	if *asJSON {
		type failure struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		}
		type verdict struct {
			OK       bool      `json:"ok"`
			Failures []failure `json:"failures"`
			Error    *failure  `json:"error"`
		}
		v := verdict{OK: res.ExitCode() == 0, Failures: []failure{}}
		for _, f := range res.Failures {
			v.Failures = append(v.Failures, failure{f.Line, f.Error()})
		}
		if res.Err != nil {
			v.Error = &failure{res.Err.Line, res.Err.Error()}
		}
		var doc any
		if res.Raft != nil {
			doc = struct {
				sim.RaftStateJSON
				verdict
			}{res.Raft.StateJSON(), v}
		} else if res.MP != nil {
			doc = struct {
				sim.MPStateJSON
				verdict
			}{res.MP.StateJSON(), v}
		} else {
			doc = struct {
				sim.StateJSON
				verdict
			}{res.Sim.State(), v}
		}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "paxviz: %v\n", err)
			return 2
		}
	}
	out.Flush()
	if res.Err != nil {
		fmt.Fprintln(stderr, res.Err)
	}
	for _, f := range res.Failures {
		fmt.Fprintf(stderr, "FAIL %s\n", f)
	}
	return res.ExitCode()
}
