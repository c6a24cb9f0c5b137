// Package review owns reviewers' judgements of applications: a rating of
// 1 to 5 per step ("Overall"), or per criterion of the interview's
// scorecard for the steps that inform criteria, an overall
// recommendation and a note. A reviewer sees
// other reviewers' judgements only after submitting their own, so that
// nobody anchors on the first opinion.
package review

import (
	"context"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Recommendation is a reviewer's overall verdict.
type Recommendation string

// Recommendations, from worst to best.
const (
	StrongNo  Recommendation = "strong_no"
	No        Recommendation = "no"
	Yes       Recommendation = "yes"
	StrongYes Recommendation = "strong_yes"
)

// Recommendations lists every recommendation, worst first.
var Recommendations = []Recommendation{StrongNo, No, Yes, StrongYes}

// Label is the recommendation for people.
func (r Recommendation) Label() string {
	switch r {
	case StrongNo:
		return "Strong no"
	case No:
		return "No"
	case Yes:
		return "Yes"
	case StrongYes:
		return "Strong yes"
	}
	return string(r)
}

// Valid reports whether r is a known recommendation.
func (r Recommendation) Valid() bool {
	for _, x := range Recommendations {
		if r == x {
			return true
		}
	}
	return false
}

// Review is one reviewer's judgement of an application.
type Review struct {
	ID             int64
	ApplicationID  int64
	Reviewer       account.Member
	Ratings        map[int64]int // step id → 1..5, "Overall"
	Criteria       Criteria      // the steps that inform criteria
	Recommendation Recommendation
	Note           string
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Input is a review as submitted.
type Input struct {
	Ratings        map[int64]int
	Criteria       Criteria
	Recommendation Recommendation
	Note           string
}

// Summary is what a reviewer may see of an application's reviews.
type Summary struct {
	Mine   *Review
	Draft  *Draft   // the reviewer's own scorecard not yet submitted, if any
	Others []Review // empty until Mine is submitted
	Count  int      // how many reviews exist, which everyone may know
	// Averages per step and overall, over every review; only set once Mine is.
	StepAverage map[int64]float64
	Average     float64
	// CriterionAverage is each criterion's average over every review and
	// every step that informs it; only set once Mine is.
	CriterionAverage map[int64]float64
}

// Criteria are ratings of a scorecard's criteria: step id → criterion id
// → 1..5.
type Criteria map[int64]map[int64]int

// Service runs review operations.
type Service struct {
	db           *sqldb.DB
	accounts     *account.Service
	applications *application.Service
	openings     *opening.Service
	now          func() time.Time
	hooks        []Hook
}

// Hook is work another package does when a review is submitted, in the
// same transaction: package webhook queues its deliveries there.
type Hook func(ctx context.Context, tx *sqldb.DB, a application.Application, r Review) error

// OnSubmit adds a hook to Submit. Call it while wiring services.
func (s *Service) OnSubmit(h Hook) { s.hooks = append(s.hooks, h) }

// New returns a Service using db.
func New(db *sqldb.DB, accounts *account.Service, openings *opening.Service, applications *application.Service) *Service {
	return &Service{db: db, accounts: accounts, openings: openings, applications: applications, now: time.Now}
}

// MaxNote is the longest note accepted, in characters.
const MaxNote = 20_000

// Submit records actor's review of an application, replacing their
// earlier one. The application must have been submitted by the candidate.
func (s *Service) Submit(ctx context.Context, actor account.Member, appID int64, in Input) (_ Review, err error) {
	defer apperr.Wrap(&err, "review.Submit(%d)", appID)
	app, steps, err := s.reviewable(ctx, actor, appID)
	if err != nil {
		return Review{}, err
	}
	if err := checkInput(in, steps); err != nil {
		return Review{}, err
	}
	r := Review{ApplicationID: app.ID, Reviewer: actor, Ratings: in.Ratings, Criteria: in.Criteria, Recommendation: in.Recommendation,
		Note: strings.TrimSpace(in.Note), UpdatedAt: s.now()}
	err = s.db.Transact(ctx, func(tx *sqldb.DB) error {
		// Lock the application first, so that the review count written at
		// the end sees every concurrent reviewer's row.
		if _, err := tx.Exec(ctx, `UPDATE applications SET review_count = review_count WHERE id = $1`, app.ID); err != nil {
			return err
		}
		var created time.Time
		err := tx.QueryRow(ctx, `INSERT INTO reviews (org_id, application_id, member_id, recommendation, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)
			ON CONFLICT (application_id, member_id) DO UPDATE SET recommendation = excluded.recommendation,
				note = excluded.note, updated_at = excluded.updated_at
			RETURNING id, created_at`, actor.OrgID, app.ID, actor.ID, r.Recommendation, r.Note, r.UpdatedAt).Scan(&r.ID, &created)
		if err != nil {
			return err
		}
		r.CreatedAt = created
		if _, err := tx.Exec(ctx, `DELETE FROM review_ratings WHERE review_id = $1`, r.ID); err != nil {
			return err
		}
		for step, rating := range r.Ratings {
			if _, err := tx.Exec(ctx, `INSERT INTO review_ratings (review_id, step_id, rating) VALUES ($1, $2, $3)`, r.ID, step, rating); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM review_criterion_ratings WHERE review_id = $1`, r.ID); err != nil {
			return err
		}
		for step, cs := range r.Criteria {
			for crit, rating := range cs {
				if _, err := tx.Exec(ctx, `INSERT INTO review_criterion_ratings (review_id, step_id, criterion_id, rating) VALUES ($1, $2, $3, $4)`,
					r.ID, step, crit, rating); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE applications SET review_count = (SELECT COUNT(*) FROM reviews WHERE application_id = $1) WHERE id = $1`, app.ID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM review_drafts WHERE application_id = $1 AND member_id = $2`, app.ID, actor.ID); err != nil {
			return err
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, app, r); err != nil {
				return err
			}
		}
		return s.accounts.Audit(ctx, tx, actor, "review.submit", app.AuditTarget(), r.Recommendation.Label(), "")
	})
	return r, err
}

func checkInput(in Input, steps []opening.Step) error {
	if !in.Recommendation.Valid() {
		return apperr.Invalid("recommendation", "choose an overall recommendation: one of strong_no, no, yes, strong_yes")
	}
	return checkRatings(in, steps)
}

// ForApplication returns what actor may see of an application's reviews.
func (s *Service) ForApplication(ctx context.Context, actor account.Member, appID int64) (_ Summary, err error) {
	defer apperr.Wrap(&err, "review.ForApplication(%d)", appID)
	var sum Summary
	if _, err := s.applications.Application(ctx, actor, appID); err != nil {
		return sum, err
	}
	all, err := s.load(ctx, appID)
	if err != nil {
		return sum, err
	}
	sum.Count = len(all)
	if sum.Draft, err = s.draft(ctx, actor, appID); err != nil {
		return sum, err
	}
	for i := range all {
		if all[i].Reviewer.ID == actor.ID {
			sum.Mine = &all[i]
		}
	}
	if sum.Mine == nil {
		return sum, nil
	}
	for _, r := range all {
		if r.Reviewer.ID != actor.ID {
			sum.Others = append(sum.Others, r)
		}
	}
	sum.StepAverage, sum.Average = averages(all)
	sum.CriterionAverage = criterionAverages(all)
	return sum, nil
}

// criterionAverages is each criterion's average over the reviews.
func criterionAverages(all []Review) map[int64]float64 {
	sums, counts := map[int64]float64{}, map[int64]int{}
	for _, r := range all {
		for _, cs := range r.Criteria {
			for crit, v := range cs {
				sums[crit] += float64(v)
				counts[crit]++
			}
		}
	}
	out := map[int64]float64{}
	for crit, v := range sums {
		out[crit] = v / float64(counts[crit])
	}
	return out
}

func averages(all []Review) (map[int64]float64, float64) {
	sums, counts := map[int64]float64{}, map[int64]int{}
	total, n := 0.0, 0
	for _, r := range all {
		for step, v := range r.Ratings {
			sums[step] += float64(v)
			counts[step]++
			total += float64(v)
			n++
		}
	}
	avg := map[int64]float64{}
	for step, v := range sums {
		avg[step] = v / float64(counts[step])
	}
	if n == 0 {
		return avg, 0
	}
	return avg, total / float64(n)
}

func (s *Service) load(ctx context.Context, appID int64) ([]Review, error) {
	rows, err := s.db.Query(ctx, `SELECT r.id, r.recommendation, r.note, r.created_at, r.updated_at,
			m.id, m.org_id, m.email, m.name, m.role, m.time_zone, m.created_at
		FROM reviews r JOIN members m ON m.id = r.member_id WHERE r.application_id = $1 ORDER BY r.id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Review
	byID := map[int64]int{}
	for rows.Next() {
		r := Review{ApplicationID: appID, Ratings: map[int64]int{}, Criteria: Criteria{}}
		m := &r.Reviewer
		if err := rows.Scan(&r.ID, &r.Recommendation, &r.Note, &r.CreatedAt, &r.UpdatedAt,
			&m.ID, &m.OrgID, &m.Email, &m.Name, &m.Role, &m.TimeZone, &m.CreatedAt); err != nil {
			return nil, err
		}
		byID[r.ID] = len(out)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rr, err := s.db.Query(ctx, `SELECT rr.review_id, rr.step_id, rr.rating FROM review_ratings rr
		JOIN reviews r ON r.id = rr.review_id WHERE r.application_id = $1`, appID)
	if err != nil {
		return nil, err
	}
	defer rr.Close()
	for rr.Next() {
		var rid, step int64
		var v int
		if err := rr.Scan(&rid, &step, &v); err != nil {
			return nil, err
		}
		if i, ok := byID[rid]; ok {
			out[i].Ratings[step] = v
		}
	}
	if err := rr.Err(); err != nil {
		return nil, err
	}
	rr.Close()
	cr, err := s.db.Query(ctx, `SELECT cr.review_id, cr.step_id, cr.criterion_id, cr.rating FROM review_criterion_ratings cr
		JOIN reviews r ON r.id = cr.review_id JOIN criteria c ON c.id = cr.criterion_id
		WHERE r.application_id = $1 AND c.removed_at IS NULL
			AND EXISTS (SELECT 1 FROM step_criteria sc WHERE sc.step_id = cr.step_id AND sc.criterion_id = cr.criterion_id)`, appID)
	if err != nil {
		return nil, err
	}
	defer cr.Close()
	for cr.Next() {
		var rid, step, crit int64
		var v int
		if err := cr.Scan(&rid, &step, &crit, &v); err != nil {
			return nil, err
		}
		if i, ok := byID[rid]; ok {
			out[i].Criteria.set(step, crit, v)
		}
	}
	return out, cr.Err()
}

func (c Criteria) set(step, crit int64, v int) {
	if c[step] == nil {
		c[step] = map[int64]int{}
	}
	c[step][crit] = v
}

// StepAverages is every review's average rating per step of an
// application, for feedback to the candidate; empty without reviews.
// Callers check that the application is theirs to read.
func (s *Service) StepAverages(ctx context.Context, appID int64) (_ map[int64]float64, err error) {
	defer apperr.Wrap(&err, "review.StepAverages(%d)", appID)
	all, err := s.load(ctx, appID)
	if err != nil || len(all) == 0 {
		return map[int64]float64{}, err
	}
	steps, _ := averages(all)
	return steps, nil
}
