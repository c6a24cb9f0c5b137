package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
	"github.com/chromedp/chromedp/kb"
)

// reverseTask is a coding task in Python and JavaScript with visible and
// hidden tests.
var reverseTask = opening.Step{Kind: opening.KindCode, Title: "Reverse a string", Points: 6,
	Prompt: "Write `reverse(s)`, which returns `s` backwards.",
	Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python, opening.JavaScript},
		Starter: map[opening.Language]string{
			opening.Python:     "def reverse(s):\n    return s\n",
			opening.JavaScript: "export function reverse(s) {\n  return s;\n}\n",
		},
		Tests: map[opening.Language]opening.CodeTests{
			opening.Python: {
				Visible: "from solution import reverse\n\ndef test_word():\n    assert reverse('abc') == 'cba'\n\ndef test_empty():\n    assert reverse('') == ''\n",
				Hidden:  "from solution import reverse\n\ndef test_unicode():\n    assert reverse('añb') == 'bña'\n",
			},
			opening.JavaScript: {
				Visible: "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { reverse } from './solution.mjs';\ntest('word', () => assert.equal(reverse('abc'), 'cba'));\n",
			},
		},
	}}

// codeWorld is a running app with a grader, an interview of one coding
// task, Ada invited to it, and the owner able to sign in.
type codeWorld struct {
	*testServer
	app  *app.App
	iv   opening.Interview
	ada  application.Invitation
	team *browser // the owner, signed in
}

func newCodeWorld(t *testing.T) *codeWorld {
	t.Helper()
	box := sandboxtest.New(t)
	ctx := context.Background()
	world := apptest.New(t, app.Config{})
	a := world.App
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Gradings.SetGrader(g, nil)
	world.RunWorker(t)

	w := &codeWorld{testServer: &testServer{Server: world.Server, DB: a.DB, Svc: a.Services}, app: a}
	w.team = w.signIn(t)
	om := teamOwner(t, w.testServer)
	job, err := a.Openings.CreateJob(ctx, om, opening.JobInput{Title: candPtr("Backend engineer")})
	if err != nil {
		t.Fatal(err)
	}
	if w.iv, err = a.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &job.ID, Title: candPtr("Coding screen"),
		Steps: &[]opening.Step{reverseTask}}); err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, a.Openings, om, w.iv)
	res, err := a.Applications.Invite(ctx, om, w.iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ada = res.Invitations[0]
	return w
}

func (w *codeWorld) stepURL() string {
	return w.URL + "/candidate/" + strconv.FormatInt(w.ada.Application.ID, 10) + "/steps/" + strconv.FormatInt(w.iv.Steps[0].ID, 10)
}

// editorText is what the CodeMirror editor shows, line by line.
const editorText = `[...document.querySelectorAll(".code-editor .cm-line")].map(l => l.textContent).join("\n")`

