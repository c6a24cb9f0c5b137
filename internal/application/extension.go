package application

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// ExtensionStatus is where a request for more time stands.
type ExtensionStatus string

// The statuses of an extension.
const (
	ExtensionPending  ExtensionStatus = "pending"
	ExtensionApproved ExtensionStatus = "approved"
	ExtensionDeclined ExtensionStatus = "declined"
	ExtensionGranted  ExtensionStatus = "granted" // given by the team without a request
)

// Extension is more time for a candidate: asked for, or granted.
type Extension struct {
	ID            int64
	ApplicationID int64
	Days          int
	Reason        string // the candidate's reason, or the team's note
	Status        ExtensionStatus
	RequestedAt   time.Time
	DecidedBy     string
	DecidedAt     *time.Time
	OldDeadline   *time.Time
	NewDeadline   *time.Time
}

// MaxExtensionDays bounds one extension.
const MaxExtensionDays = 30

// ExtensionHook is work another package does when an extension is asked
// for, decided or granted, in the same transaction; a has the deadline as
// it now is. Package notify tells the other side through the conversation.
type ExtensionHook func(ctx context.Context, tx *sqldb.DB, actor *account.Member, a Application, e Extension) error

// OnExtension adds a hook to extensions. Call it while wiring.
func (s *Service) OnExtension(h ExtensionHook) { s.extensionHooks = append(s.extensionHooks, h) }

var reasonField = plaintext.Field{Name: "reason", Label: "the reason", Max: 2000, Required: true, Multiline: true}

func checkDays(days int) error {
	if days < 1 || days > MaxExtensionDays {
		return apperr.Invalid("days", "ask for between 1 and %d days", MaxExtensionDays)
	}
	return nil
}

// RequestExtension records the candidate's request for days more, with a
// reason. They may ask before or after the deadline, until they submit;
// one request waits for an answer at a time.
func (s *Service) RequestExtension(ctx context.Context, a Application, days int, reason string) (_ Extension, err error) {
	defer apperr.Wrap(&err, "application.RequestExtension(%d)", a.ID)
	switch {
	case a.RevokedAt != nil:
		return Extension{}, ErrLinkRevoked
	case a.Status != Invited && a.Status != Started:
		return Extension{}, apperr.Conflict("you have submitted, so there is no deadline left to move")
	}
	if err := checkDays(days); err != nil {
		return Extension{}, err
	}
	reason, err = reasonField.Check(reason)
	if err != nil {
		return Extension{}, err
	}
	e := Extension{ApplicationID: a.ID, Days: days, Reason: reason, Status: ExtensionPending, RequestedAt: s.now()}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Lock the application, so that two requests cannot both pass.
		if _, err := tx.Exec(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1`, a.ID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM extensions WHERE application_id = $1 AND status = 'pending'`, a.ID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return apperr.Conflict("you already asked for more time; the team will answer that request first")
		}
		if err := tx.WriteRow(ctx, `INSERT INTO extensions (org_id, application_id, days, reason, status, requested_at)
			VALUES ($1, $2, $3, $4, 'pending', $5) RETURNING id`, a.OrgID, a.ID, days, reason, e.RequestedAt).Scan(&e.ID); err != nil {
			return err
		}
		return s.extensionChanged(ctx, tx, nil, a, e)
	})
	return e, err
}

