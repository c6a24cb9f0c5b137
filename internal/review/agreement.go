package review

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/agreement"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/opening"
)

// Agreement is how far a job's reviewers agree, per criterion.
type Agreement struct {
	// Own: the report covers only the applications the reader reviewed
	// (a member who does not manage jobs).
	Own      bool
	Criteria []CriterionAgreement
	// Reviewers are each reviewer's mean offset from the others over
	// every rating they gave on answers others rated too, most generous
	// first.
	Reviewers []ReviewerOffset
}

// CriterionAgreement is Krippendorff's ordinal alpha of one criterion
// (by name, across the job's interviews; "Overall" for the steps that
// inform none, and the recommendation), over the answers (units) two or
// more reviewers rated.
type CriterionAgreement struct {
	Name    string
	Alpha   float64
	Defined bool // false: too few ratings, or all alike
	Units   int  // answers rated by two or more
	Ratings int  // the ratings on them
}

// ReviewerOffset is a reviewer's mean offset from the others, over every
// answer and over the calibration set's alone.
type ReviewerOffset struct {
	Name   string
	Offset float64 // in points of the 1–5 scale
	Units  int
	// Calibration is the offset over the calibration set's answers,
	// CalibrationUnits of them (none: not rated there yet).
	Calibration      float64
	CalibrationUnits int
}

// RecommendationRow names the recommendations' row of an Agreement, rated
// on its own scale (strong no … strong yes).
const RecommendationRow = "Overall recommendation"

