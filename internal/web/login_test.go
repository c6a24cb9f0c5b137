package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestFailedSignIn: the error is a sentence, the address stays, and the
// password field, the one to type again, has the focus and the error.
func TestFailedSignIn(t *testing.T) {
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
