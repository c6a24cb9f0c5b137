package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
)

// TestMessages is a conversation through the API: the candidate asks, the
// team reads (the receipt appears), adds a note and answers; the candidate
// reads the answer and never the note. Bad and misdirected requests get
// clear errors.
func TestMessages(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	ctx := context.Background()
	owner := w.member(t, "owner")
	secret, _, err := w.Accounts.InviteMember(ctx, owner, "rita@acme.example", account.Reviewer)
	if err != nil {
		t.Fatal(err)
	}
	rita, err := w.Accounts.AcceptInvite(ctx, secret, "Rita Reviewer", "a long enough password", account.Client{})
	if err != nil {
		t.Fatal(err)
	}
	if w.vars["rita"], _, err = w.Accounts.CreateAPIToken(ctx, rita, "rita's laptop"); err != nil {
		t.Fatal(err)
	}

	w.flow(t, []scenario{
		{name: "candidate asks", method: "POST", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusCreated,
			body:   `{"body": "Can I answer in French? <script>alert(1)</script>"}`,
			checks: []check{save("id", "question"), is("author.kind", "candidate"), is("author.name", "Ada Lovelace"), is("internal", false), is("seen_at", nil)}},
		{name: "reviewer adds a note", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "rita", want: http.StatusCreated,
			body: `{"body": "Her CV says she is bilingual.", "internal": true}`, checks: []check{is("internal", true), is("author.name", "Rita Reviewer")}},
		{name: "reviewer may not write to the candidate", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "rita", want: http.StatusForbidden,
			body: `{"body": "Oui"}`, checks: []check{errorIs("forbidden", "internal note")}},
		{name: "team reads the thread", method: "GET", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusOK,
			checks: []check{is("messages.#", 2), is("messages.0.id", "{question}"), notEmpty("messages.0.seen_at"), is("messages.1.internal", true),
				contains("messages.0.body", "<script>")}},
		{name: "team answers", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusCreated,
			body: `{"body": "Yes, French is fine."}`, checks: []check{save("id", "answer"), is("author.kind", "member"), is("seen_at", nil)}},
		{name: "candidate reads", method: "GET", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusOK,
			checks: []check{is("messages.#", 2), is("messages.0.id", "{question}"), is("messages.1.id", "{answer}"), is("messages.1.internal", false),
				saveBody("ada_thread")}},
		{name: "the receipt reaches the team", method: "GET", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusOK,
			checks: []check{is("messages.2.id", "{answer}"), notEmpty("messages.2.seen_at")}},
	})
	w.flow(t, []scenario{
		{name: "team schedules a message", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusCreated,
			body: `{"body": "Good morning!", "send_at": "` + time.Now().Add(time.Hour).UTC().Format(time.RFC3339) + `"}`, checks: []check{notEmpty("send_at")}},
		{name: "the candidate does not see it yet", method: "GET", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusOK,
			checks: []check{is("messages.#", 2)}},
	})
	if strings.Contains(w.vars["ada_thread"], "bilingual") {
		t.Errorf("the candidate's thread holds the internal note: %s", w.vars["ada_thread"])
	}

	w.table(t, []scenario{
		{name: "another candidate's thread is their own", method: "GET", path: "/api/v1/candidate/messages", token: "bob", want: http.StatusOK,
			checks: []check{is("messages.#", 0)}},
		{name: "another organisation's application", method: "GET", path: "/api/v1/applications/{ada_app}/messages", token: "other", want: http.StatusNotFound},
		{name: "another organisation writing", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "other", want: http.StatusNotFound,
			body: `{"body": "hi"}`},
		{name: "a candidate token on the team route", method: "GET", path: "/api/v1/applications/{ada_app}/messages", token: "ada", want: http.StatusUnauthorized},
		{name: "an API token on the candidate route", method: "GET", path: "/api/v1/candidate/messages", token: "owner", want: http.StatusUnauthorized},
		{name: "empty body", method: "POST", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusBadRequest,
			body: `{"body": "  \n "}`, checks: []check{errorIs("invalid", "cannot be empty")}},
		{name: "too long", method: "POST", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusBadRequest,
			body: `{"body": "` + strings.Repeat("a", 10_001) + `"}`, checks: []check{errorIs("invalid", "the message")}},
		{name: "far too long", method: "POST", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusRequestEntityTooLarge,
			body: `{"body": "` + strings.Repeat("a", 300_000) + `"}`},
		{name: "a candidate cannot post a note", method: "POST", path: "/api/v1/candidate/messages", token: "ada", want: http.StatusBadRequest,
			body: `{"body": "hi", "internal": true}`},
		{name: "malformed JSON", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusBadRequest,
			body: `{"body": `},
		{name: "a note cannot be scheduled", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusBadRequest,
			body: `{"body": "x", "internal": true, "send_at": "2099-01-01T09:00:00Z"}`, checks: []check{errorIs("invalid", "cannot be scheduled")}},
		{name: "scheduled in the past", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusBadRequest,
			body: `{"body": "x", "send_at": "2001-01-01T09:00:00Z"}`, checks: []check{errorIs("invalid", "in the future")}},
		{name: "a note cannot wait for working hours", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusBadRequest,
			body: `{"body": "x", "internal": true, "in_working_hours": true}`, checks: []check{errorIs("invalid", "cannot be scheduled")}},
		{name: "working hours and a time", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusBadRequest,
			body: `{"body": "x", "in_working_hours": true, "send_at": "2099-01-01T09:00:00Z"}`, checks: []check{errorIs("invalid", "not both")}},
		// Now, or at the start of the candidate's day: either way it is
		// accepted, as the page's "in their waking hours" is.
		{name: "in the candidate's working hours", method: "POST", path: "/api/v1/applications/{ada_app}/messages", token: "owner", want: http.StatusCreated,
			body: `{"body": "Good morning!", "in_working_hours": true}`, checks: []check{is("author.kind", "member")}},
	})
}
