package api

import (
	"net/http"
	"testing"
)

// interviewBody is an interview with a text step, a single choice and a
// multiple choice worth two points.
const interviewBody = `{"job_id": {job}, "title": "Backend screen", "intro": "Three short questions.", "deadline_days": 7,
	"steps": [
		{"kind": "text", "title": "Why us?", "prompt": "In a few sentences.", "minutes": 10, "max_words": 50},
		{"kind": "choice", "title": "Language", "prompt": "Which language is anyhour written in?", "minutes": 1,
		 "options": [{"text": "Go", "correct": true}, {"text": "Rust"}, {"text": "COBOL", "correct": false}]},
		{"kind": "choice", "title": "Databases", "prompt": "Which databases does anyhour run on?", "minutes": 2, "multiple": true, "points": 2,
		 "options": [{"text": "SQLite", "correct": true}, {"text": "PostgreSQL", "correct": true}, {"text": "Excel"}]}
	]}`

// TestHappyPath walks the whole way through the API: a team sets up a job
// and an interview, invites candidates, one answers and submits, and two
// reviewers review, each seeing the other only after their own review.
func TestHappyPath(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "bea", "Acme", "bea@acme.example")

	w.flow(t, []scenario{
		{name: "openapi document", method: "GET", path: "/api/v1/openapi.json", want: http.StatusOK,
			checks: []check{is("openapi", "3.1.0"), is("servers.0.url", testBaseURL)}},
		{name: "me", method: "GET", path: "/api/v1/me", token: "owner", want: http.StatusOK,
			checks: []check{is("email", "owner@acme.example"), is("role", "owner"), is("organization.name", "Acme"), is("permissions.#", 7)}},

		// The team sets up a job and its interview.
		{name: "create job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body:   `{"title": "Backend engineer", "description": "Go and SQL."}`,
			checks: []check{save("id", "job"), is("status", "open"), is("application_counts.invited", 0), is("interviews.#", 0)}},
		{name: "list jobs", method: "GET", path: "/api/v1/jobs", token: "owner", want: http.StatusOK,
			checks: []check{is("jobs.#", 1), is("jobs.0.id", "{job}"), absent("jobs.0.interviews")}},
		{name: "edit job", method: "PATCH", path: "/api/v1/jobs/{job}", token: "owner", want: http.StatusOK,
			body:   `{"description": "Go, SQL and kindness."}`,
			checks: []check{is("title", "Backend engineer"), is("description", "Go, SQL and kindness.")}},
		{name: "create interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body: interviewBody,
			checks: []check{save("id", "interview"), is("job_id", "{job}"), is("minutes", 13), is("steps.#", 3),
				save("steps.0.id", "text_step"), save("steps.1.id", "choice_step"), save("steps.2.id", "multi_step"),
				save("steps.1.options.0.id", "opt_go"), save("steps.1.options.1.id", "opt_rust"),
				save("steps.2.options.0.id", "opt_sqlite"), save("steps.2.options.2.id", "opt_excel"),
				is("steps.0.max_words", 50), absent("steps.0.options"), absent("steps.1.max_words"),
				is("steps.1.multiple", false), is("steps.1.points", 1), is("steps.2.points", 2),
				is("steps.1.options.0.correct", true), is("steps.1.options.1.correct", false)}},
		{name: "get interview", method: "GET", path: "/api/v1/interviews/{interview}", token: "owner", want: http.StatusOK,
			checks: []check{is("title", "Backend screen"), is("steps.1.options.0.id", "{opt_go}"), is("deadline_days", 7)}},
		{name: "edit interview intro keeps steps", method: "PATCH", path: "/api/v1/interviews/{interview}", token: "owner", want: http.StatusOK,
			body:   `{"intro": "Three short questions, about a quarter of an hour."}`,
			checks: []check{is("steps.#", 3), is("steps.0.id", "{text_step}"), is("steps.1.options.0.id", "{opt_go}")}},

		// Invitations: the good rows go in, the bad and the duplicate are reported.
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body: `{"candidates": [
				{"name": "Ada Lovelace", "email": "ada@example.com"},
				{"name": "Grace Hopper", "email": "grace@example.com"},
				{"name": "Linus Torvalds", "email": "linus@example.com"},
				{"name": "Nobody", "email": "not-an-address"},
				{"name": "Ada again", "email": "ADA@example.com"}]}`,
			checks: []check{is("invitations.#", 3), is("problems.#", 1), is("duplicates.#", 1),
				is("problems.0.row", 4), contains("problems.0.message", "not an email address"),
				is("duplicates.0.row", 5), contains("duplicates.0.message", "row 1"),
				is("invitations.0.candidate.name", "Ada Lovelace"),
				save("invitations.0.token", "ada"), save("invitations.1.token", "grace"), save("invitations.2.token", "linus"),
				save("invitations.0.application_id", "ada_app"), save("invitations.1.application_id", "grace_app"),
				is("invitations.0.url", testBaseURL+"/c/{ada}")}},
		{name: "invite again is a duplicate", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusOK,
			body:   `{"candidates": [{"name": "Ada Lovelace", "email": "ada@example.com"}]}`,
			checks: []check{is("invitations.#", 0), is("duplicates.#", 1), contains("duplicates.0.message", "already invited")}},

		// The candidate answers and submits.
		{name: "candidate opens", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("application.status", "invited"), is("application.can_answer", true), is("application.id", "{ada_app}"),
				is("organization.name", "Acme"), is("job.title", "Backend engineer"), is("interview.steps.#", 3),
				is("interview.steps.1.options.#", 3), absent("interview.steps.1.options.0.correct"), absent("interview.steps.2.options.1.correct"),
				is("answers.#", 0)}},
		{name: "candidate sets time zone", method: "PUT", path: "/api/v1/candidate/time_zone", token: "ada", want: http.StatusNoContent,
			body: `{"time_zone": "Europe/Berlin"}`},
		{name: "text answer", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", want: http.StatusOK,
			body:   `{"text": "I like calm tools that run anywhere."}`,
			checks: []check{is("kind", "text"), is("words", 7), is("step_id", "{text_step}"), absent("score")}},
		{name: "choice answer", method: "PUT", path: "/api/v1/candidate/answers/{choice_step}", token: "ada", want: http.StatusOK,
			body:   `{"choices": [{opt_go}]}`,
			checks: []check{is("kind", "choice"), is("choices.0", "{opt_go}"), absent("score"), absent("max_score")}},
		{name: "multiple choice answer", method: "PUT", path: "/api/v1/candidate/answers/{multi_step}", token: "ada", want: http.StatusOK,
			body: `{"choices": [{opt_sqlite}]}`},
		{name: "candidate sees answers", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("application.status", "started"), is("application.time_zone", "Europe/Berlin"), is("answers.#", 3),
				is("answers.0.text", "I like calm tools that run anywhere."), is("answers.2.choices.#", 1), is("answers.2.choices.0", "{opt_sqlite}"), absent("answers.1.score")}},
		{name: "submit", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK,
			checks: []check{is("application.status", "submitted"), is("application.can_answer", false), notEmpty("application.submitted_at")}},
		{name: "answer after submit", method: "PUT", path: "/api/v1/candidate/answers/{text_step}", token: "ada", want: http.StatusConflict,
			body: `{"text": "One more thought."}`, checks: []check{errorIs("conflict", "submitted")}},
		{name: "submit twice", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusConflict,
			checks: []check{errorIs("conflict", "submitted")}},

		// The team lists and reads applications.
		{name: "list submitted", method: "GET", path: "/api/v1/applications?status=submitted", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 1), is("applications.0.candidate.email", "ada@example.com"),
				is("applications.0.score", 2), is("applications.0.max_score", 3), absent("applications.0.answers"), is("next_cursor", "")}},
		{name: "list invited, page 1", method: "GET", path: "/api/v1/applications?status=invited&limit=1", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 1), is("applications.0.candidate.email", "linus@example.com"), notEmpty("next_cursor"), save("next_cursor", "cursor")}},
		{name: "list invited, page 2", method: "GET", path: "/api/v1/applications?status=invited&limit=1&cursor={cursor}", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 1), is("applications.0.candidate.email", "grace@example.com"), is("next_cursor", "")}},
		{name: "by name, page 1", method: "GET", path: "/api/v1/applications?sort=name&limit=2&interview_id={interview}", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 2), is("applications.0.candidate.name", "Ada Lovelace"),
				is("applications.1.candidate.name", "Grace Hopper"), save("next_cursor", "cursor")}},
		{name: "by name, page 2", method: "GET", path: "/api/v1/applications?sort=name&limit=2&interview_id={interview}&cursor={cursor}", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 1), is("applications.0.candidate.name", "Linus Torvalds"), is("next_cursor", "")}},
		{name: "oldest of the job", method: "GET", path: "/api/v1/applications?job_id={job}&sort=oldest", token: "owner", want: http.StatusOK,
			checks: []check{is("applications.#", 3), is("applications.0.id", "{ada_app}")}},
		{name: "application with answers", method: "GET", path: "/api/v1/applications/{ada_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("status", "submitted"), is("score", 2), is("max_score", 3), is("time_zone", "Europe/Berlin"),
				is("answers.#", 3), is("answers.0.kind", "text"), is("answers.0.score", nil), is("answers.0.words", 7),
				is("answers.1.kind", "choice"), is("answers.1.choices.0", "{opt_go}"), is("answers.1.score", 1), is("answers.1.max_score", 1),
				is("answers.2.score", 1), is("answers.2.max_score", 2),
				is("reviews.#", 0), is("review_count", 0), absent("review_averages")}},

		// Reviews: nobody sees another's before their own is in.
		{name: "review before submission", method: "POST", path: "/api/v1/applications/{grace_app}/reviews", token: "owner", want: http.StatusConflict,
			body: `{"recommendation": "yes"}`, checks: []check{errorIs("conflict", "not submitted")}},
		{name: "a rating of an answer scored automatically", method: "POST", path: "/api/v1/applications/{ada_app}/reviews", token: "owner", want: http.StatusBadRequest,
			body: `{"ratings": {"{text_step}": 4, "{choice_step}": 5}, "recommendation": "yes"}`, checks: []check{errorIs("invalid", "scored automatically")}},
		{name: "a draft is the author's alone", method: "PUT", path: "/api/v1/applications/{ada_app}/review-draft", token: "owner", want: http.StatusOK,
			body: `{"ratings": {"{text_step}": 3}, "note": "Half a thought"}`, checks: []check{is("ratings.{text_step}", 3), is("recommendation", "")}},
		{name: "the other reviewer sees no sign of it", method: "GET", path: "/api/v1/applications/{ada_app}", token: "bea", want: http.StatusOK,
			checks: []check{is("review_count", 0), absent("review_draft")}},
		{name: "its author does", method: "GET", path: "/api/v1/applications/{ada_app}", token: "owner", want: http.StatusOK,
			checks: []check{is("review_draft.note", "Half a thought"), is("review_count", 0)}},
		{name: "first review", method: "POST", path: "/api/v1/applications/{ada_app}/reviews", token: "owner", want: http.StatusOK,
			body:   `{"ratings": {"{text_step}": 4}, "recommendation": "yes", "note": "Clear and kind."}`,
			checks: []check{is("mine", true), is("recommendation", "yes"), is("ratings.{text_step}", 4), is("reviewer.email", "owner@acme.example")}},
		{name: "second reviewer sees no review yet", method: "GET", path: "/api/v1/applications/{ada_app}", token: "bea", want: http.StatusOK,
			checks: []check{is("review_count", 1), is("reviews.#", 0), absent("review_averages")}},
		{name: "submitting removed the draft", method: "GET", path: "/api/v1/applications/{ada_app}", token: "owner", want: http.StatusOK,
			checks: []check{absent("review_draft")}},
		{name: "second review", method: "POST", path: "/api/v1/applications/{ada_app}/reviews", token: "bea", want: http.StatusOK,
			body: `{"ratings": {"{text_step}": 2}, "recommendation": "no"}`, checks: []check{is("note", "")}},
		{name: "second reviewer sees both", method: "GET", path: "/api/v1/applications/{ada_app}", token: "bea", want: http.StatusOK,
			checks: []check{is("review_count", 2), is("reviews.#", 2), is("reviews.0.mine", true), is("reviews.0.reviewer.email", "bea@acme.example"),
				is("reviews.1.mine", false), is("reviews.1.note", "Clear and kind."), is("reviews.1.ratings.{text_step}", 4),
				near("review_averages.overall", 3), near("review_averages.steps.{text_step}", 3)}},
		{name: "job counts", method: "GET", path: "/api/v1/jobs/{job}", token: "owner", want: http.StatusOK,
			checks: []check{is("application_counts", map[string]int{"invited": 2, "started": 0, "submitted": 1, "decided": 0}),
				is("interviews.#", 1), is("interviews.0.id", "{interview}")}},
	})
	w.noSecretsLogged(t, "owner", "bea", "ada", "grace", "linus")
}
