package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/opening"
)

// TestMarkdownEverywhere: the team's Markdown is rendered, safely, in
// every prompt, option and introduction the candidate and the team read,
// and text written without Markdown keeps its line breaks.
func TestMarkdownEverywhere(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newCandidateFixture(t)
	steps := []opening.Step{
		{Kind: opening.KindText, Title: "Design", Prompt: "Design a queue.\nSay how `ack` works.<script>alert(1)</script>"},
		{Kind: opening.KindChoice, Title: "Index", Prompt: "Which index serves `ORDER BY created_at`?", Options: []opening.Option{
			{Text: "`(org_id, created_at)`", Correct: true}, {Text: "*none*"}}},
	}
	iv, err := f.ts.Svc.Openings.CreateInterview(ctx, f.owner, opening.InterviewInput{JobID: &f.job.ID, Title: candPtr("Markdown"),
		Intro: candPtr("**Welcome.** Read [the guide](https://example.com) and [this](javascript:alert(1))."), Steps: &steps})
	if err != nil {
		t.Fatal(err)
	}
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)

	_, body := b.get(candAppPath(inv))
	doc := candHTML(t, body)
	if got, _ := doc.Find(".intro.md strong").Html(); got != "Welcome." {
		t.Errorf("the intro's bold: %q", got)
	}
	if strings.Contains(body, "javascript:alert") {
		t.Error("a javascript: link reached the candidate")
	}

	_, body = b.get(candStepPath(inv, iv.Steps[0]))
	doc = candHTML(t, body)
	if got := doc.Find("#step-prompt code").Text(); got != "ack" || doc.Find("#step-prompt br").Length() != 1 {
		t.Errorf("the text prompt: code %q, %d line breaks; want ack and 1\n%s", got, doc.Find("#step-prompt br").Length(), candText(doc, "#step-prompt"))
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("raw HTML in a prompt reached the candidate")
	}

	_, body = b.get(candStepPath(inv, iv.Steps[1]))
	doc = candHTML(t, body)
	if got := doc.Find("#step-prompt code").Text(); got != "ORDER BY created_at" {
		t.Errorf("the choice's prompt: %q", got)
	}
	if got := doc.Find("fieldset.cand-choice label code").Text(); got != "(org_id, created_at)" || doc.Find("fieldset.cand-choice label em").Text() != "none" {
		t.Errorf("the options: %q\n%s", got, candText(doc, "fieldset.cand-choice"))
	}
	if strings.Contains(candText(doc, "main"), "`") {
		t.Error("a backtick shows on the choice step")
	}

	// The team reads the same on the interview page.
	team := f.ts.browser(t)
	team.post("/login", map[string][]string{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}})
	_, body = team.get(fmt.Sprintf("/interviews/%d", iv.ID))
	doc = candHTML(t, body)
	if doc.Find(".prompt.md strong").Text() != "Welcome." {
		t.Errorf("the team's view of the intro: %q", candText(doc, ".prompt"))
	}
	if got := candText(doc, "ol.steps"); !strings.Contains(got, "worth 1 point") || strings.Contains(got, "1 points") {
		t.Errorf("the steps' points: %q", got)
	}
}
