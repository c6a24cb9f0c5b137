package codereviewkind_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/kinds/codereviewkind"
	"github.com/anyhour/anyhour/internal/opening"

	_ "github.com/anyhour/anyhour/internal/kinds"
)

// change is a handler gaining a search, with two files touched.
const change = `diff --git a/app/views.py b/app/views.py
--- a/app/views.py
+++ b/app/views.py
@@ -1,9 +1,15 @@
 from app.db import db
 
 
-def show(request, item_id):
-    item = db.get(item_id)
-    return render(item)
+def show(request, item_id):
+    item = db.get(item_id)
+    return render(item)
+
+
+def search(request):
+    term = request.args["q"]
+    rows = db.execute("SELECT * FROM items WHERE name = '%s'" % term)
+    return render_list(rows)
 
 
 def delete(request, item_id):
@@ -20,3 +26,4 @@ def delete(request, item_id):
     db.delete(item_id)
     log(request.user, "deleted", item_id)
     return redirect("/")
+# end
diff --git a/app/util.py b/app/util.py
--- a/app/util.py
+++ b/app/util.py
@@ -1,3 +1,3 @@
 def page(items, n):
-    return items[n * 10:(n + 1) * 10]
+    return items[n * 10:(n + 1) * 10 + 1]
 
`

var planted = []opening.Planted{
	{File: "app/views.py", Side: "new", LineStart: 10, LineEnd: 11, Label: "SQL injection in search", Points: 3, Explanation: "The term is formatted into the SQL."},
	{File: "app/views.py", Side: "new", LineStart: 8, LineEnd: 8, Label: "Unused", Points: 0}, // replaced below
	{File: "app/util.py", Side: "new", LineStart: 2, LineEnd: 2, Label: "Off by one in paging", Points: 2},
}

func task() opening.Step {
	p := append([]opening.Planted(nil), planted...)
	p[1] = opening.Planted{File: "app/views.py", Side: "new", LineStart: 26, LineEnd: 27, Label: "Delete without a permission check", Points: 5}
	return opening.Step{Kind: opening.KindCodeReview, Title: "Review the search", CodeReview: &opening.CodeReviewTask{Diff: change, Planted: p, Tolerance: 2}}
}

