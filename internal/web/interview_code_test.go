package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/coding"
	"github.com/anyhour/anyhour/internal/interview"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestTeamEditsCodeTask is the coding task editor as a recruiter uses it,
// without JavaScript: the saved task is on the page, a wrong reference
// solution loses the right points and a right one gets them all, bad
// values come back with a message and nothing lost, and a save with
// edited hidden tests grades the answer already given again.
func TestTeamEditsCodeTask(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	team := w.team
	step := w.iv.Steps[0]
	path := fmt.Sprintf("/interviews/%d/steps/%d/code", w.iv.ID, step.ID)

	// Ada answers first, with a solution that passes the present tests.
	w.answer(t, "def reverse(s):\n    return s[::-1]\n")
	graded := func(want float64) func() bool {
		return func() bool {
			gs, err := w.app.Coding.ForApplication(ctx, w.ada.Application.ID)
			g := gs[step.ID]
			return err == nil && g.Status == coding.Done && g.Score != nil && *g.Score == want
		}
	}
	candEventually(t, "Ada's answer is graded 6 of 6", graded(6))

	resp, body := team.get(path)
	doc := teamMust(t, "the coding task page", resp, body, http.StatusOK)
	if got := doc.Find("#hidden-python").Text(); !strings.Contains(got, "test_unicode") {
		t.Errorf("hidden Python tests %q", got)
	}
	for lang, on := range map[string]bool{"python": true, "javascript": true, "go": false} {
		_, checked := doc.Find(`input[name=languages][value=` + lang + `]`).Attr("checked")
		if checked != on {
			t.Errorf("%s ticked: %v, want %v", lang, checked, on)
		}
	}
	if n := doc.Find(".prompt.md code").Length(); n != 2 {
		t.Errorf("the Markdown prompt has %d code spans, want 2", n)
	}
	form := ivvForm(doc, "form.code-task")

	try := func(code string) string {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("action", "try")
		f.Set("ref_language", "python")
		f.Set("ref_code", code)
		resp, body := team.post(path, f)
		doc := teamMust(t, "a try", resp, body, http.StatusOK)
		if got := doc.Find("#ref_code").Text(); got != code {
			t.Errorf("the tried solution is not kept on the page: %q", got)
		}
		return teamText(doc, "#try-out")
	}
	if got := try("def reverse(s):\n    return s\n"); !strings.Contains(got, "1 of 3 tests passed · 2 of 6 points") || !strings.Contains(got, "test_unicode") {
		t.Errorf("a wrong reference solution: %q", got)
	}
	if got := try("def reverse(s):\n    return s[::-1]\n"); !strings.Contains(got, "3 of 3 tests passed · 6 of 6 points") {
		t.Errorf("a right reference solution: %q", got)
	}

	// "Add a case" gives one more blank row, keeping what was typed.
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("cases.0.name", "typed")
	f.Set("action", "add_case")
	resp, body = team.post(path, f)
	doc = teamMust(t, "add a case", resp, body, http.StatusOK)
	if n := doc.Find("fieldset.io-case").Length(); n != 2 {
		t.Errorf("%d case rows after adding one, want 2", n)
	}
	if v, _ := doc.Find("#case0-name").Attr("value"); v != "typed" {
		t.Errorf("the typed case name came back as %q", v)
	}

	// Bad values: the page says what is wrong and keeps the rest.
	for _, bad := range []struct {
		field, value, want string
	}{
		{"time_limit", "soon", "time limit must be a number of seconds"},
		{"memory_mb", "4", "memory limit must be between 32 and 2048 MB"},
		{"languages", "", "choose at least one language"},
	} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if bad.field == "languages" {
			f.Del("languages")
		} else {
			f.Set(bad.field, bad.value)
		}
		f.Set("action", "save")
		resp, body := team.post(path, f)
		doc := teamMust(t, "save "+bad.field, resp, body, http.StatusBadRequest)
		if got := teamText(doc, ".error"); !strings.Contains(got, bad.want) {
			t.Errorf("%s=%q: error %q, want %q", bad.field, bad.value, got, bad.want)
		}
		if got := doc.Find("#hidden-python").Text(); !strings.Contains(got, "test_unicode") {
			t.Errorf("%s=%q: the hidden tests were lost from the page", bad.field, bad.value)
		}
	}

	// Save a stricter hidden test; Ada's answer is graded again and loses
	// that test's points.
	f = url.Values{}
	for k, v := range form {
		f[k] = v
	}
	f.Set("hidden.python", "from solution import reverse\n\ndef test_unicode():\n    assert reverse('añb') == 'bña'\n\ndef test_trimmed():\n    assert reverse(' ab ') == 'ba'\n")
	f.Set("regrade", "1")
	f.Set("action", "save")
	resp, body = team.post(path, f)
	doc = teamMust(t, "save", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Coding task saved. The answer already given is being graded again.") {
		t.Errorf("flash after save %q", got)
	}
	iv, err := w.app.Openings.InterviewInOrg(ctx, w.iv.OrgID, w.iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := iv.Steps[0].Code.Tests[opening.Python].Hidden; !strings.Contains(got, "test_trimmed") || strings.Contains(got, "\r") {
		t.Errorf("saved hidden tests %q", got)
	}
	if iv.Steps[0].Points != 6 || iv.Steps[0].Title != "Reverse a string" {
		t.Errorf("saving the task changed the step: %+v", iv.Steps[0])
	}
	candEventually(t, "Ada's answer is graded again, 4.5 of 6", graded(4.5))

	// The interview editor keeps the task and its points.
	resp, body = team.get(fmt.Sprintf("/interviews/%d/edit", w.iv.ID))
	doc = teamMust(t, "the interview editor", resp, body, http.StatusOK)
	f = ivvForm(doc, "form.editor")
	f.Set("action", "save")
	resp, body = team.post(fmt.Sprintf("/interviews/%d", w.iv.ID), f)
	teamMust(t, "save the interview", resp, body, http.StatusOK)
	iv, err = w.app.Openings.InterviewInOrg(ctx, w.iv.OrgID, w.iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st := iv.Steps[0]; st.Points != 6 || st.Code == nil || !strings.Contains(st.Code.Tests[opening.Python].Hidden, "test_trimmed") {
		t.Errorf("the interview editor lost the task or its points: %+v", st)
	}

	// "Add a coding step" in the interview editor: the new step starts
	// with an example task, and gets its own task page.
	f.Set("action", "add_code")
	resp, body = team.post(fmt.Sprintf("/interviews/%d", w.iv.ID), f)
	doc = teamMust(t, "add a coding step", resp, body, http.StatusOK)
	f = ivvForm(doc, "form.editor")
	f.Set("steps.1.title", "Sum a list")
	f.Set("action", "save")
	resp, body = team.post(fmt.Sprintf("/interviews/%d", w.iv.ID), f)
	doc = teamMust(t, "save with a new coding step", resp, body, http.StatusOK)
	iv, err = w.app.Openings.InterviewInOrg(ctx, w.iv.OrgID, w.iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(iv.Steps) != 2 || iv.Steps[1].Code == nil || !iv.Steps[1].Code.Supports(opening.Python) || iv.Steps[1].Points != 10 {
		t.Fatalf("the new coding step: %+v", iv.Steps)
	}
	if doc.Find(fmt.Sprintf(`a[href="/interviews/%d/steps/%d/code"]`, w.iv.ID, iv.Steps[1].ID)).Length() != 1 {
		t.Error("the interview page has no link to the new step's coding task")
	}

	// A reviewer may not try solutions; a step that is not code has no
	// task page.
	reviewer := account.Member{ID: 999, OrgID: w.iv.OrgID, Role: account.Reviewer}
	if _, err := w.app.Coding.Try(ctx, reviewer, 0, iv.Steps[0], "python", "x"); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer's try: %v", err)
	}
	resp, _ = team.get(fmt.Sprintf("/interviews/%d/steps/%d/code", w.iv.ID, step.ID+1000))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown step's task page: %d", resp.StatusCode)
	}
}

