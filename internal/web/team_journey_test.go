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
)

const teamPassword = "correct horse battery"

// teamInterviewForm is the editor's form for a written-answer step and,
// when withChoice, a multiple-choice step with two options.
func teamInterviewForm(jobID int64, withChoice bool, correct bool) url.Values {
	f := url.Values{
		"job_id": {fmt.Sprint(jobID)}, "title": {"First round"}, "intro": {"Thanks for your time."}, "deadline_days": {"7"},
		"steps.0.id": {"0"}, "steps.0.kind": {"text"}, "steps.0.title": {"Why this job"}, "steps.0.prompt": {"Tell us why."},
		"steps.0.minutes": {"10"}, "steps.0.max_words": {"300"}, "steps.0.position": {"1"},
	}
	if withChoice {
		f.Set("steps.1.id", "0")
		f.Set("steps.1.kind", "choice")
		f.Set("steps.1.title", "Which is a Go keyword?")
		f.Set("steps.1.prompt", "Choose one.")
		f.Set("steps.1.minutes", "2")
		f.Set("steps.1.points", "2")
		f.Set("steps.1.position", "2")
		f.Set("steps.1.options.0.id", "0")
		f.Set("steps.1.options.0.text", "defer")
		f.Set("steps.1.options.1.id", "0")
		f.Set("steps.1.options.1.text", "finally")
		f.Set("steps.1.options.2.id", "0")
		f.Set("steps.1.options.2.text", "")
		if correct {
			f.Set("steps.1.options.0.correct", "1")
		}
	}
	return f
}

// teamSetUpInterview creates a job and an interview through the pages, the
// way a recruiter does, and returns their ids.
func teamSetUpInterview(t *testing.T, b *browser) (jobID, ivID int64) {
	t.Helper()
	resp, body := b.post("/jobs", url.Values{"title": {"Backend engineer"}, "description": {"Go and SQL.\n\nRemote."}})
	doc := teamMust(t, "create job", resp, body, http.StatusOK)
	jobID = teamLastID(t, resp.Request.URL.Path)
	if got := teamText(doc, "h1"); !strings.Contains(got, "Backend engineer") {
		t.Fatalf("job page h1 %q", got)
	}

	resp, body = b.get(fmt.Sprintf("/interviews/new?job=%d", jobID))
	doc = teamMust(t, "new interview", resp, body, http.StatusOK)
	if doc.Find(`fieldset.step-edit`).Length() != 1 || doc.Find(`input[name="steps.0.kind"][value="text"]`).Length() != 1 {
		t.Fatalf("the new interview form does not start with one written-answer step")
	}

	// "Add a multiple-choice step" re-renders with what was typed and one more step.
	f := teamInterviewForm(jobID, false, false)
	f.Set("action", "add_choice")
	resp, body = b.post("/interviews", f)
	doc = teamMust(t, "add step", resp, body, http.StatusOK)
	if n := doc.Find(`fieldset.step-edit`).Length(); n != 2 {
		t.Fatalf("after add, %d step blocks, want 2", n)
	}
	if v, _ := doc.Find(`input[name="steps.0.title"]`).Attr("value"); v != "Why this job" {
		t.Errorf("the typed title was lost: %q", v)
	}
	if doc.Find(`input[name="steps.1.kind"][value="choice"]`).Length() != 1 || doc.Find(`input[name^="steps.1.options."][name$=".text"]`).Length() < 2 {
		t.Errorf("the added step is not a choice step with option rows")
	}

	// A domain validation error keeps every value.
	f = teamInterviewForm(jobID, true, false)
	f.Set("action", "save")
	resp, body = b.post("/interviews", f)
	doc = teamMust(t, "invalid interview", resp, body, http.StatusBadRequest)
	if msg := teamText(doc, ".error"); !strings.Contains(msg, "correct") {
		t.Errorf("error %q, want one about the correct option", msg)
	}
	if v, _ := doc.Find(`input[name="steps.1.options.1.text"]`).Attr("value"); v != "finally" {
		t.Errorf("option text lost after the error: %q", v)
	}
	if v := doc.Find(`textarea[name="steps.0.prompt"]`).Text(); v != "Tell us why." {
		t.Errorf("prompt lost after the error: %q", v)
	}

	f = teamInterviewForm(jobID, true, true)
	f.Set("action", "save")
	resp, body = b.post("/interviews", f)
	doc = teamMust(t, "save interview", resp, body, http.StatusOK)
	ivID = teamLastID(t, resp.Request.URL.Path)
	if n := doc.Find("ol.steps > li").Length(); n != 2 {
		t.Fatalf("overview lists %d steps, want 2", n)
	}
	if got := teamText(doc, ".total"); !strings.Contains(got, "12 minutes") {
		t.Errorf("total estimate %q, want 12 minutes", got)
	}
	return jobID, ivID
}

