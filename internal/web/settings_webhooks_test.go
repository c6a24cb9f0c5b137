package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestWebhookPages adds an endpoint through the pages, sees a delivery in
// its log, sends it again, and removes the endpoint.
func TestWebhookPages(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	team := f.teamLogin(t)

	resp, body := team.post("/settings/webhooks", url.Values{"url": {"ftp://ats.example.com/in"}, "events": {"message.received"}})
	doc := teamMust(t, "a bad endpoint", resp, body, http.StatusBadRequest)
	if v, _ := doc.Find("#url").Attr("value"); v != "ftp://ats.example.com/in" || !strings.Contains(teamText(doc, ".error"), "http:// or https://") {
		t.Errorf("a bad URL: %q, %q", v, teamText(doc, ".error"))
	}
	if _, on := doc.Find(`input[value="message.received"]`).Attr("checked"); !on {
		t.Error("the ticked event was not kept")
	}

	resp, body = team.post("/settings/webhooks", url.Values{"url": {"https://ats.example.com/in"}, "events": {"message.received", "application.submitted"}})
	doc = teamMust(t, "add an endpoint", resp, body, http.StatusOK)
	secret, _ := doc.Find("#secret").Attr("value")
	if !strings.HasPrefix(secret, "whsec_") || !strings.Contains(teamText(doc, "main"), "message.received") {
		t.Fatalf("the endpoint page: secret %q", secret)
	}
	endpoint := resp.Request.URL.Path

	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	cand.post(candAppPath(ada)+"/messages", url.Values{"body": {"A question"}})
	resp, body = team.get(endpoint)
	doc = teamMust(t, "the endpoint's log", resp, body, http.StatusOK)
	if got := teamText(doc, "table.deliveries tbody tr"); !strings.Contains(got, "message.received") || !strings.Contains(got, "pending") {
		t.Errorf("the log reads %q", got)
	}
	// A delivery still being tried cannot be sent again on top.
	if doc.Find("table.deliveries form").Length() != 0 {
		t.Error("a pending delivery offers to be sent again")
	}
	id := regexp.MustCompile(`whd_(\d+)`).FindStringSubmatch(teamText(doc, "table.deliveries"))
	if len(id) != 2 {
		t.Fatalf("no delivery id in %q", teamText(doc, "table.deliveries"))
	}
	resp, body = team.post(endpoint+"/deliveries/"+id[1]+"/redeliver", url.Values{})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "still being tried") {
		t.Errorf("sending a pending delivery again: %d", resp.StatusCode)
	}
	resp, body = team.get("/settings/webhooks")
	doc = teamMust(t, "the list", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, "table.webhooks"), "https://ats.example.com/in") {
		t.Errorf("the list reads %q", teamText(doc, "table.webhooks"))
	}
	resp, body = team.post(endpoint+"/remove", url.Values{})
	doc = teamMust(t, "remove", resp, body, http.StatusOK)
	if doc.Find("table.webhooks").Length() != 0 {
		t.Error("the endpoint is still listed")
	}
	if resp, _ := team.get(endpoint); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a removed endpoint's page: %d", resp.StatusCode)
	}
	if resp, _ := team.post(fmt.Sprintf("%s/explode", endpoint), url.Values{}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown action: %d", resp.StatusCode)
	}
}
