package webhook

import (
	"context"
	"github.com/anyhour/anyhour/internal/apperr"
	"time"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// The events, each a reaction to a change of another service, in its
// transaction; package domain registers them.

// EmitApplicationStatus emits application.started and application.submitted.
func (s *Service) EmitApplicationStatus(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "webhook.EmitApplicationStatus")
	switch a.Status {
	case application.Started:
		return s.Emit(ctx, tx, a.OrgID, ApplicationStarted, applicationData{Application: newApplication(a)})
	case application.Submitted:
		return s.Emit(ctx, tx, a.OrgID, ApplicationSubmitted, applicationData{Application: newApplication(a)})
	}
	return nil
}

// EmitReviewSubmitted emits review.submitted.
func (s *Service) EmitReviewSubmitted(ctx context.Context, tx *sqldb.DB, a application.Application, r review.Review) (err error) {
	defer apperr.Wrap(&err, "webhook.EmitReviewSubmitted")
	return s.Emit(ctx, tx, a.OrgID, ReviewSubmitted, reviewData{Application: newApplication(a), Review: reviewJSON{
		ID: r.ID, Reviewer: memberJSON{ID: r.Reviewer.ID, Name: r.Reviewer.Name}, Recommendation: string(r.Recommendation),
		Ratings: r.Ratings, Note: r.Note, UpdatedAt: ts(r.UpdatedAt)}})
}

// EmitMessagePosted emits message.received for a candidate's message.
func (s *Service) EmitMessagePosted(ctx context.Context, tx *sqldb.DB, a application.Application, m message.Message) (err error) {
	defer apperr.Wrap(&err, "webhook.EmitMessagePosted")
	if !m.FromCandidate() {
		return nil
	}
	return s.Emit(ctx, tx, a.OrgID, MessageReceived, messageData{Application: newApplication(a),
		Message: messageJSON{ID: m.ID, Body: m.Body, CreatedAt: ts(m.CreatedAt)}})
}

// EmitDecisionMade emits decision.made.
func (s *Service) EmitDecisionMade(ctx context.Context, tx *sqldb.DB, a application.Application, d decision.Decision) (err error) {
	defer apperr.Wrap(&err, "webhook.EmitDecisionMade")
	return s.Emit(ctx, tx, a.OrgID, DecisionMade, decisionData{Application: newApplication(a), Decision: decisionJSON{
		ID: d.ID, Outcome: string(d.Outcome), Message: d.Message, Feedback: d.Feedback, DecidedBy: d.DecidedBy, CreatedAt: ts(d.CreatedAt)}})
}

// The payloads' data, documented in the README.
type (
	applicationData struct {
		Application applicationJSON `json:"application"`
	}
	reviewData struct {
		Application applicationJSON `json:"application"`
		Review      reviewJSON      `json:"review"`
	}
	decisionData struct {
		Application applicationJSON `json:"application"`
		Decision    decisionJSON    `json:"decision"`
	}
	decisionJSON struct {
		ID        int64  `json:"id"`
		Outcome   string `json:"outcome"`
		Message   string `json:"message"`
		Feedback  string `json:"feedback"`
		DecidedBy string `json:"decided_by"`
		CreatedAt string `json:"created_at"`
	}
	messageData struct {
		Application applicationJSON `json:"application"`
		Message     messageJSON     `json:"message"`
	}
	applicationJSON struct {
		ID          int64         `json:"id"`
		Status      string        `json:"status"`
		JobID       int64         `json:"job_id"`
		InterviewID int64         `json:"interview_id"`
		Candidate   candidateJSON `json:"candidate"`
		InvitedAt   string        `json:"invited_at"`
		DeadlineAt  string        `json:"deadline_at"`
		StartedAt   *string       `json:"started_at"`
		SubmittedAt *string       `json:"submitted_at"`
		Score       *float64      `json:"score"`
		MaxScore    *float64      `json:"max_score"`
	}
	candidateJSON struct {
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	reviewJSON struct {
		ID             int64         `json:"id"`
		Reviewer       memberJSON    `json:"reviewer"`
		Recommendation string        `json:"recommendation"`
		Ratings        map[int64]int `json:"ratings"`
		Note           string        `json:"note"`
		UpdatedAt      string        `json:"updated_at"`
	}
	memberJSON struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	messageJSON struct {
		ID        int64  `json:"id"`
		Body      string `json:"body"`
		CreatedAt string `json:"created_at"`
	}
)

func newApplication(a application.Application) applicationJSON {
	// As the team sees it: a blind job's candidate is a pseudonym with no
	// email address until revealed.
	a = a.Shown()
	return applicationJSON{ID: a.ID, Status: string(a.Status), JobID: a.JobID, InterviewID: a.InterviewID,
		Candidate: candidateJSON{Name: a.Candidate.Name, Email: a.Candidate.Email},
		InvitedAt: ts(a.InvitedAt), DeadlineAt: ts(a.DeadlineAt), StartedAt: tsp(a.StartedAt), SubmittedAt: tsp(a.SubmittedAt),
		Score: a.Score, MaxScore: a.MaxScore}
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func tsp(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := ts(*t)
	return &s
}
