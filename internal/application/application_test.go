package application_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

type fixture struct {
	ctx          context.Context
	db           *sqldb.DB
	accounts     *account.Service
	openings     *opening.Service
	applications *application.Service
	owner        account.Member
	iv           opening.Interview
}

func ptr[T any](v T) *T { return &v }

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	f := &fixture{ctx: ctx, db: db, accounts: account.New(db)}
	f.openings = opening.New(db, f.accounts)
	f.applications = application.New(db, f.accounts, f.openings)
	var err error
	if _, f.owner, err = f.accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia", Email: "olivia@acme.example", TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	job, err := f.openings.CreateJob(ctx, f.owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	f.iv, err = f.openings.CreateInterview(ctx, f.owner, opening.InterviewInput{
		JobID: &job.ID, Title: ptr("First round"), DeadlineDays: ptr(7),
		Steps: &[]opening.Step{
			{Kind: opening.KindText, Title: "About you", Prompt: "Tell us", MaxWords: 5},
			{Kind: opening.KindChoice, Title: "Pick one", Points: 2, Options: []opening.Option{{Text: "A", Correct: true}, {Text: "B"}}},
			{Kind: opening.KindChoice, Title: "Pick two", Multiple: true, Points: 4, Options: []opening.Option{{Text: "W", Correct: true}, {Text: "X", Correct: true}, {Text: "Y"}, {Text: "Z"}}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) invite(t *testing.T, email string) application.Invitation {
	t.Helper()
	res, err := f.applications.Invite(f.ctx, f.owner, f.iv.ID, []application.NewCandidate{{Name: "Cand " + email, Email: email}})
	if err != nil || len(res.Invitations) != 1 {
		t.Fatalf("invite %s: %v %+v", email, err, res)
	}
	return res.Invitations[0]
}

func TestInviteReportsProblemsAndDuplicates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.invite(t, "first@example.com")
	res, err := f.applications.Invite(f.ctx, f.owner, f.iv.ID, []application.NewCandidate{
		{Name: "Ada", Email: "ada@example.com"},
		{Name: "Bad", Email: "not-an-address"},
		{Name: "Ada again", Email: "ADA@example.com"},
		{Name: "First", Email: "first@example.com"},
		{Name: "Nobody"},
		{Name: "Nul\x00Byte", Email: "nul@example.com"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Invitations) != 1 || res.Invitations[0].Application.Candidate.Email != "ada@example.com" {
		t.Errorf("invited %+v, want only ada", res.Invitations)
	}
	if len(res.Problems) != 3 || res.Problems[0].Row != 2 || res.Problems[1].Row != 5 || res.Problems[2].Row != 6 {
		t.Errorf("problems = %+v, want rows 2, 5 and 6", res.Problems)
	}
	if len(res.Duplicates) != 2 || res.Duplicates[0].Row != 3 || res.Duplicates[1].Row != 4 {
		t.Errorf("duplicates = %+v, want rows 3 and 4", res.Duplicates)
	}
}

func TestCandidateJourney(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.invite(t, "cand@example.com")
	a, err := f.applications.ByToken(f.ctx, inv.Token)
	if err != nil {
		t.Fatal(err)
	}
	text, pick1, pick2 := f.iv.Steps[0], f.iv.Steps[1], f.iv.Steps[2]

	// Too many words are kept, then block submission.
	if _, err := f.applications.SaveAnswer(f.ctx, a, text.ID, application.AnswerInput{Text: ptr("one two three four five six")}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.Submit(f.ctx, a); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("submit over the word limit: %v, want conflict", err)
	}
	if _, err := f.applications.SaveAnswer(f.ctx, a, text.ID, application.AnswerInput{Text: ptr("short and sweet")}); err != nil {
		t.Fatal(err)
	}
	// A choice naming another step's option is refused.
	_, err = f.applications.SaveAnswer(f.ctx, a, pick1.ID, application.AnswerInput{Choices: &[]int64{pick2.Options[0].ID}})
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("option of another step: %v, want invalid", err)
	}
	// Two options on a single choice are refused.
	_, err = f.applications.SaveAnswer(f.ctx, a, pick1.ID, application.AnswerInput{Choices: &[]int64{pick1.Options[0].ID, pick1.Options[1].ID}})
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("two options on a single choice: %v, want invalid", err)
	}
	if _, err := f.applications.SaveAnswer(f.ctx, a, pick1.ID, application.AnswerInput{Choices: &[]int64{pick1.Options[0].ID}}); err != nil {
		t.Fatal(err)
	}
	// One right and one wrong of two correct: 0 of 4.
	if _, err := f.applications.SaveAnswer(f.ctx, a, pick2.ID, application.AnswerInput{Choices: &[]int64{pick2.Options[0].ID, pick2.Options[2].ID}}); err != nil {
		t.Fatal(err)
	}
	a, _ = f.applications.ByToken(f.ctx, inv.Token)
	if a.Status != application.Started {
		t.Errorf("status after answering = %s, want started", a.Status)
	}
	a, err = f.applications.Submit(f.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != application.Submitted || *a.Score != 2 || *a.MaxScore != 6 {
		t.Errorf("after submit: %s score %v/%v, want submitted 2/6", a.Status, *a.Score, *a.MaxScore)
	}
	// Frozen.
	if _, err := f.applications.SaveAnswer(f.ctx, a, text.ID, application.AnswerInput{Text: ptr("changed")}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("answer after submit: %v, want conflict", err)
	}
	if _, err := f.applications.Submit(f.ctx, a); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("second submit: %v, want conflict", err)
	}
	// A step of another interview is not found.
	if _, err := f.applications.SaveAnswer(f.ctx, a, 999999, application.AnswerInput{Text: ptr("x")}); err == nil {
		t.Error("answer to an unknown step accepted")
	}
}

func TestLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.invite(t, "cand@example.com")
	if _, err := f.applications.ByToken(f.ctx, "nonsense"); !errors.Is(err, application.ErrLinkUnknown) {
		t.Errorf("unknown token: %v", err)
	}
	// Past the deadline: the link still opens, but answers are refused.
	f.applications.SetClock(func() time.Time { return time.Now().Add(8 * 24 * time.Hour) })
	a, err := f.applications.ByToken(f.ctx, inv.Token)
	if err != nil {
		t.Fatalf("link after deadline: %v", err)
	}
	if _, err := f.applications.SaveAnswer(f.ctx, a, f.iv.Steps[0].ID, application.AnswerInput{Text: ptr("late")}); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("answer after deadline: %v, want conflict", err)
	}
	// Past the grace period the link is expired.
	f.applications.SetClock(func() time.Time { return time.Now().Add(7*24*time.Hour + application.LinkGrace + time.Hour) })
	if _, err := f.applications.ByToken(f.ctx, inv.Token); !errors.Is(err, application.ErrLinkExpired) {
		t.Errorf("expired link: %v", err)
	}
	f.applications.SetClock(time.Now)
	// Revoked, then relinked: the old token stops, the new one works.
	if err := f.applications.Revoke(f.ctx, f.owner, inv.Application.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.ByToken(f.ctx, inv.Token); !errors.Is(err, application.ErrLinkRevoked) {
		t.Errorf("revoked link: %v", err)
	}
	fresh, err := f.applications.Relink(f.ctx, f.owner, inv.Application.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.ByToken(f.ctx, inv.Token); !errors.Is(err, application.ErrLinkUnknown) {
		t.Errorf("old token after relink: %v", err)
	}
	if _, err := f.applications.ByToken(f.ctx, fresh); err != nil {
		t.Errorf("new token: %v", err)
	}
}

func TestApplicationsKeysetPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var people []application.NewCandidate
	for _, n := range []string{"Zoe", "Yann", "Xia", "Wim", "Vera", "Uma", "Tom"} {
		people = append(people, application.NewCandidate{Name: n, Email: n + "@example.com"})
	}
	if _, err := f.applications.Invite(f.ctx, f.owner, f.iv.ID, people); err != nil {
		t.Fatal(err)
	}
	for _, sort := range []application.Sort{application.Newest, application.Oldest, application.ByName} {
		var names []string
		filter := application.Filter{JobID: f.iv.JobID, Sort: sort, Limit: 3}
		for pages := 0; ; pages++ {
			page, err := f.applications.Applications(f.ctx, f.owner, filter)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range page.Items {
				names = append(names, a.Candidate.Name)
			}
			if page.Next == "" {
				break
			}
			filter.Cursor = page.Next
		}
		if len(names) != 7 {
			t.Errorf("%s: paged through %v, want all 7 once", sort, names)
		}
		if sort == application.ByName && names[0] != "Tom" {
			t.Errorf("by name starts with %s", names[0])
		}
	}
	if _, err := f.applications.Applications(f.ctx, f.owner, application.Filter{Cursor: "garbage"}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("bad cursor: %v", err)
	}
	first, _ := f.applications.Applications(f.ctx, f.owner, application.Filter{Limit: 3})
	if _, err := f.applications.Applications(f.ctx, f.owner, application.Filter{Limit: 3, Sort: application.ByName, Cursor: first.Next}); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("a newest-first cursor used for a list by name: %v, want invalid", err)
	}
}

