package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/smtp"
)

// mailbox is an SMTP server as far as the outbox can tell: it keeps
// what it is given.
type mailbox struct {
	mu   sync.Mutex
	msgs []smtp.Message
}

func (b *mailbox) Send(_ context.Context, m smtp.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.msgs = append(b.msgs, m)
	return nil
}

func (b *mailbox) all() []smtp.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]smtp.Message(nil), b.msgs...)
}

// withMail makes the server's outbox send to a mailbox, with links to
// the test server.
func (ts *testServer) withMail(t *testing.T) *mailbox {
	t.Helper()
	box := &mailbox{}
	ts.Svc.Outbox.SetSender(box, smtp.Address{Name: "Acme hiring", Email: "hiring@acme.example"}, "acme.example")
	ts.Svc.Digests.SetBaseURL(ts.URL)
	return box
}

// work runs the background tasks of accounts and emails that are due.
func (ts *testServer) work(t *testing.T) {
	t.Helper()
	w := queue.New(ts.DB, queue.Config{Concurrency: 1, Name: "t", Logger: slog.New(slog.DiscardHandler)})
	ts.Svc.Accounts.RegisterTasks(w)
	ts.Svc.Outbox.RegisterTasks(w)
	if err := w.RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

var resetLink = regexp.MustCompile(`http://127\.0\.0\.1:\d+(/password/reset/ahr_[A-Za-z0-9_-]+)`)

// lastLink returns the path of the reset link in the newest email to.
func lastLink(t *testing.T, box *mailbox, to string) string {
	t.Helper()
	msgs := box.all()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To.Email == to {
			m := resetLink.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				t.Fatalf("no reset link in\n%s", msgs[i].Text)
			}
			return m[1]
		}
	}
	t.Fatalf("no email to %s", to)
	return ""
}

var styleNonce = regexp.MustCompile(`content="[A-Za-z0-9_-]{22}"`)

// TestForgotPasswordSaysTheSameForEveryAddress: an address with an
// account and one without get the same page, and the same work is done
// on the request's path; only the task behind it tells them apart.
func TestForgotPasswordSaysTheSameForEveryAddress(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	box := ts.withMail(t)
	anon := ts.browser(t)

	resp, body := anon.get("/login")
	doc := teamMust(t, "login", resp, body, http.StatusOK)
	if href, _ := doc.Find(`a:contains("Forgot your password?")`).Attr("href"); href != "/password/forgot" {
		t.Errorf("the sign-in page links to %q for a forgotten password", href)
	}
	resp, body = anon.get("/password/forgot")
	doc = teamMust(t, "forgot", resp, body, http.StatusOK)
	if doc.Find(`form[action="/password/forgot"] input[name="email"]`).Length() != 1 {
		t.Fatal("no form on the forgot page")
	}
	pages := map[string]string{}
	for _, addr := range []string{"rita@acme.example", "nobody@acme.example"} {
		resp, body := anon.post("/password/forgot", url.Values{"email": {addr}})
		doc := teamMust(t, "forgot "+addr, resp, body, http.StatusOK)
		if got := teamText(doc, ".sent"); got != "If an account uses "+addr+", an email with a link to choose a new password is on its way to it." {
			t.Errorf("%s: the page says %q", addr, got)
		}
		pages[addr] = styleNonce.ReplaceAllString(strings.ReplaceAll(body, addr, "ADDRESS"), "")
	}
	if pages["rita@acme.example"] != pages["nobody@acme.example"] {
		t.Error("the pages for an address with an account and one without differ")
	}
	if n := len(box.all()); n != 0 {
		t.Fatalf("%d emails sent on the request's path", n)
	}
	ts.work(t)
	msgs := box.all()
	if len(msgs) != 1 || msgs[0].To.Email != "rita@acme.example" || msgs[0].Subject != "Choose a new password for anyhour" {
		t.Fatalf("emails sent: %+v", msgs)
	}
	for _, want := range []string{"Someone, probably you, asked for a new password for rita@acme.example, your account with Acme on anyhour.",
		"The link works once, for an hour.", "If you did not ask, ignore this email"} {
		if !strings.Contains(msgs[0].Text, want) {
			t.Errorf("the email lacks %q:\n%s", want, msgs[0].Text)
		}
	}
	// The outbox, as admins read it, never held the link.
	resp, body = owner.get("/settings/emails")
	teamMust(t, "emails", resp, body, http.StatusOK)
	if strings.Contains(body, "ahr_") || !strings.Contains(body, "[a personal link, made when sent]") {
		t.Error("the email log shows the reset link, or does not say where it went")
	}
}

