package opening

import (
	"context"
	"errors"
	"strconv"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

const jobColumns = `id, org_id, title, description, status, blind, created_at, updated_at`

func scanJob(row interface{ Scan(...any) error }) (Job, error) {
	var j Job
	err := row.Scan(&j.ID, &j.OrgID, &j.Title, &j.Description, &j.Status, &j.Blind, &j.CreatedAt, &j.UpdatedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return j, apperr.NotFound("job")
	}
	return j, err
}

// JobInput holds a job's fields for create and update; nil means unchanged.
type JobInput struct {
	Title       *string
	Description *string
	Status      *JobStatus
	// Blind is taken when the job is created; afterwards blind review is
	// switched by application.SetBlind, which updates the applications.
	Blind *bool
}

func (in JobInput) apply(j *Job) error {
	var err error
	if in.Title != nil {
		if j.Title, err = checkText("title", "the job title", *in.Title, MaxTitle, true); err != nil {
			return err
		}
	}
	if in.Description != nil {
		if j.Description, err = checkText("description", "the description", *in.Description, MaxDescription, false); err != nil {
			return err
		}
	}
	if in.Status != nil {
		if *in.Status != JobOpen && *in.Status != JobClosed {
			return apperr.Invalid("status", "a job's status is open or closed, not %q", *in.Status)
		}
		j.Status = *in.Status
	}
	if in.Blind != nil && *in.Blind != j.Blind {
		if j.ID != 0 {
			return apperr.Invalid("blind", "blind review is switched on its own (PUT /api/v1/jobs/{id}/blind, or the job's page), which says what switching it shows")
		}
		j.Blind = *in.Blind
	}
	return nil
}

// CreateJob creates a job in actor's organisation.
func (s *Service) CreateJob(ctx context.Context, actor account.Member, in JobInput) (_ Job, err error) {
	defer apperr.Wrap(&err, "opening.CreateJob")
	if !actor.Can(account.ManageJobs) {
		return Job{}, apperr.Forbidden("your role cannot create jobs")
	}
	j := Job{OrgID: actor.OrgID, Status: JobOpen, CreatedAt: s.now()}
	j.UpdatedAt = j.CreatedAt
	if in.Title == nil {
		return j, apperr.Invalid("title", "the job title cannot be empty")
	}
	if err := in.apply(&j); err != nil {
		return j, err
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		err := tx.QueryRow(ctx, `INSERT INTO jobs (org_id, title, description, status, blind, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, j.OrgID, j.Title, j.Description, j.Status, j.Blind, j.CreatedAt, j.UpdatedAt).Scan(&j.ID)
		if err != nil {
			return err
		}
		detail := ""
		if j.Blind {
			detail = "reviewed blind"
		}
		return s.accounts.Audit(ctx, tx, actor, "job.create", jobTarget(j), detail, "")
	})
	return j, err
}

// UpdateJob changes the fields of a job that in sets.
func (s *Service) UpdateJob(ctx context.Context, actor account.Member, id int64, in JobInput) (_ Job, err error) {
	defer apperr.Wrap(&err, "opening.UpdateJob(%d)", id)
	if !actor.Can(account.ManageJobs) {
		return Job{}, apperr.Forbidden("your role cannot edit jobs")
	}
	var j Job
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		if j, err = scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1 AND org_id = $2`, id, actor.OrgID)); err != nil {
			return err
		}
		if err := in.apply(&j); err != nil {
			return err
		}
		j.UpdatedAt = s.now()
		_, err = tx.Exec(ctx, `UPDATE jobs SET title = $1, description = $2, status = $3, updated_at = $4 WHERE id = $5`,
			j.Title, j.Description, j.Status, j.UpdatedAt, j.ID)
		if err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "job.update", jobTarget(j), string(j.Status), "")
	})
	return j, err
}

// Job returns a job of actor's organisation.
func (s *Service) Job(ctx context.Context, actor account.Member, id int64) (_ Job, err error) {
	defer apperr.Wrap(&err, "opening.Job(%d)", id)
	if !actor.Can(account.ViewApplications) {
		return Job{}, apperr.NotFound("job")
	}
	return s.JobInOrg(ctx, actor.OrgID, id)
}

// JobInOrg returns job id of organisation orgID without a permission check,
// for pages a candidate sees.
func (s *Service) JobInOrg(ctx context.Context, orgID, id int64) (_ Job, err error) {
	defer apperr.Wrap(&err, "opening.JobInOrg(%d)", id)
	return scanJob(s.db.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1 AND org_id = $2`, id, orgID))
}

// Jobs lists the jobs of actor's organisation, open ones first, newest first.
func (s *Service) Jobs(ctx context.Context, actor account.Member) (_ []Job, err error) {
	defer apperr.Wrap(&err, "opening.Jobs")
	if !actor.Can(account.ViewApplications) {
		return nil, nil
	}
	return s.jobs(ctx, `SELECT `+jobColumns+` FROM jobs WHERE org_id = $1
		ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, id DESC`, actor.OrgID)
}

// JobPage is one page of an organisation's jobs and the cursor of the
// next (empty at the end).
type JobPage struct {
	Jobs []Job
	Next string
}

// JobsPage lists actor's jobs in Jobs' order, open ones first and newest
// first, limit (1..200) at a time from the cursor after: an organisation
// with a thousand jobs gets a page of them, not all at once. The cursor
// is "o" or "c" (open jobs or the rest) and the last job's id; a job
// closed or reopened between two pages may show on both or on neither.
func (s *Service) JobsPage(ctx context.Context, actor account.Member, after string, limit int) (_ JobPage, err error) {
	defer apperr.Wrap(&err, "opening.JobsPage")
	if limit < 1 || limit > 200 {
		return JobPage{}, apperr.Invalid("limit", "limit must be between 1 and 200")
	}
	if !actor.Can(account.ViewApplications) {
		return JobPage{}, nil
	}
	open, from := true, int64(0)
	if after != "" {
		id, err := strconv.ParseInt(after[1:], 10, 64)
		if err != nil || id <= 0 || after[0] != 'o' && after[0] != 'c' {
			return JobPage{}, apperr.Invalid("cursor", "the cursor is not one this server gave out")
		}
		open, from = after[0] == 'o', id
	}
	var page JobPage
	for {
		status := "status <> $2"
		if open {
			status = "status = $2"
		}
		q, args := `SELECT `+jobColumns+` FROM jobs WHERE org_id = $1 AND `+status, []any{actor.OrgID, JobOpen}
		if from > 0 {
			q += ` AND id < $3`
			args = append(args, from)
		}
		jobs, err := s.jobs(ctx, q+` ORDER BY id DESC LIMIT `+strconv.Itoa(limit+1-len(page.Jobs)), args...)
		if err != nil {
			return JobPage{}, err
		}
		page.Jobs = append(page.Jobs, jobs...)
		if len(page.Jobs) > limit {
			page.Jobs = page.Jobs[:limit]
			last := page.Jobs[limit-1]
			page.Next = "c" + strconv.FormatInt(last.ID, 10)
			if last.Status == JobOpen {
				page.Next = "o" + strconv.FormatInt(last.ID, 10)
			}
			return page, nil
		}
		if !open {
			return page, nil
		}
		open, from = false, 0
	}
}

func (s *Service) jobs(ctx context.Context, q string, args ...any) ([]Job, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

func jobTarget(j Job) string { return "job " + j.Title }