func saved(t *testing.T) opening.Step {
	t.Helper()
	st, err := opening.CheckStep(0, task())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestSettings(t *testing.T) {
	t.Parallel()
	st := saved(t)
	if st.Points != 10 || st.Minutes != 40 {
		t.Errorf("points %v, minutes %d", st.Points, st.Minutes)
	}
	for _, c := range []struct {
		name   string
		change func(*opening.CodeReviewTask)
		want   string
	}{
		{"no diff", func(t *opening.CodeReviewTask) { t.Diff = "" }, "needs the change"},
		{"a diff that does not parse", func(t *opening.CodeReviewTask) { t.Diff = "Please look at my change.\n" }, "holds no file"},
		{"a hunk that does not add up", func(t *opening.CodeReviewTask) { t.Diff = "--- a/x\n+++ b/x\n@@ -1,3 +1,3 @@\n-a\n+b\n" }, "do not add up"},
		{"a binary diff", func(t *opening.CodeReviewTask) {
			t.Diff = change + "diff --git a/logo.png b/logo.png\nindex 1..2 100644\nBinary files a/logo.png and b/logo.png differ\n"
		}, "logo.png is a binary file"},
		{"a 5 MB diff", func(t *opening.CodeReviewTask) { t.Diff = change + strings.Repeat("+x\n", 5<<20/3) }, "at most 1024 KB"},
		{"no planted issue", func(t *opening.CodeReviewTask) { t.Planted = nil }, "plant at least one issue"},
		{"a planted issue in no file of the change", func(t *opening.CodeReviewTask) { t.Planted[0].File = "app/models.py" }, "not a file of the change"},
		{"a planted issue past the diff's lines", func(t *opening.CodeReviewTask) { t.Planted[0].LineStart, t.Planted[0].LineEnd = 16, 17 }, "line 16 of app/views.py is not shown"},
		{"a planted issue on line 0", func(t *opening.CodeReviewTask) { t.Planted[0].LineStart = 0 }, "both from 1"},
		{"overlapping planted issues", func(t *opening.CodeReviewTask) { t.Planted[1].LineStart, t.Planted[1].LineEnd = 10, 11 }, "overlaps planted issue 1"},
		{"an old side that is not removed", func(t *opening.CodeReviewTask) {
			t.Planted[2].Side, t.Planted[2].LineStart, t.Planted[2].LineEnd = "old", 1, 1
		}, "the old side is for removed lines"},
		{"a planted issue without a label", func(t *opening.CodeReviewTask) { t.Planted[0].Label = " " }, "label cannot be empty"},
		{"a planted issue worth nothing", func(t *opening.CodeReviewTask) { t.Planted[0].Points = 0 }, "between 0 and 100 points"},
		{"a bad side", func(t *opening.CodeReviewTask) { t.Planted[0].Side = "left" }, "side is"},
		{"a tolerance of 50", func(t *opening.CodeReviewTask) { t.Tolerance = 50 }, "tolerance"},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := task()
			c.change(st.CodeReview)
			_, err := opening.CheckStep(0, st)
			if err == nil || !strings.Contains(apperr.Message(err), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
	// The old side of a removed line takes a planted issue.
	st = task()
	st.CodeReview.Planted[2] = opening.Planted{File: "app/util.py", Side: "old", LineStart: 2, LineEnd: 2, Label: "Paging was right before", Points: 2}
	if _, err := opening.CheckStep(0, st); err != nil {
		t.Errorf("a removed line: %v", err)
	}
}

func answer(t *testing.T, st opening.Step, comments ...application.LineComment) application.Answer {
	t.Helper()
	a, err := codereviewkind.Unit{}.Answer(st, application.AnswerInput{CodeReview: &application.CodeReview{Comments: comments, Summary: "Looks risky."}})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func score(st opening.Step, a application.Answer) float64 {
	s, _, _ := codereviewkind.Unit{}.Score(st, a)
	return s
}

// TestScoring: comments on the lines of two of three planted issues score
// those two; on the right lines of the wrong file, nothing; within the
// tolerance, found; reviewers' marks confirm, reject and credit.
func TestScoring(t *testing.T) {
	t.Parallel()
	st := saved(t)
	injection := application.LineComment{File: "app/views.py", Side: "new", LineStart: 11, LineEnd: 11, Body: "Use a parameter, not string formatting."}
	paging := application.LineComment{File: "app/util.py", Side: "new", LineStart: 2, LineEnd: 2, Body: "Takes one item too many."}
	a := answer(t, st, injection, paging, application.LineComment{File: "app/views.py", Side: "new", LineStart: 1, LineEnd: 1, Body: "Nice import."})
	if got := score(st, a); got != 5 {
		t.Errorf("two of three found: %v, want 5", got)
	}
	// The paging issue's line, in the other file: nothing.
	wrong := paging
	wrong.File = "app/views.py"
	if got := score(st, answer(t, st, wrong)); got != 0 {
		t.Errorf("the wrong file: %v", got)
	}
	// Two lines off is within the tolerance; five is not.
	near := application.LineComment{File: "app/views.py", Side: "new", LineStart: 13, LineEnd: 13, Body: "x"}
	far := application.LineComment{File: "app/views.py", Side: "new", LineStart: 15, LineEnd: 15, Body: "x"}
	if score(st, answer(t, st, near)) != 3 || score(st, answer(t, st, far)) != 0 {
		t.Errorf("tolerance: near %v, far %v", score(st, answer(t, st, near)), score(st, answer(t, st, far)))
	}
	// A context line commented on its old side finds an issue on the new.
	old := application.LineComment{File: "app/views.py", Side: "old", LineStart: 20, LineEnd: 21, Body: "No permission check."}
	if got := score(st, answer(t, st, old)); got != 5 {
		t.Errorf("the old side of context lines: %v", got)
	}

	// A comment over a whole hunk finds nothing: it is no finding.
	wide := application.LineComment{File: "app/views.py", Side: "new", LineStart: 4, LineEnd: 15, Body: "Something here is wrong."}
	if got := score(st, answer(t, st, wide)); got != 0 {
		t.Errorf("a comment over the whole hunk: %v", got)
	}
	// An issue planted on a removed line is found by a comment on the
	// added line that replaced it.
	removed := task()
	removed.CodeReview.Planted[2] = opening.Planted{File: "app/util.py", Side: "old", LineStart: 2, LineEnd: 2, Label: "Paging was right before", Points: 2}
	removed.CodeReview.Tolerance = 0
	rs, err := opening.CheckStep(0, removed)
	if err != nil {
		t.Fatal(err)
	}
	if got := score(rs, answer(t, rs, paging)); got != 2 {
		t.Errorf("a comment on the line that replaced the removed one: %v", got)
	}

	// Marks: the injection's match rejected, the permission check confirmed
	// though no comment was on its lines, the nice-import comment credited.
	a.Marks = []application.Mark{
		{Planted: 0, Comment: -1, Verdict: application.Rejected},
		{Planted: 1, Comment: -1, Verdict: application.Confirmed},
		{Planted: -1, Comment: 2, Verdict: application.Credited, Points: 1},
	}
	if got := score(st, a); got != 8 {
		t.Errorf("marked: %v, want 8 (5 + 2 + 1)", got)
	}
	m, err := codereviewkind.Matches(st, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Found) != 3 || m.Found[0].Confirmed == nil || *m.Found[0].Confirmed || len(m.Found[0].Comments) != 1 || m.Found[0].Comments[0] != 0 ||
		m.Found[1].Confirmed == nil || !*m.Found[1].Confirmed || m.Found[2].Confirmed != nil || m.Credited[2] != 1 || m.Score != 8 || m.Max != 10 {
		t.Errorf("matches %+v", m)
	}
	// Credit never takes the score past the planted issues' points.
	a.Marks = append(a.Marks, application.Mark{Planted: -1, Comment: 1, Verdict: application.Credited, Points: 50})
	if got := score(st, a); got != 10 {
		t.Errorf("over-credited: %v", got)
	}
}

// TestBadComments: comments on files or lines the change does not show,
// too long, too many, are refused with the reason; script in a body is
// kept as the text it is.
func TestBadComments(t *testing.T) {
	t.Parallel()
	st := saved(t)
	ok := application.LineComment{File: "app/views.py", Side: "new", LineStart: 9, LineEnd: 9, Body: "x"}
	for _, c := range []struct {
		name   string
		change func(*application.LineComment)
		want   string
	}{
		{"a file not in the change", func(c *application.LineComment) { c.File = "app/secret.py" }, "not a file of the change"},
		{"a file name with script", func(c *application.LineComment) { c.File = "<script>alert(1)</script>" }, "not a file of the change"},
		{"line 0", func(c *application.LineComment) { c.LineStart = 0 }, "both from 1"},
		{"past the end", func(c *application.LineComment) { c.LineStart, c.LineEnd = 400, 400 }, "line 400 of app/views.py is not shown"},
		{"over lines not shown", func(c *application.LineComment) { c.LineStart, c.LineEnd = 13, 27 }, "line 16 of app/views.py is not shown"},
		{"a 100 KB body", func(c *application.LineComment) { c.Body = strings.Repeat("a", 100<<10) }, "at most 10000"},
		{"a blank body", func(c *application.LineComment) { c.Body = "  \n" }, "cannot be empty"},
		{"a side of its own", func(c *application.LineComment) { c.Side = "left" }, "side is"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := ok
			c.change(&m)
			_, err := codereviewkind.Unit{}.Answer(st, application.AnswerInput{CodeReview: &application.CodeReview{Comments: []application.LineComment{m}}})
			if err == nil || !strings.Contains(apperr.Message(err), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
		})
	}
	many := make([]application.LineComment, 1000)
	for i := range many {
		many[i] = ok
	}
	if _, err := (codereviewkind.Unit{}).Answer(st, application.AnswerInput{CodeReview: &application.CodeReview{Comments: many}}); !errors.Is(err, apperr.ErrTooLarge) {
		t.Errorf("1,000 comments: %v", err)
	}
	script := ok
	script.Body = "<script>alert(1)</script> and <b>bold</b>"
	a := answer(t, st, script)
	if a.CodeReview.Comments[0].Body != script.Body {
		t.Errorf("the body became %q", a.CodeReview.Comments[0].Body)
	}
}

// TestWholeFiles: a step may give files of the change whole; a candidate
// then comments on any of their lines, around the hunks. A whole file
// that does not agree with the diff, or is not in the change, is refused.
func TestWholeFiles(t *testing.T) {
	t.Parallel()
	util := "def page(items, n):\n    return items[n * 10:(n + 1) * 10 + 1]\n\n\ndef first(items):\n    return items[0]\n"
	st := task()
	st.CodeReview.Files = map[string]string{"app/util.py": util}
	saved, err := opening.CheckStep(0, st)
	if err != nil {
		t.Fatal(err)
	}
	far := application.LineComment{File: "app/util.py", Side: "new", LineStart: 5, LineEnd: 6, Body: "first fails on an empty list."}
	if _, err := (codereviewkind.Unit{}).Answer(saved, application.AnswerInput{CodeReview: &application.CodeReview{Comments: []application.LineComment{far}}}); err != nil {
		t.Errorf("a comment on a line of the whole file: %v", err)
	}
	for name, files := range map[string]map[string]string{
		"a file that disagrees with the diff": {"app/util.py": strings.Replace(util, "+ 1]", "]", 1)},
		"a file not in the change":            {"app/models.py": "x = 1\n"},
	} {
		st := task()
		st.CodeReview.Files = files
		if _, err := opening.CheckStep(0, st); err == nil || !strings.Contains(apperr.Message(err), "app/") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestMarksFollowTheirIssue: a reviewer's mark is on a planted issue by
// what it is, so reordering the issues keeps it on the same one, and
// changing the issue lets it lapse.
func TestMarksFollowTheirIssue(t *testing.T) {
	t.Parallel()
	st := saved(t)
	a := answer(t, st)
	a.Marks = []application.Mark{{Planted: 1, Comment: -1, Verdict: application.Confirmed, Key: st.CodeReview.Planted[1].Key()}}
	if got := score(st, a); got != 5 {
		t.Fatalf("confirmed: %v", got)
	}
	swapped := st
	task := *st.CodeReview
	task.Planted = []opening.Planted{task.Planted[1], task.Planted[0], task.Planted[2]}
	swapped.CodeReview = &task
	m, err := codereviewkind.Matches(swapped, a)
	if err != nil {
		t.Fatal(err)
	}
	if score(swapped, a) != 5 || m.Found[0].Confirmed == nil || m.Found[1].Confirmed != nil {
		t.Errorf("after reordering: score %v, %+v", score(swapped, a), m.Found)
	}
	changed := st
	task2 := *st.CodeReview
	task2.Planted = append([]opening.Planted(nil), task2.Planted...)
	task2.Planted[1].Label = "Another issue now"
	changed.CodeReview = &task2
	if got := score(changed, a); got != 0 {
		t.Errorf("the mark on a changed issue still counts: %v", got)
	}
}
