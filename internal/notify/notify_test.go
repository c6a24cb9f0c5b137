package notify_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
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

// world is an organisation (team zone Europe/Berlin) with its owner and
// a one-step interview, over its own database.
type world struct {
	domain.Services
	db    *sqldb.DB
	owner account.Member
	job   opening.Job
	iv    opening.Interview
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: sqldbtest.Open(t)}
	w.Services = domaintest.New(t, w.db)
	var err error
	if _, w.owner, err = w.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", TimeZone: "Europe/Berlin", Name: "Olivia Owner", Email: "o@acme.example"}); err != nil {
		t.Fatal(err)
	}
	if w.job, err = w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")}); err != nil {
		t.Fatal(err)
	}
	if w.iv, err = w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &w.job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "A"}}}); err != nil {
		t.Fatal(err)
	}
	return w
}

// invite invites Ada Lovelace and Grace Hopper.
func (w *world) invite(t *testing.T) (ada, grace application.Invitation) {
	t.Helper()
	res, err := w.Applications.Invite(context.Background(), w.owner, w.iv.ID,
		[]application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}, {Name: "Grace Hopper", Email: "grace@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	return res.Invitations[0], res.Invitations[1]
}

// TestExtensions: a request for more time reaches the team's inbox as the
// candidate's message; approving moves the deadline and tells the
// candidate (a message, and an email queued); declining keeps it; the
// team can grant time up front.
func TestExtensions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, owner := w.Services, w.owner
	adaInv, graceInv := w.invite(t)
	ada, grace := adaInv.Application, graceInv.Application
	deadline := ada.DeadlineAt

	for name, tc := range map[string]struct {
		days   int
		reason string
	}{"no days": {0, "r"}, "too many days": {31, "r"}, "no reason": {3, "  "}} {
		if _, err := svc.Applications.RequestExtension(ctx, ada, tc.days, tc.reason); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
	e, err := svc.Applications.RequestExtension(ctx, ada, 3, "A family wedding.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Applications.RequestExtension(ctx, ada, 2, "Again"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a second pending request: %v", err)
	}
	inbox, _ := svc.Messages.Inbox(ctx, owner)
	if len(inbox) != 1 || inbox[0].WaitingSince == nil || !strings.Contains(inbox[0].Last.Body, "3 more days") || !strings.Contains(inbox[0].Last.Body, "wedding") {
		t.Fatalf("the request in the inbox: %+v", inbox)
	}

	reviewer := account.Member{ID: 999, OrgID: owner.OrgID, Role: account.Reviewer}
	if _, err := svc.Applications.DecideExtension(ctx, reviewer, e.ID, true); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer approving: %v", err)
	}
	e, err = svc.Applications.DecideExtension(ctx, owner, e.ID, true)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := svc.Applications.Application(ctx, owner, ada.ID)
	if !a.DeadlineAt.Equal(deadline.Add(72*time.Hour)) || e.Status != application.ExtensionApproved || !e.OldDeadline.Equal(deadline) {
		t.Errorf("after approval: deadline %v (was %v), %+v", a.DeadlineAt, deadline, e)
	}
	if _, err := svc.Applications.DecideExtension(ctx, owner, e.ID, false); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("deciding twice: %v", err)
	}
	thread, _ := svc.Messages.CandidateThread(ctx, a)
	if last := thread[len(thread)-1]; !strings.Contains(last.Body, "approved: your new deadline is") || !strings.Contains(last.Body, a.DeadlineAt.In(berlin(t)).Format("2 January 2006, 15:04")) {
		t.Errorf("the candidate is told %q", last.Body)
	}
	emails, _ := svc.Outbox.List(ctx, owner)
	told := false
	for _, e := range emails {
		told = told || (e.Kind == "message" && strings.Contains(e.Text, "approved: your new deadline is"))
	}
	if !told {
		t.Error("no email about the approval")
	}

	// Declined: the deadline stays.
	e2, _ := svc.Applications.RequestExtension(ctx, a, 5, "More exams.")
	if _, err := svc.Applications.DecideExtension(ctx, owner, e2.ID, false); err != nil {
		t.Fatal(err)
	}
	if b, _ := svc.Applications.Application(ctx, owner, ada.ID); !b.DeadlineAt.Equal(a.DeadlineAt) {
		t.Errorf("a declined request moved the deadline")
	}

	// Granted up front, for Grace; and nothing after submitting.
	if _, err := svc.Applications.GrantExtension(ctx, owner, grace.ID, 7, "As agreed on the phone."); err != nil {
		t.Fatal(err)
	}
	g, _ := svc.Applications.Application(ctx, owner, grace.ID)
	if !g.DeadlineAt.Equal(grace.DeadlineAt.Add(7 * 24 * time.Hour)) {
		t.Errorf("granted: %v", g.DeadlineAt)
	}
	all, _ := svc.Applications.Extensions(ctx, grace.ID)
	if len(all) != 1 || all[0].Status != application.ExtensionGranted || all[0].DecidedBy != "Olivia Owner" {
		t.Errorf("Grace's extensions %+v", all)
	}
	g2, _ := svc.Applications.ByToken(ctx, graceInv.Token)
	if _, err := svc.Applications.Submit(ctx, g2); err != nil {
		t.Fatal(err)
	}
	g2, _ = svc.Applications.ByToken(ctx, graceInv.Token)
	if _, err := svc.Applications.RequestExtension(ctx, g2, 1, "late"); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a request after submitting: %v", err)
	}
	other := account.Member{ID: 998, OrgID: owner.OrgID + 1000, Role: account.Owner}
	if _, err := svc.Applications.GrantExtension(ctx, other, ada.ID, 1, ""); !errors.Is(err, apperr.ErrNotFound) {
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

// TestSendLater: a message scheduled for later is hidden from the
// candidate and its email waits until then; it can be cancelled, email
// and all; an email to a candidate who withdrew in the meantime is not
// sent.
func TestSendLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, db, owner := w.Services, w.db, w.owner
	clock := time.Now()
	svc.Messages.SetClock(func() time.Time { return clock })
	adaInv, _ := w.invite(t)
	a := adaInv.Application

	if _, err := svc.Messages.Schedule(ctx, owner, a.ID, "too late", clock.Add(-time.Minute)); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a time in the past: %v", err)
	}
	if _, err := svc.Messages.Schedule(ctx, owner, a.ID, "too far", clock.Add(100*24*time.Hour)); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("100 days ahead: %v", err)
	}
	if _, err := svc.Messages.PostAsCandidate(ctx, a, "Is the role remote?"); err != nil {
		t.Fatal(err)
	}
	m, err := svc.Messages.Schedule(ctx, owner, a.ID, "Good morning, Ada!", clock.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if thread, _ := svc.Messages.CandidateThread(ctx, a); len(thread) != 1 {
		t.Errorf("the candidate reads a message scheduled for later: %+v", thread)
	}
	if n, _ := svc.Messages.Unread(ctx, a); n != 0 {
		t.Errorf("%d unread before the time", n)
	}
	var runAt time.Time
	if err := db.QueryRow(ctx, `SELECT run_at FROM tasks WHERE kind = 'email.send' ORDER BY id DESC LIMIT 1`).Scan(&runAt); err != nil {
		t.Fatal(err)
	}
	if d := runAt.Sub(clock); d < 119*time.Minute || d > 121*time.Minute {
		t.Errorf("the email is due in %s, want 2h", d)
	}
	if _, err := svc.Messages.Cancel(ctx, owner, m.ID); err != nil {
		t.Fatal(err)
	}
	if inbox, _ := svc.Messages.Inbox(ctx, owner); len(inbox) != 1 || inbox[0].WaitingSince == nil {
		t.Errorf("after the reply was cancelled, Ada's question should wait again: %+v", inbox)
	}
	var n int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM emails WHERE ref = $1`, "message:"+itoa(m.ID)).Scan(&n)
	if n != 0 {
		t.Errorf("%d emails left after cancelling", n)
	}
	if _, err := svc.Messages.Cancel(ctx, owner, m.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("cancelling twice: %v", err)
	}

	// Once its time has come, a scheduled message is the candidate's, and
	// can no longer be cancelled.
	m2, _ := svc.Messages.Schedule(ctx, owner, a.ID, "See you soon.", clock.Add(time.Hour))
	clock = clock.Add(61 * time.Minute)
	if thread, _ := svc.Messages.CandidateThread(ctx, a); len(thread) != 2 || thread[1].ID != m2.ID {
		t.Errorf("after its time: %+v", thread)
	}
	if _, err := svc.Messages.Cancel(ctx, owner, m2.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("cancelling a delivered message: %v", err)
	}

	// A candidate who withdrew gets no email, however it was queued.
	if _, err := svc.Messages.Post(ctx, owner, a.ID, "One more thing", false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE applications SET status = 'withdrawn' WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	worker := queue.New(db, queue.Config{Concurrency: 1, Name: "t", Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return time.Now().Add(3 * time.Hour) }})
	svc.Outbox.RegisterTasks(worker)
	if err := worker.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	es, _ := svc.Outbox.List(ctx, owner)
	for _, e := range es {
		if e.Kind == "message" && e.Status != "failed" {
			t.Errorf("an email to a withdrawn candidate: %s %q", e.Status, e.LastError)
		}
		if e.Kind == "message" && !strings.Contains(e.LastError, "withdrew") {
			t.Errorf("why not sent: %q", e.LastError)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestReminders: an invitation queues two reminders before the deadline;
// none goes after the candidate submits, and a moved deadline replaces
// them.
func TestReminders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, db, owner := w.Services, w.db, w.owner
	ada, grace := w.invite(t)
	count := func(kind, status string) int {
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM emails WHERE kind = $1 AND status = $2`, kind, status).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count("reminder", "queued"); n != 4 {
		t.Fatalf("%d reminders queued for two candidates with a week to go, want 4", n)
	}
	// Ada submits; Grace gets 3 more days.
	a, _ := svc.Applications.ByToken(ctx, ada.Token)
	if _, err := svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Applications.GrantExtension(ctx, owner, grace.Application.ID, 3, ""); err != nil {
		t.Fatal(err)
	}
	if n := count("reminder", "queued"); n != 6 {
		t.Fatalf("%d reminders queued after the extension, want 6", n)
	}
	worker := queue.New(db, queue.Config{Concurrency: 1, Name: "t", Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return time.Now().Add(11 * 24 * time.Hour) }})
	svc.Outbox.RegisterTasks(worker)
	if err := worker.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	var submitted, moved int
	db.QueryRow(ctx, `SELECT COUNT(*) FROM emails WHERE kind = 'reminder' AND last_error = 'not sent: the candidate has submitted'`).Scan(&submitted)
	db.QueryRow(ctx, `SELECT COUNT(*) FROM emails WHERE kind = 'reminder' AND last_error = 'not sent: the deadline has moved since'`).Scan(&moved)
	if submitted != 2 || moved != 2 || count("reminder", "kept") != 2 {
		t.Errorf("reminders: %d stopped by the submission, %d by the move, %d kept (no SMTP); want 2, 2, 2", submitted, moved, count("reminder", "kept"))
	}
}

