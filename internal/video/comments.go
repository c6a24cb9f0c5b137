package video

import (
	"context"
	"math"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// MaxComment is the longest comment, in characters.
const MaxComment = 2000

// Comment is a team member's note pinned to a moment of a recording.
type Comment struct {
	ID          int64
	RecordingID int64
	MemberID    int64
	Author      string
	At          float64 // seconds into the recording
	Body        string
	CreatedAt   time.Time
}

// AddComment pins a comment at second at of recording recordingID.
// Reviewers and anyone else who may rate applications comment.
func (s *Service) AddComment(ctx context.Context, actor account.Member, recordingID int64, at float64, body string) (_ Comment, err error) {
	defer apperr.Wrap(&err, "video.AddComment(%d)", recordingID)
	if !actor.Can(account.Review) {
		return Comment{}, apperr.Forbidden("your role cannot review")
	}
	m, err := s.Get(ctx, MemberViewer(actor), recordingID)
	if err != nil {
		return Comment{}, err
	}
	body, err = plaintext.Field{Name: "body", Label: "the comment", Max: MaxComment, Required: true, Multiline: true}.Check(body)
	if err != nil {
		return Comment{}, err
	}
	if math.IsNaN(at) || at < 0 || (m.Duration != nil && at > *m.Duration+1) {
		return Comment{}, apperr.Invalid("at_seconds", "the moment must be within the recording")
	}
	c := Comment{RecordingID: m.ID, MemberID: actor.ID, Author: actor.Name, At: math.Round(at*10) / 10, Body: body, CreatedAt: s.now()}
	err = s.db.WriteRow(ctx, `INSERT INTO media_comments (org_id, media_id, member_id, at_seconds, body, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, m.OrgID, c.RecordingID, c.MemberID, c.At, c.Body, c.CreatedAt).Scan(&c.ID)
	return c, err
}

// ApplicationComments returns the comments on an application's takes,
// by recording, in the order of the moments they are pinned to. The
// caller has checked that the viewer may read the application.
func (s *Service) ApplicationComments(ctx context.Context, orgID, appID int64) (_ map[int64][]Comment, err error) {
	defer apperr.Wrap(&err, "video.ApplicationComments(%d)", appID)
	return s.comments(ctx, `md.application_id = $2`, orgID, appID)
}

// RecordingComments returns the comments on one recording who may watch.
func (s *Service) RecordingComments(ctx context.Context, who account.Member, recordingID int64) (_ []Comment, err error) {
	defer apperr.Wrap(&err, "video.RecordingComments(%d)", recordingID)
	if _, err := s.Get(ctx, MemberViewer(who), recordingID); err != nil {
		return nil, err
	}
	byMedia, err := s.comments(ctx, `md.id = $2`, who.OrgID, recordingID)
	return byMedia[recordingID], err
}

func (s *Service) comments(ctx context.Context, cond string, orgID, id int64) (map[int64][]Comment, error) {
	rows, err := s.db.Query(ctx, `SELECT c.id, c.media_id, c.member_id, mb.name, c.at_seconds, c.body, c.created_at
		FROM media_comments c JOIN media md ON md.id = c.media_id JOIN members mb ON mb.id = c.member_id
		WHERE c.org_id = $1 AND `+cond+` ORDER BY c.media_id, c.at_seconds, c.id`, orgID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Comment{}
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.RecordingID, &c.MemberID, &c.Author, &c.At, &c.Body, &c.CreatedAt); err != nil {
			return nil, err
		}
		out[c.RecordingID] = append(out[c.RecordingID], c)
	}
	return out, rows.Err()
}
