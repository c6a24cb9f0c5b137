package review_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

// TestScorecards: an interview's criteria, each with what a 1, a 3 and a
// 5 look like, and the steps that inform them; reviewers rate criteria
// per answer, steps without criteria keep their "Overall" rating, and the
// averages per criterion come once the reviewer's own review is in.
// Mistakes (empty, duplicate or reserved names, too many criteria,
// ratings of 0 or 6, a criterion the step does not inform) are refused.
func TestScorecards(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	accounts := account.New(db)
	openings := opening.New(db, accounts)
	applications := application.New(db, accounts, openings)
	reviews := review.New(db, accounts, openings, applications)
	_, owner, err := accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	secret, _, _ := accounts.InviteMember(ctx, owner, "r@acme.example", account.Reviewer)
	rita, err := accounts.AcceptInvite(ctx, secret, "Rita", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Eng")})
	iv, err := openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("R1"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Design"}, {Kind: opening.KindText, Title: "Story"}, {Kind: opening.KindText, Title: "Why us"}}})
	if err != nil {
		t.Fatal(err)
	}
	design, story, why := iv.Steps[0], iv.Steps[1], iv.Steps[2]

	trade := opening.CriterionInput{Name: "Explains trade-offs", Description: "Says what each choice costs.",
		Levels: [3]string{"Names one option", "Weighs two options", "Weighs options against the context"}}
	clear := opening.CriterionInput{Name: "Communicates clearly", Levels: [3]string{"Hard to follow", "Clear", "Clear and brief"}}
	many := make([]opening.CriterionInput, 100)
	for i := range many {
		many[i] = opening.CriterionInput{Name: fmt.Sprintf("Criterion %d", i)}
	}
	for name, in := range map[string]opening.ScorecardInput{
		"an empty name":    {Criteria: []opening.CriterionInput{{Name: "  "}}},
		"a duplicate name": {Criteria: []opening.CriterionInput{trade, {Name: "explains TRADE-OFFS"}}},
		"Overall":          {Criteria: []opening.CriterionInput{{Name: "overall"}}},
		"100 criteria":     {Criteria: many},
		"a control char":   {Criteria: []opening.CriterionInput{{Name: "Bell\a"}}},
		"a long level":     {Criteria: []opening.CriterionInput{{Name: "X", Levels: [3]string{strings.Repeat("x", 301)}}}},
		"an unknown name":  {Criteria: []opening.CriterionInput{trade}, Steps: map[int64][]string{design.ID: {"Kindness"}}},
		"another's step":   {Criteria: []opening.CriterionInput{trade}, Steps: map[int64][]string{999999: {trade.Name}}},
		"an unknown id":    {Criteria: []opening.CriterionInput{{ID: 999999, Name: "Y"}}},
	} {
		if _, err := openings.SetScorecard(ctx, owner, iv.ID, in); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := openings.SetScorecard(ctx, rita, iv.ID, opening.ScorecardInput{Criteria: []opening.CriterionInput{trade}}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer edits the scorecard: %v", err)
	}
	iv, err = openings.SetScorecard(ctx, owner, iv.ID, opening.ScorecardInput{Criteria: []opening.CriterionInput{trade, clear},
		Steps: map[int64][]string{design.ID: {trade.Name, clear.Name}, story.ID: {"communicates clearly"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(iv.Criteria) != 2 || iv.Criteria[0].Levels[2] != trade.Levels[2] || len(iv.Steps[0].Criteria) != 2 || len(iv.Steps[1].Criteria) != 1 || len(iv.Steps[2].Criteria) != 0 {
		t.Fatalf("the scorecard: %+v, steps %+v", iv.Criteria, iv.Steps)
	}
	tr, cl := iv.Criteria[0].ID, iv.Criteria[1].ID

	res, _ := applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Email: "c@example.com"}})
	app := res.Invitations[0].Application
	cand, _ := applications.ByToken(ctx, res.Invitations[0].Token)
	if _, err := applications.Submit(ctx, cand); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]review.Input{
		"a rating of 0":              {Criteria: review.Criteria{design.ID: {tr: 0}}, Recommendation: review.Yes},
		"a rating of 6":              {Criteria: review.Criteria{design.ID: {tr: 6}}, Recommendation: review.Yes},
		"a criterion not informed":   {Criteria: review.Criteria{why.ID: {tr: 3}}, Recommendation: review.Yes},
		"overall on a criteria step": {Ratings: map[int64]int{design.ID: 3}, Recommendation: review.Yes},
	} {
		if _, err := reviews.Submit(ctx, owner, app.ID, in); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
		if _, err := reviews.SaveDraft(ctx, owner, app.ID, in); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s in a draft: %v, want invalid", name, err)
		}
	}
	// A draft keeps criterion ratings as they are clicked.
	if _, err := reviews.SaveDraft(ctx, owner, app.ID, review.Input{Criteria: review.Criteria{design.ID: {tr: 4}}}); err != nil {
		t.Fatal(err)
	}
	if sum, _ := reviews.ForApplication(ctx, owner, app.ID); sum.Draft == nil || sum.Draft.Criteria[design.ID][tr] != 4 {
		t.Fatalf("the draft: %+v", sum.Draft)
	}
	mine := review.Input{Criteria: review.Criteria{design.ID: {tr: 4, cl: 5}, story.ID: {cl: 3}}, Ratings: map[int64]int{why.ID: 2}, Recommendation: review.Yes}
	if _, err := reviews.Submit(ctx, owner, app.ID, mine); err != nil {
		t.Fatal(err)
	}
	// Rita sees no averages until her own review is in.
	if sum, _ := reviews.ForApplication(ctx, rita, app.ID); sum.CriterionAverage != nil {
		t.Errorf("Rita sees averages before reviewing: %+v", sum.CriterionAverage)
	}
	if _, err := reviews.Submit(ctx, rita, app.ID, review.Input{Criteria: review.Criteria{design.ID: {tr: 2, cl: 3}}, Recommendation: review.No}); err != nil {
		t.Fatal(err)
	}
	sum, err := reviews.ForApplication(ctx, rita, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.CriterionAverage[tr] != 3 || sum.CriterionAverage[cl] != (5+3+3)/3.0 || sum.StepAverage[why.ID] != 2 {
		t.Errorf("averages: criteria %+v, steps %+v", sum.CriterionAverage, sum.StepAverage)
	}
	if len(sum.Others) != 1 || sum.Others[0].Criteria[story.ID][cl] != 3 {
		t.Errorf("the owner's review as Rita reads it: %+v", sum.Others)
	}

	// A criterion taken off keeps its ratings, no longer shown.
	if iv, err = openings.SetScorecard(ctx, owner, iv.ID, opening.ScorecardInput{Criteria: []opening.CriterionInput{{ID: cl, Name: "Writes clearly"}},
		Steps: map[int64][]string{design.ID: {"Writes clearly"}}}); err != nil {
		t.Fatal(err)
	}
	if len(iv.Criteria) != 1 || iv.Criteria[0].ID != cl || iv.Criteria[0].Name != "Writes clearly" {
		t.Fatalf("after taking one off: %+v", iv.Criteria)
	}
	sum, _ = reviews.ForApplication(ctx, rita, app.ID)
	if _, ok := sum.CriterionAverage[tr]; ok {
		t.Errorf("a criterion taken off still averages: %+v", sum.CriterionAverage)
	}
	var kept int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM review_criterion_ratings WHERE criterion_id = $1`, tr).Scan(&kept)
	if kept != 2 {
		t.Errorf("the ratings of a criterion taken off: %d kept, want 2", kept)
	}
}
