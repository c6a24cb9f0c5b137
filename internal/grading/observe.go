package grading

import (
	"context"
	"errors"
	"time"
)

// The kinds of grading a Service reports to its observer.
const (
	KindCode = "code" // a saved answer, graded in the background with every test
	KindRun  = "run"  // a candidate's run of the visible tests
	KindTry  = "try"  // the team's try of a reference solution
)

// Outcomes of a grading, as reported to the observer: whether the code
// could be graded, not whether it passed.
const (
	OutcomeOK         = "ok"          // graded, whatever the score
	OutcomeOverBudget = "over_budget" // stopped at its time budget
	OutcomeCancelled  = "cancelled"   // a newer save, or the request or worker ending
	OutcomeError      = "error"       // the grader failed
)

// SetObserver has the service report how long each grading took, its
// kind and its outcome, for metrics.
func (s *Service) SetObserver(fn func(kind, outcome string, d time.Duration)) { s.observe = fn }

// observed reports a grading of kind that began at start and ended with
// err; ctx is the one it ran with.
func (s *Service) observed(ctx context.Context, kind string, start time.Time, err error) {
	if s.observe != nil {
		s.observe(kind, outcome(ctx, err), time.Since(start))
	}
}

func outcome(ctx context.Context, err error) string {
	var over *overBudgetError
	switch {
	case err == nil:
		return OutcomeOK
	case errors.As(err, &over):
		return OutcomeOverBudget
	case ctx.Err() != nil:
		return OutcomeCancelled
	}
	return OutcomeError
}
