package grading

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// TaskGrade is the queue task that grades one code answer.
const TaskGrade = "code.grade"

// settle is how long a grading waits after a save: an editor saves as
// the candidate types, and only the last of a burst is graded.
const settle = 3 * time.Second

type gradePayload struct {
	ApplicationID int64 `json:"application_id"`
	StepID        int64 `json:"step_id"`
	Attempt       int   `json:"attempt"`
}

// QueueOnSave queues a grading of a code answer, in the transaction that
// saves it.
func (s *Service) QueueOnSave(ctx context.Context, tx *sqldb.DB, a application.Application, step opening.Step, ans application.Answer) (err error) {
	defer apperr.Wrap(&err, "grading.QueueOnSave")
	if step.Kind != opening.KindCode {
		return nil
	}
	return s.queue(ctx, tx, a.OrgID, a.ID, step.ID, ans.Language, queue.Delay(settle))
}

func (s *Service) queue(ctx context.Context, tx *sqldb.DB, orgID, appID, stepID int64, lang opening.Language, opts ...queue.Option) error {
	now := s.now()
	var attempt int
	err := tx.WriteRow(ctx, `INSERT INTO gradings (org_id, application_id, step_id, status, attempt, language, created_at, updated_at)
		VALUES ($1, $2, $3, 'queued', 1, $4, $5, $5)
		ON CONFLICT (application_id, step_id) DO UPDATE SET status = 'queued', attempt = gradings.attempt + 1,
			language = excluded.language, error = '', updated_at = excluded.updated_at
		RETURNING attempt`, orgID, appID, stepID, lang, now).Scan(&attempt)
	if err != nil {
		return err
	}
	opts = append(opts, queue.SerialKey(serialKey(appID)))
	_, err = queue.Enqueue(ctx, tx, TaskGrade, gradePayload{appID, stepID, attempt}, opts...)
	return err
}

// serialKey makes an application's gradings run one at a time: a
// candidate who saves five code answers takes one grading slot, not five,
// and other candidates' gradings go first meanwhile.
func serialKey(appID int64) string { return fmt.Sprintf("%s:application:%d", TaskGrade, appID) }

// RegisterTasks registers the grading task.
func (s *Service) RegisterTasks(w *queue.Worker) {
	w.Handle(TaskGrade, s.handleGrade)
}

func (s *Service) handleGrade(ctx context.Context, t queue.Task) error {
	var p gradePayload
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	// Claim this attempt; a newer save has its own task.
	res, err := s.db.Exec(ctx, `UPDATE gradings SET status = 'running', updated_at = $1
		WHERE application_id = $2 AND step_id = $3 AND attempt = $4 AND status IN ('queued', 'running')`,
		s.now(), p.ApplicationID, p.StepID, p.Attempt)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	gctx, stop := s.watch(ctx, p)
	defer stop()
	out, step, err := s.grade(gctx, p)
	var over *overBudgetError
	switch {
	case errors.Is(context.Cause(gctx), errSuperseded):
		return nil // the newer save's own task grades it
	case errors.As(err, &over):
		// Not retried: the same code would take as long again.
		slog.WarnContext(ctx, "coding: grading stopped at its time budget", slog.Int64("application_id", p.ApplicationID),
			slog.Int64("step_id", p.StepID), slog.Duration("budget", over.budget))
		return s.store(ctx, p, Grading{Status: Error, Error: over.message()})
	}
	if err != nil {
		if t.Attempt < t.MaxAttempts && !errors.Is(err, errNoAnswer) {
			return err
		}
		slog.WarnContext(ctx, "coding: grading failed", slog.Int64("application_id", p.ApplicationID), slog.Int64("step_id", p.StepID), slog.Any("error", err))
		return s.store(ctx, p, Grading{Status: Error, Error: "The code could not be graded: " + errorText(err)})
	}
	score, max := out.Score()
	logs := out.Logs
	if out.HiddenLogs != "" {
		logs += "\n--- hidden tests ---\n" + out.HiddenLogs
	}
	g := Grading{Status: Done, Score: &score, MaxScore: &max, Tests: out.Tests, CompileError: out.CompileError, Logs: logs,
		WallMS: out.Wall.Milliseconds(), MaxRSSBytes: out.MaxRSSBytes, Warnings: out.Warnings}
	if err := s.store(ctx, p, g); err != nil {
		return err
	}
	return s.applications.SetScore(ctx, p.ApplicationID, step.ID, score, max)
}

