package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
)

// teamSubmitted sets up a job and interview and returns an application
// its candidate has submitted.
func teamSubmitted(t *testing.T, ts *testServer, owner *browser) int64 {
	t.Helper()
	ctx := context.Background()
	_, ivID := teamSetUpInterview(t, owner)
	resp, body := owner.post(fmt.Sprintf("/interviews/%d/invitations", ivID), url.Values{"candidates": {"Ada Lovelace <ada@example.com>"}})
	links := teamLinks(teamMust(t, "invite", resp, body, http.StatusOK))
	a, err := ts.Svc.Applications.ByToken(ctx, links[0][len(ts.URL)+len("/c/"):])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// TestRemoveMemberPage removes a reviewer from the team page: the
// attempts that must fail first, then the removal, after which her
// browser is signed out at once and her review and note stay.
func TestRemoveMemberPage(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	appID := teamSubmitted(t, ts, owner)
	appPath := fmt.Sprintf("/applications/%d", appID)
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	adam := teamJoin(t, ts, owner, "adam@acme.example", "admin")
	rita.post(appPath+"/review", url.Values{"recommendation": {"yes"}, "note": {"Thoughtful answer."}})
	rita.post(appPath+"/messages", url.Values{"body": {"Ask about the gap year."}, "internal": {"1"}})
	owner.post(appPath+"/review", url.Values{"recommendation": {"no"}})
	members, err := ts.Svc.Accounts.Members(context.Background(), ts.member(t, "olivia@acme.example"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{}
	for _, m := range members {
		ids[m.Email] = m.ID
	}
	remove := func(b *browser, email string, sure bool) (*http.Response, string) {
		f := url.Values{}
		if sure {
			f.Set("sure", "1")
		}
		return b.post(fmt.Sprintf("/team/%d/remove", ids[email]), f)
	}

	// The team page offers removal of the others, not of oneself, with a
	// box to tick first.
	resp, body := owner.get("/team")
	doc := teamMust(t, "team page", resp, body, http.StatusOK)
	if n := doc.Find("details.remove-member").Length(); n != 2 {
		t.Errorf("%d removal controls, want 2 (Rita and Adam)", n)
	}
	if doc.Find(fmt.Sprintf(`form[action="/team/%d/remove"]`, ids["olivia@acme.example"])).Length() != 0 {
		t.Error("the owner is offered to remove herself")
	}
	if doc.Find(fmt.Sprintf(`form[action="/team/%d/remove"] input[name="sure"][required]`, ids["rita@acme.example"])).Length() != 1 {
		t.Error("removing Rita asks for no confirmation")
	}
	if got := teamText(doc, fmt.Sprintf(`form[action="/team/%d/remove"] p`, ids["rita@acme.example"])); got != "Rita Reviewer is signed out everywhere at once and their API tokens stop working. Their reviews, notes and messages stay." {
		t.Errorf("the confirmation says %q", got)
	}
	// An admin is not offered the owner.
	resp, body = adam.get("/team")
	doc = teamMust(t, "admin's team page", resp, body, http.StatusOK)
	if doc.Find(fmt.Sprintf(`form[action="/team/%d/remove"]`, ids["olivia@acme.example"])).Length() != 0 {
		t.Error("an admin is offered to remove the owner")
	}

	// What must not work.
	if resp, _ := remove(rita, "adam@acme.example", true); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer removing: status %d, want 403", resp.StatusCode)
	}
	if resp, _ := remove(adam, "olivia@acme.example", true); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an admin removing the owner: status %d, want 403", resp.StatusCode)
	}
	resp, body = remove(owner, "olivia@acme.example", true)
	if got := teamText(teamDoc(t, body), ".flash"); resp.StatusCode != http.StatusOK || !strings.Contains(got, "you cannot remove yourself") {
		t.Errorf("the owner removing herself: %d, flash %q", resp.StatusCode, got)
	}
	rival := teamOtherOrg(t, ts)
	resp, _ = remove(rival, "rita@acme.example", true)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation removing Rita: status %d, want 404", resp.StatusCode)
	}
	if resp, _ := remove(owner, "rita@acme.example", false); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("removing without ticking the box: status %d, want 400", resp.StatusCode)
	}
	if resp, _ := rita.get(appPath); resp.StatusCode != http.StatusOK || resp.Request.URL.Path != appPath {
		t.Fatalf("a refused removal signed Rita out: %d %s", resp.StatusCode, resp.Request.URL.Path)
	}

	// The removal.
	resp, body = remove(owner, "rita@acme.example", true)
	doc = teamMust(t, "remove Rita", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "is removed from the team and signed out everywhere; their API tokens no longer work. Their reviews, notes and messages stay.") {
		t.Errorf("flash after removal %q", got)
	}
	row := doc.Find("tr.removed")
	if row.Length() != 1 || !strings.Contains(row.Text(), "rita@acme.example") || !strings.Contains(row.Text(), "removed") || row.Find("select, details").Length() != 0 {
		t.Errorf("Rita's row after removal: %q", strings.Join(strings.Fields(row.Text()), " "))
	}
	if resp, _ := rita.get(appPath); resp.Request.URL.Path != "/login" {
		t.Errorf("Rita's next request lands on %s, want the sign-in page", resp.Request.URL.Path)
	}
	if resp, _ := rita.post("/login", url.Values{"email": {"rita@acme.example"}, "password": {"a long enough password"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("Rita signs in again: status %d", resp.StatusCode)
	}
	resp, body = owner.get(appPath)
	doc = teamMust(t, "application after removal", resp, body, http.StatusOK)
	if got := teamText(doc, ".other-reviews"); !strings.Contains(got, "Thoughtful answer.") {
		t.Errorf("Rita's review is gone: %q", got)
	}
	if got := teamText(doc, ".msg-note"); !strings.Contains(got, "Ask about the gap year.") {
		t.Errorf("Rita's note is gone: %q", got)
	}
}

// TestRoleChangeOnTheNextClick: a reviewer promoted from the team page
// may create jobs on her next request, without signing in again, and
// demoted may not.
func TestRoleChangeOnTheNextClick(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	id := ts.member(t, "rita@acme.example").ID
	if resp, _ := rita.get("/jobs/new"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("reviewer opens the job form: %d", resp.StatusCode)
	}
	owner.post(fmt.Sprintf("/team/%d/role", id), url.Values{"role": {"recruiter"}})
	if resp, _ := rita.get("/jobs/new"); resp.StatusCode != http.StatusOK {
		t.Errorf("promoted, the next request: %d, want 200", resp.StatusCode)
	}
	owner.post(fmt.Sprintf("/team/%d/role", id), url.Values{"role": {"reviewer"}})
	if resp, _ := rita.get("/jobs/new"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("demoted, the next request: %d, want 403", resp.StatusCode)
	}
}

// member returns the member with email.
func (ts *testServer) member(t *testing.T, email string) account.Member {
	t.Helper()
	var orgID int64
	if err := ts.DB.QueryRow(context.Background(), `SELECT org_id FROM members WHERE email = $1`, email).Scan(&orgID); err != nil {
		t.Fatal(err)
	}
	all, err := ts.Svc.Accounts.Members(context.Background(), account.Member{OrgID: orgID})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range all {
		if m.Email == email {
			return m
		}
	}
	t.Fatalf("no member %s", email)
	return account.Member{}
}
