package web_test

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// guestHeaders says what of a guest answer's privacy headers is wrong.
func guestHeaders(resp *http.Response) string {
	var bad []string
	for k, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow", "Cache-Control": "no-store"} {
		if got := resp.Header.Get(k); got != want {
			bad = append(bad, fmt.Sprintf("%s %q", k, got))
		}
	}
	return strings.Join(bad, ", ")
}

// shareLink makes a link to apps as the signed-in owner, in mode "view"
// or "rate", and returns its path.
func shareLink(t *testing.T, owner *browser, mode string, apps ...int64) string {
	t.Helper()
	form := url.Values{"guest_name": {"Hana Hiring"}, "mode": {mode}, "days": {"7"}}
	for _, id := range apps {
		form.Add("app", strconv.FormatInt(id, 10))
	}
	resp, body := owner.post("/share", form)
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	if resp.StatusCode != http.StatusOK || link == "" {
		t.Fatalf("share: %d, no link:\n%s", resp.StatusCode, body)
	}
	return link
}

// TestShareLinkTakehome: a take-home pushed with git and uploaded as a
// zip, graded and submitted, is shared to view only. The guest sees each
// push (its message, when, how it came) with its tests' results as the
// candidate sees them, nothing of the hidden tests but whether they
// passed, and downloads the repository at the last push as a zip named as
// the team's is (the pseudonym once the job is blind), or reads its files
// one at a time. Another application's step, a step of another kind or
// none, a hidden test, a path outside the work, a changed token, an
// expired and a revoked link get no zip and no file.
func TestShareLinkTakehome(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	ctx := context.Background()
	w := apptest.New(t, app.Config{})
	g, err := grader.New(sandboxtest.New(t), grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Gradings.SetGrader(g, nil)
	w.Takehomes.SetReportWait(0) // graded below, by Work
	ts := &testServer{Server: w.Server, DB: w.DB, Svc: w.Services}
	owner := ts.signIn(t)
	f := &candidateFixture{ts: ts, owner: ts.member(t, "olivia@acme.example")}
	if f.job, err = w.Openings.CreateJob(ctx, f.owner, opening.JobInput{Title: candPtr("Engineer")}); err != nil {
		t.Fatal(err)
	}
	iv := f.takehomeStep(t)
	stepID := iv.Steps[0].ID
	res, err := w.Applications.Invite(ctx, f.owner, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}, {Name: "Bob Byron", Email: "bob@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	ada, bob := res.Invitations[0].Application, res.Invitations[1].Application

	// Ada pushes with git, then hands in a zip in the browser.
	c, err := w.Takehomes.Start(ctx, ada, stepID)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(w.URL + "/git/" + c.Repo.Path())
	u.User = url.UserPassword(c.Username, c.Password)
	dir := filepath.Join(t.TempDir(), "work")
	candGit(t, "", "clone", "--quiet", u.String(), dir)
	if err := os.WriteFile(filepath.Join(dir, "app", "pricing.py"), []byte("def total(items):\n    return 0  # first try\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	candGit(t, dir, "commit", "--quiet", "-am", "A first try at the total")
	candGit(t, dir, "push", "--quiet")
	work := zipBytes(t, map[string]string{"work/app/pricing.py": "def total(items):\n    return sum(items)  # Ada's sum\n",
		"work/tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n"})
	if _, err := w.Takehomes.Upload(ctx, ada, stepID, "work.zip", work); err != nil {
		t.Fatal(err)
	}
	// Bob hands in a zip too; his application is not shared.
	if _, err := w.Takehomes.Start(ctx, bob, stepID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Takehomes.Upload(ctx, bob, stepID, "work.zip", zipBytes(t, map[string]string{"work/app/pricing.py": "# Bob's secret\n"})); err != nil {
		t.Fatal(err)
	}
	w.Work(t) // the gradings
	for _, inv := range res.Invitations {
		a, err := w.Applications.ByToken(ctx, inv.Token)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
	}

	link := shareLink(t, owner, "view", ada.ID)
	guest := ts.browser(t)
	appPath := link + "/a/" + strconv.FormatInt(ada.ID, 10)
	zipPath := fmt.Sprintf("%s/steps/%d/repository.zip", appPath, stepID)
	resp, body := guest.get(appPath)
	doc := teamMust(t, "the guest's page", resp, body, http.StatusOK)
	answer := teamText(doc, fmt.Sprintf("#step-%d", stepID))
	pushes := doc.Find(fmt.Sprintf("#step-%d .push-list > li", stepID))
	if pushes.Length() != 2 {
		t.Fatalf("the guest sees %d pushes:\n%s", pushes.Length(), answer)
	}
	first, second := teamText(doc, fmt.Sprintf("#step-%d .push-list > li:nth-child(1)", stepID)), teamText(doc, fmt.Sprintf("#step-%d .push-list > li:nth-child(2)", stepID))
	for _, want := range []string{"A first try at the total", "pushed", "0 / 10 points from the hidden tests", "0 of 1 passed"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first push lacks %q: %q", want, first)
		}
	}
	for _, want := range []string{"Upload work.zip in the browser", "uploaded", "10 / 10 points from the hidden tests", "1 of 1 passed", "hidden test 1", "test_empty"} {
		if !strings.Contains(second, want) {
			t.Errorf("the second push lacks %q: %q", want, second)
		}
	}
	for _, secret := range []string{"test_sum", "hidden/test_total.py", "candidate-", "150 EUR", "This kind of answer is read in anyhour"} {
		if strings.Contains(body, secret) {
			t.Errorf("the guest's page shows %q", secret)
		}
	}
	if doc.Find(`a[href="`+zipPath+`"]`).Length() != 1 {
		t.Errorf("the page does not offer the zip at %s:\n%s", zipPath, answer)
	}

	// The zip: the last push's files, under the team's name for it.
	resp, body = guest.get(zipPath)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" || guestHeaders(resp) != "" ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="ada-lovelace-Pricing.zip"` {
		t.Fatalf("the zip: %d %q %q, %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"), guestHeaders(resp))
	}
	files := zipFiles(t, body)
	if got := files["ada-lovelace-Pricing/app/pricing.py"]; !strings.Contains(got, "Ada's sum") {
		t.Errorf("the zip's pricing.py: %q (files %v)", got, keys(files))
	}
	for name := range files {
		if strings.Contains(name, "hidden") {
			t.Errorf("the zip holds %s", name)
		}
	}

	// The files, read one at a time at the last push.
	filePath := fmt.Sprintf("%s/steps/%d/repository/file", appPath, stepID)
	if doc.Find(`a[href="`+filePath+`"]`).Length() != 1 {
		t.Errorf("the page does not offer the files at %s", filePath)
	}
	resp, body = guest.get(filePath + "?path=app%2Fpricing.py")
	doc = teamMust(t, "a file of the work", resp, body, http.StatusOK)
	if got := teamText(doc, ".file-view"); !strings.Contains(got, "Ada's sum") || guestHeaders(resp) != "" {
		t.Errorf("the guest's pricing.py: %q, %s", got, guestHeaders(resp))
	}
	if tree := teamText(doc, ".file-tree"); !strings.Contains(tree, "tests/test_pricing.py") || strings.Contains(tree, "hidden") {
		t.Errorf("the guest's list of files: %q", tree)
	}

	// What gets no zip and no file.
	codeReviewPath := fmt.Sprintf("%s/steps/%d/codereview", appPath, stepID)
	for name, c := range map[string]struct {
		path string
		want int
	}{
		"another application's step":   {fmt.Sprintf("%s/a/%d/steps/%d/repository.zip", link, bob.ID, stepID), http.StatusNotFound},
		"another step":                 {fmt.Sprintf("%s/steps/%d/repository.zip", appPath, stepID+1000), http.StatusNotFound},
		"a take-home as a code review": {codeReviewPath, http.StatusNotFound},
		"a step that is no number":     {appPath + "/steps/x/repository.zip", http.StatusNotFound},
		"a changed token":              {link[:len(link)-2] + "xx" + zipPath[len(link):], http.StatusUnauthorized},
		"another application's file":   {fmt.Sprintf("%s/a/%d/steps/%d/repository/file?path=app%%2Fpricing.py", link, bob.ID, stepID), http.StatusNotFound},
		"a hidden test as a file":      {filePath + "?path=hidden%2Ftest_total.py", http.StatusNotFound},
		"a file outside the work":      {filePath + "?path=..%2F..%2F..%2Fetc%2Fpasswd", http.StatusNotFound},
		"a file with a changed token":  {link[:len(link)-2] + "xx" + filePath[len(link):], http.StatusUnauthorized},
	} {
		resp, body := guest.get(c.path)
		if resp.StatusCode != c.want || strings.Contains(body, "Ada&#39;s sum") || strings.Contains(body, "Ada's sum") || strings.Contains(body, "Bob") || strings.Contains(body, "test_sum") {
			t.Errorf("%s: %d, want %d", name, resp.StatusCode, c.want)
		}
	}

	// Blind: the zip is named for the pseudonym.
	if _, _, err := w.Applications.SetBlind(ctx, f.owner, f.job.ID, true); err != nil {
		t.Fatal(err)
	}
	resp, _ = guest.get(zipPath)
	if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != http.StatusOK || !strings.Contains(cd, `filename="candidate-`) || strings.Contains(strings.ToLower(cd), "ada") {
		t.Errorf("the zip of a blind job: %d %q", resp.StatusCode, cd)
	}

	// Expired, then revoked: the zip goes with the link.
	w.Shares.SetClock(func() time.Time { return time.Now().Add(8 * 24 * time.Hour) })
	if resp, body := guest.get(zipPath); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "expired") {
		t.Errorf("an expired link's zip: %d", resp.StatusCode)
	}
	w.Shares.SetClock(time.Now)
	links, err := w.Shares.ForApplication(ctx, f.owner, ada.ID)
	if err != nil || len(links) != 1 {
		t.Fatalf("links %v, %v", links, err)
	}
	owner.post("/share/"+strconv.FormatInt(links[0].ID, 10)+"/revoke", url.Values{})
	if resp, body := guest.get(zipPath); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "revoked") {
		t.Errorf("a revoked link's zip: %d", resp.StatusCode)
	}
	if resp, body := guest.get(filePath); resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "sum") {
		t.Errorf("a revoked link's file: %d", resp.StatusCode)
	}
}

