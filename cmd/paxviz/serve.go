package main

import (
	"context"
	"fmt"
	"io"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	_ = ctx
	_ = args
	fmt.Fprintln(stderr, "paxviz: the web app is not built yet; try paxviz run FILE")
	return 2
}
