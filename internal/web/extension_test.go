package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestMoreTimePages: the candidate asks for more time from their status
// page; the team approves it from the application page; the candidate
// sees the new deadline and the answer. The team can also give time
// without a request.
func TestMoreTimePages(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	status := candAppPath(ada) + "/status"

	resp, body := cand.post(candAppPath(ada)+"/extension", url.Values{"days": {"3"}, "reason": {"  "}})
	doc := candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, "#time-error"), "reason") {
		t.Errorf("no reason: %d %q", resp.StatusCode, candText(doc, "#time-error"))
	}
	resp, body = cand.post(candAppPath(ada)+"/extension", url.Values{"days": {"3"}, "reason": {"A family wedding."}})
	doc = candHTML(t, body)
	if resp.Request.URL.Path != status || !strings.Contains(candText(doc, "#time"), "You asked for 3 more days") {
		t.Fatalf("after asking: at %s, %q", resp.Request.URL.Path, candText(doc, "#time"))
	}

	team := f.teamLogin(t)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	resp, body = team.get(app)
	doc = teamMust(t, "application", resp, body, http.StatusOK)
	if got := teamText(doc, "#time .notice"); !strings.Contains(got, "Ada asks for 3 more days") || !strings.Contains(got, "wedding") {
		t.Errorf("the request on the application page: %q", got)
	}
	approve, _ := doc.Find(`#time form[action$="/approve"]`).Attr("action")
	resp, body = team.post(approve, url.Values{})
	doc = teamMust(t, "approve", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".flash"), "Approved") || !strings.Contains(teamText(doc, ".ext-history"), "approved by Olivia Owner") {
		t.Errorf("after approving: %q / %q", teamText(doc, ".flash"), teamText(doc, ".ext-history"))
	}

	_, body = cand.get(candAppPath(ada) + "/messages")
	if !strings.Contains(candText(candHTML(t, body), ".msg-team"), "approved: your new deadline is") {
		t.Error("the candidate's messages lack the answer")
	}

	resp, body = team.post(app+"/extensions", url.Values{"days": {"40"}})
	doc = teamMust(t, "too many days", resp, body, http.StatusBadRequest)
	if !strings.Contains(teamText(doc, "#time .error"), "between 1 and 30") {
		t.Errorf("40 days: %q", teamText(doc, "#time .error"))
	}
	resp, body = team.post(app+"/extensions", url.Values{"days": {"2"}, "note": {"For the network outage."}})
	doc = teamMust(t, "give time", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".flash"), "2 more days given") {
		t.Errorf("flash %q", teamText(doc, ".flash"))
	}
	if resp, _ := team.post("/extensions/999999/approve", url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown request: %d", resp.StatusCode)
	}
}

// TestWithdraw: a candidate withdraws from the status page, after
// confirming; the team can then only write notes, and the candidate's
// pages say so.
func TestWithdraw(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	resp, body := cand.post(candAppPath(ada)+"/withdraw", url.Values{})
	if !strings.Contains(candText(candHTML(t, body), ".flash"), "Nothing changed") {
		t.Errorf("withdrawing without confirming: %d", resp.StatusCode)
	}
	resp, body = cand.post(candAppPath(ada)+"/withdraw", url.Values{"sure": {"1"}})
	doc := candHTML(t, body)
	if candText(doc, "h1") != "You withdrew" || !strings.Contains(candText(doc, ".flash"), "You have withdrawn") {
		t.Errorf("after withdrawing: %q / %q", candText(doc, "h1"), candText(doc, ".flash"))
	}
	if doc.Find("#withdraw, #time form").Length() != 0 {
		t.Error("a withdrawn candidate is still offered to withdraw or to ask for time")
	}
	team := f.teamLogin(t)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	resp, body = team.post(app+"/messages", url.Values{"body": {"Sorry to see you go"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "withdrew") {
		t.Errorf("writing to a withdrawn candidate: %d", resp.StatusCode)
	}
	if resp, _ := cand.post(candAppPath(ada)+"/withdraw", url.Values{"sure": {"1"}}); resp.StatusCode != http.StatusConflict {
		t.Errorf("withdrawing twice: %d", resp.StatusCode)
	}
}
