package video

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// This file is an answer's audio copy: the sound alone, which is all that
// reaches a reviewer of a job reviewed blind (see Viewer). Every answer
// gets one in the background once it is ready; an answer recorded before
// copies were made gets its own when a blind viewer first asks for it,
// or when its job turns blind (PrepareAudio). audio_status keeps the
// task from being queued twice.

const (
	// audioTimeout bounds making one copy, plus the recording's length:
	// AAC encodes at many times real time.
	audioTimeout = 2 * time.Minute
	// audioAttempts is how often a copy is tried before it fails.
	audioAttempts = 3
)

// msgAudioPreparing is what a viewer hears while the copy is being made.
const msgAudioPreparing = "the audio copy is being prepared; try again in a moment"

// enqueueAudio queues the making of recording id's audio copy in tx,
// unless it was asked for before.
func enqueueAudio(ctx context.Context, tx *sqldb.DB, id int64) error {
	res, err := tx.Exec(ctx, `UPDATE media SET audio_status = 'queued' WHERE id = $1 AND purpose = 'answer' AND audio_status = ''`, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	_, err = queue.Enqueue(ctx, tx, TaskAudio, taskPayload{id}, queue.MaxAttempts(audioAttempts))
	return err
}

// PrepareAudio queues, in tx, an audio copy of every ready answer of job
// jobID's applications that has none and was never asked for: a job that
// turns blind calls it, so that its reviewers rarely wait. Answers still
// processing get theirs when they are ready. The caller has checked that
// the job is the actor's to change.
func (s *Service) PrepareAudio(ctx context.Context, tx *sqldb.DB, jobID int64) (err error) {
	defer apperr.Wrap(&err, "video.PrepareAudio(%d)", jobID)
	ids, err := tx.IDs(ctx, `SELECT m.id FROM media m JOIN applications a ON a.id = m.application_id
		WHERE a.job_id = $1 AND m.purpose = 'answer' AND m.status = 'ready' AND m.audio_status = '' ORDER BY m.id`, jobID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := enqueueAudio(ctx, tx, id); err != nil {
			return err
		}
	}
	return nil
}

// AskAudio queues the audio copy of recording id, which who may watch,
// if it was never asked for: a page that shows a blind viewer an answer
// recorded before copies were made calls it, and says the copy is on its
// way. It does nothing for a copy asked for before, or a recording that
// is not a ready answer.
func (s *Service) AskAudio(ctx context.Context, who Viewer, id int64) (err error) {
	defer apperr.Wrap(&err, "video.AskAudio(%d)", id)
	m, _, err := s.get(ctx, who, id)
	if err != nil {
		return err
	}
	if m.Purpose != Answer || m.Status != Ready || m.AudioStatus != AudioNotAsked {
		return nil
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error { return enqueueAudio(ctx, tx, m.ID) })
}

// openAudio answers a request for m's audio copy: its key, or why there
// is none. A ready answer without one gets it queued, once, and the
// viewer is asked to come back.
func (s *Service) openAudio(ctx context.Context, m Recording) (key string, err error) {
	if m.Purpose != Answer {
		return "", apperr.NotFound("audio copy")
	}
	switch {
	case m.Status == Uploading || m.Status == Processing:
		return "", apperr.Conflict("the recording is still being processed; try again in a moment")
	case m.Status != Ready:
		return "", apperr.NotFound("recording")
	}
	switch m.AudioStatus {
	case AudioReady:
		return m.AudioKey, nil
	case AudioSilent:
		return "", apperr.New(apperr.ErrNotFound, "this recording has no sound to hear")
	case AudioFailed:
		return "", apperr.New(apperr.ErrNotFound, "no audio copy of this recording could be made")
	case AudioNotAsked:
		err := s.db.Transact(ctx, func(tx *sqldb.DB) error { return enqueueAudio(ctx, tx, m.ID) })
		if err != nil {
			return "", err
		}
	}
	return "", apperr.Conflict(msgAudioPreparing)
}

func (s *Service) handleAudio(ctx context.Context, t queue.Task) error {
	m, err := s.taskRecording(ctx, t)
	if err != nil || m.Status != Ready || m.AudioStatus != AudioQueued {
		return err
	}
	tl, err := s.tools(ctx)
	if err != nil {
		return s.wait(ctx, t, m, err, queue.MaxAttempts(audioAttempts))
	}
	limit := audioTimeout
	if m.Duration != nil {
		limit += time.Duration(*m.Duration * float64(time.Second))
	}
	actx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	err = s.makeAudio(actx, tl, m)
	switch {
	case errors.Is(err, ffmpeg.ErrNoAudio):
		return s.setAudio(ctx, m.ID, AudioSilent, "")
	case limitError(err) != nil:
		// The sound broke a limit the headers kept quiet about; trying
		// again would only fail again.
		slog.WarnContext(ctx, "video: no audio copy", slog.Int64("media_id", m.ID), slog.Any("error", err))
		if ferr := s.setAudio(ctx, m.ID, AudioFailed, ""); ferr != nil {
			return ferr
		}
		return queue.Permanent(err)
	case err != nil && t.Attempt >= t.MaxAttempts && ctx.Err() == nil:
		// The last try: a copy never stays "queued" for good.
		slog.WarnContext(ctx, "video: no audio copy", slog.Int64("media_id", m.ID), slog.Any("error", err))
		if ferr := s.setAudio(ctx, m.ID, AudioFailed, ""); ferr != nil {
			return ferr
		}
	}
	return err
}

// makeAudio makes m's audio copy from its playable file and stores it.
func (s *Service) makeAudio(ctx context.Context, tl ffmpeg.Tools, m Recording) error {
	dir, err := os.MkdirTemp("", "anyhour-audio-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "audio.m4a")
	if err := s.fetch(ctx, m.PlayableKey, in); err != nil {
		return err
	}
	if err := tl.AudioM4A(ctx, in, out); err != nil {
		return err
	}
	key := fmt.Sprintf("media/%d/audio.m4a", m.ID)
	if err := s.store(ctx, key, out); err != nil {
		return err
	}
	return s.setAudio(ctx, m.ID, AudioReady, key)
}

func (s *Service) setAudio(ctx context.Context, id int64, st AudioStatus, key string) error {
	// updated_at stays: it is when the take last changed for the people
	// who see it (an answer's time, before one is chosen).
	_, err := s.db.Exec(ctx, `UPDATE media SET audio_status = $1, audio_key = $2 WHERE id = $3`, st, key, id)
	return err
}
