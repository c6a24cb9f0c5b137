package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/queue"
)

const simStarter = `def median(xs):
    """Return the median of a non-empty list of numbers."""
    # Your code here.
    return 0


def main():
    print(median([3, 1, 2]))
`

const simAda = `def median(xs):
    """Return the median of a non-empty list of numbers."""
    ordered = sorted(xs)
    n = len(ordered)
    middle = n // 2
    if n % 2 == 1:
        return ordered[middle]
    low = ordered[middle - 1]
    high = ordered[middle]
    return (low + high) / 2


def main():
    print(median([3, 1, 2]))
`

const simBob = `def median(xs):
    """Return the median of a non-empty list of numbers."""
    # sort first
    s = sorted(xs)
    count = len(s)
    half = count // 2
    if count % 2 == 1:
        return s[half]
    a = s[half - 1]
    b = s[half]
    return (a + b) / 2


def main():
    print(median([3, 1, 2]))
`

// similarityFixture is a code step whose candidates Ada and Bob handed in
// the same solution, names changed, and Cyd the starter, compared.
type similarityFixture struct {
	*candidateFixture
	iv   opening.Interview
	step opening.Step
	apps map[string]application.Application
}

func newSimilarityFixture(t *testing.T) *similarityFixture {
	t.Helper()
	ctx := context.Background()
	f := &similarityFixture{candidateFixture: newCandidateFixture(t), apps: map[string]application.Application{}}
	f.ts.Svc.Matchings.SetSettle(0)
	step := opening.Step{Kind: opening.KindCode, Title: "Median", Points: 10, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Starter:   map[opening.Language]string{opening.Python: simStarter},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {
			Visible: "from solution import median\n\ndef test_odd():\n    assert median([3, 1, 2]) == 2\n"}},
	}}
	var err error
	f.iv, err = f.ts.Svc.Openings.CreateInterview(ctx, f.owner, opening.InterviewInput{JobID: &f.job.ID, Title: candPtr("Coding"),
		Steps: &[]opening.Step{step}})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, f.ts.Svc.Openings, f.owner, f.iv)
	f.step = f.iv.Steps[0]
	for _, c := range []struct{ name, code string }{{"Ada Lovelace", simAda}, {"Bob Byron", simBob}, {"Cyd Charisse", simStarter}} {
		inv := f.invite(t, f.iv, c.name, strings.ToLower(strings.Fields(c.name)[0])+"@example.com")
		a := inv.Application
		code := c.code
		if _, err := f.ts.Svc.Applications.SaveAnswer(ctx, a, f.step.ID, application.AnswerInput{Language: candPtr("python"), Code: &code}); err != nil {
			t.Fatal(err)
		}
		if a, err = f.ts.Svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		f.apps[c.name] = a
	}
	f.compare(t)
	return f
}

