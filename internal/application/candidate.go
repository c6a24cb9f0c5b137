package application

import (
	"time"

	"context"
	"errors"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// ErrLinkRevoked and ErrLinkExpired say why a candidate's link no longer
// works; both are apperr.ErrUnauthenticated.
var (
	ErrLinkUnknown = &apperr.Error{Kind: apperr.ErrUnauthenticated, Message: "this interview link is not valid; check that you copied all of it, or ask the team for a new one"}
	ErrLinkRevoked = &apperr.Error{Kind: apperr.ErrUnauthenticated, Message: "this interview link was withdrawn by the team; if you think this is a mistake, reply to the email that brought you here"}
	ErrLinkExpired = &apperr.Error{Kind: apperr.ErrUnauthenticated, Message: "this interview link has expired; if you still want to take part, ask the team for a new one"}
)

// ByToken returns the application a candidate's link opens.
func (s *Service) ByToken(ctx context.Context, token string) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.ByToken")
	if token == "" || len(token) > 200 {
		return Application{}, ErrLinkUnknown
	}
	hash := account.HashToken(token)
	a, err := scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.token_hash = $1`, hash))
	if errors.Is(err, apperr.ErrNotFound) {
		// One of the links emails carry?
		a, err = scanApplication(s.db.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+
			`WHERE a.id = (SELECT application_id FROM application_links WHERE token_hash = $1)`, hash))
	}
	if errors.Is(err, apperr.ErrNotFound) {
		return a, ErrLinkUnknown
	}
	if err != nil {
		return a, err
	}
	if a.RevokedAt != nil {
		return a, ErrLinkRevoked
	}
	if !s.now().Before(a.LinkExpiresAt()) {
		return a, ErrLinkExpired
	}
	return a, nil
}

// SetTimeZone records the candidate's time zone, as their browser reports
// it or as they choose.
func (s *Service) SetTimeZone(ctx context.Context, a Application, tz string) (err error) {
	defer apperr.Wrap(&err, "application.SetTimeZone(%d)", a.ID)
	if err := checkZone(tz); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE applications SET time_zone = $1 WHERE id = $2`, tz, a.ID)
	return err
}

// Start marks the application started, the first time the candidate
// begins; later calls do nothing.
func (s *Service) Start(ctx context.Context, a Application) (err error) {
	defer apperr.Wrap(&err, "application.Start(%d)", a.ID)
	if err := s.checkOpen(a); err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error { return s.start(ctx, tx, a) })
}

func (s *Service) start(ctx context.Context, tx *sqldb.DB, a Application) error {
	now := s.now()
	res, err := tx.Exec(ctx, `UPDATE applications SET status = 'started', started_at = $1, updated_at = $1 WHERE id = $2 AND status = 'invited'`, now, a.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	if err := countStatus(ctx, tx, a.OrgID, a.JobID, Invited, Started); err != nil {
		return err
	}
	a.StartedAt = &now
	return s.statusChanged(ctx, tx, a, Started)
}

// CanAnswer returns nil if the candidate may still change their answers,
// and otherwise an error that says why not.
func (s *Service) CanAnswer(a Application) error { return s.checkOpen(a) }

// checkOpen explains why a candidate may not change their answers.
func (s *Service) checkOpen(a Application) error {
	switch {
	case a.Status == Submitted || a.Status == Decided:
		return apperr.Conflict("your answers were submitted and can no longer be changed")
	case a.Status == Withdrawn:
		return apperr.Conflict("you withdrew from this interview")
	case a.RevokedAt != nil:
		return ErrLinkRevoked
	case !a.Open(s.now()):
		return apperr.Conflict("the deadline has passed, so answers can no longer be changed; ask the team if you need more time")
	}
	return nil
}

// Answers returns an application's answers by step id, for the candidate
// and for the work done on their answers (grading). The team reads them
// through TeamAnswers, which keeps them private until submission.
func (s *Service) Answers(ctx context.Context, appID int64) (_ map[int64]Answer, err error) {
	defer apperr.Wrap(&err, "application.Answers(%d)", appID)
	return answersIn(ctx, s.db, appID)
}

// AnswersInTx is Answers read inside tx, for work done in the
// transaction of a change (package search indexes the answers of an
// application as it is submitted, and only then).
func (s *Service) AnswersInTx(ctx context.Context, tx *sqldb.DB, appID int64) (_ map[int64]Answer, err error) {
	defer apperr.Wrap(&err, "application.AnswersInTx(%d)", appID)
	return answersIn(ctx, tx, appID)
}

// MarkDecided moves a submitted application to decided with outcome
// inside tx, for package decision; a decided one stays so and takes the
// new outcome. It returns the application as it now is.
func (s *Service) MarkDecided(ctx context.Context, tx *sqldb.DB, actor account.Member, appID int64, outcome string) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.MarkDecided(%d)", appID)
	a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, appID, actor.OrgID))
	if err != nil {
		return a, err
	}
	if a.Status != Submitted && a.Status != Decided {
		return a, apperr.Conflict("%s has not submitted yet; decide once they have", a.TeamName())
	}
	if a.Status, a.Outcome, err = lockDecision(ctx, tx, a.ID); err != nil {
		return a, err
	}
	was := a
	switch a.Status {
	case Decided:
		if _, err := tx.Exec(ctx, `UPDATE applications SET outcome = $1, updated_at = $2 WHERE id = $3`, outcome, s.now(), a.ID); err != nil {
			return a, err
		}
		a.Outcome = outcome
		if err := countOutcome(ctx, tx, was, a); err != nil {
			return a, err
		}
		return a, s.outcomeChanged(ctx, tx, a)
	case Submitted:
	default:
		return a, apperr.Conflict("%s has not submitted yet; decide once they have", a.TeamName())
	}
	if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'decided', outcome = $1, updated_at = $2 WHERE id = $3`,
		outcome, s.now(), a.ID); err != nil {
		return a, err
	}
	if err := countStatus(ctx, tx, a.OrgID, a.JobID, Submitted, Decided); err != nil {
		return a, err
	}
	a.Status, a.Outcome = Decided, outcome
	if err := countOutcome(ctx, tx, was, a); err != nil {
		return a, err
	}
	return a, s.statusChanged(ctx, tx, a, Decided)
}

// lockDecision locks application id's row for the rest of tx, so that
// decisions on it take turns, and reads its status and outcome as they
// are once it holds the lock: what the counts move from.
func lockDecision(ctx context.Context, tx *sqldb.DB, id int64) (Status, string, error) {
	var st Status
	var outcome string
	err := tx.QueryRow(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1 RETURNING status, outcome`, id).Scan(&st, &outcome)
	return st, outcome, err
}

