package outbox_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/smtp/smtptest"
)

// TestDismiss: an admin who knows an email arrived sets it aside. It
// leaves the list of emails to decide on and the metrics' count, stays in
// the log as it was, and is audited; nothing is sent. A reviewer may not,
// another organisation's admin finds no such email, a second click says
// it was already done, and a sent email has nothing to set aside. Sending
// it again afterwards clears the mark.
func TestDismiss(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := smtptest.Start(t)
	w := newWorld(t)
	id := unknownEmail(t, w, srv, "invitation")
	srv.WaitFor(1)

	reviewer := account.Member{ID: w.owner.ID, OrgID: w.owner.OrgID, Role: account.Reviewer}
	if _, err := w.svc.Dismiss(ctx, reviewer, id); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer setting aside: %v", err)
	}
	stranger := account.Member{ID: w.owner.ID + 1000, OrgID: w.owner.OrgID + 1000, Role: account.Admin}
	if _, err := w.svc.Dismiss(ctx, stranger, id); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation's admin setting aside: %v", err)
	}
	if counts, err := w.svc.Outstanding(ctx); err != nil || counts[outbox.Unknown] != 1 {
		t.Fatalf("before: outstanding %v, %v", counts, err)
	}

	e, err := w.svc.Dismiss(ctx, w.owner, id)
	if err != nil || e.Status != outbox.Unknown || e.DismissedAt != nil {
		t.Fatalf("Dismiss = %+v, %v; want the email as it was", e, err)
	}
	if _, err := w.svc.Dismiss(ctx, w.owner, id); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "already set aside") {
		t.Errorf("a second click: %v", err)
	}
	if unknown, err := w.svc.Unknown(ctx, w.owner); err != nil || len(unknown) != 0 {
		t.Errorf("Unknown after setting aside = %+v, %v", unknown, err)
	}
	if counts, err := w.svc.Outstanding(ctx); err != nil || counts[outbox.Unknown] != 0 {
		t.Errorf("after: outstanding %v, %v; a set-aside email is still counted", counts, err)
	}
	got := w.email(t, id)
	if got.Status != outbox.Unknown || got.DismissedAt == nil {
		t.Errorf("in the log: %s, set aside at %v", got.Status, got.DismissedAt)
	}
	w.run(t)
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages arrived, want the first one only", n)
	}
	checkAudited(t, w, "email.dismiss", "ada@example.com", "invitation email "+strconv.FormatInt(id, 10)+", unknown")

	// Changing one's mind: sending it again clears the mark, so that if
	// it fails this time it is shown again.
	if _, err := w.svc.Resend(ctx, w.owner, id); err != nil {
		t.Fatal(err)
	}
	if got := w.email(t, id); got.DismissedAt != nil {
		t.Error("sending again kept the mark")
	}
	w.run(t)
	srv.WaitFor(2)
	if _, err := w.svc.Dismiss(ctx, w.owner, id); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(err.Error(), "was sent") {
		t.Errorf("setting aside a sent email: %v", err)
	}
}
