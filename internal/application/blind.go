package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Blind review. A blind job's team sees each candidate as "Candidate N"
// (Shown), with no email address, and hears video answers as audio only
// (package video), until a member who manages jobs reveals the candidate
// once the reviews are in. What the candidate wrote is not redacted: a
// name in an answer, a file name or a commit author reaches the team as
// the candidate wrote it, and the pages say so.

// IdentityHook is work another package does when the team comes to see a
// candidate differently (blind review switched, the candidate revealed),
// in the same transaction; a is as the team now sees it. Package search
// indexes the candidate again.
type IdentityHook func(ctx context.Context, tx *sqldb.DB, a Application) error

// OnIdentity adds a hook to SetBlind and Reveal. Call it while wiring.
func (s *Service) OnIdentity(hook IdentityHook) { s.identityHooks = append(s.identityHooks, hook) }

// BlindHook is work another package does when a job starts to be reviewed
// blind, in the same transaction: package video makes audio copies of
// the job's video answers.
type BlindHook func(ctx context.Context, tx *sqldb.DB, jobID int64) error

// OnBlind adds a hook to SetBlind switching blind review on.
func (s *Service) OnBlind(hook BlindHook) { s.blindHooks = append(s.blindHooks, hook) }

// RevealCheck is a check another package adds to Reveal, in its
// transaction: package assign refuses while an assigned reviewer has yet
// to review.
type RevealCheck func(ctx context.Context, tx *sqldb.DB, a Application) error

// CheckBeforeReveal adds a check to Reveal. Call it while wiring.
func (s *Service) CheckBeforeReveal(check RevealCheck) {
	s.revealChecks = append(s.revealChecks, check)
}

// SetBlind switches blind review of job jobID on or off, and reports how
// many candidates the switch hid or showed. On, every candidate not yet
// revealed is hidden from then on, including those already reviewed. Off
// shows every candidate of the job at once; the audit log says who did it
// and how many it showed.
func (s *Service) SetBlind(ctx context.Context, actor account.Member, jobID int64, on bool) (_ opening.Job, n int, err error) {
	defer apperr.Wrap(&err, "application.SetBlind(%d)", jobID)
	if !actor.Can(account.ManageJobs) {
		return opening.Job{}, 0, apperr.Forbidden("your role cannot change how a job is reviewed")
	}
	job, err := s.openings.Job(ctx, actor, jobID)
	if err != nil {
		return job, 0, err
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		res, err := tx.Exec(ctx, `UPDATE jobs SET blind = $1, updated_at = $2 WHERE id = $3 AND org_id = $4 AND blind <> $1`,
			on, s.now(), job.ID, actor.OrgID)
		if err != nil {
			return err
		}
		if changed, _ := res.RowsAffected(); changed == 0 {
			return nil // already so: nothing to hide or show
		}
		job.Blind = on
		var ids []int64
		if on {
			ids, err = tx.IDs(ctx, `UPDATE applications SET blind = TRUE, team_name = 'Candidate ' || candidate_number
				WHERE job_id = $1 AND revealed_at IS NULL RETURNING id`, job.ID)
		} else {
			ids, err = tx.IDs(ctx, `UPDATE applications SET blind = FALSE, team_name = candidate_name
				WHERE job_id = $1 AND blind RETURNING id`, job.ID)
		}
		if err != nil {
			return err
		}
		n = len(ids)
		if err := s.identityChanged(ctx, tx, ids); err != nil {
			return err
		}
		if on {
			for _, hook := range s.blindHooks {
				if err := hook(ctx, tx, job.ID); err != nil {
					return err
				}
			}
		}
		detail := fmt.Sprintf("on: %d candidates hidden", n)
		if !on {
			detail = fmt.Sprintf("off: %d candidates shown", n)
		}
		return s.accounts.Audit(ctx, tx, actor, "job.blind", fmt.Sprintf("job %d (%s)", job.ID, job.Title), detail, "")
	})
	return job, n, err
}

