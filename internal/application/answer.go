package application

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// AnswerInput is a candidate's answer to one step: Text for text steps,
// Choices for choice steps. Exactly the field of the step's kind is set.
type AnswerInput struct {
	Text     *string
	Choices  *[]int64
	Language *string // code steps, with Code
	Code     *string
	// CodeReview is a code-review step's comments and summary, the whole
	// of them each time.
	CodeReview *CodeReview
}

// MaxCode is the longest code answer accepted, in bytes.
const MaxCode = 200_000

// ErrTaskNotReady refuses an answer to a coding task the team changed
// and has not checked again with a reference solution. It is
// apperr.ErrConflict.
var ErrTaskNotReady = &apperr.Error{Kind: apperr.ErrConflict,
	Message: "the team is still preparing this task; your code was not saved, so keep a copy, and come back to it later"}

// SaveAnswer stores the candidate's answer to a step, replacing any
// earlier one, as the step's kind (an Answerer) checks and builds it. An
// answer the kind keeps but will not send, such as a text over its word
// limit, is kept (nothing typed is lost) and refused by Submit until it is
// put right.
func (s *Service) SaveAnswer(ctx context.Context, a Application, stepID int64, in AnswerInput) (_ Answer, err error) {
	defer apperr.Wrap(&err, "application.SaveAnswer(%d)", stepID)
	if err := s.checkOpen(a); err != nil {
		return Answer{}, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return Answer{}, err
	}
	step, ok := iv.Step(stepID)
	if !ok {
		return Answer{}, apperr.NotFound("step")
	}
	answerer, ok := opening.As[Answerer](step.Kind)
	if !ok {
		return Answer{}, apperr.Invalid("step_id", "%s steps are not answered this way", step.Kind.Label())
	}
	ans, err := answerer.Answer(step, in)
	if err != nil {
		return ans, err
	}
	ans.StepID = step.ID
	ans.UpdatedAt = s.now()
	body, err := json.Marshal(answerBody{Text: ans.Text, Choices: ans.Choices, Language: ans.Language, Code: ans.Code, CodeReview: ans.CodeReview})
	if err != nil {
		return ans, err
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := s.lockOpen(ctx, tx, &a); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO answers (application_id, step_id, body, score, max_score, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)
			ON CONFLICT (application_id, step_id) DO UPDATE SET body = excluded.body, score = excluded.score,
				max_score = excluded.max_score, updated_at = excluded.updated_at`,
			a.ID, step.ID, string(body), ans.Score, ans.MaxScore, ans.UpdatedAt); err != nil {
			return err
		}
		if err := s.start(ctx, tx, a); err != nil {
			return err
		}
		for _, hook := range s.answerHooks {
			if err := hook(ctx, tx, a, step, ans); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE applications SET updated_at = $1 WHERE id = $2`, ans.UpdatedAt, a.ID)
		return err
	})
	return ans, err
}

// Submit freezes the candidate's answers. Steps left unanswered are
// allowed (the review page warns about them); a text answer over its word
// limit is not.
func (s *Service) Submit(ctx context.Context, a Application) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.Submit(%d)", a.ID)
	if err := s.checkOpen(a); err != nil {
		return a, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return a, err
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if err := s.lockOpen(ctx, tx, &a); err != nil {
			return err
		}
		answers, err := answersIn(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		for _, check := range s.submitChecks {
			if err := check(ctx, tx, a); err != nil {
				return err
			}
		}
		for _, st := range iv.Steps {
			if c, ok := opening.As[SubmitChecker](st.Kind); ok {
				if err := c.CheckSubmit(st, answers[st.ID]); err != nil {
					return err
				}
			}
		}
		now := s.now()
		if err := countStatus(ctx, tx, a.OrgID, a.JobID, a.Status, Submitted); err != nil {
			return err
		}
		a.Status, a.SubmittedAt = Submitted, &now
		if a.StartedAt == nil {
			a.StartedAt = &now
		}
		if score, max, ok := Total(iv.Steps, answers); ok {
			a.Score, a.MaxScore = &score, &max
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET status = 'submitted', submitted_at = $1, started_at = COALESCE(started_at, $1),
			score = $2, max_score = $3, updated_at = $1 WHERE id = $4`, now, a.Score, a.MaxScore, a.ID); err != nil {
			return err
		}
		a.SubmittedAt = &now
		if err := s.statusChanged(ctx, tx, a, Submitted); err != nil {
			return err
		}
		return account.AuditCandidate(ctx, tx, a.OrgID, candidateActor(a), "application.submit", applicationTarget(a), "")
	})
	return a, err
}

// lockOpen locks the application's row for the rest of the transaction
// and checks, under that lock, that answers may still change; it reads
// again what may have changed meanwhile (status, revocation, consent).
// Saves and submits from two tabs are thereby serialised: on PostgreSQL a
// plain SELECT would let a save land after a submit had read the answers.
func (s *Service) lockOpen(ctx context.Context, tx *sqldb.DB, a *Application) error {
	var status Status
	var revoked, consent *time.Time
	err := tx.QueryRow(ctx, `UPDATE applications SET updated_at = $1 WHERE id = $2 RETURNING status, revoked_at, video_consent_at`,
		s.now(), a.ID).Scan(&status, &revoked, &consent)
	if err != nil {
		return err
	}
	a.Status, a.RevokedAt, a.VideoConsentAt = status, revoked, consent
	return s.checkOpen(*a)
}

func answersIn(ctx context.Context, tx *sqldb.DB, appID int64) (map[int64]Answer, error) {
	rows, err := tx.Query(ctx, `SELECT step_id, body, score, max_score, updated_at FROM answers WHERE application_id = $1`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Answer{}
	for rows.Next() {
		var a Answer
		var body string
		if err := rows.Scan(&a.StepID, &body, &a.Score, &a.MaxScore, &a.UpdatedAt); err != nil {
			return nil, err
		}
		var b answerBody
		if err := jsonUnmarshal(body, &b); err != nil {
			return nil, err
		}
		a.Text, a.Choices, a.RecordingID, a.Language, a.Code = b.Text, b.Choices, b.RecordingID, b.Language, b.Code
		a.Files, a.Commit, a.CodeReview, a.Marks = b.Files, b.Commit, b.CodeReview, b.Marks
		out[a.StepID] = a
	}
	return out, rows.Err()
}

func jsonUnmarshal(body string, v any) error {
	if err := json.Unmarshal([]byte(body), v); err != nil {
		return fmt.Errorf("answer body: %w", err)
	}
	return nil
}

// countWords counts runs of letters, digits and joined punctuation the way
// a word processor does: "don't" and "e-mail" are one word each.
func countWords(s string) int {
	return len(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) }))
}

func checkZone(tz string) error {
	if tz == "" || tz == "Local" {
		return apperr.Invalid("time_zone", "a time zone name such as Europe/Berlin is needed")
	}
	if _, err := time.LoadLocation(tz); err != nil {
		return apperr.Invalid("time_zone", "%q is not a time zone name such as Europe/Berlin", tz)
	}
	return nil
}
