package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/queue"
)

const simStarter = "def median(xs):\n    # Your code here.\n    return 0\n\n\ndef main():\n    print(median([3, 1, 2]))\n"

var simAnswers = map[string]string{
	"ada": "def median(xs):\n    ordered = sorted(xs)\n    n = len(ordered)\n    middle = n // 2\n    if n % 2 == 1:\n        return ordered[middle]\n" +
		"    low = ordered[middle - 1]\n    high = ordered[middle]\n    return (low + high) / 2\n\n\ndef main():\n    print(median([3, 1, 2]))\n",
	"bob": "def median(xs):\n    # sort first\n    s = sorted(xs)\n    count = len(s)\n    half = count // 2\n    if count % 2 == 1:\n        return s[half]\n" +
		"    a = s[half - 1]\n    b = s[half]\n    return (a + b) / 2\n\n\ndef main():\n    print(median([3, 1, 2]))\n",
	"cyd": simStarter,
}

// similarityWorld is a code step whose candidates ada and bob handed in
// one solution, names changed, and cyd the starter, compared.
func similarityWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := newWorld(t)
	w.Matchings.SetSettle(0)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "rival", "Globex", "owner@globex.example")
	owner := w.member(t, "owner")
	job, err := w.Openings.CreateJob(ctx, owner, opening.JobInput{Title: simPtr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	step := opening.Step{Kind: opening.KindCode, Title: "Median", Points: 10, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Starter:   map[opening.Language]string{opening.Python: simStarter},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {
			Visible: "from solution import median\n\ndef test_odd():\n    assert median([3, 1, 2]) == 2\n"}},
	}}
	iv, err := w.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: simPtr("Coding"), Steps: &[]opening.Step{step}})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, w.Openings, owner, iv)
	w.vars["step"] = fmt.Sprint(iv.Steps[0].ID)
	for _, name := range []string{"ada", "bob", "cyd"} {
		res, err := w.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: name, Email: name + "@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		a, code := res.Invitations[0].Application, simAnswers[name]
		if _, err := w.Applications.SaveAnswer(ctx, a, iv.Steps[0].ID, application.AnswerInput{Language: simPtr("python"), Code: &code}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		w.vars[name] = fmt.Sprint(a.ID)
	}
	w.compare(t)
	return w
}

