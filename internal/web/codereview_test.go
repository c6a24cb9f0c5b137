package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/codereview"
	"github.com/anyhour/anyhour/internal/opening"
)

// reviewWorld is the candidate fixture's organisation with a code-review
// interview made of the first ready-made task.
func reviewWorld(t *testing.T) (*candidateFixture, opening.Interview) {
	t.Helper()
	f := newCandidateFixture(t)
	s := codereview.Samples[0]
	task := s.Task
	iv, err := f.ts.Svc.Openings.CreateInterview(context.Background(), f.owner, opening.InterviewInput{JobID: &f.job.ID, Title: candPtr("Code review"),
		Steps: &[]opening.Step{{Kind: opening.KindCodeReview, Title: s.Title, Prompt: s.Prompt, Minutes: s.Minutes, CodeReview: &task}}})
	if err != nil {
		t.Fatal(err)
	}
	return f, iv
}

// rubricIn names what of the planted issues a page holds.
func rubricIn(body string, planted []opening.Planted) []string {
	var found []string
	for _, p := range planted {
		for _, s := range []string{p.Label, p.Explanation} {
			if s != "" && strings.Contains(body, s) || s != "" && strings.Contains(body, strings.ReplaceAll(s, "'", "&#39;")) {
				found = append(found, s)
			}
		}
	}
	if strings.Contains(body, "planted") || strings.Contains(body, "Planted") {
		found = append(found, "the word planted")
	}
	return found
}

