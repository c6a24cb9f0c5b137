package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
)

// candidateFixture is an organisation in New York with one job and two
// interviews, made through the domain services, ready to invite people.
type candidateFixture struct {
	ts    *testServer
	owner account.Member
	job   opening.Job
	iv    opening.Interview // four steps: text (5 words), single choice, multiple choice, text
	other opening.Interview // one text step
}

func newCandidateFixture(t *testing.T) *candidateFixture {
	t.Helper()
	ctx := context.Background()
	f := &candidateFixture{ts: newTestServer(t)}
	var err error
	_, f.owner, err = f.ts.Svc.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme Robotics", TimeZone: "America/New_York",
		Name: "Olivia Owner", Email: "olivia@acme.example", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	f.job, err = f.ts.Svc.Openings.CreateJob(ctx, f.owner, opening.JobInput{Title: candPtr("Backend engineer")})
	if err != nil {
		t.Fatal(err)
	}
	steps := []opening.Step{
		{Kind: opening.KindText, Title: "About you", Prompt: "Tell us, briefly, what you enjoy building.", Minutes: 10, MaxWords: 5},
		{Kind: opening.KindChoice, Title: "Primes", Prompt: "Which of these numbers is prime?", Minutes: 1,
			Options: []opening.Option{{Text: "4"}, {Text: "7", Correct: true}, {Text: "9"}}},
		{Kind: opening.KindChoice, Title: "Go keywords", Prompt: "Which of these are Go keywords?", Minutes: 2, Multiple: true,
			Options: []opening.Option{{Text: "defer", Correct: true}, {Text: "class"}, {Text: "select", Correct: true}}},
		{Kind: opening.KindText, Title: "Anything else", Prompt: "Is there anything else you would like us to know?", Minutes: 5},
	}
	f.iv, err = f.ts.Svc.Openings.CreateInterview(ctx, f.owner, opening.InterviewInput{JobID: &f.job.ID,
		Title: candPtr("First interview"), Intro: candPtr("Welcome!\n\nThis takes about twenty minutes."), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	one := []opening.Step{{Kind: opening.KindText, Title: "Design", Prompt: "How would you design a queue?", Minutes: 15, MaxWords: 300}}
	f.other, err = f.ts.Svc.Openings.CreateInterview(ctx, f.owner, opening.InterviewInput{JobID: &f.job.ID,
		Title: candPtr("Second interview"), Steps: &one})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// invite invites one person to iv and returns the invitation.
func (f *candidateFixture) invite(t *testing.T, iv opening.Interview, name, email string) application.Invitation {
	t.Helper()
	openingtest.Checked(t, f.ts.Svc.Openings, f.owner, iv)
	res, err := f.ts.Svc.Applications.Invite(context.Background(), f.owner, iv.ID, []application.NewCandidate{{Name: name, Email: email}})
	if err != nil || len(res.Invitations) != 1 {
		t.Fatalf("invite %s: %v %+v", email, err, res)
	}
	return res.Invitations[0]
}

// open opens inv's magic link in b and checks it lands on the welcome page.
func (f *candidateFixture) open(t *testing.T, b *browser, inv application.Invitation) {
	t.Helper()
	resp, body := b.get("/c/" + inv.Token)
	if want := candAppPath(inv); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != want {
		t.Fatalf("magic link: status %d at %s, want 200 at %s\n%s", resp.StatusCode, resp.Request.URL.Path, want, body)
	}
}

func candAppPath(inv application.Invitation) string {
	return fmt.Sprintf("/candidate/%d", inv.Application.ID)
}

func candStepPath(inv application.Invitation, st opening.Step) string {
	return fmt.Sprintf("%s/steps/%d", candAppPath(inv), st.ID)
}

func candPtr[T any](v T) *T { return &v }

func candHTML(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// candText is the trimmed, space-collapsed text of the first match of sel.
func candText(doc *goquery.Document, sel string) string {
	return strings.Join(strings.Fields(doc.Find(sel).First().Text()), " ")
}

func candForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}
