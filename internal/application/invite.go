package application

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// MaxInvitesPerCall bounds one bulk invitation.
const MaxInvitesPerCall = 1000

// NewCandidate is a person to invite, as typed or uploaded.
type NewCandidate struct {
	Name  string
	Email string
	Row   int // the line it came from, for messages; 0 means its position in the list
}

// Invitation is a new application with the secret of its magic link.
type Invitation struct {
	// Application as invited. It echoes to the inviter the name and email
	// they gave, even for a job reviewed blind, so that they can send each
	// link to its person; every later read returns the team's view.
	Application Application
	Token       string
}

// RowProblem explains why one input row was not invited. Row counts from 1.
type RowProblem struct {
	Row     int
	Input   string
	Message string
}

// InviteResult says what happened to each row of a bulk invitation: rows
// with a problem are reported one by one, and the good rows still go in.
type InviteResult struct {
	Invitations []Invitation
	Problems    []RowProblem // bad rows
	Duplicates  []RowProblem // rows repeating an earlier row or an existing invitation
}

// Invite invites candidates to an interview of actor's organisation.
func (s *Service) Invite(ctx context.Context, actor account.Member, interviewID int64, people []NewCandidate) (_ InviteResult, err error) {
	defer apperr.Wrap(&err, "application.Invite(%d)", interviewID)
	var res InviteResult
	if !actor.Can(account.InviteCandidates) {
		return res, apperr.Forbidden("your role cannot invite candidates")
	}
	if len(people) == 0 {
		return res, apperr.Invalid("candidates", "give at least one candidate to invite")
	}
	if len(people) > MaxInvitesPerCall {
		return res, apperr.Invalid("candidates", "invite at most %d candidates at once", MaxInvitesPerCall)
	}
	iv, err := s.openings.Interview(ctx, actor, interviewID)
	if err != nil {
		return res, err
	}
	if why := iv.Unready(); len(why) > 0 {
		return res, apperr.Conflict("the interview is not ready for candidates: %s", strings.Join(why, "; "))
	}
	job, err := s.openings.Job(ctx, actor, iv.JobID)
	if err != nil {
		return res, err
	}
	if job.Status != opening.JobOpen {
		return res, apperr.Conflict("the job %q is closed; reopen it to invite candidates", job.Title)
	}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		res = InviteResult{}
		seen := map[string]int{}
		for i, p := range people {
			row := i + 1
			if p.Row > 0 {
				row = p.Row
			}
			input := strings.TrimSpace(p.Name + " " + p.Email)
			c, err := cleanCandidate(p)
			if err != nil {
				res.Problems = append(res.Problems, RowProblem{row, input, apperr.Message(err)})
				continue
			}
			if first, dup := seen[c.Email]; dup {
				res.Duplicates = append(res.Duplicates, RowProblem{row, input, fmt.Sprintf("%s is also on row %d", c.Email, first)})
				continue
			}
			seen[c.Email] = row
			inv, err := s.inviteOne(ctx, tx, actor, iv, c)
			if errors.Is(err, apperr.ErrConflict) {
				res.Duplicates = append(res.Duplicates, RowProblem{row, input, apperr.Message(err)})
				continue
			}
			if err != nil {
				return err
			}
			for _, hook := range s.inviteHooks {
				if err := hook(ctx, tx, actor, iv, job, inv.Application); err != nil {
					return err
				}
			}
			res.Invitations = append(res.Invitations, inv)
		}
		if len(res.Invitations) == 0 {
			return nil
		}
		return s.accounts.Audit(ctx, tx, actor, "candidate.invite", "interview "+iv.Title, fmt.Sprintf("%d invited", len(res.Invitations)), "")
	})
	return res, err
}

