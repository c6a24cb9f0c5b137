package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/agreement"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// TestAgreementReport: a job's report of how far its reviewers agree,
// per criterion (the scorecard's, Overall and the recommendation), as a
// chart drawn on the server with the same figures in a table, and each
// reviewer's offset from the others. Another organisation reads none of
// it.
func TestAgreementReport(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	job, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Design", "Why us")...)
	iv, err := ts.Svc.Openings.SetScorecard(ctx, om, iv.ID, opening.ScorecardInput{Criteria: []opening.CriterionInput{{Name: "Depth"}},
		Steps: map[int64][]string{iv.Steps[0].ID: {"Depth"}}})
	if err != nil {
		t.Fatal(err)
	}
	design, why, depth := iv.Steps[0].ID, iv.Steps[1].ID, iv.Criteria[0].ID
	members := []account.Member{om}
	for _, name := range []string{"Rita", "Bob"} {
		members = append(members, addReviewer(t, ts, om, name+" Reviewer"))
	}
	// Depth and Why us per candidate and reviewer; Bob rates a point
	// higher than the others throughout.
	depths := [][3]int{{2, 2, 3}, {4, 4, 5}, {3, 3, 4}, {5, 4, 5}}
	whys := [][3]int{{3, 4, 4}, {2, 2, 3}, {5, 5, 5}, {1, 2, 2}}
	var depthUnits, whyUnits [][]int
	for i := range depths {
		a := submitted(t, ts, om, iv, fmt.Sprintf("Cand %d", i), fmt.Sprintf("c%d@example.com", i))
		for j, m := range members {
			in := review.Input{Criteria: review.Criteria{design: {depth: depths[i][j]}}, Ratings: map[int64]int{why: whys[i][j]}, Recommendation: review.Yes}
			if _, err := ts.Svc.Reviews.Submit(ctx, m, a.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		depthUnits = append(depthUnits, depths[i][:])
		whyUnits = append(whyUnits, whys[i][:])
	}
	wantDepth, _, _ := agreement.Alpha(depthUnits)
	wantWhy, _, _ := agreement.Alpha(whyUnits)

	path := "/jobs/" + strconv.FormatInt(job.ID, 10) + "/agreement"
	resp, body := owner.get(path)
	teamMust(t, "the agreement report", resp, body, http.StatusOK)
	doc := candHTML(t, body)
	if doc.Find(`svg.agreement-chart[role="img"] rect`).Length() != 2 {
		t.Errorf("the chart has %d bars, want 2 (the recommendations are all alike)", doc.Find("svg.agreement-chart rect").Length())
	}
	rows := map[string]string{}
	doc.Find(".agreement-table").First().Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		rows[strings.TrimSpace(tr.Find("th").Text())] = strings.Join(tr.Find("td").Map(func(_ int, td *goquery.Selection) string { return strings.TrimSpace(td.Text()) }), " ")
	})
	if got, want := rows["Depth"], fmt.Sprintf("%.2f 4 12", wantDepth); got != want {
		t.Errorf("Depth: %q, want %q", got, want)
	}
	if got, want := rows["Overall"], fmt.Sprintf("%.2f 4 12", wantWhy); got != want {
		t.Errorf("Overall: %q, want %q", got, want)
	}
	if got := rows[review.RecommendationRow]; got != "— 4 12" {
		t.Errorf("the recommendations, all alike: %q", got)
	}
	offsets := candText(doc, "#offsets-h + p + table tbody tr")
	if !strings.HasPrefix(offsets, "Bob Reviewer +") {
		t.Errorf("Bob rates highest: %q", offsets)
	}
	if _, body := owner.get("/jobs/" + strconv.FormatInt(job.ID, 10)); !strings.Contains(body, path) {
		t.Error("the job page does not link to the report")
	}
	rival := teamOtherOrg(t, ts)
	if resp, _ := rival.get(path); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's report: %d", resp.StatusCode)
	}
	// A reviewer who reviewed nothing reads no one's ratings in it.
	dee := addReviewer(t, ts, om, "Dee Reviewer")
	a, err := ts.Svc.Reviews.Agreement(ctx, dee, job.ID)
	if err != nil || !a.Own || len(a.Reviewers) != 0 {
		t.Fatalf("Dee's report: %+v, %v", a, err)
	}
	for _, c := range a.Criteria {
		if c.Units != 0 || c.Ratings != 0 {
			t.Errorf("Dee reads %s over %d answers before reviewing any", c.Name, c.Units)
		}
	}
}

// TestCalibration: the team marks an application for everyone to rate
// first; once a reviewer's review is in, the application shows their
// ratings against the others' mean, and the agreement report their
// offset on the calibration set. Only a member who manages jobs marks
// one; another organisation cannot.
func TestCalibration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	om := ts.member(t, "olivia@acme.example")
	job, iv := jobWithInterview(t, ts, om, "Engineer", textSteps("Design")...)
	a := submitted(t, ts, om, iv, "Ada Lovelace", "ada@example.com")
	rita := addReviewer(t, ts, om, "Rita Reviewer")
	appPath := "/applications/" + strconv.FormatInt(a.ID, 10)
	if err := ts.Svc.Reviews.SetCalibration(ctx, rita, a.ID, true); err == nil {
		t.Error("a reviewer put an application in the calibration set")
	}
	if resp, _ := teamOtherOrg(t, ts).post(appPath+"/calibration", url.Values{"on": {"1"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation marks it: %d", resp.StatusCode)
	}
	resp, body := owner.post(appPath+"/calibration", url.Values{"on": {"1"}})
	teamMust(t, "mark for calibration", resp, body, http.StatusOK)
	if !strings.Contains(candText(candHTML(t, body), "#calibration"), "Calibration set") {
		t.Fatal("the application does not say it is in the calibration set")
	}
	step := iv.Steps[0].ID
	if _, err := ts.Svc.Reviews.Submit(ctx, rita, a.ID, review.Input{Ratings: map[int64]int{step: 2}, Recommendation: review.No}); err != nil {
		t.Fatal(err)
	}
	resp, body = owner.post(appPath+"/review", url.Values{fmt.Sprintf("rating.%d", step): {"5"}, "recommendation": {"yes"}})
	teamMust(t, "review", resp, body, http.StatusOK)
	_, body = owner.get(appPath)
	if got := candText(candHTML(t, body), "#calibration table tbody"); got != "1. Design 5 2 (1)" {
		t.Errorf("the owner's ratings against the team's: %q", got)
	}
	_, body = owner.get("/jobs/" + strconv.FormatInt(job.ID, 10) + "/agreement")
	if got := candText(candHTML(t, body), "#offsets-h + p + table tbody tr"); !strings.Contains(got, "+3.00 1 +3.00 (1)") {
		t.Errorf("the offsets with the calibration set: %q", got)
	}
	if _, body := owner.get("/jobs/" + strconv.FormatInt(job.ID, 10)); !strings.Contains(body, `<span class="badge">Calibration</span>`) {
		t.Error("the job's list does not mark the calibration set")
	}
	if resp, _ := owner.post(appPath+"/calibration", url.Values{"on": {"0"}}); resp.StatusCode != http.StatusOK {
		t.Errorf("take it out: %d", resp.StatusCode)
	}
	if _, body := owner.get(appPath); strings.Contains(body, "Calibration set</span>") {
		t.Error("still marked after being taken out")
	}
}
