package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/browsertest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
)

// compareWorld is a job whose interview four candidates submitted, a
// fifth who did not, and a second job with a candidate of its own.
type compareWorld struct {
	ts        *testServer
	owner     *browser
	job       opening.Job
	iv        opening.Interview
	apps      []application.Application
	pending   application.Application
	otherJobs application.Application
}

func newCompareWorld(t *testing.T) *compareWorld {
	t.Helper()
	ctx := context.Background()
	w := &compareWorld{ts: newTestServer(t)}
	w.owner = w.ts.signIn(t)
	om := w.ts.member(t, "olivia@acme.example")
	var err error
	if w.job, err = w.ts.Svc.Openings.CreateJob(ctx, om, opening.JobInput{Title: candPtr("Engineer")}); err != nil {
		t.Fatal(err)
	}
	if w.iv, err = w.ts.Svc.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &w.job.ID, Title: candPtr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Design a queue"}, {Kind: opening.KindText, Title: "Why us"}}}); err != nil {
		t.Fatal(err)
	}
	names := []string{"Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Late Larry"}
	for i, name := range names {
		res, err := w.ts.Svc.Applications.Invite(ctx, om, w.iv.ID, []application.NewCandidate{{Name: name, Email: fmt.Sprintf("c%d@example.com", i)}})
		if err != nil {
			t.Fatal(err)
		}
		a, _ := w.ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
		if i == len(names)-1 {
			w.pending = a
			break
		}
		for k, st := range w.iv.Steps {
			text := fmt.Sprintf("%s's answer to step %d: a ring buffer with %d slots.", name, k+1, (i+1)*8)
			if _, err := w.ts.Svc.Applications.SaveAnswer(ctx, a, st.ID, application.AnswerInput{Text: &text}); err != nil {
				t.Fatal(err)
			}
		}
		if a, err = w.ts.Svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		w.apps = append(w.apps, a)
	}
	other, _ := w.ts.Svc.Openings.CreateJob(ctx, om, opening.JobInput{Title: candPtr("Designer")})
	oiv, _ := w.ts.Svc.Openings.CreateInterview(ctx, om, opening.InterviewInput{JobID: &other.ID, Title: candPtr("Portfolio"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Show us"}}})
	res, _ := w.ts.Svc.Applications.Invite(ctx, om, oiv.ID, []application.NewCandidate{{Name: "Dee Signer", Email: "dee@example.com"}})
	a, _ := w.ts.Svc.Applications.ByToken(ctx, res.Invitations[0].Token)
	w.otherJobs, _ = w.ts.Svc.Applications.Submit(ctx, a)
	return w
}

func (w *compareWorld) path(step int64, apps ...application.Application) string {
	q := url.Values{}
	for _, a := range apps {
		q.Add("app", strconv.FormatInt(a.ID, 10))
	}
	if step != 0 {
		q.Set("step", strconv.FormatInt(step, 10))
	}
	return fmt.Sprintf("/jobs/%d/compare?%s", w.job.ID, q.Encode())
}

// TestCompareCandidates: two to four candidates of one interview side by
// side, step by step, with the member's own ratings beneath and the
// averages once they reviewed; the wrong picks are refused with why.
func TestCompareCandidates(t *testing.T) {
	t.Parallel()
	w := newCompareWorld(t)
	ctx := context.Background()
	om := w.ts.member(t, "olivia@acme.example")
	if _, err := w.ts.Svc.Reviews.Submit(ctx, om, w.apps[0].ID, review.Input{Ratings: map[int64]int{w.iv.Steps[0].ID: 4}, Recommendation: review.Yes}); err != nil {
		t.Fatal(err)
	}
	resp, body := w.owner.get(w.path(0, w.apps[0], w.apps[1], w.apps[2]))
	teamMust(t, "compare three", resp, body, http.StatusOK)
	doc := candHTML(t, body)
	if n := doc.Find(".compare-col").Length(); n != 3 {
		t.Fatalf("%d columns, want 3", n)
	}
	first := candText(doc, "#cand-1")
	for _, want := range []string{"Ada Lovelace", "Ada Lovelace's answer to step 1", "Overall You: 4 / 5 · average 4"} {
		if !strings.Contains(first, want) {
			t.Errorf("the first column lacks %q:\n%s", want, first)
		}
	}
	if !strings.Contains(candText(doc, "#cand-2"), "Colleagues' averages show once you review Grace") {
		t.Error("an unreviewed candidate's column shows averages, or does not say why not")
	}
	next, _ := doc.Find(`a[rel="next"]`).Attr("href")
	_, body = w.owner.get(next)
	doc = candHTML(t, body)
	if got := candText(doc, "h1"); !strings.HasPrefix(got, "2. Why us") || !strings.Contains(candText(doc, "#cand-3"), "Alan Turing's answer to step 2") {
		t.Errorf("the next step: %q", got)
	}
	if _, body := w.owner.get(fmt.Sprintf("/jobs/%d", w.job.ID)); !strings.Contains(body, `formaction="/jobs/`+strconv.FormatInt(w.job.ID, 10)+`/compare"`) {
		t.Error("the job page offers no comparison")
	}

	for name, c := range map[string]struct {
		path string
		want int
		says string
	}{
		"one candidate":     {w.path(0, w.apps[0]), http.StatusBadRequest, "two to four"},
		"five candidates":   {w.path(0, append(w.apps, w.pending)...), http.StatusBadRequest, "two to four"},
		"another job's":     {w.path(0, w.apps[0], w.otherJobs), http.StatusBadRequest, "applied to another job"},
		"not submitted":     {w.path(0, w.apps[0], w.pending), http.StatusBadRequest, "has not submitted yet"},
		"a step of another": {w.path(999999, w.apps[0], w.apps[1]), http.StatusNotFound, ""},
		"not a number":      {fmt.Sprintf("/jobs/%d/compare?app=1&app=x", w.job.ID), http.StatusBadRequest, "is not an application"},
	} {
		resp, body := w.owner.get(c.path)
		if resp.StatusCode != c.want || !strings.Contains(body, c.says) {
			t.Errorf("%s: %d, want %d saying %q", name, resp.StatusCode, c.want, c.says)
		}
	}
	rival := teamOtherOrg(t, w.ts)
	if resp, body := rival.get(w.path(0, w.apps[0], w.apps[1])); resp.StatusCode != http.StatusNotFound || strings.Contains(body, "Ada") {
		t.Errorf("another organisation compares: %d", resp.StatusCode)
	}
}

// TestCompareFourInBrowser: four candidates side by side on a wide
// screen, one at a time on a phone with a next button; axe on both.
func TestCompareFourInBrowser(t *testing.T) {
	t.Parallel()
	w := newCompareWorld(t)
	b := browsertest.New(t)
	p := b.Page(t, browsertest.DesktopWidth, browsertest.DesktopHeight)
	teamSignInPage(p, w.ts.URL)
	p.Navigate(w.ts.URL + fmt.Sprintf("/jobs/%d", w.job.ID))
	for _, a := range w.apps {
		p.Click(fmt.Sprintf(`input[name="app"][value="%d"]`, a.ID))
	}
	p.Click(`button[formaction$="/compare"]`)
	p.WaitVisible(".compare-col")
	var cols struct{ N, Tops int }
	p.Eval(`(() => { const cs = [...document.querySelectorAll(".compare-col")]; return {N: cs.length, Tops: new Set(cs.map(c => Math.round(c.getBoundingClientRect().top))).size}; })()`, &cols)
	if cols.N != 4 || cols.Tops != 1 {
		t.Errorf("%d columns on %d rows, want 4 side by side", cols.N, cols.Tops)
	}
	p.CheckAccessibility()
	p.Screenshot("compare-four-desktop")

	phone := b.Page(t, browsertest.PhoneWidth, browsertest.PhoneHeight)
	teamSignInPage(phone, w.ts.URL)
	phone.Navigate(w.ts.URL + w.path(0, w.apps...))
	phone.WaitVisible(".compare-col")
	var fits bool
	phone.Eval(`document.documentElement.scrollWidth <= innerWidth`, &fits)
	if !fits {
		t.Error("on a phone the comparison scrolls the page sideways")
	}
	phone.Click("#cand-1 .compare-next a")
	waitJS(t, phone, "the second candidate in view", `Math.abs(document.getElementById("cand-2").getBoundingClientRect().left - document.querySelector(".compare-grid").getBoundingClientRect().left) < 2`)
	var focused string
	phone.Eval(`document.activeElement.textContent`, &focused)
	if focused != w.apps[1].Candidate.Name {
		t.Errorf("the focus is on %q, want the second candidate's name", focused)
	}
	phone.CheckAccessibility()
	phone.Screenshot("compare-four-phone")
}
