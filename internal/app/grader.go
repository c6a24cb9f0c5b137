package app

import (
	"log/slog"
	"sync"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

var (
	graderOnce   sync.Once
	sharedGrader *grader.Grader
	graderErr    error
)

// newGrader sets up the sandbox and the grader, once per process (the
// first caller's options win): both are safe for concurrent use, and
// preparing the Go toolchain's cache takes a while.
func newGrader(opts sandbox.Options) (*grader.Grader, error) {
	graderOnce.Do(func() {
		var box *sandbox.Box
		if box, graderErr = sharedBox(opts); graderErr == nil {
			sharedGrader, graderErr = grader.New(box, grader.Options{})
		}
	})
	return sharedGrader, graderErr
}

// startGrader gives the coding service its grader in the background, so
// that the server need not wait for it, unless it was given one already. Until it is ready, or if this
// machine cannot sandbox code, runs and gradings say why.
func (a *App) startGrader() {
	go func() {
		g, err := newGrader(sandbox.Options{UID: a.Config.SandboxUID})
		switch {
		case err != nil:
			a.Logger.Warn("code answers cannot be graded on this machine; run anyhour doctor", slog.Any("error", err))
		case g.GoError() != nil:
			a.Logger.Warn("Go answers cannot be graded on this machine; run anyhour doctor", slog.Any("error", g.GoError()))
		default:
			a.Logger.Debug("code grading ready")
		}
		a.Gradings.OfferGrader(g, err)
	}()
}