// Undecide goes back on a decision the candidate never learnt of (its
// message, sent later, was cancelled), inside tx: the application takes
// the outcome of the decision before it, or, with none (outcome ""), is
// submitted again.
func (s *Service) Undecide(ctx context.Context, tx *sqldb.DB, appID int64, outcome string) (err error) {
	defer apperr.Wrap(&err, "application.Undecide(%d)", appID)
	a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1`, appID))
	if err != nil {
		return err
	}
	if a.Status, a.Outcome, err = lockDecision(ctx, tx, a.ID); err != nil || a.Status != Decided {
		return err
	}
	was := a
	if outcome != "" {
		if _, err := tx.Exec(ctx, `UPDATE applications SET outcome = $1, updated_at = $2 WHERE id = $3`, outcome, s.now(), a.ID); err != nil {
			return err
		}
		a.Outcome = outcome
	} else {
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'submitted', outcome = '', updated_at = $1 WHERE id = $2`, s.now(), a.ID); err != nil {
			return err
		}
		if err := countStatus(ctx, tx, a.OrgID, a.JobID, Decided, Submitted); err != nil {
			return err
		}
		a.Status, a.Outcome = Submitted, ""
	}
	if err := countOutcome(ctx, tx, was, a); err != nil {
		return err
	}
	return s.outcomeChanged(ctx, tx, a)
}

// State is what the system itself checks of an application before acting
// on it later (sending a scheduled email, say).
type State struct {
	Status   Status
	Revoked  bool
	Deadline time.Time
}

// StateOf reads an application's State.
func (s *Service) StateOf(ctx context.Context, appID int64) (_ State, err error) {
	defer apperr.Wrap(&err, "application.StateOf(%d)", appID)
	var st State
	var revoked *time.Time
	err = s.db.QueryRow(ctx, `SELECT status, revoked_at, deadline_at FROM applications WHERE id = $1`, appID).Scan(&st.Status, &revoked, &st.Deadline)
	if errors.Is(err, sqldb.ErrNotFound) {
		return st, apperr.NotFound("application")
	}
	st.Revoked = revoked != nil
	return st, err
}

// Withdraw takes the candidate out of the interview at their own wish,
// before they submit: their link then shows their status only, the team
// can no longer write to them, and nothing more is emailed to them.
func (s *Service) Withdraw(ctx context.Context, a Application) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.Withdraw(%d)", a.ID)
	if a.Status != Invited && a.Status != Started {
		return a, apperr.Conflict("you have already submitted; write to the team if you no longer wish to go on")
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Nobody can answer a withdrawn candidate: their questions stop
		// waiting in the inbox.
		// The counts move from the status the row had: a may be stale
		// (the candidate began in another tab since), so the write is
		// conditional on the status counted from, read again if it moved.
		from := a.Status
		for tries := 0; ; tries++ {
			res, err := tx.Exec(ctx, `UPDATE applications SET status = 'withdrawn', awaiting_reply_since = NULL, updated_at = $1
				WHERE id = $2 AND status = $3`, s.now(), a.ID, from)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				break
			}
			if err := tx.QueryRow(ctx, `SELECT status FROM applications WHERE id = $1`, a.ID).Scan(&from); err != nil {
				return err
			}
			if (from != Invited && from != Started) || tries > 0 {
				return apperr.Conflict("you have already submitted; write to the team if you no longer wish to go on")
			}
		}
		if err := countStatus(ctx, tx, a.OrgID, a.JobID, from, Withdrawn); err != nil {
			return err
		}
		if err := s.statusChanged(ctx, tx, a, Withdrawn); err != nil {
			return err
		}
		return account.AuditCandidate(ctx, tx, a.OrgID, candidateActor(a), "application.withdraw", applicationTarget(a), "")
	})
	if err == nil {
		a.Status = Withdrawn
	}
	return a, err
}
