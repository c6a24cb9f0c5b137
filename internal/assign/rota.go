package assign

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// MaxRota is the most members a rota holds.
const MaxRota = 100

// Rota returns job jobID's rota; a job without one has no Members.
func (s *Service) Rota(ctx context.Context, actor account.Member, jobID int64) (_ Rota, err error) {
	defer apperr.Wrap(&err, "assign.Rota(%d)", jobID)
	if !actor.Can(account.ViewApplications) {
		return Rota{}, apperr.Forbidden("your role cannot read applications")
	}
	if _, err := s.openings.Job(ctx, actor, jobID); err != nil {
		return Rota{}, err
	}
	return loadRota(ctx, s.db, jobID)
}

func loadRota(ctx context.Context, db *sqldb.DB, jobID int64) (Rota, error) {
	r := Rota{JobID: jobID, Members: []RotaMember{}}
	err := db.QueryRow(ctx, `SELECT next_turn FROM review_rotas WHERE job_id = $1`, jobID).Scan(&r.Next)
	if errors.Is(err, sqldb.ErrNotFound) {
		return r, nil
	}
	if err != nil {
		return r, err
	}
	rows, err := db.Query(ctx, `SELECT m.id, m.name, m.role, m.disabled_at
		FROM review_rota_members o JOIN members m ON m.id = o.member_id
		WHERE o.job_id = $1 ORDER BY o.position`, jobID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var m account.Member
		if err := rows.Scan(&m.ID, &m.Name, &m.Role, &m.DisabledAt); err != nil {
			return r, err
		}
		r.Members = append(r.Members, RotaMember{ID: m.ID, Name: m.Name, CanReview: m.Can(account.Review)})
	}
	if len(r.Members) > 0 {
		r.Next %= len(r.Members)
	}
	return r, rows.Err()
}

// SetRota makes memberIDs, in that order, job jobID's rota: from the next
// submission on, each is assigned one in turn. Every member must be on
// actor's team and able to review, each once; an empty set is refused
// (ClearRota turns turns off). The turn goes back to the first member.
func (s *Service) SetRota(ctx context.Context, actor account.Member, jobID int64, memberIDs []int64) (_ Rota, err error) {
	defer apperr.Wrap(&err, "assign.SetRota(%d)", jobID)
	if !CanAssign(actor) {
		return Rota{}, errCannotAssign
	}
	job, err := s.openings.Job(ctx, actor, jobID)
	if err != nil {
		return Rota{}, err
	}
	if len(memberIDs) == 0 {
		return Rota{}, apperr.Invalid("member_ids", "choose at least one member to take turns; to stop assigning by turns, turn the rota off")
	}
	if len(memberIDs) > MaxRota {
		return Rota{}, apperr.Invalid("member_ids", "a rota holds at most %d members", MaxRota)
	}
	seen := map[int64]bool{}
	var names []string
	for _, id := range memberIDs {
		if seen[id] {
			return Rota{}, apperr.Invalid("member_ids", "member %d is listed twice", id)
		}
		seen[id] = true
		m, err := s.reviewer(ctx, actor, id)
		if err != nil {
			return Rota{}, err
		}
		names = append(names, m.Name)
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := deleteRota(ctx, tx, jobID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_rotas (job_id, org_id, next_turn) VALUES ($1, $2, 0)`, jobID, actor.OrgID); err != nil {
			return err
		}
		for i, id := range memberIDs {
			if _, err := tx.Exec(ctx, `INSERT INTO review_rota_members (job_id, member_id, position) VALUES ($1, $2, $3)`, jobID, id, i); err != nil {
				return err
			}
		}
		return s.accounts.Audit(ctx, tx, actor, "job.rota", fmt.Sprintf("job %d", job.ID), strings.Join(names, ", "), "")
	})
	if err != nil {
		return Rota{}, err
	}
	return loadRota(ctx, s.db, jobID)
}

// ClearRota turns job jobID's rota off: submissions are no longer
// assigned by turns. Assignments already made stay.
func (s *Service) ClearRota(ctx context.Context, actor account.Member, jobID int64) (err error) {
	defer apperr.Wrap(&err, "assign.ClearRota(%d)", jobID)
	if !CanAssign(actor) {
		return errCannotAssign
	}
	job, err := s.openings.Job(ctx, actor, jobID)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := deleteRota(ctx, tx, jobID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "job.rota", fmt.Sprintf("job %d", job.ID), "off", "")
	})
}

func deleteRota(ctx context.Context, tx *sqldb.DB, jobID int64) error {
	if _, err := tx.Exec(ctx, `DELETE FROM review_rota_members WHERE job_id = $1`, jobID); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `DELETE FROM review_rotas WHERE job_id = $1`, jobID)
	return err
}

// AssignOnSubmit is an application.StatusHook: when a candidate submits,
// the member of the job's rota whose turn it is, skipping those who can
// no longer review, is assigned, due one working day after submission,
// and the turn passes to the member after them. A job without a rota, or
// whose members all stopped reviewing, assigns nobody.
func (s *Service) AssignOnSubmit(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "assign.AssignOnSubmit(%d)", a.ID)
	if a.Status != application.Submitted {
		return nil
	}
	// Taking the rota's row first holds off another submission's turn
	// until this transaction ends (PostgreSQL locks the row; SQLite has
	// one writer).
	res, err := tx.Exec(ctx, `UPDATE review_rotas SET next_turn = next_turn WHERE job_id = $1`, a.JobID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	r, err := loadRota(ctx, tx, a.JobID)
	if err != nil || len(r.Members) == 0 {
		return err
	}
	at := s.now()
	if a.SubmittedAt != nil {
		at = *a.SubmittedAt
	}
	for i := range r.Members {
		turn := (r.Next + i) % len(r.Members)
		m := r.Members[turn]
		if !m.CanReview {
			continue
		}
		due, err := s.dueAt(ctx, a.OrgID, at)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO review_assignments (application_id, member_id, org_id, assigned_by, assigned_at, due_at, reviewed_at)
			VALUES ($1, $2, $3, NULL, $4, $5, `+reviewedAt+`) ON CONFLICT (application_id, member_id) DO NOTHING`, a.ID, m.ID, a.OrgID, at, due); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE review_rotas SET next_turn = $1 WHERE job_id = $2`, (turn+1)%len(r.Members), a.JobID)
		return err
	}
	return nil
}