// TestCandidateReviewsWithoutJavaScript is a code review as a candidate
// without JavaScript does it: a line's number saves and opens a comment
// there, the comment and the summary save, a comment is deleted, a bad
// line comes back with the reason and what was typed; no page of theirs,
// before or after submitting, holds anything of the planted issues.
func TestCandidateReviewsWithoutJavaScript(t *testing.T) {
	t.Parallel()
	f, iv := reviewWorld(t)
	st := iv.Steps[0]
	planted := st.CodeReview.Planted
	inv := f.invite(t, iv, "Ada Lovelace", "ada@example.com")
	b := f.ts.browser(t)
	f.open(t, b, inv)
	step := candStepPath(inv, st)
	pages := map[string]string{}
	resp, body := b.get(step)
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find("button.line-btn").Length() == 0 {
		t.Fatalf("the step: %d, %d line buttons", resp.StatusCode, doc.Find("button.line-btn").Length())
	}
	pages["the step"] = body

	// The line of the first planted issue, pressed: saved, and back with a
	// comment opened there.
	p := planted[0]
	line := fmt.Sprintf("%s:%s:%d", p.File, p.Side, p.LineStart)
	form := url.Values{"summary": {"Needs changes."}, "comment": {line}}
	resp, body = b.post(step, form)
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find("#new-comment textarea").Length() != 1 {
		t.Fatalf("a line pressed: %d at %s, no comment opened", resp.StatusCode, resp.Request.URL)
	}
	n := doc.Find("#new-comment").AttrOr("data-n", "")
	form = url.Values{"summary": {"Needs changes."}, "then": {"stay"},
		"comment." + n + ".file": {p.File}, "comment." + n + ".side": {p.Side}, "comment." + n + ".start": {fmt.Sprint(p.LineStart)},
		"comment." + n + ".end": {fmt.Sprint(p.LineEnd)}, "comment." + n + ".body": {"The term goes straight into the SQL <script>x</script>."}}
	resp, body = b.post(step, form)
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || doc.Find(".review-comment textarea").Length() != 1 || !strings.Contains(doc.Find("#summary").Text(), "Needs changes.") {
		t.Fatalf("the comment saved: %d\n%s", resp.StatusCode, candText(doc, ".review-comments"))
	}
	if strings.Contains(body, "<script>x</script>") {
		t.Error("a comment's script reached the page as markup")
	}
	pages["the step with a comment"] = body

	// A comment past the change's lines: refused, with what was typed.
	bad := url.Values{"summary": {"Needs changes."}, "then": {"stay"},
		"comment.0.file": {p.File}, "comment.0.side": {"new"}, "comment.0.start": {"9999"}, "comment.0.end": {"9999"}, "comment.0.body": {"My careful words"}}
	resp, body = b.post(step, bad)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "is not shown") || !strings.Contains(body, "My careful words") {
		t.Errorf("a comment past the lines: %d, kept %v", resp.StatusCode, strings.Contains(body, "My careful words"))
	}

	// Deleted by its button.
	del := url.Values{}
	for k, v := range form {
		del[k] = v
	}
	del.Set("delete", n)
	del.Del("then")
	resp, body = b.post(step, del)
	if doc = candHTML(t, body); doc.Find(".review-comment textarea").Length() != 0 {
		t.Errorf("the comment was not deleted")
	}
	b.post(step, form) // and written again

	resp, body = b.get(candAppPath(inv) + "/review")
	pages["the review page"] = body
	resp, body = b.post(candAppPath(inv)+"/submit", url.Values{})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	pages["after submitting"] = body
	_, body = b.get(step)
	pages["the step, submitted"] = body
	if doc := candHTML(t, body); doc.Find("button.line-btn, textarea").Length() != 0 {
		t.Error("a submitted review can still be edited on its page")
	}
	for name, body := range pages {
		if got := rubricIn(body, planted); len(got) > 0 {
			t.Errorf("%s holds the rubric: %q", name, got)
		}
	}

	// The team reads it: the first issue found, the others missed, the
	// score suggested; a mark moves it.
	team := f.ts.signInAs(t, "olivia@acme.example", "correct horse battery")
	resp, body = team.get(fmt.Sprintf("/applications/%d", inv.Application.ID))
	doc = teamMust(t, "the application", resp, body, http.StatusOK)
	if got := teamText(doc, fmt.Sprintf("#step-%d", st.ID)); !strings.Contains(got, fmt.Sprintf("%s of %s points", pts(p.Points), pts(st.Points))) {
		t.Errorf("the suggested score: %q", got)
	}
	read := fmt.Sprintf("/applications/%d/steps/%d/codereview", inv.Application.ID, st.ID)
	resp, body = team.get(read)
	doc = teamMust(t, "the review in the change", resp, body, http.StatusOK)
	if doc.Find(".planted-list li.found").Length() != 1 || doc.Find(".planted-list li.missed").Length() != len(planted)-1 {
		t.Errorf("found %d, missed %d", doc.Find(".planted-list li.found").Length(), doc.Find(".planted-list li.missed").Length())
	}
	// Once a review is in, the change and the planted issues' places stay.
	plantPage := fmt.Sprintf("/interviews/%d/steps/%d/codereview", iv.ID, st.ID)
	if resp, body = team.post(plantPage, url.Values{"action": {"remove"}, "index": {"0"}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "already submitted a review") {
		t.Errorf("removing a planted issue after a review: %d", resp.StatusCode)
	}
	resp, body = team.post(fmt.Sprintf("/applications/%d/steps/%d/marks", inv.Application.ID, st.ID), url.Values{"planted": {"1"}, "verdict": {"confirmed"}, "back": {read}})
	doc = teamMust(t, "a mark", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".lead"), fmt.Sprintf("%s of", pts(p.Points+planted[1].Points))) {
		t.Errorf("after confirming the second issue: %q", teamText(doc, ".lead"))
	}
}

func pts(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", v), "0"), ".")
}

