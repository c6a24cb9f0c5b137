package api

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/application"
)

// TestLinkEnds follows a candidate's link past its deadline to its expiry,
// and a link the team revoked: each answer says clearly why.
func TestLinkEnds(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	if err := w.Applications.Revoke(context.Background(), w.member(t, "owner"), mustID(t, w.vars["bob_app"])); err != nil {
		t.Fatal(err)
	}
	w.table(t, []scenario{
		{name: "revoked link", method: "GET", path: "/api/v1/candidate", token: "bob", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "withdrawn by the team")}},
		{name: "revoked link cannot answer", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "bob", body: `{"text": "hi"}`,
			want: http.StatusUnauthorized, checks: []check{errorIs("unauthenticated", "withdrawn by the team")}},
	})

	afterDeadline := time.Now().Add(8 * 24 * time.Hour) // the interview's deadline is 7 days
	w.setClock(func() time.Time { return afterDeadline })
	w.table(t, []scenario{
		{name: "past the deadline the link still shows the status", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("application.can_answer", false), is("application.status", "invited")}},
		{name: "past the deadline no answers", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", body: `{"text": "late"}`,
			want: http.StatusConflict, checks: []check{errorIs("conflict", "deadline has passed")}},
		{name: "past the deadline no submit", method: "POST", path: "/api/v1/candidate/submit", token: "ada",
			want: http.StatusConflict, checks: []check{errorIs("conflict", "deadline has passed")}},
	})

	expired := time.Now().Add(7*24*time.Hour + application.LinkGrace + time.Hour)
	w.setClock(func() time.Time { return expired })
	w.table(t, []scenario{
		{name: "expired link", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "expired")}},
		{name: "expired link cannot answer", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", body: `{"text": "hi"}`,
			want: http.StatusUnauthorized, checks: []check{errorIs("unauthenticated", "expired")}},
		{name: "the team still sees the application", method: "GET", path: "/api/v1/applications/{ada_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("status", "invited"), is("revoked_at", nil)}},
		{name: "and the revoked one", method: "GET", path: "/api/v1/applications/{bob_app}", token: "owner", want: http.StatusOK,
			checks: []check{notEmpty("revoked_at")}},
	})
}

// TestEditInterviewSteps edits an interview's steps: steps and options
// sent back with their ids keep them, new ones get ids, and a removed
// step's answer stays readable to the team.
func TestEditInterviewSteps(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	w.flow(t, []scenario{
		{name: "ada answers the text step", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", want: http.StatusOK,
			body: `{"text": "Because the hours are mine."}`},
		{name: "edit steps", method: "PATCH", path: "/api/v1/interviews/{interview}", token: "owner", want: http.StatusOK,
			body: `{"title": "Backend screen v2", "steps": [
				{"id": {choice_step}, "kind": "choice", "title": "Language", "prompt": "Which language?", "minutes": 1,
				 "options": [{"id": {opt_go}, "text": "Go", "correct": true}, {"text": "Zig"}]},
				{"kind": "text", "title": "Anything else?", "max_words": 100}]}`,
			checks: []check{is("title", "Backend screen v2"), is("steps.#", 2), is("steps.0.id", "{choice_step}"),
				is("steps.0.options.#", 2), is("steps.0.options.0.id", "{opt_go}"), is("steps.0.options.1.text", "Zig"),
				is("steps.1.max_words", 100), save("steps.1.id", "new_step"), is("minutes", 1)}},
		{name: "kind cannot change", method: "PATCH", path: "/api/v1/interviews/{interview}", token: "owner", want: http.StatusBadRequest,
			body:   `{"steps": [{"id": {new_step}, "kind": "choice", "title": "x", "options": [{"text": "a", "correct": true}, {"text": "b"}]}]}`,
			checks: []check{errorIs("invalid", "add a new step instead")}},
		{name: "candidate sees the new steps", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("interview.steps.#", 2), is("interview.steps.1.id", "{new_step}"), is("answers.#", 0)}},
		{name: "removed step cannot be answered", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", want: http.StatusNotFound,
			body: `{"text": "again"}`},
		{name: "before ada submits, the team sees that she answered, not what", method: "GET", path: "/api/v1/applications/{ada_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.#", 0), is("progress.steps", 2), is("score", nil)}},
		{name: "ada submits", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK},
		{name: "the team still reads the removed step's answer", method: "GET", path: "/api/v1/applications/{ada_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.#", 1), is("answers.0.step_id", "{text_step}"), is("answers.0.text", "Because the hours are mine.")}},
		{name: "close the job", method: "PATCH", path: "/api/v1/jobs/{job}", token: "owner", want: http.StatusOK,
			body: `{"status": "closed"}`, checks: []check{is("status", "closed")}},
		{name: "a closed job takes no invitations", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner",
			body: `{"candidates": [{"email": "late@example.com"}]}`, want: http.StatusConflict, checks: []check{errorIs("conflict", "closed")}},
		{name: "a bad job status", method: "PATCH", path: "/api/v1/jobs/{job}", token: "owner", want: http.StatusBadRequest,
			body: `{"status": "paused"}`, checks: []check{is("error.field", "status")}},
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%q is not an id", s)
	}
	return id
}