// Agreement measures how far the reviewers of job jobID agree, over
// every submitted review of its applications.
func (s *Service) Agreement(ctx context.Context, actor account.Member, jobID int64) (_ Agreement, err error) {
	defer apperr.Wrap(&err, "review.Agreement(%d)", jobID)
	if _, err := s.openings.Job(ctx, actor, jobID); err != nil {
		return Agreement{}, err
	}
	// Members who manage jobs read the whole job; a reviewer reads the
	// applications they reviewed themselves, whose reviews they may read
	// already, so that the report never shows a rating before one's own.
	whole := actor.Can(account.ManageJobs)
	const scope = `($4 OR a.id IN (SELECT own.application_id FROM reviews own WHERE own.member_id = $3))`
	byName := map[string][]agreement.Rating{}
	var order []string
	add := func(name, unit string, rater int64, v int) {
		key := strings.ToLower(name)
		if _, ok := byName[key]; !ok {
			order = append(order, name)
		}
		byName[key] = append(byName[key], agreement.Rating{Unit: unit, Rater: rater, Value: v})
	}
	names := map[int64]string{}
	var all, calibrating []agreement.Rating // every 1–5 rating, and the calibration set's, for the offsets
	calibration := map[int64]bool{}
	crows, err := s.db.Query(ctx, `SELECT c.application_id FROM calibration_applications c JOIN applications a ON a.id = c.application_id
		WHERE a.job_id = $1 AND a.org_id = $2 AND `+scope, jobID, actor.OrgID, actor.ID, whole)
	if err != nil {
		return Agreement{}, err
	}
	for crows.Next() {
		var id int64
		if err := crows.Scan(&id); err != nil {
			crows.Close()
			return Agreement{}, err
		}
		calibration[id] = true
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return Agreement{}, err
	}
	keep := func(app int64, r agreement.Rating) {
		all = append(all, r)
		if calibration[app] {
			calibrating = append(calibrating, r)
		}
	}
	rows, err := s.db.Query(ctx, `SELECT r.application_id, r.member_id, m.name, r.recommendation
		FROM reviews r JOIN applications a ON a.id = r.application_id JOIN members m ON m.id = r.member_id
		WHERE a.job_id = $1 AND a.org_id = $2 AND `+scope+` ORDER BY r.id`, jobID, actor.OrgID, actor.ID, whole)
	if err != nil {
		return Agreement{}, err
	}
	var recs []agreement.Rating
	for rows.Next() {
		var app, member int64
		var name string
		var rec Recommendation
		if err := rows.Scan(&app, &member, &name, &rec); err != nil {
			rows.Close()
			return Agreement{}, err
		}
		names[member] = name
		recs = append(recs, agreement.Rating{Unit: fmt.Sprint(app), Rater: member, Value: slices.Index(Recommendations, rec) + 1})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Agreement{}, err
	}
	rows, err = s.db.Query(ctx, `SELECT r.application_id, r.member_id, rr.step_id, rr.rating
		FROM review_ratings rr JOIN reviews r ON r.id = rr.review_id JOIN applications a ON a.id = r.application_id
		WHERE a.job_id = $1 AND a.org_id = $2 AND `+scope+` ORDER BY r.id, rr.step_id`, jobID, actor.OrgID, actor.ID, whole)
	if err != nil {
		return Agreement{}, err
	}
	for rows.Next() {
		var app, member, step int64
		var v int
		if err := rows.Scan(&app, &member, &step, &v); err != nil {
			rows.Close()
			return Agreement{}, err
		}
		unit := fmt.Sprintf("%d/%d", app, step)
		add(opening.Overall, unit, member, v)
		keep(app, agreement.Rating{Unit: unit, Rater: member, Value: v})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Agreement{}, err
	}
	rows, err = s.db.Query(ctx, `SELECT r.application_id, r.member_id, cr.step_id, c.name, cr.rating
		FROM review_criterion_ratings cr JOIN reviews r ON r.id = cr.review_id JOIN criteria c ON c.id = cr.criterion_id
		JOIN applications a ON a.id = r.application_id
		WHERE a.job_id = $1 AND a.org_id = $2 AND c.removed_at IS NULL
			AND EXISTS (SELECT 1 FROM step_criteria sc WHERE sc.step_id = cr.step_id AND sc.criterion_id = cr.criterion_id)
			AND `+scope+` ORDER BY c.position, c.id, r.id`, jobID, actor.OrgID, actor.ID, whole)
	if err != nil {
		return Agreement{}, err
	}
	for rows.Next() {
		var app, member, step int64
		var name string
		var v int
		if err := rows.Scan(&app, &member, &step, &name, &v); err != nil {
			rows.Close()
			return Agreement{}, err
		}
		unit := fmt.Sprintf("%d/%d/%s", app, step, strings.ToLower(name))
		add(name, unit, member, v)
		keep(app, agreement.Rating{Unit: unit, Rater: member, Value: v})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Agreement{}, err
	}
	out := Agreement{Own: !whole}
	row := func(name string, rs []agreement.Rating) CriterionAgreement {
		units := agreement.Units(rs)
		c := CriterionAgreement{Name: name}
		for _, u := range units {
			if len(u) >= 2 {
				c.Units++
			}
		}
		c.Alpha, c.Ratings, c.Defined = agreement.Alpha(units)
		return c
	}
	// The scorecard's criteria first, then Overall, then the recommendation.
	sort.SliceStable(order, func(i, j int) bool { return order[j] == opening.Overall && order[i] != opening.Overall })
	for _, name := range order {
		out.Criteria = append(out.Criteria, row(name, byName[strings.ToLower(name)]))
	}
	out.Criteria = append(out.Criteria, row(RecommendationRow, recs))
	cal := agreement.Offsets(calibrating)
	for member, o := range agreement.Offsets(all) {
		out.Reviewers = append(out.Reviewers, ReviewerOffset{Name: names[member], Offset: o.Mean, Units: o.Units,
			Calibration: cal[member].Mean, CalibrationUnits: cal[member].Units})
	}
	sort.Slice(out.Reviewers, func(i, j int) bool {
		if out.Reviewers[i].Offset != out.Reviewers[j].Offset {
			return out.Reviewers[i].Offset > out.Reviewers[j].Offset
		}
		return out.Reviewers[i].Name < out.Reviewers[j].Name
	})
	return out, nil
}
