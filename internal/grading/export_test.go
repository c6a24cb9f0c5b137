package grading

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
)

// SetWatch makes running gradings look for a newer save every d, telling
// checked what each look found.
func (s *Service) SetWatch(d time.Duration, checked func(newer bool)) {
	s.checkEvery, s.checked = d, checked
}

// SetBudget replaces the time budget of gradings.
func (s *Service) SetBudget(d time.Duration) {
	s.budget = func(grader.Suite) time.Duration { return d }
}

var BudgetFor = budgetFor

// GradeFunc stands in for the grader.
type GradeFunc func(ctx context.Context, s grader.Suite) (grader.Outcome, error)

// Grade calls f.
func (f GradeFunc) Grade(ctx context.Context, s grader.Suite) (grader.Outcome, error) {
	return f(ctx, s)
}

// SetGradeFunc makes the service grade with f.
func (s *Service) SetGradeFunc(f GradeFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.engine, s.why = f, nil
}
