package review

import (
	"context"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// SetCalibration puts application appID in the team's calibration set,
// or takes it out: applications everyone rates first, after which each
// reviewer sees how far their ratings sat from the team's.
func (s *Service) SetCalibration(ctx context.Context, actor account.Member, appID int64, on bool) (err error) {
	defer apperr.Wrap(&err, "review.SetCalibration(%d)", appID)
	if !actor.Can(account.ManageJobs) {
		return apperr.Forbidden("your role cannot choose the calibration set")
	}
	app, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return err
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		action := "review.calibration_remove"
		if on {
			action = "review.calibration_add"
			if _, err := tx.Exec(ctx, `INSERT INTO calibration_applications (application_id, org_id, marked_by, marked_at)
				VALUES ($1, $2, $3, $4) ON CONFLICT (application_id) DO NOTHING`, app.ID, actor.OrgID, actor.ID, s.now()); err != nil {
				return err
			}
		} else if _, err := tx.Exec(ctx, `DELETE FROM calibration_applications WHERE application_id = $1`, app.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, action, app.AuditTarget(), "", "")
	})
}

// Calibrating reports which of the applications are in the calibration
// set of actor's organisation.
func (s *Service) Calibrating(ctx context.Context, actor account.Member, ids []int64) (_ map[int64]bool, err error) {
	defer apperr.Wrap(&err, "review.Calibrating")
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := sqldb.In([]any{actor.OrgID}, ids)
	rows, err := s.db.Query(ctx, `SELECT application_id FROM calibration_applications WHERE org_id = $1 AND application_id IN `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// CalibrationItem is one thing a reviewer rated on a calibration
// application, against the others' mean.
type CalibrationItem struct {
	StepID      int64
	CriterionID int64 // 0: the step's overall rating
	Mine        int
	Team        float64 // the other reviewers' mean
	Others      int
}

// Calibration compares mine with the others' reviews of one application,
// item by item: the ratings both gave.
func Calibration(mine Review, others []Review) []CalibrationItem {
	var out []CalibrationItem
	add := func(step, crit int64, v int, get func(Review) (int, bool)) {
		sum, n := 0, 0
		for _, o := range others {
			if ov, ok := get(o); ok {
				sum += ov
				n++
			}
		}
		if n > 0 {
			out = append(out, CalibrationItem{StepID: step, CriterionID: crit, Mine: v, Team: float64(sum) / float64(n), Others: n})
		}
	}
	for step, v := range mine.Ratings {
		add(step, 0, v, func(o Review) (int, bool) { x, ok := o.Ratings[step]; return x, ok })
	}
	for step, cs := range mine.Criteria {
		for crit, v := range cs {
			add(step, crit, v, func(o Review) (int, bool) { x, ok := o.Criteria[step][crit]; return x, ok })
		}
	}
	return out
}
