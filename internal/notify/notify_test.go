package notify_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/interview"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

// TestExtensions: a request for more time reaches the team's inbox as the
// candidate's message; approving moves the deadline and tells the
// candidate (a message, and an email queued); declining keeps it; the
// team can grant time up front.
func TestExtensions(t *testing.T) {
	ctx := context.Background()
	svc := domaintest.New(t, sqldbtest.Open(t))
	_, owner, err := svc.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", TimeZone: "Europe/Berlin", Name: "Olivia", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := svc.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	iv, err := svc.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"}}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Interviews.Invite(ctx, owner, iv.ID, []interview.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}, {Name: "Grace", Email: "grace@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	ada, grace := res.Invitations[0].Application, res.Invitations[1].Application
	deadline := ada.DeadlineAt

	for name, tc := range map[string]struct {
		days   int
		reason string
	}{"no days": {0, "r"}, "too many days": {31, "r"}, "no reason": {3, "  "}} {
		if _, err := svc.Interviews.RequestExtension(ctx, ada, tc.days, tc.reason); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	e, err := svc.Interviews.RequestExtension(ctx, ada, 3, "A family wedding.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Interviews.RequestExtension(ctx, ada, 2, "Again"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a second pending request: %v", err)
	}
	inbox, _ := svc.Messages.Inbox(ctx, owner)
	if len(inbox) != 1 || inbox[0].WaitingSince == nil || !strings.Contains(inbox[0].Last.Body, "3 more days") || !strings.Contains(inbox[0].Last.Body, "wedding") {
		t.Fatalf("the request in the inbox: %+v", inbox)
	}

	reviewer := account.Member{ID: 999, OrgID: owner.OrgID, Role: account.Reviewer}
	if _, err := svc.Interviews.DecideExtension(ctx, reviewer, e.ID, true); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer approving: %v", err)
	}
	e, err = svc.Interviews.DecideExtension(ctx, owner, e.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := svc.Interviews.Application(ctx, owner, ada.ID)
	if !a.DeadlineAt.Equal(deadline.Add(72*time.Hour)) || e.Status != interview.ExtensionApproved || !e.OldDeadline.Equal(deadline) {
		t.Errorf("after approval: deadline %v (was %v), %+v", a.DeadlineAt, deadline, e)
	}
	if _, err := svc.Interviews.DecideExtension(ctx, owner, e.ID, false); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("deciding twice: %v", err)
	}
	thread, _ := svc.Messages.CandidateThread(ctx, a)
	if last := thread[len(thread)-1]; !strings.Contains(last.Body, "approved: your new deadline is") || !strings.Contains(last.Body, a.DeadlineAt.In(berlin(t)).Format("2 January 2006, 15:04")) {
		t.Errorf("the candidate is told %q", last.Body)
	}
	emails, _ := svc.Emails.List(ctx, owner)
	if len(emails) == 0 || !strings.Contains(emails[0].Text, "approved") {
		t.Errorf("no email about the approval: %+v", emails)
	}

	// Declined: the deadline stays.
	e2, _ := svc.Interviews.RequestExtension(ctx, a, 5, "More exams.")
	if _, err := svc.Interviews.DecideExtension(ctx, owner, e2.ID, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := svc.Interviews.Application(ctx, owner, ada.ID); !b.DeadlineAt.Equal(a.DeadlineAt) {
		t.Errorf("a declined request moved the deadline")
	}

	// Granted up front, for Grace; and nothing after submitting.
	if _, err := svc.Interviews.GrantExtension(ctx, owner, grace.ID, 7, "As agreed on the phone."); err != nil {
		t.Fatal(err)
	}
	g, _ := svc.Interviews.Application(ctx, owner, grace.ID)
	if !g.DeadlineAt.Equal(grace.DeadlineAt.Add(7 * 24 * time.Hour)) {
		t.Errorf("granted: %v", g.DeadlineAt)
	}
	all, _ := svc.Interviews.Extensions(ctx, grace.ID)
	if len(all) != 1 || all[0].Status != interview.ExtensionGranted || all[0].DecidedBy != "Olivia" {
		t.Errorf("Grace's extensions %+v", all)
	}
	g2, _ := svc.Interviews.ByToken(ctx, res.Invitations[1].Token)
	if _, err := svc.Interviews.Submit(ctx, g2); err != nil {
		t.Fatal(err)
	}
	g2, _ = svc.Interviews.ByToken(ctx, res.Invitations[1].Token)
	if _, err := svc.Interviews.RequestExtension(ctx, g2, 1, "late"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a request after submitting: %v", err)
	}
	other := account.Member{ID: 998, OrgID: owner.OrgID + 1000, Role: account.Owner}
	if _, err := svc.Interviews.GrantExtension(ctx, other, ada.ID, 1, ""); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another organisation granting: %v", err)
	}
}

func berlin(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
