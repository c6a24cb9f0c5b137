// Package activity keeps what the code editor records while a candidate
// writes a coding task's answer, as the step tells them before they
// start: pastes (when, how long, the first line), leaving and coming back
// to the page, the time spent typing, and every change to the code as
// timed change sets, from which reviewers replay how the answer was
// written. Nothing it records blocks the candidate; the team reads it
// once the application is submitted, and the candidate reads the same
// list on the step after submitting.
//
// The editor sends frames (record.go) with its autosave, in sessions, one
// per opening of the page; each session starts from the code the page
// opened with. Appending never replays the record, and a replay has a
// budget (ErrTooComplex), so no record can cost the server more than a
// real one does.
package activity

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Limits.
const (
	// MaxChunk is the largest body the editor may send at once.
	MaxChunk = 256 << 10
	// MaxRecord is the most an answer's record may hold, bases included:
	// thirty minutes of typing take about a hundred kilobytes.
	MaxRecord = 4 << 20
	// MaxFrames is the most frames a chunk may hold.
	MaxFrames = 20_000
	// MaxEvents is the most events kept apart per answer for the
	// timeline; later ones stay in the record.
	MaxEvents = 2_000
	// MaxSessions is the most times the editor's record of an answer
	// starts again (a page opened), and sessionCost what each costs of
	// MaxRecord beside its base.
	MaxSessions = 500
	sessionCost = 256
	// typingGap: changes closer than this count as typing time.
	typingGap = 5 * time.Second
)

// Service keeps the records.
type Service struct {
	db           *sqldb.DB
	openings     *opening.Service
	applications *application.Service
}

// New returns the Service.
func New(db *sqldb.DB, openings *opening.Service, applications *application.Service) *Service {
	return &Service{db: db, openings: openings, applications: applications}
}

// Chunk is what the editor sends: frames of one session from Seq on.
type Chunk struct {
	Session string `json:"session"`
	Seq     int    `json:"seq"`
	// Started is when the session began, by the editor's clock, in
	// milliseconds since 1970; it is kept within the last two days.
	Started int64 `json:"started"`
	// Base is the code the session started from, sent with its first
	// frames (Seq 0).
	Base   *string           `json:"base"`
	Frames []json.RawMessage `json:"frames"`
}

var sessionName = regexp.MustCompile(`^[A-Za-z0-9_-]{8,64}$`)

// Append adds the chunk to application a's record of stepID, and returns
// how many of the session's frames the server holds. A chunk sent again
// (its answer lost on the way) adds only what is new; one that skips
// frames is refused with the number to send from. Records are taken
// while the application is open for answers, and only for coding steps.
func (s *Service) Append(ctx context.Context, a application.Application, stepID int64, c Chunk) (next int, err error) {
	defer apperr.Wrap(&err, "activity.Append(%d, %d)", a.ID, stepID)
	frames, err := check(c)
	if err != nil {
		return 0, err
	}
	iv, err := s.openings.InterviewInOrg(ctx, a.OrgID, a.InterviewID)
	if err != nil {
		return 0, err
	}
	if st, ok := iv.Step(stepID); !ok || st.Kind != opening.KindCode {
		return 0, apperr.NotFound("coding step")
	}
	err = s.applications.Answering(ctx, a, func(tx *sqldb.DB, a application.Application) error {
		var err error
		next, err = s.append(ctx, tx, a, stepID, c, frames)
		return err
	})
	return next, err
}

// check reads a chunk's frames, or says what is wrong with it.
func check(c Chunk) ([]Frame, error) {
	if !sessionName.MatchString(c.Session) {
		return nil, apperr.Invalid("session", "the session is 8 to 64 letters, digits, - or _")
	}
	if c.Seq < 0 {
		return nil, apperr.Invalid("seq", "the first frame's number cannot be negative")
	}
	if len(c.Frames) > MaxFrames {
		return nil, apperr.New(apperr.ErrTooLarge, "send at most %d frames at once", MaxFrames)
	}
	if c.Base != nil && len(*c.Base) > application.MaxCode {
		return nil, apperr.New(apperr.ErrTooLarge, "the code a session starts from is longer than %d KB", application.MaxCode/1000)
	}
	frames := make([]Frame, len(c.Frames))
	for i, raw := range c.Frames {
		f, err := ParseFrame(raw)
		if err != nil {
			return nil, apperr.Invalid("frames", "frame %d: %v", c.Seq+i, err)
		}
		frames[i] = f
	}
	return frames, nil
}

type sessionRow struct {
	id                int64
	startedAt         time.Time
	frames            int
	elapsedMS, typing int64
}

