package grading_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/account"
	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/app/apptest"
	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/clocktest"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/opening/openingtest"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// These tests are about who gets a worker and for how long, not about
// grading, so the grader is a stand-in (and so independent of how
// grading uses the sandbox): grading code marked "# who: X" blocks until
// X's gate opens (X's first letter names the candidate) or its context
// ends, then passes its one test, and the grader logs what happens in
// order.

var whoRE = regexp.MustCompile(`# who: (\S+)`)

type gatedGrader struct {
	mu      sync.Mutex
	gates   map[string]chan struct{} // by who; a who without a gate is graded at once
	running map[byte]int             // by candidate
	most    map[byte]int
	log     []string // "start X", "end X: cause", and what the test adds
}

func newGatedGrader() *gatedGrader {
	return &gatedGrader{gates: map[string]chan struct{}{}, running: map[byte]int{}, most: map[byte]int{}}
}

// hold makes gradings of who wait until open(who).
func (g *gatedGrader) hold(who string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.gates[who] = make(chan struct{})
}

func (g *gatedGrader) open(who string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.gates[who])
}

func (g *gatedGrader) note(event string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.log = append(g.log, event)
}

func (g *gatedGrader) events() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.log)
}

func (g *gatedGrader) mostAtOnce(c byte) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.most[c]
}

func (g *gatedGrader) has(event string) bool { return slices.Contains(g.events(), event) }

func (g *gatedGrader) Grade(ctx context.Context, s grader.Suite) (grader.Outcome, error) {
	who := "?"
	if m := whoRE.FindStringSubmatch(s.Code); m != nil {
		who = m[1]
	}
	g.mu.Lock()
	gate := g.gates[who]
	g.running[who[0]]++
	g.most[who[0]] = max(g.most[who[0]], g.running[who[0]])
	g.log = append(g.log, "start "+who)
	g.mu.Unlock()
	var err error
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			err = ctx.Err()
		}
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running[who[0]]--
	if err != nil {
		g.log = append(g.log, fmt.Sprintf("end %s: %v", who, context.Cause(ctx)))
		return grader.Outcome{}, err
	}
	g.log = append(g.log, "end "+who)
	return grader.Outcome{Tests: []grader.Test{{Name: "test_f", Passed: true, Points: 1}}}, nil
}

// fairWorld is anyhour with the gated grader, an interview of steps code
// steps and a worker of its own whose clock is a minute ahead, past the
// settle delay.
type fairWorld struct {
	t      *testing.T
	world  *apptest.World
	app    *app.App
	owner  account.Member
	grader *gatedGrader
	clock  *clocktest.Clock
	steps  []opening.Step
	apps   map[byte]application.Application // by candidate letter
}

func newFairWorld(t *testing.T, steps int, candidates string) *fairWorld {
	t.Helper()
	ctx := context.Background()
	g := newGatedGrader()
	world := apptest.New(t, app.Config{})
	a := world.App
	a.Gradings.SetGradeFunc(g.Grade)
	team, _ := a.Accounts.Bootstrap(ctx, account.NewOrg{OrgName: "Acme", Email: "owner@example.com"})
	owner, _ := a.Accounts.TokenMember(ctx, team)
	job, err := a.Openings.CreateJob(ctx, owner, opening.JobInput{Title: ptr("Engineer")})
	if err != nil {
		t.Fatal(err)
	}
	var ss []opening.Step
	for i := range steps {
		ss = append(ss, opening.Step{Kind: opening.KindCode, Title: fmt.Sprint("Task ", i+1), Points: 1, Code: &opening.CodeTask{
			Languages: []opening.Language{opening.Python},
			Tests:     map[opening.Language]opening.CodeTests{opening.Python: {Visible: "from solution import f\n\ndef test_f():\n    assert f() == 1\n"}},
		}})
	}
	iv, err := a.Openings.CreateInterview(ctx, owner, opening.InterviewInput{JobID: &job.ID, Title: ptr("Code"), Steps: &ss})
	if err != nil {
		t.Fatal(err)
	}
	var people []application.NewCandidate
	for _, c := range candidates {
		people = append(people, application.NewCandidate{Name: string(c), Email: fmt.Sprintf("%c@example.com", c)})
	}
	openingtest.Checked(t, a.Openings, owner, iv)
	res, err := a.Applications.Invite(ctx, owner, iv.ID, people)
	if err != nil {
		t.Fatal(err)
	}
	w := &fairWorld{t: t, world: world, app: a, owner: owner, grader: g, clock: &clocktest.Clock{}, steps: iv.Steps, apps: map[byte]application.Application{}}
	for i, inv := range res.Invitations {
		w.apps[candidates[i]] = inv.Application
	}
	w.clock.Advance(time.Minute)
	return w
}

