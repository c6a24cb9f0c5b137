package opening

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// InterviewInput holds an interview's fields for create and update; nil
// means unchanged. Steps, when set, is the whole new list in order: a step
// with an ID keeps it (and its answers); one without is new; an existing
// step left out is removed from the interview, its answers kept for
// reviewers. Options of choice steps follow the same rule.
type InterviewInput struct {
	JobID        *int64
	Title        *string
	Intro        *string
	DeadlineDays *int
	Practice     *bool
	Steps        *[]Step
}

const interviewColumns = `id, org_id, job_id, title, intro, deadline_days, practice, created_at, updated_at`

func scanInterview(row interface{ Scan(...any) error }) (Interview, error) {
	var iv Interview
	err := row.Scan(&iv.ID, &iv.OrgID, &iv.JobID, &iv.Title, &iv.Intro, &iv.DeadlineDays, &iv.Practice, &iv.CreatedAt, &iv.UpdatedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return iv, apperr.NotFound("interview")
	}
	return iv, err
}

func (in InterviewInput) apply(iv *Interview) error {
	var err error
	if in.Title != nil {
		if iv.Title, err = checkText("title", "the interview title", *in.Title, MaxTitle, true); err != nil {
			return err
		}
	}
	if in.Intro != nil {
		if iv.Intro, err = checkText("intro", "the introduction", *in.Intro, MaxPrompt, false); err != nil {
			return err
		}
	}
	if in.DeadlineDays != nil {
		if *in.DeadlineDays < 1 || *in.DeadlineDays > MaxDeadline {
			return apperr.Invalid("deadline_days", "the deadline must be between 1 and %d days after the invitation", MaxDeadline)
		}
		iv.DeadlineDays = *in.DeadlineDays
	}
	if in.Practice != nil {
		iv.Practice = *in.Practice
	}
	if in.Steps != nil {
		steps := *in.Steps
		if len(steps) == 0 || len(steps) > MaxSteps {
			return apperr.Invalid("steps", "an interview needs between 1 and %d steps", MaxSteps)
		}
		iv.Steps = make([]Step, len(steps))
		for i, st := range steps {
			st.Options = append([]Option(nil), st.Options...)
			if iv.Steps[i], err = normalizeStep(i, st); err != nil {
				return err
			}
			iv.Steps[i].Position = i
		}
	}
	return nil
}

// CreateInterview creates an interview for a job of actor's organisation.
func (s *Service) CreateInterview(ctx context.Context, actor account.Member, in InterviewInput) (_ Interview, err error) {
	defer apperr.Wrap(&err, "opening.CreateInterview")
	if !actor.Can(account.ManageJobs) {
		return Interview{}, apperr.Forbidden("your role cannot create interviews")
	}
	iv := Interview{OrgID: actor.OrgID, DeadlineDays: 7, CreatedAt: s.now()}
	iv.UpdatedAt = iv.CreatedAt
	if in.JobID == nil {
		return iv, apperr.Invalid("job_id", "say which job the interview is for")
	}
	if in.Title == nil {
		return iv, apperr.Invalid("title", "the interview title cannot be empty")
	}
	if in.Steps == nil {
		return iv, apperr.Invalid("steps", "an interview needs between 1 and %d steps", MaxSteps)
	}
	for _, st := range *in.Steps {
		if st.ID != 0 {
			return iv, apperr.Invalid("steps", "a new interview's steps cannot carry ids")
		}
	}
	if err := in.apply(&iv); err != nil {
		return iv, err
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := scanJob(tx.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1 AND org_id = $2`, *in.JobID, actor.OrgID)); err != nil {
			return apperr.Invalid("job_id", "job %d not found", *in.JobID)
		}
		iv.JobID = *in.JobID
		err := tx.QueryRow(ctx, `INSERT INTO interviews (org_id, job_id, title, intro, deadline_days, practice, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			iv.OrgID, iv.JobID, iv.Title, iv.Intro, iv.DeadlineDays, iv.Practice, iv.CreatedAt, iv.UpdatedAt).Scan(&iv.ID)
		if err != nil {
			return err
		}
		if err := s.saveSteps(ctx, tx, &iv, nil); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "interview.create", "interview "+iv.Title, "", "")
	})
	return iv, err
}

