// Package domain builds anyhour's domain services over one database, in
// the order they depend on each other (account ← opening ← interview ←
// review), so that the app, the pages, the API, the demo, the benchmarks
// and the tests all work with the same set, wired the same way.
package domain

import (
	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/interview"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Services is the set of domain services.
type Services struct {
	Accounts   *account.Service
	Openings   *opening.Service
	Interviews *interview.Service
	Reviews    *review.Service
}

// New builds every domain service over db.
func New(db *sqldb.DB) Services {
	var s Services
	s.Accounts = account.New(db)
	s.Openings = opening.New(db, s.Accounts)
	s.Interviews = interview.New(db, s.Accounts, s.Openings)
	s.Reviews = review.New(db, s.Accounts, s.Openings, s.Interviews)
	return s
}
