package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
)

// TestCandidateReviewsInBrowser: in Chromium, on a phone and on a
// desktop, a candidate comments on a line by mouse and on another by
// keyboard (j to the next change, c to comment), writes a summary, and
// finds everything again after a reload, saved as typed; every state of
// the page passes axe and holds nothing of the planted issues. The team's
// planting page and the reviewers' page pass axe too.
func TestCandidateReviewsInBrowser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f, iv := reviewWorld(t)
	st := iv.Steps[0]
	b := browsertest.New(t)
	var last application.Application
	for i, size := range []struct {
		name string
		w, h int
	}{{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}, {"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}} {
		inv := f.invite(t, iv, "Ada Lovelace", fmt.Sprintf("ada%d@example.com", i))
		p := b.Page(t, size.w, size.h)
		p.Navigate(f.ts.URL + "/c/" + inv.Token)
		p.WaitVisible("a.cand-big")
		// The table on show: unified on a phone, side by side on a desktop.
		table := ".diff-unified"
		if size.w >= 1100 {
			table = ".diff-split"
		}
		p.Navigate(f.ts.URL + candStepPath(inv, st))
		p.WaitVisible(table + " button.line-btn")
		p.CheckAccessibility()
		p.Screenshot("codereview-candidate-" + size.name)

		// By mouse: the first planted issue's line.
		pl := st.CodeReview.Planted[0]
		p.Click(fmt.Sprintf(`%s button.line-btn[value="%s:%s:%d"]`, table, pl.File, pl.Side, pl.LineStart))
		p.WaitVisible(".review-comment.new textarea")
		p.InsertText(".review-comment.new textarea", "The search term is formatted into the SQL: bind it as a parameter.")
		p.WaitVisible(table + " .line-comment .preview")
		if got := p.Text(table + " .line-comment .preview"); !strings.Contains(got, "bind it as a parameter") {
			t.Errorf("%s: the preview by the line reads %q", size.name, got)
		}

		// By keyboard: focus the first line, j to the next change, c.
		p.Eval(fmt.Sprintf(`document.querySelector(%q).focus()`, table+" button.line-btn"), nil)
		p.Press("j")
		p.Press("c")
		var n int
		p.Eval(`document.querySelectorAll(".review-comment.new textarea").length`, &n)
		if n != 2 {
			t.Fatalf("%s: after j and c, %d new comments", size.name, n)
		}
		var focused bool
		p.Eval(`document.activeElement === document.querySelectorAll(".review-comment.new textarea")[1]`, &focused)
		if !focused {
			t.Errorf("%s: c did not put the focus in the new comment", size.name)
		}
		// Around the hunks: the whole file opened, a line no hunk shows.
		p.Click("#f1 details.whole-file summary")
		p.WaitVisible("#f1 .diff-whole button.line-btn")
		p.Click(`#f1 .diff-whole button.line-btn[value="app/items/views.py:new:20"]`)
		p.Eval(`document.querySelectorAll(".review-comment.new textarea").length`, &n)
		if n != 3 {
			t.Errorf("%s: a comment on a line of the whole file: %d new comments", size.name, n)
		}
		p.CheckAccessibility()
		p.Click(`.review-comment.new:last-child button[name=delete]`)
		p.InsertText("#summary", "Not ready to merge: the search is open to SQL injection.")
		p.CheckAccessibility()
		p.Screenshot("codereview-commented-" + size.name)

		// Saved as typed: the server has it, and a reload shows it.
		candEventually(t, "the review is saved", func() bool {
			answers, err := f.ts.Svc.Applications.Answers(ctx, inv.Application.ID)
			r := answers[st.ID].CodeReview
			return err == nil && r != nil && len(r.Comments) == 1 && strings.HasPrefix(r.Summary, "Not ready")
		})
		p.Reload()
		p.WaitVisible(".review-comment textarea")
		if got := p.Text(".review-comments"); !strings.Contains(got, "Comment on line") {
			t.Errorf("%s: after a reload the comments read %q", size.name, got)
		}
		var html string
		p.Eval(`document.documentElement.outerHTML`, &html)
		if got := rubricIn(html, st.CodeReview.Planted); len(got) > 0 {
			t.Errorf("%s: the page holds the rubric: %q", size.name, got)
		}
		a, err := f.ts.Svc.Applications.ByToken(ctx, inv.Token)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.ts.Svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		last = a
	}

	// The team's pages.
	team := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	team.Navigate(f.ts.URL + "/login")
	team.SetValue("#email", "olivia@acme.example")
	team.SetValue("#password", "correct horse battery")
	team.Submit("#password")
	team.Navigate(fmt.Sprintf("%s/interviews/%d/steps/%d/codereview", f.ts.URL, iv.ID, st.ID))
	team.WaitVisible(".planted-list")
	team.CheckAccessibility()
	team.Screenshot("codereview-plant")
	team.Navigate(fmt.Sprintf("%s/applications/%d", f.ts.URL, last.ID))
	team.WaitVisible(".planted-table")
	team.CheckAccessibility()
	team.Navigate(fmt.Sprintf("%s/applications/%d/steps/%d/codereview", f.ts.URL, last.ID, st.ID))
	team.WaitVisible(".review-list")
	team.CheckAccessibility()
	team.Screenshot("codereview-read")
	team.Submit(".planted-list li:nth-child(2) button[value=confirmed]")
	team.WaitVisible(".planted-list")
	if got := team.Text(".planted-list li:nth-child(2)"); !strings.Contains(got, "You said it was found") {
		t.Errorf("after Found it: %q", got)
	}
}