func cleanCandidate(p NewCandidate) (NewCandidate, error) {
	email, err := account.NormalizeEmail(p.Email)
	if err != nil {
		if strings.TrimSpace(p.Email) == "" {
			return p, apperr.Invalid("email", "an email address is missing")
		}
		return p, err
	}
	name, err := plaintext.Field{Name: "name", Label: "the name", Max: 200}.Check(strings.Join(strings.Fields(p.Name), " "))
	if err != nil {
		return p, err
	}
	if name == "" {
		name = email[:strings.IndexByte(email, '@')]
	}
	return NewCandidate{Name: name, Email: email, Row: p.Row}, nil
}

func (s *Service) inviteOne(ctx context.Context, tx *sqldb.DB, actor account.Member, iv opening.Interview, c NewCandidate) (Invitation, error) {
	now := s.now()
	var candID int64
	err := tx.QueryRow(ctx, `INSERT INTO candidates (org_id, name, email, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (org_id, email) DO UPDATE SET name = candidates.name RETURNING id`, actor.OrgID, c.Name, c.Email, now).Scan(&candID)
	if err != nil {
		return Invitation{}, err
	}
	token := account.NewToken("")
	a := Application{
		OrgID: actor.OrgID, JobID: iv.JobID, InterviewID: iv.ID, Status: Invited,
		Candidate: Candidate{ID: candID, Name: c.Name, Email: c.Email},
		InvitedAt: now, DeadlineAt: deadline(now, iv.DeadlineDays), UpdatedAt: now,
	}
	// The job's row lock hands out numbers one at a time, and says
	// whether the job is reviewed blind as the number is taken.
	if err := tx.QueryRow(ctx, `UPDATE jobs SET candidates_numbered = candidates_numbered + 1 WHERE id = $1 RETURNING candidates_numbered, blind`,
		iv.JobID).Scan(&a.Number, &a.Blind); err != nil {
		return Invitation{}, err
	}
	teamName := a.Candidate.Name
	if a.Blind {
		teamName = Pseudonym(a.Number)
	}
	err = tx.QueryRow(ctx, `INSERT INTO applications (org_id, job_id, interview_id, candidate_id, candidate_name, status, token_hash, invited_at, deadline_at, updated_at,
			candidate_number, blind, team_name)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (interview_id, candidate_id) DO NOTHING RETURNING id`,
		a.OrgID, a.JobID, a.InterviewID, candID, a.Candidate.Name, a.Status, account.HashToken(token), a.InvitedAt, a.DeadlineAt, a.UpdatedAt,
		a.Number, a.Blind, teamName).Scan(&a.ID)
	// DO NOTHING, not a caught unique violation: on PostgreSQL a violation
	// aborts the whole transaction, and the other rows must still go in.
	if errors.Is(err, sqldb.ErrNotFound) {
		return Invitation{}, apperr.Conflict("%s is already invited to this interview", c.Email)
	}
	if err != nil {
		return Invitation{}, err
	}
	return Invitation{Application: a, Token: token}, countStatus(ctx, tx, a.OrgID, a.JobID, "", Invited)
}

// deadline is days after now, at the end of that minute: deadlines are
// stored in UTC and shown in each reader's zone.
func deadline(now time.Time, days int) time.Time {
	return now.UTC().Add(time.Duration(days) * 24 * time.Hour).Truncate(time.Minute)
}

