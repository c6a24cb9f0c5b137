package video

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// UploadRequest is what a new upload says about itself: its tus metadata
// and declared length.
type UploadRequest struct {
	Purpose     Purpose // empty means Answer
	StepID      int64   // answers and prompts
	InterviewID int64   // intro and outro
	Filename    string
	Filetype    string
	Length      int64  // bytes, or -1 while the length is deferred (recording in progress)
	ClientKey   string // the recorder's name for the take, to find it again after a lost answer
}

// ExistingUpload is BeginUpload's error when the take the client asks
// to start exists already: the answer to its first request was lost. The
// client carries on with that upload.
type ExistingUpload struct{ Recording Recording }

func (e *ExistingUpload) Error() string {
	return "this take's upload exists already; continue it"
}

// Unwrap makes it a conflict for callers that do not know it.
func (e *ExistingUpload) Unwrap() error { return apperr.ErrConflict }

// UploadsPrefix is where tus keeps uploads in the blob store; an upload
// with id X is the object UploadsPrefix+X.
const UploadsPrefix = "uploads/"

// BeginUpload decides whether who may start upload id, and records it as
// a new recording in state uploading. A candidate uploads answers only:
// for a video step of their own application, while it is open, once they
// agreed to be recorded (application.ErrNoVideoConsent until then), within
// the step's takes. A team member with ManageJobs uploads prompt, intro
// and outro videos of their organisation's interviews.
func (s *Service) BeginUpload(ctx context.Context, who Viewer, req UploadRequest, id string) (_ Recording, err error) {
	defer apperr.Wrap(&err, "video.BeginUpload(%q)", id)
	if req.Purpose == "" {
		req.Purpose = Answer
	}
	if !req.Purpose.Valid() {
		return Recording{}, apperr.Invalid("purpose", "purpose must be answer, prompt, intro or outro")
	}
	m := Recording{Purpose: req.Purpose, UploadID: id, TusID: id, ClientKey: clip(req.ClientKey, 100), Status: Uploading,
		OriginalKey: UploadsPrefix + id, Filename: clip(req.Filename, 200), Filetype: clip(req.Filetype, 100), CreatedAt: s.now()}
	m.UpdatedAt = m.CreatedAt
	switch {
	case who.Application != nil:
		err = s.beginAnswer(ctx, *who.Application, req, &m)
	case who.Member != nil:
		err = s.beginTeamUpload(ctx, *who.Member, req, &m)
	default:
		err = apperr.New(apperr.ErrUnauthenticated, "sign in, or send the invitation token of the candidate's link")
	}
	if err != nil {
		return Recording{}, err
	}
	return m, nil
}

func (s *Service) beginAnswer(ctx context.Context, a application.Application, req UploadRequest, m *Recording) error {
	if req.Purpose != Answer {
		return apperr.Forbidden("candidates upload answers only")
	}
	if req.StepID == 0 {
		return apperr.Invalid("step_id", "Upload-Metadata must carry step_id, the step the recording answers")
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return err
	}
	step, ok := iv.Step(req.StepID)
	if !ok {
		return apperr.Forbidden("step %d is not a step of your interview", req.StepID)
	}
	if step.Kind != opening.KindVideo {
		return apperr.Invalid("step_id", "step %d takes a %s, not a recording", step.ID, strings.ToLower(step.Kind.Label()))
	}
	m.OrgID, m.InterviewID, m.StepID, m.ApplicationID = a.OrgID, a.InterviewID, step.ID, a.ID
	m.MaxSeconds, m.MaxSize = step.MaxSeconds, AnswerCap(step.MaxSeconds)
	if req.Length > m.MaxSize {
		return tooLarge(m.MaxSize)
	}
	return s.applications.Answering(ctx, a, func(tx *sqldb.DB, a application.Application) error {
		// Read under the application's lock: nothing is stored, not even
		// a row, for a candidate who has not agreed to be recorded.
		if a.VideoConsentAt == nil {
			return application.ErrNoVideoConsent
		}
		takes, err := s.takesIn(ctx, tx, a.ID, step.ID)
		if err != nil {
			return err
		}
		used := 0
		for _, t := range takes {
			if s.lost(ctx, t) {
				// Its upload cannot be read back: it neither counts nor
				// blocks (and a client retrying its create begins anew).
				if err := s.markLost(ctx, tx, t.UploadID, MsgLost); err != nil {
					return err
				}
				tx.AfterCommit(func() { s.removeUpload(ctx, t) })
				continue
			}
			if t.Counts() {
				used++
			}
			if t.Status == Uploading && m.ClientKey != "" && t.ClientKey == m.ClientKey {
				return &ExistingUpload{Recording: t}
			}
			if t.Status == Uploading {
				return apperr.Conflict("another recording for this question is still uploading, perhaps in another tab or on another device; finish or discard it first")
			}
		}
		if used >= step.Takes() {
			return apperr.Conflict("you have used all %s for this question", plural(step.Takes(), "take"))
		}
		// Failed takes do not count, but neither may they pile up: a
		// recorder that keeps sending what cannot be played is stopped.
		if len(takes) >= maxAttempts(step.Takes()) {
			return apperr.Conflict("too many recordings for this question could not be used; please write to the team")
		}
		m.Take = len(takes) + 1
		return s.insert(ctx, tx, m)
	})
}