// TestCodeStepInBrowser is the coding task as a candidate and a reviewer
// meet it: the candidate opens the step, switches language and back,
// types a solution in the editor, runs the visible tests without leaving
// the page, is saved automatically and submits; the reviewer sees the code
// highlighted and every test's result, hidden ones by name. axe checks the
// candidate's pages at desktop and phone widths.
func TestCodeStepInBrowser(t *testing.T) {
	t.Parallel()
	w := newCodeWorld(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	openLink(p, w.URL, w.ada.Token)
	p.Navigate(w.stepURL())
	p.WaitVisible(".code-editor .cm-content")
	var text string
	p.Eval(editorText, &text)
	if text != "def reverse(s):\n    return s\n" {
		t.Errorf("the editor opens with %q, want the Python starter", text)
	}
	waitJS(t, p, "the visible tests are highlighted", `document.querySelector("details.code-tests:not([hidden]) .code-view .cm-content")`)
	p.CheckAccessibility()
	p.Screenshot("code-step-editor-desktop")

	// Switching language brings that language's starter and tests; switching
	// back brings back what was there.
	p.SetValue("#language", "javascript")
	waitJS(t, p, "the JavaScript starter", editorText+`.startsWith("export function reverse")`)
	waitJS(t, p, "the JavaScript tests show", `!document.querySelector('details.code-tests[data-language="javascript"]').hidden && document.querySelector('details.code-tests[data-language="python"]').hidden`)
	p.SetValue("#language", "python")
	waitJS(t, p, "the Python code is back", editorText+` === "def reverse(s):\n    return s\n"`)

	// Replace the starter with a solution, as typing or pasting does.
	p.SelectAll(".code-editor .cm-content")
	p.InsertText(".code-editor .cm-content", "def reverse(s):\n    return s[::-1]")
	p.Eval(`document.getElementById("code").value`, &text)
	if text != "def reverse(s):\n    return s[::-1]" {
		t.Fatalf("the form holds %q after typing", text)
	}

	// Run: the results arrive in the page, which is not reloaded.
	// CodeMirror's own styles went in: the Content-Security-Policy
	// admits them by nonce (without them the editor falls apart).
	var display string
	p.Eval(`getComputedStyle(document.querySelector(".cm-editor")).display`, &display)
	if display != "flex" {
		t.Errorf("the editor's display is %q, want flex: its styles were blocked", display)
	}
	// The task sits beside the editor, which has the width for its lines.
	var box struct{ BriefRight, EditorLeft, EditorWidth float64 }
	p.Eval(`(() => { const b = document.querySelector(".code-brief").getBoundingClientRect(), e = document.querySelector(".code-editor").getBoundingClientRect();
		return {BriefRight: b.right, EditorLeft: e.left, EditorWidth: e.width}; })()`, &box)
	if box.BriefRight > box.EditorLeft || box.EditorWidth < 640 {
		t.Errorf("at %d px the task ends at %.0f px and the editor starts at %.0f px, %.0f px wide: want them side by side, the editor at least 640 px",
			browsertest.DesktopWidth, box.BriefRight, box.EditorLeft, box.EditorWidth)
	}

	// Ctrl+Enter in the editor runs the visible tests, and inserts nothing.
	// The results arrive in the page, which is not reloaded.
	p.Eval(`window.stayed = true`, nil)
	p.Click(".code-editor .cm-content")
	p.PressCtrl(kb.Enter)
	waitJS(t, p, "the run's results", `document.querySelector("#run-title")`)
	p.Eval(`document.getElementById("code").value`, &text)
	if text != "def reverse(s):\n    return s[::-1]" {
		t.Errorf("after Ctrl+Enter the form holds %q", text)
	}
	if got := p.Text("#run-title"); !strings.Contains(got, "2 of 2 passed") {
		t.Errorf("run: %q", got)
	}
	var stayed bool
	p.Eval(`window.stayed === true`, &stayed)
	if !stayed {
		t.Error("running the tests reloaded the page")
	}

	// Autosave, then grading of what was saved, which appears in the page
	// without a reload.
	waitJS(t, p, "the autosave", `document.getElementById("code-status").textContent.startsWith("Saved at")`)
	// Up to a minute: grading waits for the code to settle, then runs it
	// in the sandbox, which a loaded machine slows down.
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(200 * time.Millisecond) {
		gs, err := w.app.Gradings.ForApplication(context.Background(), w.ada.Application.ID)
		if err == nil && gs[w.iv.Steps[0].ID].Status == grading.Done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until the saved code is graded: %+v, %v", gs, err)
		}
	}
	waitJS(t, p, "the grading shows in place", `document.getElementById("code-grading-out").textContent.includes("3 of 3 tests passed")`)
	if p.Eval(`window.stayed === true`, &stayed); !stayed {
		t.Error("the page reloaded to show the grading")
	}
	p.CheckAccessibility()
	p.Screenshot("code-step-run-desktop")

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	openLink(phone, w.URL, w.ada.Token)
	phone.Navigate(w.stepURL())
	phone.WaitVisible(".code-editor .cm-content")
	phone.Eval(editorText, &text)
	if text != "def reverse(s):\n    return s[::-1]" {
		t.Errorf("on another device the editor shows %q, want the autosaved code", text)
	}
	var fits bool
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
	if !fits {
		t.Error("on a phone the code step scrolls sideways")
	}
	phone.Click(`button[formaction$="/run"]`)
	waitJS(t, phone, "the run's results", `document.querySelector("#run-title")`)
	mine := phone.Text("main")
	if !strings.Contains(mine, "3 of 3 tests passed · 6 of 6 points") {
		t.Errorf("the candidate's grading panel lacks the score:\n%s", mine)
	}
	if strings.Contains(mine, "test_unicode") {
		t.Error("a hidden test's name reached the candidate")
	}
	phone.CheckAccessibility()
	phone.Screenshot("code-step-run-phone")

	p.Navigate(w.URL + "/candidate/" + strconv.FormatInt(w.ada.Application.ID, 10) + "/review")
	p.CheckAccessibility()
	p.Submit("form[action$='/submit'] button")
	p.WaitVisible(".flash")
	p.Navigate(w.stepURL())
	waitJS(t, p, "the submitted code is highlighted", `document.querySelector(".code-view .cm-content")`)
	p.CheckAccessibility()
	p.Screenshot("code-step-submitted-desktop")

	team := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(team, w.URL)
	team.Navigate(w.URL + "/applications/" + strconv.FormatInt(w.ada.Application.ID, 10))
	waitJS(t, team, "the answer is highlighted", `document.querySelector(".code-view .cm-content")`)
	page := team.Text("main")
	for _, want := range []string{"6 / 6 points", "3 of 3 tests passed", "test_word", "test_empty", "test_unicode"} {
		if !strings.Contains(page, want) {
			t.Errorf("the reviewer's page lacks %q:\n%s", want, page)
		}
	}
	team.Screenshot("code-review-desktop")

	// The team's editor for the task, with a reference solution tried.
	team.Navigate(fmt.Sprintf("%s/interviews/%d/steps/%d/code", w.URL, w.iv.ID, w.iv.Steps[0].ID))
	// Starters, tests and solutions are code editors; an unticked
	// language folds away.
	waitJS(t, team, "the code fields are editors", `document.querySelectorAll("textarea.code-input[data-language]").length > 0 &&
		[...document.querySelectorAll("textarea.code-input[data-language]")].every(a => a.hidden && a.nextElementSibling.querySelector(".cm-content"))`)
	var folded bool
	team.Eval(`getComputedStyle(document.querySelector("#lang-go .lang-body")).display === "none" &&
		getComputedStyle(document.querySelector("#lang-python .lang-body")).display !== "none"`, &folded)
	if !folded {
		t.Error("the unticked language's fields are shown, or a ticked one's are not")
	}
	team.SelectAll("#reference-python + .code-editor .cm-content")
	team.InsertText("#reference-python + .code-editor .cm-content", "def reverse(s):\n    return s[::-1]\n")
	// The form posts and the page comes back with the result: Submit
	// waits for that page (the page before may show an earlier try's).
	team.Submit(`button[value="try.python"]`)
	if got := team.Text("#try-result-python"); !strings.Contains(got, "3 of 3 tests passed") {
		t.Errorf("the reference solution's try: %q", got)
	}
	team.CheckAccessibility()
	team.Screenshot("code-task-editor-desktop")
}

