package video

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
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
	return s.addSpans(ctx, m, spans, viewer{table: "media_views", column: "member_id", id: actor.ID})
}

// GuestWatched records that the guest of share link linkID watched spans
// of recording recordingID, a take of application a that the link
// shares (the caller has checked), in the guest's name.
func (s *Service) GuestWatched(ctx context.Context, linkID int64, guest string, a application.Application, recordingID int64, spans []Span) (_ float64, err error) {
	defer apperr.Wrap(&err, "video.GuestWatched(%d)", recordingID)
	m, err := s.Get(ctx, CandidateViewer(a), recordingID)
	if err != nil {
		return 0, err
	}
	return s.addSpans(ctx, m, spans, viewer{table: "media_guest_views", column: "link_id", id: linkID, guest: guest})
}

// viewer says where a viewer's spans are kept: a member's in
// media_views, a guest's in media_guest_views.
type viewer struct {
	table, column string
	id            int64
	guest         string // a guest's name
}

// addSpans adds spans to a viewer's stored view of m: the union of every
// span reported, so coverage never double-counts a replayed minute.
func (s *Service) addSpans(ctx context.Context, m Recording, spans []Span, v viewer) (float64, error) {
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
	err := s.db.Transact(ctx, func(tx *sqldb.DB) error {
		now := s.now()
		var err error
		if v.guest != "" {
			_, err = tx.Exec(ctx, `INSERT INTO media_guest_views (media_id, link_id, guest_name, updated_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (media_id, link_id) DO NOTHING`, m.ID, v.id, v.guest, now)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO media_views (media_id, member_id, updated_at) VALUES ($1, $2, $3)
				ON CONFLICT (media_id, member_id) DO NOTHING`, m.ID, v.id, now)
		}
		if err != nil {
			return err
		}
		var raw string
		if err := tx.QueryRow(ctx, `UPDATE `+v.table+` SET updated_at = $1 WHERE media_id = $2 AND `+v.column+` = $3 RETURNING ranges`,
			now, m.ID, v.id).Scan(&raw); err != nil {
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
		_, err = tx.Exec(ctx, `UPDATE `+v.table+` SET ranges = $1, watched_seconds = $2 WHERE media_id = $3 AND `+v.column+` = $4`,
			string(b), covered, m.ID, v.id)
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
	MemberID int64 // 0 for a guest through a share link
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
		WHERE md.org_id = $1 AND md.application_id = $2
		UNION ALL
		SELECT g.media_id, 0, g.guest_name || ' (guest)', g.watched_seconds, g.ranges, md.duration_seconds
		FROM media_guest_views g JOIN media md ON md.id = g.media_id
		WHERE md.org_id = $1 AND md.application_id = $2
		ORDER BY 1, 3, 2`, orgID, appID)
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
