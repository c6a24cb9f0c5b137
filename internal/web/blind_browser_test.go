package web_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestBlindPagesInBrowser: the pages blind review adds or changes, at a
// desktop and a phone width, with axe on each: the job's switch, the
// application's "Reviewed blind" card and its reveal, and the candidate's
// welcome page telling them they are reviewed without their name.
// Screenshots go to $ANYHOUR_SCREENSHOTS when set.
func TestBlindPagesInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	job, iv := jobWithInterview(t, ts, om, "Support Engineer", textSteps("Why us", "A hard case")...)
	if _, _, err := ts.Svc.Applications.SetBlind(ctx, om, job.ID, true); err != nil {
		t.Fatal(err)
	}
	res, err := ts.Svc.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: "Zebulon Quixote", Email: "zebulon.q@hidden.example"}})
	if err != nil {
		t.Fatal(err)
	}
	zeb, _ := ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
	if _, err := ts.Svc.Applications.SaveAnswer(ctx, zeb, iv.Steps[0].ID, application.AnswerInput{Text: candPtr("I like how the team writes.")}); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	for _, size := range []struct {
		name          string
		width, height int
	}{{"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}, {"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}} {
		cand := b.Page(t, size.width, size.height)
		cand.Navigate(ts.URL + "/c/" + res.Invitations[0].Token)
		// The page script stores the browser's zone and reloads once;
		// wait for the page that has it rather than race the reload.
		cand.WaitVisible(`summary[data-zone]:not([data-zone=""])`)
		cand.WaitVisible("#blind-h")
		if got := cand.Text("#blind-h"); got != "Reviewed without your name" {
			t.Errorf("%s: the candidate's notice is headed %q", size.name, got)
		}
		cand.CheckAccessibility()
		cand.Screenshot("blind-candidate-welcome-" + size.name)

		p := b.Page(t, size.width, size.height)
		teamSignInPage(p, ts.URL)
		p.Navigate(fmt.Sprintf("%s/jobs/%d", ts.URL, job.ID))
		p.WaitVisible("#blind")
		p.CheckAccessibility()
		p.Screenshot("blind-job-" + size.name)
		p.Navigate(fmt.Sprintf("%s/applications/%d", ts.URL, zeb.ID))
		p.WaitVisible("#blind-h")
		if got := p.Text("h1"); got == "" || got[:11] != "Candidate 1" {
			t.Errorf("%s: the application is headed %q", size.name, got)
		}
		p.CheckAccessibility()
		p.Screenshot("blind-application-" + size.name)
	}
}