func (s *Service) beginTeamUpload(ctx context.Context, actor account.Member, req UploadRequest, m *Recording) error {
	if !actor.Can(account.ManageJobs) {
		return apperr.Forbidden("your role cannot change interviews")
	}
	m.OrgID, m.MemberID, m.MaxSeconds, m.MaxSize, m.Take = actor.OrgID, actor.ID, teamMaxSeconds, teamUploadBytes, 1
	switch req.Purpose {
	case Answer:
		return apperr.Forbidden("answers are recorded by candidates; a team upload is a prompt, intro or outro video (Upload-Metadata purpose)")
	case Prompt:
		ivID, err := s.stepInterview(ctx, actor.OrgID, req.StepID)
		if err != nil {
			return err
		}
		m.InterviewID, m.StepID = ivID, req.StepID
	default:
		if _, err := s.openings.Interview(ctx, actor, req.InterviewID); err != nil {
			return err
		}
		m.InterviewID = req.InterviewID
	}
	if req.Length > m.MaxSize {
		return tooLarge(m.MaxSize)
	}
	return s.db.Transact(ctx, func(tx *sqldb.DB) error { return s.insert(ctx, tx, m) })
}

// stepInterview returns the interview of a video step of the organisation.
func (s *Service) stepInterview(ctx context.Context, orgID, stepID int64) (int64, error) {
	var ivID int64
	var kind opening.Kind
	err := s.db.QueryRow(ctx, `SELECT interview_id, kind FROM steps WHERE id = $1 AND org_id = $2 AND removed_at IS NULL`, stepID, orgID).Scan(&ivID, &kind)
	if err != nil {
		return 0, notFound(err, "step")
	}
	if kind != opening.KindVideo {
		return 0, apperr.Invalid("step_id", "only video steps have a prompt video")
	}
	return ivID, nil
}

func (s *Service) insert(ctx context.Context, tx *sqldb.DB, m *Recording) error {
	return tx.QueryRow(ctx, `INSERT INTO media (org_id, interview_id, purpose, step_id, application_id, member_id, take, upload_id, tus_id,
		client_key, status, filename, filetype, max_size, max_seconds, original_key, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id`,
		m.OrgID, m.InterviewID, m.Purpose, nullID(m.StepID), nullID(m.ApplicationID), nullID(m.MemberID), m.Take, m.UploadID, m.TusID,
		m.ClientKey, m.Status, m.Filename, m.Filetype, m.MaxSize, m.MaxSeconds, m.OriginalKey, m.CreatedAt).Scan(&m.ID)
}

// UploadFor returns the recording that upload id carries, if who may
// write to it or ask how far it got: the candidate whose answer it is, or
// the team member who started it. Anyone else is refused: upload ids are
// unguessable, so saying that one exists gives nothing away.
func (s *Service) UploadFor(ctx context.Context, who Viewer, id string) (_ Recording, err error) {
	defer apperr.Wrap(&err, "video.UploadFor(%q)", id)
	m, err := scanRecording(s.db.QueryRow(ctx, `SELECT `+recordingColumns+` FROM media WHERE upload_id = $1`, id))
	if err != nil {
		return m, apperr.NotFound("upload")
	}
	switch {
	case who.Application != nil && m.Purpose == Answer && m.ApplicationID == who.Application.ID:
		if m.Status == Uploading && s.now().After(resumeUntil(m, *who.Application)) {
			return Recording{}, apperr.Conflict("this recording was started too long ago to be finished now; please write to the team")
		}
		return m, nil
	case who.Member != nil && m.Purpose != Answer && m.OrgID == who.Member.OrgID && m.MemberID == who.Member.ID:
		return m, nil
	}
	return Recording{}, apperr.Forbidden("this upload belongs to someone else")
}

