package coding

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
func (s *Service) Regrade(ctx context.Context, actor account.Member, appID int64) (int, error) {
	if !actor.Can(account.ManageJobs) {
		return 0, apperr.Forbidden("your role cannot change how answers are graded")
	}
	n := 0
	err := s.db.Transact(ctx, func(tx *sqldb.DB) error {
		rows, err := tx.Query(ctx, `SELECT g.step_id, g.language FROM gradings g JOIN applications a ON a.id = g.application_id
			WHERE g.application_id = $1 AND a.org_id = $2`, appID, actor.OrgID)
		if err != nil {
			return err
		}
		type one struct {
			step int64
			lang string
		}
		var all []one
		for rows.Next() {
			var o one
			if err := rows.Scan(&o.step, &o.lang); err != nil {
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
			if err := s.queue(ctx, tx, actor.OrgID, appID, o.step, opening.Language(o.lang)); err != nil {
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
