package message_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/message"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/worktime"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

// always is working hours round the clock, so that waits are wall time.
var always = worktime.Hours{Start: 0, End: 24 * 60, Days: [7]bool{true, true, true, true, true, true, true}}

// world is an organisation with an owner and a reviewer, an interview,
// and two candidates invited to it; and a second organisation.
type world struct {
	domain.Services
	db         *sqldb.DB
	clock      time.Time
	owner      account.Member
	rita       account.Member // a reviewer
	ada, grace application.Application
	other      account.Member // the owner of another organisation
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: sqldbtest.Open(t), clock: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	w.Services = domaintest.New(t, w.db)
	w.Messages.SetClock(func() time.Time { return w.clock })
	var err error
	if _, w.owner, err = w.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "o@acme.example"}); err != nil {
		t.Fatal(err)
	}
	secret, _, _ := w.Accounts.InviteMember(ctx, w.owner, "r@acme.example", account.Reviewer)
	if w.rita, err = w.Accounts.AcceptInvite(ctx, secret, "Rita", "a long enough password", account.Client{}); err != nil {
		t.Fatal(err)
	}
	token, err := w.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Other", Email: "x@other.example"})
	if err != nil {
		t.Fatal(err)
	}
	if w.other, err = w.Accounts.TokenMember(ctx, token); err != nil {
		t.Fatal(err)
	}
	job, _ := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")})
	iv, err := w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := w.Applications.Invite(ctx, w.owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}, {Name: "Grace", Email: "grace@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	w.ada, w.grace = res.Invitations[0].Application, res.Invitations[1].Application
	return w
}

func TestThreadBothWays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	q, err := w.Messages.PostAsCandidate(ctx, w.ada, "  Can I answer in French?\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if q.Body != "Can I answer in French?" || !q.FromCandidate() || q.AuthorName != "Ada" {
		t.Errorf("the candidate's message %+v", q)
	}
	w.clock = w.clock.Add(time.Hour)
	if _, err := w.Messages.Post(ctx, w.rita, w.ada.ID, "She asked before; see her CV.", true); err != nil {
		t.Fatalf("a reviewer's internal note: %v", err)
	}
	if _, err := w.Messages.Post(ctx, w.rita, w.ada.ID, "Yes", false); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer writing to the candidate: %v, want forbidden", err)
	}

	// Ada is waiting; the inbox puts her first.
	inbox, err := w.Messages.Inbox(ctx, w.owner)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 1 || inbox[0].ApplicationID != w.ada.ID || inbox[0].Waiting(w.clock, always) != time.Hour || inbox[0].Last.ID != q.ID {
		t.Fatalf("inbox %+v", inbox)
	}

	// The team opens the thread: Ada's message is seen, at that time.
	thread, err := w.Messages.Thread(ctx, w.owner, w.ada.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(thread) != 2 || !thread[1].Internal || thread[0].SeenAt == nil || !thread[0].SeenAt.Equal(w.clock) {
		t.Fatalf("the team's thread %+v", thread)
	}

	w.clock = w.clock.Add(time.Hour)
	reply, err := w.Messages.Post(ctx, w.owner, w.ada.ID, "Yes, French is fine.", false)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := w.Messages.Unread(ctx, w.ada); n != 1 {
		t.Errorf("Ada has %d unread, want 1", n)
	}

	// Ada's thread never holds the internal note, and reading it marks
	// the reply read.
	mine, err := w.Messages.CandidateThread(ctx, w.ada)
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 2 || mine[1].ID != reply.ID {
		t.Fatalf("Ada's thread %+v", mine)
	}
	for _, m := range mine {
		if m.Internal || strings.Contains(m.Body, "CV") {
			t.Errorf("an internal note reached the candidate: %+v", m)
		}
	}
	thread, _ = w.Messages.Thread(ctx, w.owner, w.ada.ID)
	if last := thread[len(thread)-1]; last.SeenAt == nil || !last.SeenAt.Equal(w.clock) {
		t.Errorf("the reply's receipt %+v", last.SeenAt)
	}
	if n, _ := w.Messages.Unread(ctx, w.ada); n != 0 {
		t.Errorf("Ada has %d unread after reading, want 0", n)
	}

	// Answered: she is no longer waiting, and the inbox lists the last
	// message, not the note.
	inbox, _ = w.Messages.Inbox(ctx, w.owner)
	if len(inbox) != 1 || inbox[0].WaitingSince != nil || inbox[0].Last.ID != reply.ID {
		t.Errorf("inbox after the reply %+v", inbox)
	}
}

func TestInboxOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.Messages.PostAsCandidate(ctx, w.ada, "first question"); err != nil {
		t.Fatal(err)
	}
	w.clock = w.clock.Add(30 * time.Hour)
	if _, err := w.Messages.PostAsCandidate(ctx, w.grace, "second question"); err != nil {
		t.Fatal(err)
	}
	w.clock = w.clock.Add(time.Hour)
	// A second message from Ada does not reset how long she has waited.
	if _, err := w.Messages.PostAsCandidate(ctx, w.ada, "hello?"); err != nil {
		t.Fatal(err)
	}
	inbox, err := w.Messages.Inbox(ctx, w.rita)
	if err != nil {
		t.Fatal(err)
	}
	if len(inbox) != 2 || inbox[0].ApplicationID != w.ada.ID || inbox[0].Waiting(w.clock, always) != 31*time.Hour || !inbox[0].Overdue(w.clock, always) || inbox[1].Overdue(w.clock, always) {
		t.Fatalf("inbox %+v", inbox)
	}
	if _, err := w.Messages.Post(ctx, w.owner, w.ada.ID, "Sorry for the wait.", false); err != nil {
		t.Fatal(err)
	}
	inbox, _ = w.Messages.Inbox(ctx, w.rita)
	if inbox[0].ApplicationID != w.grace.ID || inbox[1].WaitingSince != nil {
		t.Errorf("after answering Ada, Grace waits first: %+v", inbox)
	}
	// Another organisation sees none of it.
	if inbox, _ := w.Messages.Inbox(ctx, w.other); len(inbox) != 0 {
		t.Errorf("another organisation's inbox %+v", inbox)
	}
}

func TestMessagesRefuseBadInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	for name, body := range map[string]string{
		"empty":    " \n ",
		"too long": strings.Repeat("a", message.MaxBody+1),
		"not text": "\xff\xfe",
	} {
		if _, err := w.Messages.PostAsCandidate(ctx, w.ada, body); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	for i := range message.MaxCandidateMessagesPerHour {
		if _, err := w.Messages.PostAsCandidate(ctx, w.grace, fmt.Sprintf("message %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Messages.PostAsCandidate(ctx, w.grace, "one too many"); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("message %d within the hour: %v, want rate limited", message.MaxCandidateMessagesPerHour+1, err)
	}
	w.clock = w.clock.Add(61 * time.Minute)
	if _, err := w.Messages.PostAsCandidate(ctx, w.grace, "an hour later"); err != nil {
		t.Errorf("an hour later: %v", err)
	}
	if _, err := w.Messages.Post(ctx, w.other, w.ada.ID, "hi", false); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation writing: %v, want not found", err)
	}
	if _, err := w.Messages.Thread(ctx, w.other, w.ada.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation reading: %v, want not found", err)
	}
	// Nothing withdraws an application yet; set the status directly.
	if _, err := w.db.Exec(ctx, `UPDATE applications SET status = 'withdrawn' WHERE id = $1`, w.ada.ID); err != nil {
		t.Fatal(err)
	}
	ada, _ := w.Applications.Application(ctx, w.owner, w.ada.ID)
	if _, err := w.Messages.PostAsCandidate(ctx, ada, "hi"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("writing after withdrawing: %v, want conflict", err)
	}
	if _, err := w.Messages.Post(ctx, w.owner, ada.ID, "hi", false); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("writing to a withdrawn candidate: %v, want conflict", err)
	}
	if _, err := w.Messages.Post(ctx, w.owner, ada.ID, "withdrew on Monday", true); err != nil {
		t.Errorf("a note on a withdrawn application: %v", err)
	}
}

// A message "in the candidate's working hours" goes at once in their
// day and waits for their morning at night, in their zone once known
// and the team's until then: the same rule for the page and the API.
func TestPostInWorkingHours(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	if err := w.Applications.SetTimeZone(ctx, w.ada, "Asia/Tokyo"); err != nil {
		t.Fatal(err)
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	// 12:00 in Tokyo on a Monday: now.
	w.clock = time.Date(2026, 3, 2, 12, 0, 0, 0, tokyo)
	m, err := w.Messages.PostInWorkingHours(ctx, w.owner, w.ada.ID, "Hello at noon", nil)
	if err != nil || m.VisibleAt != nil {
		t.Fatalf("at noon in their zone: %+v, %v; want it sent now", m, err)
	}
	// 02:00 in Tokyo: at 09:00 their time.
	w.clock = time.Date(2026, 3, 3, 2, 0, 0, 0, tokyo)
	m, err = w.Messages.PostInWorkingHours(ctx, w.owner, w.ada.ID, "Hello at night", nil)
	if err != nil || m.VisibleAt == nil || !m.VisibleAt.Equal(time.Date(2026, 3, 3, 9, 0, 0, 0, tokyo)) {
		t.Fatalf("at 02:00 in their zone: %+v, %v; want it at 09:00 their time", m, err)
	}
	// Grace's zone is unknown: the team's (UTC here) counts.
	hours, err := w.Messages.CandidateHours(ctx, w.grace)
	if err != nil || hours.Zone != "UTC" {
		t.Fatalf("Grace's hours: %+v, %v; want the team's zone", hours, err)
	}
	// Another organisation cannot write to Ada this way either.
	if _, err := w.Messages.PostInWorkingHours(ctx, w.other, w.ada.ID, "hi", nil); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation: %v, want not found", err)
	}
}
