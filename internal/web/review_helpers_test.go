package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// jobWithInterview makes a job titled job with an interview of the given
// steps, as member m.
func jobWithInterview(t *testing.T, ts *testServer, m account.Member, job string, steps ...opening.Step) (opening.Job, opening.Interview) {
	t.Helper()
	ctx := context.Background()
	j, err := ts.Svc.Openings.CreateJob(ctx, m, opening.JobInput{Title: candPtr(job)})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := ts.Svc.Openings.CreateInterview(ctx, m, opening.InterviewInput{JobID: &j.ID, Title: candPtr("Screen"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	return j, iv
}

// textSteps are written-answer steps with these titles.
func textSteps(titles ...string) []opening.Step {
	var out []opening.Step
	for _, title := range titles {
		out = append(out, opening.Step{Kind: opening.KindText, Title: title})
	}
	return out
}

// addReviewer invites name as a reviewer of m's organisation and returns
// the member they become.
func addReviewer(t *testing.T, ts *testServer, m account.Member, name string) account.Member {
	t.Helper()
	ctx := context.Background()
	secret, _, err := ts.Svc.Accounts.InviteMember(ctx, m, strings.ToLower(strings.Fields(name)[0])+"@acme.example", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	r, err := ts.Svc.Accounts.AcceptInvite(ctx, secret, name, "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// submitted invites name to iv and submits for them, as they are.
func submitted(t *testing.T, ts *testServer, m account.Member, iv opening.Interview, name, email string) application.Application {
	t.Helper()
	ctx := context.Background()
	res, err := ts.Svc.Applications.Invite(ctx, m, iv.ID, []application.NewCandidate{{Name: name, Email: email}})
	if err != nil {
		t.Fatal(err)
	}
	a, err := ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if a, err = ts.Svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

// reviewYes is a review rating step 3 overall, recommending yes.
func reviewYes(step int64) review.Input {
	return review.Input{Ratings: map[int64]int{step: 3}, Recommendation: review.Yes}
}