// teamLinks returns the magic links on an invitation result page.
func teamLinks(doc *goquery.Document) []string {
	var out []string
	doc.Find("code.links").Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestTeamJourney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	// Sign in again through the form, for the audit log.
	owner.post("/logout", url.Values{})
	resp, body := owner.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {teamPassword}, "next": {"/"}})
	teamMust(t, "sign in", resp, body, http.StatusOK)

	resp, body = owner.post("/jobs", url.Values{"title": {"  "}})
	if doc := teamMust(t, "empty job", resp, body, http.StatusBadRequest); doc.Find(".error").Length() != 1 {
		t.Error("an empty job title shows no error")
	}
	jobID, ivID := teamSetUpInterview(t, owner)

	// The editor keeps step and option ids in hidden fields.
	resp, body = owner.get(fmt.Sprintf("/interviews/%d/edit", ivID))
	doc := teamMust(t, "edit interview", resp, body, http.StatusOK)
	if v, _ := doc.Find(`input[name="steps.1.options.0.id"]`).Attr("value"); v == "0" || v == "" {
		t.Errorf("saved option id not in the editor: %q", v)
	}
	if doc.Find(`select[name$=".kind"]`).Length() != 0 {
		t.Error("an existing step's kind can be changed")
	}

	// Invite by paste: a bad row and a duplicate are reported by line.
	pasted := "Ada Lovelace, ada@example.com\nnot an address\nGrace Hopper <grace@example.com>\nada@example.com\n"
	resp, body = owner.post(fmt.Sprintf("/interviews/%d/invitations", ivID), url.Values{"candidates": {pasted}})
	doc = teamMust(t, "invite by paste", resp, body, http.StatusOK)
	links := teamLinks(doc)
	if len(links) != 2 || !strings.HasPrefix(links[0], ts.URL+"/c/") {
		t.Fatalf("links %q, want 2 under %s/c/", links, ts.URL)
	}
	if !strings.Contains(teamText(doc, ".notice"), "shown only here") {
		t.Error("no warning that links are shown only here")
	}
	// The result is a page of its own: reloading it shows the same links
	// and invites nobody again; another browser does not see them.
	shown := resp.Request.URL.RequestURI()
	if !strings.HasPrefix(shown, fmt.Sprintf("/interviews/%d/invited/", ivID)) {
		t.Errorf("the invitation post lands on %s", shown)
	}
	if _, again := owner.get(shown); strings.Join(teamLinks(teamDoc(t, again)), " ") != strings.Join(links, " ") {
		t.Errorf("reloading shows links %q, want %q", teamLinks(teamDoc(t, again)), links)
	}
	var apps int
	if err := ts.DB.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE interview_id = $1`, ivID).Scan(&apps); err != nil || apps != 2 {
		t.Errorf("after a reload, %d applications (%v), want 2", apps, err)
	}
	other := ts.browser(t)
	if resp, body := other.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("second sign-in: %d\n%s", resp.StatusCode, body)
	}
	if _, body := other.get(shown); len(teamLinks(teamDoc(t, body))) != 0 || !strings.Contains(body, "no longer shown") {
		t.Error("another browser of the same member sees the links")
	}
	if got := teamText(doc, ".problems li"); !strings.Contains(got, "Line 2") {
		t.Errorf("problems %q, want line 2", got)
	}
	if got := teamText(doc, ".duplicates li"); !strings.Contains(got, "Line 4") {
		t.Errorf("duplicates %q, want line 4", got)
	}
	adaToken := links[0][strings.LastIndexByte(links[0], '/')+1:]

	// Invite by CSV: BOM, header, semicolons, a quoted comma.
	csv := "\ufeffname;email\n\"Lovelace, Augusta\";augusta@example.com\nBob Byte;bob@example.com\nbroken;\n"
	resp, body = owner.postFile(fmt.Sprintf("/interviews/%d/invitations", ivID), nil, "csv", "people.csv", []byte(csv))
	doc = teamMust(t, "invite by CSV", resp, body, http.StatusOK)
	if len(teamLinks(doc)) != 2 || !strings.Contains(teamText(doc, ".invite-links"), "Lovelace, Augusta") {
		t.Errorf("CSV invite: links %q, table %q", teamLinks(doc), teamText(doc, ".invite-links"))
	}
	if got := teamText(doc, ".problems li"); !strings.Contains(got, "Line 4") {
		t.Errorf("CSV problems %q, want line 4", got)
	}

	// Ada answers through the candidate's service.
	a, err := ts.Svc.Applications.ByToken(ctx, adaToken)
	if err != nil {
		t.Fatal(err)
	}
	iv, err := ts.Svc.Openings.InterviewInOrg(ctx, a.OrgID, ivID)
	if err != nil {
		t.Fatal(err)
	}
	text := "Because I like queues and careful SQL."
	if _, err := ts.Svc.Applications.SaveAnswer(ctx, a, iv.Steps[0].ID, application.AnswerInput{Text: &text}); err != nil {
		t.Fatal(err)
	}
	choice := []int64{iv.Steps[1].Options[0].ID}
	if _, err := ts.Svc.Applications.SaveAnswer(ctx, a, iv.Steps[1].ID, application.AnswerInput{Choices: &choice}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}

	teamCheckJobList(t, owner, jobID)
	appPath := fmt.Sprintf("/applications/%d", a.ID)
	teamCheckApplication(t, owner, appPath, text)

	// Olivia reviews.
	form := url.Values{fmt.Sprintf("rating.%d", iv.Steps[0].ID): {"4"}, "recommendation": {"yes"}, "note": {"Clear and concrete."}}
	resp, body = owner.post(appPath+"/review", form)
	doc = teamMust(t, "review", resp, body, http.StatusOK)
	if doc.Find(fmt.Sprintf(`input[name="rating.%d"][value="4"][checked]`, iv.Steps[0].ID)).Length() != 1 ||
		doc.Find(`input[name="recommendation"][value="yes"][checked]`).Length() != 1 {
		t.Error("the own review does not pre-fill the form")
	}

	// The job's list shows Olivia the average and the recommendations.
	listRow := func(b *browser) string {
		t.Helper()
		_, body := b.get(fmt.Sprintf("/jobs/%d?status=submitted", jobID))
		return teamText(teamDoc(t, body), "table.apps tbody td.brief")
	}
	if got := listRow(owner); !strings.Contains(got, "4 / 5") || !strings.Contains(got, "1 Yes") {
		t.Errorf("the list's reviews for Olivia: %q", got)
	}

	// A second reviewer joins through a team invitation, and sees no
	// rating in the list before reviewing.
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	if got := listRow(rita); got != "1 review · shown once you review" {
		t.Errorf("the list's reviews for Rita before hers: %q", got)
	}
	resp, body = rita.get(appPath)
	doc = teamMust(t, "reviewer reads", resp, body, http.StatusOK)
	if got := teamText(doc, ".reviews-hidden"); !strings.Contains(got, "1 review so far") {
		t.Errorf("hidden-reviews note %q", got)
	}
	if strings.Contains(body, "Clear and concrete.") || doc.Find(".other-reviews").Length() != 0 {
		t.Error("the reviewer sees Olivia's review before submitting one")
	}
	resp, body = rita.post(appPath+"/review", url.Values{"recommendation": {"strong_no"}, "note": {"Too short."},
		fmt.Sprintf("rating.%d", iv.Steps[0].ID): {"2"}})
	doc = teamMust(t, "second review", resp, body, http.StatusOK)
	if got := teamText(doc, ".other-reviews"); !strings.Contains(got, "Olivia Owner") || !strings.Contains(got, "Clear and concrete.") || !strings.Contains(got, "Yes") {
		t.Errorf("after reviewing, others' reviews read %q", got)
	}
	if got := teamText(doc, "#reviews"); !strings.Contains(got, "Average rating: 3 / 5") {
		t.Errorf("overall average not shown: %q", got)
	}
	// A reviewer cannot create jobs or see the team.
	if resp, _ := rita.post("/jobs", url.Values{"title": {"Sneaky"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer creating a job: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := rita.get("/jobs/new"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer opening the job form: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := rita.get("/team"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer opening the team page: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := rita.post(fmt.Sprintf("/applications/%d/email-link", a.ID), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer emails a link: %d, want 403", resp.StatusCode)
	}
	if resp, _ := rita.post(fmt.Sprintf("/applications/%d/relink", a.ID), url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer making a link: status %d, want 403", resp.StatusCode)
	}

	open, err := ts.Svc.Applications.ByToken(ctx, links[1][strings.LastIndexByte(links[1], '/')+1:])
	if err != nil {
		t.Fatal(err)
	}
	teamCheckRoleAndLinks(t, ts, owner, a.ID, open.ID, ivID)
	teamCheckSettings(t, owner)
	teamCheckAudit(t, owner)
}

// teamJoin invites email to the team from the owner's browser and returns
// a browser signed in as the new member.
func teamJoin(t *testing.T, ts *testServer, owner *browser, email, role string) *browser {
	t.Helper()
	resp, body := owner.post("/team/invites", url.Values{"email": {email}, "role": {role}})
	doc := teamMust(t, "invite member", resp, body, http.StatusOK)
	link := strings.TrimSpace(doc.Find("code.join-link").Text())
	if !strings.HasPrefix(link, ts.URL+"/join/") {
		t.Fatalf("join link %q", link)
	}
	if got := teamText(doc, "ul.pending"); !strings.Contains(got, email) {
		t.Errorf("pending invitations %q lack %s", got, email)
	}
	path := strings.TrimPrefix(link, ts.URL)
	b := ts.browser(t)
	resp, body = b.get(path)
	doc = teamMust(t, "join page", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".lead"), email) {
		t.Errorf("join page does not name %s", email)
	}
	resp, body = b.post(path, url.Values{"name": {"Rita Reviewer"}, "password": {"short"}})
	teamMust(t, "join with a short password", resp, body, http.StatusBadRequest)
	resp, body = b.post(path, url.Values{"name": {"Rita Reviewer"}, "password": {"a long enough password"}})
	doc = teamMust(t, "join", resp, body, http.StatusOK)
	if resp.Request.URL.Path != "/" || !strings.Contains(teamText(doc, ".flash"), "Welcome") {
		t.Fatalf("after joining: %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	// The link works once.
	resp, body = ts.browser(t).get(path)
	doc = teamMust(t, "used join link", resp, body, http.StatusNotFound)
	if !strings.Contains(teamText(doc, "main"), "already used") {
		t.Errorf("used link page says %q", teamText(doc, "main"))
	}
	return b
}

func teamCheckJobList(t *testing.T, b *browser, jobID int64) {
	t.Helper()
	job := fmt.Sprintf("/jobs/%d", jobID)
	resp, body := b.get(job)
	doc := teamMust(t, "job page", resp, body, http.StatusOK)
	if n := doc.Find("table.apps tbody tr").Length(); n != 4 {
		t.Errorf("job page lists %d applications, want 4", n)
	}
	if got := teamText(doc, `.filters a[aria-current="true"]`); !strings.HasPrefix(got, "All") || !strings.Contains(got, "Newest") {
		t.Errorf("current filter and sort %q", got)
	}
	resp, body = b.get(job + "?status=submitted")
	doc = teamMust(t, "submitted filter", resp, body, http.StatusOK)
	rows := doc.Find("table.apps tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Ada Lovelace") || !strings.Contains(rows.Text(), "2 / 2") {
		t.Errorf("submitted filter rows %q", strings.Join(strings.Fields(rows.Text()), " "))
	}
	if got := teamText(doc, `.filters a[aria-current="true"]`); !strings.HasPrefix(got, "To review 1") {
		t.Errorf("current tab %q", got)
	}
	// Sorted by name, two a page.
	resp, body = b.get(job + "?sort=name&limit=2")
	doc = teamMust(t, "by name", resp, body, http.StatusOK)
	names := func(doc *goquery.Document) []string {
		var out []string
		doc.Find(`table.apps tbody tr td a[href^="/applications/"]`).Each(func(_ int, s *goquery.Selection) { out = append(out, s.Text()) })
		return out
	}
	if got := names(doc); strings.Join(got, "|") != "Ada Lovelace|Bob Byte" {
		t.Errorf("first page by name %q", got)
	}
	next, ok := doc.Find(`.pager a[rel="next"]`).Attr("href")
	if !ok || doc.Find(".pager").Text() == "" || strings.Contains(doc.Find(".pager").Text(), "First page") {
		t.Fatalf("first page pager: %q", doc.Find(".pager").Text())
	}
	resp, body = b.get(next)
	doc = teamMust(t, "next page", resp, body, http.StatusOK)
	if got := names(doc); strings.Join(got, "|") != "Grace Hopper|Lovelace, Augusta" {
		t.Errorf("second page by name %q", got)
	}
	if !strings.Contains(teamText(doc, ".pager"), "First page") || doc.Find(`.pager a[rel="next"]`).Length() != 0 {
		t.Errorf("last page pager %q", teamText(doc, ".pager"))
	}
}

func teamCheckApplication(t *testing.T, b *browser, path, text string) {
	t.Helper()
	resp, body := b.get(path)
	doc := teamMust(t, "application", resp, body, http.StatusOK)
	if got := teamText(doc, ".answer-text"); got != text {
		t.Errorf("answer text %q", got)
	}
	if got := teamText(doc, ".answer .muted.small"); !strings.Contains(got, "7 words") {
		t.Errorf("word count %q", got)
	}
	if got := teamText(doc, ".options .chosen.correct"); got != "Chosen: defer" {
		t.Errorf("chosen correct option %q", got)
	}
	if got := teamText(doc, ".step-score"); got != "2 / 2 points" {
		t.Errorf("step score %q", got)
	}
	if got := teamText(doc, ".total-score"); got != "2 / 2 points" {
		t.Errorf("total score %q", got)
	}
	if got := teamText(doc, "#reviews"); !strings.Contains(got, "No reviews yet") {
		t.Errorf("reviews note %q", got)
	}
	// The written answer asks for a rating; the choice, scored
	// automatically, does not.
	if n := doc.Find(`#scorecard fieldset.step-rating input[value="5"]`).Length(); n != 1 {
		t.Errorf("the scorecard asks for %d ratings, want 1", n)
	}
	if n := doc.Find(".review-form fieldset.recs").Length(); n != 1 {
		t.Errorf("review form has %d recommendation fieldsets, want 1", n)
	}
	if got := teamText(doc, ".facts"); !strings.Contains(got, "CET") && !strings.Contains(got, "CEST") {
		t.Errorf("times not in the member's zone (Europe/Berlin): %q", got)
	}
}

