package video

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Queue task kinds.
const (
	TaskProcess   = "video.process"   // make a finished upload seekable, read its duration, cut a poster
	TaskRendition = "video.rendition" // make an H.264/AAC MP4 for browsers that cannot play the original
	TaskAudio     = "video.audio"     // make an answer's audio copy, for blind reviewers
)

// Time limits for ffmpeg's work on one recording.
const (
	processTimeout   = 5 * time.Minute // remux and poster copy streams: seconds, even for long takes
	renditionTimeout = 5 * time.Minute // plus four times the recording's length
)

type taskPayload struct {
	RecordingID int64 `json:"media_id"`
}

func enqueueProcess(ctx context.Context, tx *sqldb.DB, m Recording) error {
	_, err := queue.Enqueue(ctx, tx, TaskProcess, taskPayload{m.ID})
	return err
}

// Messages for the person who recorded a failed take: a candidate
// records again; the team may also upload another file.
func msgNotMedia(m Recording) string {
	if m.Purpose == Answer {
		return "This file is not a video we can play. Please record your answer again."
	}
	return "This file is not a video we can play. Please record the video again or upload another file."
}

// msgLimit is for a file beyond what media accepts (too large a picture,
// too many frames a second, too many streams, too much memory to
// decode), with media's reason.
func msgLimit(m Recording, le *ffmpeg.LimitError) string {
	if m.Purpose == Answer {
		return "This recording cannot be used. " + le.Reason + " Please record your answer again."
	}
	return "This video cannot be used. " + le.Reason + " Please record it again or upload another file."
}

// msgTooLong is for a file longer than the step, or a team video, may be.
func msgTooLong(m Recording, d, limit time.Duration) string {
	if m.Purpose == Answer {
		return fmt.Sprintf("This recording is %s long, and the limit is %s. Please record it again.", clock(d), clock(limit))
	}
	return fmt.Sprintf("This video is %s long, and the limit is %s. Please upload a shorter one.", clock(d), clock(limit))
}

func msgBroken(m Recording) string {
	if m.Purpose == Answer {
		return "This recording could not be read to the end. Please record your answer again."
	}
	return "This recording could not be read to the end. Please record it again or upload another file."
}

// SetSandbox gives the service the sandbox ffmpeg runs in, or err, the
// reason there is none. Recordings are never processed outside a box.
func (s *Service) SetSandbox(r sandbox.Runner, err error) {
	s.mediaMu.Lock()
	defer s.mediaMu.Unlock()
	if err != nil {
		r = nil // not a nil *Box in an interface
	} else if r == nil {
		err = errors.New("no sandbox was set up")
	}
	s.box, s.boxErr, s.media = r, err, nil
}

// SetObserver has every ffmpeg command run on a recording report how
// long it took and how it ended (ffmpeg.Tools.Observe), for metrics.
func (s *Service) SetObserver(fn func(command, outcome string, d time.Duration)) {
	s.mediaMu.Lock()
	defer s.mediaMu.Unlock()
	s.observe = fn
	if s.media != nil {
		s.media.Observe = fn
	}
}

// tools returns the media tools once ffmpeg has been found and seen to
// work in the sandbox. Until then recordings wait in the queue (see
// wait), and ffmpeg is found as soon as it is installed, without a
// restart; a sandbox missing at start needs one.
func (s *Service) tools(ctx context.Context) (ffmpeg.Tools, error) {
	s.mediaMu.Lock()
	defer s.mediaMu.Unlock()
	if s.media != nil {
		return *s.media, nil
	}
	if s.box == nil {
		return ffmpeg.Tools{}, fmt.Errorf("video: ffmpeg runs only in the sandbox, and there is none: %w", s.boxErr)
	}
	t, err := ffmpeg.New(s.box)
	if err != nil {
		return ffmpeg.Tools{}, err
	}
	if err := t.SelfTest(ctx); err != nil {
		return ffmpeg.Tools{}, err
	}
	t.Observe = s.observe
	s.media = &t
	return t, nil
}

// msgLater is for a take that could not be processed after every retry,
// for a reason of the server's, not the file's.
const msgLater = "This recording arrived, but could not be prepared for playback. The team can see that it failed; please record it again."

// RegisterTasks registers the background work this package does.
func (s *Service) RegisterTasks(w *queue.Worker) {
	w.Handle(TaskProcess, s.handleProcess)
	w.Handle(TaskRendition, s.handleRendition)
	w.Handle(TaskAudio, s.handleAudio)
}

// CheckTools reports whether ffmpeg works in the sandbox, for a worker's
// start-up check.
func (s *Service) CheckTools() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err := s.tools(ctx)
	return err
}

// waitDelay is how long a recording waits before a worker that could not
// run ffmpeg in the sandbox, or another worker, tries it again.
const waitDelay = 5 * time.Minute

