package application

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

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
}

// MaxCode is the longest code answer accepted, in bytes.
const MaxCode = 200_000

// ErrTaskNotReady refuses an answer to a coding task the team changed
// and has not checked again with a reference solution. It is
// apperr.ErrConflict.
var ErrTaskNotReady = &apperr.Error{Kind: apperr.ErrConflict,
	Message: "the team is still preparing this task; your code was not saved, so keep a copy, and come back to it later"}

// SaveAnswer stores the candidate's answer to a step, replacing any
// earlier one. A text answer over its word limit is kept (nothing typed is
// lost) and reported by Submit until it is shortened. A coding task that
// is not ready (opening.CodeTask.Unready) takes no answer.
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
	if step.Kind == opening.KindCode && len(step.Code.Unready()) > 0 {
		// Changed since the candidate was invited and not checked again.
		return Answer{}, ErrTaskNotReady
	}
	ans, err := buildAnswer(step, in)
	if err != nil {
		return ans, err
	}
	ans.UpdatedAt = s.now()
	body, err := json.Marshal(answerBody{Text: ans.Text, Choices: ans.Choices, Language: ans.Language, Code: ans.Code})
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

// buildAnswer checks an answer against its step and scores it.
func buildAnswer(step opening.Step, in AnswerInput) (Answer, error) {
	ans := Answer{StepID: step.ID}
	switch step.Kind {
	case opening.KindText:
		if in.Text == nil || in.Choices != nil || in.Code != nil || in.Language != nil {
			return ans, apperr.Invalid("text", "this step takes a written answer: send {\"text\": \"…\"}")
		}
		if utf8.RuneCountInString(*in.Text) > MaxTextAnswer {
			return ans, apperr.New(apperr.ErrTooLarge, "the answer is longer than %d characters", MaxTextAnswer)
		}
		if !utf8.ValidString(*in.Text) || strings.ContainsRune(*in.Text, 0) {
			return ans, apperr.Invalid("text", "the answer contains characters that are not text")
		}
		ans.Text = strings.ReplaceAll(*in.Text, "\r\n", "\n")
	case opening.KindChoice:
		if in.Choices == nil || in.Text != nil || in.Code != nil || in.Language != nil {
			return ans, apperr.Invalid("choices", "this step takes a choice: send {\"choices\": [option ids]}")
		}
		chosen, err := checkChoices(step, *in.Choices)
		if err != nil {
			return ans, err
		}
		ans.Choices = chosen
		score, max := ScoreChoice(step, chosen)
		ans.Score, ans.MaxScore = &score, &max
	case opening.KindCode:
		if in.Code == nil || in.Language == nil || in.Text != nil || in.Choices != nil {
			return ans, apperr.Invalid("code", "this step takes code: send {\"language\": \"…\", \"code\": \"…\"}")
		}
		lang := opening.Language(*in.Language)
		if !step.Code.Supports(lang) {
			return ans, apperr.Invalid("language", "this task is answered in %s, not %q", languageList(step.Code), *in.Language)
		}
		if len(*in.Code) > MaxCode {
			return ans, apperr.New(apperr.ErrTooLarge, "the code is longer than %d KB", MaxCode/1000)
		}
		if !utf8.ValidString(*in.Code) || strings.ContainsRune(*in.Code, 0) {
			return ans, apperr.Invalid("code", "the code contains characters that are not text")
		}
		ans.Language, ans.Code = lang, strings.ReplaceAll(*in.Code, "\r\n", "\n")
	default:
		return ans, apperr.Invalid("step_id", "%s steps are not answered this way", step.Kind.Label())
	}
	return ans, nil
}

func languageList(c *opening.CodeTask) string {
	var names []string
	for _, l := range c.Languages {
		names = append(names, l.Label())
	}
	return strings.Join(names, " or ")
}

func checkChoices(step opening.Step, ids []int64) ([]int64, error) {
	var chosen []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		if _, ok := step.Option(id); !ok {
			return nil, apperr.Invalid("choices", "option %d is not one of this step's options", id)
		}
		if !seen[id] {
			seen[id] = true
			chosen = append(chosen, id)
		}
	}
	if !step.Multiple && len(chosen) > 1 {
		return nil, apperr.Invalid("choices", "choose only one option for this question")
	}
	return chosen, nil
}

// ScoreChoice scores chosen options against a choice step. A single choice
// earns all the points or none. With several allowed, each correct option
// chosen earns its share and each wrong option chosen takes a share away,
// never below zero, so ticking every box does not pay.
func ScoreChoice(step opening.Step, chosen []int64) (score, max float64) {
	max = step.Points
	correct, right, wrong := 0, 0, 0
	for _, o := range step.Options {
		if o.Correct {
			correct++
		}
	}
	for _, id := range chosen {
		if o, ok := step.Option(id); ok && o.Correct {
			right++
		} else {
			wrong++
		}
	}
	if correct == 0 {
		return 0, max
	}
	if !step.Multiple {
		if right == 1 && wrong == 0 {
			return max, max
		}
		return 0, max
	}
	frac := float64(right-wrong) / float64(correct)
	if frac < 0 {
		frac = 0
	}
	return frac * max, max
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
			ans := answers[st.ID]
			if st.Kind == opening.KindText && st.MaxWords > 0 && ans.Words() > st.MaxWords {
				return apperr.Conflict("your answer to %q has %d words; the limit is %d. Shorten it, then submit again", st.Title, ans.Words(), st.MaxWords)
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
		return account.AuditCandidate(ctx, tx, a.OrgID, "candidate "+a.Candidate.Email, "application.submit", applicationTarget(a), "")
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
		a.Files = b.Files
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
