package matching

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/takehome"
)

// Service keeps steps' comparisons.
type Service struct {
	db           *sqldb.DB
	accounts     *account.Service
	openings     *opening.Service
	applications *application.Service
	takehomes    *takehome.Service
	now          func() time.Time
	settle       time.Duration
}

// New returns a Service.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service, applications *application.Service, takehomes *takehome.Service) *Service {
	return &Service{db: db, accounts: accounts, openings: openings, applications: applications, takehomes: takehomes,
		now: time.Now, settle: settle}
}

// SetSettle sets how long a comparison waits after it is queued (tests
// make it 0 so that the worker finds it ready).
func (s *Service) SetSettle(d time.Duration) { s.settle = d }

// Compared says whether a step's answers are compared: code and take-home
// steps.
func Compared(st opening.Step) bool {
	return (st.Kind == opening.KindCode && st.Code != nil) || (st.Kind == opening.KindTakehome && st.Takehome != nil)
}

// step finds step stepID in m's organisation, and its interview; another
// organisation's step, a removed one and a step whose answers are not
// compared are not found.
func (s *Service) step(ctx context.Context, m account.Member, stepID int64) (opening.Interview, opening.Step, error) {
	if !m.Can(account.ViewApplications) {
		return opening.Interview{}, opening.Step{}, apperr.NotFound("step")
	}
	var ivID int64
	err := s.db.QueryRow(ctx, `SELECT interview_id FROM steps WHERE id = $1 AND org_id = $2 AND removed_at IS NULL`, stepID, m.OrgID).Scan(&ivID)
	if errors.Is(err, sqldb.ErrNotFound) {
		return opening.Interview{}, opening.Step{}, apperr.NotFound("step")
	}
	if err != nil {
		return opening.Interview{}, opening.Step{}, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, m.OrgID, ivID)
	if err != nil {
		return iv, opening.Step{}, err
	}
	st, ok := iv.Step(stepID)
	if !ok || !Compared(st) {
		return iv, st, apperr.NotFound("step")
	}
	return iv, st, nil
}

// state reads a step's state; a step never compared has the defaults.
func (s *Service) state(ctx context.Context, stepID int64) (State, error) {
	st := State{StepID: stepID, Threshold: DefaultThreshold, Status: None}
	err := s.db.QueryRow(ctx, `SELECT threshold, status, submissions, compared, error, computed_at, updated_at
		FROM similarity_steps WHERE step_id = $1`, stepID).
		Scan(&st.Threshold, &st.Status, &st.Submissions, &st.Compared, &st.Error, &st.ComputedAt, &st.UpdatedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return st, nil
	}
	return st, err
}

// CheckThreshold reads a threshold: a number from 0 to 1.
func CheckThreshold(field string, t float64) error {
	if math.IsNaN(t) || t < 0 || t > 1 {
		return apperr.Invalid(field, "the threshold is a share from 0 to 1 (0.5 is 50%%)")
	}
	return nil
}

// SetThreshold sets the least similarity of the pairs the team is shown
// for step stepID. Members who review set it.
func (s *Service) SetThreshold(ctx context.Context, m account.Member, stepID int64, t float64) (err error) {
	defer apperr.Wrap(&err, "matching.SetThreshold(%d)", stepID)
	_, st, err := s.step(ctx, m, stepID)
	if err != nil {
		return err
	}
	if !m.Can(account.Review) {
		return apperr.Forbidden("your role cannot change how answers are compared")
	}
	if err := CheckThreshold("threshold", t); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `INSERT INTO similarity_steps (step_id, org_id, threshold, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (step_id) DO UPDATE SET threshold = excluded.threshold, updated_at = excluded.updated_at`,
			st.ID, m.OrgID, t, s.now()); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, m, "similarity.threshold", stepTarget(st), fmt.Sprintf("%g%%", math.Round(t*1000)/10), "")
	})
}

func stepTarget(st opening.Step) string { return fmt.Sprintf("step %d (%s)", st.ID, st.Title) }
