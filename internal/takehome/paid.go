package takehome

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

var paidReference = plaintext.Field{Name: "reference", Label: "the payment's reference", Max: 200}

// RecordPayment records, for the team, that a's compensation for the
// take-home stepID was paid on day (YYYY-MM-DD) with reference; an empty
// day takes the record back. Members who manage candidates record it, and
// the audit log keeps who did.
func (s *Service) RecordPayment(ctx context.Context, m account.Member, a application.Application, stepID int64, day, reference string) (err error) {
	defer apperr.Wrap(&err, "takehome.RecordPayment(%d, %d)", a.ID, stepID)
	if a.OrgID != m.OrgID {
		return apperr.NotFound("application")
	}
	if !m.Can(account.InviteCandidates) {
		return apperr.Forbidden("your role cannot record payments to candidates")
	}
	st, err := s.step(ctx, a, stepID)
	if err != nil {
		return err
	}
	if st.Takehome.Compensation == nil {
		return apperr.Invalid("step_id", "this take-home carries no compensation")
	}
	if day != "" {
		if _, err := time.Parse(time.DateOnly, day); err != nil {
			return apperr.Invalid("paid_on", "the day must be a date such as 2026-12-07")
		}
	}
	if reference, err = paidReference.Check(reference); err != nil {
		return err
	}
	if day == "" {
		reference = ""
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		res, err := tx.Exec(ctx, `UPDATE takehome_repos SET paid_on = $1, paid_reference = $2, updated_at = $3
			WHERE application_id = $4 AND step_id = $5`, day, reference, s.now(), a.ID, stepID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Conflict("the candidate has not started this take-home, so there is nothing to pay yet")
		}
		detail := "paid on " + day
		if day == "" {
			detail = "payment record taken back"
		}
		return s.accounts.Audit(ctx, tx, m, "takehome.paid", a.AuditTarget(), detail, "")
	})
}
