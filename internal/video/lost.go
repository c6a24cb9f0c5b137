package video

import (
	"context"
	"log/slog"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// UploadStore is what recordings need of the store tus keeps uploads in
// (package upload provides it): whether an unfinished upload can still be
// read back, and removing what is left of one.
type UploadStore interface {
	// Lost reports whether the unfinished upload tusID, whose row was
	// written at created, can no longer be read back: its state broken
	// by a fault, or gone. When the store cannot tell (it does not
	// answer), it is not lost.
	Lost(ctx context.Context, tusID string, created time.Time) bool
	// Remove deletes what is kept of the unfinished upload tusID.
	Remove(ctx context.Context, tusID string) error
}

// SetUploadStore sets the store uploads are kept in; without one, no
// upload is ever lost and nothing is removed from the store.
func (s *Service) SetUploadStore(u UploadStore) { s.uploads = u }

// MsgLost is the error of a take whose upload the server could not keep.
const MsgLost = "The server could not keep this recording: its storage failed while it arrived. Please record it again; it does not count as one of your takes."

// msgExpired is the error of a take that never finished uploading and
// was removed once nobody could finish it any more.
const msgExpired = "This recording never finished uploading and was removed. It does not count as one of your takes."

// Lost reports whether the take's upload was lost (MsgLost).
func (m Recording) Lost() bool { return m.Status == Failed && m.Size == 0 && m.Error == MsgLost }

// lost reports whether m, uploading, was lost by the store.
func (s *Service) lost(ctx context.Context, m Recording) bool {
	return s.uploads != nil && m.Status == Uploading && s.uploads.Lost(ctx, m.TusID, m.CreatedAt)
}

// removeUpload deletes what the store keeps of m's unfinished upload,
// logging a failure: the sweep tries again later.
func (s *Service) removeUpload(ctx context.Context, m Recording) {
	if s.uploads == nil {
		return
	}
	if err := s.uploads.Remove(context.WithoutCancel(ctx), m.TusID); err != nil {
		slog.WarnContext(ctx, "video: removing an unfinished upload", slog.String("upload", m.TusID), slog.Any("error", err))
	}
}

// markLost marks the uploading take m failed with msg, in db: it no
// longer counts as a take, nor blocks another or a submission.
func (s *Service) markLost(ctx context.Context, db *sqldb.DB, uploadID, msg string) error {
	_, err := db.Exec(ctx, `UPDATE media SET status = 'failed', error = $1, updated_at = $2 WHERE upload_id = $3 AND status = 'uploading'`,
		msg, s.now(), uploadID)
	return err
}

// DropLost marks the unfinished upload id lost (package upload calls it
// once it found the upload unreadable and removed what was left).
func (s *Service) DropLost(ctx context.Context, id string) (err error) {
	defer apperr.Wrap(&err, "video.DropLost(%q)", id)
	return s.markLost(ctx, s.db, id, MsgLost)
}

// AbortUpload takes back BeginUpload for upload id when the store could
// not create it: the row goes, as if the take had never begun, so that
// it neither counts nor blocks, and the client's retry begins afresh.
func (s *Service) AbortUpload(ctx context.Context, id string) (err error) {
	defer apperr.Wrap(&err, "video.AbortUpload(%q)", id)
	_, err = s.db.Exec(ctx, `DELETE FROM media WHERE upload_id = $1 AND status = 'uploading'`, id)
	return err
}

// ExpireUploads ends the unfinished uploads begun before now-expiry that
// nobody can finish any more: a candidate's take past its resume window
// (resumeUntil), a team member's video at once; and, whatever their
// window, those the store lost. What the store keeps of them is removed
// and they are marked failed, counting as no take. It returns how many
// it ended.
func (s *Service) ExpireUploads(ctx context.Context, expiry time.Duration) (n int, err error) {
	defer apperr.Wrap(&err, "video.ExpireUploads")
	now := s.now()
	rows, err := s.db.Query(ctx, `SELECT m.upload_id, m.tus_id, m.purpose, m.max_seconds, m.created_at, a.deadline_at
		FROM media m LEFT JOIN applications a ON a.id = m.application_id
		WHERE m.status = 'uploading' AND m.created_at < $1 ORDER BY m.created_at`, now.Add(-expiry))
	if err != nil {
		return 0, err
	}
	type row struct {
		m        Recording
		deadline *time.Time
	}
	var found []row
	for rows.Next() {
		var r row
		r.m.Status = Uploading
		if err := rows.Scan(&r.m.UploadID, &r.m.TusID, &r.m.Purpose, &r.m.MaxSeconds, &r.m.CreatedAt, &r.deadline); err != nil {
			rows.Close()
			return 0, err
		}
		found = append(found, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, r := range found {
		msg := msgExpired
		if r.m.Purpose == Answer && r.deadline != nil && !now.After(resumeUntil(r.m, application.Application{DeadlineAt: *r.deadline})) {
			if !s.lost(ctx, r.m) {
				continue // its candidate may still come back to it
			}
			msg = MsgLost
		}
		if s.uploads != nil {
			if err := s.uploads.Remove(ctx, r.m.TusID); err != nil {
				return n, err
			}
		}
		if err := s.markLost(ctx, s.db, r.m.UploadID, msg); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// CandidateTakes is ApplicationTakes for the candidate's own view: a take
// still uploading whose upload the store lost is marked lost first, so
// that their pages say so (MsgLost) rather than that it still uploads.
func (s *Service) CandidateTakes(ctx context.Context, a application.Application) (_ map[int64][]Recording, err error) {
	defer apperr.Wrap(&err, "video.CandidateTakes(%d)", a.ID)
	takes, err := s.ApplicationTakes(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	for _, ts := range takes {
		for i, m := range ts {
			if !s.lost(ctx, m) {
				continue
			}
			if err := s.markLost(ctx, s.db, m.UploadID, MsgLost); err != nil {
				return nil, err
			}
			s.removeUpload(ctx, m)
			ts[i].Status, ts[i].Error = Failed, MsgLost
		}
	}
	return takes, nil
}