// worker returns a worker with gradings slots for code gradings, as the
// app's, on the world's clock.
func (w *fairWorld) worker(gradings int) *queue.Worker {
	wk := queue.New(w.app.DB, queue.Config{
		Pools:  []queue.Pool{{Name: "grading", Kinds: []string{grading.TaskGrade}, Concurrency: gradings}},
		Poll:   10 * time.Millisecond,
		Name:   "w",
		Logger: slog.New(slog.DiscardHandler),
		Now:    w.clock.Now,
	})
	w.app.Gradings.RegisterTasks(wk)
	return wk
}

// run runs wk until the test ends.
func (w *fairWorld) run(wk *queue.Worker) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- wk.Run(ctx) }()
	w.t.Cleanup(func() {
		cancel()
		<-done
	})
}

// save saves code marked who as candidate c's answer to step i.
func (w *fairWorld) save(c byte, i int, who string) {
	w.t.Helper()
	lang, code := "python", fmt.Sprintf("# who: %s\ndef f():\n    return 1\n", who)
	_, err := w.app.Applications.SaveAnswer(context.Background(), w.apps[c], w.steps[i].ID, application.AnswerInput{Language: &lang, Code: &code})
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *fairWorld) grading(c byte, i int) grading.Grading {
	w.t.Helper()
	gs, err := w.app.Gradings.ForApplication(context.Background(), w.apps[c].ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return gs[w.steps[i].ID]
}

func (w *fairWorld) waitFor(what string, cond func() bool) {
	w.t.Helper()
	deadline := time.Now().Add(30 * time.Second) // against a hang; nothing is timed
	for !cond() {
		if time.Now().After(deadline) {
			w.t.Fatalf("gave up waiting for %s; the grader saw %q", what, w.grader.events())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (w *fairWorld) finished(c byte, i int) func() bool {
	return func() bool { s := w.grading(c, i).Status; return s == grading.Done || s == grading.Error }
}

// settled reports whether every code.grade task is done or failed: a
// grading is stored before its task's outcome is.
func (w *fairWorld) settled() bool {
	for _, o := range w.taskOutcomes() {
		if !strings.HasPrefix(o, "done/") && !strings.HasPrefix(o, "failed/") {
			return false
		}
	}
	return true
}

// taskOutcomes lists the code.grade tasks as "status/attempts", oldest first.
func (w *fairWorld) taskOutcomes() []string {
	w.t.Helper()
	rows, err := w.app.DB.Query(context.Background(), `SELECT status, attempts FROM tasks WHERE kind = $1 ORDER BY id`, grading.TaskGrade)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s/%d", s, n))
	}
	return out
}

// TestNewSaveCancelsRunningGrading: a candidate's code runs as long as it
// may; the candidate saves again, and the running grading is cancelled at
// the next look for a newer save, so the new answer's grading gets the
// slot. Looks are counted, not timed.
func TestNewSaveCancelsRunningGrading(t *testing.T) {
	t.Parallel()
	w := newFairWorld(t, 1, "A")
	w.app.Gradings.SetWatch(5*time.Millisecond, func(newer bool) {
		w.grader.note(fmt.Sprint("check ", newer))
	})
	w.grader.hold("A-slow")
	w.save('A', 0, "A-slow")
	w.run(w.worker(1))
	w.waitFor("the slow grading to start", func() bool { return w.grader.has("start A-slow") })

	w.grader.note("saving")
	w.save('A', 0, "A-fast")
	w.grader.note("saved")
	w.waitFor("the new answer's grading", w.finished('A', 0))

	ev := w.grader.events()
	at := func(e string) int {
		i := slices.Index(ev, e)
		if i < 0 {
			t.Fatalf("no %q in %q", e, ev)
		}
		return i
	}
	saving, saved := at("saving"), at("saved")
	cancelled := slices.IndexFunc(ev, func(e string) bool { return strings.HasPrefix(e, "end A-slow: ") })
	if cancelled < saving || !strings.Contains(ev[cancelled], "newer save") {
		t.Fatalf("the slow grading did not end for the newer save: %q", ev)
	}
	// A look in flight while the save committed may still miss it; the
	// next one must not.
	checks := 0
	for _, e := range ev[saved:max(saved, cancelled)] {
		if e == "check false" {
			checks++
		}
	}
	if checks > 1 {
		t.Errorf("%d looks after the save missed it: %q", checks, ev[saved:cancelled])
	}
	if at("start A-fast") < cancelled {
		t.Errorf("the new answer was graded before the old grading ended: %q", ev)
	}
	if g := w.grading('A', 0); g.Status != grading.Done {
		t.Errorf("grading %+v, want done", g)
	}
	w.waitFor("the tasks' outcomes", w.settled)
	if got := w.taskOutcomes(); !slices.Equal(got, []string{"done/1", "done/1"}) {
		t.Errorf("tasks %v, want both done at the first attempt", got)
	}
}

// TestOneGradingAtATimePerApplication: candidate A saves three code
// answers and B one, with three grading slots: A's gradings run one after
// the other, and B's runs meanwhile.
func TestOneGradingAtATimePerApplication(t *testing.T) {
	t.Parallel()
	w := newFairWorld(t, 3, "AB")
	for _, who := range []string{"A1", "A2", "A3", "B1"} {
		w.grader.hold(who)
	}
	for i := range 3 {
		w.save('A', i, fmt.Sprint("A", i+1))
	}
	w.save('B', 0, "B1")
	w.run(w.worker(3))
	w.waitFor("B's grading to start", func() bool { return w.grader.has("start B1") })
	w.grader.open("B1")
	for _, who := range []string{"A1", "A2", "A3"} {
		w.waitFor(who+" to start", func() bool { return w.grader.has("start " + who) })
		w.grader.open(who)
	}
	for i := range 3 {
		w.waitFor("A's gradings", w.finished('A', i))
	}
	ev := w.grader.events()
	if n := w.grader.mostAtOnce('A'); n != 1 {
		t.Errorf("%d of A's gradings ran at once: %q", n, ev)
	}
	if slices.Index(ev, "start B1") > slices.Index(ev, "end A1") {
		t.Errorf("B waited for A: %q", ev)
	}
}

// TestKilledWorkerDoesNotBlockApplication: a worker dies while grading
// one of A's answers. A's other grading waits, until the dead one's lease
// expires; then both are graded.
func TestKilledWorkerDoesNotBlockApplication(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newFairWorld(t, 2, "A")
	w.save('A', 0, "A1")
	w.save('A', 1, "A2")
	// The dead worker's claim, as claim makes it.
	res, err := w.app.DB.Exec(ctx, `UPDATE tasks SET status = 'running', attempts = 1, lease_until = $1, worker = 'dead'
		WHERE id = (SELECT MIN(id) FROM tasks WHERE kind = $2)`, time.Now().Add(5*time.Minute), grading.TaskGrade)
	if n, _ := res.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("claiming for the dead worker: %v", err)
	}

	wk := w.worker(2)
	if err := wk.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	if w.grader.has("start A2") || w.grading('A', 1).Status != grading.Queued {
		t.Fatalf("A's second answer was graded while the first was held: %q", w.grader.events())
	}
	// The dead worker's lease runs out, by the database's clock.
	if _, err := w.app.DB.Exec(ctx, `UPDATE tasks SET lease_until = $1 WHERE worker = 'dead'`, time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := wk.RunUntilIdle(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if g := w.grading('A', i); g.Status != grading.Done {
			t.Errorf("step %d: %s, want done", i+1, g.Status)
		}
	}
	if got := w.taskOutcomes(); !slices.Equal(got, []string{"done/2", "done/1"}) {
		t.Errorf("tasks %v, want the lost one done at its second attempt", got)
	}
}

// TestGradingOverBudgetEnds: code that runs as long as it may is stopped
// at the grading's budget; the grading says so, is not retried, and the
// slot goes to the next candidate.
func TestGradingOverBudgetEnds(t *testing.T) {
	t.Parallel()
	w := newFairWorld(t, 1, "AB")
	w.app.Gradings.SetBudget(50 * time.Millisecond)
	w.grader.hold("A-endless")
	w.save('A', 0, "A-endless")
	w.save('B', 0, "B")
	w.run(w.worker(1))
	w.waitFor("both gradings", func() bool { return w.finished('A', 0)() && w.finished('B', 0)() })

	g := w.grading('A', 0)
	if g.Status != grading.Error || !strings.HasPrefix(g.Error, "Grading took longer than 0 s, the limit for this task") || g.Score != nil {
		t.Errorf("the endless grading: %s %q, score %v", g.Status, g.Error, g.Score)
	}
	if cand := g.ForCandidate(); cand.Error != g.Error {
		t.Errorf("the candidate reads %q", cand.Error)
	}
	if b := w.grading('B', 0); b.Status != grading.Done {
		t.Errorf("B's grading: %s", b.Status)
	}
	w.waitFor("the tasks' outcomes", w.settled)
	if got := w.taskOutcomes(); !slices.Equal(got, []string{"done/1", "done/1"}) {
		t.Errorf("tasks %v, want both done at the first attempt", got)
	}
}

func TestBudget(t *testing.T) {
	t.Parallel()
	py := func(wall time.Duration, visible, hidden string, io ...grader.IOCase) grader.Suite {
		return grader.Suite{Language: grader.Python, Visible: visible, Hidden: hidden, IOCases: io, IncludeHidden: true,
			Limits: sandbox.Limits{Wall: wall}}
	}
	many := make([]grader.IOCase, 100)
	goSuite := py(10*time.Second, "t", "")
	goSuite.Language = grader.Go
	trial := py(20*time.Second, "t", "h", grader.IOCase{Hidden: true}, grader.IOCase{})
	trial.IncludeHidden = false
	for _, tc := range []struct {
		name  string
		suite grader.Suite
		want  time.Duration
	}{
		{"visible, hidden and a case", py(10*time.Second, "t", "h", grader.IOCase{}), 45 * time.Second},
		{"the sandbox's wall by default", py(0, "t", "h", grader.IOCase{}), 45 * time.Second},
		{"at least 30 s", py(time.Second, "t", ""), 30 * time.Second},
		{"Go compiles first", goSuite, 80 * time.Second},
		{"capped", py(60*time.Second, "t", "h", many...), 3 * time.Minute},
		{"hidden runs only when included", trial, 50 * time.Second},
	} {
		if got := grading.BudgetFor(tc.suite); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRunIsNotHeldByGradings: with every grading slot busy and another
// grading waiting, candidates' runs of the visible tests still go at
// once: they never wait for a worker. One candidate still has one run at
// a time.
func TestRunIsNotHeldByGradings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newFairWorld(t, 1, "AB")
	w.grader.hold("A-grade")
	w.grader.hold("A-run")
	w.save('A', 0, "A-grade")
	w.save('B', 0, "B-grade")
	w.run(w.worker(1))
	w.waitFor("A's grading to take the slot", func() bool { return w.grader.has("start A-grade") })

	run := func(c byte, who string) error {
		_, err := w.app.Gradings.Run(ctx, w.apps[c], w.steps[0].ID, "python", fmt.Sprintf("# who: %s\ndef f():\n    return 1\n", who))
		return err
	}
	first := make(chan error, 1)
	go func() { first <- run('A', "A-run") }()
	w.waitFor("A's run to start", func() bool { return w.grader.has("start A-run") })
	if err := run('A', "A-run-2"); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("A's second run at once: %v, want rate limited", err)
	}
	if err := run('B', "B-run"); err != nil {
		t.Errorf("B's run: %v", err)
	}
	w.grader.open("A-run")
	if err := <-first; err != nil {
		t.Errorf("A's run: %v", err)
	}
	if w.grader.has("start B-grade") || w.grading('A', 0).Status != grading.Running {
		t.Errorf("the runs went while gradings waited? %q", w.grader.events())
	}
	w.grader.open("A-grade")
	w.waitFor("the gradings", func() bool { return w.finished('A', 0)() && w.finished('B', 0)() })
}