func (s *Service) identityChanged(ctx context.Context, tx *sqldb.DB, ids []int64) error {
	if len(s.identityHooks) == 0 {
		return nil
	}
	for _, id := range ids {
		a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1`, id))
		if err != nil {
			return err
		}
		for _, hook := range s.identityHooks {
			if err := hook(ctx, tx, a); err != nil {
				return err
			}
		}
	}
	return nil
}

// Revealable reports why a's candidate cannot be revealed yet, or nil: a
// is hidden, submitted, and its reviews are in (at least one, and none
// that an assigned reviewer still owes). It is the check Reveal makes,
// for pages that offer the button.
func (s *Service) Revealable(ctx context.Context, a Application) error {
	return s.db.Transact(ctx, func(tx *sqldb.DB) error { return s.revealable(ctx, tx, a) })
}

func (s *Service) revealable(ctx context.Context, tx *sqldb.DB, a Application) error {
	name := a.TeamName()
	switch {
	case !a.Blind && a.RevealedAt != nil:
		return apperr.Conflict("%s is already revealed", name)
	case !a.Blind:
		return apperr.Conflict("%s is not hidden: the job is not reviewed blind", name)
	case a.Status != Submitted && a.Status != Decided:
		return apperr.Conflict("%s has not submitted yet; a candidate is revealed once their reviews are in", name)
	case a.ReviewCount == 0:
		return apperr.Conflict("%s has no review yet; a candidate is revealed once the reviews are in", name)
	}
	for _, check := range s.revealChecks {
		if err := check(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

// Reveal shows the team application appID's candidate: their name and
// email, and their video answers as video. It takes a member who manages
// jobs, and the reviews must be in (see Revealable); the audit log keeps
// who revealed whom and when. It returns the application as the team now
// sees it.
func (s *Service) Reveal(ctx context.Context, actor account.Member, appID int64) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.Reveal(%d)", appID)
	if !actor.Can(account.ViewApplications) {
		return Application{}, apperr.NotFound("application")
	}
	if !actor.Can(account.ManageJobs) {
		return Application{}, apperr.Forbidden("your role cannot reveal candidates; a member who manages jobs can, once the reviews are in")
	}
	var a Application
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		// The update first, to lock the row: two reveals take turns.
		if _, err := tx.Exec(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1 AND org_id = $2`, appID, actor.OrgID); err != nil {
			return err
		}
		if a, err = scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`,
			appID, actor.OrgID)); err != nil {
			return err
		}
		if err := s.revealable(ctx, tx, a); err != nil {
			return err
		}
		target := a.AuditTarget()
		now := s.now()
		if _, err := tx.Exec(ctx, `UPDATE applications SET blind = FALSE, team_name = candidate_name, revealed_at = $1, revealed_by = $2
			WHERE id = $3`, now, actor.ID, a.ID); err != nil {
			return err
		}
		a.Blind, a.RevealedAt = false, &now
		for _, hook := range s.identityHooks {
			if err := hook(ctx, tx, a); err != nil {
				return err
			}
		}
		return s.accounts.Audit(ctx, tx, actor, "application.reveal", target, "", "")
	})
	return a, err
}

// RevealReviewed reveals every hidden candidate of job jobID whose reviews
// are in, each as Reveal would, and reports how many it revealed and how
// many still wait.
func (s *Service) RevealReviewed(ctx context.Context, actor account.Member, jobID int64) (revealed, waiting int, err error) {
	defer apperr.Wrap(&err, "application.RevealReviewed(%d)", jobID)
	if !actor.Can(account.ManageJobs) {
		return 0, 0, apperr.Forbidden("your role cannot reveal candidates; a member who manages jobs can, once the reviews are in")
	}
	if _, err := s.openings.Job(ctx, actor, jobID); err != nil {
		return 0, 0, err
	}
	ids, err := s.db.IDs(ctx, `SELECT id FROM applications WHERE job_id = $1 AND org_id = $2 AND blind ORDER BY id`, jobID, actor.OrgID)
	if err != nil {
		return 0, 0, err
	}
	for _, id := range ids {
		_, err := s.Reveal(ctx, actor, id)
		switch {
		case err == nil:
			revealed++
		case errors.Is(err, apperr.ErrConflict):
			waiting++
		default:
			return revealed, waiting, err
		}
	}
	return revealed, waiting, nil
}
