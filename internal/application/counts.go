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

// countOutcome moves application a's count from its outcome before a
// change (was) to the one after (now): only decided applications count,
// as the lists' outcome tabs hold only those. The caller holds a's row
// (lockDecision), so was is what the counts hold.
func countOutcome(ctx context.Context, tx *sqldb.DB, was, now Application) error {
	counted := func(a Application) string {
		if a.Status != Decided {
			return ""
		}
		return a.Outcome
	}
	from, to := counted(was), counted(now)
	if from == to {
		return nil
	}
	if from != "" {
		if _, err := tx.Exec(ctx, `UPDATE application_outcome_counts SET n = n - 1 WHERE job_id = $1 AND outcome = $2`, now.JobID, from); err != nil {
			return err
		}
	}
	if to == "" {
		return nil
	}
	_, err := tx.Exec(ctx, `INSERT INTO application_outcome_counts (org_id, job_id, outcome, n) VALUES ($1, $2, $3, 1)
		ON CONFLICT (job_id, outcome) DO UPDATE SET n = application_outcome_counts.n + 1`, now.OrgID, now.JobID, to)
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
	all, err := s.CountsForJobs(ctx, actor, []int64{jobID})
	if err != nil || all[jobID] == nil {
		return JobCounts{}, err
	}
	return all[jobID], nil
}

// CountsForJobs counts the applications of the given jobs of actor's
// organisation per status: a page of jobs reads the counts of its jobs
// only.
func (s *Service) CountsForJobs(ctx context.Context, actor account.Member, jobs []int64) (_ map[int64]JobCounts, err error) {
	defer apperr.Wrap(&err, "application.CountsForJobs")
	if len(jobs) == 0 {
		return map[int64]JobCounts{}, nil
	}
	in, args := sqldb.In([]any{actor.OrgID}, jobs)
	return s.counts(ctx, actor, `SELECT job_id, status, n FROM application_counts WHERE org_id = $1 AND job_id IN `+in, args...)
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

// Outcomes counts the decided applications of the given jobs of actor's
// organisation by job and by their latest decision's outcome (package
// decision's advance, hold and reject), from application_outcome_counts,
// which every decision and its undoing keep in step (countOutcome):
// reading them never reads the applications, as a count of every decided
// one did on every dashboard and job page.
func (s *Service) Outcomes(ctx context.Context, actor account.Member, jobs []int64) (_ map[int64]map[string]int, err error) {
	defer apperr.Wrap(&err, "application.Outcomes")
	out := map[int64]map[string]int{}
	if !actor.Can(account.ViewApplications) || len(jobs) == 0 {
		return out, nil
	}
	in, args := sqldb.In([]any{actor.OrgID}, jobs)
	rows, err := s.db.Query(ctx, `SELECT job_id, outcome, n FROM application_outcome_counts WHERE org_id = $1 AND n > 0 AND job_id IN `+in, args...)
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
