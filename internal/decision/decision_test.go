package decision_test

import (
	"context"
	"errors"
	"os"
	"strings"
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
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func ptr[T any](v T) *T { return &v }

type world struct {
	domain.Services
	owner      account.Member
	iv         opening.Interview
	ada, grace application.Application // Ada submitted and was reviewed; Grace did not submit
}

func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{Services: domaintest.New(t, sqldbtest.Open(t))}
	var err error
	if _, w.owner, err = w.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Name: "Olivia Owner", Email: "o@acme.example"}); err != nil {
		t.Fatal(err)
	}
	job, _ := w.Openings.CreateJob(ctx, w.owner, opening.JobInput{Title: ptr("Backend engineer")})
	if w.iv, err = w.Openings.CreateInterview(ctx, w.owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Screen"),
		Steps: &[]opening.Step{{Kind: opening.KindText, Title: "About you"}, {Kind: opening.KindText, Title: "Design"}}}); err != nil {
		t.Fatal(err)
	}
	res, err := w.Applications.Invite(ctx, w.owner, w.iv.ID, []application.NewCandidate{{Name: "Ada Lovelace", Email: "ada@example.com"}, {Name: "Grace Hopper", Email: "grace@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := w.Applications.ByToken(ctx, res.Invitations[0].Token)
	if w.ada, err = w.Applications.Submit(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Reviews.Submit(ctx, w.owner, w.ada.ID, review.Input{Recommendation: review.No,
		Ratings: map[int64]int{w.iv.Steps[0].ID: 4, w.iv.Steps[1].ID: 2}, Note: "internal: weak design"}); err != nil {
		t.Fatal(err)
	}
	w.grace = res.Invitations[1].Application
	return w
}

func TestDecideWithFeedback(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	in := decision.Input{Outcome: decision.Reject, Template: decision.Templates[decision.Reject], Ratings: true,
		Feedback: "Your design answer needed numbers: how much data, how fast."}
	previews, err := w.Decisions.Preview(ctx, w.owner, []int64{w.ada.ID}, in)
	if err != nil {
		t.Fatal(err)
	}
	p := previews[0]
	if !strings.HasPrefix(p.Message, "Hello Ada,") || !strings.Contains(p.Message, "the Backend engineer interview") || !strings.HasSuffix(p.Message, "Acme") {
		t.Errorf("preview message:\n%s", p.Message)
	}
	if !strings.Contains(p.Feedback, "- About you: 4.0 out of 5\n- Design: 2.0 out of 5") || !strings.Contains(p.Feedback, "needed numbers") || strings.Contains(p.Feedback, "internal") {
		t.Errorf("preview feedback:\n%s", p.Feedback)
	}
	if d, _ := w.Decisions.Latest(ctx, w.ada.ID); d != nil {
		t.Fatal("a preview saved a decision")
	}

	done, problems, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID, w.grace.ID}, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(done) != 1 || len(problems) != 1 || problems[0].Candidate != "Grace Hopper" || !strings.Contains(problems[0].Reason, "not submitted") {
		t.Fatalf("done %+v, problems %+v", done, problems)
	}
	a, _ := w.Applications.Application(ctx, w.owner, w.ada.ID)
	if a.Status != application.Decided {
		t.Errorf("status %s, want decided", a.Status)
	}
	thread, err := w.Messages.CandidateThread(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if len(thread) != 1 || thread[0].Body != p.Message+"\n\nFeedback\n\n"+p.Feedback {
		t.Errorf("the candidate's thread: %+v", thread)
	}
	latest, err := w.Decisions.Latest(ctx, w.ada.ID)
	if err != nil || latest == nil || latest.Outcome != decision.Reject || latest.DecidedBy != "Olivia Owner" {
		t.Errorf("Latest = %+v, %v", latest, err)
	}

	// A decision can change: hold, then advance; the latest counts.
	for _, o := range []decision.Outcome{decision.Hold, decision.Advance} {
		if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, decision.Input{Outcome: o, Template: decision.Templates[o]}); err != nil {
			t.Fatal(err)
		}
	}
	if latest, _ := w.Decisions.Latest(ctx, w.ada.ID); latest.Outcome != decision.Advance || latest.Feedback != "" {
		t.Errorf("after hold then advance: %+v", latest)
	}
	counts, err := w.Applications.CountsForJob(ctx, w.owner, a.JobID)
	if err != nil || counts[application.Decided] != 1 || counts[application.Submitted] != 0 {
		t.Errorf("counts %v, %v", counts, err)
	}
}

func TestDecisionInput(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	for name, in := range map[string]decision.Input{
		"no outcome":             {Template: "Hello"},
		"no message":             {Outcome: decision.Advance, Template: "  "},
		"unknown field":          {Outcome: decision.Advance, Template: "Hello {{.Candidate.Age}}"},
		"broken field":           {Outcome: decision.Advance, Template: "Hello {{.Candidate.FirstName"},
		"a function call":        {Outcome: decision.Advance, Template: `{{printf "%v" .}}`},
		"a loop":                 {Outcome: decision.Advance, Template: `{{range 1000}}{{range 1000}}{{printf "%1000000d" 1}}{{end}}{{end}}`},
		"too long with feedback": {Outcome: decision.Advance, Template: strings.Repeat("x", 6000), Feedback: strings.Repeat("y", 4999)},
		"feedback too long":      {Outcome: decision.Advance, Template: "Hello", Feedback: strings.Repeat("x", decision.MaxFeedback+1)},
	} {
		_, err := w.Decisions.Preview(ctx, w.owner, []int64{w.ada.ID}, in)
		if !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	reviewer := account.Member{ID: 999, OrgID: w.owner.OrgID, Role: account.Reviewer}
	if _, _, err := w.Decisions.Decide(ctx, reviewer, []int64{w.ada.ID}, decision.Input{Outcome: decision.Advance, Template: "Hi"}); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("a reviewer deciding: %v", err)
	}
	other := account.Member{ID: 999, OrgID: w.owner.OrgID + 1000, Role: account.Owner}
	_, problems, err := w.Decisions.Decide(ctx, other, []int64{w.ada.ID}, decision.Input{Outcome: decision.Advance, Template: "Hi"})
	if err != nil || len(problems) != 1 {
		t.Errorf("another organisation deciding: %v, %+v", err, problems)
	}
	if a, _ := w.Applications.Application(ctx, w.owner, w.ada.ID); a.Status != application.Submitted {
		t.Errorf("status after refused decisions: %s", a.Status)
	}
}

func TestWaitingForADecision(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	w.Decisions.SetClock(func() time.Time { return time.Now().Add(10 * 24 * time.Hour) })
	waiting, err := w.Decisions.Waiting(ctx, w.owner, 7*24*time.Hour)
	if err != nil || len(waiting) != 1 || waiting[0].ID != w.ada.ID {
		t.Fatalf("waiting after 10 days: %+v, %v", waiting, err)
	}
	if waiting, _ := w.Decisions.Waiting(ctx, w.owner, 14*24*time.Hour); len(waiting) != 0 {
		t.Errorf("waiting for 14 days: %+v", waiting)
	}
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, decision.Input{Outcome: decision.Hold, Template: "Hi"}); err != nil {
		t.Fatal(err)
	}
	if waiting, _ := w.Decisions.Waiting(ctx, w.owner, 7*24*time.Hour); len(waiting) != 0 {
		t.Errorf("waiting after a decision: %+v", waiting)
	}
}

// TestDecisionSentLater records a decision whose message goes tomorrow:
// until then the candidate reads neither the message nor the decision.
func TestDecisionSentLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	now := time.Now()
	clock := now
	w.Decisions.SetClock(func() time.Time { return clock })
	w.Messages.SetClock(func() time.Time { return clock })
	at := now.Add(24 * time.Hour)
	in := decision.Input{Outcome: decision.Reject, Template: decision.Templates[decision.Reject], Reason: "Role filled", SendAt: &at}
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, in); err != nil {
		t.Fatal(err)
	}
	team, err := w.Decisions.Latest(ctx, w.ada.ID)
	if err != nil || team == nil || team.Reason != "Role filled" || !team.Pending(now) {
		t.Fatalf("the team's view: %+v, %v", team, err)
	}
	if d, err := w.Decisions.ForCandidate(ctx, w.ada.ID); d != nil || err != nil {
		t.Errorf("before the message goes, the candidate learns of %+v, %v", d, err)
	}
	a, _ := w.Applications.Application(ctx, w.owner, w.ada.ID)
	if thread, _ := w.Messages.CandidateThread(ctx, a); len(thread) != 0 {
		t.Errorf("before the message goes, the candidate reads %+v", thread)
	}
	clock = at.Add(time.Minute)
	if d, err := w.Decisions.ForCandidate(ctx, w.ada.ID); d == nil || d.Outcome != decision.Reject || err != nil {
		t.Errorf("once the message went, the candidate learns of %+v, %v", d, err)
	}
	if thread, _ := w.Messages.CandidateThread(ctx, a); len(thread) != 1 || strings.Contains(thread[0].Body, "Role filled") {
		t.Errorf("once the message went, the candidate reads %+v", thread)
	}
}

