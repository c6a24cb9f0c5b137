package app_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
)

// TestEmailsReachCandidates runs anyhour with a real SMTP server: an
// invitation goes out with a working link made at send time, and a
// message from the team goes out with a link that opens the candidate's
// messages. An internal note sends nothing.
func TestEmailsReachCandidates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	smtp := smtptest.Start(t)
	a := apptest.New(t, app.Config{SMTPURL: smtp.URL("hiring@acme.example")})
	srv := a.Server
	work := func() { t.Helper(); a.Work(t) }

	_, owner, err := a.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", TimeZone: "Europe/Berlin", Name: "Olivia", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Backend engineer")})
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A", Minutes: 10}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	app1 := res.Invitations[0].Application
	work()
	got := smtp.WaitFor(1)
	inv := smtp.Message(got[0].ID)
	if inv.Subject != "Your interview for Backend engineer at Acme" || inv.To[0].Address != "ada@example.com" || inv.From.Address != "hiring@acme.example" {
		t.Errorf("invitation %q to %v from %v", inv.Subject, inv.To, inv.From)
	}
	if !strings.Contains(inv.Text, "CET") || !strings.Contains(inv.Text, "about 10 minutes") {
		t.Errorf("invitation text:\n%s", inv.Text)
	}
	link := regexp.MustCompile(regexp.QuoteMeta(srv.URL) + `/c/[A-Za-z0-9_-]+`).FindString(inv.Text)
	if link == "" || link == srv.URL+"/c/"+res.Invitations[0].Token {
		t.Fatalf("the invitation's link %q (the team's is %q)", link, res.Invitations[0].Token)
	}
	resp, err := (&http.Client{Jar: mustJar(t)}).Get(link)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/candidate/"+itoa(app1.ID) {
		t.Fatalf("following the invitation: %v %v at %v", resp.StatusCode, err, resp.Request.URL)
	}

	if _, err := a.Messages.Post(ctx, owner, app1.ID, "Our note: strong CV.", true); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Messages.Post(ctx, owner, app1.ID, "Hello Ada,\r\nBcc: evil@example.com\n<b>welcome</b>", false); err != nil {
		t.Fatal(err)
	}
	work()
	got = smtp.WaitFor(2)
	if len(got) != 2 {
		t.Fatalf("%d emails, want 2 (the note sends none)", len(got))
	}
	msg := smtp.Message(got[0].ID)
	if !strings.Contains(msg.Text, "<b>welcome</b>") || !strings.Contains(msg.HTML, "&lt;b&gt;welcome&lt;/b&gt;") || len(msg.Bcc) != 0 {
		t.Errorf("the message email:\n%s\n%s", msg.Text, msg.HTML)
	}
	link = regexp.MustCompile(regexp.QuoteMeta(srv.URL) + `/c/[A-Za-z0-9_-]+\?to=messages`).FindString(msg.Text)
	resp, err = (&http.Client{Jar: mustJar(t)}).Get(link)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Request.URL.Path != "/candidate/"+itoa(app1.ID)+"/messages" {
		t.Fatalf("following the message's link %q: %v %v at %v", link, resp.StatusCode, err, resp.Request.URL)
	}
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "welcome") || strings.Contains(string(body), "strong CV") {
		t.Error("the messages page after the email's link")
	}
	es, err := a.Outbox.List(ctx, owner)
	if err != nil {
		t.Fatal(err)
	}
	sent, reminders := 0, 0
	for _, e := range es {
		switch {
		case e.Kind == "reminder" && e.Status == "queued":
			reminders++ // due days before the deadline
		case e.Status == "sent":
			sent++
		default:
			t.Errorf("email %s: %s", e.Kind, e.Status)
		}
	}
	if sent != 2 || reminders != 2 {
		t.Errorf("the outbox: %d sent, %d reminders waiting; want 2 and 2", sent, reminders)
	}
}

func mustJar(t *testing.T) *cookiejar.Jar {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return jar
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
