package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// stepTitles are the interview's saved steps' titles, in order.
func stepTitles(t *testing.T, f *candidateFixture) []string {
	t.Helper()
	iv, err := f.ts.Svc.Openings.InterviewInOrg(context.Background(), f.owner.OrgID, f.iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, st := range iv.Steps {
		out = append(out, st.Title)
	}
	return out
}

// TestStepsMoveWithoutJavaScript: "Move down" and "Move up" post the
// form and come back with the steps in their new order, typed text kept;
// saving keeps that order.
func TestStepsMoveWithoutJavaScript(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	team := f.ts.signInAs(t, "olivia@acme.example", teamPassword)
	path := fmt.Sprintf("/interviews/%d", f.iv.ID)
	resp, body := team.get(path + "/edit")
	form := ivvForm(teamMust(t, "the editor", resp, body, http.StatusOK), "form.editor")
	form.Set("steps.0.title", "About you, typed")
	form.Set("action", "down.0")
	resp, body = team.post(path, form)
	doc := teamMust(t, "move down", resp, body, http.StatusOK)
	var got []string
	doc.Find("fieldset.step-edit input[name$='.title']").Each(func(_ int, s *goquery.Selection) { got = append(got, s.AttrOr("value", "")) })
	if want := "[Primes About you, typed Go keywords Anything else]"; fmt.Sprint(got) != want {
		t.Errorf("after moving the first step down: %v, want %s", got, want)
	}
	if _, off := doc.Find(`fieldset.step-edit button[value="up.0"]`).Attr("disabled"); !off {
		t.Error("the first step's Move up is not disabled")
	}
	// An order number typed first counts: "Move down" moves the step on
	// from where the numbers put it.
	typed := ivvForm(doc, "form.editor")
	typed.Set("steps.3.position", "1")
	typed.Set("action", "down.1")
	resp, body = team.post(path, typed)
	var after []string
	teamMust(t, "move after typing an order", resp, body, http.StatusOK).Find("fieldset.step-edit input[name$='.title']").Each(func(_ int, s *goquery.Selection) { after = append(after, s.AttrOr("value", "")) })
	if want := "[Primes Anything else Go keywords About you, typed]"; fmt.Sprint(after) != want {
		t.Errorf("moving after typing an order: %v, want %s", after, want)
	}

	form = ivvForm(doc, "form.editor")
	form.Set("action", "up.3")
	resp, body = team.post(path, form)
	form = ivvForm(teamMust(t, "move up", resp, body, http.StatusOK), "form.editor")
	form.Set("action", "save")
	resp, body = team.post(path, form)
	teamMust(t, "save", resp, body, http.StatusOK)
	if got := fmt.Sprint(stepTitles(t, f)); got != "[Primes About you, typed Anything else Go keywords]" {
		t.Errorf("saved order %s", got)
	}
}
