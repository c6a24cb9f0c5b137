package video

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Span is a stretch of a recording, in seconds from its start.
type Span struct{ Start, End float64 }

// maxSpans bounds what one report and one stored view may hold; merged
// spans of real viewing stay far below it.
const maxSpans = 500

// Watched records that a team member watched spans of recording recordingID.
// Reports from the player add up: the stored view is the union of every
// span reported, so coverage never double-counts a replayed minute.
func (s *Service) Watched(ctx context.Context, actor account.Member, recordingID int64, spans []Span) (_ float64, err error) {
	defer apperr.Wrap(&err, "video.Watched(%d)", recordingID)
	m, err := s.Get(ctx, MemberViewer(actor), recordingID)
	if err != nil {
		return 0, err
	}
	if len(spans) > maxSpans {
		return 0, apperr.Invalid("spans", "send at most %d spans at a time", maxSpans)
	}
	end := math.Inf(1)
	if m.Duration != nil {
		end = *m.Duration
	}
	for _, sp := range spans {
		if math.IsNaN(sp.Start) || math.IsNaN(sp.End) || sp.Start < 0 || sp.End < sp.Start || math.IsInf(sp.End, 0) {
			return 0, apperr.Invalid("spans", "each span needs 0 <= start <= end")
		}
	}
	var covered float64
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		now := s.now()
		if _, err := tx.Exec(ctx, `INSERT INTO media_views (media_id, member_id, updated_at) VALUES ($1, $2, $3)
			ON CONFLICT (media_id, member_id) DO NOTHING`, m.ID, actor.ID, now); err != nil {
			return err
		}
		var raw string
		if err := tx.QueryRow(ctx, `UPDATE media_views SET updated_at = $1 WHERE media_id = $2 AND member_id = $3 RETURNING ranges`,
			now, m.ID, actor.ID).Scan(&raw); err != nil {
			return err
		}
		var stored []Span
		if err := json.Unmarshal([]byte(raw), &stored); err != nil {
			stored = nil // a damaged view restarts rather than blocking the reviewer
		}
		merged := mergeSpans(append(stored, spans...), end)
		if len(merged) > maxSpans {
			merged = merged[:maxSpans]
		}
		covered = total(merged)
		b, err := json.Marshal(merged)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE media_views SET ranges = $1, watched_seconds = $2 WHERE media_id = $3 AND member_id = $4`,
			string(b), covered, m.ID, actor.ID)
		return err
	})
	return covered, err
}

// MarshalJSON writes a span as [start, end].
func (sp Span) MarshalJSON() ([]byte, error) { return json.Marshal([2]float64{sp.Start, sp.End}) }

// UnmarshalJSON reads a span written as [start, end].
func (sp *Span) UnmarshalJSON(b []byte) error {
	var a []float64
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	if len(a) != 2 {
		return errors.New("a span is [start, end]")
	}
	sp.Start, sp.End = a[0], a[1]
	return nil
}

// mergeSpans clamps spans to [0, end] and merges those that overlap or
// touch (within a quarter second, the player's reporting granularity).
func mergeSpans(spans []Span, end float64) []Span {
	var in []Span
	for _, sp := range spans {
		sp.End = math.Min(sp.End, end)
		if sp.End > sp.Start {
			in = append(in, sp)
		}
	}
	slices.SortFunc(in, func(a, b Span) int {
		switch {
		case a.Start < b.Start:
			return -1
		case a.Start > b.Start:
			return 1
		}
		return 0
	})
	var out []Span
	for _, sp := range in {
		if n := len(out); n > 0 && sp.Start <= out[n-1].End+0.25 {
			out[n-1].End = math.Max(out[n-1].End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

func total(spans []Span) float64 {
	t := 0.0
	for _, sp := range spans {
		t += sp.End - sp.Start
	}
	return t
}

// Coverage is how much of a recording one team member watched.
type Coverage struct {
	MemberID int64
	Name     string
	Seconds  float64
	Fraction float64 // of the recording's duration, 0 to 1
	Spans    []Span
}

// ApplicationCoverage returns, for each take of an application that
// someone watched, who watched how much. The caller has checked that
// the viewer may read the application.
func (s *Service) ApplicationCoverage(ctx context.Context, orgID, appID int64) (_ map[int64][]Coverage, err error) {
	defer apperr.Wrap(&err, "video.ApplicationCoverage(%d)", appID)
	rows, err := s.db.Query(ctx, `SELECT v.media_id, v.member_id, mb.name, v.watched_seconds, v.ranges, md.duration_seconds
		FROM media_views v JOIN media md ON md.id = v.media_id JOIN members mb ON mb.id = v.member_id
		WHERE md.org_id = $1 AND md.application_id = $2 ORDER BY v.media_id, mb.name, v.member_id`, orgID, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Coverage{}
	for rows.Next() {
		var c Coverage
		var recordingID int64
		var raw string
		var dur *float64
		if err := rows.Scan(&recordingID, &c.MemberID, &c.Name, &c.Seconds, &raw, &dur); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(raw), &c.Spans)
		if dur != nil && *dur > 0 {
			c.Fraction = math.Min(c.Seconds / *dur, 1)
		}
		out[recordingID] = append(out[recordingID], c)
	}
	return out, rows.Err()
}
