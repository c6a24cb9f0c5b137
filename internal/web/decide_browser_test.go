package web_test

import (
	"fmt"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestDecisionInBrowser: a recruiter rejects with feedback in Chromium,
// looking at the preview first; the candidate's status page, with the
// decision, passes axe.
func TestDecisionInBrowser(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.submitted(t, "Ada Lovelace", "ada@example.com")
	b := browsertest.New(t)
	team := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(team, f.ts.URL)
	team.Navigate(fmt.Sprintf("%s/applications/%d", f.ts.URL, ada.Application.ID))
	team.Click(`#decision a[href*="outcome=reject"]`)
	team.WaitVisible("#template")
	// The placeholder buttons put their text where the cursor is.
	team.Eval(`document.getElementById("template").setSelectionRange(0, 0)`, nil)
	team.Click(`.insert-bar button[data-insert="[full name]"]`)
	var start string
	team.Eval(`document.getElementById("template").value.slice(0, 20)`, &start)
	if start != "[full name]Hello [fi" {
		t.Errorf("after inserting [full name] at the start: %q", start)
	}
	team.SetValue("#feedback", "Your design answer needed numbers: how much data, how fast.")
	team.Click(`button[value="preview"]`)
	team.WaitVisible("article.preview")
	team.Screenshot("decide-preview")
	team.Click(`button[value="send"]`)
	team.WaitVisible(".flash")

	p := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	openLink(p, f.ts.URL, ada.Token)
	p.Navigate(f.ts.URL + candAppPath(ada) + "/status")
	p.WaitVisible(".cand-decision")
	if got := p.Text("h1"); got != "The team decided not to go further" {
		t.Errorf("the decision reads %q", got)
	}
	p.CheckAccessibility()
	p.Screenshot("candidate-decided-phone")
}