// resumeUntil is when a candidate's take may last be uploaded to: see
// ResumeWindow.
func resumeUntil(m Recording, a application.Application) time.Time {
	last := a.DeadlineAt.Add(application.AnswerGrace)
	if end := m.CreatedAt.Add(time.Duration(m.MaxSeconds)*time.Second + Tolerance(m.MaxSeconds)); end.After(last) {
		last = end
	}
	return last.Add(ResumeWindow)
}

// SetTusID records tusd's id for upload id, once tusd has made it.
func (s *Service) SetTusID(ctx context.Context, id, tusID string) (err error) {
	defer apperr.Wrap(&err, "video.SetTusID(%q)", id)
	_, err = s.db.Exec(ctx, `UPDATE media SET tus_id = $1 WHERE upload_id = $2`, tusID, id)
	return err
}

// FinishUpload records that upload id is complete with size bytes: the
// recording is processed in the background, and a take becomes its
// step's answer at once, so that nothing recorded waits on processing.
// It is idempotent: a second call for the same upload changes nothing.
func (s *Service) FinishUpload(ctx context.Context, id string, size int64) (_ Recording, err error) {
	defer apperr.Wrap(&err, "video.FinishUpload(%q)", id)
	// The upload handler keeps uploads under their cap; this is the last
	// line should anything get past it.
	res, err := s.db.Exec(ctx, `UPDATE media SET status = 'failed', error = $1, updated_at = $2
		WHERE upload_id = $3 AND status = 'uploading' AND $4 > max_size`, "This recording is larger than allowed. Please record it again.", s.now(), id, size)
	if err != nil {
		return Recording{}, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return Recording{}, apperr.New(apperr.ErrTooLarge, "the recording is larger than allowed")
	}
	var m Recording
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// The application first, then the recording and the answer: the
		// order every answer-changing transaction takes, so that two of
		// them cannot deadlock on PostgreSQL.
		if _, err := tx.Exec(ctx, `UPDATE applications SET updated_at = updated_at
			WHERE id = (SELECT application_id FROM media WHERE upload_id = $1)`, id); err != nil {
			return err
		}
		var err error
		m, err = scanRecording(tx.QueryRow(ctx, `UPDATE media SET status = 'processing', size = $1, updated_at = $2
			WHERE upload_id = $3 AND status = 'uploading' RETURNING `+recordingColumns, size, s.now(), id))
		if errors.Is(err, apperr.ErrNotFound) {
			m, err = scanRecording(tx.QueryRow(ctx, `SELECT `+recordingColumns+` FROM media WHERE upload_id = $1`, id))
			switch {
			case err != nil:
				return err
			case m.Status == Discarded:
				return ErrDiscarded
			}
			return nil // finished before
		}
		if err != nil {
			return err
		}
		if m.Purpose == Answer {
			// The take was begun while the application was open; it
			// counts even if the deadline passed while it uploaded.
			if err := s.applications.PutRecordingAnswer(ctx, tx, m.ApplicationID, m.StepID, m.ID); err != nil {
				return err
			}
		}
		return enqueueProcess(ctx, tx, m)
	})
	return m, err
}

// ErrDiscarded is FinishUpload's error for an upload that was discarded
// before its last bytes arrived.
var ErrDiscarded = apperr.New(apperr.ErrConflict, "this recording was discarded")

// DiscardUpload gives up an unfinished take, for a candidate whose
// recording was lost before it reached the server. The take still counts
// against the step's allowance.
func (s *Service) DiscardUpload(ctx context.Context, who Viewer, id string) (err error) {
	defer apperr.Wrap(&err, "video.DiscardUpload(%q)", id)
	m, err := s.UploadFor(ctx, who, id)
	if err != nil {
		return err
	}
	res, err := s.db.Exec(ctx, `UPDATE media SET status = 'discarded', updated_at = $1 WHERE id = $2 AND status = 'uploading'`, s.now(), m.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.Conflict("this recording has finished uploading and cannot be discarded")
	}
	return nil
}

