package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDismissUnknownInvitation: an admin who knows the invitation arrived
// sets it aside from the application page: the warning goes, the emails
// page no longer lists it, the log says when, the audit log says who, and
// nothing is sent. A reviewer may not, another organisation's admin finds
// no such email, a form on another site is refused, and a second click
// says it was already done.
func TestDismissUnknownInvitation(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	id := strandInvitation(t, f, ada, "unknown", "a worker stopped while sending this email; it may or may not have gone out, so it was not sent again")
	dismiss := fmt.Sprintf("/settings/emails/%d/dismiss", id)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)

	owner := f.teamLogin(t)
	resp, body := owner.get(app)
	doc := teamMust(t, "application", resp, body, http.StatusOK)
	form := doc.Find("#invitation-email form.dismiss")
	if act, _ := form.Attr("action"); !strings.HasPrefix(act, dismiss) || !strings.Contains(form.Text(), "Ada has it: set aside, send nothing") {
		t.Errorf("the application page's set-aside form posts to %q and reads %q", act, form.Text())
	}

	rita := f.reviewerLogin(t)
	resp, body = rita.get(app)
	if doc := teamMust(t, "Rita's view", resp, body, http.StatusOK); doc.Find("#invitation-email form").Length() != 0 {
		t.Error("a reviewer is offered to set the email aside")
	}
	if resp, _ := rita.post(dismiss, url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer setting aside: %d", resp.StatusCode)
	}
	if resp, _ := teamOtherOrg(t, f.ts).post(dismiss, url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's admin setting aside: %d", resp.StatusCode)
	}
	if code := owner.crossSitePost(dismiss); code != http.StatusForbidden {
		t.Errorf("a cross-site set-aside: %d", code)
	}

	resp, body = owner.post(dismiss, url.Values{"app": {fmt.Sprint(ada.Application.ID)}})
	doc = teamMust(t, "set aside", resp, body, http.StatusOK)
	if resp.Request.URL.Path != app || !strings.Contains(teamText(doc, ".flash"), "set aside") || !strings.Contains(teamText(doc, ".flash"), "Nothing was sent") {
		t.Errorf("after setting aside: at %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	if doc.Find("#invitation-email").Length() != 0 {
		t.Error("the application page still says the invitation may not have arrived")
	}
	resp, body = owner.post(dismiss, url.Values{})
	doc = teamMust(t, "second click", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); got != "Nothing changed: this email was already set aside." {
		t.Errorf("the second click: %q", got)
	}
	if doc.Find("#unknown").Length() != 0 {
		t.Error("the emails page still lists the email among those that may not have arrived")
	}
	row := teamText(doc, fmt.Sprintf("#email-%d", id))
	if !strings.Contains(row, "unknown") || !strings.Contains(row, "Set aside") || doc.Find(fmt.Sprintf("#email-%d form.dismiss", id)).Length() != 0 {
		t.Errorf("the log's row reads %q", row)
	}
	if got := emailStatus(t, f, id); got != "unknown" {
		t.Errorf("the email is %s: setting aside changed what happened to it", got)
	}
	var tasks int
	if err := f.ts.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM tasks WHERE kind = 'email.send' AND payload = $1`, fmt.Sprintf(`{"email_id":%d}`, id)).Scan(&tasks); err != nil || tasks != 1 {
		t.Errorf("%d sending tasks (%v), want only the first", tasks, err)
	}
	resp, body = owner.get("/audit")
	doc = teamMust(t, "audit", resp, body, http.StatusOK)
	if n := strings.Count(teamText(doc, "main"), "Email set aside"); n != 1 {
		t.Errorf("the audit log shows %d set-asides, want 1", n)
	}
}

// TestInvitationWarningEndsWhenCandidateComesIn: once the candidate has
// begun, the invitation (or another way to their link) reached them, so
// the application page no longer warns that it may not have.
func TestInvitationWarningEndsWhenCandidateComesIn(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	grace := f.invite(t, f.iv, "Grace Hopper", "grace@example.com")
	strandInvitation(t, f, grace, "unknown", "cut off")
	owner := f.teamLogin(t)
	app := fmt.Sprintf("/applications/%d", grace.Application.ID)
	resp, body := owner.get(app)
	if doc := teamMust(t, "application", resp, body, http.StatusOK); doc.Find("#invitation-email").Length() != 1 {
		t.Fatal("no warning while the candidate has not come in")
	}
	if err := f.ts.Svc.Applications.Start(context.Background(), grace.Application); err != nil {
		t.Fatal(err)
	}
	resp, body = owner.get(app)
	if doc := teamMust(t, "application", resp, body, http.StatusOK); doc.Find("#invitation-email").Length() != 0 {
		t.Error("the page still warns that the invitation may not have arrived, after the candidate began")
	}
}
