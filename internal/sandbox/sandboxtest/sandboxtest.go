// Package sandboxtest helps tests that use the sandbox: New gives them the
// real bubblewrap box, and Fake stands in for it in tests far from grading
// (HTTP handler tables and the like).
package sandboxtest

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// New returns a real sandbox. Where bubblewrap is missing it skips the
// test loudly, or fails it when CI=true, since CI must run the real thing.
func New(tb testing.TB) *sandbox.Box {
	tb.Helper()
	b, err := sandbox.New(sandbox.Options{})
	if errors.Is(err, sandbox.ErrNoBwrap) && os.Getenv("CI") != "true" {
		tb.Skipf("SKIPPING: the sandbox tests need bubblewrap (apt-get install bubblewrap): %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Fake is a Runner that answers with Fn, for tests that must not depend
// on bubblewrap. A nil Fn returns a zero Result (exit code 0).
type Fake struct {
	Fn func(ctx context.Context, cmd sandbox.Command) (sandbox.Result, error)
}

var _ sandbox.Runner = Fake{}

// Run calls f.Fn.
func (f Fake) Run(ctx context.Context, cmd sandbox.Command) (sandbox.Result, error) {
	if f.Fn == nil {
		return sandbox.Result{}, nil
	}
	return f.Fn(ctx, cmd)
}
