package web_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestReviewerReadsTakehomeWork: once the candidate has submitted, a
// reviewer, on a phone and on a desktop, opens the work from the
// application page: the pushes, the diff from the starter (unified on the
// phone, side by side on the desktop, highlighted), a file at a commit;
// they comment on a line, once for the team and once as feedback. Every
// page passes axe.
func TestReviewerReadsTakehomeWork(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	ctx := context.Background()
	w := apptest.New(t, app.Config{})
	w.Takehomes.SetReportWait(0) // no grading here
	ts := &testServer{Server: w.Server, DB: w.DB, Svc: w.Services}
	ts.signIn(t)
	f := &candidateFixture{ts: ts, owner: ts.member(t, "olivia@acme.example")}
	var err error
	if f.job, err = w.Openings.CreateJob(ctx, f.owner, opening.JobInput{Title: candPtr("Engineer")}); err != nil {
		t.Fatal(err)
	}
	iv := f.takehomeStep(t)
	res, err := w.Applications.Invite(ctx, f.owner, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Invitations[0].Application
	c, err := w.Takehomes.Start(ctx, a, iv.Steps[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(w.URL + "/git/" + c.Repo.Path())
	u.User = url.UserPassword(c.Username, c.Password)
	dir := filepath.Join(t.TempDir(), "work")
	candGit(t, "", "clone", "--quiet", u.String(), dir)
	write := func(path, text string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, path)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, path), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("app/pricing.py", "from decimal import Decimal\n\n\ndef total(items):\n    \"\"\"The sum of the items' prices.\"\"\"\n    return sum(Decimal(str(i)) for i in items)\n")
	write("app/discounts.py", "def apply(total, percent):\n    return total * (100 - percent) / 100\n")
	write("logo.png", "\x89PNG\r\n\x1a\n\x00\x00binary")
	candGit(t, dir, "add", "-A")
	candGit(t, dir, "commit", "--quiet", "-m", "Sum with decimals, and discounts")
	candGit(t, dir, "push", "--quiet")
	a, err = w.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}

	b := browsertest.New(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}, {"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}} {
		p := b.Page(t, size.w, size.h)
		p.Navigate(w.URL + "/login")
		p.SetValue("#email", "olivia@acme.example")
		p.SetValue("#password", "correct horse battery")
		p.Submit("#password")
		p.Navigate(fmt.Sprintf("%s/applications/%d", w.URL, a.ID))
		p.WaitVisible(".paid-form")
		p.CheckAccessibility()
		p.Screenshot("takehome-application-" + size.name)
		p.Click(`a[href$="/repository"]`)
		p.WaitVisible(".diff-file")
		p.CheckAccessibility()
		p.Screenshot("takehome-work-" + size.name)
		var shown struct{ Unified, Split bool }
		p.Eval(`({Unified: !!document.querySelector(".diff-unified").offsetParent, Split: !!document.querySelector(".diff-split").offsetParent})`, &shown)
		if shown.Unified != (size.w < 1100) || shown.Split == shown.Unified {
			t.Errorf("%s: unified %v, split %v", size.name, shown.Unified, shown.Split)
		}
		if got := p.Text(".diff-files"); !strings.Contains(got, "app/discounts.py") || !strings.Contains(got, "logo.png") || !strings.Contains(got, "binary") {
			t.Errorf("%s: the files changed read %q", size.name, got)
		}
		var highlighted int
		p.Eval(`document.querySelectorAll(".diff-file .code span.k, .diff-file .code span.kn, .diff-file .code span.nf").length`, &highlighted)
		if highlighted == 0 {
			t.Errorf("%s: nothing is highlighted", size.name)
		}

		// A comment on line 6 of the new pricing.py, as feedback.
		p.Navigate(fmt.Sprintf("%s/applications/%d/steps/%d/repository", w.URL, a.ID, iv.Steps[0].ID))
		var href string
		p.Eval(`document.querySelector('tr[id$="-new6"] td.num a').href`, &href)
		if !strings.Contains(href, "comment=2%3Anew%3A6") {
			t.Fatalf("%s: the line's comment link is %q", size.name, href)
		}
		p.Navigate(href)
		body, table := "#comment-body", ".diff-unified"
		if size.w >= 1100 {
			body, table = "#comment-body-split", ".diff-split" // side by side
		}
		p.WaitVisible(body)
		p.CheckAccessibility()
		p.SetValue(body, "Decimal(str(i)) is right: floats would drift. ("+size.name+")")
		p.Click(table + ` tr.comment-form input[name="feedback"]`)
		p.Submit(body)
		p.WaitVisible(table + " .line-comment.feedback")
		if got := p.Text(".flash"); !strings.Contains(got, "the candidate reads it once told the decision") {
			t.Errorf("%s: flash %q", size.name, got)
		}
		p.CheckAccessibility()
		p.Screenshot("takehome-comment-" + size.name)

		p.Click(`.push-timeline a[href*="/repository/file"]`)
		p.WaitVisible(".file-tree")
		p.CheckAccessibility()
		p.Screenshot("takehome-file-" + size.name)

		// The step's own page in the editor, a file open.
		p.Navigate(fmt.Sprintf("%s/interviews/%d/steps/%d/takehome?edit=starter:app/pricing.py", w.URL, iv.ID, iv.Steps[0].ID))
		p.WaitVisible("#file-text")
		p.CheckAccessibility()
		p.Screenshot("takehome-editor-" + size.name)
	}
	comments, err := w.Takehomes.Comments(ctx, a.ID, iv.Steps[0].ID, true)
	if err != nil || len(comments) != 2 || comments[0].Path != "app/pricing.py" || comments[0].Line != 6 || comments[0].Side != "new" {
		t.Errorf("feedback comments %+v, %v", comments, err)
	}
}