// DecideExtension approves or declines a pending request. Approving moves
// the deadline by the days asked, from the later of the deadline and now.
func (s *Service) DecideExtension(ctx context.Context, actor account.Member, extID int64, approve bool) (_ Extension, err error) {
	defer apperr.Wrap(&err, "application.DecideExtension(%d)", extID)
	if !actor.Can(account.InviteCandidates) {
		return Extension{}, apperr.Forbidden("your role cannot change deadlines")
	}
	var e Extension
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		if e, err = loadExtension(ctx, tx, actor.OrgID, extID); err != nil {
			return err
		}
		if e.Status != ExtensionPending {
			return apperr.Conflict("this request was already %s", e.Status)
		}
		a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, e.ApplicationID, actor.OrgID))
		if err != nil {
			return err
		}
		if approve && a.Status != Invited && a.Status != Started {
			return apperr.Conflict("%s has %s, so there is no deadline left to move; decline the request", a.TeamName(), a.Status)
		}
		now := s.now()
		e.DecidedBy, e.DecidedAt = actor.Name, &now
		e.Status = ExtensionDeclined
		if approve {
			e.Status = ExtensionApproved
		}
		// Claim the request first: of two answers at once (a double
		// click, two members), only one goes on.
		res, err := tx.Exec(ctx, `UPDATE extensions SET status = $1, decided_by = $2, decided_by_name = $3, decided_at = $4
			WHERE id = $5 AND status = 'pending'`, e.Status, actor.ID, actor.Name, now, e.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Conflict("this request was answered a moment ago")
		}
		if approve {
			if a, err = s.moveDeadline(ctx, tx, a, e.Days, &e); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE extensions SET old_deadline = $1, new_deadline = $2 WHERE id = $3`, e.OldDeadline, e.NewDeadline, e.ID); err != nil {
				return err
			}
		}
		if err := s.extensionChanged(ctx, tx, &actor, a, e); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "extension."+string(e.Status), applicationTarget(a), fmt.Sprintf("%d days", e.Days), "")
	})
	return e, err
}

// GrantExtension gives a candidate days more without a request, with an
// optional note for them: an accommodation agreed beforehand, say.
func (s *Service) GrantExtension(ctx context.Context, actor account.Member, appID int64, days int, note string) (_ Extension, err error) {
	defer apperr.Wrap(&err, "application.GrantExtension(%d)", appID)
	if !actor.Can(account.InviteCandidates) {
		return Extension{}, apperr.Forbidden("your role cannot change deadlines")
	}
	if err := checkDays(days); err != nil {
		return Extension{}, err
	}
	note, err = (plaintext.Field{Name: "note", Label: "the note", Max: 2000, Multiline: true}).Check(note)
	if err != nil {
		return Extension{}, err
	}
	now := s.now()
	e := Extension{Days: days, Reason: note, Status: ExtensionGranted, RequestedAt: now, DecidedBy: actor.Name, DecidedAt: &now}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, appID, actor.OrgID))
		if err != nil {
			return err
		}
		if a.Status != Invited && a.Status != Started {
			return apperr.Conflict("%s has submitted; there is no deadline left to move", a.TeamName())
		}
		e.ApplicationID = a.ID
		if a, err = s.moveDeadline(ctx, tx, a, days, &e); err != nil {
			return err
		}
		if err := tx.WriteRow(ctx, `INSERT INTO extensions (org_id, application_id, days, reason, status, requested_at, decided_by, decided_by_name,
			decided_at, old_deadline, new_deadline) VALUES ($1, $2, $3, $4, 'granted', $5, $6, $7, $5, $8, $9) RETURNING id`,
			a.OrgID, a.ID, days, note, now, actor.ID, actor.Name, e.OldDeadline, e.NewDeadline).Scan(&e.ID); err != nil {
			return err
		}
		if err := s.extensionChanged(ctx, tx, &actor, a, e); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "extension.granted", applicationTarget(a), fmt.Sprintf("%d days", days), "")
	})
	return e, err
}

// moveDeadline puts a's deadline days after the later of its deadline and
// now, and records both in e.
func (s *Service) moveDeadline(ctx context.Context, tx *sqldb.DB, a Application, days int, e *Extension) (Application, error) {
	from := a.DeadlineAt
	if now := s.now(); now.After(from) {
		from = now
	}
	old, to := a.DeadlineAt, from.Add(time.Duration(days)*24*time.Hour)
	if _, err := tx.Exec(ctx, `UPDATE applications SET deadline_at = $1, updated_at = $2 WHERE id = $3`, to, s.now(), a.ID); err != nil {
		return a, err
	}
	e.OldDeadline, e.NewDeadline = &old, &to
	a.DeadlineAt = to
	return a, nil
}

func (s *Service) extensionChanged(ctx context.Context, tx *sqldb.DB, actor *account.Member, a Application, e Extension) error {
	for _, h := range s.extensionHooks {
		if err := h(ctx, tx, actor, a, e); err != nil {
			return err
		}
	}
	return nil
}

const extensionColumns = `id, application_id, days, reason, status, requested_at, decided_by_name, decided_at, old_deadline, new_deadline`

func scanExtension(row interface{ Scan(...any) error }) (Extension, error) {
	var e Extension
	err := row.Scan(&e.ID, &e.ApplicationID, &e.Days, &e.Reason, &e.Status, &e.RequestedAt, &e.DecidedBy, &e.DecidedAt, &e.OldDeadline, &e.NewDeadline)
	if errors.Is(err, sqldb.ErrNotFound) {
		return e, apperr.NotFound("request for more time")
	}
	return e, err
}

func loadExtension(ctx context.Context, db *sqldb.DB, orgID, id int64) (Extension, error) {
	return scanExtension(db.QueryRow(ctx, `SELECT `+extensionColumns+` FROM extensions WHERE id = $1 AND org_id = $2`, id, orgID))
}

// Extensions lists an application's extensions, newest first. Callers
// check that the application is the reader's.
func (s *Service) Extensions(ctx context.Context, appID int64) (_ []Extension, err error) {
	defer apperr.Wrap(&err, "application.Extensions(%d)", appID)
	rows, err := s.db.Query(ctx, `SELECT `+extensionColumns+` FROM extensions WHERE application_id = $1 ORDER BY id DESC`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Extension{}
	for rows.Next() {
		e, err := scanExtension(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Pending is the request for more time among es that waits for the
// team's answer, if any.
func Pending(es []Extension) *Extension {
	for _, e := range es {
		if e.Status == ExtensionPending {
			return &e
		}
	}
	return nil
}