// compare runs the comparisons queued.
func (f *similarityFixture) compare(t *testing.T) {
	t.Helper()
	w := queue.New(f.ts.DB, queue.Config{Concurrency: 1, Name: "t", Logger: slog.New(slog.DiscardHandler)})
	f.ts.Svc.Matchings.RegisterTasks(w)
	if err := w.RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (f *similarityFixture) base() string {
	return fmt.Sprintf("/interviews/%d/steps/%d/similarity", f.iv.ID, f.step.ID)
}

// TestSimilarityPages: the step's pairs, a candidate's highest match and
// the pair side by side, with the fragments numbered alike and linked and
// the starter greyed; the threshold and references change through forms.
func TestSimilarityPages(t *testing.T) {
	t.Parallel()
	f := newSimilarityFixture(t)
	b := f.ts.signInAs(t, "olivia@acme.example", "correct horse battery")
	ada, bob := f.apps["Ada Lovelace"], f.apps["Bob Byron"]

	resp, body := b.get(fmt.Sprintf("/interviews/%d", f.iv.ID))
	doc := teamMust(t, "interview", resp, body, http.StatusOK)
	if href, _ := doc.Find("a.similarity-link").Attr("href"); href != f.base() {
		t.Errorf("interview page links to %q, want %q", href, f.base())
	}

	resp, body = b.get(f.base())
	doc = teamMust(t, "similarity page", resp, body, http.StatusOK)
	if got := teamText(doc, ".evidence"); !strings.Contains(got, "evidence for a person to weigh, never a verdict") {
		t.Errorf("the page does not say a match is evidence: %q", got)
	}
	if got := teamText(doc, ".similarity-status"); !strings.Contains(got, "3 answers, 2 with code of their own") {
		t.Errorf("status = %q", got)
	}
	rows := doc.Find("table.similarity-pairs tbody tr")
	if rows.Length() != 1 || !strings.Contains(rows.Text(), "Ada Lovelace") || !strings.Contains(rows.Text(), "Bob Byron") || strings.Contains(body, "Cyd") {
		t.Fatalf("pairs: %q", rows.Text())
	}
	if href, _ := rows.Find("td a").First().Attr("href"); href != fmt.Sprintf("/applications/%d#step-%d", ada.ID, f.step.ID) {
		t.Errorf("Ada links to %q", href)
	}
	pairHref, _ := rows.Find(`a[href*="/pair?"]`).Attr("href")

	// Bob's application names Ada as his closest match.
	resp, body = b.get(fmt.Sprintf("/applications/%d", bob.ID))
	doc = teamMust(t, "Bob's application", resp, body, http.StatusOK)
	match := doc.Find(fmt.Sprintf("#step-%d .similarity-match", f.step.ID))
	if !strings.Contains(match.Text(), "Ada Lovelace") || !strings.Contains(match.Text(), "% alike") {
		t.Errorf("Bob's highest match: %q", match.Text())
	}
	if href, _ := match.Find("a").First().Attr("href"); !strings.Contains(href, fmt.Sprintf("left=%d", bob.ID)) {
		t.Errorf("Bob's match opens %q, want Bob on the left", href)
	}
	if strings.Contains(match.Text(), "below the team's threshold") {
		t.Errorf("a near copy is shown as below the threshold: %q", match.Text())
	}
	resp, body = b.get(fmt.Sprintf("/applications/%d", f.apps["Cyd Charisse"].ID))
	if doc = teamMust(t, "Cyd's application", resp, body, http.StatusOK); doc.Find(".similarity-match").Length() != 0 {
		t.Errorf("Cyd, who only handed in the starter, has a match: %q", teamText(doc, ".similarity-match"))
	}

	// The pair, side by side.
	resp, body = b.get(pairHref)
	doc = teamMust(t, "pair", resp, body, http.StatusOK)
	sides := doc.Find(".pair-side")
	if sides.Length() != 2 || !strings.Contains(sides.Eq(0).Find("h2").Text(), "Ada Lovelace") || !strings.Contains(sides.Eq(1).Find("h2").Text(), "Bob Byron") {
		t.Fatalf("sides: %q", sides.Find("h2").Text())
	}
	marks := doc.Find("a.frag-mark")
	if marks.Length() == 0 || marks.Length()%2 != 0 {
		t.Fatalf("%d fragment marks, want pairs of them", marks.Length())
	}
	marks.Each(func(_ int, a *goquery.Selection) {
		id, _ := a.Attr("id")
		href, _ := a.Attr("href")
		other := doc.Find(href)
		back, _ := other.Attr("href")
		if other.Length() != 1 || back != "#"+id || strings.TrimSpace(other.Contents().First().Text()) != strings.TrimSpace(a.Contents().First().Text()) {
			t.Errorf("mark %s links to %s, which links back to %q", id, href, back)
		}
		rowClass, _ := a.Closest("tr").Attr("class")
		otherClass, _ := other.Closest("tr").Attr("class")
		if strings.Fields(rowClass)[1] != strings.Fields(otherClass)[1] {
			t.Errorf("fragment %s is %q on one side and %q on the other", id, rowClass, otherClass)
		}
	})
	// Ada's "ordered = sorted(xs)" and Bob's "s = sorted(xs)" are in one
	// fragment; the starter's def main() is greyed on both sides.
	line := func(side int, text string) *goquery.Selection {
		return sides.Eq(side).Find("tr").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Find("td.code").Text(), text)
		})
	}
	l, r := line(0, "ordered = sorted(xs)"), line(1, "s = sorted(xs)")
	lc, _ := l.Attr("class")
	rc, _ := r.Attr("class")
	if !strings.Contains(lc, "frag-") || lc != rc {
		t.Errorf("the sorting lines are %q and %q, want one fragment", lc, rc)
	}
	for side := 0; side < 2; side++ {
		if c, _ := line(side, "def main():").Attr("class"); !strings.Contains(c, "starter") {
			t.Errorf("side %d: the starter's def main() is %q, want greyed", side, c)
		}
	}

	// The threshold.
	for _, c := range []struct{ value, flash string }{
		{"abc", "not changed: it is a percentage"},
		{"150", "not changed: it is a percentage"},
		{"-5", "not changed"},
		{"95", "Pairs from 95% are shown"},
	} {
		resp, body = b.post(f.base()+"/threshold", url.Values{"threshold": {c.value}})
		doc = teamMust(t, "threshold "+c.value, resp, body, http.StatusOK)
		if got := teamText(doc, ".flash"); !strings.Contains(got, c.flash) {
			t.Errorf("threshold %q: flash %q, want %q", c.value, got, c.flash)
		}
	}
	if got := teamText(doc, "#pairs-h"); got != "Pairs from 95%" {
		t.Errorf("heading after the threshold = %q", got)
	}
	// A match under the threshold (95% now): Bob's page still names it,
	// and says it sits below what the team asked to look at. The engine
	// scores this pair 100%; the stored score is lowered to stand for a
	// looser copy.
	if _, err := f.ts.DB.Exec(context.Background(), `UPDATE similarity_pairs SET similarity = 0.6 WHERE step_id = $1`, f.step.ID); err != nil {
		t.Fatal(err)
	}
	resp, body = b.get(fmt.Sprintf("/applications/%d", bob.ID))
	doc = teamMust(t, "Bob's application under the threshold", resp, body, http.StatusOK)
	if got := teamText(doc, fmt.Sprintf("#step-%d .similarity-match", f.step.ID)); !strings.Contains(got, "Ada Lovelace, 60% alike (below the team's threshold of 95%)") {
		t.Errorf("a 60%% match under a 95%% threshold reads %q", got)
	}

	// References: refused with the form kept, then added.
	for _, c := range []struct{ name, code, says string }{
		{"Empty", "   ", "cannot be empty"},
		{"Binary", "\x00\x01\x02", "not text"},
		{"Huge", strings.Repeat("x = 1\n", 40_000), "too large"},
	} {
		resp, body = b.post(f.base()+"/references", url.Values{"name": {c.name}, "language": {"python"}, "code": {c.code}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s reference: status %d", c.name, resp.StatusCode)
		}
		doc = teamDoc(t, body)
		if got := teamText(doc, "#ref-error"); !strings.Contains(got, c.says) {
			t.Errorf("%s reference: error %q, want %q", c.name, got, c.says)
		}
		if v, _ := doc.Find("#ref-name").Attr("value"); v != c.name {
			t.Errorf("%s reference: the name is not kept: %q", c.name, v)
		}
	}
	resp, body = b.post(f.base()+"/references", url.Values{"name": {"Forum answer"}, "language": {"python"}, "code": {simAda}})
	doc = teamMust(t, "add reference", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".references"), "Forum answer") || !strings.Contains(teamText(doc, ".similarity-status"), "Queued") {
		t.Errorf("after adding: references %q, status %q", teamText(doc, ".references"), teamText(doc, ".similarity-status"))
	}
	resp, body = b.get("/audit")
	if doc = teamMust(t, "audit", resp, body, http.StatusOK); !strings.Contains(body, "Similarity threshold changed") || !strings.Contains(body, "Reference solution added") {
		t.Errorf("the audit log lacks the changes")
	}
}

