package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMoreTimeAndWithdrawAreFoundBeforeSubmitting: "Need more time?" and
// "Withdraw" are on the welcome page and under every step, not only on a
// status page nothing linked to; withdrawing stays possible while a
// request for time waits; the status reads one word, the same everywhere
// ("Not started" before any answer, never "invited" beside "In progress").
func TestMoreTimeAndWithdrawAreFoundBeforeSubmitting(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	status := candAppPath(ada) + "/status"

	_, body := cand.get(status)
	doc := candHTML(t, body)
	if h, badge := candText(doc, "main h1"), candText(doc, ".badge"); h != "Not started" || badge != "Status: Not started" {
		t.Errorf("before any answer the status page reads %q and %q", h, badge)
	}
	for _, page := range []string{candAppPath(ada), candStepPath(ada, f.iv.Steps[0]), candStepPath(ada, f.iv.Steps[1])} {
		_, body := cand.get(page)
		doc := candHTML(t, body)
		for _, href := range []string{status + "#time", status + "#withdraw", candAppPath(ada) + "/messages"} {
			if doc.Find(`nav.cand-help a[href="`+href+`"]`).Length() != 1 {
				t.Errorf("%s has no link to %s", page, href)
			}
		}
	}
	_, body = cand.get(status)
	if got := candText(candHTML(t, body), ".badge"); got != "Status: In progress" {
		t.Errorf("after opening a step the status reads %q", got)
	}

	// A request for time waits; withdrawing is still offered, and works.
	if resp, body := cand.post(candAppPath(ada)+"/extension", url.Values{"days": {"3"}, "reason": {"A family wedding."}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("ask for time: %d\n%s", resp.StatusCode, body)
	}
	_, body = cand.get(status)
	doc = candHTML(t, body)
	if doc.Find(`#withdraw form[action$="/withdraw"]`).Length() != 1 {
		t.Fatal("with a request for time pending, withdrawing is no longer offered")
	}
	resp, body := cand.post(candAppPath(ada)+"/withdraw", url.Values{"sure": {"1"}})
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || candText(doc, ".badge") != "Status: Withdrawn" {
		t.Errorf("after withdrawing: %d, %q", resp.StatusCode, candText(doc, ".badge"))
	}
	_, body = cand.get(candStepPath(ada, f.iv.Steps[0]))
	if strings.Contains(body, "cand-help") {
		t.Error("a withdrawn candidate is still offered more time")
	}
}
