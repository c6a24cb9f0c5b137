package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// stuckBox is a sandbox whose runs never finish on their own: they end
// when their context does. It stands in for candidates' code that keeps a
// grading busy for as long as it is allowed to.
type stuckBox struct {
	release chan struct{} // closed when the test is over

	mu      sync.Mutex
	running int
	ended   []error // context.Cause of each run that ended
}

func (b *stuckBox) Run(ctx context.Context, cmd sandbox.Command) (sandbox.Result, error) {
	b.mu.Lock()
	b.running++
	b.mu.Unlock()
	select {
	case <-ctx.Done():
	case <-b.release:
	}
	b.mu.Lock()
	b.running--
	b.ended = append(b.ended, context.Cause(ctx))
	b.mu.Unlock()
	return sandbox.Result{}, ctx.Err()
}

func (b *stuckBox) count() (running, ended int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running, len(b.ended)
}

// waitFor polls cond until it holds, failing the test if it never does.
// The deadline only keeps a broken build from hanging; nothing is timed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEmailIsNotHeldByGradings is the review's attack: candidates' code
// that runs as long as it may holds every grading slot, and an invitation
// sent meanwhile must still go out at once, not after the gradings.
func TestEmailIsNotHeldByGradings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	box := &stuckBox{release: make(chan struct{})}
	a := apptest.New(t, app.Config{})
	g, err := grader.New(box, grader.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a.Gradings.SetGrader(g, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Worker().Run(runCtx) }()
	defer func() { close(box.release); stop(); <-done }()

	_, owner, err := a.Accounts.Setup(ctx, account.NewOrg{OrgName: "Acme", Email: "o@acme.example"})
	if err != nil {
		t.Fatal(err)
	}
	job, _ := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Eng")})
	step := opening.Step{Kind: opening.KindCode, Title: "Sum", Points: 1, Code: &opening.CodeTask{
		Languages: []opening.Language{opening.Python},
		Tests: map[opening.Language]opening.CodeTests{opening.Python: {
			Visible: "from solution import f\n\ndef test_f():\n    assert f() == 1\n"}},
	}}
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Code"), Steps: &[]opening.Step{step}})
	if err != nil {
		t.Fatal(err)
	}
	openingtest.Checked(t, a.Openings, owner, iv)
	res, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{
		{Name: "Mallory", Email: "m1@example.com"}, {Name: "Mallory", Email: "m2@example.com"}, {Name: "Mallory", Email: "m3@example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	kept := func(n int) func() bool {
		return func() bool {
			es, err := a.Outbox.List(ctx, owner)
			if err != nil {
				t.Fatal(err)
			}
			k := 0
			for _, e := range es {
				if e.Status == "kept" {
					k++
				}
			}
			return k >= n
		}
	}
	waitFor(t, "the first invitations", kept(3))

	lang, code := "python", "def f():\n    while True:\n        pass\n"
	for _, inv := range res.Invitations {
		if _, err := a.Applications.SaveAnswer(ctx, inv.Application, iv.Steps[0].ID, application.AnswerInput{Language: &lang, Code: &code}); err != nil {
			t.Fatal(err)
		}
	}
	gradings := func() (running, pending int) {
		err := a.DB.QueryRow(ctx, `SELECT COUNT(CASE WHEN status = 'running' THEN 1 END), COUNT(CASE WHEN status = 'pending' THEN 1 END)
			FROM tasks WHERE kind = 'code.grade'`).Scan(&running, &pending)
		if err != nil {
			t.Fatal(err)
		}
		return running, pending
	}
	waitFor(t, "every grading slot to be busy", func() bool {
		running, pending := gradings()
		boxes, _ := box.count()
		return running == 2 && pending == 1 && boxes >= 2
	})

	if _, err := a.Applications.Invite(ctx, owner, iv.ID, []application.NewCandidate{{Name: "Ada", Email: "ada@example.com"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the invitation sent while gradings are stuck", kept(4))
	if running, _ := gradings(); running != 2 {
		t.Errorf("%d gradings running; want the invitation out while both slots are still busy", running)
	}
	if _, ended := box.count(); ended != 0 {
		t.Errorf("%d sandbox runs ended; want the invitation out while they are stuck", ended)
	}
}