// morningZone is a fixed-offset zone where it is now between 08:00 and
// 09:00, so that digests are due.
func morningZone(now time.Time) string {
	off := 8 - now.UTC().Hour()
	if off < -12 {
		off += 24
	}
	switch {
	case off > 0:
		return fmt.Sprintf("Etc/GMT-%d", off)
	case off < 0:
		return fmt.Sprintf("Etc/GMT+%d", -off)
	}
	return "Etc/GMT"
}

// TestDailyDigest: in a member's morning on a working day, one digest
// with the new submissions and the candidates waiting for a reply; never
// two the same day; none for a member with nothing to read.
func TestDailyDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, owner := w.Services, w.owner
	w.ownerInTheMorning(t)
	adaInv, graceInv := w.invite(t)
	a, _ := svc.Applications.ByToken(ctx, adaInv.Token)
	if _, err := svc.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	g, _ := svc.Applications.ByToken(ctx, graceInv.Token)
	if _, err := svc.Messages.PostAsCandidate(ctx, g, "Is the role remote?"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Accounts.UpdateColour(ctx, owner, "#8A1C7C"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Accounts.UpdateColour(ctx, owner, "red; background: url(x)"); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a colour that is not #rrggbb: %v", err)
	}
	svc.Digests.SetBaseURL("https://hire.acme.example")
	for range 2 {
		if err := svc.Digests.Send(ctx); err != nil {
			t.Fatal(err)
		}
	}
	es, _ := svc.Outbox.List(ctx, owner)
	var digests []string
	for _, e := range es {
		if e.Kind == "digest" {
			digests = append(digests, e.Subject+"\n"+e.Text+"\n"+e.HTML)
		}
	}
	if len(digests) != 1 {
		t.Fatalf("%d digests, want 1", len(digests))
	}
	d := digests[0]
	for _, want := range []string{"1 new submission", "1 waiting for a reply", "- Ada Lovelace,", "- Grace Hopper (Engineer), waiting since", "https://hire.acme.example/inbox", "Good morning Olivia,", "background:#8a1c7c"} {
		if !strings.Contains(d, want) {
			t.Errorf("the digest lacks %q:\n%s", want, d)
		}
	}
}

