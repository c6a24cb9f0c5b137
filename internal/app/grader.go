package app

import (
	"log/slog"
	"sync"

	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// newGrader sets up the sandbox and the grader, once per process: both
// are safe for concurrent use, and preparing the Go toolchain's cache
// takes a while.
var newGrader = sync.OnceValues(func() (*grading.Grader, error) {
	box, err := sandbox.New(sandbox.Options{})
	if err != nil {
		return nil, err
	}
	return grading.New(box, grading.Options{})
})

// startGrader gives the coding service its grader in the background, so
// that the server need not wait for it, unless it was given one already. Until it is ready, or if this
// machine cannot sandbox code, runs and gradings say why.
func (a *App) startGrader() {
	go func() {
		g, err := newGrader()
		switch {
		case err != nil:
			a.Logger.Warn("code answers cannot be graded on this machine; run anyhour doctor", slog.Any("error", err))
		case g.GoError() != nil:
			a.Logger.Warn("Go answers cannot be graded on this machine; run anyhour doctor", slog.Any("error", g.GoError()))
		default:
			a.Logger.Debug("code grading ready")
		}
		a.Coding.OfferGrader(g, err)
	}()
}