// UpdateInterview changes what in sets.
func (s *Service) UpdateInterview(ctx context.Context, actor account.Member, id int64, in InterviewInput) (_ Interview, err error) {
	defer apperr.Wrap(&err, "opening.UpdateInterview(%d)", id)
	if !actor.Can(account.ManageJobs) {
		return Interview{}, apperr.Forbidden("your role cannot edit interviews")
	}
	if in.JobID != nil {
		return Interview{}, apperr.Invalid("job_id", "an interview cannot move to another job")
	}
	var iv Interview
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Lock the interview before reading its steps, so that two editors
		// saving at once are applied one after the other.
		if _, err := tx.Exec(ctx, `UPDATE interviews SET updated_at = updated_at WHERE id = $1 AND org_id = $2`, id, actor.OrgID); err != nil {
			return err
		}
		var err error
		if iv, err = s.loadInterview(ctx, tx, actor.OrgID, id); err != nil {
			return err
		}
		old := iv.Steps
		if err := in.apply(&iv); err != nil {
			return err
		}
		iv.UpdatedAt = s.now()
		_, err = tx.Exec(ctx, `UPDATE interviews SET title = $1, intro = $2, deadline_days = $3, practice = $4, updated_at = $5 WHERE id = $6`,
			iv.Title, iv.Intro, iv.DeadlineDays, iv.Practice, iv.UpdatedAt, iv.ID)
		if err != nil {
			return err
		}
		if in.Steps != nil {
			if err := s.saveSteps(ctx, tx, &iv, old); err != nil {
				return err
			}
			if _, err := queue.Enqueue(ctx, tx, TaskInterviewChanged, InterviewChanged{OrgID: iv.OrgID, InterviewID: iv.ID}); err != nil {
				return err
			}
		}
		return s.accounts.Audit(ctx, tx, actor, "interview.update", "interview "+iv.Title, "", "")
	})
	if err == nil && in.Steps != nil {
		queue.Notify()
	}
	return iv, err
}

