package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/application"
)

// strandInvitation leaves inv's invitation email in status, as a worker
// does: "unknown" when it dies while sending (cmd/anyhour's
// TestKilledWorkerDoesNotSendTwice makes one so, by killing a real
// process), "failed" when the server refused it for good.
func strandInvitation(t *testing.T, f *candidateFixture, inv application.Invitation, status, lastError string) int64 {
	t.Helper()
	var id int64
	err := f.ts.DB.WriteRow(context.Background(), `UPDATE emails SET status = $1, last_error = $2, attempts = 1
		WHERE application_id = $3 AND kind = 'invitation' RETURNING id`, status, lastError, inv.Application.ID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestResendUnknownInvitation: an invitation whose sending was cut off is
// listed for admins, and shown on the application page as one that may
// not have arrived, to everyone who reads the application. Only an admin
// may send it again, from either page, with a POST from this site that
// says the candidate may get it twice; a second click sends nothing more,
// and the audit log keeps who sent it again. Another organisation's admin
// finds no such email.
func TestResendUnknownInvitation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	f.invite(t, f.iv, "Grace Hopper", "grace@example.com")
	id := strandInvitation(t, f, ada, "unknown", "a worker stopped while sending this email; it may or may not have gone out, so it was not sent again")
	resend := fmt.Sprintf("/settings/emails/%d/resend", id)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)

	owner := f.teamLogin(t)
	resp, body := owner.get("/settings/emails")
	doc := teamMust(t, "emails", resp, body, http.StatusOK)
	if got := teamText(doc, "#unknown h2"); got != "1 email may not have arrived" {
		t.Errorf("the unknown section's heading reads %q", got)
	}
	if got := teamText(doc, "#unknown tbody"); !strings.Contains(got, "Ada Lovelace") || strings.Contains(got, "Grace") {
		t.Errorf("the unknown section lists %q", got)
	}
	if got := teamText(doc, "#unknown details.confirm"); !strings.Contains(got, "Ada Lovelace gets it twice") {
		t.Errorf("the resend does not say Ada may get it twice: %q", got)
	}
	if act, _ := doc.Find("#unknown form").Attr("action"); act != resend {
		t.Errorf("the resend form posts to %q, want %q", act, resend)
	}

	resp, body = owner.get(app)
	doc = teamMust(t, "application", resp, body, http.StatusOK)
	if got := teamText(doc, "#invitation-email"); !strings.Contains(got, "The invitation may not have arrived") || !strings.Contains(got, "Ada gets it twice") {
		t.Errorf("the application page says %q", got)
	}
	if act, _ := doc.Find("#invitation-email form").Attr("action"); !strings.HasPrefix(act, resend) {
		t.Errorf("the application page's resend posts to %q", act)
	}

	// A reviewer is told, and may not send it again.
	rita := f.reviewerLogin(t)
	resp, body = rita.get(app)
	doc = teamMust(t, "Rita's view", resp, body, http.StatusOK)
	if got := teamText(doc, "#invitation-email"); !strings.Contains(got, "may not have arrived") || doc.Find("#invitation-email form").Length() != 0 {
		t.Errorf("a reviewer reads %q, with %d forms", got, doc.Find("#invitation-email form").Length())
	}
	if resp, _ := rita.post(resend, url.Values{}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer resending: %d", resp.StatusCode)
	}
	// Another organisation's admin: no such email.
	rex := teamOtherOrg(t, f.ts)
	if resp, _ := rex.post(resend, url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's admin resending: %d", resp.StatusCode)
	}
	// A form on another site, with the owner's cookies.
	if code := owner.crossSitePost(resend); code != http.StatusForbidden {
		t.Errorf("a cross-site resend: %d", code)
	}
	if got := emailStatus(t, f, id); got != "unknown" {
		t.Fatalf("after the refused attempts the email is %s", got)
	}

	// The owner sends it again from the application page, and clicks twice.
	resp, body = owner.post(resend, url.Values{"app": {fmt.Sprint(ada.Application.ID)}})
	doc = teamMust(t, "resend", resp, body, http.StatusOK)
	if resp.Request.URL.Path != app || !strings.Contains(teamText(doc, ".flash"), "being sent again") || !strings.Contains(teamText(doc, ".flash"), "twice") {
		t.Errorf("after the resend: at %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	if doc.Find("#invitation-email").Length() != 0 {
		t.Error("the application page still says the invitation may not have arrived")
	}
	resp, body = owner.post(resend, url.Values{"app": {fmt.Sprint(ada.Application.ID)}})
	doc = teamMust(t, "second click", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.HasPrefix(got, "Nothing was sent") {
		t.Errorf("the second click: %q", got)
	}
	if got := emailStatus(t, f, id); got != "queued" {
		t.Errorf("after the resend the email is %s, want queued", got)
	}
	var tasks int
	if err := f.ts.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tasks WHERE kind = 'email.send' AND payload = $1`, fmt.Sprintf(`{"email_id":%d}`, id)).Scan(&tasks); err != nil || tasks != 2 {
		t.Errorf("%d sending tasks for the email (%v), want its first and one more", tasks, err)
	}
	resp, body = owner.get("/audit")
	doc = teamMust(t, "audit", resp, body, http.StatusOK)
	if n := strings.Count(teamText(doc, "main"), "Email sent again"); n != 1 {
		t.Errorf("the audit log shows %d resends, want 1", n)
	}
	resp, body = owner.get("/settings/emails")
	doc = teamMust(t, "emails", resp, body, http.StatusOK)
	if doc.Find("#unknown").Length() != 0 {
		t.Error("the emails page still lists the email as unknown")
	}
}

// TestFailedInvitationOnApplication: an invitation the server refused is
// shown on the application page; admins read why and may send it again
// (no warning: it never arrived), and on a job reviewed blind the reason
// names the candidate's number, not their address.
func TestFailedInvitationOnApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCandidateFixture(t)
	grace := f.invite(t, f.iv, "Grace Hopper", "grace@example.com")
	id := strandInvitation(t, f, grace, "failed", "550 5.1.1 <Grace@Example.com>: Recipient address rejected")
	if _, _, err := f.ts.Svc.Applications.SetBlind(ctx, f.owner, f.job.ID, true); err != nil {
		t.Fatal(err)
	}
	owner := f.teamLogin(t)
	resp, body := owner.get(fmt.Sprintf("/applications/%d", grace.Application.ID))
	doc := teamMust(t, "application", resp, body, http.StatusOK)
	got := teamText(doc, "#invitation-email")
	if !strings.Contains(got, "could not be sent: 550 5.1.1 <Candidate 1>: Recipient address rejected") || strings.Contains(strings.ToLower(body), "grace@example.com") {
		t.Errorf("the blind application page says %q", got)
	}
	if doc.Find("#invitation-email details.confirm").Length() != 0 || doc.Find("#invitation-email form:not(.dismiss) button").Length() != 1 {
		t.Error("a failed invitation should be sent again with one button, without the warning")
	}
	if got := teamText(doc, "#invitation-email form.dismiss"); got != "Candidate 1 was reached another way: set aside, send nothing" {
		t.Errorf("the failed invitation's set-aside reads %q", got)
	}
	resp, body = owner.get("/settings/emails")
	doc = teamMust(t, "emails", resp, body, http.StatusOK)
	if doc.Find("#unknown").Length() != 0 || strings.Contains(strings.ToLower(body), "grace@example.com") {
		t.Error("the emails page lists a failed email as unknown, or shows the blind candidate's address")
	}
	if act, _ := doc.Find(fmt.Sprintf("#email-%d form", id)).Attr("action"); act != fmt.Sprintf("/settings/emails/%d/resend", id) {
		t.Errorf("the failed email's row resends to %q", act)
	}
	resp, body = owner.post(fmt.Sprintf("/settings/emails/%d/resend", id), url.Values{})
	doc = teamMust(t, "resend", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); got != "The email to Candidate 1 is being sent again." {
		t.Errorf("after the resend: %q", got)
	}
	resp, body = owner.get("/audit")
	if strings.Contains(strings.ToLower(body), "grace@example.com") || !strings.Contains(body, "Candidate 1") {
		t.Error("the audit entry of a blind candidate's resend names their address, or not their number")
	}
}

// reviewerLogin is Rita, a reviewer of the fixture's organisation, signed in.
func (f *candidateFixture) reviewerLogin(t *testing.T) *browser {
	t.Helper()
	ctx := context.Background()
	secret, _, err := f.ts.Svc.Accounts.InviteMember(ctx, f.owner, "rita@acme.example", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.ts.Svc.Accounts.AcceptInvite(ctx, secret, "Rita", "another long password", account.Client{}); err != nil {
		t.Fatal(err)
	}
	rita := f.ts.browser(t)
	rita.post("/login", url.Values{"email": {"rita@acme.example"}, "password": {"another long password"}})
	return rita
}

func emailStatus(t *testing.T, f *candidateFixture, id int64) string {
	t.Helper()
	var s string
	if err := f.ts.DB.QueryRow(context.Background(), `SELECT status FROM emails WHERE id = $1`, id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}
