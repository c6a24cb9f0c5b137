package web_test

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestTeamPagesInBrowser opens the team pages in headless Chromium at a
// desktop and a phone size, checks them with axe-core and saves
// screenshots (to $ANYHOUR_SCREENSHOTS when set) for a person to look at.
func TestTeamPagesInBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	jobID, ivID := teamSetUpInterview(t, owner)

	// A submitted application reviewed by two people.
	resp, body := owner.post(fmt.Sprintf("/interviews/%d/invitations", ivID), url.Values{"candidates": {"Ada Lovelace <ada@example.com>\nGrace Hopper, grace@example.com"}})
	links := teamLinks(teamMust(t, "invite", resp, body, 200))
	a, err := ts.Svc.Applications.ByToken(ctx, links[0][len(ts.URL)+len("/c/"):])
	if err != nil {
		t.Fatal(err)
	}
	iv, err := ts.Svc.Openings.InterviewInOrg(ctx, a.OrgID, ivID)
	if err != nil {
		t.Fatal(err)
	}
	text := "I like building calm, dependable systems.\n\nYour product does exactly that for hiring teams."
	choice := []int64{iv.Steps[1].Options[0].ID}
	if _, err := ts.Svc.Applications.SaveAnswer(ctx, a, iv.Steps[0].ID, application.AnswerInput{Text: &text}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Applications.SaveAnswer(ctx, a, iv.Steps[1].ID, application.AnswerInput{Choices: &choice}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	// Grace asks a question; a webhook endpoint waits for deliveries.
	g, err := ts.Svc.Applications.ByToken(ctx, links[1][len(ts.URL)+len("/c/"):])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Messages.PostAsCandidate(ctx, g, "Could I have two more days? I am moving house this week."); err != nil {
		t.Fatal(err)
	}
	owner.post("/settings/webhooks", url.Values{"url": {"https://ats.example.com/anyhour"}, "events": {"application.submitted", "message.received"}})
	// Sending Grace's invitation was cut off: the emails page and her
	// application say so, with the ways out.
	if _, err := ts.DB.Exec(ctx, `UPDATE emails SET status = 'unknown', attempts = 1 WHERE application_id = $1 AND kind = 'invitation'`, g.ID); err != nil {
		t.Fatal(err)
	}
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	rita.post(fmt.Sprintf("/applications/%d/review", a.ID), url.Values{"recommendation": {"yes"}, "note": {"Thoughtful answer."},
		fmt.Sprintf("rating.%d", iv.Steps[0].ID): {"4"}, fmt.Sprintf("rating.%d", iv.Steps[1].ID): {"5"}})
	owner.post(fmt.Sprintf("/applications/%d/review", a.ID), url.Values{"recommendation": {"strong_yes"}, "note": {"Clear and concrete."},
		fmt.Sprintf("rating.%d", iv.Steps[0].ID): {"5"}, fmt.Sprintf("rating.%d", iv.Steps[1].ID): {"5"}})

	// Pages of one's own account: asking for a new password, choosing it,
	// joining by email. An email server is set up from here on.
	box := ts.withMail(t)
	anon := ts.browser(t)
	anon.post("/password/forgot", url.Values{"email": {"rita@acme.example"}})
	ts.work(t)
	resetPath := lastLink(t, box, "rita@acme.example")

	sizes := []struct {
		name string
		w, h int
	}{{"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}, {"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}}
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			p := b.Page(t, size.w, size.h)
			shot := func(name string) {
				t.Helper()
				if vs := p.Violations(); len(vs) > 0 {
					t.Errorf("%s: %d accessibility violation(s):\n%s", name, len(vs), browsertest.FormatViolations(vs))
				}
				var fits bool
				p.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
				if !fits {
					t.Errorf("%s scrolls sideways at %d px", name, size.w)
				}
				p.Screenshot("team-" + name + "-" + size.name)
			}
			p.Navigate(ts.URL + "/password/forgot")
			shot("forgot")
			p.SetValue("#email", "someone."+size.name+"@example.com")
			p.Submit("#email")
			shot("forgot-sent")
			p.Navigate(ts.URL + resetPath)
			shot("reset")
			p.Navigate(ts.URL + "/password/reset/ahr_no-such-link")
			shot("reset-dead")
			join := teamInviteLink(t, ts, owner, "nina."+size.name+"@example.com")
			p.Navigate(ts.URL + join)
			shot("join")
			p.SetValue("#name", "Nina")
			p.SetValue("#password", "chosen at joining")
			p.Submit("#password")
			shot("join-sent")
			ts.work(t)
			var confirm string
			for _, m := range box.all() {
				if l := joinLink.FindStringSubmatch(m.Text); l != nil && m.To.Email == "nina."+size.name+"@example.com" {
					confirm = l[1]
				}
			}
			p.Navigate(ts.URL + confirm)
			shot("join-confirm")

			p.Navigate(ts.URL + "/login")
			shot("login")
			p.SetValue("#email", "olivia@acme.example")
			p.SetValue("#password", teamPassword)
			p.Submit("#password")
			shot("dashboard")
			// The header is one row; on a phone its links fold into a menu.
			var header struct {
				Height      float64
				Menu, Links bool
			}
			p.Eval(`({Height: document.querySelector("header.top").getBoundingClientRect().height,
				Menu: getComputedStyle(document.querySelector(".top-menu")).display !== "none",
				Links: getComputedStyle(document.querySelector("nav.top-wide")).display !== "none"})`, &header)
			if header.Height > 70 || header.Menu != (size.w < 640) || header.Links == header.Menu {
				t.Errorf("the header at %d px: %+v", size.w, header)
			}
			if header.Menu {
				p.Click(".top-menu > summary")
				var inbox bool
				p.Eval(`!!document.querySelector(".top-menu-panel a[href='/inbox']").offsetParent`, &inbox)
				if !inbox {
					t.Error("the open menu does not show the inbox")
				}
				p.Click(".top-menu > summary")
			}
			// A later page of jobs (from just past the one job) and an
			// address no page has.
			p.Navigate(fmt.Sprintf("%s/?after=o%d", ts.URL, jobID+1))
			shot("dashboard-later-page")
			p.Navigate(ts.URL + "/no-such-page")
			shot("not-found")
			p.Navigate(fmt.Sprintf("%s/jobs/%d", ts.URL, jobID))
			shot("job")
			p.Navigate(fmt.Sprintf("%s/interviews/%d/edit", ts.URL, ivID))
			shot("interview-editor")
			p.Navigate(fmt.Sprintf("%s/interviews/%d", ts.URL, ivID))
			p.SetValue("#candidates", fmt.Sprintf("Alan Turing, alan.%[1]s@example.com\nnot an address\nKatherine Johnson <katherine.%[1]s@example.com>\nada@example.com", size.name))
			p.Submit("#candidates")
			shot("interview-invited")
			p.Navigate(fmt.Sprintf("%s/interviews/%d", ts.URL, ivID))
			shot("interview")
			p.Navigate(fmt.Sprintf("%s/applications/%d", ts.URL, a.ID))
			shot("application")
			p.Navigate(ts.URL + "/team")
			shot("team")
			p.Eval(`document.querySelector("details.remove-member").open = true`, nil)
			shot("team-remove")
			p.Navigate(ts.URL + "/settings")
			shot("settings")
			p.Navigate(ts.URL + "/audit")
			shot("audit")
			p.Navigate(ts.URL + "/inbox")
			shot("inbox")
			p.Navigate(ts.URL + "/waiting?days=0")
			shot("waiting")
			p.Navigate(fmt.Sprintf("%s/decide?app=%d&outcome=hold", ts.URL, a.ID))
			shot("decide")
			p.Navigate(ts.URL + "/settings/emails")
			shot("emails")
			p.Navigate(fmt.Sprintf("%s/applications/%d", ts.URL, g.ID))
			shot("application-invitation-unknown")
			p.Navigate(ts.URL + "/settings/webhooks")
			shot("webhooks")
			p.Navigate(ts.URL + "/settings/webhooks/1")
			shot("webhook")
		})
	}
}