// wait puts a recording's task back in the queue, as a new task due in
// waitDelay, because this worker cannot run ffmpeg in the sandbox (no
// bubblewrap, no ffmpeg, or they fail to start). The recording stays
// "processing": the machine is at fault, not the file, and a careful
// server neither runs an upload's decoders outside a box nor gives up on
// a candidate's answer for that. The log says why, every time.
func (s *Service) wait(ctx context.Context, t queue.Task, m Recording, cause error, opts ...queue.Option) error {
	slog.WarnContext(ctx, "video: recording waits in the queue: ffmpeg cannot run in the sandbox on this worker; run anyhour doctor",
		slog.Int64("media_id", m.ID), slog.String("task", t.Kind), slog.Duration("retry_in", waitDelay), slog.Any("error", cause))
	_, err := queue.Enqueue(ctx, s.db, t.Kind, taskPayload{m.ID}, append(opts, queue.Delay(waitDelay))...)
	return err
}

// maxSeconds is how long m may run: its own limit (its step's, or
// teamMaxSeconds), or for a row without one the longest a step may ask.
func maxSeconds(m Recording) int {
	if m.MaxSeconds > 0 {
		return m.MaxSeconds
	}
	return opening.MaxRecording
}

// limitError returns err's *ffmpeg.LimitError, or nil.
func limitError(err error) *ffmpeg.LimitError {
	var le *ffmpeg.LimitError
	if errors.As(err, &le) {
		return le
	}
	return nil
}

func (s *Service) handleProcess(ctx context.Context, t queue.Task) error {
	m, err := s.taskRecording(ctx, t)
	if err != nil || m.Status != Processing {
		return err
	}
	tl, err := s.tools(ctx)
	if err != nil {
		return s.wait(ctx, t, m, err)
	}
	// Bounded, so that a file crafted to be slow cannot hold a worker.
	pctx, cancel := context.WithTimeout(ctx, processTimeout)
	defer cancel()
	err = s.process(pctx, tl, m, t.Attempt >= t.MaxAttempts)
	if err != nil && t.Attempt >= t.MaxAttempts && !errors.Is(err, context.Canceled) {
		// The last try: a take never stays "processing" for good.
		if ferr := s.fail(ctx, m, msgLater, err); ferr != nil {
			return ferr
		}
	}
	return err
}

// process makes m seekable and measured; last says this is the last
// attempt, when a file that cannot be remuxed fails for good. A file
// beyond the limits fails at once, with the reason; the limits are
// checked from the headers and packets before anything is decoded, and
// the decoders refuse what a lying header hid.
func (s *Service) process(ctx context.Context, tl ffmpeg.Tools, m Recording, last bool) error {
	dir, err := os.MkdirTemp("", "anyhour-media-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	orig := filepath.Join(dir, "original")
	if err := s.fetch(ctx, m.OriginalKey, orig); err != nil {
		return err
	}
	info, err := tl.Probe(ctx, orig)
	if errors.Is(err, ffmpeg.ErrNotMedia) {
		return s.fail(ctx, m, msgNotMedia(m), err)
	}
	if err == nil {
		err = ffmpeg.DefaultLimits.Check(info)
	}
	if le := limitError(err); le != nil {
		return s.fail(ctx, m, msgLimit(m, le), err)
	}
	if err != nil {
		return err
	}
	if secs := maxSeconds(m); info.Duration > time.Duration(secs)*time.Second+Tolerance(secs) {
		return s.fail(ctx, m, msgTooLong(m, info.Duration, time.Duration(secs)*time.Second), nil)
	}
	playable := filepath.Join(dir, "playable")
	ctype, err := tl.Remux(ctx, orig, playable, info)
	if le := limitError(err); le != nil {
		return s.fail(ctx, m, msgLimit(m, le), err)
	}
	if err != nil {
		if last {
			return s.fail(ctx, m, msgBroken(m), err)
		}
		return err
	}
	if remuxed, err := tl.Probe(ctx, playable); err == nil && remuxed.Duration > 0 {
		info.Duration = remuxed.Duration
	}
	var poster string
	if info.VideoCodec != "" {
		poster = filepath.Join(dir, "poster.jpg")
		err := tl.Poster(ctx, playable, poster, min(time.Second, info.Duration/2))
		if le := limitError(err); le != nil {
			return s.fail(ctx, m, msgLimit(m, le), err) // the first decoder met what the header hid
		}
		if err != nil {
			slog.WarnContext(ctx, "video: no poster", slog.Int64("media_id", m.ID), slog.Any("error", err))
			poster = ""
		}
	}
	ext := ".webm"
	if ctype == "video/mp4" {
		ext = ".mp4"
	}
	prefix := fmt.Sprintf("media/%d/", m.ID)
	m.PlayableKey, m.ContentType = prefix+"video"+ext, ctype
	if err := s.store(ctx, m.PlayableKey, playable); err != nil {
		return err
	}
	if poster != "" {
		m.PosterKey = prefix + "poster.jpg"
		if err := s.store(ctx, m.PosterKey, poster); err != nil {
			return err
		}
	}
	seconds := info.Duration.Seconds()
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		res, err := tx.Exec(ctx, `UPDATE media SET status = 'ready', playable_key = $1, content_type = $2, poster_key = $3,
			duration_seconds = $4, updated_at = $5 WHERE id = $6 AND status = 'processing'`,
			m.PlayableKey, m.ContentType, m.PosterKey, seconds, s.now(), m.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if m.Purpose == Answer {
			// Queued before the MP4 copy: the one blind reviewers wait
			// for is the quicker to make.
			if err := enqueueAudio(ctx, tx, m.ID); err != nil {
				return err
			}
		}
		if info.NeedsRendition() && info.VideoCodec != "" {
			_, err = queue.Enqueue(ctx, tx, TaskRendition, taskPayload{m.ID}, queue.MaxAttempts(3))
		}
		return err
	})
}

