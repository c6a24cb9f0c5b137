package grading

import (
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// A whole grading has a time budget: the wall limit of each run it makes,
// plus a margin per run, capped at maxBudget. Each run is already held to
// its wall limit; the budget bounds the sum, so that a task with many
// stdin/stdout cases and code that hangs in each cannot hold a grading
// slot for an hour. Below the cap the budget is generous on purpose: code
// that merely times out should get its tests' own "time limit exceeded",
// not lose them to the budget.
const (
	// maxBudget caps a grading's time budget.
	maxBudget = 3 * time.Minute
	// minBudget is the least a grading gets, however few its runs.
	minBudget = 30 * time.Second
	// boxMargin is the time allowed per run beyond its wall limit: for
	// setting up its boxes, and for the tests' own box, which may outlive
	// the code's by a couple of seconds to record which test timed out.
	boxMargin = 5 * time.Second
	// goCompileWall is the wall limit of Go's compile run, package
	// the grader's default (grader.Options.CompileLimits).
	goCompileWall = 60 * time.Second
)

// budgetFor is how long grading s may take in all.
func budgetFor(s grader.Suite) time.Duration {
	wall := s.Limits.Wall
	if wall <= 0 {
		wall = sandbox.DefaultLimits.Wall
	}
	runs := 0
	if s.Visible != "" {
		runs++
	}
	if s.Hidden != "" && s.IncludeHidden {
		runs++
	}
	for _, c := range s.IOCases {
		if !c.Hidden || s.IncludeHidden {
			runs++
		}
	}
	d := time.Duration(runs) * (wall + boxMargin)
	if s.Language == grader.Go {
		d += goCompileWall + boxMargin
	}
	return min(max(d, minBudget), maxBudget)
}

// overBudgetError ends a grading that ran past its budget.
type overBudgetError struct{ budget time.Duration }

func (e *overBudgetError) Error() string {
	return fmt.Sprintf("grading took longer than %s", humanDuration(e.budget))
}

// message is what reviewers and the candidate read on the grading.
func (e *overBudgetError) message() string {
	return fmt.Sprintf("Grading took longer than %s, the limit for this task, and was stopped: the code may be too slow, or never finish.",
		humanDuration(e.budget))
}

// humanDuration writes d as "45 s", "2 min" or "1 min 36 s".
func humanDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%d s", s)
	case s%60 == 0:
		return fmt.Sprintf("%d min", s/60)
	}
	return fmt.Sprintf("%d min %d s", s/60, s%60)
}
