package video

import (
	"database/sql"
	"errors"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Service runs recording operations.
type Service struct {
	db           *sqldb.DB
	blobs        blob.Store
	openings     *opening.Service
	applications *application.Service
	now          func() time.Time

	mediaMu sync.Mutex
	box     sandbox.Runner                                 // ffmpeg's sandbox (SetSandbox), nil if none
	boxErr  error                                          // why there is none
	media   *ffmpeg.Tools                                  // once seen to work in box
	observe func(command, outcome string, d time.Duration) // SetObserver

	uploads UploadStore // where tus keeps unfinished uploads (SetUploadStore)
}

// New returns a Service keeping recordings in blobs. It adds to
// interviews' Submit the rule that no answer may still be uploading.
func New(db *sqldb.DB, blobs blob.Store, openings *opening.Service, applications *application.Service) *Service {
	s := &Service{db: db, blobs: blobs, openings: openings, applications: applications, now: time.Now,
		boxErr: errors.New("no sandbox was set up")}
	return s
}

// SetClock replaces the clock, for tests.
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const recordingColumns = `id, org_id, interview_id, purpose, COALESCE(step_id, 0), COALESCE(application_id, 0), COALESCE(member_id, 0),
	take, upload_id, tus_id, client_key, status, error, filename, filetype, size, max_size, max_seconds, original_key, playable_key, content_type,
	poster_key, rendition_key, audio_key, audio_status, duration_seconds, removed_at, created_at, updated_at`

func scanRecording(row interface{ Scan(...any) error }) (Recording, error) {
	var m Recording
	err := row.Scan(&m.ID, &m.OrgID, &m.InterviewID, &m.Purpose, &m.StepID, &m.ApplicationID, &m.MemberID,
		&m.Take, &m.UploadID, &m.TusID, &m.ClientKey, &m.Status, &m.Error, &m.Filename, &m.Filetype, &m.Size, &m.MaxSize, &m.MaxSeconds,
		&m.OriginalKey, &m.PlayableKey, &m.ContentType, &m.PosterKey, &m.RenditionKey, &m.AudioKey, &m.AudioStatus, &m.Duration, &m.RemovedAt, &m.CreatedAt, &m.UpdatedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return m, apperr.NotFound("recording")
	}
	return m, err
}

func scanAll(rows *sql.Rows) ([]Recording, error) {
	defer rows.Close()
	var out []Recording
	for rows.Next() {
		m, err := scanRecording(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// notFound turns a missing row into apperr's not found for what.
func notFound(err error, what string) error {
	if errors.Is(err, sqldb.ErrNotFound) {
		return apperr.NotFound(what)
	}
	return err
}
