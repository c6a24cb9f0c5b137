package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// TestCandidateCodeStep works a coding task in the plain page (no
// JavaScript): the starter code is there, a run shows the visible tests'
// results, a save is graded, and hidden tests stay anonymous.
func TestCandidateCodeStep(t *testing.T) {
	t.Parallel()
	box := sandboxtest.New(t)
	w := newVideoApp(t, []opening.Step{{Kind: opening.KindCode, Title: "Add", Points: 4, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python, opening.JavaScript},
		Starter:   map[opening.Language]string{opening.Python: "def add(a, b):\n    pass\n"},
		Tests: map[opening.Language]opening.CodeTests{
			opening.Python:     {Visible: "from solution import add\n\ndef test_small():\n    assert add(1, 2) == 3\n", Hidden: "from solution import add\n\ndef test_secret_big():\n    assert add(10**20, 1) == 10**20 + 1\n"},
			opening.JavaScript: {Visible: "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { add } from './solution.mjs';\ntest('small', () => assert.equal(add(1, 2), 3));\n"},
		},
	}}})
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.app.Gradings.SetGrader(g, nil)
	b := &browser{t: t, base: w.url, cookie: map[string]string{}}
	b.c = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	b.get("/c/" + w.inv.Token)
	step := "/candidate/" + strconv.FormatInt(w.inv.Application.ID, 10) + "/steps/" + strconv.FormatInt(w.iv.Steps[0].ID, 10)

	resp, body := b.get(step)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(doc.Find("textarea#code").Text(), "def add(a, b):") || doc.Find("select#language option").Length() != 2 {
		t.Fatalf("the code step: %d\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(doc.Find(".code-tests").Text(), "test_small") || strings.Contains(body, "test_secret_big") {
		t.Error("the page should show the visible tests and never the hidden ones")
	}

	resp, body = b.post(step+"/run", url.Values{"language": {"python"}, "code": {"def add(a, b):\n    return a - b\n"}})
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, "#run-title"), "0 of 1 passed") {
		t.Fatalf("a run: %d %q", resp.StatusCode, candText(doc, "#run-title"))
	}
	if got := doc.Find("textarea#code").Text(); !strings.Contains(got, "a - b") {
		t.Errorf("the code that was run is not kept in the editor: %q", got)
	}

	resp, _ = b.post(step, url.Values{"language": {"python"}, "code": {"def add(a, b):\n    return a + b\n"}, "then": {"stay"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		gs, _ := w.app.Gradings.ForApplication(context.Background(), w.inv.Application.ID)
		if gs[w.iv.Steps[0].ID].Status == grading.Done {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not graded: %+v", gs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	_, body = b.get(step)
	doc = candHTML(t, body)
	if got := candText(doc, ".code-grading-box"); !strings.Contains(got, "2 of 2 tests passed") || !strings.Contains(got, "hidden test 1") {
		t.Errorf("the saved code's grading reads %q", got)
	}
	if strings.Contains(body, "test_secret_big") {
		t.Error("a hidden test's name reached the candidate")
	}
}

// TestEditorKeepsCodeTasks: saving the interview form, which does not
// edit coding tasks yet, keeps their tests.
func TestEditorKeepsCodeTasks(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ctx := context.Background()
	steps := []opening.Step{{Kind: opening.KindCode, Title: "Add", Code: &opening.CodeTask{Languages: []opening.Language{opening.Python},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {Hidden: "def test_x():\n    pass\n"}}}}}
	iv, err := f.ts.Svc.Openings.CreateInterview(ctx, f.owner, opening.InterviewInput{JobID: &f.job.ID, Title: candPtr("Code"), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	b := f.ts.browser(t)
	if resp, body := b.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d %s", resp.StatusCode, body)
	}
	_, body := b.get("/interviews/" + strconv.FormatInt(iv.ID, 10) + "/edit")
	doc := candHTML(t, body)
	form := url.Values{}
	doc.Find("form input, form textarea").Each(func(_ int, sel *goquery.Selection) {
		name, _ := sel.Attr("name")
		if name == "" {
			return
		}
		if typ, _ := sel.Attr("type"); typ == "checkbox" {
			if _, on := sel.Attr("checked"); !on {
				return
			}
		}
		if goquery.NodeName(sel) == "textarea" {
			form.Set(name, sel.Text())
		} else {
			v, _ := sel.Attr("value")
			form.Set(name, v)
		}
	})
	form.Set("steps.0.title", "Add two numbers")
	form.Set("action", "save")
	resp, body := b.post("/interviews/"+strconv.FormatInt(iv.ID, 10), form)
	if resp.StatusCode != http.StatusOK || strings.Contains(body, `class="error"`) {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	got, err := f.ts.Svc.Openings.Interview(ctx, f.owner, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st := got.Steps[0]; st.Title != "Add two numbers" || st.Code == nil || st.Code.Tests[opening.Python].Hidden == "" {
		t.Errorf("after saving the form: %+v %+v", st, st.Code)
	}
}
