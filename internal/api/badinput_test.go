package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// seeded returns a world with two organisations. Acme has a job, the
// interview of interviewBody (ada invited, bob invited and submitted) and
// a second interview; Globex has its own job, interview and candidate.
func seeded(t *testing.T) *world {
	t.Helper()
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "other", "Globex", "boss@globex.example")
	w.flow(t, []scenario{
		{name: "job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body: `{"title": "Backend engineer"}`, checks: []check{save("id", "job")}},
		{name: "interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated, body: interviewBody,
			checks: []check{save("id", "interview"), save("steps.0.id", "text_step"), save("steps.1.id", "choice_step"),
				save("steps.1.options.0.id", "opt_go"), save("steps.1.options.1.id", "opt_rust"), save("steps.2.options.0.id", "opt_sqlite")}},
		{name: "second interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body:   `{"job_id": {job}, "title": "Follow-up", "steps": [{"kind": "text", "title": "Anything else?"}]}`,
			checks: []check{save("id", "interview2"), save("steps.0.id", "other_step")}},
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body: `{"candidates": [{"name": "Ada Lovelace", "email": "ada@example.com"}, {"name": "Bob", "email": "bob@example.com"}]}`,
			checks: []check{save("invitations.0.token", "ada"), save("invitations.0.application_id", "ada_app"),
				save("invitations.1.token", "bob"), save("invitations.1.application_id", "bob_app")}},
		{name: "bob submits", method: "POST", path: "/api/v1/candidate/submit", token: "bob", want: http.StatusOK},
		{name: "globex job", method: "POST", path: "/api/v1/jobs", token: "other", want: http.StatusCreated,
			body: `{"title": "Sales"}`, checks: []check{save("id", "globex_job")}},
		{name: "globex interview", method: "POST", path: "/api/v1/interviews", token: "other", want: http.StatusCreated,
			body:   `{"job_id": {globex_job}, "title": "Sales screen", "steps": [{"kind": "text", "title": "Pitch us"}]}`,
			checks: []check{save("id", "globex_interview"), save("steps.0.id", "globex_step")}},
		{name: "globex invite", method: "POST", path: "/api/v1/interviews/{globex_interview}/invitations", token: "other", want: http.StatusCreated,
			body: `{"candidates": [{"email": "zed@example.com"}]}`, checks: []check{save("invitations.0.token", "zed")}},
	})
	return w
}