// TestTeamPlantsIssues is the team's side without JavaScript: "Add a
// code-review step" saves a ready-made task; on its page a line's number
// opens the planting form, an issue is planted and removed, a diff that
// does not read or leaves a planted issue out is refused with what was
// typed kept, and another ready-made task replaces the step.
func TestTeamPlantsIssues(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ts, team, m, iv := addStepInEditor(t, "codereview", nil)
	load := func() opening.Step {
		iv, err := ts.Svc.Openings.InterviewInOrg(ctx, m.OrgID, iv.ID)
		if err != nil || len(iv.Steps) != 2 {
			t.Fatalf("the interview: %+v, %v", iv.Steps, err)
		}
		return iv.Steps[1]
	}
	st := load()
	if st.CodeReview == nil || st.CodeReview.Diff != codereview.Samples[0].Task.Diff || len(st.CodeReview.Planted) != len(codereview.Samples[0].Task.Planted) {
		t.Fatalf("the new step is not the first ready-made task: %+v", st)
	}
	page := fmt.Sprintf("/interviews/%d/steps/%d/codereview", iv.ID, st.ID)
	resp, body := team.get(page)
	doc := teamMust(t, "the planting page", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".notice"), "published with anyhour's source code") {
		t.Errorf("a ready-made task is not said to be published: %q", teamText(doc, ".notice"))
	}
	link, ok := doc.Find(`.diff-unified a[href*="plant="]`).First().Attr("href")
	if !ok {
		t.Fatal("no line opens the planting form")
	}
	resp, body = team.get(link)
	doc = teamMust(t, "a line's planting form", resp, body, http.StatusOK)
	plant := ivvForm(doc, "#plant form")
	plant.Set("label", "Imports more than it uses")
	plant.Set("points", "1")
	resp, body = team.post(page, plant)
	doc = teamMust(t, "plant", resp, body, http.StatusOK)
	if st = load(); len(st.CodeReview.Planted) != 4 || st.CodeReview.Planted[3].Label != "Imports more than it uses" || st.Points != 13 {
		t.Fatalf("after planting: %d issues, %v points", len(st.CodeReview.Planted), st.Points)
	}
	// The same lines again: refused, the form kept.
	resp, body = team.post(page, plant)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "overlaps planted issue") || !strings.Contains(body, "Imports more than it uses") {
		t.Errorf("an overlapping issue: %d", resp.StatusCode)
	}
	resp, body = team.post(page, url.Values{"action": {"remove"}, "index": {"3"}})
	teamMust(t, "remove", resp, body, http.StatusOK)
	if st = load(); len(st.CodeReview.Planted) != 3 {
		t.Errorf("after removing: %d issues", len(st.CodeReview.Planted))
	}

	// A diff that does not read, and one without the planted lines.
	resp, body = team.post(page, url.Values{"action": {"diff"}, "diff": {"my great change, please review"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "holds no file") || !strings.Contains(body, "my great change, please review") {
		t.Errorf("a diff that does not read: %d", resp.StatusCode)
	}
	small := "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n"
	resp, body = team.post(page, url.Values{"action": {"diff"}, "diff": {small}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "is not a file of the change") {
		t.Errorf("a diff without the planted issues' file: %d", resp.StatusCode)
	}
	if st = load(); st.CodeReview.Diff != codereview.Samples[0].Task.Diff {
		t.Error("a refused diff replaced the change")
	}

	// "Preview as candidate" shows the change as a candidate reads it.
	resp, body = team.get(fmt.Sprintf("/interviews/%d/preview/steps/%d", iv.ID, st.ID))
	teamMust(t, "the preview", resp, body, http.StatusOK)
	if !strings.Contains(body, "app/items/views.py") || len(rubricIn(body, st.CodeReview.Planted)) > 0 {
		t.Errorf("the preview: the change shown %v, the rubric %q", strings.Contains(body, "app/items/views.py"), rubricIn(body, st.CodeReview.Planted))
	}

	// The tolerance: 0 taken, 50 refused.
	resp, body = team.post(page, url.Values{"action": {"tolerance"}, "tolerance": {"0"}})
	teamMust(t, "a tolerance of 0", resp, body, http.StatusOK)
	if st = load(); st.CodeReview.Tolerance != 0 {
		t.Errorf("the tolerance is %d", st.CodeReview.Tolerance)
	}
	if resp, _ = team.post(page, url.Values{"action": {"tolerance"}, "tolerance": {"50"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a tolerance of 50: %d", resp.StatusCode)
	}

	// Another ready-made task.
	if resp, _ = team.post(page, url.Values{"action": {"sample"}, "sample": {codereview.Samples[2].Key}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a ready-made task without the box ticked: %d", resp.StatusCode)
	}
	resp, body = team.post(page, url.Values{"action": {"sample"}, "sample": {codereview.Samples[2].Key}, "confirm": {"1"}})
	teamMust(t, "a ready-made task", resp, body, http.StatusOK)
	if st = load(); st.Title != codereview.Samples[2].Title || st.CodeReview.Diff != codereview.Samples[2].Task.Diff {
		t.Errorf("after choosing a ready-made task: %q", st.Title)
	}
}