// TestAnswersAtOnce: eight approvals of one request at the same moment
// (a double click, two members) move the deadline once and tell the
// candidate once; eight identical decisions send one message.
func TestAnswersAtOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, owner, job := w.Services, w.owner, w.job
	adaInv, grace := w.invite(t)
	ada := adaInv.Application
	e, err := svc.Applications.RequestExtension(ctx, ada, 3, "A wedding.")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ok atomic.Int32
	for range 8 {
		wg.Go(func() {
			if _, err := svc.Applications.DecideExtension(ctx, owner, e.ID, true); err == nil {
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	a, _ := svc.Applications.Application(ctx, owner, ada.ID)
	if ok.Load() != 1 || !a.DeadlineAt.Equal(ada.DeadlineAt.Add(72*time.Hour)) {
		t.Errorf("%d approvals went through; deadline moved by %s", ok.Load(), a.DeadlineAt.Sub(ada.DeadlineAt))
	}

	g, _ := svc.Applications.ByToken(ctx, grace.Token)
	if _, err := svc.Applications.Submit(ctx, g); err != nil {
		t.Fatal(err)
	}
	for range 8 {
		wg.Go(func() {
			svc.Decisions.Decide(ctx, owner, []int64{g.ID}, decision.Input{Outcome: decision.Reject, Template: "Thank you, {{.Candidate.FirstName}}."})
		})
	}
	wg.Wait()
	thread, _ := svc.Messages.Thread(ctx, owner, g.ID)
	counts, _ := svc.Applications.CountsForJob(ctx, owner, job.ID)
	if len(thread) != 1 || counts[application.Decided] != 1 || counts[application.Submitted] != 0 {
		t.Errorf("eight identical decisions: %d messages, counts %v", len(thread), counts)
	}
}

// TestDigestCountsReviewsWaiting: the digest counts the reviews assigned
// to the member and not yet done, and says how many are overdue.
func TestDigestCountsReviewsWaiting(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, owner := w.Services, w.owner
	w.ownerInTheMorning(t)
	adaInv, graceInv := w.invite(t)
	for i, inv := range []application.Invitation{adaInv, graceInv} {
		a, _ := svc.Applications.ByToken(ctx, inv.Token)
		if _, err := svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		// Ada's review was asked for a week ago, Grace's now.
		at := time.Now().Add(time.Duration(i-1) * 7 * 24 * time.Hour)
		svc.Assignments.SetClock(func() time.Time { return at })
		if _, err := svc.Assignments.Assign(ctx, owner, a.ID, owner.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Digests.Send(ctx); err != nil {
		t.Fatal(err)
	}
	es, _ := svc.Outbox.List(ctx, owner)
	var digests []string
	for _, e := range es {
		if e.Kind == "digest" {
			digests = append(digests, e.Subject+"\n"+e.Text)
		}
	}
	if len(digests) != 1 {
		t.Fatalf("%d digests, want 1", len(digests))
	}
	for _, want := range []string{"2 reviews waiting for you,", "2 reviews waiting for you (1 overdue):", "- Ada Lovelace (Engineer), due ", ", overdue\n", "- Grace Hopper (Engineer), due "} {
		if !strings.Contains(digests[0], want) {
			t.Errorf("the digest lacks %q:\n%s", want, digests[0])
		}
	}
}

// ownerInTheMorning makes it the owner's working morning now, every day,
// so that their digest is due.
func (w *world) ownerInTheMorning(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	every := worktime.Hours{Start: 9 * 60, End: 17 * 60, Days: [7]bool{true, true, true, true, true, true, true}}
	if err := w.Accounts.UpdateWorkingHours(ctx, w.owner, every); err != nil {
		t.Fatal(err)
	}
	if err := w.Accounts.UpdateProfile(ctx, w.owner, "Olivia Owner", morningZone(time.Now())); err != nil {
		t.Fatal(err)
	}
}

// TestDigestOfABlindJob: the team's digest names a blind job's candidates
// by pseudonym; the invitation still greets the candidate by name, and
// the admins' email log shows only that it went to Candidate N.
func TestDigestOfABlindJob(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	svc, owner := w.Services, w.owner
	w.ownerInTheMorning(t)
	if _, _, err := svc.Applications.SetBlind(ctx, owner, w.iv.JobID, true); err != nil {
		t.Fatal(err)
	}
	adaInv, graceInv := w.invite(t)
	for _, inv := range []application.Invitation{adaInv, graceInv} {
		a, _ := svc.Applications.ByToken(ctx, inv.Token)
		if _, err := svc.Applications.Submit(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Assignments.Assign(ctx, owner, a.ID, owner.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Digests.Send(ctx); err != nil {
		t.Fatal(err)
	}
	es, _ := svc.Outbox.List(ctx, owner)
	var digest string
	var invitations int // and the other emails to the candidates
	for _, e := range es {
		text := e.To.Name + " " + e.To.Email + "\n" + e.Subject + "\n" + e.Text + e.HTML
		switch {
		case e.Kind == "digest":
			digest = text
		case e.To.Name == "Candidate 1" || e.To.Name == "Candidate 2":
			invitations++
		}
		for _, s := range []string{"Ada", "Lovelace", "ada@", "Grace", "grace@"} {
			if strings.Contains(text, s) {
				t.Errorf("the email log shows %q:\n%s", s, text)
			}
		}
	}
	if invitations < 2 {
		t.Errorf("%d emails logged as to Candidate N, want the two invitations at least", invitations)
	}
	for _, want := range []string{"- Candidate 1 (Engineer), due ", "- Candidate 2 (Engineer), due "} {
		if !strings.Contains(digest, want) {
			t.Errorf("the digest lacks %q:\n%s", want, digest)
		}
	}
	var body string
	if err := w.db.QueryRow(ctx, `SELECT body_text FROM emails WHERE to_email = 'ada@example.com'`).Scan(&body); err != nil || !strings.Contains(body, "Ada") {
		t.Errorf("the invitation to Ada does not greet her by name: %v\n%s", err, body)
	}
}
