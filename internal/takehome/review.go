package takehome

import (
	"context"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// The team's side: the work read as a pull request, once the candidate
// has submitted (application.Shared), and comments on its lines.

// TeamRepo returns a's repository for step stepID as m's team reads it:
// not before the candidate submits.
func (s *Service) TeamRepo(ctx context.Context, m account.Member, a application.Application, stepID int64) (_ Repo, err error) {
	defer apperr.Wrap(&err, "takehome.TeamRepo(%d, %d)", a.ID, stepID)
	if a.OrgID != m.OrgID || !m.Can(account.ViewApplications) || !a.Shared() {
		return Repo{}, apperr.NotFound("repository")
	}
	return s.Repo(ctx, a.ID, stepID)
}

// Diff says how r changed from one of its commits to another (the
// starter to the last push when empty).
func (s *Service) Diff(ctx context.Context, r Repo, from, to string) (_ []git.FileDiff, err error) {
	defer apperr.Wrap(&err, "takehome.Diff(%d, %d)", r.ApplicationID, r.StepID)
	if from == "" {
		from = r.Starter
	}
	if to == "" {
		to = r.Head
	}
	for _, c := range []string{from, to} {
		if err := s.commitOf(ctx, r, c); err != nil {
			return nil, err
		}
	}
	repo, err := s.Open(ctx, r)
	if err != nil {
		return nil, err
	}
	return repo.Diff(ctx, from, to)
}

// File returns a file of r at one of its commits.
func (s *Service) File(ctx context.Context, r Repo, commit, path string) (_ []byte, err error) {
	defer apperr.Wrap(&err, "takehome.File(%d, %d)", r.ApplicationID, r.StepID)
	if err := s.commitOf(ctx, r, commit); err != nil {
		return nil, err
	}
	repo, err := s.Open(ctx, r)
	if err != nil {
		return nil, err
	}
	data, ok, err := repo.Blob(ctx, commit, path)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apperr.NotFound("file")
	}
	return data, nil
}

// Tree lists r's files at one of its commits.
func (s *Service) Tree(ctx context.Context, r Repo, commit string) (_ []git.Entry, err error) {
	defer apperr.Wrap(&err, "takehome.Tree(%d, %d)", r.ApplicationID, r.StepID)
	if err := s.commitOf(ctx, r, commit); err != nil {
		return nil, err
	}
	repo, err := s.Open(ctx, r)
	if err != nil {
		return nil, err
	}
	return repo.Tree(ctx, commit)
}

// Comment is a reviewer's comment on a line of the work.
type Comment struct {
	ID        int64
	MemberID  int64
	Author    string
	Commit    string
	Path      string
	Line      int
	Side      string // "old" or "new": the side of the diff it was written on
	Body      string
	Feedback  bool // the candidate reads it once told the decision
	CreatedAt time.Time
}

// CommentInput is a new comment.
type CommentInput struct {
	Commit, Path, Side string
	Line               int
	Body               string
	Feedback           bool
}

var commentBody = plaintext.Field{Name: "body", Label: "the comment", Max: 5000, Required: true, Multiline: true}

// AddComment adds m's comment on a line of r's work. Reviewers and those
// above them comment; the line must be in the file at that commit.
func (s *Service) AddComment(ctx context.Context, m account.Member, r Repo, in CommentInput) (_ Comment, err error) {
	defer apperr.Wrap(&err, "takehome.AddComment(%d, %d)", r.ApplicationID, r.StepID)
	if m.OrgID != r.OrgID || !m.Can(account.Review) {
		return Comment{}, apperr.Forbidden("your role cannot comment on work")
	}
	body, err := commentBody.Check(in.Body)
	if err != nil {
		return Comment{}, err
	}
	if in.Side != "old" && in.Side != "new" {
		return Comment{}, apperr.Invalid("side", "a comment is on the old or the new side of the change")
	}
	data, err := s.File(ctx, r, in.Commit, in.Path)
	if err != nil {
		return Comment{}, err
	}
	if in.Line < 1 || in.Line > lineCount(data) {
		return Comment{}, apperr.Invalid("line", "%s has no line %d", in.Path, in.Line)
	}
	c := Comment{MemberID: m.ID, Author: m.Name, Commit: in.Commit, Path: in.Path, Line: in.Line, Side: in.Side, Body: body,
		Feedback: in.Feedback, CreatedAt: s.now()}
	err = s.db.WriteRow(ctx, `INSERT INTO takehome_comments (org_id, application_id, step_id, member_id, author, commit_id, path, line, side, body, feedback, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		r.OrgID, r.ApplicationID, r.StepID, m.ID, m.Name, c.Commit, c.Path, c.Line, c.Side, c.Body, c.Feedback, c.CreatedAt).Scan(&c.ID)
	return c, err
}

func lineCount(data []byte) int {
	n := 0
	for i, b := range data {
		if b == '\n' || i == len(data)-1 {
			n++
		}
	}
	return n
}

// Comments lists the comments on r's work, oldest first; feedbackOnly
// keeps those marked feedback, for the candidate.
func (s *Service) Comments(ctx context.Context, appID, stepID int64, feedbackOnly bool) (_ []Comment, err error) {
	defer apperr.Wrap(&err, "takehome.Comments(%d, %d)", appID, stepID)
	q := `SELECT id, COALESCE(member_id, 0), author, commit_id, path, line, side, body, feedback, created_at
		FROM takehome_comments WHERE application_id = $1 AND step_id = $2`
	if feedbackOnly {
		q += ` AND feedback`
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY id`, appID, stepID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Comment
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.MemberID, &c.Author, &c.Commit, &c.Path, &c.Line, &c.Side, &c.Body, &c.Feedback, &c.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