// TestDecisionSentLaterCanBeTakenBack: cancelling a decision's message
// before it goes takes the decision back; a new decision replaces one
// whose message has not gone, so the candidate hears one decision.
func TestDecisionSentLaterCanBeTakenBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	now := time.Now()
	clock := now
	w.Decisions.SetClock(func() time.Time { return clock })
	w.Messages.SetClock(func() time.Time { return clock })
	at := now.Add(24 * time.Hour)
	reject := decision.Input{Outcome: decision.Reject, Template: decision.Templates[decision.Reject], SendAt: &at}
	ds, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, reject)
	if err != nil || len(ds) != 1 || ds[0].MessageID == 0 {
		t.Fatalf("decide: %+v, %v", ds, err)
	}
	if _, err := w.Messages.Cancel(ctx, w.owner, ds[0].MessageID); err != nil {
		t.Fatal(err)
	}
	clock = at.Add(time.Hour)
	a, _ := w.Applications.Application(ctx, w.owner, w.ada.ID)
	if d, _ := w.Decisions.Latest(ctx, w.ada.ID); d != nil || a.Status != application.Submitted || a.Outcome != "" {
		t.Errorf("after cancelling the message: decision %+v, application %s %q", d, a.Status, a.Outcome)
	}
	if d, _ := w.Decisions.ForCandidate(ctx, w.ada.ID); d != nil {
		t.Errorf("the candidate learns of a cancelled decision: %+v", d)
	}

	// The same rejection for tomorrow, then at once: the second is not
	// taken for a double click, and it reaches Ada now.
	clock = now
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, reject); err != nil {
		t.Fatal(err)
	}
	atOnce := reject
	atOnce.SendAt = nil
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, atOnce); err != nil {
		t.Fatal(err)
	}
	if d, _ := w.Decisions.ForCandidate(ctx, w.ada.ID); d == nil || d.Outcome != decision.Reject {
		t.Errorf("the same decision sent now after later: the candidate learns of %+v", d)
	}
	if thread, _ := w.Messages.CandidateThread(ctx, a); len(thread) != 1 {
		t.Errorf("the same decision sent now after later: %d messages reach Ada, want 1", len(thread))
	}

	// Rejected for tomorrow, then advanced at once: only the advance reaches Ada.
	clock = now
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, reject); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.Decisions.Decide(ctx, w.owner, []int64{w.ada.ID}, decision.Input{Outcome: decision.Advance, Template: decision.Templates[decision.Advance]}); err != nil {
		t.Fatal(err)
	}
	clock = at.Add(time.Hour)
	thread, _ := w.Messages.CandidateThread(ctx, a)
	if len(thread) != 2 || !strings.Contains(thread[1].Body, "go further with you") {
		t.Errorf("the candidate's thread after a replaced decision: %+v", thread)
	}
	if d, _ := w.Decisions.ForCandidate(ctx, w.ada.ID); d == nil || d.Outcome != decision.Advance {
		t.Errorf("the candidate learns of %+v, want the advance", d)
	}
	if a, _ := w.Applications.Application(ctx, w.owner, w.ada.ID); a.Outcome != string(decision.Advance) {
		t.Errorf("the application's outcome %q", a.Outcome)
	}
}

