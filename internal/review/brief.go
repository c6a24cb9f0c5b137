package review

import (
	"context"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sqldb"

	"github.com/anyhour/anyhour/internal/account"
)

// Brief is what a list of applications shows actor of one application's
// reviews: how many there are and, once actor has reviewed it (reviews are
// blind until one's own is in, as on the application's page), the average
// rating and how many reviewers recommend what.
type Brief struct {
	Count   int
	Mine    bool // actor has submitted a review; the rest is set only then
	Average float64
	Rated   bool // some review rated some step, so Average means something
	Recs    map[Recommendation]int
}

// RecCounts lists the recommendations given, best first, for a list's cell.
func (b Brief) RecCounts() []RecCount {
	var out []RecCount
	for i := len(Recommendations) - 1; i >= 0; i-- {
		if n := b.Recs[Recommendations[i]]; n > 0 {
			out = append(out, RecCount{Recommendations[i], n})
		}
	}
	return out
}

// RecCount is how many reviewers gave a recommendation.
type RecCount struct {
	Rec Recommendation
	N   int
}

// Briefs returns what actor may see of the reviews of each application
// in ids (one page of a list), by application id. Applications of other
// organisations are left out.
func (s *Service) Briefs(ctx context.Context, actor account.Member, ids []int64) (_ map[int64]Brief, err error) {
	defer apperr.Wrap(&err, "review.Briefs")
	out := map[int64]Brief{}
	if len(ids) == 0 || !actor.Can(account.ViewApplications) {
		return out, nil
	}
	in, args := sqldb.In([]any{actor.OrgID}, ids)
	rows, err := s.db.Query(ctx, `SELECT application_id, member_id, recommendation FROM reviews
		WHERE org_id = $1 AND application_id IN `+in, args...)
	if err != nil {
		return nil, err
	}
	recs := map[int64]map[Recommendation]int{}
	for rows.Next() {
		var app, member int64
		var rec Recommendation
		if err := rows.Scan(&app, &member, &rec); err != nil {
			rows.Close()
			return nil, err
		}
		b := out[app]
		b.Count++
		b.Mine = b.Mine || member == actor.ID
		out[app] = b
		if recs[app] == nil {
			recs[app] = map[Recommendation]int{}
		}
		recs[app][rec]++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Every rating counts: steps' overall ratings and criteria's alike.
	rows, err = s.db.Query(ctx, `SELECT x.application_id, AVG(CAST(x.rating AS DOUBLE PRECISION)) FROM (
			SELECT r.application_id, rr.rating FROM review_ratings rr JOIN reviews r ON r.id = rr.review_id
			WHERE r.org_id = $1 AND r.application_id IN `+in+`
			UNION ALL
			SELECT r.application_id, cr.rating FROM review_criterion_ratings cr JOIN reviews r ON r.id = cr.review_id
			JOIN criteria c ON c.id = cr.criterion_id
			WHERE r.org_id = $1 AND r.application_id IN `+in+` AND c.removed_at IS NULL
		) x GROUP BY x.application_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	avg := map[int64]float64{}
	for rows.Next() {
		var app int64
		var a float64
		if err := rows.Scan(&app, &a); err != nil {
			return nil, err
		}
		avg[app] = a
	}
	for app, b := range out {
		if !b.Mine {
			continue // blind until actor's own review is in
		}
		b.Recs = recs[app]
		b.Average, b.Rated = avg[app]
		out[app] = b
	}
	return out, rows.Err()
}
