package grading_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

const hiddenMarker = "SECRET_HIDDEN_TEST_BODY"

// task is FizzBuzz in Python: two visible tests, two hidden ones (one of
// which carries a marker that must never reach the candidate), and a
// hidden stdin/stdout case.
func task() opening.Step {
	return opening.Step{Kind: opening.KindCode, Title: "FizzBuzz", Points: 10, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Starter:   map[opening.Language]string{opening.Python: "def fizz(n):\n    return str(n)\n"},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {
			Visible: "from solution import fizz\n\ndef test_one():\n    assert fizz(1) == '1'\n\ndef test_three():\n    assert fizz(3) == 'Fizz'\n",
			Hidden:  "from solution import fizz\n\ndef test_fifteen():\n    # " + hiddenMarker + "\n    assert fizz(15) == 'FizzBuzz'\n\ndef test_five():\n    assert fizz(5) == 'Buzz'\n",
		}},
		IOCases: []opening.IOCase{{Name: "prints", Stdin: "", Stdout: "ok", Hidden: true}},
	}}
}

const right = "def fizz(n):\n    if n % 15 == 0:\n        return 'FizzBuzz'\n    if n % 3 == 0:\n        return 'Fizz'\n    if n % 5 == 0:\n        return 'Buzz'\n    return str(n)\n\nif __name__ == '__main__':\n    print('ok')\n"
const noBuzz = "def fizz(n):\n    if n % 3 == 0:\n        return 'Fizz'\n    return str(n)\n\nif __name__ == '__main__':\n    print('ok')\n"

type world struct {
	t     *testing.T
	app   *app.App
	url   string
	token string // the candidate's
	team  string // an API token
	a     application.Application
	step  opening.Step
}

func newWorld(t *testing.T) *world {
	t.Helper()
	box := sandboxtest.New(t)
	ctx := context.Background()
	aw := apptest.New(t, app.Config{})
	a, srv := aw.App, aw.Server
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Gradings.SetGrader(g, nil)
	team, _ := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@example.com"})
	owner, _ := a.Accounts.TokenMember(ctx, team)
	job, err := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Code"), Steps: &[]opening.Step{task()}})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, a.Openings, owner, iv)
	res, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, app: a, url: srv.URL, token: res.Invitations[0].Token, team: team, a: res.Invitations[0].Application, step: iv.Steps[0]}
}

func ptr[T any](v T) *T { return &v }

func (w *world) call(method, path, token string, body any) (int, string) {
	w.t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, w.url+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// grade runs the worker until the queue is empty (the settle delay
// passed by moving the clock).
func (w *world) grade() {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if err := w.app.Worker().RunUntilIdle(ctx); err != nil {
			w.t.Fatal(err)
		}
		gs, err := w.app.Gradings.ForApplication(ctx, w.a.ID)
		if err != nil {
			w.t.Fatal(err)
		}
		if g, ok := gs[w.step.ID]; ok && (g.Status == grading.Done || g.Status == grading.Error) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	w.t.Fatal("the grading never finished")
}

// TestCodeAnswerIsGraded saves code through the API, lets the worker grade
// it, and checks what the team and the candidate each see.
func TestCodeAnswerIsGraded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	path := fmt.Sprintf("/api/v1/candidate/answers/%d", w.step.ID)
	if status, body := w.call("PUT", path, w.token, map[string]string{"language": "python", "code": noBuzz}); status != http.StatusOK {
		t.Fatalf("save: %d %s", status, body)
	}
	w.grade()
	gs, _ := w.app.Gradings.ForApplication(context.Background(), w.a.ID)
	g := gs[w.step.ID]
	if g.Status != grading.Done || g.Score == nil || *g.MaxScore != 10 || *g.Score >= 10 || *g.Score <= 0 {
		t.Fatalf("grading of a solution without Buzz: %+v", g)
	}
	// Before the candidate submits, the team sees no grading at all.
	_, team := w.call("GET", fmt.Sprintf("/api/v1/applications/%d", w.a.ID), w.team, nil)
	if strings.Contains(team, "test_fifteen") || strings.Contains(team, `"grading"`) {
		t.Errorf("the team sees the grading of an answer not yet submitted: %s", team)
	}
	// The candidate sees that hidden tests failed, never which or why.
	_, cand := w.call("GET", "/api/v1/candidate", w.token, nil)
	for _, secret := range []string{"test_fifteen", "test_five", hiddenMarker, "FizzBuzz'", "prints"} {
		if strings.Contains(cand, secret) {
			t.Errorf("the candidate's view shows %q: %s", secret, cand)
		}
	}
	if !strings.Contains(cand, "hidden test 1") {
		t.Errorf("the candidate's view does not count hidden tests: %s", cand)
	}

	// A better answer replaces the grading, and the total follows on submit.
	w.call("PUT", path, w.token, map[string]string{"language": "python", "code": right})
	w.grade()
	gs, _ = w.app.Gradings.ForApplication(context.Background(), w.a.ID)
	if g := gs[w.step.ID]; g.Score == nil || *g.Score != 10 {
		t.Fatalf("grading of the right solution: %+v", g)
	}
	if status, body := w.call("POST", "/api/v1/candidate/submit", w.token, nil); status != http.StatusOK {
		t.Fatalf("submit: %d %s", status, body)
	}
	// Submitted, the team sees every test, named, with messages.
	_, team = w.call("GET", fmt.Sprintf("/api/v1/applications/%d", w.a.ID), w.team, nil)
	if !strings.Contains(team, "test_fifteen") || !strings.Contains(team, `"status":"done"`) {
		t.Errorf("the team's view lacks the hidden tests' results: %s", team)
	}
	a, _ := w.app.Applications.ByToken(context.Background(), w.token)
	if a.Score == nil || *a.Score != 10 || *a.MaxScore != 10 {
		t.Errorf("application total %v / %v, want 10 / 10", a.Score, a.MaxScore)
	}
	// Re-grading after an edit of the tests queues the answer again.
	if status, body := w.call("POST", fmt.Sprintf("/api/v1/applications/%d/regrade", w.a.ID), w.team, nil); status != http.StatusAccepted || !strings.Contains(body, `"queued":1`) {
		t.Errorf("regrade: %d %s", status, body)
	}
	w.grade()
}

