package coding

import (
	"time"

	"github.com/anyhour/anyhour/internal/grading"
)

// SetWatch makes running gradings look for a newer save every d, telling
// checked what each look found.
func (s *Service) SetWatch(d time.Duration, checked func(newer bool)) {
	s.checkEvery, s.checked = d, checked
}

// SetBudget replaces the time budget of gradings.
func (s *Service) SetBudget(d time.Duration) {
	s.budget = func(grading.Suite) time.Duration { return d }
}

var BudgetFor = budgetFor
