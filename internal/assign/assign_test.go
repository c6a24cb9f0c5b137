package assign_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/decision"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/domain/domaintest"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/review"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

// world is an organisation (Acme, working 09:00–17:00 Monday to Friday
// in UTC) with an owner and three reviewers, a job with an interview,
// and another organisation with a member of its own.
type world struct {
	domain.Services
	db              *sqldb.DB
	owner, stranger account.Member
	rev             []account.Member
	job             opening.Job
	iv              opening.Interview
	clock           time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	w := &world{Services: domaintest.New(t, db), db: db}
	// Monday 23 November 2026, 10:00 UTC; each submission an hour later.
	w.clock = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	now := func() time.Time { return w.clock }
	w.Applications.SetClock(now)
	w.Assignments.SetClock(now)
	w.owner = tokenMember(t, w, account.NewOrg{OrgName: "Acme", TimeZone: "UTC", Email: "owner@acme.example"})
	w.stranger = tokenMember(t, w, account.NewOrg{OrgName: "Globex", TimeZone: "UTC", Email: "owner@globex.example"})
	for _, name := range []string{"Ann", "Ben", "Cat"} {
		secret, _, err := w.Accounts.InviteMember(ctx, w.owner, strings.ToLower(name)+"@acme.example", account.Reviewer)
		if err != nil {
			t.Fatal(err)
		}
		m, err := w.Accounts.AcceptInvite(ctx, secret, name, "a long enough password", account.Client{})
		if err != nil {
			t.Fatal(err)
		}
		w.rev = append(w.rev, m)
	}
	var err error
	if w.job, err = w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Engineer")}); err != nil {
		t.Fatal(err)
	}
	w.iv, err = w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &w.job.ID, Title: ptr("R1"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "Why us?"}}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func tokenMember(t *testing.T, w *world, in account.NewOrg) account.Member {
	t.Helper()
	tok, err := w.Accounts.Bootstrap(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.Accounts.TokenMember(context.Background(), tok)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// invite invites a candidate; submit, if set, submits their answers an
// hour after the previous submission.
func (w *world) invite(t *testing.T, name string, submit bool) application.Application {
	t.Helper()
	ctx := context.Background()
	res, err := w.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: name, Email: strings.ToLower(name) + "@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if !submit {
		return res.Invitations[0].Application
	}
	w.clock = w.clock.Add(time.Hour)
	a, err := w.Applications.ByToken(ctx, res.Invitations[0].Token)
	if err != nil {
		t.Fatal(err)
	}
	if a, err = w.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	return a
}

func (w *world) assignees(t *testing.T, a application.Application) string {
	t.Helper()
	as, err := w.Assignments.ForApplication(context.Background(), w.owner, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, x := range as {
		by := "hand"
		if x.ByTurns() {
			by = "turns"
		}
		names = append(names, x.MemberName+" by "+by)
	}
	return strings.Join(names, ", ")
}

func (w *world) ids(ms ...account.Member) []int64 {
	var out []int64
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

// TestRotaTakesTurnsAndSkipsWhoCannotReview: three members over five
// submissions take 2, 2 and 1 in order; once one is removed from the
// team, their turn passes to the next.
func TestRotaTakesTurnsAndSkipsWhoCannotReview(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	ann, ben, cat := w.rev[0], w.rev[1], w.rev[2]
	before := w.invite(t, "Early", true)
	if _, err := w.Assignments.SetRota(ctx, w.owner, w.job.ID, w.ids(ann, ben, cat)); err != nil {
		t.Fatal(err)
	}
	if got := w.assignees(t, before); got != "" {
		t.Errorf("submitted before the rota: assigned %q, want nobody", got)
	}
	var got []string
	for i := range 5 {
		a := w.invite(t, fmt.Sprintf("Cand%d", i), true)
		got = append(got, w.assignees(t, a))
	}
	want := []string{"Ann by turns", "Ben by turns", "Cat by turns", "Ann by turns", "Ben by turns"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("five submissions assigned %q, want %q", got, want)
	}

	// Cat's turn is next, but she leaves the team.
	if err := w.Accounts.RemoveMember(ctx, w.owner, cat.ID); err != nil {
		t.Fatal(err)
	}
	r, err := w.Assignments.Rota(ctx, w.owner, w.job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Members) != 3 || r.Members[2].CanReview || !r.Members[0].CanReview || r.Next != 2 {
		t.Errorf("rota after Cat left: %+v, want Cat unable to review and her turn next", r)
	}
	if got := w.assignees(t, w.invite(t, "Sixth", true)); got != "Ann by turns" {
		t.Errorf("Cat's turn went to %q, want Ann", got)
	}
	if got := w.assignees(t, w.invite(t, "Seventh", true)); got != "Ben by turns" {
		t.Errorf("then %q, want Ben", got)
	}

	// Turned off, submissions are assigned to nobody.
	if err := w.Assignments.ClearRota(ctx, w.owner, w.job.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.assignees(t, w.invite(t, "Eighth", true)); got != "" {
		t.Errorf("with the rota off: %q, want nobody", got)
	}
}

// TestQueueOldestFirstUntilReviewed: a member's queue lists what is
// assigned to them, by hand or by turns, the oldest submission first,
// due one working day later; a review takes it off, and so does a
// decision.
func TestQueueOldestFirstUntilReviewed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	ann, ben := w.rev[0], w.rev[1]
	if _, err := w.Assignments.SetRota(ctx, w.owner, w.job.ID, w.ids(ann, ben)); err != nil {
		t.Fatal(err)
	}
	first := w.invite(t, "First", true)   // Mon 11:00, Ann by turns
	second := w.invite(t, "Second", true) // Mon 12:00, Ben by turns
	third := w.invite(t, "Third", true)   // Mon 13:00, Ann by turns
	// Friday 16:00: the owner asks Ann to look at Second too.
	w.clock = time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC)
	as, err := w.Assignments.Assign(ctx, w.owner, second.ID, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if as.ByTurns() || *as.AssignedBy != w.owner.ID || !as.DueAt.Equal(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("assigned by hand: %+v, want by the owner, due Monday 16:00", as)
	}
	if got := w.assignees(t, second); got != "Ben by turns, Ann by hand" {
		t.Errorf("Second's reviewers: %q", got)
	}

	q, err := w.Assignments.Queue(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range q {
		got = append(got, fmt.Sprintf("%s due %s overdue=%v", x.CandidateName, x.DueAt.UTC().Format("Mon 15:04"), x.Overdue(w.clock)))
	}
	want := []string{"First due Tue 11:00 overdue=true", "Second due Mon 16:00 overdue=false", "Third due Tue 13:00 overdue=true"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Ann's queue:\n got %q\nwant %q", got, want)
	}
	if n, err := w.Assignments.Waiting(ctx, ann); err != nil || n != 3 {
		t.Errorf("Ann's count: %d, %v; want 3", n, err)
	}
	// Third joins the calibration set: everyone rates it first.
	if err := w.Reviews.SetCalibration(ctx, w.owner, third.ID, true); err != nil {
		t.Fatal(err)
	}
	if q, _ := w.Assignments.Queue(ctx, ann); len(q) != 3 || q[0].ApplicationID != third.ID || !q[0].Calibration || q[1].ApplicationID != first.ID {
		t.Errorf("with Third in the calibration set, Ann's queue is %+v, want Third first", q)
	}

	if _, err := w.Reviews.Submit(ctx, ann, first.ID, review.Input{Ratings: map[int64]int{w.iv.Steps[0].ID: 4}, Recommendation: review.Yes}); err != nil {
		t.Fatal(err)
	}
	if _, problems, err := w.Decisions.Decide(ctx, w.owner, []int64{third.ID}, decision.Input{Outcome: decision.Reject, Template: "Thank you, [first name]."}); err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	// Second is put on hold: the team still weighs it, so it still waits.
	if _, problems, err := w.Decisions.Decide(ctx, w.owner, []int64{second.ID}, decision.Input{Outcome: decision.Hold, Template: "Hello [first name]."}); err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	q, err = w.Assignments.Queue(ctx, ann)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 1 || q[0].ApplicationID != second.ID {
		t.Errorf("after reviewing First, rejecting Third and holding Second, Ann's queue is %+v, want Second alone", q)
	}
	if err := assignErr(w, w.owner, third.ID, ben.ID); !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "is decided") {
		t.Errorf("assigning a rejected application: %v", err)
	}
	if _, err := w.Assignments.Assign(ctx, w.owner, second.ID, w.rev[2].ID); err != nil {
		t.Errorf("assigning an application on hold: %v", err)
	}
	as2, err := w.Assignments.ForApplication(ctx, w.owner, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(as2) != 1 || !as2[0].Reviewed || as2[0].Overdue(w.clock) {
		t.Errorf("First's assignment after Ann's review: %+v, want reviewed and not overdue", as2)
	}
	if _, err := w.Assignments.Queue(ctx, w.stranger); err != nil {
		t.Errorf("another organisation's queue: %v", err)
	}
}

// TestAssignmentMistakes: each bad request is refused with the reason.
func TestAssignmentMistakes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	ann, ben, cat := w.rev[0], w.rev[1], w.rev[2]
	done := w.invite(t, "Done", true)
	open := w.invite(t, "Open", false)
	if _, err := w.Assignments.Assign(ctx, w.owner, done.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.Accounts.RemoveMember(ctx, w.owner, cat.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		err  error
		kind error
		says string
	}{
		{"a member of another organisation", assignErr(w, w.owner, done.ID, w.stranger.ID), apperr.ErrInvalid, "is not on your team"},
		{"a removed member", assignErr(w, w.owner, done.ID, cat.ID), apperr.ErrInvalid, "removed from the team"},
		{"twice", assignErr(w, w.owner, done.ID, ann.ID), apperr.ErrConflict, "Ann is already assigned"},
		{"another organisation's application", assignErr(w, w.stranger, done.ID, w.stranger.ID), apperr.ErrNotFound, "not found"},
		{"before the candidate submits", assignErr(w, w.owner, open.ID, ann.ID), apperr.ErrConflict, "has not submitted yet"},
		{"by a reviewer", assignErr(w, ben, done.ID, ben.ID), apperr.ErrForbidden, "cannot assign"},
		{"removing an assignment that does not exist", w.Assignments.Unassign(ctx, w.owner, done.ID, ben.ID), apperr.ErrNotFound, "assignment"},
		{"removing from another organisation", w.Assignments.Unassign(ctx, w.stranger, done.ID, ann.ID), apperr.ErrNotFound, "not found"},
		{"an empty rota", rotaErr(w, w.owner, w.job.ID), apperr.ErrInvalid, "at least one member"},
		{"a rota with a member twice", rotaErr(w, w.owner, w.job.ID, ann.ID, ann.ID), apperr.ErrInvalid, "listed twice"},
		{"a rota with a stranger", rotaErr(w, w.owner, w.job.ID, ann.ID, w.stranger.ID), apperr.ErrInvalid, "not on your team"},
		{"a rota with a removed member", rotaErr(w, w.owner, w.job.ID, cat.ID), apperr.ErrInvalid, "removed"},
		{"another organisation's job's rota", rotaErr(w, w.stranger, w.job.ID, w.stranger.ID), apperr.ErrNotFound, "not found"},
		{"a rota set by a reviewer", rotaErr(w, ben, w.job.ID, ben.ID), apperr.ErrForbidden, "cannot assign"},
	} {
		if !errors.Is(tc.err, tc.kind) || !strings.Contains(apperr.Message(tc.err), tc.says) {
			t.Errorf("%s: %v (%q), want %v saying %q", tc.name, tc.err, apperr.Message(tc.err), tc.kind, tc.says)
		}
	}
	if err := w.Assignments.Unassign(ctx, w.owner, done.ID, ann.ID); err != nil {
		t.Fatal(err)
	}
	if got := w.assignees(t, done); got != "" {
		t.Errorf("after removing Ann: %q", got)
	}
	log, err := w.Accounts.AuditLog(ctx, w.owner, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		if strings.HasPrefix(e.Action, "review.") {
			actions = append(actions, e.Action+" "+e.Target+" "+e.Detail)
		}
	}
	want := fmt.Sprintf("[review.unassign application %d Ann review.assign application %d Ann]", done.ID, done.ID)
	if fmt.Sprint(actions) != want {
		t.Errorf("audit: %v, want %s", actions, want)
	}
}

func assignErr(w *world, actor account.Member, appID, memberID int64) error {
	_, err := w.Assignments.Assign(context.Background(), actor, appID, memberID)
	return err
}

func rotaErr(w *world, actor account.Member, jobID int64, ids ...int64) error {
	_, err := w.Assignments.SetRota(context.Background(), actor, jobID, ids)
	return err
}

// TestRotaUnderConcurrentSubmissions: six candidates submitting at once
// give each of three members two turns, never one turn twice.
func TestRotaUnderConcurrentSubmissions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	if _, err := w.Assignments.SetRota(ctx, w.owner, w.job.ID, w.ids(w.rev...)); err != nil {
		t.Fatal(err)
	}
	var apps []application.Application
	for i := range 6 {
		res, err := w.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Email: fmt.Sprintf("c%d@example.com", i)}})
		if err != nil {
			t.Fatal(err)
		}
		a, err := w.Applications.ByToken(ctx, res.Invitations[0].Token)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Go(func() {
			if _, err := w.Applications.Submit(ctx, a); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	turns := map[string]int{}
	for _, a := range apps {
		turns[w.assignees(t, a)]++
	}
	if want := map[string]int{"Ann by turns": 2, "Ben by turns": 2, "Cat by turns": 2}; fmt.Sprint(turns) != fmt.Sprint(want) {
		t.Errorf("six submissions at once: %v, want %v", turns, want)
	}
}

// TestQueueReadsOnlyWhatWaits: an assignment leaves its reviewer's queue
// and their index of what is to do (migration 0041) when the review is in,
// or when the application is decided without it; and comes back when the
// application waits again: put on hold, or a decision taken back before
// its message went. An assignment made after its review starts done.
func TestQueueReadsOnlyWhatWaits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	ann := w.rev[0]
	ada, bo := w.invite(t, "Ada", true), w.invite(t, "Bo", true)
	for _, a := range []application.Application{ada, bo} {
		if _, err := w.Assignments.Assign(ctx, w.owner, a.ID, ann.ID); err != nil {
			t.Fatal(err)
		}
	}
	// marks are the assignment's marks, as the index reads them.
	marks := func(a application.Application) string {
		t.Helper()
		var reviewed, closed bool
		err := w.db.QueryRow(ctx, `SELECT reviewed_at IS NOT NULL, closed_at IS NOT NULL FROM review_assignments
			WHERE application_id = $1 AND member_id = $2`, a.ID, ann.ID).Scan(&reviewed, &closed)
		if err != nil {
			t.Fatal(err)
		}
		return fmt.Sprintf("reviewed=%v closed=%v", reviewed, closed)
	}
	queue := func() string {
		t.Helper()
		q, err := w.Assignments.Queue(ctx, ann)
		if err != nil {
			t.Fatal(err)
		}
		n, err := w.Assignments.Waiting(ctx, ann)
		if err != nil || n != len(q) {
			t.Errorf("the count says %d, %v; the queue has %d", n, err, len(q))
		}
		var names []string
		for _, x := range q {
			names = append(names, x.CandidateName)
		}
		return strings.Join(names, ", ")
	}
	decide := func(a application.Application, in decision.Input) {
		t.Helper()
		if in.Template == "" {
			in.Template = "Hello [first name]."
		}
		if _, problems, err := w.Decisions.Decide(ctx, w.owner, []int64{a.ID}, in); err != nil || len(problems) > 0 {
			t.Fatal(err, problems)
		}
	}
	if got := queue(); got != "Ada, Bo" {
		t.Fatalf("Ann's queue: %q", got)
	}

	decide(ada, decision.Input{Outcome: decision.Reject})
	if got, m := queue(), marks(ada); got != "Bo" || m != "reviewed=false closed=true" {
		t.Errorf("Ada rejected unreviewed: queue %q, Ada's marks %s", got, m)
	}
	decide(ada, decision.Input{Outcome: decision.Hold})
	if got, m := queue(), marks(ada); got != "Ada, Bo" || m != "reviewed=false closed=false" {
		t.Errorf("Ada put on hold: queue %q, Ada's marks %s", got, m)
	}
	decide(ada, decision.Input{Outcome: decision.Advance})
	if got := queue(); got != "Bo" {
		t.Errorf("Ada advanced: queue %q", got)
	}

	// Bo is rejected by a message sent tomorrow, then the message is
	// cancelled: the decision is taken back, and Bo waits again.
	at := time.Now().Add(24 * time.Hour)
	decide(bo, decision.Input{Outcome: decision.Reject, SendAt: &at})
	if got := queue(); got != "" {
		t.Errorf("Bo rejected, the message to go tomorrow: queue %q", got)
	}
	latest, err := w.Decisions.Latest(ctx, bo.ID)
	if err != nil || latest == nil {
		t.Fatal(latest, err)
	}
	if _, err := w.Messages.Cancel(ctx, w.owner, latest.MessageID); err != nil {
		t.Fatal(err)
	}
	if got, m := queue(), marks(bo); got != "Bo" || m != "reviewed=false closed=false" {
		t.Errorf("Bo's rejection taken back: queue %q, Bo's marks %s", got, m)
	}

	if _, err := w.Reviews.Submit(ctx, ann, bo.ID, review.Input{Ratings: map[int64]int{w.iv.Steps[0].ID: 3}, Recommendation: review.Yes}); err != nil {
		t.Fatal(err)
	}
	if got, m := queue(), marks(bo); got != "" || m != "reviewed=true closed=false" {
		t.Errorf("Bo reviewed: queue %q, Bo's marks %s", got, m)
	}
	// Ben reviews Cy unasked; asked afterwards, he has nothing to do.
	ben, cy := w.rev[1], w.invite(t, "Cy", true)
	if _, err := w.Reviews.Submit(ctx, ben, cy.ID, review.Input{Ratings: map[int64]int{w.iv.Steps[0].ID: 5}, Recommendation: review.StrongYes}); err != nil {
		t.Fatal(err)
	}
	if as, err := w.Assignments.Assign(ctx, w.owner, cy.ID, ben.ID); err != nil || !as.Reviewed {
		t.Fatalf("assigning Ben to Cy, whom he reviewed: %+v, %v", as, err)
	}
	if q, err := w.Assignments.Queue(ctx, ben); err != nil || len(q) != 0 {
		t.Errorf("Ben's queue after assigning him what he reviewed: %+v, %v", q, err)
	}
}
