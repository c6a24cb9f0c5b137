package activity

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Record is an answer's whole record, to replay.
type Record struct {
	Sessions []Session
	Bytes    int64 // stored, bases included
}

// Session is one opening of the editor.
type Session struct {
	StartedAt time.Time
	// Base is the code the session started from; Continues says it is
	// where the sessions before it ended (and Base is empty).
	Base      string
	Continues bool
	Frames    []json.RawMessage
	ElapsedMS int64
}

// Replay plays the record and returns the code it ends with.
func (r Record) Replay() (string, error) {
	var doc *Doc
	var moved int64 // the budget runs across sessions
	for i, s := range r.Sessions {
		if !s.Continues || doc == nil {
			if doc != nil {
				moved += doc.moved
			}
			doc = NewDoc(s.Base)
			doc.moved = moved
		}
		for j, raw := range s.Frames {
			f, err := ParseFrame(raw)
			if err == nil {
				err = doc.Apply(f)
			}
			if err != nil {
				return "", fmt.Errorf("session %d, frame %d: %w", i+1, j, err)
			}
		}
	}
	if doc == nil {
		return "", nil
	}
	return doc.String(), nil
}

// Check says whether replaying the record gives saved, the answer's
// code, and if not, why not, in words for reviewers.
func (r Record) Check(saved string) (bool, string) {
	if len(r.Sessions) == 0 {
		return false, "Nothing was recorded: the code was not written in anyhour's editor (for instance through the API, or with JavaScript off)."
	}
	end, err := r.Replay()
	if err != nil {
		return false, "The record is damaged (" + err.Error() + "); what replays before that point is as recorded."
	}
	if end != saved {
		return false, "The replay does not end with the saved code: some changes never reached the server (for instance the page was closed while offline), or the code was also saved another way."
	}
	return true, ""
}

// Record reads application appID's record of stepID. The caller has
// checked that the reader may see it.
func (s *Service) Record(ctx context.Context, appID, stepID int64) (_ Record, err error) {
	defer apperr.Wrap(&err, "activity.Record(%d, %d)", appID, stepID)
	return readRecord(ctx, s.db, appID, stepID)
}

func readRecord(ctx context.Context, db *sqldb.DB, appID, stepID int64) (Record, error) {
	var rec Record
	rows, err := db.Query(ctx, `SELECT s.id, s.started_at, s.base, s.bytes, s.elapsed_ms, c.frames
		FROM activity_sessions s LEFT JOIN activity_chunks c ON c.session_id = s.id
		WHERE s.application_id = $1 AND s.step_id = $2 ORDER BY s.id, c.seq`, appID, stepID)
	if err != nil {
		return rec, err
	}
	defer rows.Close()
	last := int64(0)
	for rows.Next() {
		var id, bytes, elapsed int64
		var started time.Time
		var base, frames sql.NullString
		if err := rows.Scan(&id, &started, &base, &bytes, &elapsed, &frames); err != nil {
			return rec, err
		}
		if id != last {
			last = id
			rec.Bytes += bytes
			rec.Sessions = append(rec.Sessions, Session{StartedAt: started, Base: base.String, Continues: !base.Valid, ElapsedMS: elapsed})
		}
		if frames.Valid {
			var fs []json.RawMessage
			if err := json.Unmarshal([]byte(frames.String), &fs); err != nil {
				return rec, fmt.Errorf("stored frames: %w", err)
			}
			cur := &rec.Sessions[len(rec.Sessions)-1]
			cur.Frames = append(cur.Frames, fs...)
		}
	}
	return rec, rows.Err()
}

// Event is something the editor saw, for the timeline.
type Event struct {
	Kind string // Paste, Drop, Leave, Return, Language, Open
	At   time.Time
	// Offset is At from the first session's start.
	Offset time.Duration
	// Length is a paste's characters; Detail its first line that is not
	// blank, or a language switch's language.
	Length int
	Detail string
}

// Summary is an answer's activity at a glance, for the timeline.
type Summary struct {
	ApplicationID int64
	Start         time.Time // when the editor was first opened
	Events        []Event   // in order, at most MaxEvents
	Sessions      int
	Typing        time.Duration
	Bytes         int64
	// Pastes counts pastes and drops, Pasted their characters; Leaves the
	// times the page was left.
	Pastes, Pasted, Leaves int
}

