package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestReviewingInBrowser is a reviewer's ten minutes between meetings, in
// Chromium at a desktop and a phone width: the scorecard sits beside the
// answers (below them on a phone) and keeps each rating as it is clicked,
// as a draft no colleague sees, so that adding an internal note (which
// reloads the page) loses nothing; answers scored automatically ask for
// no rating; colleagues' reviews come before the decision; j and k walk
// the list the page was opened from, keeping its filter and sort.
func TestReviewingInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCandidateFixture(t)
	// Sorted by name among the submitted: Ada, Bob, Cy; Dee has not
	// submitted and is not in that list.
	f.answered(t, "Ada Lovelace", "ada@example.com", "Queues, carefully.")
	bob := f.answered(t, "Bob Kahn", "bob@example.com", "Packets.")
	cy := f.answered(t, "Cy Young", "cy@example.com", "Pitching.")
	f.invite(t, f.iv, "Dee Waiting", "dee@example.com")
	secret, _, err := f.ts.Svc.Accounts.InviteMember(ctx, f.owner, "rita@acme.example", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	rita, err := f.ts.Svc.Accounts.AcceptInvite(ctx, secret, "Rita Reviewer", "correct horse battery", account.Client{})
	if err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	for _, size := range []struct {
		name          string
		width, height int
		rating        int // differs between runs: the second edits the first's review
		rec           string
	}{
		{"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight, 4, "yes"},
		{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight, 3, "strong_yes"},
	} {
		t.Run(size.name, func(t *testing.T) {
			p := b.Page(t, size.width, size.height)
			teamSignInPage(p, f.ts.URL)
			p.Navigate(fmt.Sprintf("%s/jobs/%d?status=submitted&sort=name", f.ts.URL, f.job.ID))
			p.Click(fmt.Sprintf(`a[href^="/applications/%d?"]`, bob.Application.ID))
			p.WaitVisible("#scorecard")
			reviewsBefore := map[string]int{"desktop": 0, "phone": 1}[size.name] // the desktop run submits one
			if got := p.Text(".app-nav-where"); !strings.HasPrefix(got, "2 of 3") {
				t.Errorf("the page's place in the list reads %q, want 2 of 3", got)
			}

			// Only the written answers ask for a rating.
			var asked int
			p.Eval(`document.querySelectorAll('#scorecard fieldset.step-rating').length`, &asked)
			if asked != 2 {
				t.Errorf("the scorecard asks for %d ratings, want 2 (the written answers)", asked)
			}
			var beside bool
			p.Eval(`(() => { const a = document.querySelector(".app-main").getBoundingClientRect(),
				s = document.querySelector(".app-side").getBoundingClientRect(); return s.left >= a.right; })()`, &beside)
			if beside != (size.name == "desktop") {
				t.Errorf("the scorecard beside the answers: %v", beside)
			}
			var order string
			p.Eval(`[...document.querySelectorAll("#scorecard, #reviews, #decision")].map(e => e.id).join(",")`, &order)
			if order != "scorecard,reviews,decision" {
				t.Errorf("the side panel's order is %s", order)
			}

			// A rating and a recommendation clicked are kept as a draft.
			step := f.iv.Steps[0].ID
			p.Click(fmt.Sprintf(`#scorecard input[name="rating.%d"][value="%d"] + span`, step, size.rating))
			p.Click(fmt.Sprintf(`#scorecard input[name="recommendation"][value="%s"] + span`, size.rec))
			waitJS(t, p, "the draft is saved", `document.getElementById("draft-status").textContent.startsWith("Draft saved")`)
			candEventually(t, "the server has the draft", func() bool {
				sum, err := f.ts.Svc.Reviews.ForApplication(ctx, f.owner, bob.Application.ID)
				return err == nil && sum.Draft != nil && sum.Draft.Ratings[step] == size.rating && string(sum.Draft.Recommendation) == size.rec
			})
			sum, err := f.ts.Svc.Reviews.ForApplication(ctx, rita, bob.Application.ID)
			if err != nil || sum.Count != reviewsBefore || sum.Draft != nil {
				t.Errorf("a colleague sees %d reviews and draft %v", sum.Count, sum.Draft)
			}
			p.CheckAccessibility()
			p.Screenshot("team-application-scorecard-" + size.name)

			// Adding an internal note reloads the page; the draft stays.
			p.Click(`details.msg-compose:last-of-type > summary`)
			p.SetValue("#note-body", "Ask about their last project.")
			p.Submit("#note-body")
			p.WaitVisible("#scorecard")
			var kept bool
			p.Eval(fmt.Sprintf(`document.querySelector('#scorecard input[name="rating.%d"][value="%d"]').checked &&
				document.querySelector('#scorecard input[name="recommendation"][value="%s"]').checked`, step, size.rating, size.rec), &kept)
			if !kept {
				t.Error("adding a note lost the ratings")
			}

			// j and k walk the same list: Cy after Bob, back to Bob.
			p.Eval(`document.activeElement.blur()`, nil)
			p.Press("j")
			waitJS(t, p, "j opens the next candidate", fmt.Sprintf(`location.pathname === "/applications/%d"`, cy.Application.ID))
			if !strings.Contains(p.Location(), "status=submitted") || !strings.Contains(p.Location(), "sort=name") {
				t.Errorf("the next candidate's page lost the list's filter: %s", p.Location())
			}
			p.WaitVisible("#scorecard")
			if got := p.Text(".app-nav-where"); !strings.HasPrefix(got, "3 of 3") {
				t.Errorf("the last candidate's place reads %q", got)
			}
			p.Press("k")
			waitJS(t, p, "k opens the previous candidate", fmt.Sprintf(`location.pathname === "/applications/%d"`, bob.Application.ID))
			p.WaitVisible("#scorecard")

			// Submitting turns the draft into the review; colleagues now see it.
			p.Submit(`#scorecard button[value="submit"]`)
			p.WaitVisible("#reviews")
			sum, err = f.ts.Svc.Reviews.ForApplication(ctx, rita, bob.Application.ID)
			if err != nil || sum.Count != 1 {
				t.Errorf("after submitting, a colleague counts %d reviews", sum.Count)
			}
			var fits bool
			p.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
			if !fits {
				t.Error("the application page scrolls sideways")
			}
			p.CheckAccessibility()
			p.Screenshot("team-application-reviewed-" + size.name)
		})
	}
}

// answered invites name, answers the first step with text and submits.
func (f *candidateFixture) answered(t *testing.T, name, email, text string) application.Invitation {
	t.Helper()
	ctx := context.Background()
	inv := f.invite(t, f.iv, name, email)
	a, err := f.ts.Svc.Applications.ByToken(ctx, inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.Svc.Applications.SaveAnswer(ctx, a, f.iv.Steps[0].ID, application.AnswerInput{Text: &text}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.Svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	return inv
}