func (s *Service) append(ctx context.Context, tx *sqldb.DB, a application.Application, stepID int64, c Chunk, frames []Frame) (int, error) {
	now := s.applications.Now()
	var row sessionRow
	err := tx.QueryRow(ctx, `SELECT id, started_at, frames, elapsed_ms, typing_ms FROM activity_sessions
		WHERE application_id = $1 AND step_id = $2 AND session = $3`, a.ID, stepID, c.Session).
		Scan(&row.id, &row.startedAt, &row.frames, &row.elapsedMS, &row.typing)
	if err == sql.ErrNoRows {
		if c.Seq != 0 || c.Base == nil {
			return 0, apperr.Conflict("the start of this session never arrived; reload the page to start a new one")
		}
		row, err = s.startSession(ctx, tx, a, stepID, c, now)
	}
	if err != nil {
		return 0, err
	}
	skip := row.frames - c.Seq
	if skip < 0 {
		return row.frames, &apperr.Error{Kind: apperr.ErrConflict,
			Message: "frames are missing before these; send them from number " + strconv.Itoa(row.frames)}
	}
	if skip >= len(frames) {
		return row.frames, nil
	}
	raws, frames := c.Frames[skip:], frames[skip:]
	size := 0
	for _, r := range raws {
		size += len(r) + 1
	}
	var used int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(bytes), 0) FROM activity_sessions WHERE application_id = $1 AND step_id = $2`,
		a.ID, stepID).Scan(&used); err != nil {
		return 0, err
	}
	if used+int64(size) > MaxRecord {
		return row.frames, apperr.New(apperr.ErrTooLarge,
			"the record of how this answer was written is full (%d MB); your code is still saved, and nothing else changes", MaxRecord>>20)
	}
	var events int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM activity_events WHERE application_id = $1 AND step_id = $2`,
		a.ID, stepID).Scan(&events); err != nil {
		return 0, err
	}
	elapsed, typing := row.elapsedMS, row.typing
	afterPaste := false
	for _, f := range frames {
		elapsed += f.DT
		if f.Event == "" {
			if !afterPaste && time.Duration(f.DT)*time.Millisecond < typingGap {
				typing += f.DT
			}
			afterPaste = false
			continue
		}
		afterPaste = f.Event == Paste || f.Event == Drop
		if events >= MaxEvents {
			continue
		}
		events++
		if _, err := tx.Exec(ctx, `INSERT INTO activity_events (session_id, application_id, step_id, kind, offset_ms, at, length, detail)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, row.id, a.ID, stepID, f.Event, elapsed,
			row.startedAt.Add(time.Duration(elapsed)*time.Millisecond), f.Length, f.Detail); err != nil {
			return 0, err
		}
	}
	body := "[" + string(joinRaw(raws)) + "]"
	if _, err := tx.Exec(ctx, `INSERT INTO activity_chunks (session_id, seq, frames) VALUES ($1, $2, $3)`,
		row.id, row.frames, body); err != nil {
		return 0, err
	}
	row.frames += len(frames)
	if _, err := tx.Exec(ctx, `UPDATE activity_sessions SET frames = $1, bytes = bytes + $2, elapsed_ms = $3, typing_ms = $4 WHERE id = $5`,
		row.frames, size, elapsed, typing, row.id); err != nil {
		return 0, err
	}
	return row.frames, nil
}

// startSession begins a session with its base. Each session costs
// sessionCost bytes of the record beside its base, and an answer holds at
// most MaxSessions: opening the editor again and again cannot grow the
// record without end.
func (s *Service) startSession(ctx context.Context, tx *sqldb.DB, a application.Application, stepID int64, c Chunk, now time.Time) (sessionRow, error) {
	row := sessionRow{startedAt: now}
	if c.Started > 0 {
		if t := time.UnixMilli(c.Started).UTC(); t.Before(now) && t.After(now.Add(-48*time.Hour)) {
			row.startedAt = t
		}
	}
	var sessions int
	var used int64
	if err := tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM activity_sessions WHERE application_id = $1 AND step_id = $2`,
		a.ID, stepID).Scan(&sessions, &used); err != nil {
		return row, err
	}
	base := sql.NullString{String: *c.Base, Valid: true}
	size := len(*c.Base) + sessionCost
	if sessions >= MaxSessions || used+int64(size) > MaxRecord {
		return row, apperr.New(apperr.ErrTooLarge,
			"the record of how this answer was written is full; your code is still saved, and nothing else changes")
	}
	err := tx.WriteRow(ctx, `INSERT INTO activity_sessions (org_id, application_id, step_id, session, started_at, base, bytes)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, a.OrgID, a.ID, stepID, c.Session, row.startedAt, base, size).Scan(&row.id)
	return row, err
}

func joinRaw(raws []json.RawMessage) []byte {
	var b strings.Builder
	for i, r := range raws {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(r)
	}
	return []byte(b.String())
}