// saveSteps writes iv.Steps, matching them by ID against old, and fills in
// the IDs of new steps and options.
func (s *Service) saveSteps(ctx context.Context, tx *sqldb.DB, iv *Interview, old []Step) error {
	oldByID := map[int64]Step{}
	for _, st := range old {
		oldByID[st.ID] = st
	}
	kept := map[int64]bool{}
	for i := range iv.Steps {
		st := &iv.Steps[i]
		prev, exists := oldByID[st.ID]
		if exists && st.Kind == KindCode && st.Code != nil && prev.Code != nil {
			// What the task's editor keeps and other editors do not send:
			// the reference solutions, and which passed.
			if st.Code.Reference == nil {
				st.Code.Reference = prev.Code.Reference
			}
			if st.Code.Checks == nil {
				st.Code.Checks = prev.Code.Checks
			}
		}
		raw, err := json.Marshal(settings{MaxWords: st.MaxWords, Multiple: st.Multiple, Points: st.Points,
			ThinkSeconds: st.ThinkSeconds, MaxSeconds: st.MaxSeconds, Retakes: st.Retakes, Code: st.Code.settings(), Files: st.Files,
			Takehome: st.Takehome, CodeReview: st.CodeReview, ReviewersRate: st.ReviewersRate})
		if err != nil {
			return err
		}
		switch {
		case st.ID == 0:
			err = tx.QueryRow(ctx, `INSERT INTO steps (org_id, interview_id, position, kind, title, prompt, minutes, settings)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
				iv.OrgID, iv.ID, st.Position, st.Kind, st.Title, st.Prompt, st.Minutes, string(raw)).Scan(&st.ID)
		case !exists:
			return apperr.Invalid(fmt.Sprintf("steps[%d].id", i), "step %d is not part of this interview", st.ID)
		case prev.Kind != st.Kind:
			return apperr.Invalid(fmt.Sprintf("steps[%d].kind", i), "step %d is a %s step; add a new step instead of changing its kind", st.ID, prev.Kind)
		default:
			_, err = tx.Exec(ctx, `UPDATE steps SET position = $1, title = $2, prompt = $3, minutes = $4, settings = $5 WHERE id = $6`,
				st.Position, st.Title, st.Prompt, st.Minutes, string(raw), st.ID)
		}
		if err != nil {
			return err
		}
		kept[st.ID] = true
		if err := s.saveOptions(ctx, tx, i, st, prev.Options); err != nil {
			return err
		}
	}
	for _, st := range old {
		if !kept[st.ID] {
			if _, err := tx.Exec(ctx, `UPDATE steps SET removed_at = $1 WHERE id = $2`, s.now(), st.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) saveOptions(ctx context.Context, tx *sqldb.DB, stepIndex int, st *Step, old []Option) error {
	oldIDs := map[int64]bool{}
	for _, o := range old {
		oldIDs[o.ID] = true
	}
	kept := map[int64]bool{}
	for j := range st.Options {
		o := &st.Options[j]
		var err error
		switch {
		case o.ID == 0:
			err = tx.QueryRow(ctx, `INSERT INTO step_options (step_id, position, text, correct) VALUES ($1, $2, $3, $4) RETURNING id`,
				st.ID, j, o.Text, o.Correct).Scan(&o.ID)
		case !oldIDs[o.ID]:
			return apperr.Invalid(fmt.Sprintf("steps[%d].options[%d].id", stepIndex, j), "option %d is not part of step %d", o.ID, st.ID)
		default:
			_, err = tx.Exec(ctx, `UPDATE step_options SET position = $1, text = $2, correct = $3 WHERE id = $4`, j, o.Text, o.Correct, o.ID)
		}
		if err != nil {
			return err
		}
		kept[o.ID] = true
	}
	for id := range oldIDs {
		if !kept[id] {
			if _, err := tx.Exec(ctx, `UPDATE step_options SET removed_at = $1 WHERE id = $2`, s.now(), id); err != nil {
				return err
			}
		}
	}
	return nil
}

// Interview returns an interview of actor's organisation with its steps.
func (s *Service) Interview(ctx context.Context, actor account.Member, id int64) (_ Interview, err error) {
	defer apperr.Wrap(&err, "opening.Interview(%d)", id)
	if !actor.Can(account.ViewApplications) {
		return Interview{}, apperr.NotFound("interview")
	}
	return s.loadInterview(ctx, s.db, actor.OrgID, id)
}

// InterviewInOrg returns interview id of organisation orgID with its steps,
// without a permission check, for the candidate's pages.
func (s *Service) InterviewInOrg(ctx context.Context, orgID, id int64) (_ Interview, err error) {
	defer apperr.Wrap(&err, "opening.InterviewInOrg(%d)", id)
	return s.loadInterview(ctx, s.db, orgID, id)
}

// Interviews lists the interviews of a job, oldest first.
func (s *Service) Interviews(ctx context.Context, actor account.Member, jobID int64) (_ []Interview, err error) {
	defer apperr.Wrap(&err, "opening.Interviews(%d)", jobID)
	if !actor.Can(account.ViewApplications) {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE job_id = $1 AND org_id = $2 ORDER BY id`, jobID, actor.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Interview
	for rows.Next() {
		iv, err := scanInterview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, iv)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Steps, err = s.loadSteps(ctx, s.db, out[i].ID, false); err != nil {
			return nil, err
		}
		if err := loadScorecard(ctx, s.db, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Service) loadInterview(ctx context.Context, db *sqldb.DB, orgID, id int64) (Interview, error) {
	iv, err := scanInterview(db.QueryRow(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE id = $1 AND org_id = $2`, id, orgID))
	if err != nil {
		return iv, err
	}
	if iv.Steps, err = s.loadSteps(ctx, db, iv.ID, false); err != nil {
		return iv, err
	}
	return iv, loadScorecard(ctx, db, &iv)
}

// RemovedSteps returns the steps once part of an interview and since
// removed, so that reviewers can still read answers to them.
func (s *Service) RemovedSteps(ctx context.Context, orgID, interviewID int64) (_ []Step, err error) {
	defer apperr.Wrap(&err, "opening.RemovedSteps(%d)", interviewID)
	if _, err := scanInterview(s.db.QueryRow(ctx, `SELECT `+interviewColumns+` FROM interviews WHERE id = $1 AND org_id = $2`, interviewID, orgID)); err != nil {
		return nil, err
	}
	return s.loadSteps(ctx, s.db, interviewID, true)
}

func (s *Service) loadSteps(ctx context.Context, db *sqldb.DB, interviewID int64, removed bool) ([]Step, error) {
	rows, err := db.Query(ctx, `SELECT id, position, kind, title, prompt, minutes, settings FROM steps
		WHERE interview_id = $1 AND (removed_at IS NOT NULL) = $2 ORDER BY position, id`, interviewID, removed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var steps []Step
	for rows.Next() {
		var st Step
		var raw string
		if err := rows.Scan(&st.ID, &st.Position, &st.Kind, &st.Title, &st.Prompt, &st.Minutes, &raw); err != nil {
			return nil, err
		}
		var set settings
		if err := json.Unmarshal([]byte(raw), &set); err != nil {
			return nil, fmt.Errorf("step %d settings: %w", st.ID, err)
		}
		st.MaxWords, st.Multiple, st.Points = set.MaxWords, set.Multiple, set.Points
		st.ThinkSeconds, st.MaxSeconds, st.Retakes = set.ThinkSeconds, set.MaxSeconds, set.Retakes
		st.Code = set.Code.task()
		st.Files = set.Files
		st.Takehome = set.Takehome
		st.CodeReview = set.CodeReview
		st.ReviewersRate = set.ReviewersRate
		steps = append(steps, st)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return steps, s.loadOptions(ctx, db, steps)
}

func (s *Service) loadOptions(ctx context.Context, db *sqldb.DB, steps []Step) error {
	byID := map[int64]*Step{}
	for i := range steps {
		if steps[i].Kind == KindChoice {
			byID[steps[i].ID] = &steps[i]
		}
	}
	if len(byID) == 0 {
		return nil
	}
	rows, err := db.Query(ctx, `SELECT o.step_id, o.id, o.text, o.correct, o.removed_at IS NOT NULL FROM step_options o JOIN steps s ON s.id = o.step_id
		WHERE s.interview_id = (SELECT interview_id FROM steps WHERE id = $1)
		ORDER BY o.step_id, o.position, o.id`, steps[0].ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var stepID int64
		var o Option
		var removed bool
		if err := rows.Scan(&stepID, &o.ID, &o.Text, &o.Correct, &removed); err != nil {
			return err
		}
		st := byID[stepID]
		switch {
		case st == nil:
		case removed:
			st.Former = append(st.Former, o)
		default:
			st.Options = append(st.Options, o)
		}
	}
	return rows.Err()
}
