package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// teamInviteLink invites email from owner's browser and returns the path
// of the join link.
func teamInviteLink(t *testing.T, ts *testServer, owner *browser, email string) string {
	t.Helper()
	resp, body := owner.post("/team/invites", url.Values{"email": {email}, "role": {"reviewer"}})
	doc := teamMust(t, "invite "+email, resp, body, http.StatusOK)
	return strings.TrimPrefix(strings.TrimSpace(doc.Find("code.join-link").Text()), ts.URL)
}

var joinLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/join/confirm/ahj_[A-Za-z0-9_-]+)`)

// TestJoiningSaysTheSameForEveryAddress: the person holding an invitation
// link (who may be whoever invited) cannot tell whether its address has
// an account elsewhere; only the address's owner learns it, through the
// emailed link, and no second account is made.
func TestJoiningSaysTheSameForEveryAddress(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	teamOtherOrg(t, ts) // rex@rival.example has an account with Rival
	box := ts.withMail(t)

	pages := map[string]string{}
	for _, addr := range []string{"rex@rival.example", "nina@example.com"} {
		path := teamInviteLink(t, ts, owner, addr)
		b := ts.browser(t)
		resp, body := b.get(path)
		doc := teamMust(t, "join page", resp, body, http.StatusOK)
		if got := teamText(doc, ".by-email"); got != "We then email "+addr+" a link to finish joining, to check that the address is yours." {
			t.Errorf("%s: the join page says %q", addr, got)
		}
		resp, body = b.post(path, url.Values{"name": {"Someone"}, "password": {"chosen at joining"}})
		doc = teamMust(t, "join "+addr, resp, body, http.StatusOK)
		if got := teamText(doc, ".sent"); got != "An email with a link to finish joining Acme is on its way to "+addr+"." {
			t.Errorf("%s: after joining the page says %q", addr, got)
		}
		if _, ok := b.cookie["anyhour_session"]; ok {
			t.Errorf("%s: asking to join signed the browser in", addr)
		}
		pages[addr] = styleNonce.ReplaceAllString(strings.ReplaceAll(body, addr, "ADDRESS"), "")
	}
	if pages["rex@rival.example"] != pages["nina@example.com"] {
		t.Error("the pages after joining differ between a taken address and a free one")
	}
	ts.work(t)
	msgs := box.all()
	if len(msgs) != 2 {
		t.Fatalf("%d emails, want 2", len(msgs))
	}
	texts := map[string]string{}
	links := map[string]string{}
	for _, m := range msgs {
		l := joinLink.FindStringSubmatch(m.Text)
		if l == nil {
			t.Fatalf("no link in the email to %s:\n%s", m.To.Email, m.Text)
		}
		links[m.To.Email] = l[1]
		texts[m.To.Email] = strings.ReplaceAll(strings.ReplaceAll(m.Text, l[0], "LINK"), m.To.Email, "ADDRESS")
		if m.Subject != "Finish joining Acme on anyhour" || !strings.Contains(m.Text, "show that "+m.To.Email+" is your address") {
			t.Errorf("email to %s: %s\n%s", m.To.Email, m.Subject, m.Text)
		}
	}
	if texts["rex@rival.example"] != texts["nina@example.com"] {
		t.Errorf("the emails differ:\n%s\n---\n%s", texts["rex@rival.example"], texts["nina@example.com"])
	}
	resp, body := owner.get("/settings/emails")
	teamMust(t, "email log", resp, body, http.StatusOK)
	if strings.Contains(body, "ahj_") {
		t.Error("the email log holds a link to finish joining")
	}

	// Rex's link says why he cannot join, and joins nothing.
	rex := ts.browser(t)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		resp, body := rex.do(method, links["rex@rival.example"], url.Values{})
		doc := teamMust(t, "rex's link", resp, body, http.StatusConflict)
		if got := teamText(doc, ".refused"); got != "rex@rival.example already has an account on anyhour, with another team, and an address can belong to one team only; sign in with it, or ask for an invitation to another of your addresses." {
			t.Errorf("%s: rex's link says %q", method, got)
		}
	}
	rexAgain := ts.signInAs(t, "rex@rival.example", "another long password")
	resp, body = rexAgain.get("/settings")
	if doc := teamMust(t, "rex's settings", resp, body, http.StatusOK); !strings.Contains(teamText(doc, "body"), "Rival") {
		t.Error("Rex is no longer Rival's")
	}

	// Nina's link joins her, after a click.
	nina := ts.browser(t)
	resp, body = nina.get(links["nina@example.com"])
	doc := teamMust(t, "nina's link", resp, body, http.StatusOK)
	if got := teamText(doc, ".lead"); got != "As Someone, reviewer, with the address nina@example.com and the password you chose." {
		t.Errorf("the confirmation says %q", got)
	}
	resp, body = nina.post(links["nina@example.com"], url.Values{})
	doc = teamMust(t, "nina joins", resp, body, http.StatusOK)
	if resp.Request.URL.Path != "/" || teamText(doc, ".flash") != "Welcome to Acme, Someone." {
		t.Errorf("after joining: %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	resp, body = ts.browser(t).get(links["nina@example.com"])
	if doc := teamMust(t, "a used link", resp, body, http.StatusNotFound); teamText(doc, "h1") != "This link no longer works" {
		t.Errorf("a used link says %q", teamText(doc, "h1"))
	}
	ts.signInAs(t, "nina@example.com", "chosen at joining")
}

// TestJoiningWithoutEmail: without an email server, an installation with
// one organisation lets people join at once (teamJoin does); one with
// several says joining waits for email, and makes nothing.
func TestJoiningWithoutEmail(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	teamOtherOrg(t, ts)
	path := teamInviteLink(t, ts, owner, "nina@example.com")
	b := ts.browser(t)
	resp, body := b.get(path)
	doc := teamMust(t, "join page", resp, body, http.StatusOK)
	want := "anyhour cannot finish this invitation yet: it must first email nina@example.com a link to check that the address is yours, and this installation has no email server set up. Ask the admins of Acme to set one up (ANYHOUR_SMTP_URL)."
	if got := teamText(doc, ".needs-email"); got != want || doc.Find("form").Length() != 0 {
		t.Errorf("the join page says %q", got)
	}
	resp, body = b.post(path, url.Values{"name": {"Nina"}, "password": {"chosen at joining"}})
	teamMust(t, "join without email", resp, body, http.StatusConflict)
	var n int
	ts.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM members WHERE email = 'nina@example.com'`).Scan(&n)
	if n != 0 {
		t.Error("joining without email made an account")
	}
}