var errNoAnswer = errors.New("the answer is no longer there")

// grade runs the answer's code against every test, hidden ones included.
func (s *Service) grade(ctx context.Context, p gradePayload) (grader.Outcome, opening.Step, error) {
	var orgID, ivID int64
	if err := s.db.QueryRow(ctx, `SELECT org_id, interview_id FROM applications WHERE id = $1`, p.ApplicationID).Scan(&orgID, &ivID); err != nil {
		return grader.Outcome{}, opening.Step{}, errNoAnswer
	}
	iv, err := s.openings.InterviewInOrg(ctx, orgID, ivID)
	if err != nil {
		return grader.Outcome{}, opening.Step{}, err
	}
	step, ok := iv.Step(p.StepID)
	if !ok || step.Kind != opening.KindCode {
		return grader.Outcome{}, step, errNoAnswer
	}
	answers, err := s.applications.Answers(ctx, p.ApplicationID)
	if err != nil {
		return grader.Outcome{}, step, err
	}
	ans, ok := answers[step.ID]
	if !ok || ans.Code == "" {
		return grader.Outcome{}, step, errNoAnswer
	}
	g, err := s.getGrader()
	if err != nil {
		return grader.Outcome{}, step, err
	}
	suite := Suite(step, ans.Language, ans.Code, true)
	over := &overBudgetError{s.budget(suite)}
	ctx, cancel := context.WithTimeoutCause(ctx, over.budget, over)
	defer cancel()
	start := time.Now()
	out, err := g.Grade(ctx, suite)
	if context.Cause(ctx) == over {
		// Whatever Grade made of its runs being cut short, the grading
		// as a whole took too long.
		out, err = grader.Outcome{}, over
	}
	s.observed(ctx, KindCode, start, err)
	return out, step, err
}

// Suite is what grading runs for code in lang answering step. Hidden
// tests and cases are always in the suite, so that points split the same
// way in a trial and in the grading, but they are run (and put in a box
// at all) only with hidden.
func Suite(step opening.Step, lang opening.Language, code string, hidden bool) grader.Suite {
	c := step.Code
	tests := c.Tests[lang]
	s := grader.Suite{Language: grader.Language(lang), Code: code, Visible: tests.Visible, Hidden: tests.Hidden,
		IncludeHidden: hidden, Points: step.Points,
		Limits: sandbox.Limits{Wall: time.Duration(c.TimeLimitMS) * time.Millisecond, MemoryBytes: int64(c.MemoryMB) << 20}}
	for _, io := range c.IOCases {
		s.IOCases = append(s.IOCases, grader.IOCase{Name: io.Name, Stdin: io.Stdin, Stdout: io.Stdout, Hidden: io.Hidden, Points: io.Points})
	}
	return s
}

// store records a grading's result for its attempt, unless a newer save
// overtook it.
func (s *Service) store(ctx context.Context, p gradePayload, g Grading) error {
	tests, err := json.Marshal(g.Tests)
	if err != nil {
		return err
	}
	if g.Tests == nil {
		tests = []byte("[]")
	}
	warnings, err := json.Marshal(append([]string{}, g.Warnings...))
	if err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE gradings SET status = $1, score = $2, max_score = $3, tests = $4, compile_error = $5, logs = $6,
		error = $7, wall_ms = $8, max_rss_bytes = $9, updated_at = $10, warnings = $14
		WHERE application_id = $11 AND step_id = $12 AND attempt = $13`,
		g.Status, g.Score, g.MaxScore, string(tests), g.CompileError, g.Logs, g.Error, g.WallMS, g.MaxRSSBytes, s.now(),
		p.ApplicationID, p.StepID, p.Attempt, string(warnings))
	return err
}

// errorText is what a grading that could not run says: the reason when
// it is one for people, "Internal error" otherwise (details are logged).
func errorText(err error) string { return apperr.Message(err) }