func zipFiles(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		r.Close()
		out[f.Name] = string(data)
	}
	return out
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestShareLinkCodeReview: a code-review answer shared to view only. The
// guest reads the candidate's comments, in order, with their files and
// lines, and the summary, on the application's page and in the change;
// nothing of the planted issues, the score or the team's marks. Another
// application's review, a step of another kind, a changed token and a
// revoked link show nothing of it.
func TestShareLinkCodeReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	s := codereview.Samples[0]
	task := s.Task
	_, iv := jobWithInterview(t, ts, om, "Engineer", opening.Step{Kind: opening.KindCodeReview, Title: s.Title, Prompt: s.Prompt, Minutes: s.Minutes, CodeReview: &task},
		opening.Step{Kind: opening.KindText, Title: "Why us"})
	st := iv.Steps[0]
	planted := st.CodeReview.Planted
	p := planted[0]
	comments := []application.LineComment{
		{File: p.File, Side: p.Side, LineStart: p.LineStart, LineEnd: p.LineEnd, Body: "First: this goes <b>straight</b> into the query."},
		{File: p.File, Side: p.Side, LineStart: p.LineStart, LineEnd: p.LineStart, Body: "Second: and it is not tested."},
	}
	var apps []application.Application
	for _, name := range []string{"Ada", "Bob"} {
		res, err := ts.Svc.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: name + " Candidate", Email: strings.ToLower(name) + "@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
		review := &application.CodeReview{Comments: comments, Summary: name + " asks for changes before this is merged."}
		if _, err := ts.Svc.Applications.SaveAnswer(ctx, a, st.ID, application.AnswerInput{CodeReview: review}); err != nil {
			t.Fatal(err)
		}
		why := "Because of the product."
		if _, err := ts.Svc.Applications.SaveAnswer(ctx, a, iv.Steps[1].ID, application.AnswerInput{Text: &why}); err != nil {
			t.Fatal(err)
		}
		if a, err = ts.Svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	// The team marks the first planted issue found: the guest never learns.
	if _, err := ts.Svc.Applications.MarkCodeReview(ctx, om, apps[0].ID, st.ID, application.Mark{Planted: 0, Comment: -1, Verdict: application.Confirmed}); err != nil {
		t.Fatal(err)
	}

	link := shareLink(t, owner, "view", apps[0].ID)
	guest := ts.browser(t)
	appPath := link + "/a/" + strconv.FormatInt(apps[0].ID, 10)
	reviewPath := fmt.Sprintf("%s/steps/%d/codereview", appPath, st.ID)
	pages := map[string]string{}
	resp, body := guest.get(appPath)
	doc := teamMust(t, "the guest's page", resp, body, http.StatusOK)
	pages["the application"] = body
	answer := teamText(doc, fmt.Sprintf("#step-%d", st.ID))
	first, second := strings.Index(answer, "First: this goes <b>straight</b>"), strings.Index(answer, "Second: and it is not tested.")
	if first < 0 || second < first || !strings.Contains(answer, "Ada asks for changes") || !strings.Contains(answer, p.File) || !strings.Contains(answer, "2 comments on the change") {
		t.Errorf("the guest's page reads:\n%s", answer)
	}
	if doc.Find(`a[href="`+reviewPath+`"]`).Length() != 1 || doc.Find(`a[href="`+reviewPath+`#comment-1"]`).Length() != 1 {
		t.Errorf("the page does not lead to the review in the change")
	}
	if strings.Contains(body, "<b>straight</b>") {
		t.Error("a comment's markup reached the page as markup")
	}

	resp, body = guest.get(reviewPath)
	doc = teamMust(t, "the review in the change", resp, body, http.StatusOK)
	pages["the change"] = body
	if h := guestHeaders(resp); h != "" {
		t.Errorf("the change's headers: %s", h)
	}
	if got := doc.Find(".diff-file tr.comments .line-comment").Length(); got == 0 {
		t.Error("no comment is shown in the change")
	}
	if got := teamText(doc, "#comment-0"); !strings.Contains(got, "First: this goes") || !strings.Contains(got, p.File) {
		t.Errorf("the first comment in the list: %q", got)
	}
	if !strings.Contains(teamText(doc, "#summary-h + .answer-text"), "Ada asks for changes") || doc.Find(".in-planted, .planted-note, .planted-list, .mark-form").Length() != 0 {
		t.Errorf("the change page: summary %q, %d planted marks", teamText(doc, "#summary-h + .answer-text"), doc.Find(".in-planted, .planted-note, .planted-list, .mark-form").Length())
	}
	for name, page := range pages {
		if got := rubricIn(page, planted); len(got) != 0 {
			t.Errorf("%s shows the guest the planted issues: %q", name, got)
		}
		if got := regexp.MustCompile(`\b(points?|counts|confirmed|[Ff]ound it|missed)\b`).FindAllString(page, -1); len(got) != 0 {
			t.Errorf("%s shows the guest the team's score or marks: %q", name, got)
		}
	}

	for name, c := range map[string]struct {
		path string
		want int
	}{
		"another application's review": {fmt.Sprintf("%s/a/%d/steps/%d/codereview", link, apps[1].ID, st.ID), http.StatusNotFound},
		"a step of another kind":       {fmt.Sprintf("%s/steps/%d/codereview", appPath, iv.Steps[1].ID), http.StatusNotFound},
		"a code review as a zip":       {fmt.Sprintf("%s/steps/%d/repository.zip", appPath, st.ID), http.StatusNotFound},
		"a changed token":              {link[:len(link)-2] + "xx" + reviewPath[len(link):], http.StatusUnauthorized},
	} {
		resp, body := guest.get(c.path)
		if resp.StatusCode != c.want || strings.Contains(body, "asks for changes") {
			t.Errorf("%s: %d, want %d", name, resp.StatusCode, c.want)
		}
	}
	links, err := ts.Svc.Shares.ForApplication(ctx, om, apps[0].ID)
	if err != nil || len(links) != 1 {
		t.Fatalf("links %v, %v", links, err)
	}
	owner.post("/share/"+strconv.FormatInt(links[0].ID, 10)+"/revoke", url.Values{})
	if resp, body := guest.get(reviewPath); resp.StatusCode != http.StatusUnauthorized || strings.Contains(body, "asks for changes") {
		t.Errorf("a revoked link's review: %d", resp.StatusCode)
	}
}
