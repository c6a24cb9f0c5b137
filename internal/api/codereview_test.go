package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// reviewDiff is a small change: a search with an injection, a delete
// without a permission check, paging off by one.
const reviewDiff = `diff --git a/app/views.py b/app/views.py
--- a/app/views.py
+++ b/app/views.py
@@ -1,5 +1,10 @@
 from app.db import db
 
 
+def search(request):
+    term = request.args["q"]
+    return db.execute("SELECT * FROM items WHERE name = '%s'" % term)
+
+
 def delete(request, item_id):
     db.delete(item_id)
diff --git a/app/util.py b/app/util.py
--- a/app/util.py
+++ b/app/util.py
@@ -1,2 +1,2 @@
 def page(items, n):
-    return items[n * 10:(n + 1) * 10]
+    return items[n * 10:(n + 1) * 10 + 1]
`

var reviewLabels = []string{"Formatted SQL in search", "Anyone may delete", "One item too many", "bind the term as a parameter"}

func quoted(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestCodeReviewInTheAPI covers a code-review step through the API: the
// team's mistakes with the change and its planted issues, the candidate's
// review saved and refused, nothing of the rubric or the score in any
// candidate response, the team's matches, and the marks that move the score.
func TestCodeReviewInTheAPI(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.bootstrap(t, "owner", "Acme", "owner@acme.example")
	w.bootstrap(t, "other", "Globex", "owner@globex.example")
	planted := `[{"file": "app/views.py", "line_start": 6, "label": "Formatted SQL in search", "points": 4, "explanation": "A reviewer would say: bind the term as a parameter."},
		{"file": "app/views.py", "line_start": 9, "line_end": 10, "label": "Anyone may delete", "points": 4},
		{"file": "app/util.py", "line_start": 2, "label": "One item too many", "points": 2}]`
	step := func(diff, planted string) string {
		return `{"job_id": {job}, "title": "Review", "steps": [{"kind": "codereview", "title": "Review the search", "diff": ` + quoted(diff) + `, "planted": ` + planted + `}]}`
	}
	comments := `[{"file": "app/views.py", "line_start": 6, "body": "This formats the term into the SQL <script>alert(1)</script>"},
		{"file": "app/util.py", "line_start": 2, "body": "One too many per page."},
		{"file": "app/views.py", "line_start": 1, "body": "Unused import?"}]`
	w.flow(t, []scenario{
		{name: "job", method: "POST", path: "/api/v1/jobs", token: "owner", want: http.StatusCreated,
			body: `{"title": "Engineer"}`, checks: []check{save("id", "job")}},
		{name: "a diff that does not parse", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body: step("Have a look at my change!", planted), checks: []check{errorIs("invalid", "holds no file"), is("error.field", "steps[0].diff")}},
		{name: "a planted issue past the change's lines", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   step(reviewDiff, strings.Replace(planted, `"line_start": 6,`, `"line_start": 60,`, 1)),
			checks: []check{errorIs("invalid", "line 60 of app/views.py is not shown"), is("error.field", "steps[0].planted[0].line_start")}},
		{name: "overlapping planted issues", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusBadRequest,
			body:   step(reviewDiff, strings.Replace(planted, `"line_start": 9, "line_end": 10`, `"line_start": 6, "line_end": 7`, 1)),
			checks: []check{errorIs("invalid", "overlaps planted issue 1")}},
		{name: "interview", method: "POST", path: "/api/v1/interviews", token: "owner", want: http.StatusCreated,
			body: step(reviewDiff, planted),
			checks: []check{save("id", "interview"), save("steps.0.id", "step"), is("steps.0.points", 10), is("steps.0.minutes", 40),
				is("steps.0.tolerance", 2), is("steps.0.planted.0.side", "new"), is("steps.0.planted.0.line_end", 6), bodyHas("Anyone may delete")}},
		{name: "invite", method: "POST", path: "/api/v1/interviews/{interview}/invitations", token: "owner", want: http.StatusCreated,
			body:   `{"candidates": [{"name": "Ada Lovelace", "email": "ada@example.com"}]}`,
			checks: []check{save("invitations.0.token", "ada"), save("invitations.0.application_id", "app")}},
		{name: "the candidate reads the change, not the rubric", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: append(lacksRubric(), is("interview.steps.0.diff", reviewDiff), absent("interview.steps.0.planted"), absent("interview.steps.0.tolerance"))},
		{name: "a comment on a file not in the change", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusBadRequest,
			body: `{"comments": [{"file": "app/secret.py", "line_start": 1, "body": "x"}]}`, checks: []check{errorIs("invalid", "not a file of the change")}},
		{name: "a comment on line 0", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusBadRequest,
			body: `{"comments": [{"file": "app/util.py", "line_start": 0, "body": "x"}]}`, checks: []check{errorIs("invalid", "both from 1")}},
		{name: "a comment past the end", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusBadRequest,
			body: `{"comments": [{"file": "app/util.py", "line_start": 99, "line_end": 99, "body": "x"}]}`, checks: []check{errorIs("invalid", "line 99 of app/util.py is not shown")}},
		{name: "a 100 KB comment", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusRequestEntityTooLarge,
			body: `{"comments": [{"file": "app/util.py", "line_start": 2, "body": "` + strings.Repeat("a", 100<<10) + `"}]}`, checks: []check{errorIs("too_large", "at most 10000")}},
		{name: "1,000 comments", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusRequestEntityTooLarge,
			body:   `{"comments": [` + strings.TrimSuffix(strings.Repeat(`{"file": "app/util.py", "line_start": 2, "body": "x"},`, 1000), ",") + `]}`,
			checks: []check{errorIs("too_large", "at most 200 comments")}},
		{name: "the review", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusOK,
			body: `{"comments": ` + comments + `, "summary": "Not ready: the search is open to injection."}`,
			checks: append(lacksRubric(), is("comments.#", 3), is("comments.0.side", "new"), is("comments.0.line_end", 6),
				contains("comments.0.body", "<script>"), is("summary", "Not ready: the search is open to injection."), absent("score"), absent("codereview"))},
		{name: "the candidate's view holds no score", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: append(lacksRubric(), absent("answers.0.score"), absent("answers.0.codereview"), absent("application.score"))},
		{name: "no mark before submission", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusConflict,
			body: `{"planted": 0, "verdict": "rejected"}`},
		{name: "the candidate submits", method: "POST", path: "/api/v1/candidate/submit", token: "ada", want: http.StatusOK, checks: lacksRubric()},
		{name: "no review after submission", method: "PUT", path: "/api/v1/candidate/answers/{step}", token: "ada", want: http.StatusConflict,
			body: `{"comments": [], "summary": "changed my mind"}`},
		{name: "the team reads what was found", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("answers.0.score", 6), is("answers.0.max_score", 10), is("answers.0.codereview.score", 6),
				is("answers.0.codereview.found.0.comment_indexes.0", 0), is("answers.0.codereview.found.0.confirmed", nil),
				is("answers.0.codereview.found.1.comment_indexes.#", 0), is("answers.0.codereview.found.2.comment_indexes.0", 1), is("score", 6)}},
		{name: "a mark naming both", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusBadRequest,
			body: `{"planted": 0, "comment": 1, "verdict": "rejected"}`, checks: []check{errorIs("invalid", "not both")}},
		{name: "a planted issue credited", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusBadRequest,
			body: `{"planted": 0, "verdict": "credited", "points": 2}`, checks: []check{errorIs("invalid", "confirmed or rejected")}},
		{name: "a planted issue that is not", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusBadRequest,
			body: `{"planted": 7, "verdict": "confirmed"}`, checks: []check{errorIs("invalid", "no issue 7")}},
		{name: "another organisation's application", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "other", want: http.StatusNotFound,
			body: `{"planted": 0, "verdict": "rejected"}`},
		{name: "the injection's match rejected", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusOK,
			body: `{"planted": 0, "verdict": "rejected"}`, checks: []check{is("score", 2), is("codereview.found.0.confirmed", false)}},
		{name: "the permission check confirmed", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusOK,
			body: `{"planted": 1, "verdict": "confirmed"}`, checks: []check{is("score", 6), is("codereview.found.1.confirmed", true)}},
		{name: "a comment credited", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusOK,
			body: `{"comment": 2, "verdict": "credited", "points": 1}`, checks: []check{is("score", 7), is("codereview.credited.0.comment_index", 2)}},
		{name: "a mark taken back", method: "POST", path: "/api/v1/applications/{app}/steps/{step}/marks", token: "owner", want: http.StatusOK,
			body: `{"planted": 0, "verdict": ""}`, checks: []check{is("score", 10), is("codereview.found.0.confirmed", nil)}},
		{name: "the total follows", method: "GET", path: "/api/v1/applications/{app}", token: "owner", want: http.StatusOK,
			checks: []check{is("score", 10)}},
		{name: "still nothing of the rubric for the candidate", method: "GET", path: "/api/v1/candidate", token: "ada", want: http.StatusOK,
			checks: append(lacksRubric(), absent("answers.0.score"), absent("application.score"))},
	})
}

// lacksRubric checks a response holds none of the planted issues'
// labels and explanations.
func lacksRubric() []check {
	var out []check
	for _, l := range reviewLabels {
		out = append(out, bodyLacks(l))
	}
	return append(out, bodyLacks("planted"), bodyLacks("explanation"))
}