func (s *Service) handleRendition(ctx context.Context, t queue.Task) error {
	m, err := s.taskRecording(ctx, t)
	if err != nil || m.Status != Ready || m.RenditionKey != "" {
		return err
	}
	limit := renditionTimeout
	if m.Duration != nil {
		limit += 4 * time.Duration(*m.Duration*float64(time.Second))
	}
	tl, err := s.tools(ctx)
	if err != nil {
		return s.wait(ctx, t, m, err, queue.MaxAttempts(3))
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	dir, err := os.MkdirTemp("", "anyhour-rendition-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out.mp4")
	if err := s.fetch(ctx, m.PlayableKey, in); err != nil {
		return err
	}
	if err := tl.RenditionMP4(ctx, in, out); limitError(err) != nil {
		// Frames past the poster broke a limit the headers kept quiet
		// about. The take stays as it is, playable where the remux
		// plays; trying again would only fail again.
		slog.WarnContext(ctx, "video: no rendition", slog.Int64("media_id", m.ID), slog.Any("error", err))
		return queue.Permanent(err)
	} else if err != nil {
		return err
	}
	key := fmt.Sprintf("media/%d/video.mp4", m.ID)
	if err := s.store(ctx, key, out); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE media SET rendition_key = $1, updated_at = $2 WHERE id = $3`, key, s.now(), m.ID)
	return err
}

func (s *Service) taskRecording(ctx context.Context, t queue.Task) (Recording, error) {
	var p taskPayload
	if err := t.Decode(&p); err != nil {
		return Recording{}, queue.Permanent(err)
	}
	m, err := scanRecording(s.db.QueryRow(ctx, `SELECT `+recordingColumns+` FROM media WHERE id = $1`, p.RecordingID))
	if err != nil {
		return m, queue.Permanent(err)
	}
	return m, nil
}

// fail marks a recording failed with a message for whoever recorded it.
// A failed take does not count against the step's takes; if it was the
// step's answer, the newest take that is still good becomes the answer,
// so that a failed retake does not replace a good first take.
func (s *Service) fail(ctx context.Context, m Recording, msg string, cause error) error {
	slog.InfoContext(ctx, "video: recording failed", slog.Int64("media_id", m.ID), slog.String("reason", msg), slog.Any("error", cause))
	return s.db.Transact(ctx, func(tx *sqldb.DB) error {
		if m.ApplicationID != 0 {
			if _, err := tx.Exec(ctx, `UPDATE applications SET updated_at = updated_at WHERE id = $1`, m.ApplicationID); err != nil {
				return err
			}
		}
		res, err := tx.Exec(ctx, `UPDATE media SET status = 'failed', error = $1, updated_at = $2 WHERE id = $3 AND status = 'processing'`,
			msg, s.now(), m.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 || m.Purpose != Answer {
			return nil
		}
		var good int64
		err = tx.QueryRow(ctx, `SELECT id FROM media WHERE application_id = $1 AND step_id = $2 AND purpose = 'answer'
			AND status IN ('processing', 'ready') ORDER BY take DESC LIMIT 1`, m.ApplicationID, m.StepID).Scan(&good)
		if errors.Is(err, sqldb.ErrNotFound) {
			return nil // nothing better: the answer shows the failure
		}
		if err != nil {
			return err
		}
		return s.applications.ReplaceRecordingAnswer(ctx, tx, m.ApplicationID, m.StepID, m.ID, good)
	})
}

func (s *Service) fetch(ctx context.Context, key, path string) error {
	obj, err := s.blobs.Open(ctx, key)
	if err != nil {
		return err
	}
	defer obj.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, obj); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (s *Service) store(ctx context.Context, key, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = s.blobs.Put(ctx, key, f)
	return err
}

// clock formats d as m:ss.
func clock(d time.Duration) string {
	sec := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}
