package check

import (
	"context"
	"fmt"

	"github.com/paxviz/paxviz/engine"
)

// CounterexampleNamed is Counterexample for the single-decree bug switch
// with the given script name (sim.BugNames("") lists them), so that front
// ends can ask for a gallery entry without naming the protocol package. An
// unknown name wraps ErrNoCase.
func CounterexampleNamed(ctx context.Context, name string) (*Result, error) {
	bug, err := engine.ParseBug(name)
	if err != nil {
		return nil, fmt.Errorf("%w %q", ErrNoCase, name)
	}
	return Counterexample(ctx, bug)
}
