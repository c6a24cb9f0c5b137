package application

import (
	"context"
	"github.com/anyhour/anyhour/internal/apperr"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Applications are counted per job and status in application_counts,
// changed in the same transaction as the status itself, so reading the
// counts never scans applications. Every status change goes through
// countStatus; TestCountsMatchApplications checks the two never drift.

// countStatus moves one application of job from status from to status to;
// an empty from counts a new application.
func countStatus(ctx context.Context, tx *sqldb.DB, orgID, jobID int64, from, to Status) error {
	if from == to {
		return nil
	}
	if from != "" {
		if _, err := tx.Exec(ctx, `UPDATE application_counts SET n = n - 1 WHERE job_id = $1 AND status = $2`, jobID, from); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO application_counts (org_id, job_id, status, n) VALUES ($1, $2, $3, 1)
		ON CONFLICT (job_id, status) DO UPDATE SET n = application_counts.n + 1`, orgID, jobID, to)
	return err
}

// JobCounts counts a job's applications per status.
type JobCounts map[Status]int

// Total is the number of applications counted.
func (c JobCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// Of returns the count for a status named as text, for templates.
func (c JobCounts) Of(status string) int { return c[Status(status)] }

// CountsByJob counts the applications of every job of actor's
// organisation per status.
func (s *Service) CountsByJob(ctx context.Context, actor account.Member) (_ map[int64]JobCounts, err error) {
	defer apperr.Wrap(&err, "application.CountsByJob")
	return s.counts(ctx, actor, `SELECT job_id, status, n FROM application_counts WHERE org_id = $1`, actor.OrgID)
}

// CountsForJob counts one job's applications per status.
func (s *Service) CountsForJob(ctx context.Context, actor account.Member, jobID int64) (_ JobCounts, err error) {
	defer apperr.Wrap(&err, "application.CountsForJob(%d)", jobID)
	all, err := s.counts(ctx, actor, `SELECT job_id, status, n FROM application_counts WHERE org_id = $1 AND job_id = $2`, actor.OrgID, jobID)
	if err != nil || all[jobID] == nil {
		return JobCounts{}, err
	}
	return all[jobID], nil
}

func (s *Service) counts(ctx context.Context, actor account.Member, q string, args ...any) (map[int64]JobCounts, error) {
	out := map[int64]JobCounts{}
	if !actor.Can(account.ViewApplications) {
		return out, nil
	}
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var job int64
		var st Status
		var n int
		if err := rows.Scan(&job, &st, &n); err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		if out[job] == nil {
			out[job] = JobCounts{}
		}
		out[job][st] = n
	}
	return out, rows.Err()
}

// Outcomes counts the decided applications of actor's organisation by
// job and by their latest decision's outcome (package decision's advance,
// hold and reject). Unlike the status counts it reads the applications,
// through the index on (job_id, outcome).
func (s *Service) Outcomes(ctx context.Context, actor account.Member) (_ map[int64]map[string]int, err error) {
	defer apperr.Wrap(&err, "application.Outcomes")
	out := map[int64]map[string]int{}
	if !actor.Can(account.ViewApplications) {
		return out, nil
	}
	rows, err := s.db.Query(ctx, `SELECT job_id, outcome, COUNT(*) FROM applications
		WHERE org_id = $1 AND status = 'decided' AND outcome <> '' GROUP BY job_id, outcome`, actor.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var job int64
		var outcome string
		var n int
		if err := rows.Scan(&job, &outcome, &n); err != nil {
			return nil, err
		}
		if out[job] == nil {
			out[job] = map[string]int{}
		}
		out[job][outcome] = n
	}
	return out, rows.Err()
}
