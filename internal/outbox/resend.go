package outbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Unknown returns every email of the organisation whose sending was cut
// off, newest first, for its admins: each may or may not have arrived,
// and only a person can decide to send it again (Resend) or set it aside
// (Dismiss), which removes it from this list.
func (s *Service) Unknown(ctx context.Context, actor account.Member) (_ []Email, err error) {
	defer apperr.Wrap(&err, "outbox.Unknown")
	if !CanManage(actor) {
		return nil, errForbidden
	}
	return s.listWhere(ctx, `WHERE org_id = $1 AND status = 'unknown' AND dismissed_at IS NULL ORDER BY id DESC`, actor.OrgID)
}

// Undelivered returns the latest email of kind about application appID
// if it may not have reached the candidate: its sending was cut off
// (Unknown) or it failed, and no admin has set it aside (Dismiss). ok is
// false when the latest went out, is on its way, was set aside, or there
// is none. Whoever may read the application may know this;
// the email comes as admins read it (List).
func (s *Service) Undelivered(ctx context.Context, actor account.Member, appID int64, kind string) (_ Email, ok bool, err error) {
	defer apperr.Wrap(&err, "outbox.Undelivered(%d)", appID)
	if !actor.Can(account.ViewApplications) {
		return Email{}, false, apperr.Forbidden("your role cannot read applications")
	}
	es, err := s.listWhere(ctx, `WHERE org_id = $1 AND application_id = $2 AND kind = $3 ORDER BY id DESC LIMIT 1`,
		actor.OrgID, appID, kind)
	if err != nil || len(es) == 0 {
		return Email{}, false, err
	}
	if e := es[0]; (e.Status == Unknown || e.Status == Failed) && e.DismissedAt == nil {
		return e, true, nil
	}
	return Email{}, false, nil
}

// Resend sends again an email that may not have arrived: one whose
// sending was cut off (Unknown: the server may have it, and the recipient
// may get it twice) or that failed. It keeps its Message-ID, so that a
// second copy can be recognised, and makes its link afresh, as every
// sending does, and clears an admin's Dismiss. One conditional write moves the email from unknown or
// failed back to queued, in the transaction that queues its sending and
// audits who asked: of two requests at once (a double click), one resends
// and the other fails with ErrConflict, sending nothing. An email of
// another organisation is ErrNotFound. It returns the email as admins
// read it, as it was before.
func (s *Service) Resend(ctx context.Context, actor account.Member, id int64) (_ Email, err error) {
	defer apperr.Wrap(&err, "outbox.Resend(%d)", id)
	if !CanManage(actor) {
		return Email{}, errForbidden
	}
	var e Email
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if e, err = s.readForAdmin(ctx, tx, actor, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE emails SET status = 'queued', last_error = '', dismissed_at = NULL, updated_at = $1
			WHERE id = $2 AND org_id = $3 AND status IN ('unknown', 'failed')`, s.now(), id, actor.OrgID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, notStuck(e.Status))
		}
		if _, err := queue.Enqueue(ctx, tx, TaskSend, sendPayload{ID: id}, queue.MaxAttempts(maxAttempts)); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "email.resend", auditTarget(e), fmt.Sprintf("%s email %d, %s until then", e.Kind, e.ID, e.Status), "")
	})
	return e, err
}

// readForAdmin reads email id of actor's organisation as admins read it
// (redact), in tx; another organisation's is ErrNotFound.
func (s *Service) readForAdmin(ctx context.Context, tx *sqldb.DB, actor account.Member, id int64) (Email, error) {
	var marker string
	var hidden int
	found, err := scan(tx.QueryRow(ctx, `SELECT `+columns+`, link_marker, `+hiddenSQL+` FROM emails WHERE id = $1 AND org_id = $2`,
		id, actor.OrgID), &marker, &hidden)
	if errors.Is(err, sqldb.ErrNotFound) {
		return Email{}, apperr.NotFound("email")
	}
	if err != nil {
		return Email{}, err
	}
	s.mu.Lock()
	refs := s.refs
	s.mu.Unlock()
	return redact(found, marker, hidden, refs), nil
}

// auditTarget names an email's recipient in the audit log: its address,
// or, for a candidate reviewed blind, the name redact gave them (their
// number).
func auditTarget(e Email) string {
	if e.To.Email == "" {
		return e.To.Name
	}
	return e.To.Email
}

// Dismiss sets aside an email that may not have arrived (unknown or
// failed), for an admin who knows it did, or who reached the candidate
// another way: it leaves Unknown, Undelivered and the metrics' count,
// and nothing is sent. The email stays in the log as it was, and may
// still be sent again (Resend), which clears the mark. One conditional
// write, audited in the same transaction: a second request fails with
// ErrConflict. An email of another organisation is ErrNotFound. It
// returns the email as admins read it, as it was before.
func (s *Service) Dismiss(ctx context.Context, actor account.Member, id int64) (_ Email, err error) {
	defer apperr.Wrap(&err, "outbox.Dismiss(%d)", id)
	if !CanManage(actor) {
		return Email{}, errForbidden
	}
	var e Email
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if e, err = s.readForAdmin(ctx, tx, actor, id); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE emails SET dismissed_at = $1
			WHERE id = $2 AND org_id = $3 AND status IN ('unknown', 'failed') AND dismissed_at IS NULL`, s.now(), id, actor.OrgID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, notDismissable(e))
		}
		return s.accounts.Audit(ctx, tx, actor, "email.dismiss", auditTarget(e), fmt.Sprintf("%s email %d, %s", e.Kind, e.ID, e.Status), "")
	})
	return e, err
}

// notDismissable says why e, as it was read, was not set aside.
func notDismissable(e Email) error {
	switch {
	case e.DismissedAt != nil:
		return apperr.Conflict("this email was already set aside")
	case e.Status == Unknown || e.Status == Failed: // changed since it was read
		return apperr.Conflict("someone else has just set this email aside or sent it again")
	case e.Status == Queued || e.Status == Sending:
		return apperr.Conflict("this email is on its way, so there is nothing to set aside")
	case e.Status == Sent:
		return apperr.Conflict("this email was sent, so there is nothing to set aside")
	}
	return apperr.Conflict("this email is kept for admins to read, not sent: there is nothing to set aside")
}

// notStuck says why an email in status is not sent again.
func notStuck(status Status) error {
	switch status {
	case Unknown, Failed: // moved by another request since it was read
		return apperr.Conflict("this email is already being sent again")
	case Queued, Sending:
		return apperr.Conflict("this email is already on its way")
	case Sent:
		return apperr.Conflict("this email was sent, so it is not sent again")
	}
	return apperr.Conflict("this email is kept for admins to read, not sent: there is no SMTP server")
}