// TestSimilarityRefusesOthers: another organisation's step is not found,
// nor is a pair naming an application that is not in the step.
func TestSimilarityRefusesOthers(t *testing.T) {
	t.Parallel()
	f := newSimilarityFixture(t)
	b := f.ts.signInAs(t, "olivia@acme.example", "correct horse battery")
	rival := teamOtherOrg(t, f.ts)
	ada := f.apps["Ada Lovelace"]
	if resp, _ := rival.get(f.base()); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's similarity page: %d, want 404", resp.StatusCode)
	}
	if resp, _ := rival.post(f.base()+"/threshold", url.Values{"threshold": {"10"}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's threshold: %d, want 404", resp.StatusCode)
	}
	stranger := f.invite(t, f.other, "Eve Else", "eve@example.com").Application
	resp, body := b.get(fmt.Sprintf("%s/pair?left=%d&right=%d", f.base(), ada.ID, stranger.ID))
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "no submitted answer to this step") {
		t.Errorf("a pair with an application not in the step: %d\n%s", resp.StatusCode, teamText(teamDoc(t, body), "main"))
	}
	if resp, _ := b.get(fmt.Sprintf("%s/pair?left=abc&right=%d", f.base(), ada.ID)); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a pair with a bad id: %d, want 400", resp.StatusCode)
	}
	if resp, _ := b.get(fmt.Sprintf("/interviews/%d/steps/%d/similarity", f.other.ID, f.step.ID)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the step under another interview: %d, want 404", resp.StatusCode)
	}
}
