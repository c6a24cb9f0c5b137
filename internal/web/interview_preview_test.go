package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestPreviewAsCandidate: a team member walks the interview as a
// candidate meets it; whatever they type is not saved, no application
// appears, and the way back is always there.
func TestPreviewAsCandidate(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	team := f.ts.signInAs(t, "olivia@acme.example", teamPassword)
	base := fmt.Sprintf("/interviews/%d/preview", f.iv.ID)
	count := func() (n int) {
		if err := f.ts.DB.QueryRow(t.Context(), `SELECT (SELECT COUNT(*) FROM applications) + (SELECT COUNT(*) FROM answers)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()

	resp, body := team.get(fmt.Sprintf("/interviews/%d", f.iv.ID))
	if doc := teamMust(t, "interview", resp, body, http.StatusOK); doc.Find(`a[href="`+base+`"]`).Length() != 1 {
		t.Error("the interview page has no Preview as candidate link")
	}
	resp, body = team.get(base)
	doc := teamMust(t, "preview", resp, body, http.StatusOK)
	if got := teamText(doc, ".preview-bar"); !strings.Contains(got, "Nothing you type here is saved or sent") {
		t.Errorf("the preview's banner: %q", got)
	}
	if got := teamText(doc, ".lead"); !strings.Contains(got, "Hello Olivia") {
		t.Errorf("the welcome: %q", got)
	}
	first := fmt.Sprintf("%s/steps/%d", base, f.iv.Steps[0].ID)
	if href, _ := doc.Find("a.cand-big").Attr("href"); href != first {
		t.Errorf("Start leads to %q, want %q", href, first)
	}

	resp, body = team.get(first)
	doc = teamMust(t, "first step", resp, body, http.StatusOK)
	if got := teamText(doc, "#step-prompt"); !strings.Contains(got, "what you enjoy building") {
		t.Errorf("the first step's prompt: %q", got)
	}
	if doc.Find(`script[src*="candidate_answer"]`).Length() != 0 || doc.Find(".cand-help").Length() != 0 {
		t.Error("the preview loads the autosave, or offers more time and withdrawing")
	}
	if href, _ := doc.Find(".preview-nav a.button").Attr("href"); href != fmt.Sprintf("%s/steps/%d", base, f.iv.Steps[1].ID) {
		t.Errorf("Next step leads to %q", href)
	}
	action, _ := doc.Find("form.cand-answer").Attr("action")
	resp, body = team.post(action, url.Values{"text": {"typed in the preview"}, "then": {"next"}})
	doc = teamMust(t, "an answer in the preview", resp, body, http.StatusOK)
	if resp.Request.URL.Path != first || !strings.Contains(teamText(doc, ".flash"), "nothing was saved or sent") {
		t.Errorf("after posting an answer: %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	if strings.Contains(body, "typed in the preview") {
		t.Error("the preview kept what was typed")
	}
	resp, body = team.get(base + "/status")
	if doc := teamMust(t, "status in the preview", resp, body, http.StatusOK); resp.Request.URL.Path != base || !strings.Contains(teamText(doc, ".flash"), "need a real application") {
		t.Errorf("the status page in the preview: %s", resp.Request.URL.Path)
	}
	if after := count(); after != before {
		t.Errorf("applications and answers went from %d to %d in the preview", before, after)
	}

	// Another organisation cannot preview it.
	rival := teamOtherOrg(t, f.ts)
	for _, path := range []string{base, first} {
		if resp, _ := rival.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("another organisation's preview %s: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := rival.post(action, url.Values{"text": {"x"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation posts to the preview: %d", resp.StatusCode)
	}
}