// Relink gives an application a new magic link; the old one stops working.
func (s *Service) Relink(ctx context.Context, actor account.Member, appID int64) (_ string, err error) {
	defer apperr.Wrap(&err, "application.Relink(%d)", appID)
	if !actor.Can(account.InviteCandidates) {
		return "", apperr.Forbidden("your role cannot send links to candidates")
	}
	token := account.NewToken("")
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, appID, actor.OrgID))
		if err != nil {
			return err
		}
		if !a.Answering() && a.RevokedAt == nil {
			return apperr.Conflict("%s is no longer answering and reads their status and the conversation with the links they have; email them a new link instead", a.TeamName())
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET token_hash = $1, revoked_at = NULL, updated_at = $2 WHERE id = $3`,
			account.HashToken(token), s.now(), a.ID); err != nil {
			return err
		}
		// The links emails carried go with the old one.
		if _, err := tx.Exec(ctx, `DELETE FROM application_links WHERE application_id = $1`, a.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "candidate.relink", applicationTarget(a), "", "")
	})
	return token, err
}

// EmailLink emails the candidate a fresh link to their application,
// beside the links they already have, which keep working (Relink replaces
// them). A revoked link is replaced first with Relink; a candidate who
// withdrew is written to no more.
func (s *Service) EmailLink(ctx context.Context, actor account.Member, appID int64) (_ Application, err error) {
	defer apperr.Wrap(&err, "application.EmailLink(%d)", appID)
	if !actor.Can(account.InviteCandidates) {
		return Application{}, apperr.Forbidden("your role cannot send links to candidates")
	}
	var a Application
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		a, err = scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, appID, actor.OrgID))
		if err != nil {
			return err
		}
		switch {
		case a.Status == Withdrawn:
			return apperr.Conflict("%s withdrew, so nothing more is sent to them", a.TeamName())
		case a.RevokedAt != nil:
			return apperr.Conflict("%s's link was revoked; make a new link to let them back in", a.TeamName())
		case !s.now().Before(a.LinkExpiresAt()):
			return apperr.Conflict("%s's links stopped working %d days after the deadline, so a new one would not open", a.TeamName(), int(LinkGrace.Hours()/24))
		}
		for _, hook := range s.linkHooks {
			if err := hook(ctx, tx, actor, a); err != nil {
				return err
			}
		}
		return s.accounts.Audit(ctx, tx, actor, "candidate.email_link", applicationTarget(a), "", "")
	})
	return a, err
}

// Revoke stops an application's link from working, at any stage: a link
// that reached the wrong person is stopped even after the candidate
// submitted (pages offer it only while they answer; Relink then lets the
// candidate back in).
func (s *Service) Revoke(ctx context.Context, actor account.Member, appID int64) (err error) {
	defer apperr.Wrap(&err, "application.Revoke(%d)", appID)
	if !actor.Can(account.InviteCandidates) {
		return apperr.Forbidden("your role cannot revoke invitations")
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		a, err := scanApplication(tx.QueryRow(ctx, `SELECT `+applicationColumns+applicationFrom+`WHERE a.id = $1 AND a.org_id = $2`, appID, actor.OrgID))
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET revoked_at = $1, updated_at = $1 WHERE id = $2`, s.now(), a.ID); err != nil {
			return err
		}
		return s.accounts.Audit(ctx, tx, actor, "candidate.revoke", applicationTarget(a), "", "")
	})
}

func applicationTarget(a Application) string { return a.AuditTarget() }

// candidateActor names the candidate as the actor of an audit entry.
func candidateActor(a Application) string {
	if a.Blind {
		return Pseudonym(a.Number)
	}
	return "candidate " + a.Candidate.Email
}

// NewLink makes another link to an application's candidate pages, for an
// email about to go out, and returns its token. It works like the
// invitation's link until the application is revoked or re-linked. It
// refuses (ErrConflict) for a revoked or withdrawn application.
func (s *Service) NewLink(ctx context.Context, appID int64) (_ string, err error) {
	defer apperr.Wrap(&err, "application.NewLink(%d)", appID)
	var status Status
	var revoked *time.Time
	if err := s.db.QueryRow(ctx, `SELECT status, revoked_at FROM applications WHERE id = $1`, appID).Scan(&status, &revoked); err != nil {
		if errors.Is(err, sqldb.ErrNotFound) {
			return "", apperr.NotFound("application")
		}
		return "", err
	}
	if revoked != nil || status == Withdrawn {
		return "", apperr.Conflict("the candidate's link was revoked or they withdrew")
	}
	token := account.NewToken("")
	if _, err := s.db.Exec(ctx, `INSERT INTO application_links (application_id, token_hash, created_at) VALUES ($1, $2, $3)`,
		appID, account.HashToken(token), s.now()); err != nil {
		return "", err
	}
	return token, nil
}