// TestBadInput sends malformed, oversized, misdirected and hostile
// requests; each gets a clear JSON error with a fitting status.
func TestBadInput(t *testing.T) {
	t.Parallel()
	w := seeded(t)
	ctx := context.Background()
	w.vars["bogus_api"] = "ahk_" + strings.Repeat("x", 43)
	revoked, tok, err := w.Accounts.CreateAPIToken(ctx, w.member(t, "owner"), "laptop")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Accounts.RevokeAPIToken(ctx, w.member(t, "owner"), tok.ID); err != nil {
		t.Fatal(err)
	}
	w.vars["revoked_api"] = revoked

	crossSite := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	big := func(n int) string { return strings.Repeat("a", n) }
	manyCandidates := func(bytes int) string {
		var b strings.Builder
		b.WriteString(`{"candidates": [`)
		for i := 0; b.Len() < bytes; i++ {
			fmt.Fprintf(&b, `{"name": "Candidate %d", "email": "c%d@example.com"},`, i, i)
		}
		return strings.TrimSuffix(b.String(), ",") + "]}"
	}

	w.table(t, []scenario{
		// Bodies.
		{name: "malformed JSON", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "x",`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "malformed JSON")}},
		{name: "broken JSON", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title" "x"}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "malformed JSON at byte")}},
		{name: "empty body", method: "POST", path: "/api/v1/jobs", token: "owner",
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "empty")}},
		// httpx.DecodeJSON reports the second value's fields as unknown
		// here, rather than saying the body holds two values; the status
		// and code are right either way.
		{name: "two JSON values", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "a"} {"title": "b"}`,
			want: http.StatusBadRequest, checks: []check{is("error.code", "invalid")}},
		{name: "trailing data", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "a"} {}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "single JSON value")}},
		{name: "not JSON", method: "POST", path: "/api/v1/jobs", token: "owner", body: `title=x`, header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"},
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "malformed JSON")}},
		{name: "JSON labelled as a form, as curl -d sends it", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "From curl"}`,
			header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, want: http.StatusCreated},
		{name: "unknown field", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "x", "salary": 100000}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `unknown field "salary"`), is("error.field", "salary")}},
		{name: "unknown field in a step", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "text", "title": "t", "colour": "red"}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `unknown field "steps[0].colour"`), is("error.field", "steps[0].colour")}},
		{name: "unknown field in an answer", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada",
			body: `{"text": "hi", "lang": "go"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", `unknown field "lang"`)}},
		{name: "code for a text step", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada",
			body: `{"text": "hi", "language": "go", "code": "package solution"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "written answer")}},
		{name: "wrong type: title", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": 5}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `"title" must be a string, not number`), is("error.field", "title")}},
		{name: "wrong type: job_id", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": "one", "title": "x", "steps": []}`, want: http.StatusBadRequest, checks: []check{is("error.field", "job_id")}},
		{name: "wrong type: candidates", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner",
			body: `{"candidates": "ada@example.com"}`, want: http.StatusBadRequest, checks: []check{is("error.field", "candidates")}},
		{name: "wrong type: choices", method: "PUT", path: "/api/v1/candidate/answers/{choice_step}", token: "ada",
			body: `{"choices": ["Go"]}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "choices")}},
		{name: "wrong type: rating key", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"ratings": {"first": 3}, "recommendation": "yes"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "ratings")}},
		{name: "missing title", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "title cannot be empty"), is("error.field", "title")}},
		{name: "oversized body", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "` + big(3<<19) + `"}`,
			want: http.StatusRequestEntityTooLarge, checks: []check{errorIs("too_large", "larger than 1048576 bytes")}},
		{name: "invitations may be larger than 1 MiB", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner",
			body: manyCandidates(3 << 19), want: http.StatusBadRequest, checks: []check{errorIs("invalid", "at most 1000")}},
		{name: "oversized invitations", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner",
			body: manyCandidates(5 << 19), want: http.StatusRequestEntityTooLarge, checks: []check{errorIs("too_large", "larger than 2097152 bytes")}},
		{name: "oversized answer", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", body: `{"text": "` + big(9<<20) + `"}`,
			want: http.StatusRequestEntityTooLarge, checks: []check{errorIs("too_large", "larger than")}},
		{name: "answer over the length limit", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", body: `{"text": "` + big(100_001) + `"}`,
			want: http.StatusRequestEntityTooLarge, checks: []check{errorIs("too_large", "longer than 100000 characters")}},

		// Credentials.
		{name: "no token", method: "GET", path: "/api/v1/jobs", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "Authorization: Bearer"), headerIs("WWW-Authenticate", `Bearer realm="anyhour"`)}},
		{name: "not a bearer token", method: "GET", path: "/api/v1/me", header: map[string]string{"Authorization": "Basic b3duZXI6cGFzcw=="},
			want: http.StatusUnauthorized, checks: []check{errorIs("unauthenticated", "Bearer <token>")}},
		{name: "unknown API token", method: "GET", path: "/api/v1/me", token: "bogus_api", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "unknown or revoked")}},
		{name: "revoked API token", method: "GET", path: "/api/v1/me", token: "revoked_api", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "unknown or revoked")}},
		{name: "candidate token on a team route", method: "GET", path: "/api/v1/jobs", token: "ada", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "not an API token")}},
		{name: "candidate token on a team write", method: "POST", path: "/api/v1/applications/{ada_app}/reviews", token: "ada",
			body: `{"recommendation": "strong_yes"}`, want: http.StatusUnauthorized, checks: []check{errorIs("unauthenticated", "not an API token")}},
		{name: "team token on a candidate route", method: "GET", path: "/api/v1/candidate", token: "owner", want: http.StatusUnauthorized,
			checks: []check{errorIs("unauthenticated", "not an API token")}},
		{name: "team token on a candidate write", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "owner",
			body: `{"text": "hi"}`, want: http.StatusUnauthorized, checks: []check{errorIs("unauthenticated", "not an API token")}},

		// Other organisations' ids look exactly like missing ones.
		{name: "missing job", method: "GET", path: "/api/v1/jobs/999999", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "job not found"), saveBody("missing_job")}},
		{name: "job id not a number", method: "GET", path: "/api/v1/jobs/abc", token: "owner", want: http.StatusNotFound, checks: []check{sameBody("missing_job")}},
		{name: "other org's job", method: "GET", path: "/api/v1/jobs/{job}", token: "other", want: http.StatusNotFound, checks: []check{sameBody("missing_job")}},
		{name: "other org edits job", method: "PATCH", path: "/api/v1/jobs/{job}", token: "other", body: `{"status": "closed"}`,
			want: http.StatusNotFound, checks: []check{sameBody("missing_job")}},
		{name: "other org lists jobs", method: "GET", path: "/api/v1/jobs", token: "other", want: http.StatusOK,
			checks: []check{is("jobs.#", 1), is("jobs.0.title", "Sales"), is("next_cursor", "")}},

		// Jobs a page at a time; a cursor is only a place in one's own list.
		{name: "jobs, a page of one", method: "GET", path: "/api/v1/jobs?limit=1", token: "owner", want: http.StatusOK,
			checks: []check{is("jobs.#", 1), is("jobs.0.title", "From curl"), save("next_cursor", "jobs_next")}},
		{name: "jobs, the next page", method: "GET", path: "/api/v1/jobs?limit=1&cursor={jobs_next}", token: "owner", want: http.StatusOK,
			checks: []check{is("jobs.#", 1), is("jobs.0.id", "{job}"), is("next_cursor", "")}},
		{name: "other org follows the cursor", method: "GET", path: "/api/v1/jobs?limit=5&cursor={jobs_next}", token: "other", want: http.StatusOK,
			checks: []check{is("jobs.#", 1), is("jobs.0.title", "Sales")}},
		{name: "jobs, a cursor without limit", method: "GET", path: "/api/v1/jobs?cursor={jobs_next}", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "needs limit"), is("error.field", "limit")}},
		{name: "jobs, a made-up cursor", method: "GET", path: "/api/v1/jobs?limit=5&cursor=x1", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "not one this server gave out"), is("error.field", "cursor")}},
		{name: "jobs, too many at once", method: "GET", path: "/api/v1/jobs?limit=500", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "between 1 and 200"), is("error.field", "limit")}},
		{name: "jobs, an unknown parameter", method: "GET", path: "/api/v1/jobs?status=open", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", `unknown query parameter "status"`), is("error.field", "status")}},
		{name: "missing interview", method: "GET", path: "/api/v1/interviews/999999", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "interview not found"), saveBody("missing_interview")}},
		{name: "other org's interview", method: "GET", path: "/api/v1/interviews/{interview}", token: "other", want: http.StatusNotFound,
			checks: []check{sameBody("missing_interview")}},
		{name: "other org edits interview", method: "PATCH", path: "/api/v1/interviews/{interview}", token: "other", body: `{"title": "Mine now"}`,
			want: http.StatusNotFound, checks: []check{sameBody("missing_interview")}},
		{name: "other org invites", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "other",
			body: `{"candidates": [{"email": "spy@example.com"}]}`, want: http.StatusNotFound, checks: []check{sameBody("missing_interview")}},
		{name: "other org's job for an interview", method: "POST", path: "/api/v1/interviews", token: "other",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "text", "title": "t"}]}`, want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "job {job} not found"), is("error.field", "job_id")}},
		{name: "missing application", method: "GET", path: "/api/v1/applications/999999", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "application not found"), saveBody("missing_application")}},
		{name: "other org's application", method: "GET", path: "/api/v1/applications/{ada_app}", token: "other", want: http.StatusNotFound,
			checks: []check{sameBody("missing_application")}},
		{name: "other org reviews", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "other",
			body: `{"recommendation": "strong_no"}`, want: http.StatusNotFound, checks: []check{sameBody("missing_application")}},
		{name: "other org filters by our interview", method: "GET", path: "/api/v1/applications?interview_id={interview}", token: "other",
			want: http.StatusOK, checks: []check{is("applications.#", 0)}},

		// Candidates reach only their own application.
		{name: "step of another interview", method: "PUT", path: "/api/v1/candidate/answers/{other_step}", token: "ada", body: `{"text": "hi"}`,
			want: http.StatusNotFound, checks: []check{errorIs("not_found", "step not found"), saveBody("missing_step")}},
		{name: "step of another organisation", method: "PUT", path: "/api/v1/candidate/answers/{globex_step}", token: "ada", body: `{"text": "hi"}`,
			want: http.StatusNotFound, checks: []check{sameBody("missing_step")}},
		{name: "missing step", method: "PUT", path: "/api/v1/candidate/answers/999999", token: "ada", body: `{"text": "hi"}`,
			want: http.StatusNotFound, checks: []check{sameBody("missing_step")}},
		{name: "another candidate's step", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "zed", body: `{"text": "hi"}`,
			want: http.StatusNotFound, checks: []check{sameBody("missing_step")}},
		{name: "option of another step", method: "PUT", path: "/api/v1/candidate/answers/{choice_step}", token: "ada", body: `{"choices": [{opt_sqlite}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "not one of this step's options")}},
		{name: "two options of a single choice", method: "PUT", path: "/api/v1/candidate/answers/{choice_step}", token: "ada",
			body: `{"choices": [{opt_go}, {opt_rust}]}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "only one")}},
		{name: "text for a choice", method: "PUT", path: "/api/v1/candidate/answers/{choice_step}", token: "ada", body: `{"text": "Go"}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "takes a choice")}},
		{name: "choices for a text", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", body: `{"choices": [{opt_go}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "written answer")}},
		{name: "bad time zone", method: "PUT", path: "/api/v1/candidate/time_zone", token: "ada", body: `{"time_zone": "Mars/Olympus"}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "not a time zone"), is("error.field", "time_zone")}},
		{name: "answer after submit", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "bob", body: `{"text": "late"}`,
			want: http.StatusConflict, checks: []check{errorIs("conflict", "submitted")}},

		// Browsers may not post from other sites.
		{name: "cross-site team post", method: "POST", path: "/api/v1/jobs", token: "owner", body: `{"title": "Phished"}`, header: crossSite,
			want: http.StatusForbidden, checks: []check{errorIs("cross_origin", "cross-origin")}},
		{name: "cross-site candidate put", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", body: `{"text": "x"}`,
			header: crossSite, want: http.StatusForbidden, checks: []check{errorIs("cross_origin", "cross-origin")}},
		{name: "cross-site read is allowed", method: "GET", path: "/api/v1/jobs", token: "owner", header: crossSite, want: http.StatusOK},

		// Interviews.
		{name: "video step too long", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "video", "title": "Say hello", "think_seconds": 30, "max_seconds": 7200, "retakes": 2}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "between 10 and 1800 seconds"), is("error.field", "steps[0].max_seconds")}},
		{name: "code step in an unknown language", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "code", "title": "FizzBuzz", "languages": ["cobol"],
				"io_cases": [{"name": "one", "stdin": "1", "stdout": "1", "hidden": false, "points": 1}], "time_limit_ms": 2000, "memory_mb": 256, "points": 5}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `"cobol" is not a supported language`), is("error.field", "steps[0].languages")}},
		{name: "a code review without its change", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "codereview", "title": "Review it"}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "needs the change to review"), is("error.field", "steps[0].diff")}},
		{name: "a take-home without its task", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "takehome", "title": "Build it"}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "is not a supported language"), is("error.field", "steps[0].language")}},
		{name: "unknown kind", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "essay", "title": "t"}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", `unknown kind "essay"`)}},
		{name: "setting of another kind", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "text", "title": "t", "options": [{"text": "a"}]}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "options is a setting of choice steps"), is("error.field", "steps[0].options")}},
		{name: "choice without a correct option", method: "POST", path: "/api/v1/interviews", token: "owner",
			body: `{"job_id": {job}, "title": "x", "steps": [{"kind": "choice", "title": "t", "options": [{"text": "a"}, {"text": "b"}]}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "at least one option as correct")}},
		{name: "no steps", method: "POST", path: "/api/v1/interviews", token: "owner", body: `{"job_id": {job}, "title": "x", "steps": []}`,
			want: http.StatusBadRequest, checks: []check{is("error.field", "steps")}},
		{name: "move interview to another job", method: "PATCH", path: "/api/v1/interviews/{interview}", token: "owner", body: `{"job_id": {job}}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "cannot move")}},
		{name: "step of another interview in a patch", method: "PATCH", path: "/api/v1/interviews/{interview}", token: "owner",
			body: `{"steps": [{"id": {other_step}, "kind": "text", "title": "Stolen"}]}`,
			want: http.StatusBadRequest, checks: []check{errorIs("invalid", "not part of this interview")}},

		// Listing.
		{name: "unknown outcome", method: "GET", path: "/api/v1/applications?outcome=maybe", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "advance, hold or reject")}},
		{name: "an outcome filter", method: "GET", path: "/api/v1/applications?outcome=advance", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 0)}},
		{name: "unknown status", method: "GET", path: "/api/v1/applications?status=hired", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "unknown status"), is("error.field", "status")}},
		{name: "limit zero", method: "GET", path: "/api/v1/applications?limit=0", token: "owner", want: http.StatusBadRequest, checks: []check{is("error.field", "limit")}},
		{name: "limit too high", method: "GET", path: "/api/v1/applications?limit=201", token: "owner", want: http.StatusBadRequest, checks: []check{is("error.field", "limit")}},
		{name: "limit not a number", method: "GET", path: "/api/v1/applications?limit=ten", token: "owner", want: http.StatusBadRequest, checks: []check{is("error.field", "limit")}},
		{name: "forged cursor", method: "GET", path: "/api/v1/applications?cursor=not-ours", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "cursor")}},
		{name: "unknown sort", method: "GET", path: "/api/v1/applications?sort=rating", token: "owner", want: http.StatusBadRequest, checks: []check{is("error.field", "sort")}},
		{name: "misspelt filter", method: "GET", path: "/api/v1/applications?stauts=submitted", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", `unknown query parameter "stauts"`)}},
		{name: "interview_id not a number", method: "GET", path: "/api/v1/applications?interview_id=x", token: "owner", want: http.StatusBadRequest,
			checks: []check{is("error.field", "interview_id")}},

		// Reviews.
		{name: "rating out of range", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"ratings": {"{text_step}": 7}, "recommendation": "yes"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "from 1 to 5")}},
		{name: "unknown recommendation", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"recommendation": "maybe"}`, want: http.StatusBadRequest, checks: []check{is("error.field", "recommendation")}},
		{name: "rating a step of another interview", method: "POST", path: "/api/v1/applications/{bob_app}/reviews", token: "owner",
			body: `{"ratings": {"{other_step}": 3}, "recommendation": "yes"}`, want: http.StatusBadRequest, checks: []check{errorIs("invalid", "not part of this interview")}},

		// Routes that do not exist.
		{name: "method not allowed", method: "DELETE", path: "/api/v1/jobs/{job}", token: "owner", want: http.StatusMethodNotAllowed,
			checks: []check{errorIs("method_not_allowed", "DELETE is not allowed"), headerIs("Allow", "GET, PATCH, HEAD")}},
		{name: "no such route", method: "GET", path: "/api/v1/candidates", token: "owner", want: http.StatusNotFound,
			checks: []check{errorIs("not_found", "no API route")}},
	})
	w.noSecretsLogged(t, "owner", "other", "ada", "bob", "zed", "revoked_api")
}
