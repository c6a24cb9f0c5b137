package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/application"
)

// submitted invites name to the fixture's interview and submits for them.
func (f *candidateFixture) submitted(t *testing.T, name, email string) application.Invitation {
	t.Helper()
	inv := f.invite(t, f.iv, name, email)
	a, err := f.ts.Svc.Applications.ByToken(context.Background(), inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.Svc.Applications.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return inv
}

// TestDecisionPages decides on one application from its page and on two
// from the job's list, previewing before sending; the candidate reads the
// decision and its feedback on their status page.
func TestDecisionPages(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.submitted(t, "Ada Lovelace", "ada@example.com")
	grace := f.submitted(t, "Grace Hopper", "grace@example.com")
	linus := f.invite(t, f.iv, "Linus", "linus@example.com") // not submitted
	team := f.teamLogin(t)

	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	resp, body := team.get(app)
	doc := teamMust(t, "application", resp, body, http.StatusOK)
	link, _ := doc.Find(`#decision a[href*="outcome=reject"]`).Attr("href")
	if link == "" {
		t.Fatal("no Reject link on the application page")
	}
	resp, body = team.get(link)
	doc = teamMust(t, "decide", resp, body, http.StatusOK)
	form := ivvForm(doc, "form.decide-form")
	if !strings.HasPrefix(form.Get("template"), "Hello [first name],") || form.Get("outcome") != "reject" {
		t.Fatalf("the form starts with %v", form)
	}
	if n := doc.Find(`.insert-bar button[data-insert="[first name]"]`).Length(); n != 1 {
		t.Errorf("%d buttons insert [first name], want 1", n)
	}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	// A mistyped placeholder is caught, not sent in brackets.
	bad.Set("template", "Hello [frist name]")
	bad.Set("action", "preview")
	resp, body = team.post("/decide", bad)
	doc = teamMust(t, "a bad placeholder", resp, body, http.StatusBadRequest)
	if !strings.Contains(teamText(doc, ".error"), "[frist name], which is not a placeholder") || doc.Find("#template").Text() != "Hello [frist name]" {
		t.Errorf("a bad placeholder: %q", teamText(doc, ".error"))
	}
	// The older {{.Field}} form still works, for messages saved with it.
	bad.Set("template", "Hello {{.Candidate.FirstName}} and [ First  Name ]")
	resp, body = team.post("/decide", bad)
	if got := teamText(teamMust(t, "old fields", resp, body, http.StatusOK), "article.preview"); !strings.Contains(got, "Hello Ada and Ada") {
		t.Errorf("the older fields: %q", got)
	}

	form.Set("feedback", "Your design answer needed numbers.")
	form.Set("reason", "Skills gap")
	form.Set("template", strings.Replace(form.Get("template"), "Hello [first name],", "Dear [first name],", 1))
	form.Set("save_for_job", "1")
	form.Set("action", "preview")
	resp, body = team.post("/decide", form)
	doc = teamMust(t, "preview", resp, body, http.StatusOK)
	if got := teamText(doc, "article.preview"); !strings.Contains(got, "Dear Ada,") || !strings.Contains(got, "needed numbers") || strings.Contains(got, "Skills gap") {
		t.Errorf("preview %q", got)
	}
	if a, _ := f.ts.Svc.Applications.Application(context.Background(), f.owner, ada.Application.ID); a.Status != application.Submitted {
		t.Fatal("a preview decided")
	}
	form.Set("action", "send")
	resp, body = team.post("/decide", form)
	doc = teamMust(t, "send", resp, body, http.StatusOK)
	if resp.Request.URL.Path != app || !strings.Contains(teamText(doc, ".flash"), "Decision sent (reject)") {
		t.Errorf("after sending: at %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	if got := teamText(doc, "#decision"); !strings.Contains(got, "Reject") || !strings.Contains(got, "Skills gap") {
		t.Errorf("the decision card %q", got)
	}
	if !strings.Contains(teamText(doc, ".flash"), "saved as this job's “Reject” message") {
		t.Errorf("no word that the message was saved for the job: %q", teamText(doc, ".flash"))
	}

	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	_, body = cand.get(candAppPath(ada) + "/status")
	cdoc := candHTML(t, body)
	if got := candText(cdoc, "h1"); got != "The team decided not to go further" {
		t.Errorf("Ada's status page's headline: %q", got)
	}
	if got := candText(cdoc, ".cand-decision"); !strings.Contains(got, "needed numbers") || !strings.Contains(got, "Dear Ada,") || strings.Contains(got, "Skills gap") {
		t.Errorf("Ada's status page: %q", got)
	}
	if got := candText(cdoc, "p.badge"); got != "Status: Not going further" || cdoc.Find("p.badge.outcome-reject").Length() != 1 {
		t.Errorf("Ada's status line: %q", got)
	}

	// The job's saved message is where the next rejection starts.
	resp, body = team.get(fmt.Sprintf("/decide?app=%d&outcome=reject", grace.Application.ID))
	if got := ivvForm(teamMust(t, "next rejection", resp, body, http.StatusOK), "form.decide-form").Get("template"); !strings.HasPrefix(got, "Dear [first name],") {
		t.Errorf("the next rejection starts with %q, want the job's saved message", got)
	}

	// Many at once from the job page; the one not submitted is skipped.
	resp, body = team.get(fmt.Sprintf("/decide?app=%d&app=%d&outcome=advance", grace.Application.ID, linus.Application.ID))
	doc = teamMust(t, "bulk", resp, body, http.StatusOK)
	form = ivvForm(doc, "form.decide-form")
	form.Set("action", "send")
	resp, body = team.post("/decide", form)
	doc = teamMust(t, "bulk send", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Decision sent (advance)") || !strings.Contains(got, "Not decided: Linus") {
		t.Errorf("bulk flash %q", got)
	}

	// Lists say the outcome and filter by it, in the dashboard's words.
	resp, body = team.get("/")
	doc = teamMust(t, "dashboard", resp, body, http.StatusOK)
	tiles := map[string]string{}
	doc.Find(".counts a").Each(func(_ int, s *goquery.Selection) {
		tiles[strings.TrimSpace(s.Find(".label").Text())] = strings.TrimSpace(s.Find(".n").Text()) + " " + s.AttrOr("href", "")
	})
	job := fmt.Sprintf("/jobs/%d", f.job.ID)
	for label, want := range map[string]string{"Invited": "1 " + job + "?status=invited", "To review": "0 " + job + "?status=submitted",
		"Advanced": "1 " + job + "?outcome=advance", "Rejected": "1 " + job + "?outcome=reject", "On hold": "0 " + job + "?outcome=hold"} {
		if tiles[label] != want {
			t.Errorf("the dashboard's %q tile: %q, want %q", label, tiles[label], want)
		}
	}
	resp, body = team.get(job + "?outcome=reject")
	doc = teamMust(t, "rejected", resp, body, http.StatusOK)
	if got := teamText(doc, "table.apps tbody"); !strings.Contains(got, "Ada Lovelace") || strings.Contains(got, "Grace") || !strings.Contains(got, "Rejected") {
		t.Errorf("the rejected list: %q", got)
	}
	if got := teamText(doc, `.filters a[aria-current="true"]`); !strings.HasPrefix(got, "Rejected 1") {
		t.Errorf("current tab %q", got)
	}
	resp, body = team.get(job)
	doc = teamMust(t, "all", resp, body, http.StatusOK)
	if got := teamText(doc, "table.apps tbody"); !strings.Contains(got, "Advanced") || !strings.Contains(got, "Rejected") || strings.Contains(got, "Decided") {
		t.Errorf("the list's badges: %q", got)
	}
	if resp, _ := team.get(job + "?outcome=maybe"); resp.StatusCode != http.StatusOK {
		t.Errorf("an unknown outcome in the address: %d, want the whole list", resp.StatusCode)
	}

	// The report of applications waiting for a decision is now empty.
	resp, body = team.get("/waiting?days=0")
	doc = teamMust(t, "waiting", resp, body, http.StatusOK)
	if doc.Find("table.apps tbody tr").Length() != 0 {
		t.Errorf("waiting: %q", teamText(doc, "table.apps"))
	}
	f.submitted(t, "Barbara Liskov", "barbara@example.com")
	_, body = team.get("/waiting?days=0")
	if !strings.Contains(body, "Barbara Liskov") {
		t.Error("the waiting report misses a new submission")
	}
}
