package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
)

// TestTeamEditsCodeTask is the coding task editor as a recruiter uses it,
// without JavaScript: the saved task is on the page, a wrong reference
// solution loses the right points and a right one gets them all, bad
// values come back with a message and nothing lost, and a save with
// edited hidden tests grades the answer already given again.
func TestTeamEditsCodeTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newCodeWorld(t)
	team := w.team
	step := w.iv.Steps[0]
	path := fmt.Sprintf("/interviews/%d/steps/%d/code", w.iv.ID, step.ID)

	// Ada answers first, with a solution that passes the present tests.
	w.answer(t, "def reverse(s):\n    return s[::-1]\n")
	graded := func(want float64) func() bool {
		return func() bool {
			gs, err := w.app.Gradings.ForApplication(ctx, w.ada.Application.ID)
			g := gs[step.ID]
			return err == nil && g.Status == grading.Done && g.Score != nil && *g.Score == want
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
		f.Set("action", "try.python")
		f.Set("reference.python", code)
		resp, body := team.post(path, f)
		doc := teamMust(t, "a try", resp, body, http.StatusOK)
		if got := doc.Find("#reference-python").Text(); got != code {
			t.Errorf("the tried solution is not kept on the page: %q", got)
		}
		return teamText(doc, "#try-python")
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
	// New tests are not checked until a reference solution passes them:
	// the page stays and says so.
	if got := teamText(doc, ".not-ready"); resp.Request.URL.Path != path || !strings.Contains(got, "no reference solution in Python has passed the tests as they are") {
		t.Errorf("after saving new tests without a reference: %s, %q", resp.Request.URL.Path, got)
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
	if _, err := w.app.Gradings.Try(ctx, reviewer, 0, iv.Steps[0], "python", "x"); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer's try: %v", err)
	}
	resp, _ = team.get(fmt.Sprintf("/interviews/%d/steps/%d/code", w.iv.ID, step.ID+1000))
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown step's task page: %d", resp.StatusCode)
	}
}

// TestRegradeButton grades an application's code again from its page.
func TestRegradeButton(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newCodeWorld(t)
	step := w.iv.Steps[0]
	w.answer(t, "def reverse(s):\n    return s[::-1]\n")
	var first grading.Grading
	candEventually(t, "the answer is graded", func() bool {
		gs, err := w.app.Gradings.ForApplication(ctx, w.ada.Application.ID)
		first = gs[step.ID]
		return err == nil && first.Status == grading.Done
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
		gs, err := w.app.Gradings.ForApplication(ctx, w.ada.Application.ID)
		return err == nil && gs[step.ID].Status == grading.Done && gs[step.ID].UpdatedAt.After(first.UpdatedAt)
	})
}

