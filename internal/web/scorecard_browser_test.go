package web_test

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestScoringWithCriteriaInBrowser: the team writes a criterion in the
// scorecard editor, a reviewer rates it on an answer with the levels
// beside the scale, the draft is kept as it is clicked, and the review
// is submitted; the agreement report is drawn. axe checks each page,
// screenshots at desktop and phone widths.
func TestScoringWithCriteriaInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	steps := textSteps("Design a queue", "Why us")
	steps[0].Prompt = "How would you design a queue?"
	job, iv := jobWithInterview(t, ts, om, "Engineer", steps...)
	cand := submitted(t, ts, om, iv, "Ada Lovelace", "ada@example.com")

	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(p, ts.URL)
	p.Navigate(fmt.Sprintf("%s/interviews/%d/scorecard", ts.URL, iv.ID))
	p.SetValue("#c0-name", "Explains trade-offs")
	p.SetValue("#c0-level1", "Names one option")
	p.SetValue("#c0-level3", "Weighs two options")
	p.SetValue("#c0-level5", "Weighs them against the context")
	p.Click(fmt.Sprintf(`input[name="s.%d.0"]`, iv.Steps[0].ID))
	p.CheckAccessibility()
	p.Submit("form.scorecard-form button.primary")
	p.WaitVisible(".flash")
	p.CheckAccessibility()
	p.Screenshot("scorecard-editor-desktop")

	app := ts.URL + "/applications/" + strconv.FormatInt(cand.ID, 10)
	p.Navigate(app)
	p.WaitVisible("fieldset.criterion-rating")
	if got := p.Text("fieldset.criterion-rating .levels"); got == "" {
		t.Error("no levels beside the criterion's scale")
	}
	p.Click(`fieldset.criterion-rating input[value="4"] + span`)
	waitJS(t, p, "the draft is saved", `document.getElementById("draft-status").textContent.startsWith("Draft saved")`)
	p.Click(fmt.Sprintf(`input[name="rating.%d"][value="3"] + span`, iv.Steps[1].ID))
	p.Click(`input[name="recommendation"][value="yes"] + span`)
	p.CheckAccessibility()
	p.Screenshot("scorecard-criteria-desktop")
	p.Submit("#review-form button.primary")
	p.WaitVisible(".flash")
	sum, err := ts.Svc.Reviews.ForApplication(ctx, om, cand.ID)
	if err != nil || sum.Mine == nil {
		t.Fatalf("the review: %+v, %v", sum, err)
	}
	iv, _ = ts.Svc.Openings.Interview(ctx, om, iv.ID)
	if got := sum.Mine.Criteria[iv.Steps[0].ID][iv.Criteria[0].ID]; got != 4 {
		t.Errorf("the criterion's rating: %d, want 4", got)
	}

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	teamSignInPage(phone, ts.URL)
	phone.Navigate(app + "#scorecard")
	phone.WaitVisible("fieldset.criterion-rating")
	var fits bool
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
	if !fits {
		t.Error("on a phone the application page scrolls sideways")
	}
	phone.CheckAccessibility()
	phone.Screenshot("scorecard-criteria-phone")

	p.Navigate(fmt.Sprintf("%s/jobs/%d/agreement", ts.URL, job.ID))
	p.WaitVisible("svg.agreement-chart")
	p.CheckAccessibility()
	p.Screenshot("agreement-desktop")
	phone.Navigate(fmt.Sprintf("%s/jobs/%d/agreement", ts.URL, job.ID))
	phone.WaitVisible("svg.agreement-chart")
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
	if !fits {
		t.Error("on a phone the agreement report scrolls sideways")
	}
	phone.Screenshot("agreement-phone")
}
