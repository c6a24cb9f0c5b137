package review

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// Draft is a reviewer's scorecard while they fill it in. Each rating is
// saved as it is clicked, so that nothing is lost to a reload or another
// form on the page, and nobody but its author sees it: it counts in no
// average and no review count until it is submitted as a review.
type Draft struct {
	Ratings        map[int64]int  // step id → 1..5
	Criteria       Criteria       // step id → criterion id → 1..5
	Recommendation Recommendation // empty until chosen
	Note           string
	UpdatedAt      time.Time
}

// SaveDraft replaces actor's draft review of an application. Unlike a
// review, a draft may lack a recommendation.
func (s *Service) SaveDraft(ctx context.Context, actor account.Member, appID int64, in Input) (_ Draft, err error) {
	defer apperr.Wrap(&err, "review.SaveDraft(%d)", appID)
	app, steps, err := s.reviewable(ctx, actor, appID)
	if err != nil {
		return Draft{}, err
	}
	if in.Recommendation != "" && !in.Recommendation.Valid() {
		return Draft{}, apperr.Invalid("recommendation", "recommendation is one of strong_no, no, yes, strong_yes")
	}
	if err := checkRatings(in, steps); err != nil {
		return Draft{}, err
	}
	d := Draft{Ratings: in.Ratings, Criteria: in.Criteria, Recommendation: in.Recommendation, Note: strings.TrimSpace(in.Note), UpdatedAt: s.now()}
	if d.Ratings == nil {
		d.Ratings = map[int64]int{}
	}
	if d.Criteria == nil {
		d.Criteria = Criteria{}
	}
	raw, err := json.Marshal(d.Ratings)
	if err != nil {
		return Draft{}, err
	}
	crit, err := json.Marshal(d.Criteria)
	if err != nil {
		return Draft{}, err
	}
	_, err = s.db.Exec(ctx, `INSERT INTO review_drafts (application_id, member_id, org_id, ratings, criteria, recommendation, note, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (application_id, member_id) DO UPDATE SET ratings = excluded.ratings, criteria = excluded.criteria,
			recommendation = excluded.recommendation, note = excluded.note, updated_at = excluded.updated_at`,
		app.ID, actor.ID, actor.OrgID, string(raw), string(crit), string(d.Recommendation), d.Note, d.UpdatedAt)
	return d, err
}

// DiscardDraft removes actor's draft review of an application, if any.
func (s *Service) DiscardDraft(ctx context.Context, actor account.Member, appID int64) (err error) {
	defer apperr.Wrap(&err, "review.DiscardDraft(%d)", appID)
	if _, err := s.applications.Application(ctx, actor, appID); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `DELETE FROM review_drafts WHERE application_id = $1 AND member_id = $2`, appID, actor.ID)
	return err
}

// draft loads actor's own draft of an application's review, nil if none.
func (s *Service) draft(ctx context.Context, actor account.Member, appID int64) (*Draft, error) {
	var d Draft
	var raw, crit string
	err := s.db.QueryRow(ctx, `SELECT ratings, criteria, recommendation, note, updated_at FROM review_drafts
		WHERE application_id = $1 AND member_id = $2`, appID, actor.ID).Scan(&raw, &crit, &d.Recommendation, &d.Note, &d.UpdatedAt)
	if errors.Is(err, sqldb.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(raw), &d.Ratings); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(crit), &d.Criteria); err != nil {
		return nil, err
	}
	return &d, nil
}

// reviewable checks that actor may review the application now, and
// returns it with every step a rating may name.
func (s *Service) reviewable(ctx context.Context, actor account.Member, appID int64) (application.Application, []opening.Step, error) {
	if !actor.Can(account.Review) {
		return application.Application{}, nil, apperr.Forbidden("your role cannot review")
	}
	app, err := s.applications.Application(ctx, actor, appID)
	if err != nil {
		return app, nil, err
	}
	if !app.Shared() {
		return app, nil, apperr.Conflict("the candidate has not submitted yet; review once they have")
	}
	iv, err := s.openings.InterviewInOrg(ctx, actor.OrgID, app.InterviewID)
	if err != nil {
		return app, nil, err
	}
	removed, err := s.openings.RemovedSteps(ctx, actor.OrgID, app.InterviewID)
	if err != nil {
		return app, nil, err
	}
	return app, append(iv.Steps, removed...), nil
}

// checkRatings checks a review's note and ratings against the steps.
func checkRatings(in Input, steps []opening.Step) error {
	if _, err := (plaintext.Field{Name: "note", Label: "the note", Max: MaxNote, Multiline: true}).Check(in.Note); err != nil {
		return err
	}
	byID := map[int64]opening.Step{}
	for _, st := range steps {
		byID[st.ID] = st
	}
	for step, rating := range in.Ratings {
		st, ok := byID[step]
		if !ok {
			return apperr.Invalid("ratings", "step %d is not part of this interview", step)
		}
		if !st.AsksRating() {
			return apperr.Invalid("ratings", "step %d (%s) is scored automatically and asks for no rating", step, st.Title)
		}
		if rating < 1 || rating > 5 {
			return apperr.Invalid("ratings", "ratings go from 1 to 5; step %d has %d", step, rating)
		}
		if len(st.Criteria) > 0 {
			return apperr.Invalid("ratings", "step %d (%s) is rated by its criteria, not overall: send them under criteria", step, st.Title)
		}
	}
	for step, cs := range in.Criteria {
		st, ok := byID[step]
		if !ok {
			return apperr.Invalid("criteria", "step %d is not part of this interview", step)
		}
		for crit, rating := range cs {
			if !st.Informs(crit) {
				return apperr.Invalid("criteria", "step %d (%s) does not inform criterion %d", step, st.Title, crit)
			}
			if rating < 1 || rating > 5 {
				return apperr.Invalid("criteria", "ratings go from 1 to 5; step %d has %d for criterion %d", step, rating, crit)
			}
		}
	}
	return nil
}

// Check checks a scorecard against an interview's steps, removed ones
// included, as Submit does: for ratings kept elsewhere, such as a guest's
// through a share link.
func Check(in Input, steps []opening.Step) error { return checkInput(in, steps) }