// answer saves code as Ada's answer to the task, as the candidate API does.
func (w *codeWorld) answer(t *testing.T, code string) {
	t.Helper()
	ctx := context.Background()
	a := w.ada.Application
	if err := w.app.Applications.Start(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Status = application.Started
	if _, err := w.app.Applications.SaveAnswer(ctx, a, w.iv.Steps[0].ID, application.AnswerInput{Language: candPtr("python"), Code: &code}); err != nil {
		t.Fatal(err)
	}
}

// submit sends Ada's answers to the team, who sees them only then.
func (w *codeWorld) submit(t *testing.T) {
	t.Helper()
	a, err := w.app.Applications.ByToken(context.Background(), w.ada.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.app.Applications.Submit(context.Background(), a); err != nil {
		t.Fatal(err)
	}
}

// TestGradingWarningsOnTheApplication: what a grading warns reviewers of
// (here, a solution that broke the protocol between it and the tests)
// stands beside its score on the application page.
func TestGradingWarningsOnTheApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newCodeWorld(t)
	step := w.iv.Steps[0]
	w.answer(t, "def reverse(s):\n    return s[::-1]\n")
	candEventually(t, "the answer is graded", func() bool {
		gs, err := w.app.Gradings.ForApplication(ctx, w.ada.Application.ID)
		return err == nil && gs[step.ID].Status == grading.Done
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

// TestCodeStepIsCheckedBeforeInviting holds a new coding step back from
// candidates until its tests are the team's own and a reference solution
// passes every one; the solution never reaches a candidate.
func TestCodeStepIsCheckedBeforeInviting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newCodeWorld(t)
	team := w.team
	ivPath := fmt.Sprintf("/interviews/%d", w.iv.ID)

	// A new coding step starts with the example task: not ready.
	resp, body := team.get(ivPath + "/edit")
	f := ivvForm(teamMust(t, "the interview editor", resp, body, http.StatusOK), "form.editor")
	f.Set("action", "add_code")
	resp, body = team.post(ivPath, f)
	f = ivvForm(teamMust(t, "add a coding step", resp, body, http.StatusOK), "form.editor")
	f.Set("steps.1.title", "Count vowels")
	f.Set("action", "save")
	resp, body = team.post(ivPath, f)
	doc := teamMust(t, "save with a new coding step", resp, body, http.StatusOK)
	if got := teamText(doc, ".not-ready"); !strings.Contains(got, "“Count vowels”: the Python tests are still the example") {
		t.Errorf("the interview page's readiness: %q", got)
	}
	if _, off := doc.Find(`form[action$="/invitations"] button[type=submit]`).Attr("disabled"); !off {
		t.Error("the Invite button is enabled for an interview that is not ready")
	}
	resp, body = team.postFile(ivPath+"/invitations", url.Values{"candidates": {"Bob, bob@example.com"}}, "csv", "", nil)
	if !strings.Contains(body, "not ready for candidates") {
		t.Errorf("inviting to an unready interview: %d, %s", resp.StatusCode, teamText(teamDoc(t, body), ".error"))
	}
	var apps int
	if err := w.DB.QueryRow(ctx, `SELECT COUNT(*) FROM applications WHERE interview_id = $1`, w.iv.ID).Scan(&apps); err != nil || apps != 1 {
		t.Errorf("%d applications after inviting to an unready interview (%v), want Ada's alone", apps, err)
	}

	iv, err := w.app.Openings.InterviewInOrg(ctx, w.iv.OrgID, w.iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := fmt.Sprintf("%s/steps/%d/code", ivPath, iv.Steps[1].ID)
	resp, body = team.get(path)
	form := ivvForm(teamMust(t, "the new task's page", resp, body, http.StatusOK), "form.code-task")
	save := func(visible, hidden, reference string) (*http.Response, *goquery.Document) {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("starter.python", "def vowels(s):\n    return 0\n")
		f.Set("visible.python", visible)
		f.Set("hidden.python", hidden)
		f.Set("reference.python", reference)
		f.Set("action", "save")
		resp, body := team.post(path, f)
		return resp, teamMust(t, "save the task", resp, body, http.StatusOK)
	}
	const visible = "from solution import vowels\n\ndef test_word():\n    assert vowels('banana') == 3\n"
	const hidden = "from solution import vowels\n\ndef test_capitals():\n    assert vowels('AEIOU') == 5\n"
	const right = "# the team's own answer\ndef vowels(s):\n    return sum(c in 'aeiouAEIOU' for c in s)\n"

	// Own tests, but a reference that fails the hidden test: saved, not ready.
	resp, doc = save(visible, hidden, "def vowels(s):\n    return sum(c in 'aeiou' for c in s)\n")
	if resp.Request.URL.Path != path || !strings.Contains(teamText(doc, ".not-ready"), "no reference solution in Python has passed") {
		t.Errorf("a failing reference: %s, %q", resp.Request.URL.Path, teamText(doc, ".not-ready"))
	}
	if got := teamText(doc, "#try-python"); !strings.Contains(got, "1 of 2 tests passed") || !strings.Contains(got, "test_capitals") {
		t.Errorf("the failing reference's results: %q", got)
	}

	// A reference that passes every test: ready, and candidates can be invited.
	resp, doc = save(visible, hidden, right)
	if resp.Request.URL.Path != ivPath || !strings.Contains(teamText(doc, ".flash"), "ready for candidates") || doc.Find(".not-ready").Length() != 0 {
		t.Fatalf("a passing reference: %s, flash %q, not ready %q", resp.Request.URL.Path, teamText(doc, ".flash"), teamText(doc, ".not-ready"))
	}
	resp, body = team.postFile(ivPath+"/invitations", url.Values{"candidates": {"Bob, bob@example.com"}}, "csv", "", nil)
	if got := teamText(teamDoc(t, body), "h1"); !strings.Contains(got, "1 candidate invited") {
		t.Errorf("inviting to a ready interview: %d, %q", resp.StatusCode, got)
	}

	// Changing the tests takes the check away unless the kept reference
	// passes them again, which saving tries.
	resp, doc = save(visible, hidden+"\ndef test_y():\n    assert vowels('y') == 1\n", right)
	if resp.Request.URL.Path != path || !strings.Contains(teamText(doc, ".not-ready"), "no reference solution in Python") {
		t.Errorf("tests the reference fails: %s, %q", resp.Request.URL.Path, teamText(doc, ".not-ready"))
	}
	if _, err := w.app.Applications.Invite(ctx, teamOwner(t, w.testServer), w.iv.ID, []application.NewCandidate{{Name: "Cy", Email: "cy@example.com"}}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("inviting after the tests changed: %v, want a conflict", err)
	}

	// The reference solution is the team's alone.
	ada := &browser{t: t, base: w.URL, cookie: map[string]string{}}
	ada.c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ada.get("/c/" + w.ada.Token)
	// Ada was invited before the tests changed: the task waits for the
	// team's check, and takes no answer meanwhile.
	stepPath := fmt.Sprintf("/candidate/%d/steps/%d", w.ada.Application.ID, iv.Steps[1].ID)
	resp, page := ada.get(stepPath)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "still preparing this task") || strings.Contains(page, "banana") {
		t.Errorf("the candidate's page of an unchecked task: %d\n%s", resp.StatusCode, candText(candHTML(t, page), "main"))
	}
	if _, err := w.app.Applications.SaveAnswer(ctx, w.ada.Application, iv.Steps[1].ID, application.AnswerInput{Language: candPtr("python"), Code: candPtr("x")}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("an answer to an unchecked task: %v, want a conflict", err)
	}
	if _, err := w.app.Gradings.Run(ctx, w.ada.Application, iv.Steps[1].ID, "python", "x"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a run of an unchecked task: %v, want a conflict", err)
	}
	resp, page = ada.get(fmt.Sprintf("/candidate/%d/steps/%d", w.ada.Application.ID, iv.Steps[0].ID))
	if strings.Contains(page, "the team's own answer") || strings.Contains(page, "the team&#39;s own answer") {
		t.Error("a candidate's page holds the team's reference solution")
	}
}