// TestRegradeButton grades an application's code again from its page.
func TestRegradeButton(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	step := w.iv.Steps[0]
	w.answer(t, "def reverse(s):\n    return s[::-1]\n")
	var first coding.Grading
	candEventually(t, "the answer is graded", func() bool {
		gs, err := w.app.Coding.ForApplication(ctx, w.ada.Application.ID)
		first = gs[step.ID]
		return err == nil && first.Status == coding.Done
	})
	w.submit(t)
	app := fmt.Sprintf("/applications/%d", w.ada.Application.ID)
	resp, body := w.team.get(app)
	doc := teamMust(t, "the application", resp, body, http.StatusOK)
	if doc.Find(`form[action="`+app+`/regrade"] button`).Length() != 1 {
		t.Fatal("no regrade button on the application page")
	}
	resp, body = w.team.post(app+"/regrade", url.Values{})
	doc = teamMust(t, "regrade", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "being graded again") {
		t.Errorf("flash %q", got)
	}
	candEventually(t, "the answer is graded again", func() bool {
		gs, err := w.app.Coding.ForApplication(ctx, w.ada.Application.ID)
		return err == nil && gs[step.ID].Status == coding.Done && gs[step.ID].UpdatedAt.After(first.UpdatedAt)
	})
}

// answer saves code as Ada's answer to the task, as the candidate API does.
func (w *codeWorld) answer(t *testing.T, code string) {
	t.Helper()
	ctx := context.Background()
	a := w.ada.Application
	if err := w.app.Interviews.Start(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Status = interview.Started
	if _, err := w.app.Interviews.SaveAnswer(ctx, a, w.iv.Steps[0].ID, interview.AnswerInput{Language: candPtr("python"), Code: &code}); err != nil {
		t.Fatal(err)
	}
}

// submit sends Ada's answers to the team, who sees them only then.
func (w *codeWorld) submit(t *testing.T) {
	t.Helper()
	a, err := w.app.Interviews.ByToken(context.Background(), w.ada.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.Interviews.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

// TestGradingWarningsOnTheApplication: what a grading warns reviewers of
// (here, a solution that broke the protocol between it and the tests)
// stands beside its score on the application page.
func TestGradingWarningsOnTheApplication(t *testing.T) {
	ctx := context.Background()
	w := newCodeWorld(t)
	step := w.iv.Steps[0]
	w.answer(t, "def reverse(s):\n    return s[::-1]\n")
	candEventually(t, "the answer is graded", func() bool {
		gs, err := w.app.Coding.ForApplication(ctx, w.ada.Application.ID)
		return err == nil && gs[step.ID].Status == coding.Done
	})
	warning := "visible tests: the solution's program broke the protocol: a message that is not JSON"
	if _, err := w.app.DB.Exec(ctx, `UPDATE gradings SET warnings = $1 WHERE application_id = $2`,
		`["`+warning+`"]`, w.ada.Application.ID); err != nil {
		t.Fatal(err)
	}
	w.submit(t)
	resp, body := w.team.get(fmt.Sprintf("/applications/%d", w.ada.Application.ID))
	doc := teamMust(t, "the application", resp, body, http.StatusOK)
	if got := strings.TrimSpace(doc.Find(".grading-warnings li").Text()); got != warning {
		t.Errorf("the grading's warning on the page: %q, want %q", got, warning)
	}
}
