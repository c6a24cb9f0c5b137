package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
)

// TestFailedSignIn: the error is a sentence, the address stays, and the
// password field, the one to type again, has the focus and the error.
func TestFailedSignIn(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	b := f.ts.browser(t)
	resp, body := b.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"not the password"}})
	doc := teamMust(t, "a wrong password", resp, body, http.StatusUnauthorized)
	if got := teamText(doc, "#login-error"); got != "That email and password do not match an account." {
		t.Errorf("the error reads %q", got)
	}
	if v, _ := doc.Find("#email").Attr("value"); v != "olivia@acme.example" {
		t.Errorf("the address came back as %q", v)
	}
	_, emailFocus := doc.Find("#email").Attr("autofocus")
	_, passFocus := doc.Find("#password").Attr("autofocus")
	desc, _ := doc.Find("#password").Attr("aria-describedby")
	if emailFocus || !passFocus || desc != "login-error" {
		t.Errorf("focus: email %v, password %v, password described by %q", emailFocus, passFocus, desc)
	}
}

// TestCloseJobAsksFirst: closing a job, which stops invitations, takes a
// second step that says what it does.
func TestCloseJobAsksFirst(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	inv := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	team := f.ts.signInAs(t, "olivia@acme.example", teamPassword)
	path := fmt.Sprintf("/jobs/%d", f.job.ID)
	resp, body := team.get(path)
	doc := teamMust(t, "job", resp, body, http.StatusOK)
	if doc.Find(`details.close-job form[action$="/status"] button`).Length() != 1 || doc.Find(`.page-head > .row > form[action$="/status"]`).Length() != 0 {
		t.Fatal("Close job is not behind a second step")
	}
	if got := teamText(doc, "details.close-job p"); !strings.Contains(got, "Nobody more can be invited") {
		t.Errorf("the second step says %q", got)
	}
	resp, body = team.post(path+"/status", url.Values{"status": {"closed"}})
	if doc := teamMust(t, "close", resp, body, http.StatusOK); !strings.Contains(teamText(doc, ".page-head"), "Reopen job") {
		t.Error("the closed job offers no Reopen")
	}
	// As the second step says: those invited still answer.
	text := "Still answering."
	if _, err := f.ts.Svc.Applications.SaveAnswer(t.Context(), inv.Application, f.iv.Steps[0].ID, application.AnswerInput{Text: &text}); err != nil {
		t.Errorf("an invited candidate answers after the job closed: %v", err)
	}
}

// TestEmailedLinkKeepsTheOldOnes: "The links they had still work."
func TestEmailedLinkKeepsTheOldOnes(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	inv := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	team := f.ts.signInAs(t, "olivia@acme.example", teamPassword)
	resp, body := team.post(fmt.Sprintf("/applications/%d/email-link", inv.Application.ID), url.Values{})
	if got := teamText(teamMust(t, "email a link", resp, body, http.StatusOK), ".flash"); !strings.Contains(got, "The links they had still work") {
		t.Fatalf("flash %q", got)
	}
	f.open(t, f.ts.browser(t), inv)
}

// TestFavicon: the browser's first guess finds the icon.
func TestFavicon(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	b := ts.browser(t)
	resp, _ := b.get("/favicon.ico")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("/favicon.ico: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}
