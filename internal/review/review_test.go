package review_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

func TestReviewsAreBlindUntilYourOwn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	accounts := account.New(db)
	openings := opening.New(db, accounts)
	interviews := application.New(db, accounts, openings)
	reviews := review.New(db, accounts, openings, interviews)

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
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"}, {Kind: opening.KindText, Title: "B"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, _ := interviews.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Email: "c@example.com"}})
	app := res.Invitations[0].Application
	A, B := iv.Steps[0], iv.Steps[1]

	good := review.Input{Ratings: map[int64]int{A.ID: 4, B.ID: 2}, Recommendation: review.Yes, Note: "Solid"}
	if _, err := reviews.Submit(ctx, owner, app.ID, good); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("review before the candidate submitted: %v, want conflict", err)
	}
	cand, _ := interviews.ByToken(ctx, res.Invitations[0].Token)
	if _, err := interviews.Submit(ctx, cand); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]review.Input{
		"rating 6":          {Ratings: map[int64]int{A.ID: 6}, Recommendation: review.Yes},
		"foreign step":      {Ratings: map[int64]int{999999: 3}, Recommendation: review.Yes},
		"no recommendation": {Ratings: map[int64]int{A.ID: 3}},
	} {
		if _, err := reviews.Submit(ctx, owner, app.ID, in); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := reviews.Submit(ctx, owner, app.ID, good); err != nil {
		t.Fatal(err)
	}

	sum, err := reviews.ForApplication(ctx, rita, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Count != 1 || sum.Mine != nil || len(sum.Others) != 0 || sum.StepAverage != nil {
		t.Errorf("before reviewing, Rita sees %+v; want only the count", sum)
	}
	if _, err := reviews.Submit(ctx, rita, app.ID, review.Input{Ratings: map[int64]int{A.ID: 2, B.ID: 4}, Recommendation: review.No}); err != nil {
		t.Fatal(err)
	}
	sum, _ = reviews.ForApplication(ctx, rita, app.ID)
	if len(sum.Others) != 1 || sum.Others[0].Note != "Solid" || sum.StepAverage[A.ID] != 3 || sum.Average != 3 {
		t.Errorf("after reviewing, Rita sees %+v", sum)
	}
	// Editing one's review replaces it rather than adding another.
	if _, err := reviews.Submit(ctx, rita, app.ID, review.Input{Ratings: map[int64]int{A.ID: 5}, Recommendation: review.StrongYes}); err != nil {
		t.Fatal(err)
	}
	got, _ := interviews.Application(ctx, owner, app.ID)
	if got.ReviewCount != 2 {
		t.Errorf("review count = %d, want 2", got.ReviewCount)
	}
}

// TestDraftsAreTheirAuthorsAlone: a draft scorecard counts in no review
// count or average, nobody else sees it, it may lack a recommendation but
// not break the rules of a review (nor rate an answer scored
// automatically, unless the step asks), and submitting removes it.
func TestDraftsAreTheirAuthorsAlone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	accounts := account.New(db)
	openings := opening.New(db, accounts)
	interviews := application.New(db, accounts, openings)
	reviews := review.New(db, accounts, openings, interviews)
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
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"},
			{Kind: opening.KindChoice, Title: "Quiz", Options: []opening.Option{{Text: "x", Correct: true}, {Text: "y"}}},
			{Kind: opening.KindChoice, Title: "Rated quiz", ReviewersRate: true, Options: []opening.Option{{Text: "x", Correct: true}, {Text: "y"}}}}})
	if err != nil {
		t.Fatal(err)
	}
	A, quiz, rated := iv.Steps[0], iv.Steps[1], iv.Steps[2]
	if !rated.ReviewersRate || quiz.AsksRating() || !rated.AsksRating() || !A.AsksRating() {
		t.Fatalf("which steps ask for a rating: %v %v %v", A.AsksRating(), quiz.AsksRating(), rated.AsksRating())
	}
	res, _ := interviews.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Email: "c@example.com"}})
	app := res.Invitations[0].Application
	if _, err := reviews.SaveDraft(ctx, owner, app.ID, review.Input{Ratings: map[int64]int{A.ID: 3}}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a draft before the candidate submitted: %v, want conflict", err)
	}
	cand, _ := interviews.ByToken(ctx, res.Invitations[0].Token)
	if _, err := interviews.Submit(ctx, cand); err != nil {
		t.Fatal(err)
	}
	for name, in := range map[string]review.Input{
		"rating 0":               {Ratings: map[int64]int{A.ID: 0}},
		"a quiz rated":           {Ratings: map[int64]int{quiz.ID: 4}},
		"unknown recommendation": {Recommendation: "maybe"},
	} {
		if _, err := reviews.SaveDraft(ctx, owner, app.ID, in); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := reviews.SaveDraft(ctx, owner, app.ID, review.Input{Ratings: map[int64]int{A.ID: 3, rated.ID: 5}, Note: "thinking"}); err != nil {
		t.Fatal(err)
	}
	mine, _ := reviews.ForApplication(ctx, owner, app.ID)
	theirs, _ := reviews.ForApplication(ctx, rita, app.ID)
	if mine.Draft == nil || mine.Draft.Ratings[rated.ID] != 5 || mine.Count != 0 || theirs.Draft != nil || theirs.Count != 0 {
		t.Errorf("after a draft: mine %+v, theirs %+v", mine, theirs)
	}
	if got, _ := interviews.Application(ctx, owner, app.ID); got.ReviewCount != 0 {
		t.Errorf("a draft counts as a review: %d", got.ReviewCount)
	}
	if _, err := reviews.Submit(ctx, owner, app.ID, review.Input{Ratings: map[int64]int{A.ID: 3}, Recommendation: review.Yes}); err != nil {
		t.Fatal(err)
	}
	mine, _ = reviews.ForApplication(ctx, owner, app.ID)
	if mine.Draft != nil || mine.Mine == nil || mine.Count != 1 {
		t.Errorf("after submitting: %+v", mine)
	}
	// Rita's draft is hers; discarding it is too.
	if _, err := reviews.SaveDraft(ctx, rita, app.ID, review.Input{Ratings: map[int64]int{A.ID: 1}}); err != nil {
		t.Fatal(err)
	}
	if err := reviews.DiscardDraft(ctx, rita, app.ID); err != nil {
		t.Fatal(err)
	}
	if theirs, _ = reviews.ForApplication(ctx, rita, app.ID); theirs.Draft != nil {
		t.Error("a discarded draft is still there")
	}
}
