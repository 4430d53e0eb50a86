// Command paxviz teaches Paxos: it serves a live, steppable Paxos cluster in
// the browser, runs paxviz scripts, and checks the protocol.
//
//	paxviz [serve] [--addr 127.0.0.1:8080]   serve the web app
//	paxviz run [--json] FILE|-               run a script, print its trace
//	paxviz compare [--json] FILE|-           Multi-Paxos and Raft side by side
//	paxviz check engine|spec [flags]         exhaustive model checking
//	paxviz lesson check FILE...              validate lesson files
package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  paxviz [serve] [--addr ADDR]        serve the web app (default 127.0.0.1:8080)
  paxviz run [--json] FILE|-          run a script and print its trace
  paxviz compare [--json] FILE|-      run a schedule on Multi-Paxos and Raft side by side
  paxviz check engine|spec [FLAGS]    model-check the engine or Lamport's Paxos.tla
  paxviz lesson check FILE...         validate lesson files
  paxviz help                         this text
`)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return cmdServe(ctx, nil, stdout, stderr)
	}
	switch args[0] {
	case "run":
		return cmdRun(args[1:], stdin, stdout, stderr)
	case "compare":
		return cmdCompare(args[1:], stdin, stdout, stderr)
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "check":
		return cmdCheck(ctx, args[1:], stdout, stderr)
	case "lesson":
		return cmdLesson(args[1:], stdout, stderr)
	case "help", "-h", "--help", "-help":
		usage(stdout)
		return 0
	}
	if len(args[0]) > 0 && args[0][0] == '-' {
		return cmdServe(ctx, args, stdout, stderr)
	}
	fmt.Fprintf(stderr, "paxviz: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}