// DiscardTake gives up a candidate's unfinished take by its id, for the
// step page's button; see DiscardUpload. What the store keeps of it is
// removed. A take whose upload was lost (the server could not keep it)
// is marked so instead, and does not count as a take.
func (s *Service) DiscardTake(ctx context.Context, a application.Application, recordingID int64) (err error) {
	defer apperr.Wrap(&err, "video.DiscardTake(%d)", recordingID)
	var uploadID string
	err = s.db.QueryRow(ctx, `SELECT upload_id FROM media WHERE id = $1 AND application_id = $2 AND purpose = 'answer'`, recordingID, a.ID).Scan(&uploadID)
	if err != nil {
		return notFound(err, "take")
	}
	m, err := s.UploadFor(ctx, CandidateViewer(a), uploadID)
	if err != nil {
		return err
	}
	if m.Lost() {
		return nil // given up already, when its page said it was lost
	}
	if s.lost(ctx, m) {
		s.removeUpload(ctx, m)
		return s.markLost(ctx, s.db, m.UploadID, MsgLost)
	}
	if err := s.DiscardUpload(ctx, CandidateViewer(a), uploadID); err != nil {
		return err
	}
	s.removeUpload(ctx, m)
	return nil
}

// CheckNothingUploading stops a submission while a take is uploading:
// submitting then would freeze the answers without it. A take whose
// upload was lost does not stop it: it is marked lost.
func (s *Service) CheckNothingUploading(ctx context.Context, tx *sqldb.DB, a application.Application) (err error) {
	defer apperr.Wrap(&err, "video.CheckNothingUploading")
	rows, err := tx.Query(ctx, `SELECT m.upload_id, m.tus_id, m.created_at, st.title FROM media m JOIN steps st ON st.id = m.step_id
		WHERE m.application_id = $1 AND m.status = 'uploading' ORDER BY st.position`, a.ID)
	if err != nil {
		return err
	}
	type take struct {
		m     Recording
		title string
	}
	var takes []take
	for rows.Next() {
		t := take{m: Recording{Status: Uploading}}
		if err := rows.Scan(&t.m.UploadID, &t.m.TusID, &t.m.CreatedAt, &t.title); err != nil {
			rows.Close()
			return err
		}
		takes = append(takes, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, t := range takes {
		if !s.lost(ctx, t.m) {
			return apperr.Conflict("your recording for %q is still uploading; wait until it says saved, then submit", t.title)
		}
		if err := s.markLost(ctx, tx, t.m.UploadID, MsgLost); err != nil {
			return err
		}
		tx.AfterCommit(func() { s.removeUpload(ctx, t.m) })
	}
	return nil
}

func tooLarge(max int64) error {
	return apperr.New(apperr.ErrTooLarge, "the recording is larger than the %d MB allowed for this question", max>>20)
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	if len(s) > n {
		s = strings.ToValidUTF8(s[:n], "")
	}
	return s
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// AddTake stores a recording made outside the browser's recorder, such
// as an imported file or the demo's, as a new take of the candidate's
// answer to stepID. It passes the same checks as an upload and is
// processed the same way.
func (s *Service) AddTake(ctx context.Context, a application.Application, stepID int64, r io.Reader, filename, filetype string) (_ Recording, err error) {
	defer apperr.Wrap(&err, "video.AddTake(%d)", stepID)
	b := make([]byte, 16)
	rand.Read(b)
	id := "take-" + hex.EncodeToString(b)
	m, err := s.BeginUpload(ctx, CandidateViewer(a), UploadRequest{StepID: stepID, Filename: filename, Filetype: filetype, Length: -1}, id)
	if err != nil {
		return m, err
	}
	size, err := s.blobs.Put(ctx, m.OriginalKey, io.LimitReader(r, m.MaxSize+1))
	if err == nil && size > m.MaxSize {
		err = tooLarge(m.MaxSize)
	}
	if err != nil {
		s.blobs.Delete(ctx, m.OriginalKey)
		s.db.Exec(ctx, `UPDATE media SET status = 'failed', error = $1, updated_at = $2 WHERE id = $3`, apperr.Message(err), s.now(), m.ID)
		return m, err
	}
	return s.FinishUpload(ctx, id, size)
}

// maxAttempts is how many recordings, failed ones included, a step with
// takes allows.
func maxAttempts(takes int) int { return 3*takes + 3 }
