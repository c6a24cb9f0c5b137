package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/git/gittest"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// TestShareLinkJourney: the team shares two applications with a hiring
// manager to read and rate; the guest, with no account, opens the link,
// reads an answer and rates it; the team sees the openings and the
// guest's ratings in their name; a view-only link refuses to rate, a
// changed token and another application are refused, and a revoked link
// no longer opens.
func TestShareLinkJourney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	job, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Why us")...)
	ada := submitted(t, ts, om, iv, "Ada Lovelace", "ada@example.com")
	bob := submitted(t, ts, om, iv, "Bob Byron", "bob@example.com")
	cyd := submitted(t, ts, om, iv, "Cyd Charisse", "cyd@example.com")
	_ = job

	// The form from the job's list, then the link, shown once.
	resp, body := owner.get("/share/new?app=" + strconv.FormatInt(ada.ID, 10) + "&app=" + strconv.FormatInt(bob.ID, 10))
	teamMust(t, "the share form", resp, body, http.StatusOK)
	form := url.Values{"app": {strconv.FormatInt(ada.ID, 10), strconv.FormatInt(bob.ID, 10)}, "guest_name": {""}, "mode": {"rate"}, "days": {"7"}}
	resp, body = owner.post("/share", form)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "cannot be empty") {
		t.Fatalf("a link without the guest's name: %d", resp.StatusCode)
	}
	form.Set("guest_name", "Hana Hiring")
	resp, body = owner.post("/share", form)
	teamMust(t, "make the link", resp, body, http.StatusOK)
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no link on the page:\n%s", body)
	}
	viewForm := url.Values{"app": {strconv.FormatInt(ada.ID, 10)}, "guest_name": {"Vic Viewer"}, "mode": {"view"}, "days": {"3"}}
	_, body = owner.post("/share", viewForm)
	viewLink := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)

	// The guest: a fresh browser, no account.
	guest := ts.browser(t)
	resp, body = guest.get(link)
	teamMust(t, "the guest's list", resp, body, http.StatusOK)
	if resp.Header.Get("Referrer-Policy") != "no-referrer" || !strings.Contains(body, "Ada Lovelace") || strings.Contains(body, "Cyd Charisse") {
		t.Errorf("the guest's list: %q\n%s", resp.Header.Get("Referrer-Policy"), body)
	}
	appPath := link + "/a/" + strconv.FormatInt(ada.ID, 10)
	resp, body = guest.get(appPath)
	teamMust(t, "the guest reads Ada's answers", resp, body, http.StatusOK)
	if strings.Contains(body, "Internal note") || strings.Contains(body, "Colleagues' reviews") {
		t.Error("the guest sees the team's own")
	}
	resp, body = guest.post(appPath+"/rate", url.Values{"rating." + strconv.FormatInt(iv.Steps[0].ID, 10): {"6"}, "recommendation": {"yes"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "from 1 to 5") {
		t.Errorf("a rating of 6: %d", resp.StatusCode)
	}
	resp, body = guest.post(appPath+"/rate", url.Values{"rating." + strconv.FormatInt(iv.Steps[0].ID, 10): {"4"}, "recommendation": {"yes"}, "note": {"Clear thinker."}})
	teamMust(t, "the guest rates", resp, body, http.StatusOK)
	if !strings.Contains(body, "Saved. The team sees your ratings in your name") {
		t.Error("the guest is not told the ratings are saved")
	}
	for name, path := range map[string]string{
		"another application": link + "/a/" + strconv.FormatInt(cyd.ID, 10),
		"a changed token":     link[:len(link)-2] + "xx",
		"a made-up token":     "/s/ahs_nothing",
	} {
		if resp, _ := guest.get(path); resp.StatusCode == http.StatusOK {
			t.Errorf("%s opens: %d", name, resp.StatusCode)
		}
	}
	if resp, _ := guest.post(viewLink+"/a/"+strconv.FormatInt(ada.ID, 10)+"/rate", url.Values{"recommendation": {"yes"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("rating through a view-only link: %d", resp.StatusCode)
	}

	// The team: the openings, and the guest's ratings once its own review is in.
	ts.Svc.Reviews.Submit(ctx, om, ada.ID, reviewYes(iv.Steps[0].ID))
	_, body = owner.get("/applications/" + strconv.FormatInt(ada.ID, 10))
	doc := candHTML(t, body)
	shared := candText(doc, "#share")
	if !strings.Contains(shared, "Hana Hiring · read and rate") || !strings.Contains(shared, "opened 3 times") || !strings.Contains(shared, "Vic Viewer · read") {
		t.Errorf("the application's share links: %q", shared)
	}
	if got := candText(doc, "#reviews"); !strings.Contains(got, "Hana Hiring (guest) recommends: Yes") || !strings.Contains(got, "Clear thinker.") {
		t.Errorf("the guest's ratings on the application: %q", got)
	}
	// Revoked: the link closes at once; the other keeps working.
	links, err := ts.Svc.Shares.ForApplication(ctx, om, ada.ID)
	if err != nil || len(links) != 2 || links[1].GuestName != "Hana Hiring" {
		t.Fatalf("the links: %+v, %v", links, err)
	}
	id := []string{"", strconv.FormatInt(links[1].ID, 10)}
	resp, _ = owner.post("/share/"+id[1]+"/revoke", url.Values{"back": {"/\t/evil.example"}})
	teamMust(t, "revoke", resp, "", http.StatusOK)
	if resp.Request.URL.Host != strings.TrimPrefix(ts.URL, "http://") || resp.Request.URL.Path != "/" {
		t.Errorf("after revoking, the redirect went to %s", resp.Request.URL)
	}
	if resp, body := guest.get(link); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "revoked") {
		t.Errorf("a revoked link: %d", resp.StatusCode)
	}
	if resp, _ := guest.get(viewLink); resp.StatusCode != http.StatusOK {
		t.Errorf("the other link after one was revoked: %d", resp.StatusCode)
	}
	if resp, _ := teamOtherOrg(t, ts).post("/share/"+id[1]+"/revoke", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation revokes: %d", resp.StatusCode)
	}
}

// TestShareLinkInBrowser: a guest opens a link in a fresh browser without
// an account and rates; axe on the guest's pages at two widths.
func TestShareLinkInBrowser(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	_, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Why us", "Design a queue")...)
	ada := submitted(t, ts, om, iv, "Ada Lovelace", "ada@example.com")
	_, body := owner.post("/share", url.Values{"app": {strconv.FormatInt(ada.ID, 10)}, "guest_name": {"Hana Hiring"}, "mode": {"rate"}, "days": {"7"}})
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	b := browsertest.New(t)
	for _, size := range [][2]int{{browsertest.DesktopWidth, browsertest.DesktopHeight}, {browsertest.PhoneWidth, browsertest.PhoneHeight}} {
		p := b.Page(t, size[0], size[1])
		p.Navigate(ts.URL + link)
		p.CheckAccessibility()
		p.Click("ol.steps a")
		p.WaitVisible("#rate")
		p.CheckAccessibility()
		p.Click(`#rate input[value="5"] + span`)
		p.Click(`#rate input[name="recommendation"][value="strong_yes"] + span`)
		p.Submit("#rate button.primary")
		p.WaitVisible("#rate .flash")
		p.CheckAccessibility()
		p.Screenshot("share-guest-" + strconv.Itoa(size[0]))
	}
}

// TestShareLinkWorkInBrowser: a guest reads a take-home's pushes, with a
// push's tests open, a file of the work, and a code review, on the
// application's page and in the change; axe on each at two widths.
func TestShareLinkWorkInBrowser(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	ctx := context.Background()
	w := apptest.New(t, app.Config{})
	g, err := grader.New(sandboxtest.New(t), grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Gradings.SetGrader(g, nil)
	w.Takehomes.SetReportWait(0)
	ts := &testServer{Server: w.Server, DB: w.DB, Svc: w.Services}
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	sample := codereview.Samples[0]
	task := sample.Task
	_, iv := jobWithInterview(t, ts, om, "Engineer",
		opening.Step{Kind: opening.KindTakehome, Title: "Pricing", Prompt: "Make `total` add up the items.",
			Takehome: &opening.TakehomeTask{Language: opening.Python, Hours: 3,
				Starter: map[string]string{"app/pricing.py": "def total(items):\n    return 0\n"},
				Visible: map[string]string{"tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n"},
				Hidden:  map[string]string{"hidden/test_total.py": "from app.pricing import total\n\ndef test_sum():\n    assert total([1, 2]) == 3\n"}}},
		opening.Step{Kind: opening.KindCodeReview, Title: sample.Title, Prompt: sample.Prompt, Minutes: sample.Minutes, CodeReview: &task})
	res, err := w.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	a := res.Invitations[0].Application
	if _, err := w.Takehomes.Start(ctx, a, iv.Steps[0].ID); err != nil {
		t.Fatal(err)
	}
	work := zipBytes(t, map[string]string{"work/app/pricing.py": "def total(items):\n    return sum(items)\n",
		"work/tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n"})
	if _, err := w.Takehomes.Upload(ctx, a, iv.Steps[0].ID, "work.zip", work); err != nil {
		t.Fatal(err)
	}
	p0 := task.Planted[0]
	cr := &application.CodeReview{Summary: "Needs changes before merging.", Comments: []application.LineComment{
		{File: p0.File, Side: p0.Side, LineStart: p0.LineStart, LineEnd: p0.LineEnd, Body: "The term goes straight into the SQL."}}}
	if _, err := w.Applications.SaveAnswer(ctx, a, iv.Steps[1].ID, application.AnswerInput{CodeReview: cr}); err != nil {
		t.Fatal(err)
	}
	w.Work(t)
	if a, err = w.Applications.ByToken(ctx, res.Invitations[0].Token); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	link := shareLink(t, owner, "rate", a.ID)
	b := browsertest.New(t)
	for _, size := range [][2]int{{browsertest.DesktopWidth, browsertest.DesktopHeight}, {browsertest.PhoneWidth, browsertest.PhoneHeight}} {
		p := b.Page(t, size[0], size[1])
		p.Navigate(fmt.Sprintf("%s%s/a/%d", w.URL, link, a.ID))
		p.WaitVisible(".push-list")
		p.Click(".push-list details summary")
		p.WaitVisible(".push-list .code-tests-list")
		p.CheckAccessibility()
		p.Screenshot("share-guest-work-" + strconv.Itoa(size[0]))
		p.Click(`a[href$="/repository/file"]`)
		p.WaitVisible(".file-view")
		p.CheckAccessibility()
		p.Screenshot("share-guest-file-" + strconv.Itoa(size[0]))
		p.Navigate(fmt.Sprintf("%s%s/a/%d", w.URL, link, a.ID))
		p.WaitVisible(".push-list")
		p.Click(`a[href$="/codereview"].button`)
		p.WaitVisible("#comment-0")
		p.CheckAccessibility()
		p.Screenshot("share-guest-codereview-" + strconv.Itoa(size[0]))
	}
}

// TestShareLinkFiles: a guest downloads the files of an application the
// link shares, and no other's, even by its number.
func TestShareLinkFiles(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	_, iv := jobWithInterview(t, ts, om, "Designer", opening.Step{Kind: opening.KindFile, Title: "Your design",
		Files: &opening.FileRules{Types: []string{"pdf"}, MaxFiles: 2, MaxMB: 1}})
	var files []int64
	var apps []application.Application
	for _, name := range []string{"Ada", "Bob"} {
		res, err := ts.Svc.Applications.Invite(ctx, om, iv.ID, []application.NewCandidate{{Name: name + " Candidate", Email: strings.ToLower(name) + "@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
		f, err := ts.Svc.Files.Add(ctx, a, iv.Steps[0].ID, name+".pdf", strings.NewReader("%PDF-1.7 "+name+"'s design"))
		if err != nil {
			t.Fatal(err)
		}
		if a, err = ts.Svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		files, apps = append(files, f.ID), append(apps, a)
	}
	_, body := owner.post("/share", url.Values{"app": {strconv.FormatInt(apps[0].ID, 10)}, "guest_name": {"Hana Hiring"}, "mode": {"view"}, "days": {"7"}})
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	guest := ts.browser(t)
	appPath := link + "/a/" + strconv.FormatInt(apps[0].ID, 10)
	_, body = guest.get(appPath)
	if !strings.Contains(body, appPath+"/files/"+strconv.FormatInt(files[0], 10)) {
		t.Fatalf("the guest's page does not offer Ada's file:\n%s", body)
	}
	resp, body := guest.get(appPath + "/files/" + strconv.FormatInt(files[0], 10))
	if resp.StatusCode != http.StatusOK || body != "%PDF-1.7 Ada's design" || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Ada's file: %d %q, Cache-Control %q", resp.StatusCode, body, resp.Header.Get("Cache-Control"))
	}
	for name, path := range map[string]string{
		"Bob's file through Ada's page": appPath + "/files/" + strconv.FormatInt(files[1], 10),
		"Bob's file through Bob's page": link + "/a/" + strconv.FormatInt(apps[1].ID, 10) + "/files/" + strconv.FormatInt(files[1], 10),
	} {
		if resp, _ := guest.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", name, resp.StatusCode)
		}
	}
}

// TestShareLinkVideo: a guest plays the recorded answer of an application
// the link shares, and what they played shows in the team's coverage, in
// the guest's name; spans that make no sense are refused.
func TestShareLinkVideo(t *testing.T) {
	t.Parallel()
	w := newVideoWorld(t, 3)
	appID := strconv.FormatInt(w.ada.ID, 10)
	_, body := w.owner.post("/share", url.Values{"app": {appID}, "guest_name": {"Hana Hiring"}, "mode": {"view"}, "days": {"7"}})
	link := regexp.MustCompile(`/s/ahs_[A-Za-z0-9_-]+`).FindString(body)
	if link == "" {
		t.Fatalf("no link:\n%s", body)
	}
	guest := w.browser(t)
	page := link + "/a/" + appID
	media := page + "/media/" + strconv.FormatInt(w.take.ID, 10)
	_, body = guest.get(page)
	if !strings.Contains(body, media+"/video") || !strings.Contains(body, `data-watch-url="`+media+`/watched"`) {
		t.Fatalf("the guest's page does not play the take:\n%s", body)
	}
	if resp, _ := guest.get(media + "/video"); resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "video/") {
		t.Errorf("the take for the guest: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := guest.send(http.MethodPost, media+"/watched", "application/json", `{"spans": [[2, 1]]}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a span that ends before it starts: %d", resp.StatusCode)
	}
	resp, body := guest.send(http.MethodPost, media+"/watched", "application/json", `{"spans": [[0, 1.5]]}`)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `"watched_seconds":1.5`) {
		t.Fatalf("the guest's viewing: %d %s", resp.StatusCode, body)
	}
	_, body = w.owner.get("/applications/" + appID)
	if !strings.Contains(body, "Hana Hiring (guest)") {
		t.Error("the team's coverage does not show the guest's viewing")
	}
	if resp, _ := guest.send(http.MethodPost, page+"/media/999999/watched", "application/json", `{"spans": [[0, 1]]}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another recording: %d", resp.StatusCode)
	}
}
