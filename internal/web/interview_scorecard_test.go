package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/review"
)

// TestScorecardInThePages: the team writes an interview's criteria with
// what a 1, a 3 and a 5 look like and ticks the steps that inform each;
// mistakes come back with what was typed; reviewers rate the criteria on
// the answers, with the words beside the scale, and read the averages
// per criterion once their own review is in. Another organisation sees
// no scorecard.
func TestScorecardInThePages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	_, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Design a queue", "Why us")...)
	design, why := iv.Steps[0], iv.Steps[1]
	path := fmt.Sprintf("/interviews/%d/scorecard", iv.ID)

	resp, body := owner.get(path)
	teamMust(t, "the scorecard editor", resp, body, http.StatusOK)
	if n := candHTML(t, body).Find("fieldset.criterion-edit").Length(); n != 3 {
		t.Fatalf("an empty scorecard offers %d rows, want 3", n)
	}
	form := url.Values{"rows": {"3"},
		"c.0.name": {"Explains trade-offs"}, "c.0.level1": {"Names one option"}, "c.0.level3": {"Weighs two"}, "c.0.level5": {"Weighs them against the context"},
		"c.1.name":                       {"explains trade-offs"},
		fmt.Sprintf("s.%d.0", design.ID): {"1"}}
	resp, body = owner.post(path, form)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "#scorecard-error"), "both called") {
		t.Fatalf("duplicate names: %d %q", resp.StatusCode, candText(doc, "#scorecard-error"))
	}
	if v, _ := doc.Find("#c0-level5").Html(); v != "Weighs them against the context" {
		t.Errorf("what was typed is lost: %q", v)
	}
	form.Set("c.1.name", "Communicates clearly")
	form.Set(fmt.Sprintf("s.%d.1", why.ID), "1")
	resp, body = owner.post(path, form)
	teamMust(t, "save the scorecard", resp, body, http.StatusOK)
	if !strings.Contains(body, "The scorecard is saved") {
		t.Errorf("no word that the scorecard is saved:\n%s", body)
	}
	iv, _ = ts.Svc.Openings.Interview(ctx, om, iv.ID)
	if len(iv.Criteria) != 2 || len(iv.Steps[0].Criteria) != 1 || len(iv.Steps[1].Criteria) != 1 {
		t.Fatalf("saved: %+v %+v", iv.Criteria, iv.Steps)
	}
	trade, clear := iv.Criteria[0].ID, iv.Criteria[1].ID

	// A candidate submits; the reviewer rates the criteria.
	cand := submitted(t, ts, om, iv, "Ada Lovelace", "ada@example.com")
	appPath := "/applications/" + strconv.FormatInt(cand.ID, 10)
	_, body = owner.get(appPath)
	doc = candHTML(t, body)
	if n := doc.Find("fieldset.criterion-rating").Length(); n != 2 {
		t.Fatalf("%d criteria to rate, want 2", n)
	}
	if got := candText(doc, "fieldset.criterion-rating .levels"); !strings.Contains(got, "1 Names one option") || !strings.Contains(got, "5 Weighs them against the context") {
		t.Errorf("the levels beside the scale: %q", got)
	}
	if doc.Find(fmt.Sprintf(`input[name="rating.%d"]`, design.ID)).Length() != 0 {
		t.Error("a step that informs criteria still asks for an overall rating")
	}
	crit := func(step, c int64) string { return fmt.Sprintf("crit.%d.%d", step, c) }
	// A colleague reviewed first.
	rita := addReviewer(t, ts, om, "Rita Reviewer")
	if _, err := ts.Svc.Reviews.Submit(ctx, rita, cand.ID, review.Input{Criteria: review.Criteria{design.ID: {trade: 2}, why.ID: {clear: 4}}, Recommendation: review.No}); err != nil {
		t.Fatal(err)
	}
	resp, body = owner.post(appPath+"/review", url.Values{crit(design.ID, trade): {"6"}, "recommendation": {"yes"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "ratings go from 1 to 5") {
		t.Errorf("a rating of 6: %d", resp.StatusCode)
	}
	resp, body = owner.post(appPath+"/review", url.Values{crit(design.ID, trade): {"4"}, crit(why.ID, clear): {"5"}, "recommendation": {"yes"}})
	teamMust(t, "submit the review", resp, body, http.StatusOK)
	doc = candHTML(t, body)
	avg := candText(doc, ".criterion-averages")
	if !strings.Contains(avg, "Explains trade-offs 3 / 5") || !strings.Contains(avg, "Communicates clearly 4.5 / 5") {
		t.Errorf("the averages per criterion: %q", avg)
	}
	if v, ok := doc.Find(fmt.Sprintf(`input[name="%s"][value="4"]`, crit(design.ID, trade))).Attr("checked"); !ok {
		t.Errorf("the submitted rating is not shown checked: %q", v)
	}

	// The job's list averages criteria ratings too: (4 + 5 + 2 + 4) / 4.
	if _, body := owner.get(fmt.Sprintf("/jobs/%d", iv.JobID)); !strings.Contains(body, "<strong>3.8</strong>") {
		t.Error("the job's list does not average the criteria's ratings")
	}

	// Another organisation: not found; a reviewer cannot edit it.
	rival := teamOtherOrg(t, ts)
	if resp, _ := rival.get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's scorecard: %d", resp.StatusCode)
	}
	if resp, _ := rival.post(path, form); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation saves the scorecard: %d", resp.StatusCode)
	}
}
