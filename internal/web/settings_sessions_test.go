package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// signInAs signs a new browser in through the sign-in form.
func (ts *testServer) signInAs(t *testing.T, email, password string) *browser {
	t.Helper()
	b := ts.browser(t)
	resp, body := b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/settings"}})
	teamMust(t, "sign in as "+email, resp, body, http.StatusOK)
	return b
}

// signedOut reports whether b's next request is sent to the sign-in page.
func signedOut(b *browser) bool {
	resp, _ := b.get("/settings")
	return resp.Request.URL.Path == "/login"
}

const ritaPassword = "a long enough password"

func TestSessionsOnSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	other := ts.signInAs(t, "rita@acme.example", ritaPassword)

	resp, body := rita.get("/settings")
	doc := teamMust(t, "settings", resp, body, http.StatusOK)
	items := doc.Find("ul.sessions li")
	if items.Length() != 2 || doc.Find("ul.sessions li.current .badge").Text() != "This session" ||
		doc.Find("ul.sessions li.current form").Length() != 0 || doc.Find("ul.sessions li:not(.current) form button").Length() != 1 {
		t.Fatalf("sessions list %q", teamText(doc, "ul.sessions"))
	}
	if got := teamText(doc, "ul.sessions li:not(.current)"); !strings.Contains(got, "An unknown browser from 127.0.0.1") || !strings.Contains(got, "signed in") {
		t.Errorf("the other session reads %q", got)
	}
	otherEnd, _ := doc.Find("ul.sessions li:not(.current) form").Attr("action")

	// Olivia's session is not Rita's to end.
	own, err := ts.Svc.Accounts.Sessions(ctx, ts.member(t, "olivia@acme.example"), owner.cookie["anyhour_session"])
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := rita.post(fmt.Sprintf("/settings/sessions/%d/end", own[0].ID), url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("Rita ends Olivia's session: status %d, want 404", resp.StatusCode)
	}
	if signedOut(owner) {
		t.Fatal("Rita signed Olivia out")
	}

	resp, body = rita.post(otherEnd, url.Values{})
	doc = teamMust(t, "end a session", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); got != "That session is signed out." {
		t.Errorf("flash %q", got)
	}
	if !signedOut(other) || signedOut(rita) {
		t.Error("ending the other session did not end exactly that one")
	}

	third := ts.signInAs(t, "rita@acme.example", ritaPassword)
	fourth := ts.signInAs(t, "rita@acme.example", ritaPassword)
	resp, body = rita.post("/settings/sessions/end-others", url.Values{})
	doc = teamMust(t, "sign out everywhere else", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); got != "You are signed out everywhere else (2 sessions); this session stays." {
		t.Errorf("flash %q", got)
	}
	if !signedOut(third) || !signedOut(fourth) || signedOut(rita) || signedOut(owner) {
		t.Error("signing out everywhere else ended the wrong sessions")
	}
	if doc.Find(`form[action="/settings/sessions/end-others"]`).Length() != 0 {
		t.Error("with one session left, the page still offers to sign out everywhere else")
	}
}

func TestChangePasswordOnSettings(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	other := ts.signInAs(t, "rita@acme.example", ritaPassword)
	change := func(current, next string) (*http.Response, string) {
		return rita.post("/settings/password", url.Values{"current_password": {current}, "new_password": {next}})
	}
	resp, body := change("not my password", "a brand new password")
	doc := teamMust(t, "wrong current password", resp, body, http.StatusBadRequest)
	if got := teamText(doc, "#password-h ~ .error"); got != "that is not your current password" {
		t.Errorf("error %q", got)
	}
	resp, body = change(ritaPassword, "short")
	doc = teamMust(t, "short new password", resp, body, http.StatusBadRequest)
	if got := teamText(doc, "#password-h ~ .error"); !strings.Contains(got, "at least 10 characters") {
		t.Errorf("error %q", got)
	}
	if signedOut(other) {
		t.Fatal("a refused change signed a session out")
	}
	resp, body = change(ritaPassword, "a brand new password")
	doc = teamMust(t, "change password", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); got != "Your password is changed. Your other sessions are signed out; this one stays." {
		t.Errorf("flash %q", got)
	}
	if !signedOut(other) || signedOut(rita) {
		t.Error("the change should end the other session and keep this one")
	}
	if resp, _ := ts.browser(t).post("/login", url.Values{"email": {"rita@acme.example"}, "password": {ritaPassword}}); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the old password signs in: %d", resp.StatusCode)
	}
	ts.signInAs(t, "rita@acme.example", "a brand new password")
}