// teamCheckRoleAndLinks: appID has submitted, openID is still answering.
func teamCheckRoleAndLinks(t *testing.T, ts *testServer, owner *browser, appID, openID, ivID int64) {
	ctx := context.Background()
	t.Helper()
	resp, body := owner.get("/team")
	doc := teamMust(t, "team page", resp, body, http.StatusOK)
	var action string
	doc.Find("table.members tbody tr").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "Rita Reviewer") {
			action, _ = s.Find("form").Attr("action")
		}
	})
	if action == "" {
		t.Fatal("no role form for Rita")
	}
	resp, body = owner.post(action, url.Values{"role": {"recruiter"}})
	doc = teamMust(t, "change role", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "recruiter") {
		t.Errorf("role flash %q", got)
	}

	// "Email a new link" queues an email with a fresh link and leaves the
	// old ones working.
	resp, body = owner.post(fmt.Sprintf("/applications/%d/email-link", appID), url.Values{})
	doc = teamMust(t, "email a link", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "on its way") {
		t.Errorf("email-link flash %q", got)
	}
	if resp.Request.URL.Path != fmt.Sprintf("/applications/%d", appID) || doc.Find("#link form[action$='/email-link']").Length() != 1 {
		t.Errorf("after emailing a link: %s, with no form to email another", resp.Request.URL.Path)
	}
	// A second click a moment later sends no second email.
	resp, body = owner.post(fmt.Sprintf("/applications/%d/email-link", appID), url.Values{})
	if got := teamText(teamMust(t, "email a link again", resp, body, http.StatusOK), ".flash"); !strings.Contains(got, "a moment ago") {
		t.Errorf("emailing a link twice: flash %q", got)
	}
	var mailed int
	if err := ts.DB.QueryRow(ctx, `SELECT COUNT(*) FROM emails WHERE application_id = $1 AND kind = 'link'`, appID).Scan(&mailed); err != nil || mailed != 1 {
		t.Errorf("%d link emails queued (%v), want 1", mailed, err)
	}

	// A submitted candidate's link is not replaced: they read their
	// status and the conversation with it, and a new one is emailed.
	if resp, _ := owner.post(fmt.Sprintf("/applications/%d/relink", appID), url.Values{}); resp.StatusCode != http.StatusConflict {
		t.Errorf("replacing a submitted candidate's link: %d, want 409", resp.StatusCode)
	}
	appID = openID

	resp, body = owner.post(fmt.Sprintf("/applications/%d/relink", appID), url.Values{})
	doc = teamMust(t, "relink", resp, body, http.StatusOK)
	newLink := teamText(doc, "code.new-link")
	if !strings.Contains(newLink, "/c/") {
		t.Errorf("new link %q", newLink)
	}
	// A reload shows the same link and makes no other.
	if _, again := owner.get(resp.Request.URL.RequestURI()); teamText(teamDoc(t, again), "code.new-link") != newLink {
		t.Errorf("reloading the new link's page shows %q, want %q", teamText(teamDoc(t, again), "code.new-link"), newLink)
	}
	resp, body = owner.post(fmt.Sprintf("/applications/%d/revoke", appID), url.Values{})
	doc = teamMust(t, "revoke", resp, body, http.StatusOK)
	if resp.Request.URL.Path != fmt.Sprintf("/interviews/%d", ivID) || !strings.Contains(teamText(doc, "table"), "Link revoked") {
		t.Errorf("after revoke: %s, table %q", resp.Request.URL.Path, teamText(doc, "table"))
	}
	// A revoked link is not mailed again: the page offers a new link.
	resp, body = owner.post(fmt.Sprintf("/applications/%d/email-link", appID), url.Values{})
	doc = teamMust(t, "email a revoked link", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Not sent") || !strings.Contains(got, "revoked") {
		t.Errorf("emailing a revoked link: flash %q", got)
	}
	if doc.Find("#link form[action$='/relink']").Length() != 1 || doc.Find("#link form[action$='/email-link']").Length() != 0 {
		t.Error("a revoked link's section does not offer just a new link")
	}
}

