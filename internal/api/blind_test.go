package api

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

func ptrTo[T any](v T) *T { return &v }

// TestBlindReviewInTheAPI: a job created blind; its candidate reaches a
// reviewer's token as "Candidate 1" without email in every response,
// search does not find them by name, and the switch and the reveal take
// the right role, the reviews, and a well-formed body.
func TestBlindReviewInTheAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "olivia@acme.example")
	om := w.member(t, "owner")
	w.flow(t, []scenario{{name: "a blind job", method: "POST", path: "/api/v1/jobs", token: "owner",
		body: `{"title": "Engineer", "blind": true}`, want: 201,
		checks: []check{is("blind", true), save("id", "job")}}})
	jobID, _ := strconv.ParseInt(w.vars["job"], 10, 64)
	steps := []opening.Step{{Kind: opening.KindText, Title: "A hard bug"}}
	iv, err := w.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &jobID, Title: ptrTo("Screen"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: "Zebulon Quixote", Email: "zebulon.q@hidden.example"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.Applications.ByToken(ctx, res.Invitations[0].Token)
	if _, err := w.Applications.SaveAnswer(ctx, a, iv.Steps[0].ID, application.AnswerInput{Text: ptrTo("The race was in the cache eviction path.")}); err != nil {
		t.Fatal(err)
	}
	if a, err = w.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Messages.PostAsCandidate(ctx, a, "Thanks, I enjoyed it."); err != nil {
		t.Fatal(err)
	}
	secret, _, err := w.Accounts.InviteMember(ctx, om, "rita@acme.example", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	rita, err := w.Accounts.AcceptInvite(ctx, secret, "Rita", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Assignments.Assign(ctx, om, a.ID, rita.ID); err != nil {
		t.Fatal(err)
	}
	tok, _, err := w.Accounts.CreateAPIToken(ctx, rita, "script")
	if err != nil {
		t.Fatal(err)
	}
	w.vars["rita"], w.vars["app"] = tok, strconv.FormatInt(a.ID, 10)

	hidden := func(t *testing.T, w *world, r *result) {
		t.Helper()
		for _, s := range []string{"Zebulon", "Quixote", "zebulon.q", "hidden.example"} {
			if strings.Contains(string(r.body), s) {
				t.Errorf("the response shows %q: %s", s, r.body)
			}
		}
	}
	w.flow(t, []scenario{
		{name: "the application", method: "GET", path: "/api/v1/applications/{app}", token: "rita", want: 200,
			checks: []check{hidden, is("blind", true), is("candidate.name", "Candidate 1"), is("candidate.email", ""), is("can.reveal", false)}},
		{name: "the list by name", method: "GET", path: "/api/v1/applications?job_id={job}&sort=name", token: "rita", want: 200,
			checks: []check{hidden, is("applications.0.candidate.name", "Candidate 1")}},
		{name: "the messages", method: "GET", path: "/api/v1/applications/{app}/messages", token: "rita", want: 200, checks: []check{hidden}},
		{name: "search by answer", method: "GET", path: "/api/v1/search?q=cache", token: "rita", want: 200,
			checks: []check{hidden, is("results.0.candidate.name", "Candidate 1"), is("results.0.candidate.email", "")}},
		{name: "search by name", method: "GET", path: "/api/v1/search?q=Zebulon", token: "rita", want: 200,
			checks: []check{hidden, is("results", []any{})}},
		{name: "my reviews", method: "GET", path: "/api/v1/me/reviews", token: "rita", want: 200, checks: []check{hidden}},
		{name: "a reviewer cannot switch", method: "PUT", path: "/api/v1/jobs/{job}/blind", token: "rita", body: `{"blind": false}`, want: 403},
		{name: "a reviewer cannot reveal", method: "POST", path: "/api/v1/applications/{app}/reveal", token: "rita", want: 403},
		{name: "a PATCH cannot switch", method: "PATCH", path: "/api/v1/jobs/{job}", token: "owner", body: `{"blind": false}`, want: 400,
			checks: []check{contains("error.message", "/blind")}},
		{name: "a switch needs blind", method: "PUT", path: "/api/v1/jobs/{job}/blind", token: "owner", body: `{}`, want: 400},
		{name: "not before the reviews", method: "POST", path: "/api/v1/applications/{app}/reveal", token: "owner", want: 409,
			checks: []check{contains("error.message", "no review yet")}},
	})
	if _, err := w.Reviews.Submit(ctx, rita, a.ID, review.Input{Ratings: map[int64]int{iv.Steps[0].ID: 4}, Recommendation: review.Yes}); err != nil {
		t.Fatal(err)
	}
	w.flow(t, []scenario{
		{name: "the owner may reveal", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: 200, checks: []check{is("can.reveal", true)}},
		{name: "reveal", method: "POST", path: "/api/v1/applications/{app}/reveal", token: "owner", want: 200,
			checks: []check{is("blind", false), is("candidate.name", "Zebulon Quixote"), is("candidate.email", "zebulon.q@hidden.example")}},
		{name: "once", method: "POST", path: "/api/v1/applications/{app}/reveal", token: "owner", want: 409},
		{name: "the reviewer sees the name", method: "GET", path: "/api/v1/applications/{app}", token: "rita", want: 200,
			checks: []check{is("candidate.name", "Zebulon Quixote")}},
		{name: "switch off", method: "PUT", path: "/api/v1/jobs/{job}/blind", token: "owner", body: `{"blind": false}`, want: 200,
			checks: []check{is("job.blind", false), is("changed", 0)}},
		{name: "reveal the reviewed", method: "POST", path: "/api/v1/jobs/{job}/reveal", token: "owner", want: 200,
			checks: []check{is("revealed", 0), is("waiting", 0)}},
	})
}