// compare runs the comparisons queued.
func (w *world) compare(t *testing.T) {
	t.Helper()
	q := queue.New(w.db, queue.Config{Concurrency: 1, Name: "t", Logger: slog.New(slog.DiscardHandler)})
	w.Matchings.RegisterTasks(q)
	if err := q.RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestSimilarityInTheAPI: a step's pairs with their lines, the threshold
// and references, and what is refused.
func TestSimilarityInTheAPI(t *testing.T) {
	t.Parallel()
	w := similarityWorld(t)
	big, _ := json.Marshal(strings.Repeat("x = 1\n", 40_000))
	w.flow(t, []scenario{
		{name: "the pairs", method: "GET", path: "/api/v1/steps/{step}/similarity", token: "owner", want: http.StatusOK,
			checks: []check{is("status", "done"), is("threshold", 0.5), is("submissions", 3), is("compared", 2), is("pairs.#", 1),
				is("pairs.0.left_application_id", "{ada}"), is("pairs.0.right_application_id", "{bob}"), absent("pairs.0.right_reference_id"),
				is("pairs.0.fragments.0.left.file", "solution.py"), is("pairs.0.fragments.0.left.start_line", 2), is("pairs.0.fragments.0.left.end_line", 9),
				is("pairs.0.fragments.0.right.start_line", 2), is("pairs.0.fragments.0.right.end_line", 10),
				bodyLacks(`"{cyd}"`)}},
		{name: "every pair kept", method: "GET", path: "/api/v1/steps/{step}/similarity?min=0", token: "owner", want: http.StatusOK,
			checks: []check{is("min", 0), is("pairs.#", 1)}},
		{name: "a threshold", method: "PUT", path: "/api/v1/steps/{step}/similarity", token: "owner", want: http.StatusOK,
			body: `{"threshold": 0.3}`, checks: []check{is("threshold", 0.3), is("min", 0.3), is("pairs.#", 1)}},
		{name: "a reference", method: "POST", path: "/api/v1/steps/{step}/similarity/references", token: "owner", want: http.StatusCreated,
			body:   `{"name": "Forum answer", "language": "python", "code": ` + mustJSON(simAnswers["ada"]) + `}`,
			checks: []check{save("id", "ref"), is("name", "Forum answer"), is("language", "python")}},
		{name: "queued again", method: "GET", path: "/api/v1/steps/{step}/similarity?min=0", token: "owner", want: http.StatusOK,
			checks: []check{is("status", "queued"), is("references.0.id", "{ref}")}},
	})
	w.compare(t)
	w.flow(t, []scenario{
		{name: "compared with the reference", method: "GET", path: "/api/v1/steps/{step}/similarity?min=0.9", token: "owner", want: http.StatusOK,
			checks: []check{is("status", "done"), is("pairs.#", 3), is("pairs.0.right_application_id", "{bob}"),
				is("pairs.1.left_application_id", "{ada}"), is("pairs.1.right_application_id", nil), is("pairs.1.right_reference_id", "{ref}"),
				is("pairs.2.left_application_id", "{bob}"), is("pairs.2.right_reference_id", "{ref}")}},
		{name: "the reference removed", method: "DELETE", path: "/api/v1/steps/{step}/similarity/references/{ref}", token: "owner", want: http.StatusNoContent},
		{name: "its pairs went with it", method: "GET", path: "/api/v1/steps/{step}/similarity?min=0", token: "owner", want: http.StatusOK,
			checks: []check{is("pairs.#", 1), is("references.#", 0)}},
	})
	w.table(t, []scenario{
		{name: "another organisation's step", method: "GET", path: "/api/v1/steps/{step}/similarity", token: "rival", want: http.StatusNotFound},
		{name: "another organisation's threshold", method: "PUT", path: "/api/v1/steps/{step}/similarity", token: "rival", want: http.StatusNotFound,
			body: `{"threshold": 0.1}`},
		{name: "another organisation's reference", method: "POST", path: "/api/v1/steps/{step}/similarity/references", token: "rival",
			want: http.StatusNotFound, body: `{"name": "x", "language": "python", "code": "print(1)"}`},
		{name: "a step that does not exist", method: "GET", path: "/api/v1/steps/999999/similarity", token: "owner", want: http.StatusNotFound},
		{name: "min not a number", method: "GET", path: "/api/v1/steps/{step}/similarity?min=abc", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "min is a number from 0 to 1")}},
		{name: "min above 1", method: "GET", path: "/api/v1/steps/{step}/similarity?min=1.5", token: "owner", want: http.StatusBadRequest,
			checks: []check{errorIs("invalid", "from 0 to 1"), is("error.field", "min")}},
		{name: "a threshold below 0", method: "PUT", path: "/api/v1/steps/{step}/similarity", token: "owner", want: http.StatusBadRequest,
			body: `{"threshold": -0.2}`, checks: []check{errorIs("invalid", "from 0 to 1"), is("error.field", "threshold")}},
		{name: "a threshold not a number", method: "PUT", path: "/api/v1/steps/{step}/similarity", token: "owner", want: http.StatusBadRequest,
			body: `{"threshold": "high"}`},
		{name: "no threshold", method: "PUT", path: "/api/v1/steps/{step}/similarity", token: "owner", want: http.StatusBadRequest,
			body: `{}`, checks: []check{errorIs("invalid", "threshold is required")}},
		{name: "an empty reference", method: "POST", path: "/api/v1/steps/{step}/similarity/references", token: "owner", want: http.StatusBadRequest,
			body: `{"name": "x", "language": "python", "code": "  \n"}`, checks: []check{errorIs("invalid", "cannot be empty"), is("error.field", "code")}},
		{name: "a binary reference", method: "POST", path: "/api/v1/steps/{step}/similarity/references", token: "owner", want: http.StatusBadRequest,
			body: `{"name": "x", "language": "python", "code": "PK\u0003\u0004\u0000"}`, checks: []check{errorIs("invalid", "not text")}},
		{name: "a reference too large", method: "POST", path: "/api/v1/steps/{step}/similarity/references", token: "owner", want: http.StatusRequestEntityTooLarge,
			body: `{"name": "x", "language": "python", "code": ` + string(big) + `}`, checks: []check{errorIs("too_large", "at most 200 KB")}},
		{name: "a reference in another language", method: "POST", path: "/api/v1/steps/{step}/similarity/references", token: "owner", want: http.StatusBadRequest,
			body: `{"name": "x", "language": "go", "code": "package main"}`, checks: []check{errorIs("invalid", "python")}},
		{name: "a reference that is not there", method: "DELETE", path: "/api/v1/steps/{step}/similarity/references/999999", token: "owner", want: http.StatusNotFound},
	})
}

func mustJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func simPtr[T any](v T) *T { return &v }
