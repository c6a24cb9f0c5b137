package review_test

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/interview"
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
	ctx := context.Background()
	db := sqldbtest.Open(t)
	accounts := account.New(db)
	openings := opening.New(db, accounts)
	interviews := interview.New(db, accounts, openings)
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
	res, _ := interviews.Invite(ctx, owner, iv.ID, []interview.NewCandidate{{Email: "c@example.com"}})
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
