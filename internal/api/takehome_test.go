package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/git/gittest"
)

// TestTakehomeInTheAPI covers a take-home step through the API: its
// settings (the team reads the hidden tests, the candidate never), the
// mistakes a team can make with them, starting the step and its
// credentials, and the repository in the candidate's view.
func TestTakehomeInTheAPI(t *testing.T) {
	t.Parallel()
	gittest.Need(t)
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	step := func(extra string) string {
		return `{"job_id": {job}, "title": "Take-home", "steps": [{"kind": "takehome", "title": "Pricing", "language": "python", "hours": 3,
			"starter_files": {"app/__init__.py": "", "app/pricing.py": "def total(items):\n    return 0\n"},
			"tests": {"visible": {"tests/test_pricing.py": "from app.pricing import total\n"}, "hidden": {"hidden/test_total.py": "from app.pricing import total\n\ndef test_sum():\n    assert total([1, 2]) == 3\n"}}` + extra + `}]}`
	}
	w.flow(t, []scenario{
		{name: "job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body: `{"title": "Engineer"}`, checks: []check{save("id", "job")}},
		{name: "a hidden test also in the starter", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   strings.Replace(step(""), `"app/__init__.py": ""`, `"hidden/test_total.py": "x"`, 1),
			checks: []check{errorIs("invalid", "hidden tests must never reach it"), is("error.field", "steps[0].tests.hidden")}},
		{name: "a starter path leaving the repository", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   strings.Replace(step(""), `"app/__init__.py"`, `"../../etc/cron.d/x"`, 1),
			checks: []check{errorIs("invalid", "cannot be in a repository")}},
		{name: "a setting of another kind", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   step(`, "max_words": 10`),
			checks: []check{errorIs("invalid", "max_words is a setting of text steps")}},
		{name: "an unknown field in the tests", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   strings.Replace(step(""), `"tests": {`, `"tests": {"secret": {}, `, 1),
			checks: []check{errorIs("invalid", `unknown field "steps[0].tests.secret"`)}},
		{name: "interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body: step(`, "window_hours": 72, "compensation": {"amount": "150", "currency": "eur", "terms": "paid within 14 days"}`),
			checks: []check{save("id", "interview"), save("steps.0.id", "step"), is("steps.0.points", 10), is("steps.0.max_repo_mb", 50),
				is("steps.0.compensation.currency", "EUR"), bodyHas("def test_sum")}},
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body:   `{"candidates": [{"name": "Ada Lovelace", "email": "ada@example.com"}]}`,
			checks: []check{save("invitations.0.token", "ada"), save("invitations.0.application_id", "app")}},
		{name: "the candidate reads no hidden test", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{bodyLacks("def test_sum"), bodyLacks("hidden/test_total.py"), absent("interview.steps.0.tests.hidden"), absent("interview.steps.0.reviewers_rate"), is("interview.steps.0.hours", 3),
				is("interview.steps.0.compensation.amount", "150"), is("answers.#", 0)}},
		{name: "credentials start the step", method: "POST", path: "/api/v1/candidate/takehome/{step}/credentials", token: "ada", want: http.StatusOK,
			checks: []check{is("clone_url", testBaseURL+"/git/{app}/{step}.git"), is("username", "candidate-{app}-{step}"), notEmpty("password")}},
		{name: "the view carries the repository", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{is("answers.#", 1), is("answers.0.kind", "takehome"), is("answers.0.takehome.clone_url", testBaseURL+"/git/{app}/{step}.git"),
				is("answers.0.takehome.pushes.#", 0), notEmpty("answers.0.takehome.closes_at"), absent("answers.0.takehome.password")}},
		{name: "the team reads nothing before submission", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.#", 0)}},
		{name: "credentials of a step that is not a take-home", method: "POST", path: "/api/v1/candidate/takehome/999999/credentials", token: "ada", want: http.StatusNotFound},
		{name: "the candidate submits", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK},
	})
	a, err := w.Applications.ByToken(context.Background(), w.vars["ada"])
	if err != nil {
		t.Fatal(err)
	}
	stepID, _ := strconv.ParseInt(w.vars["step"], 10, 64)
	if err := w.Takehomes.RecordPayment(context.Background(), w.member(t, "owner"), a, stepID, "2026-12-07", "INV-7"); err != nil {
		t.Fatal(err)
	}
	w.flow(t, []scenario{
		{name: "the team reads the repository and the payment", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.0.takehome.paid.on", "2026-12-07"), is("answers.0.takehome.paid.reference", "INV-7")}},
		{name: "the candidate never reads the payment record", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: []check{absent("answers.0.takehome.paid")}},
	})
	if logs := w.logs.String(); strings.Contains(logs, "ahg_") {
		t.Error("a repository password reached the logs")
	}
}

// bodyHas and bodyLacks look for text anywhere in the body.
func bodyHas(text string) check {
	return func(t *testing.T, w *world, r *result) {
		if !strings.Contains(string(r.body), text) {
			t.Errorf("the body lacks %q", text)
		}
	}
}

func bodyLacks(text string) check {
	return func(t *testing.T, w *world, r *result) {
		if strings.Contains(string(r.body), text) {
			t.Errorf("the body holds %q", text)
		}
	}
}
