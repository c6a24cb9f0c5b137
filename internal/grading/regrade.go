package grading

import (
	"context"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Regrade queues every code answer of an application for grading again,
// after the team edited a task's tests. It returns how many it queued.
func (s *Service) Regrade(ctx context.Context, actor account.Member, appID int64) (_ int, err error) {
	defer apperr.Wrap(&err, "grading.Regrade(%d)", appID)
	return s.regrade(ctx, actor, `g.application_id = $1`, appID)
}

// RegradeStep queues every answer to a coding step for grading again,
// after the team edited the step's tests. It returns how many it queued.
func (s *Service) RegradeStep(ctx context.Context, actor account.Member, stepID int64) (_ int, err error) {
	defer apperr.Wrap(&err, "grading.RegradeStep(%d)", stepID)
	return s.regrade(ctx, actor, `g.step_id = $1`, stepID)
}

// regrade queues the gradings of actor's organisation that where selects,
// with arg as its $1.
func (s *Service) regrade(ctx context.Context, actor account.Member, where string, arg int64) (int, error) {
	if !actor.Can(account.ManageJobs) {
		return 0, apperr.Forbidden("your role cannot change how answers are graded")
	}
	n := 0
	err := s.db.Transact(ctx, func(tx *sqldb.DB) error {
		rows, err := tx.Query(ctx, `SELECT g.application_id, g.step_id, g.language FROM gradings g JOIN applications a ON a.id = g.application_id
			WHERE `+where+` AND a.org_id = $2`, arg, actor.OrgID)
		if err != nil {
			return err
		}
		type one struct {
			app, step int64
			lang      string
		}
		var all []one
		for rows.Next() {
			var o one
			if err := rows.Scan(&o.app, &o.step, &o.lang); err != nil {
				rows.Close()
				return err
			}
			all = append(all, o)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, o := range all {
			if err := s.queue(ctx, tx, actor.OrgID, o.app, o.step, opening.Language(o.lang)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err == nil && n > 0 {
		queue.Notify()
	}
	return n, err
}
