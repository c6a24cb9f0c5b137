package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
)

// assignWorld is an organisation with a job whose interview two
// candidates were invited to, and a reviewer, Rita.
type assignWorld struct {
	ts           *testServer
	owner, rita  *browser
	jobID        int64
	ritaID       int64
	ownerID      int64
	invitations  []string // the candidates' tokens
	applications []int64
}

func newAssignWorld(t *testing.T) *assignWorld {
	t.Helper()
	w := &assignWorld{ts: newTestServer(t)}
	w.owner = w.ts.signIn(t)
	var ivID int64
	w.jobID, ivID = teamSetUpInterview(t, w.owner)
	resp, body := w.owner.post(fmt.Sprintf("/interviews/%d/invitations", ivID), url.Values{"candidates": {"Ada Lovelace <ada@example.com>\nGrace Hopper, grace@example.com"}})
	for _, l := range teamLinks(teamMust(t, "invite", resp, body, http.StatusOK)) {
		tok := l[len(w.ts.URL)+len("/c/"):]
		a, err := w.ts.Svc.Applications.ByToken(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		w.invitations, w.applications = append(w.invitations, tok), append(w.applications, a.ID)
	}
	w.rita = teamJoin(t, w.ts, w.owner, "rita@acme.example", "reviewer")
	w.ritaID = w.ts.member(t, "rita@acme.example").ID
	w.ownerID = w.ts.member(t, "olivia@acme.example").ID
	return w
}

// submit submits candidate i's answers.
func (w *assignWorld) submit(t *testing.T, i int) {
	t.Helper()
	ctx := context.Background()
	a, err := w.ts.Svc.Applications.ByToken(ctx, w.invitations[i])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.ts.Svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
}

// TestAssignReviewersPages: the job's rota is saved from the job page,
// a submission goes to Rita by turns, the owner assigns herself by hand
// on the application page, Rita's "My reviews" lists it until she is
// taken off; mistakes come back as a message on the page, and another
// organisation cannot touch the application.
func TestAssignReviewersPages(t *testing.T) {
	t.Parallel()
	w := newAssignWorld(t)
	jobPath := fmt.Sprintf("/jobs/%d", w.jobID)
	resp, body := w.owner.get(jobPath)
	doc := teamMust(t, "job page", resp, body, http.StatusOK)
	if got := teamText(doc, "#rota"); !strings.Contains(got, "Off: new submissions are assigned to nobody") {
		t.Errorf("rota before any: %q", got)
	}
	if n := doc.Find(`#rota input[type=checkbox][name=member_id]`).Length(); n != 2 {
		t.Errorf("%d members to choose for the rota, want 2 (Olivia and Rita)", n)
	}

	resp, body = w.owner.post(jobPath+"/reviewers", url.Values{})
	doc = teamMust(t, "an empty rota", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "not saved: choose at least one member") {
		t.Errorf("empty rota: flash %q", got)
	}
	resp, body = w.owner.post(jobPath+"/reviewers", url.Values{"member_id": {fmt.Sprint(w.ritaID)}})
	doc = teamMust(t, "the rota", resp, body, http.StatusOK)
	if got := teamText(doc, "#rota"); !strings.Contains(got, "next of Rita Reviewer") || !strings.Contains(got, "Next: Rita Reviewer") {
		t.Errorf("rota after saving: %q (flash %q)", got, teamText(doc, ".flash"))
	}
	if resp, body := w.rita.post(jobPath+"/reviewers", url.Values{"member_id": {fmt.Sprint(w.ritaID)}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer sets the rota: %d\n%s", resp.StatusCode, body)
	}

	// Before Ada submits, nobody can be assigned and no box shows.
	appPath := fmt.Sprintf("/applications/%d", w.applications[0])
	resp, body = w.owner.get(appPath)
	doc = teamMust(t, "application before submission", resp, body, http.StatusOK)
	if doc.Find("#assigned").Length() != 0 {
		t.Errorf("assigned box before submission: %q", teamText(doc, "#assigned"))
	}
	w.submit(t, 0)
	resp, body = w.owner.get(appPath)
	doc = teamMust(t, "application", resp, body, http.StatusOK)
	if got := teamText(doc, "#assigned li"); !strings.Contains(got, "Rita Reviewer") || !strings.Contains(got, "By turns") {
		t.Errorf("assigned after submission: %q", got)
	}
	if got := teamText(doc, "#assigned select option"); got != "Olivia Owner (owner)" {
		t.Errorf("members to assign: %q, want Olivia alone", got)
	}
	if doc.Find(`label[for="assign-member"]`).Length() != 1 {
		t.Error("the member choice has no label")
	}

	resp, body = w.owner.post(appPath+"/assignments", url.Values{"member_id": {fmt.Sprint(w.ownerID)}})
	doc = teamMust(t, "assign", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Olivia Owner is asked to review, by") {
		t.Errorf("assign: flash %q", got)
	}
	if got := teamText(doc, "#assigned ul"); !strings.Contains(got, "Olivia Owner") || !strings.Contains(got, "By hand") {
		t.Errorf("assigned: %q", got)
	}
	resp, body = w.owner.post(appPath+"/assignments", url.Values{"member_id": {fmt.Sprint(w.ownerID)}})
	doc = teamMust(t, "assign twice", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Nobody was assigned: Olivia Owner is already assigned") {
		t.Errorf("assign twice: flash %q", got)
	}

	rival := teamOtherOrg(t, w.ts)
	if resp, _ := rival.post(appPath+"/assignments", url.Values{"member_id": {fmt.Sprint(w.ownerID)}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation assigns: %d, want 404", resp.StatusCode)
	}
	rex := w.ts.member(t, "rex@rival.example")
	resp, body = w.owner.post(appPath+"/assignments", url.Values{"member_id": {fmt.Sprint(rex.ID)}})
	doc = teamMust(t, "assign a stranger", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "is not on your team") {
		t.Errorf("assign a member of another organisation: flash %q", got)
	}

	resp, body = w.rita.get("/reviews")
	doc = teamMust(t, "my reviews", resp, body, http.StatusOK)
	if got := teamText(doc, `.top-wide a[aria-current="page"]`); got != "My reviews 1 waiting for your review" {
		t.Errorf("current navigation: %q", got)
	}
	if got := teamText(doc, "table.reviews-queue tbody"); !strings.Contains(got, "Ada Lovelace") || !strings.Contains(got, "Backend engineer") {
		t.Errorf("Rita's queue: %q", got)
	}
	if href, _ := doc.Find("table.reviews-queue tbody a").Attr("href"); href != appPath+"#scorecard" {
		t.Errorf("queue links to %q", href)
	}
	resp, body = w.rita.get(appPath)
	doc = teamMust(t, "application as Rita", resp, body, http.StatusOK)
	if doc.Find("#assigned").Length() != 1 || doc.Find("#assigned form").Length() != 0 {
		t.Errorf("Rita sees the box without its forms: %q", teamText(doc, "#assigned"))
	}

	remove := fmt.Sprintf("%s/assignments/%d/remove", appPath, w.ritaID)
	resp, body = w.owner.post(remove, url.Values{})
	doc = teamMust(t, "remove", resp, body, http.StatusOK)
	if got := teamText(doc, "#assigned ul"); strings.Contains(got, "Rita") {
		t.Errorf("after removing Rita: %q", got)
	}
	if resp, _ := w.owner.post(remove, url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("removing an assignment that does not exist: %d, want 404", resp.StatusCode)
	}
	resp, body = w.rita.get("/reviews")
	doc = teamMust(t, "my reviews, empty", resp, body, http.StatusOK)
	if got := teamText(doc, "main .notice"); !strings.Contains(got, "Nothing waits for your review") {
		t.Errorf("Rita's empty queue: %q", got)
	}

	resp, body = w.owner.get("/audit")
	doc = teamMust(t, "audit", resp, body, http.StatusOK)
	for _, want := range []string{"Reviewer assigned", "Reviewer taken off", "Reviewers by turns changed"} {
		if !strings.Contains(teamText(doc, "main"), want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
}

// TestAssignPagesInBrowser checks the job page's rota, the application's
// assigned reviewers and "My reviews" with axe-core at a desktop and a
// phone width, and saves screenshots (to $ANYHOUR_SCREENSHOTS when set).
func TestAssignPagesInBrowser(t *testing.T) {
	t.Parallel()
	b := browsertest.New(t)
	w := newAssignWorld(t)
	ctx := context.Background()
	owner := w.ts.member(t, "olivia@acme.example")
	if _, err := w.ts.Svc.Assignments.SetRota(ctx, owner, w.jobID, []int64{w.ownerID, w.ritaID}); err != nil {
		t.Fatal(err)
	}
	w.submit(t, 0)
	w.submit(t, 1)
	apps, err := w.ts.Svc.Applications.Applications(ctx, owner, application.Filter{JobID: w.jobID})
	if err != nil || len(apps.Items) != 2 {
		t.Fatal(err, apps)
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"desktop", browsertest.DesktopWidth, browsertest.DesktopHeight}, {"phone", browsertest.PhoneWidth, browsertest.PhoneHeight}} {
		t.Run(size.name, func(t *testing.T) {
			p := b.Page(t, size.w, size.h)
			teamSignInPage(p, w.ts.URL)
			for _, pg := range []struct{ name, path string }{
				{"job", fmt.Sprintf("/jobs/%d#rota", w.jobID)},
				{"application", fmt.Sprintf("/applications/%d#assigned", w.applications[0])},
				{"reviews", "/reviews"},
			} {
				p.Navigate(w.ts.URL + pg.path)
				if vs := p.Violations(); len(vs) > 0 {
					t.Errorf("%s: %d accessibility violation(s):\n%s", pg.name, len(vs), browsertest.FormatViolations(vs))
				}
				var fits bool
				p.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
				if !fits {
					t.Errorf("%s scrolls sideways at %d px", pg.name, size.w)
				}
				p.Screenshot("assign-" + pg.name + "-" + size.name)
			}
		})
	}
}
