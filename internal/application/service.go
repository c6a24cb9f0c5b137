package application

import (
	"context"
	"errors"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Service runs invitation, answer and application operations.
type Service struct {
	db       *sqldb.DB
	accounts *account.Service
	openings *opening.Service
	now      func() time.Time
	// submitChecks run inside Submit's transaction, after the
	// application is locked; any error stops the submission.
	submitChecks []SubmitCheck
	answerHooks  []AnswerHook
	inviteHooks  []InviteHook
	linkHooks    []LinkHook
	statusHooks  []StatusHook
	outcomeHooks []StatusHook
	// extensionHooks run when more time is asked for, decided or granted.
	extensionHooks []ExtensionHook
	identityHooks  []IdentityHook
	blindHooks     []BlindHook
	revealChecks   []RevealCheck
}

// StatusHook is work another package does when an application moves to a
// new status (started, submitted), in the same transaction; a carries the
// new status. Package webhook queues its deliveries there.
type StatusHook func(ctx context.Context, tx *sqldb.DB, a Application) error

// OnStatus adds a hook to the changes of status. Call it while wiring.
func (s *Service) OnStatus(hook StatusHook) { s.statusHooks = append(s.statusHooks, hook) }

// OnOutcome adds a hook to the changes of a decided application's outcome
// that keep its status (a new decision), and to going back on a decision
// (Undecide); a carries the outcome and status it now has. With OnStatus,
// it hears of every change of whether an application waits for reviews.
func (s *Service) OnOutcome(hook StatusHook) { s.outcomeHooks = append(s.outcomeHooks, hook) }

func (s *Service) outcomeChanged(ctx context.Context, tx *sqldb.DB, a Application) error {
	for _, hook := range s.outcomeHooks {
		if err := hook(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) statusChanged(ctx context.Context, tx *sqldb.DB, a Application, to Status) error {
	a.Status = to
	for _, hook := range s.statusHooks {
		if err := hook(ctx, tx, a); err != nil {
			return err
		}
	}
	return nil
}

// InviteHook is work another package does for each new invitation, in
// the invitation's transaction: package notify queues the email.
type InviteHook func(ctx context.Context, tx *sqldb.DB, actor account.Member, iv opening.Interview, job opening.Job, a Application) error

// OnInvite adds a hook to Invite. Call it while wiring services.
func (s *Service) OnInvite(hook InviteHook) { s.inviteHooks = append(s.inviteHooks, hook) }

// LinkHook is work another package does when the team asks for a link to
// be emailed to a candidate again, in the same transaction: package notify
// queues the email.
type LinkHook func(ctx context.Context, tx *sqldb.DB, actor account.Member, a Application) error

// OnEmailLink adds a hook to EmailLink. Call it while wiring services.
func (s *Service) OnEmailLink(hook LinkHook) { s.linkHooks = append(s.linkHooks, hook) }

// AnswerHook is work another package does when an answer is saved, in
// the same transaction: package grading enqueues the grading of code.
type AnswerHook func(ctx context.Context, tx *sqldb.DB, a Application, step opening.Step, ans Answer) error

// OnAnswer adds a hook to SaveAnswer. Call it while wiring services.
func (s *Service) OnAnswer(hook AnswerHook) { s.answerHooks = append(s.answerHooks, hook) }

// SubmitCheck is a check another package adds to Submit, such as "no
// recording is still uploading". It runs in Submit's transaction.
type SubmitCheck func(ctx context.Context, tx *sqldb.DB, a Application) error

// CheckBeforeSubmit adds a check to Submit. Call it while wiring services, before
// any request is served.
func (s *Service) CheckBeforeSubmit(check SubmitCheck) {
	s.submitChecks = append(s.submitChecks, check)
}

// New returns a Service using db.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service) *Service {
	return &Service{db: db, accounts: accounts, openings: openings, now: time.Now}
}

// Now is the service's clock, which pages use for what they show (time
// left), so that what they show and what the service decides agree.
func (s *Service) Now() time.Time { return s.now() }

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const applicationColumns = `a.id, a.org_id, a.job_id, a.interview_id, c.id, a.candidate_name, c.email, a.status, a.time_zone,
	a.invited_at, a.deadline_at, a.started_at, a.submitted_at, a.revoked_at, a.score, a.max_score, a.review_count, a.updated_at, a.outcome,
	a.video_consent_at, a.candidate_number, a.blind, a.revealed_at`

// TeamNameSQL and TeamEmailSQL are the candidate's name and email as the
// team sees them (see Application.Shown), for packages that read
// applications (as a) and candidates (as c) in their own SQL.
const (
	TeamNameSQL  = `a.team_name`
	TeamEmailSQL = `CASE WHEN a.blind THEN '' ELSE c.email END`
)

const applicationFrom = ` FROM applications a JOIN candidates c ON c.id = a.candidate_id `

func scanApplication(row interface{ Scan(...any) error }) (Application, error) {
	var a Application
	err := row.Scan(&a.ID, &a.OrgID, &a.JobID, &a.InterviewID, &a.Candidate.ID, &a.Candidate.Name, &a.Candidate.Email, &a.Status, &a.TimeZone,
		&a.InvitedAt, &a.DeadlineAt, &a.StartedAt, &a.SubmittedAt, &a.RevokedAt, &a.Score, &a.MaxScore, &a.ReviewCount, &a.UpdatedAt, &a.Outcome,
		&a.VideoConsentAt, &a.Number, &a.Blind, &a.RevealedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return a, apperr.NotFound("application")
	}
	return a, err
}
