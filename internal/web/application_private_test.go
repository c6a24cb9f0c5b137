package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestDraftsStayPrivateUntilSubmitted holds the candidate's status page to
// its sentence, "Nothing is sent to the team until you submit": while Ada
// is answering, the team's page for her shows which steps she answered and
// when, never what she wrote or chose, nor a score; Bob, who has not
// started, shows "–" in the list, not 0. Once Ada submits, the team reads
// everything.
func TestDraftsStayPrivateUntilSubmitted(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	f.invite(t, f.iv, "Bob Idle", "bob@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	const secret = "My half-written draft about queues"
	if resp, body := cand.post(candStepPath(ada, f.iv.Steps[0]), candForm("text", secret, "then", "stay")); resp.StatusCode != http.StatusOK {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	right := fmt.Sprint(f.iv.Steps[1].Options[1].ID)
	if resp, body := cand.post(candStepPath(ada, f.iv.Steps[1]), candForm("choice", right, "then", "stay")); resp.StatusCode != http.StatusOK {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	_, status := cand.get(candAppPath(ada) + "/status")
	if !strings.Contains(candText(candHTML(t, status), "main"), "Nothing is sent to the team until you submit.") {
		t.Fatalf("the status page no longer makes the promise this test holds:\n%s", status)
	}

	team := f.ts.browser(t)
	if resp, body := team.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %d\n%s", resp.StatusCode, body)
	}
	appPath := fmt.Sprintf("/applications/%d", ada.Application.ID)
	_, body := team.get(appPath)
	doc := candHTML(t, body)
	page := candText(doc, "main")
	for _, leak := range []string{secret, "half-written", "Chosen", "points", "Quiz score", "Score"} {
		if strings.Contains(page, leak) {
			t.Errorf("before Ada submits, the team's page shows %q:\n%s", leak, page)
		}
	}
	if got := candText(doc, "#progress h2"); got != "Progress: 2 of 4 steps answered" {
		t.Errorf("progress heading %q", got)
	}
	if got := candText(doc, "#progress ol li:nth-child(1)"); !strings.Contains(got, "Answered") || !strings.Contains(got, "last saved") {
		t.Errorf("the first step's progress reads %q", got)
	}
	if got := candText(doc, "#progress ol li:nth-child(3)"); !strings.Contains(got, "Not answered yet") {
		t.Errorf("the third step's progress reads %q", got)
	}
	if doc.Find(`input[name^="rating."], a[href^="/decide"]`).Length() != 0 {
		t.Error("the page asks for ratings or a decision before Ada submits")
	}

	// The job's list: nobody has a score before submitting.
	_, list := team.get(fmt.Sprintf("/jobs/%d", f.job.ID))
	ldoc := candHTML(t, list)
	if n := ldoc.Find("tbody tr").Length(); n != 2 {
		t.Fatalf("%d rows in the job's list, want 2", n)
	}
	ldoc.Find("tbody tr").Each(func(_ int, row *goquery.Selection) {
		if got := strings.TrimSpace(row.Find(`td[data-label="Score"]`).Text()); got != "–" {
			t.Errorf("%s: score %q before submitting, want –", strings.TrimSpace(row.Find("td").First().Text()), got)
		}
	})

	// Submitted: the team reads the answer and the score.
	if resp, body := cand.post(candAppPath(ada)+"/submit", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %d\n%s", resp.StatusCode, body)
	}
	_, body = team.get(appPath)
	page = candText(candHTML(t, body), "main")
	for _, want := range []string{secret, "Chosen", "Quiz score", "1 / 2 points"} {
		if !strings.Contains(page, want) {
			t.Errorf("after Ada submits, the team's page lacks %q:\n%s", want, page)
		}
	}
}
