package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// teamLogin signs Olivia, the candidate fixture's owner, in.
func (f *candidateFixture) teamLogin(t *testing.T) *browser {
	t.Helper()
	b := f.ts.browser(t)
	if resp, body := b.post("/login", url.Values{"email": {"olivia@acme.example"}, "password": {"correct horse battery"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("login: %d\n%s", resp.StatusCode, body)
	}
	return b
}

// TestConversationPages is a conversation through the plain pages: the
// candidate asks, the inbox shows who waits, the team adds a note and
// answers, the candidate reads the answer and the team sees the receipt.
// The note never appears on any candidate page.
func TestConversationPages(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	base := candAppPath(ada)

	resp, body := cand.get(base)
	doc := candHTML(t, body)
	if link, _ := doc.Find(`.cand-messages a`).Attr("href"); link != base+"/messages" {
		t.Errorf("the welcome page links to %q for messages", link)
	}
	resp, body = cand.post(base+"/messages", url.Values{"body": {"   "}})
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(candText(doc, ".error"), "cannot be empty") {
		t.Errorf("an empty message: %d %q", resp.StatusCode, candText(doc, ".error"))
	}
	resp, body = cand.post(base+"/messages", url.Values{"body": {"Can I answer in Python? <b>bold</b>"}})
	doc = candHTML(t, body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(candText(doc, ".thread"), "Can I answer in Python? <b>bold</b>") ||
		!strings.Contains(candText(doc, ".msg-receipt"), "not seen by the team yet") {
		t.Fatalf("after sending: %d %q", resp.StatusCode, candText(doc, ".thread"))
	}

	team := f.teamLogin(t)
	resp, body = team.get("/inbox")
	doc = teamMust(t, "inbox", resp, body, http.StatusOK)
	if got := teamText(doc, "table.inbox tbody tr"); !strings.Contains(got, "Ada Lovelace") || !strings.Contains(got, "Can I answer in Python?") {
		t.Errorf("inbox row %q", got)
	}
	if got := teamText(doc, "nav.top-wide .count"); got != "1 waiting for a reply" {
		t.Errorf("the navigation's count reads %q", got)
	}
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	resp, body = team.post(app+"/messages", url.Values{"body": {"Her CV mentions Python; ask about Django."}, "internal": {"1"}})
	doc = teamMust(t, "a note", resp, body, http.StatusOK)
	if got := teamText(doc, ".msg-note"); !strings.Contains(got, "Internal note") || !strings.Contains(got, "Django") {
		t.Errorf("the note %q", got)
	}
	resp, body = team.post(app+"/messages", url.Values{"body": {"Yes, Python is fine."}})
	doc = teamMust(t, "a reply", resp, body, http.StatusOK)
	if got := teamText(doc, ".msg-team .msg-receipt"); got != "Not read by the candidate yet" {
		t.Errorf("before Ada reads: %q", got)
	}
	resp, body = team.post(app+"/messages", url.Values{"body": {strings.Repeat("x", 10_001)}})
	doc = teamMust(t, "a long reply", resp, body, http.StatusBadRequest)
	if got := teamText(doc, "#msg-error"); !strings.Contains(got, "Your message was not sent") {
		t.Errorf("a too long reply: %q", got)
	}
	if got := doc.Find("#msg-body").Text(); len(got) != 10_001 {
		t.Errorf("the long reply was not kept in the form (%d characters)", len(got))
	}

	// Ada is told, reads, and never sees the note on any page.
	resp, body = cand.get(base + "/status")
	if !strings.Contains(candText(candHTML(t, body), ".cand-messages"), "1 new message") {
		t.Errorf("the status page does not tell Ada about the reply")
	}
	resp, body = cand.get(base + "/messages")
	doc = candHTML(t, body)
	if got := candText(doc, ".msg-team"); !strings.Contains(got, "Olivia Owner, Acme Robotics") || !strings.Contains(got, "Yes, Python is fine.") {
		t.Errorf("Ada reads %q", got)
	}
	if got := candText(doc, ".msg-mine .msg-receipt"); !strings.HasPrefix(got, "Seen by the team") {
		t.Errorf("Ada's receipt %q", got)
	}
	for _, path := range []string{base, base + "/status", base + "/messages", base + "/review", candStepPath(ada, f.iv.Steps[0])} {
		_, body := cand.get(path)
		if strings.Contains(body, "Django") || strings.Contains(body, "Internal note") {
			t.Errorf("%s shows the team's note to the candidate", path)
		}
	}
	resp, body = team.get(app)
	doc = teamMust(t, "the application", resp, body, http.StatusOK)
	if got := teamText(doc, ".msg-team .msg-receipt"); !strings.HasPrefix(got, "Read by the candidate") {
		t.Errorf("after Ada reads: %q", got)
	}
	resp, body = team.get("/inbox")
	doc = teamMust(t, "inbox", resp, body, http.StatusOK)
	if doc.Find("nav .count").Length() != 0 || !strings.Contains(teamText(doc, "table.inbox"), "Answered") {
		t.Errorf("after the reply the inbox reads %q", teamText(doc, "table.inbox"))
	}

	// The emails page lists the invitation and the reply's email, waiting
	// for a worker; the note sent none.
	resp, body = team.get("/settings/emails")
	doc = teamMust(t, "emails", resp, body, http.StatusOK)
	if got := teamText(doc, "table.emails tbody"); !strings.Contains(got, "A message from Acme Robotics about the Backend engineer role") ||
		!strings.Contains(got, "Your interview for Backend engineer at Acme Robotics") || strings.Contains(got, "Django") {
		t.Errorf("the emails page lists %q", got)
	}
	if n := doc.Find("table.emails tbody tr").Length(); n != 4 {
		t.Errorf("%d emails listed, want 4 (the invitation, two reminders, the reply)", n)
	}

	// A reviewer reads the thread and writes notes, not to the candidate.
	rita := f.reviewerLogin(t)
	resp, body = rita.get(app)
	doc = teamMust(t, "Rita's view", resp, body, http.StatusOK)
	if doc.Find("#msg-body").Length() != 0 || doc.Find("#note-body").Length() != 1 {
		t.Error("a reviewer should get the note form only")
	}
	resp, body = rita.post(app+"/messages", url.Values{"body": {"sneaky"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer writing to the candidate: %d", resp.StatusCode)
	}
	if resp, _ := rita.get("/settings/emails"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a reviewer reading the emails: %d", resp.StatusCode)
	}

	// Another candidate's thread is not Ada's.
	grace := f.invite(t, f.iv, "Grace Hopper", "grace@example.com")
	other := f.ts.browser(t)
	f.open(t, other, grace)
	_, body = other.get(candAppPath(grace) + "/messages")
	if strings.Contains(body, "Python") {
		t.Error("Grace sees Ada's conversation")
	}
	resp, _ = other.get(base + "/messages")
	if resp.StatusCode == http.StatusOK {
		t.Errorf("Grace opened Ada's messages: %d", resp.StatusCode)
	}
}

// TestScheduledMessagePages: the team schedules a message for a time and
// for the candidate's waking hours, sees it marked as scheduled, and
// cancels it; the candidate never sees it.
func TestScheduledMessagePages(t *testing.T) {
	t.Parallel()
	f := newCandidateFixture(t)
	ada := f.invite(t, f.iv, "Ada Lovelace", "ada@example.com")
	team := f.teamLogin(t)
	app := fmt.Sprintf("/applications/%d", ada.Application.ID)
	at := time.Now().Add(48 * time.Hour).In(mustZone(t, "America/New_York")).Format("2006-01-02T15:04") // Olivia's zone is the team's
	resp, body := team.post(app+"/messages", url.Values{"body": {"See you on Monday."}, "when": {"at"}, "send_at": {at}})
	doc := teamMust(t, "schedule", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Message scheduled for") {
		t.Errorf("flash %q", got)
	}
	if got := teamText(doc, ".msg-team .msg-receipt"); !strings.Contains(got, "Scheduled for") || !strings.Contains(got, "not sent yet") {
		t.Errorf("the scheduled message reads %q", got)
	}
	resp, body = team.post(app+"/messages", url.Values{"body": {"Too late"}, "when": {"at"}, "send_at": {"2001-01-01T10:00"}})
	doc = teamMust(t, "a past time", resp, body, http.StatusBadRequest)
	if !strings.Contains(teamText(doc, "#msg-error"), "in the future") || doc.Find("#msg-body").Text() != "Too late" {
		t.Errorf("a past time: %q", teamText(doc, "#msg-error"))
	}

	cand := f.ts.browser(t)
	f.open(t, cand, ada)
	if _, body := cand.get(candAppPath(ada) + "/messages"); strings.Contains(body, "See you on Monday") {
		t.Error("the candidate reads a scheduled message")
	}

	cancel, _ := doc.Find(`form[action$="/cancel"]`).Attr("action")
	resp, body = team.post(cancel, url.Values{})
	doc = teamMust(t, "cancel", resp, body, http.StatusOK)
	if !strings.Contains(teamText(doc, ".flash"), "cancelled") || strings.Contains(teamText(doc, ".thread"), "See you on Monday") {
		t.Errorf("after cancelling: %q / %q", teamText(doc, ".flash"), teamText(doc, ".thread"))
	}

	// In the candidate's waking hours: now if it is daytime for them,
	// else their next 09:00.
	resp, body = team.post(app+"/messages", url.Values{"body": {"Hello at a good hour."}, "when": {"working_hours"}})
	doc = teamMust(t, "in waking hours", resp, body, http.StatusOK)
	if got := teamText(doc, ".flash"); !strings.Contains(got, "Message sent") && !strings.Contains(got, "Message scheduled") {
		t.Errorf("flash %q", got)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