func TestResetPasswordByEmail(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	rita := teamJoin(t, ts, owner, "rita@acme.example", "reviewer")
	box := ts.withMail(t)
	anon := ts.browser(t)
	ask := func() string {
		t.Helper()
		resp, body := anon.post("/password/forgot", url.Values{"email": {"rita@acme.example"}})
		teamMust(t, "ask for a link", resp, body, http.StatusOK)
		ts.work(t)
		return lastLink(t, box, "rita@acme.example")
	}
	dead := func(what, path string) {
		t.Helper()
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			resp, body := ts.browser(t).do(method, path, url.Values{"password": {"one more new password"}})
			doc := teamMust(t, what, resp, body, http.StatusNotFound)
			if teamText(doc, "h1") != "This link no longer works" || !strings.Contains(teamText(doc, ".dead"), "a link works once, for an hour after it is sent, and only the newest one does") {
				t.Errorf("%s (%s): the page says %q %q", what, method, teamText(doc, "h1"), teamText(doc, ".dead"))
			}
			if href, _ := doc.Find("a.button").Attr("href"); href != "/password/forgot" {
				t.Errorf("%s: no way to ask again", what)
			}
		}
	}

	// A newer request replaces the older link.
	first := ask()
	second := ask()
	dead("the replaced link", first)
	dead("a made-up link", "/password/reset/ahr_"+strings.Repeat("x", 43))

	// An hour after it is sent, a link stops working.
	ts.Svc.Accounts.SetClock(func() time.Time { return time.Now().Add(account.ResetLifetime + time.Minute) })
	dead("an expired link", second)
	ts.Svc.Accounts.SetClock(time.Now)

	link := ask()
	b := ts.browser(t)
	resp, body := b.get(link)
	doc := teamMust(t, "reset page", resp, body, http.StatusOK)
	if got := teamText(doc, ".lead"); got != "For rita@acme.example. Once it is saved, you are signed in here and signed out everywhere else." {
		t.Errorf("the reset page says %q", got)
	}
	resp, body = b.post(link, url.Values{"password": {"short"}})
	doc = teamMust(t, "a short password", resp, body, http.StatusBadRequest)
	if !strings.Contains(teamText(doc, ".error"), "at least 10 characters") {
		t.Errorf("error %q", teamText(doc, ".error"))
	}
	resp, body = b.post(link, url.Values{"password": {"my new password here"}})
	doc = teamMust(t, "reset", resp, body, http.StatusOK)
	if resp.Request.URL.Path != "/" || teamText(doc, ".flash") != "Your password is changed and you are signed in. Every other session was signed out." {
		t.Errorf("after the reset: %s, flash %q", resp.Request.URL.Path, teamText(doc, ".flash"))
	}
	if !signedOut(rita) {
		t.Error("the reset left another session signed in")
	}
	if signedOut(owner) {
		t.Error("the reset signed another member out")
	}
	dead("a used link", link)
	ts.signInAs(t, "rita@acme.example", "my new password here")
}

func TestForgotPasswordLimits(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t)
	owner := ts.signIn(t)
	teamJoin(t, ts, owner, "rita@acme.example", "reviewer")

	// Without an email server, the page says it cannot send anything.
	anon := ts.browser(t)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		resp, body := anon.do(method, "/password/forgot", url.Values{"email": {"rita@acme.example"}})
		doc := teamMust(t, "forgot without email", resp, body, http.StatusOK)
		if got := teamText(doc, ".no-email"); got != "This installation of anyhour has no email server set up, so it cannot send you a link to choose a new password." || doc.Find("form").Length() != 0 {
			t.Errorf("%s: without email the page says %q", method, got)
		}
	}
	var n int
	ts.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM tasks WHERE kind = 'account.password_reset'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d requests queued with no way to send them", n)
	}

	ts.withMail(t)
	for _, addr := range []string{"rita@acme.example", "nobody@acme.example"} {
		for range 10 {
			anon.post("/password/forgot", url.Values{"email": {addr}})
		}
		resp, body := anon.post("/password/forgot", url.Values{"email": {addr}})
		doc := teamMust(t, "forgot, too often", resp, body, http.StatusTooManyRequests)
		if !strings.Contains(teamText(doc, ".error"), "too many requests") {
			t.Errorf("%s: error %q", addr, teamText(doc, ".error"))
		}
	}
	resp, body := ts.browser(t).post("/password/forgot", url.Values{"email": {"not an address"}})
	teamMust(t, "a malformed address", resp, body, http.StatusBadRequest)
}
