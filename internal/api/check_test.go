package api

import (
	"net/http"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// TestCodingStepIsCheckedBeforeInviting: a coding step made through the
// API keeps candidates out until a reference solution passes its tests,
// which the API runs; a wrong one checks nothing.
func TestCodingStepIsCheckedBeforeInviting(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	g, err := grader.New(sandboxtest.New(t), grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.Gradings.SetGrader(g, nil)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	const tests = `"tests": {"python": {"visible": "from solution import double\n\ndef test_two():\n    assert double(2) == 4\n", "hidden": "from solution import double\n\ndef test_neg():\n    assert double(-3) == -6\n"}}`
	w.flow(t, []scenario{
		{name: "job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body: `{"title": "Backend engineer"}`, checks: []check{save("id", "job")}},
		{name: "interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body:   `{"job_id": {job}, "title": "Code", "steps": [{"kind": "code", "title": "Double", "languages": ["python"], ` + tests + `}]}`,
			checks: []check{save("id", "interview"), save("steps.0.id", "step"), contains("unready.0", "no reference solution in Python")}},
		{name: "invite before the check", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusConflict,
			body: `{"candidates": [{"name": "Ada", "email": "ada@example.com"}]}`, checks: []check{errorIs("conflict", "not ready for candidates")}},
		{name: "a wrong solution", method: "POST", path: "/api/v1/interviews/{interview}/steps/{step}/check", token: "owner", want: http.StatusOK,
			body:   `{"language": "python", "code": "def double(n):\n    return 4\n"}`,
			checks: []check{is("checked", false), is("tests.#", 2), contains("unready.0", "Python")}},
		{name: "a right solution", method: "POST", path: "/api/v1/interviews/{interview}/steps/{step}/check", token: "owner", want: http.StatusOK,
			body:   `{"language": "python", "code": "def double(n):\n    return 2 * n\n"}`,
			checks: []check{is("checked", true), is("unready", []any{})}},
		{name: "ready", method: "GET", path: "/api/v1/interviews/{interview}", token: "owner", want: http.StatusOK,
			checks: []check{is("unready", []any{})}},
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body: `{"candidates": [{"name": "Ada", "email": "ada@example.com"}]}`},
		{name: "a language the step lacks", method: "POST", path: "/api/v1/interviews/{interview}/steps/{step}/check", token: "owner", want: http.StatusBadRequest,
			body: `{"language": "go", "code": "package solution"}`},
	})
}