// ForTeam returns an application's activity by step, as its team may
// read it: none until the candidate submits (application.Application.Shared).
// The caller has checked that the member may read the application.
func (s *Service) ForTeam(ctx context.Context, a application.Application) (map[int64]Summary, error) {
	if !a.Shared() {
		return map[int64]Summary{}, nil
	}
	return s.ForApplication(ctx, a.ID)
}

// ForApplication returns an application's activity by step, for its
// candidate (who reads it after submitting) or through ForTeam.
func (s *Service) ForApplication(ctx context.Context, appID int64) (_ map[int64]Summary, err error) {
	defer apperr.Wrap(&err, "activity.ForApplication(%d)", appID)
	out := map[int64]Summary{}
	opens := map[int64][]Event{}
	rows, err := s.db.Query(ctx, `SELECT step_id, started_at, typing_ms, bytes
		FROM activity_sessions WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var step, typing, bytes int64
		var started time.Time
		if err := rows.Scan(&step, &started, &typing, &bytes); err != nil {
			return nil, err
		}
		sum := out[step]
		sum.ApplicationID = appID
		if sum.Sessions == 0 || started.Before(sum.Start) {
			sum.Start = started
		}
		if sum.Sessions > 0 {
			opens[step] = append(opens[step], Event{Kind: Open, At: started})
		}
		sum.Sessions++
		sum.Typing += time.Duration(typing) * time.Millisecond
		sum.Bytes += bytes
		out[step] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	evs, err := s.db.Query(ctx, `SELECT step_id, kind, at, length, detail FROM activity_events
		WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer evs.Close()
	for evs.Next() {
		var step int64
		var e Event
		if err := evs.Scan(&step, &e.Kind, &e.At, &e.Length, &e.Detail); err != nil {
			return nil, err
		}
		sum := out[step]
		e.Offset = max(0, e.At.Sub(sum.Start))
		sum.Events = append(sum.Events, e)
		switch e.Kind {
		case Paste, Drop:
			sum.Pastes++
			sum.Pasted += e.Length
		case Leave:
			sum.Leaves++
		}
		out[step] = sum
	}
	if err := evs.Err(); err != nil {
		return nil, err
	}
	for step, os := range opens {
		sum := out[step]
		for _, o := range os {
			o.Offset = max(0, o.At.Sub(sum.Start))
			sum.Events = append(sum.Events, o)
		}
		sort.SliceStable(sum.Events, func(i, j int) bool { return sum.Events[i].Offset < sum.Events[j].Offset })
		out[step] = sum
	}
	return out, nil
}

// Head is the first n events, for a page that shows no more.
func (s Summary) Head(n int) []Event {
	if len(s.Events) > n {
		return s.Events[:n]
	}
	return s.Events
}

// More is how many events Head(n) leaves out.
func (s Summary) More(n int) int { return max(0, len(s.Events)-n) }

// Playback is a record as the player and the API serve it: its sessions'
// frames as the editor sent them, and whether replaying them gives the
// saved code.
type Playback struct {
	Complete bool              `json:"complete"`
	Problem  string            `json:"problem,omitempty"`
	Language string            `json:"language"`
	Code     string            `json:"code"` // the saved answer's
	Sessions []PlaybackSession `json:"sessions"`
}

// PlaybackSession is a session of a Playback.
type PlaybackSession struct {
	StartedAt time.Time         `json:"started_at"`
	Continues bool              `json:"continues"`
	Base      string            `json:"base"`
	Frames    []json.RawMessage `json:"frames"`
}

// Playback reads application appID's record of stepID with its saved
// code and language, checked against each other. The caller has checked
// that the reader may see it.
func (s *Service) Playback(ctx context.Context, appID, stepID int64, language, code string) (_ Playback, err error) {
	defer apperr.Wrap(&err, "activity.Playback(%d, %d)", appID, stepID)
	rec, err := readRecord(ctx, s.db, appID, stepID)
	if err != nil {
		return Playback{}, err
	}
	p := Playback{Language: language, Code: code, Sessions: []PlaybackSession{}}
	p.Complete, p.Problem = rec.Check(code)
	for _, ses := range rec.Sessions {
		frames := ses.Frames
		if frames == nil {
			frames = []json.RawMessage{}
		}
		p.Sessions = append(p.Sessions, PlaybackSession{StartedAt: ses.StartedAt.UTC(), Continues: ses.Continues, Base: ses.Base, Frames: frames})
	}
	return p, nil
}