func teamCheckSettings(t *testing.T, owner *browser) {
	t.Helper()
	resp, body := owner.post("/settings/tokens", url.Values{"name": {"ATS sync"}})
	doc := teamMust(t, "create token", resp, body, http.StatusOK)
	secret := teamText(doc, "code.token-secret")
	if !strings.HasPrefix(secret, "ahk_") {
		t.Fatalf("token secret %q", secret)
	}
	if got := teamText(doc, "table.tokens"); !strings.Contains(got, "ATS sync") || !strings.Contains(got, secret[len(secret)-4:]) {
		t.Errorf("tokens table %q", got)
	}
	resp, body = owner.get("/settings")
	if strings.Contains(body, secret) {
		t.Error("the token secret is shown again")
	}
	resp, body = owner.post("/settings/profile", url.Values{"name": {"Olivia Owner"}, "tz": {"Mars/Olympus"}})
	doc = teamMust(t, "bad zone", resp, body, http.StatusBadRequest)
	if v, _ := doc.Find("#p-tz option[selected]").Attr("value"); v != "Mars/Olympus" {
		t.Errorf("typed zone lost: %q", v)
	}
	resp, body = owner.post("/settings/profile", url.Values{"name": {"Olivia Owner"}, "tz": {"America/New_York"},
		"my_hours": {"own"}, "my_start": {"10:00"}, "my_end": {"10:00"}, "my_days": {"1"}})
	doc = teamMust(t, "own hours that end when they start", resp, body, http.StatusBadRequest)
	if _, on := doc.Find(`input[name=my_hours][value=own]`).Attr("checked"); !on || !strings.Contains(teamText(doc, ".error"), "start before they end") {
		t.Errorf("bad own hours: %q", teamText(doc, ".error"))
	}
	resp, body = owner.post("/settings/profile", url.Values{"name": {"Olivia Owner"}, "tz": {"America/New_York"},
		"my_hours": {"own"}, "my_start": {"07:00"}, "my_end": {"15:00"}, "my_days": {"1", "2", "3"}})
	doc = teamMust(t, "profile", resp, body, http.StatusOK)
	if v, _ := doc.Find("#p-start").Attr("value"); v != "07:00" {
		t.Errorf("own hours not saved: from %q", v)
	}
	resp, body = owner.post("/settings/profile", url.Values{"name": {"Olivia Owner"}, "tz": {"America/New_York"}, "my_hours": {"team"}})
	doc = teamMust(t, "back to the team's hours", resp, body, http.StatusOK)
	if _, on := doc.Find(`input[name=my_hours][value=team]`).Attr("checked"); !on {
		t.Error("the team's hours are not chosen again")
	}
	resp, body = owner.post("/settings/org", url.Values{"name": {"Acme Ltd"}, "tz": {"Europe/Berlin"},
		"work_start": {"17:00"}, "work_end": {"09:00"}, "work_days": {"1", "2"}})
	doc = teamMust(t, "hours that end before they start", resp, body, http.StatusBadRequest)
	if v, _ := doc.Find("#o-start").Attr("value"); v != "17:00" || !strings.Contains(teamText(doc, ".error"), "start before they end") {
		t.Errorf("bad hours: %q, %q", v, teamText(doc, ".error"))
	}
	resp, body = owner.post("/settings/org", url.Values{"name": {"Acme Ltd"}, "tz": {"Europe/Berlin"},
		"work_start": {"08:30"}, "work_end": {"16:30"}, "work_days": {"1", "2", "3", "4"}, "colour": {"#8A1C7C"}})
	doc = teamMust(t, "org", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".brand"), "Acme Ltd") {
		t.Errorf("org name not updated: %q", teamText(doc, ".brand"))
	}
	if v, _ := doc.Find("#o-colour").Attr("value"); v != "#8a1c7c" {
		t.Errorf("colour not saved: %q", v)
	}
	if v, _ := doc.Find("#o-start").Attr("value"); v != "08:30" || doc.Find(`input[name=work_days]:checked, input[name=work_days][checked]`).Length() != 4 {
		t.Errorf("working hours not saved: from %q", v)
	}
}

