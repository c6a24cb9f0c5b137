package takehome

import (
	"context"
	"time"
)

// SetObserver has the service report how long each push's grading took
// and its outcome: "ok" (graded, whatever the score), "cancelled" (the
// worker stopped or lost the task) or "error" (no grader on this
// machine, or the grading failed). For metrics.
func (s *Service) SetObserver(fn func(outcome string, d time.Duration)) { s.observe = fn }

func (s *Service) observed(ctx context.Context, start time.Time, g Grading, err error) {
	if s.observe == nil {
		return
	}
	outcome := "ok"
	switch {
	case err != nil && ctx.Err() != nil:
		outcome = "cancelled"
	case err != nil || g.Status != Done:
		outcome = "error"
	}
	s.observe(outcome, time.Since(start))
}