// TestNeighbours walks each list order from end to end with Neighbours, as
// the application page's "next" does, and agrees with the list itself; two
// candidates of one name keep a stable order; an application outside the
// filter has no place but still gets its way back into the list.
func TestNeighbours(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var people []application.NewCandidate
	for _, n := range []string{"Zoe", "Ann", "Max", "Ann", "Bea"} {
		people = append(people, application.NewCandidate{Name: n, Email: strings.ToLower(n) + strconv.Itoa(len(people)) + "@example.com"})
	}
	res, err := f.applications.Invite(f.ctx, f.owner, f.iv.ID, people)
	if err != nil {
		t.Fatal(err)
	}
	checkPlaces(t, f, application.Filter{JobID: f.iv.JobID})
	// A filter the application is not in: no position, but neighbours
	// on either side of where it would be.
	submitted := application.Filter{JobID: f.iv.JobID, Status: application.Submitted}
	p, err := f.applications.Neighbours(f.ctx, f.owner, submitted, res.Invitations[0].Application)
	if err != nil || p.Position != 0 || p.Total != 0 {
		t.Errorf("outside the filter: %+v, %v", p, err)
	}
	if _, err := f.applications.Neighbours(f.ctx, f.owner, application.Filter{Sort: "rating"}, res.Invitations[0].Application); !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("an unknown sort: %v", err)
	}
}

func TestOtherOrganisationSeesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.invite(t, "cand@example.com")
	token, err := f.accounts.Bootstrap(f.ctx, account.NewOrg{OrgName: "Other", Email: "boss@other.example"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.accounts.TokenMember(f.ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.Application(f.ctx, other, inv.Application.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("other org reads application: %v", err)
	}
	if _, err := f.applications.Invite(f.ctx, other, f.iv.ID, []application.NewCandidate{{Email: "x@example.com"}}); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("other org invites to interview: %v", err)
	}
	page, err := f.applications.Applications(f.ctx, other, application.Filter{})
	if err != nil || len(page.Items) != 0 {
		t.Errorf("other org lists %d applications (%v)", len(page.Items), err)
	}
}

// TestSaveRacingSubmit saves and submits the same application from two
// goroutines, as two browser tabs would, many times: whichever wins, no
// answer may change after the submission that froze it.
func TestSaveRacingSubmit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	step := f.iv.Steps[0]
	for i := 0; i < 40; i++ {
		inv := f.invite(t, fmt.Sprintf("racer%d@example.com", i))
		a, err := f.applications.ByToken(f.ctx, inv.Token)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.applications.SaveAnswer(f.ctx, a, step.ID, application.AnswerInput{Text: ptr("first")}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			f.applications.SaveAnswer(f.ctx, a, step.ID, application.AnswerInput{Text: ptr("second")})
		}()
		go func() {
			defer wg.Done()
			f.applications.Submit(f.ctx, a)
		}()
		wg.Wait()
		got, err := f.applications.Application(f.ctx, f.owner, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SubmittedAt == nil {
			continue
		}
		answers, err := f.applications.Answers(f.ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if ans := answers[step.ID]; ans.UpdatedAt.After(*got.SubmittedAt) {
			t.Fatalf("round %d: answer changed at %v, after the submission at %v", i, ans.UpdatedAt, *got.SubmittedAt)
		}
	}
}

// TestCorrectedOptionRescores corrects a choice step after a candidate
// submitted: the change enqueues a task in the same transaction, and the
// task brings the stored scores in line.
func TestCorrectedOptionRescores(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.invite(t, "cand@example.com")
	a, _ := f.applications.ByToken(f.ctx, inv.Token)
	pick1 := f.iv.Steps[1]
	if _, err := f.applications.SaveAnswer(f.ctx, a, pick1.ID, application.AnswerInput{Choices: &[]int64{pick1.Options[1].ID}}); err != nil {
		t.Fatal(err)
	}
	if a, _ = f.applications.Submit(f.ctx, a); *a.Score != 0 {
		t.Fatalf("score before the correction = %v, want 0", *a.Score)
	}
	// B, not A, was the right answer all along.
	steps := f.iv.Steps
	steps[1].Options[0].Correct, steps[1].Options[1].Correct = false, true
	if _, err := f.openings.UpdateInterview(f.ctx, f.owner, f.iv.ID, opening.InterviewInput{Steps: &steps}); err != nil {
		t.Fatal(err)
	}
	stats, err := queue.Stats(f.ctx, f.db)
	if err != nil || stats[queue.StatusPending] != 1 {
		t.Fatalf("tasks after the edit: %v (%v), want one pending", stats, err)
	}
	if err := f.applications.RescoreInterview(f.ctx, f.owner.OrgID, f.iv.ID); err != nil {
		t.Fatal(err)
	}
	got, _ := f.applications.Application(f.ctx, f.owner, a.ID)
	answers, _ := f.applications.Answers(f.ctx, a.ID)
	if *got.Score != 2 || *answers[pick1.ID].Score != 2 {
		t.Errorf("after rescoring: application %v, answer %v; want 2 and 2", *got.Score, *answers[pick1.ID].Score)
	}
}

// TestCountsMatchApplications walks applications through every status
// and checks the maintained counts against a count of the rows.
func TestCountsMatchApplications(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var invs []application.Invitation
	for i := 0; i < 6; i++ {
		invs = append(invs, f.invite(t, fmt.Sprintf("c%d@example.com", i)))
	}
	// A duplicate and a bad row change nothing.
	f.applications.Invite(f.ctx, f.owner, f.iv.ID, []application.NewCandidate{{Email: "c0@example.com"}, {Email: "bad"}})
	for i, inv := range invs {
		a, _ := f.applications.ByToken(f.ctx, inv.Token)
		if i >= 2 {
			f.applications.Start(f.ctx, a)
			f.applications.Start(f.ctx, a) // twice: counted once
		}
		if i >= 4 {
			a, _ = f.applications.ByToken(f.ctx, inv.Token)
			if _, err := f.applications.Submit(f.ctx, a); err != nil {
				t.Fatal(err)
			}
		}
	}
	// One submitted without ever starting.
	a, _ := f.applications.ByToken(f.ctx, f.invite(t, "direct@example.com").Token)
	if _, err := f.applications.Submit(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	// One withdrawn from a page read before the candidate began in another
	// tab: the counts move from the status the row had, not the page's.
	stale, _ := f.applications.ByToken(f.ctx, f.invite(t, "two-tabs@example.com").Token)
	if err := f.applications.Start(f.ctx, stale); err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.Withdraw(f.ctx, stale); err != nil {
		t.Fatal(err)
	}
	counts, err := f.applications.CountsForJob(f.ctx, f.owner, f.iv.JobID)
	if err != nil {
		t.Fatal(err)
	}
	want := application.JobCounts{}
	rows, err := f.db.Query(f.ctx, `SELECT status, COUNT(*) FROM applications WHERE job_id = $1 GROUP BY status`, f.iv.JobID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var st application.Status
		var n int
		rows.Scan(&st, &n)
		want[st] = n
	}
	rows.Close()
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("counts drifted from the applications (-rows +counts):\n%s", diff)
	}
	if want[application.Invited] != 2 || want[application.Started] != 2 || want[application.Submitted] != 3 || want[application.Withdrawn] != 1 {
		t.Errorf("unexpected statuses %v", want)
	}
	all, _ := f.applications.CountsByJob(f.ctx, f.owner)
	if diff := cmp.Diff(counts, all[f.iv.JobID]); diff != "" {
		t.Errorf("CountsByJob disagrees with CountsForJob:\n%s", diff)
	}
}

// TestEmailLinks: the extra links emails carry open the same application,
// stop with a revocation, and go when the team makes a new link.
func TestEmailLinks(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	inv := f.invite(t, "cand@example.com")
	one, err := f.applications.NewLink(f.ctx, inv.Application.ID)
	if err != nil {
		t.Fatal(err)
	}
	two, _ := f.applications.NewLink(f.ctx, inv.Application.ID)
	for _, tok := range []string{inv.Token, one, two} {
		if a, err := f.applications.ByToken(f.ctx, tok); err != nil || a.ID != inv.Application.ID {
			t.Errorf("ByToken = %d, %v; want application %d", a.ID, err, inv.Application.ID)
		}
	}
	if err := f.applications.Revoke(f.ctx, f.owner, inv.Application.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.ByToken(f.ctx, one); !errors.Is(err, application.ErrLinkRevoked) {
		t.Errorf("an email's link after revocation: %v", err)
	}
	if _, err := f.applications.NewLink(f.ctx, inv.Application.ID); !errors.Is(err, apperr.ErrConflict) {
		t.Errorf("a new email link after revocation: %v", err)
	}
	if _, err := f.applications.Relink(f.ctx, f.owner, inv.Application.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.applications.ByToken(f.ctx, two); !errors.Is(err, application.ErrLinkUnknown) {
		t.Errorf("an email's link after a new link: %v", err)
	}
	if _, err := f.applications.NewLink(f.ctx, 999999); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("a link to no application: %v", err)
	}
}

// TestErrorsSayWhere: an error the service did not classify names the
// operation and its key, so a failed page's log says which query failed;
// classified errors keep the message users read.
func TestErrorsSayWhere(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.applications.Application(ctx, f.owner, 42)
	if err == nil || !strings.HasPrefix(err.Error(), "application.Application(42): ") || !errors.Is(err, context.Canceled) {
		t.Errorf("an unclassified error: %v", err)
	}
	_, err = f.applications.Application(context.Background(), f.owner, 42)
	if !errors.Is(err, apperr.ErrNotFound) || strings.Contains(err.Error(), "application.Application") {
		t.Errorf("a classified error: %v", err)
	}
}

// TestOutcomeCountsMatchApplications: the dashboard's and the job page's
// outcome counts come from application_outcome_counts (migration 0041),
// kept by every decision, a change of outcome, going back on one, and
// decisions on one application racing each other; they must never drift
// from the decided applications themselves.
func TestOutcomeCountsMatchApplications(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var apps []application.Application
	for i := 0; i < 5; i++ {
		a, _ := f.applications.ByToken(f.ctx, f.invite(t, fmt.Sprintf("d%d@example.com", i)).Token)
		a, err := f.applications.Submit(f.ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
	}
	decide := func(a application.Application, outcome string) {
		t.Helper()
		if err := f.db.Transact(f.ctx, func(tx *sqldb.DB) error {
			_, err := f.applications.MarkDecided(f.ctx, tx, f.owner, a.ID, outcome)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	undecide := func(a application.Application, before string) {
		t.Helper()
		if err := f.db.Transact(f.ctx, func(tx *sqldb.DB) error { return f.applications.Undecide(f.ctx, tx, a.ID, before) }); err != nil {
			t.Fatal(err)
		}
	}
	decide(apps[0], "advance")
	decide(apps[1], "reject")
	decide(apps[2], "hold")
	decide(apps[2], "reject") // a new outcome
	undecide(apps[1], "")     // submitted again
	undecide(apps[0], "hold") // back to the decision before
	// Four decisions on one application at once: one outcome stands,
	// counted once.
	var wg sync.WaitGroup
	for _, outcome := range []string{"advance", "reject", "hold", "advance"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.db.Transact(f.ctx, func(tx *sqldb.DB) error {
				_, err := f.applications.MarkDecided(f.ctx, tx, f.owner, apps[3].ID, outcome)
				return err
			})
		}()
	}
	wg.Wait()

	jobs, err := f.db.IDs(f.ctx, `SELECT id FROM jobs`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.applications.Outcomes(f.ctx, f.owner, jobs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64]map[string]int{}
	rows, err := f.db.Query(f.ctx, `SELECT job_id, outcome, COUNT(*) FROM applications WHERE status = 'decided' AND outcome <> '' GROUP BY job_id, outcome`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var job int64
		var outcome string
		var n int
		rows.Scan(&job, &outcome, &n)
		if want[job] == nil {
			want[job] = map[string]int{}
		}
		want[job][outcome] = n
	}
	rows.Close()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outcome counts drifted from the applications (-rows +counts):\n%s", diff)
	}
	job := want[f.iv.JobID]
	if job["hold"]+job["reject"]+job["advance"] != 3 || job["reject"] < 1 {
		t.Errorf("unexpected outcomes %v: want apps 0 (hold), 2 (reject) and 3 decided", job)
	}
	counts, _ := f.applications.CountsForJob(f.ctx, f.owner, f.iv.JobID)
	if counts[application.Decided] != 3 || counts[application.Submitted] != 2 {
		t.Errorf("status counts %v, want 3 decided and 2 submitted", counts)
	}
}

// TestNeighboursAgreeWithEveryList: the application page's "3 of 20"
// reads a job's total from the counts kept beside the applications and
// counts only the applications before the one shown; for every filter the
// tabs offer, both agree with the list itself.
func TestNeighboursAgreeWithEveryList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var apps []application.Application
	for i := 0; i < 7; i++ {
		a, _ := f.applications.ByToken(f.ctx, f.invite(t, fmt.Sprintf("n%d@example.com", i)).Token)
		if i < 5 {
			var err error
			if a, err = f.applications.Submit(f.ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		apps = append(apps, a)
	}
	for i, outcome := range []string{"advance", "reject", "reject"} {
		if err := f.db.Transact(f.ctx, func(tx *sqldb.DB) error {
			_, err := f.applications.MarkDecided(f.ctx, tx, f.owner, apps[i].ID, outcome)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	job := f.iv.JobID
	filters := []application.Filter{
		{JobID: job}, {JobID: job, Status: application.Submitted}, {JobID: job, Status: application.Invited},
		{JobID: job, Status: application.Decided}, {JobID: job, Outcome: "reject"}, {JobID: job, Outcome: "hold"},
		{JobID: job, Status: application.Decided, Outcome: "advance"}, {JobID: job, Status: application.Submitted, Outcome: "advance"},
		{JobID: job, InterviewID: f.iv.ID, Status: application.Submitted}, {InterviewID: f.iv.ID}, {},
	}
	for _, filter := range filters {
		checkPlaces(t, f, filter)
	}
}

// checkPlaces walks the list filter describes, in each order, with
// Neighbours, and checks that each application's place agrees with the
// list itself: its position, the total, the ones before and after.
func checkPlaces(t *testing.T, f *fixture, filter application.Filter) {
	t.Helper()
	for _, sort := range []application.Sort{application.Newest, application.Oldest, application.ByName} {
		filter.Sort = sort
		page, err := f.applications.Applications(f.ctx, f.owner, filter)
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range page.Items {
			p, err := f.applications.Neighbours(f.ctx, f.owner, filter, a)
			if err != nil {
				t.Fatal(err)
			}
			if p.Position != i+1 || p.Total != len(page.Items) {
				t.Errorf("%+v: %s is %d of %d, want %d of %d", filter, a.Candidate.Name, p.Position, p.Total, i+1, len(page.Items))
			}
			if (i == 0) != (p.Prev == nil) || (i > 0 && p.Prev.ID != page.Items[i-1].ID) {
				t.Errorf("%+v: the one before %s (#%d) is %+v", filter, a.Candidate.Name, i+1, p.Prev)
			}
			last := i == len(page.Items)-1
			if last != (p.Next == nil) || (!last && p.Next.ID != page.Items[i+1].ID) {
				t.Errorf("%+v: the one after %s (#%d) is %+v", filter, a.Candidate.Name, i+1, p.Next)
			}
		}
	}
}
