package application

import (
	"context"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// ErrNoVideoConsent refuses a recording from a candidate who has not
// agreed to be recorded. It is apperr.ErrForbidden.
var ErrNoVideoConsent = &apperr.Error{Kind: apperr.ErrForbidden,
	Message: "you have not agreed to be recorded, so no recording is taken; a video question's page says what is recorded, who sees it and how long it is kept, and asks first"}

// ConsentToVideo records that the candidate agreed to be recorded, once
// the video step told them what is recorded, who sees it and how long it
// is kept. The first agreement's time is kept; agreeing again changes
// nothing. Without it the candidate still answers every other step,
// submits and writes to the team; package video refuses their takes. It
// returns the application as it now is.
func (s *Service) ConsentToVideo(ctx context.Context, a Application) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.ConsentToVideo(%d)", a.ID)
	if err := s.checkOpen(a); err != nil {
		return a, err
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := s.lockOpen(ctx, tx, &a); err != nil || a.VideoConsentAt != nil {
			return err
		}
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE applications SET video_consent_at = $1 WHERE id = $2`, now, a.ID); err != nil {
			return err
		}
		a.VideoConsentAt = &now
		return account.AuditCandidate(ctx, tx, a.OrgID, candidateActor(a), "application.video_consent", applicationTarget(a), "")
	})
	return a, err
}
