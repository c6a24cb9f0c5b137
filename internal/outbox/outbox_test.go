package outbox_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/clocktest"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// clock is the tests' clock.
type clock = clocktest.Clock

type world struct {
	db     *sqldb.DB
	svc    *outbox.Service
	worker *queue.Worker
	clock  *clock
	owner  account.Member
}

func newWorld(t *testing.T) *world {
	t.Helper()
	return newWorldOn(t, sqldbtest.Open(t))
}

// newWorldOn is newWorld on db.
func newWorldOn(t *testing.T, db *sqldb.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, clock: &clock{}}
	w.svc = outbox.New(w.db, account.New(w.db))
	w.svc.SetClock(w.clock.Now)
	w.worker = queue.New(w.db, queue.Config{Concurrency: 1, Name: "test", Logger: slog.New(slog.DiscardHandler), Now: w.clock.Now})
	w.svc.RegisterTasks(w.worker)
	var err error
	if _, w.owner, err = account.New(w.db).Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "o@acme.example"}); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) queue(t *testing.T, d outbox.Draft) int64 {
	t.Helper()
	d.OrgID = w.owner.OrgID
	var id int64
	err := w.db.Transact(context.Background(), func(tx *sqldb.DB) error {
		var err error
		id, err = w.svc.Queue(context.Background(), tx, d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (w *world) run(t *testing.T) {
	t.Helper()
	if err := w.worker.RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (w *world) email(t *testing.T, id int64) outbox.Email {
	t.Helper()
	all, err := w.svc.List(context.Background(), w.owner)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range all {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("email %d not listed", id)
	return outbox.Email{}
}

var hello = outbox.Content{OrgName: "Acme <Robotics>", Subject: "Hello\r\nBcc: evil@example.com", Greeting: "Hello Ada,",
	Paragraphs: []string{"Thank you for applying.", "<script>alert(1)</script>"}}

func TestSendsOnceThroughSMTP(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	w := newWorld(t)
	w.svc.SetSender(smtp.NewSMTP(srv.Config(smtp.Address{Name: "Acme", Email: "hiring@acme.example"})), smtp.Address{Name: "Acme", Email: "hiring@acme.example"}, "anyhour.test")
	id := w.queue(t, outbox.Draft{Kind: "test", To: smtp.Address{Name: "Ada\r\nCc: evil@example.com", Email: "ada@example.com"}, Content: hello})
	w.run(t)
	got := srv.WaitFor(1)
	m := srv.Message(got[0].ID)
	if len(m.To) != 1 || m.To[0].Address != "ada@example.com" || len(m.Cc)+len(m.Bcc) != 0 || strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("header injection got through: to %v cc %v bcc %v subject %q", m.To, m.Cc, m.Bcc, m.Subject)
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;") || strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "Acme &lt;Robotics&gt;") {
		t.Errorf("the HTML body does not escape:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, "Thank you for applying.") || !strings.HasSuffix(m.MessageID, "@anyhour.test") {
		t.Errorf("text %q, Message-ID %q", m.Text, m.MessageID)
	}
	e := w.email(t, id)
	if e.Status != outbox.Sent || e.Attempts != 1 || e.SentAt == nil || e.MessageID != m.MessageID {
		t.Errorf("after sending: %+v", e)
	}
	// The same task run again (a queue retry) sends nothing more.
	if _, err := queue.Enqueue(context.Background(), w.db, "email.send", map[string]int64{"email_id": id}); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	time.Sleep(200 * time.Millisecond)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages after a second run, want 1", n)
	}
}

// TestWaitsForTheServer: with the SMTP server down the email waits, and it
// goes out once when the server is back.
func TestWaitsForTheServer(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	w := newWorld(t)
	w.svc.SetSender(smtp.NewSMTP(srv.Config(smtp.Address{Email: "hiring@acme.example"})), smtp.Address{Email: "hiring@acme.example"}, "")
	srv.Stop()
	id := w.queue(t, outbox.Draft{Kind: "test", To: smtp.Address{Email: "ada@example.com"}, Content: hello})
	w.run(t)
	w.clock.Advance(time.Minute)
	w.run(t)
	e := w.email(t, id)
	if e.Status != outbox.Queued || e.Attempts != 2 || e.LastError == "" {
		t.Fatalf("while the server is down: %+v", e)
	}
	srv.Restart()
	w.clock.Advance(time.Hour)
	w.run(t)
	if got := srv.WaitFor(1); len(got) != 1 {
		t.Errorf("%d messages once the server is back, want 1", len(got))
	}
	if e := w.email(t, id); e.Status != outbox.Sent || e.Attempts != 3 || e.LastError != "" {
		t.Errorf("after the server came back: %+v", e)
	}
}

// TestDiesAfterSending: a worker that dies after the server accepted an
// email and before recording it leaves it "sending"; the retry marks it
// unknown and does not send it again.
func TestDiesAfterSending(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	w := newWorld(t)
	w.svc.SetSender(smtp.NewSMTP(srv.Config(smtp.Address{Email: "hiring@acme.example"})), smtp.Address{Email: "hiring@acme.example"}, "")
	w.svc.SetAfterSend(func() { panic("the worker dies here") })
	id := w.queue(t, outbox.Draft{Kind: "test", To: smtp.Address{Email: "ada@example.com"}, Content: hello})
	w.run(t)
	if e := w.email(t, id); e.Status != outbox.Sending {
		t.Fatalf("after the death: %+v", e)
	}
	w.svc.SetAfterSend(nil)
	w.clock.Advance(time.Hour)
	w.run(t)
	e := w.email(t, id)
	if e.Status != outbox.Unknown || !strings.Contains(e.LastError, "not sent again") {
		t.Errorf("after the retry: %+v", e)
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want exactly 1", n)
	}
}

// TestKeptWithoutServer: with no SMTP server emails are kept for admins.
func TestKeptWithoutServer(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	id := w.queue(t, outbox.Draft{Kind: "test", To: smtp.Address{Email: "ada@example.com"}, Content: hello})
	w.run(t)
	e := w.email(t, id)
	if e.Status != outbox.Kept || !strings.Contains(e.Text, "Thank you for applying.") {
		t.Errorf("kept email %+v", e)
	}
	if _, err := w.svc.List(context.Background(), account.Member{ID: 99, OrgID: w.owner.OrgID, Role: account.Reviewer}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer listing emails: %v", err)
	}
	if _, err := w.svc.Queue(context.Background(), w.db, outbox.Draft{OrgID: w.owner.OrgID, Kind: "test", To: smtp.Address{Email: "ada@example.com\r\nBcc: x@y.example"}, Content: hello}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a hostile address: %v", err)
	}
}

// TestLinkMadeWhenSent: the candidate's link goes into the email at send
// time; the outbox never holds it.
func TestLinkMadeWhenSent(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	w := newWorld(t)
	w.svc.SetSender(smtp.NewSMTP(srv.Config(smtp.Address{Email: "hiring@acme.example"})), smtp.Address{Email: "hiring@acme.example"}, "")
	made := 0
	w.svc.SetLinker(func(_ context.Context, appID int64) (string, error) {
		made++
		return "https://anyhour.test/c/secret-token-" + string(rune('0'+made)), nil
	})
	c := hello
	c.Action = &outbox.Action{Label: "Open your interview", URL: outbox.LinkHere}
	id := w.queue(t, outbox.Draft{Kind: "test", To: smtp.Address{Email: "ada@example.com"}, Content: c, WithLink: true})
	var stored string
	if err := w.db.QueryRow(context.Background(), `SELECT body_text || body_html FROM emails WHERE id = $1`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	m := srv.Message(srv.WaitFor(1)[0].ID)
	if !strings.Contains(m.Text, "https://anyhour.test/c/secret-token-1") || !strings.Contains(m.HTML, `href="https://anyhour.test/c/secret-token-1"`) {
		t.Errorf("the link is not in the email:\n%s\n%s", m.Text, m.HTML)
	}
	if strings.Contains(stored, "secret-token") {
		t.Error("the outbox holds the link")
	}
	if e := w.email(t, id); strings.Contains(e.Text, "secret-token") || !strings.Contains(e.Text, "personal link") {
		t.Errorf("the admin's view of the email: %q", e.Text)
	}
}