// TestCodeLeftAtOnceIsSaved types in the code editor and leaves at once by
// the overview link, then by reload: the code is saved either way, as the
// written answers are (TestTypedAnswersAreNeverLost).
func TestCodeLeftAtOnceIsSaved(t *testing.T) {
	t.Parallel()
	w := newCodeWorld(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	openLink(p, w.URL, w.ada.Token)
	savedCode := func() string {
		ans, err := w.app.Applications.Answers(context.Background(), w.ada.Application.ID)
		if err != nil {
			t.Fatal(err)
		}
		return ans[w.iv.Steps[0].ID].Code
	}
	for i, leave := range []func(){
		func() { p.Click("nav.crumbs a"); p.WaitVisible("a.cand-big") },
		func() { p.Reload() },
	} {
		p.Navigate(w.stepURL())
		p.WaitVisible(".code-editor .cm-content")
		code := fmt.Sprintf("def reverse(s):\n    return s[::-1]  # %d", i)
		p.SelectAll(".code-editor .cm-content")
		p.InsertText(".code-editor .cm-content", code)
		leave()
		candEventually(t, "the code left at once is saved", func() bool { return savedCode() == code })
	}
	p.WaitVisible(".code-editor .cm-content")
	var text string
	p.Eval(editorText, &text)
	if !strings.HasSuffix(text, "# 1") {
		t.Errorf("after reload the editor shows %q", text)
	}
}
