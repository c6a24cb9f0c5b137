// Package grading keeps code answers' gradings: a grading is queued in the
// same transaction as the answer it grades, run in the background by the
// worker through package grader (and so the sandbox), and kept per
// application and step with its per-test results. Candidates also run a
// task's visible tests on demand, one run at a time.
//
// A candidate cannot hold the workers: an application's gradings run one
// at a time (a queue serial key), a new save of an answer cancels the
// running grading of the old one (watch.go), and a whole grading has a
// time budget (budget.go). Runs from the Run button do not go through the
// queue at all, so background gradings never hold them up for a slot.
//
// Hidden tests never reach candidates: Outcome.ForCandidate strips them
// for every candidate-facing answer, and visible-only runs do not even
// put the hidden tests in the box.
package grading

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/limit"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Status is where a grading stands (docs/contracts.md).
type Status string

// Statuses.
const (
	Queued  Status = "queued"
	Running Status = "running"
	Done    Status = "done"
	Error   Status = "error" // the grader could not run (the code's own failures are Done with failed tests)
)

// Grading is the latest grading of one code answer.
type Grading struct {
	ApplicationID int64
	StepID        int64
	Status        Status
	Language      opening.Language
	Score         *float64
	MaxScore      *float64
	Tests         []grader.Test
	CompileError  string
	Logs          string
	Error         string // why the grader could not run
	WallMS        int64
	MaxRSSBytes   int64
	UpdatedAt     time.Time
	// Warnings tell reviewers to look closely: the candidate's program
	// broke the protocol between it and the tests, or a run ended without
	// all its results. Never shown to the candidate.
	Warnings []string
}

// ForCandidate is the grading as a candidate may see it: hidden tests
// keep their result and points but lose their names and messages.
func (g Grading) ForCandidate() Grading {
	out := g
	out.Tests = grader.Outcome{Tests: g.Tests}.ForCandidate().Tests
	out.Logs = ""
	out.Warnings = nil
	return out
}

// Service runs code gradings.
type Service struct {
	db           *sqldb.DB
	openings     *opening.Service
	applications *application.Service
	now          func() time.Time

	// checkEvery is how often a running grading looks for a newer save;
	// checked, if set, hears each look's answer (tests count them).
	checkEvery time.Duration
	checked    func(newer bool)
	budget     func(grader.Suite) time.Duration            // budgetFor; tests shorten it
	observe    func(kind, outcome string, d time.Duration) // SetObserver

	// limits count candidates' runs and the team's tries (startRun).
	limits *limit.Store

	mu     sync.Mutex
	engine engine // nil until SetGrader: the server may run without a sandbox
	why    error  // why there is no grader
}

// New returns a Service and adds to interviews the queuing of a grading
// whenever a code answer is saved.
func New(db *sqldb.DB, openings *opening.Service, applications *application.Service) *Service {
	s := &Service{db: db, openings: openings, applications: applications, now: time.Now,
		checkEvery: checkEvery, budget: budgetFor,
		why: errors.New("the grader has not been set up"), limits: limit.New(db)}
	return s
}

// engine is what the service grades code with: a *grader.Grader, or in
// tests about who runs when, a stand-in that does not depend on how
// grading uses the sandbox.
type engine interface {
	Grade(ctx context.Context, s grader.Suite) (grader.Outcome, error)
}

// SetGrader gives the service its grader, or the reason there is none
// (no sandbox on this machine), which candidates and the team are told.
func (s *Service) SetGrader(g *grader.Grader, why error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setGrader(g, why)
}

// OfferGrader is SetGrader unless the service has a grader already. The
// app prepares this machine's grader in the background; a grader given
// meanwhile (a test's or a benchmark's) stays.
func (s *Service) OfferGrader(g *grader.Grader, why error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine == nil {
		s.setGrader(g, why)
	}
}

func (s *Service) setGrader(g *grader.Grader, why error) {
	s.engine, s.why = nil, why
	if g != nil {
		s.engine = g
	}
}

func (s *Service) getGrader() (engine, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.engine == nil {
		return nil, apperr.New(apperr.ErrConflict, "code cannot be run on this server yet: %v", s.why)
	}
	return s.engine, nil
}

// Grader returns this machine's grader, for other kinds of gradings
// (take-homes'), or why there is none.
func (s *Service) Grader() (*grader.Grader, error) {
	e, err := s.getGrader()
	if err != nil {
		return nil, err
	}
	g, ok := e.(*grader.Grader)
	if !ok {
		return nil, errors.New("grading: the grader is a stand-in")
	}
	return g, nil
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const gradingColumns = `application_id, step_id, status, language, score, max_score, tests, compile_error, logs, error,
	wall_ms, max_rss_bytes, updated_at, warnings`

func scanGrading(row interface{ Scan(...any) error }) (Grading, error) {
	var g Grading
	var tests, warnings string
	err := row.Scan(&g.ApplicationID, &g.StepID, &g.Status, &g.Language, &g.Score, &g.MaxScore, &tests, &g.CompileError,
		&g.Logs, &g.Error, &g.WallMS, &g.MaxRSSBytes, &g.UpdatedAt, &warnings)
	if err != nil {
		return g, err
	}
	if err := json.Unmarshal([]byte(tests), &g.Tests); err != nil {
		return g, fmt.Errorf("grading tests: %w", err)
	}
	if err := json.Unmarshal([]byte(warnings), &g.Warnings); err != nil {
		return g, fmt.Errorf("grading warnings: %w", err)
	}
	return g, nil
}

// ForTeam returns an application's gradings by step id as its team may
// read them: none until the candidate submits (application.Application.Shared).
// The caller has checked that the viewer may read the application.
func (s *Service) ForTeam(ctx context.Context, a application.Application) (_ map[int64]Grading, err error) {
	defer apperr.Wrap(&err, "grading.ForTeam")
	if !a.Shared() {
		return map[int64]Grading{}, nil
	}
	return s.ForApplication(ctx, a.ID)
}

// ForApplication returns an application's gradings by step id, for the
// candidate. The team reads them through ForTeam.
func (s *Service) ForApplication(ctx context.Context, appID int64) (_ map[int64]Grading, err error) {
	defer apperr.Wrap(&err, "grading.ForApplication(%d)", appID)
	rows, err := s.db.Query(ctx, `SELECT `+gradingColumns+` FROM gradings WHERE application_id = $1`, appID)
	if err != nil {
		return nil, err
	}
	return scanAll(rows)
}

func scanAll(rows *sql.Rows) (map[int64]Grading, error) {
	defer rows.Close()
	out := map[int64]Grading{}
	for rows.Next() {
		g, err := scanGrading(rows)
		if err != nil {
			return nil, err
		}
		out[g.StepID] = g
	}
	return out, rows.Err()
}
