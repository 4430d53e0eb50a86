package main

import (
	"context"
	"fmt"
	"io"
)

// cmdCheck is paxviz check (issue 5; owned by the model-checker work).
func cmdCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	_, _, _ = ctx, args, stdout
	fmt.Fprintln(stderr, "paxviz check: not built yet")
	return 2
}
