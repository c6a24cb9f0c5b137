package outbox_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/testproc"
)

// unknownEmail sends an email through srv with a worker that dies after
// the server took it and before that was recorded, then lets the next
// attempt find it: the email is left unknown, having arrived once.
func unknownEmail(t *testing.T, w *world, srv *smtptest.Server, kind string) int64 {
	t.Helper()
	w.svc.SetSender(smtp.NewSMTP(srv.Config(smtp.Address{Email: "hiring@acme.example"})), smtp.Address{Email: "hiring@acme.example"}, "")
	w.svc.SetAfterSend(func() { panic("the worker dies here") })
	id := w.queue(t, outbox.Draft{Kind: kind, To: smtp.Address{Name: "Ada", Email: "ada@example.com"}, Content: hello})
	w.run(t)
	w.svc.SetAfterSend(nil)
	w.clock.Advance(time.Hour)
	w.run(t)
	if e := w.email(t, id); e.Status != outbox.Unknown {
		t.Fatalf("the email is %s, want unknown", e.Status)
	}
	return id
}

// TestResendUnknown: an email whose sending was cut off is listed for
// admins, sent again once by an admin's request, with its Message-ID,
// and audited; a reviewer may not, another organisation's admin finds no
// such email, and a second request sends nothing more.
func TestResendUnknown(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := smtptest.Start(t)
	w := newWorld(t)
	id := unknownEmail(t, w, srv, "invitation")
	first := srv.WaitFor(1)

	unknown, err := w.svc.Unknown(ctx, w.owner)
	if err != nil || len(unknown) != 1 || unknown[0].ID != id {
		t.Fatalf("Unknown = %+v, %v; want the email", unknown, err)
	}
	reviewer := account.Member{ID: w.owner.ID, OrgID: w.owner.OrgID, Role: account.Reviewer}
	if _, err := w.svc.Unknown(ctx, reviewer); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer listing unknown emails: %v", err)
	}
	if _, err := w.svc.Resend(ctx, reviewer, id); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer resending: %v", err)
	}
	stranger := account.Member{ID: w.owner.ID + 1000, OrgID: w.owner.OrgID + 1000, Role: account.Admin}
	if _, err := w.svc.Resend(ctx, stranger, id); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's admin resending: %v", err)
	}

	e, err := w.svc.Resend(ctx, w.owner, id)
	if err != nil || e.Status != outbox.Unknown {
		t.Fatalf("Resend = %+v, %v", e, err)
	}
	if _, err := w.svc.Resend(ctx, w.owner, id); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("resending again while it is queued: %v", err)
	}
	if got := w.email(t, id); got.Status != outbox.Queued || got.LastError != "" {
		t.Errorf("after the resend: %s %q, want queued", got.Status, got.LastError)
	}
	w.run(t)
	got := srv.WaitFor(2)
	if len(got) != 2 || got[0].MessageID != first[0].MessageID {
		t.Errorf("%d messages, Message-IDs %q and %q; want the same email twice", len(got), got[0].MessageID, first[0].MessageID)
	}
	if e := w.email(t, id); e.Status != outbox.Sent {
		t.Errorf("after sending again: %s", e.Status)
	}
	if _, err := w.svc.Resend(ctx, w.owner, id); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("resending a sent email: %v", err)
	}
	checkAudited(t, w, "email.resend", "ada@example.com", "invitation email "+strconv.FormatInt(id, 10)+", unknown until then")
}

// checkAudited checks that the audit log holds one entry of action, on
// target, saying detail.
func checkAudited(t *testing.T, w *world, action, target, detail string) {
	t.Helper()
	entries, err := account.New(w.db).AuditLog(context.Background(), w.owner, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	for _, a := range entries {
		if a.Action == action {
			n++
			if a.Target != target || a.Detail != detail {
				t.Errorf("%s audited as %q %q, want %q %q", action, a.Target, a.Detail, target, detail)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d %s entries in the audit log, want 1", n, action)
	}
}

// TestResendTwiceAtOnce: two admins' requests to resend one email arrive
// together (a double click): one conditional write lets one through, and
// the email goes out once more, not twice.
func TestResendTwiceAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := smtptest.Start(t)
	w := newWorld(t)
	id := unknownEmail(t, w, srv, "invitation")
	srv.WaitFor(1)

	const clicks = 4
	errs := make(chan error, clicks)
	var ready sync.WaitGroup
	ready.Add(clicks)
	for range clicks {
		go func() {
			ready.Done()
			ready.Wait()
			_, err := w.svc.Resend(ctx, w.owner, id)
			errs <- err
		}()
	}
	var ok, conflicts int
	for range clicks {
		switch err := <-errs; {
		case err == nil:
			ok++
		case errors.Is(err, apperr.ErrConflict):
			conflicts++
		default:
			t.Errorf("Resend: %v", err)
		}
	}
	if ok != 1 || conflicts != clicks-1 {
		t.Errorf("%d resends and %d conflicts, want 1 and %d", ok, conflicts, clicks-1)
	}
	stats, err := queue.Stats(ctx, w.db)
	if err != nil || stats[queue.StatusPending] != 1 {
		t.Errorf("tasks %v, %v; want one sending pending", stats, err)
	}
	w.run(t)
	srv.WaitFor(2)
	time.Sleep(200 * time.Millisecond) // a third copy would arrive about now
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("%d messages arrived, want 2", n)
	}
}

// TestSentDuringOutageIsRecorded: the database goes out of reach just
// after the SMTP server took an email (on PostgreSQL its connections are
// cut; on SQLite another writer holds it). Once it is back the email is
// recorded as sent, not left half sent for an admin to puzzle over, and
// it went out once.
func TestSentDuringOutageIsRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := smtptest.Start(t)
	direct, raw := sqldbtest.OpenURL(t)
	db, cut := direct, func() (restore func()) {
		held, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			direct.Transact(ctx, func(*sqldb.DB) error { close(held); <-release; return nil })
		}()
		<-held
		return func() { close(release); <-done }
	}
	if direct.Dialect == sqldb.Postgres {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		proxy := testproc.NewProxy(t, u.Host)
		u.Host = proxy.Addr
		if db, err = sqldb.Open(ctx, u.String()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		cut = func() func() { proxy.Cut(); return proxy.Restore }
	}
	w := newWorldOn(t, db)
	logs := &testproc.LogWatch{}
	w.svc.SetLogger(slog.New(logs))
	w.svc.SetSender(smtp.NewSMTP(srv.Config(smtp.Address{Email: "hiring@acme.example"})), smtp.Address{Email: "hiring@acme.example"}, "")
	back := make(chan struct{})
	w.svc.SetAfterSend(func() {
		restore := cut()
		go func() {
			defer close(back)
			if db.Dialect == sqldb.Postgres {
				for deadline := time.Now().Add(20 * time.Second); logs.Count("email sent, but recording it failed") == 0 && time.Now().Before(deadline); {
					time.Sleep(10 * time.Millisecond)
				}
			}
			restore()
		}()
	})
	id := w.queue(t, outbox.Draft{Kind: "test", To: smtp.Address{Email: "ada@example.com"}, Content: hello})
	w.run(t)
	<-back
	var status string
	if err := direct.QueryRow(ctx, `SELECT status FROM emails WHERE id = $1`, id).Scan(&status); err != nil || status != string(outbox.Sent) {
		t.Errorf("after the outage the email is %q (%v), want sent", status, err)
	}
	time.Sleep(200 * time.Millisecond) // a second copy would arrive about now
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want 1", n)
	}
}
