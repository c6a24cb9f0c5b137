package search

import (
	"context"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// The hooks below keep the index, each in the transaction of the change
// it follows (wired in package domain).

// Invited indexes a new application's candidate: their name and email,
// which the team may find at once (application.OnInvite).
func (s *Service) Invited(ctx context.Context, tx *sqldb.DB, _ account.Member, _ opening.Interview, _ opening.Job, a application.Application) (err error) {
	defer apperr.Wrap(&err, "search.Invited(%d)", a.ID)
	return put(ctx, tx, doc{orgID: a.OrgID, appID: a.ID, kind: Candidate, refID: a.Candidate.ID,
		body: candidateBody(a), at: a.InvitedAt})
}

// candidateBody is what finds a candidate: their name and email as the
// team sees them, so a blind job's candidates are found by pseudonym only.
func candidateBody(a application.Application) string {
	c := a.Shown().Candidate
	if c.Email == "" {
		return c.Name
	}
	return c.Name + " <" + c.Email + ">"
}

// Identified indexes the candidate again as the team now sees them, after
// blind review is switched or the candidate revealed
// (application.OnIdentity).
func (s *Service) Identified(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "search.Identified(%d)", a.ID)
	if _, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE application_id = $1 AND kind = $2`, a.ID, Candidate); err != nil {
		return err
	}
	return put(ctx, tx, doc{orgID: a.OrgID, appID: a.ID, kind: Candidate, refID: a.Candidate.ID, body: candidateBody(a), at: a.InvitedAt})
}

// Submitted indexes an application's written and code answers as the
// candidate submits them, and not before: until then they are the
// candidate's alone (application.OnStatus).
func (s *Service) Submitted(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "search.Submitted(%d)", a.ID)
	if a.Status != application.Submitted || !a.Shared() {
		return nil
	}
	answers, err := s.applications.AnswersInTx(ctx, tx, a.ID)
	if err != nil {
		return err
	}
	return putAnswers(ctx, tx, a.OrgID, a.ID, *a.SubmittedAt, answers)
}

func putAnswers(ctx context.Context, tx *sqldb.DB, orgID, appID int64, at time.Time, answers map[int64]application.Answer) error {
	for stepID, ans := range answers {
		for _, d := range []doc{{kind: Answer, body: ans.Text}, {kind: Code, body: ans.Code}} {
			if strings.TrimSpace(d.body) == "" {
				continue
			}
			d.orgID, d.appID, d.refID, d.at = orgID, appID, stepID, at
			if err := put(ctx, tx, d); err != nil {
				return err
			}
		}
	}
	return nil
}

// Posted indexes a message or an internal note (message.OnPost).
func (s *Service) Posted(ctx context.Context, tx *sqldb.DB, a application.Application, m message.Message) (err error) {
	defer apperr.Wrap(&err, "search.Posted(%d)", m.ID)
	kind := Message
	if m.Internal {
		kind = Note
	}
	return put(ctx, tx, doc{orgID: a.OrgID, appID: a.ID, kind: kind, refID: m.ID, body: m.Body, at: m.CreatedAt})
}

// Cancelled forgets a message sent later that was cancelled
// (message.OnCancel).
func (s *Service) Cancelled(ctx context.Context, tx *sqldb.DB, m message.Message) (err error) {
	defer apperr.Wrap(&err, "search.Cancelled(%d)", m.ID)
	_, err = tx.Exec(ctx, `DELETE FROM search_docs WHERE application_id = $1 AND kind IN ('message', 'note') AND ref_id = $2`,
		m.ApplicationID, m.ID)
	return err
}

// Reviewed indexes a submitted review's note, replacing the reviewer's
// earlier one; drafts are never indexed (review.OnSubmit).
func (s *Service) Reviewed(ctx context.Context, tx *sqldb.DB, a application.Application, r review.Review) (err error) {
	defer apperr.Wrap(&err, "search.Reviewed(%d)", r.ID)
	if strings.TrimSpace(r.Note) == "" {
		_, err := tx.Exec(ctx, `DELETE FROM search_docs WHERE application_id = $1 AND kind = 'review' AND ref_id = $2`, a.ID, r.ID)
		return err
	}
	return put(ctx, tx, doc{orgID: a.OrgID, appID: a.ID, kind: Review, refID: r.ID, memberID: r.Reviewer.ID, body: r.Note, at: r.UpdatedAt})
}

// doc is one row of search_docs.
type doc struct {
	orgID, appID int64
	kind         Kind
	refID        int64
	memberID     int64 // reviews only
	body         string
	at           time.Time
}

func put(ctx context.Context, tx *sqldb.DB, d doc) error {
	if d.at.IsZero() {
		d.at = time.Now()
	}
	var member *int64
	if d.memberID != 0 {
		member = &d.memberID
	}
	_, err := tx.Exec(ctx, `INSERT INTO search_docs (org_id, application_id, kind, ref_id, member_id, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (application_id, kind, ref_id) DO UPDATE SET member_id = excluded.member_id, body = excluded.body,
			created_at = excluded.created_at`,
		d.orgID, d.appID, d.kind, d.refID, member, trimBody(d.body), d.at)
	return err
}