func teamCheckAudit(t *testing.T, owner *browser) {
	t.Helper()
	resp, body := owner.get("/audit")
	doc := teamMust(t, "audit", resp, body, http.StatusOK)
	actions := map[string]bool{}
	doc.Find("table.audit tbody tr td:nth-child(3)").Each(func(_ int, s *goquery.Selection) {
		actions[strings.TrimSpace(s.Find("code").Text())] = true
		if words := strings.TrimSpace(strings.TrimSuffix(s.Text(), s.Find("code").Text())); words == "" || strings.Contains(words, ".") {
			t.Errorf("an audit action reads %q, want words", words)
		}
	})
	for _, want := range []string{"member.login", "token.create", "candidate.invite", "member.invite", "member.join", "member.role", "review.submit", "candidate.relink", "candidate.revoke", "job.create", "interview.create"} {
		if !actions[want] {
			t.Errorf("audit log lacks %s; has %v", want, actions)
		}
	}
	if got := teamText(doc, "table.audit tbody tr:first-child td:first-child"); !strings.Contains(got, "EST") && !strings.Contains(got, "EDT") {
		t.Errorf("audit time %q not in the member's zone (America/New_York)", got)
	}
}

func TestTeamPagesOfAnotherOrganisationAreNotFound(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	jobID, ivID := teamSetUpInterview(t, owner)
	resp, body := owner.post(fmt.Sprintf("/interviews/%d/invitations", ivID), url.Values{"candidates": {"ada@example.com"}})
	teamMust(t, "invite", resp, body, http.StatusOK)
	pg, err := ts.Svc.Applications.Applications(context.Background(), teamOwner(t, ts), application.Filter{JobID: jobID})
	if err != nil || len(pg.Items) != 1 {
		t.Fatalf("applications: %v %d", err, len(pg.Items))
	}
	appID := pg.Items[0].ID

	rival := teamOtherOrg(t, ts)
	for _, path := range []string{
		fmt.Sprintf("/jobs/%d", jobID), fmt.Sprintf("/jobs/%d/edit", jobID), fmt.Sprintf("/interviews/%d", ivID),
		fmt.Sprintf("/interviews/%d/edit", ivID), fmt.Sprintf("/interviews/new?job=%d", jobID), fmt.Sprintf("/applications/%d", appID),
	} {
		if resp, _ := rival.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s from another organisation: status %d, want 404", path, resp.StatusCode)
		}
	}
	posts := map[string]url.Values{
		fmt.Sprintf("/jobs/%d", jobID):                    {"title": {"Mine now"}},
		fmt.Sprintf("/jobs/%d/status", jobID):             {"status": {"closed"}},
		fmt.Sprintf("/interviews/%d", ivID):               teamInterviewForm(jobID, false, false),
		fmt.Sprintf("/interviews/%d/invitations", ivID):   {"candidates": {"eve@example.com"}},
		fmt.Sprintf("/applications/%d/review", appID):     {"recommendation": {"no"}},
		fmt.Sprintf("/applications/%d/relink", appID):     {},
		fmt.Sprintf("/applications/%d/revoke", appID):     {},
		fmt.Sprintf("/applications/%d/email-link", appID): {},
		"/interviews": teamInterviewForm(jobID, false, false),
	}
	for path, form := range posts {
		if resp, _ := rival.post(path, form); resp.StatusCode != http.StatusNotFound {
			t.Errorf("POST %s from another organisation: status %d, want 404", path, resp.StatusCode)
		}
	}
	if resp, body := owner.get(fmt.Sprintf("/jobs/%d", jobID)); !strings.Contains(body, "Backend engineer") || resp.StatusCode != 200 {
		t.Error("the job changed")
	}
}

// teamOwner is the first organisation's owner, for domain calls.
func teamOwner(t *testing.T, ts *testServer) account.Member {
	t.Helper()
	ctx := context.Background()
	token, err := ts.Svc.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "olivia@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := ts.Svc.Accounts.TokenMember(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