// TestPlaceholders: square brackets in any case and spacing, the older
// fields, and a clear refusal of a name that is not a placeholder.
func TestPlaceholders(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newWorld(t)
	for src, want := range map[string]string{
		"Hi [first name] ([Full Name]) for [job title], [interview], [company]": "Hi Ada (Ada Lovelace) for Backend engineer, Screen, Acme",
		"Hi {{.Candidate.FirstName}}, [ first   name ]":                         "Hi Ada, Ada",
		"Scores [1] and [a-b] stay as typed":                                    "Scores [1] and [a-b] stay as typed",
	} {
		p, err := w.Decisions.Preview(ctx, w.owner, []int64{w.ada.ID}, decision.Input{Outcome: decision.Hold, Template: src})
		if err != nil || p[0].Message != want {
			t.Errorf("%q: %+v, %v; want %q", src, p, err, want)
		}
	}
	for _, src := range []string{"Hi [name]", "Hi {{.Candidate.Age}}", "Hi {{ unclosed"} {
		if _, err := w.Decisions.Preview(ctx, w.owner, []int64{w.ada.ID}, decision.Input{Outcome: decision.Hold, Template: src}); !errors.Is(err, apperr.ErrInvalid) {
			t.Errorf("%q: %v, want invalid", src, err)
		}
	}
}
