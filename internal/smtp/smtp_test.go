package smtp_test

import (
	"context"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
)

func TestParseURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // Config.String, or the error's start
	}{
		{"smtp://u:secret@mail.example.com?from=hiring@example.com", "smtp://u@mail.example.com:587 (starttls)"},
		{"smtp://127.0.0.1:1025?from=a@b.example", "smtp://127.0.0.1:1025 (opportunistic)"},
		{"smtp://mail.example.com:25?tls=none&from=a@b.example", "smtp://mail.example.com:25 (none)"},
		{"smtps://u:p@mail.example.com?from=a@b.example", "smtp://u@mail.example.com:465 (tls)"},
		{"smtp://mail.example.com", "smtp: the SMTP URL needs ?from="},
		{"smtp://mail.example.com?from=Bob%20%3Cbob@x.example%3E", "smtp: the SMTP URL needs ?from="},
		{"http://mail.example.com?from=a@b.example", "smtp: the SMTP URL must start with smtp://"},
		{"smtp://mail.example.com:99999?from=a@b.example", "smtp: the SMTP port"},
		{"smtps://mail.example.com?tls=none&from=a@b.example", `smtp: tls="none" does not go with smtps://`},
		{"smtp://mail.example.com?from=a@b.example&bcc=x@y.example", `smtp: unknown SMTP URL option "bcc"`},
	} {
		c, err := smtp.ParseURL(tc.url)
		got := ""
		if err != nil {
			got = err.Error()
		} else {
			got = c.String()
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("ParseURL(%q) = %q, want %q", tc.url, got, tc.want)
		}
		if strings.Contains(got, "secret") {
			t.Errorf("ParseURL(%q) describes the password: %q", tc.url, got)
		}
	}
}

func TestHeaderText(t *testing.T) {
	for in, want := range map[string]string{
		"Ada Lovelace":                          "Ada Lovelace",
		"Ada\r\nBcc: evil@example.com":          "Ada Bcc: evil@example.com",
		"  tabs\tand\u2028separators\x00 here ": "tabs and separators here",
	} {
		if got := smtp.HeaderText(in); got != want {
			t.Errorf("HeaderText(%q) = %q, want %q", in, got, want)
		}
	}
	for _, bad := range []string{"", "a", "Ada <a@b.example>", "a@b.example, c@d.example", "a@b.example\r\nBcc: x@y.example", "a b@c.example"} {
		if _, err := smtp.CheckAddress(bad); err == nil {
			t.Errorf("CheckAddress(%q) accepted it", bad)
		}
	}
}

// TestSendThroughMailpit sends a two-part message with a hostile name and
// subject through a real SMTP server and reads back what arrived.
func TestSendThroughMailpit(t *testing.T) {
	srv := smtptest.Start(t)
	s := smtp.NewSMTP(srv.Config(smtp.Address{Name: "Acme Hiring", Email: "hiring@acme.example"}))
	err := s.Send(context.Background(), smtp.Message{
		To:        smtp.Address{Name: "Ada\r\nBcc: evil@example.com", Email: "ada@example.com"},
		Subject:   "Your interview\r\nBcc: evil@example.com",
		Text:      "Hello Ada,\n\nplain text.\n",
		HTML:      "<p>Hello Ada,</p>",
		MessageID: "email-1.abc@anyhour.test",
	})
	if err != nil {
		t.Fatal(err)
	}
	got := srv.WaitFor(1)
	if len(got) != 1 {
		t.Fatalf("%d messages arrived", len(got))
	}
	m := srv.Message(got[0].ID)
	if len(m.To) != 1 || m.To[0].Address != "ada@example.com" || len(m.Bcc) != 0 || len(m.Cc) != 0 {
		t.Errorf("recipients: to %v cc %v bcc %v", m.To, m.Cc, m.Bcc)
	}
	if m.Subject != "Your interview Bcc: evil@example.com" || m.From.Address != "hiring@acme.example" || m.From.Name != "Acme Hiring" {
		t.Errorf("subject %q from %+v", m.Subject, m.From)
	}
	if m.MessageID != "email-1.abc@anyhour.test" || !strings.Contains(m.Text, "plain text.") || !strings.Contains(m.HTML, "<p>Hello Ada,</p>") {
		t.Errorf("message %+v", m)
	}
	if h := srv.Headers(got[0].ID); len(h["Bcc"]) != 0 {
		t.Errorf("a Bcc header arrived: %v", h["Bcc"])
	}
}