// TestRunShowsVisibleTestsOnly runs code against the visible tests: the
// hidden ones are not run, and their code is nowhere in the answer.
func TestRunShowsVisibleTestsOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	status, body := w.call("POST", "/api/v1/candidate/runs", w.token, map[string]any{"step_id": w.step.ID, "language": "python", "code": noBuzz})
	if status != http.StatusOK {
		t.Fatalf("run: %d %s", status, body)
	}
	var run struct {
		Tests []struct {
			Name   string
			Passed bool
			Hidden bool
		}
	}
	json.Unmarshal([]byte(body), &run)
	if len(run.Tests) != 2 || !run.Tests[0].Passed || !run.Tests[1].Passed {
		t.Errorf("visible run: %s", body)
	}
	for _, secret := range []string{"test_fifteen", hiddenMarker} {
		if strings.Contains(body, secret) {
			t.Errorf("the run shows %q", secret)
		}
	}
	// Bad input.
	for _, c := range []struct {
		body any
		want int
	}{
		{map[string]any{"step_id": w.step.ID, "language": "cobol", "code": "x"}, http.StatusBadRequest},
		{map[string]any{"step_id": 999999, "language": "python", "code": "x"}, http.StatusNotFound},
		{map[string]any{"step_id": w.step.ID, "language": "python", "code": strings.Repeat("x", application.MaxCode+1)}, http.StatusRequestEntityTooLarge},
	} {
		if status, body := w.call("POST", "/api/v1/candidate/runs", w.token, c.body); status != c.want {
			t.Errorf("run %v: %d, want %d: %s", c.body, status, c.want, body)
		}
	}
	if status, _ := w.call("POST", "/api/v1/candidate/runs", w.team, map[string]any{"step_id": w.step.ID, "language": "python", "code": "x"}); status != http.StatusUnauthorized {
		t.Errorf("a run with an API token: %d", status)
	}
}

// TestTamperingIsShownToReviewers: a solution that writes rubbish where
// the tests listen scores nothing, and the grading tells the team why in
// words, in the API (and on the page, from the same field); the
// candidate's view has no warnings, only the visible tests' messages.
func TestTamperingIsShownToReviewers(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	path := fmt.Sprintf("/api/v1/candidate/answers/%d", w.step.ID)
	attack := "import os\nos.write(4, b'[\"ok\", \"FizzBuzz\", [], 0]\\nnot a message\\n')\ndef fizz(n):\n    return ''\n"
	if status, body := w.call("PUT", path, w.token, map[string]string{"language": "python", "code": attack}); status != http.StatusOK {
		t.Fatalf("save: %d %s", status, body)
	}
	w.grade()
	gs, _ := w.app.Gradings.ForApplication(context.Background(), w.a.ID)
	g := gs[w.step.ID]
	if g.Status != grading.Done || g.Score == nil || *g.Score != 0 || len(g.Warnings) == 0 || !strings.Contains(g.Warnings[0], "broke the protocol") {
		t.Fatalf("grading of a solution that tampers: %+v", g)
	}
	if status, body := w.call("POST", "/api/v1/candidate/submit", w.token, nil); status != http.StatusOK {
		t.Fatalf("submit: %d %s", status, body)
	}
	_, team := w.call("GET", fmt.Sprintf("/api/v1/applications/%d", w.a.ID), w.team, nil)
	if !strings.Contains(team, `"warnings":["`) || !strings.Contains(team, "broke the protocol") {
		t.Errorf("the team's view lacks the warning: %s", team)
	}
	_, cand := w.call("GET", "/api/v1/candidate", w.token, nil)
	if strings.Contains(cand, "warnings") {
		t.Errorf("the candidate's view shows the warning: %s", cand)
	}
}
