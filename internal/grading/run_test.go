package grading_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/grading"
)

// stillClock moves only when told: a minute's window stays open however
// slowly the machine runs the test.
type stillClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stillClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *stillClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRunsAcrossProcesses: a candidate's runs go through two anyhour
// processes on one database. Bursts of runs at once get exactly one
// running at a time and exactly RunsPerMinute in the minute, however
// they are spread; the team's tries likewise. A process that dies with a
// run going holds the candidate only until the hold ends: a clock jumped
// five minutes frees them, and the dead run's late give-back frees
// nobody else's.
func TestRunsAcrossProcesses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newFairWorld(t, 1, "A")
	other := w.world.Another(t).App
	other.Gradings.SetGradeFunc(w.grader.Grade)
	clock := &stillClock{t: time.Now()}
	w.app.Gradings.SetClock(clock.Now)
	other.Gradings.SetClock(clock.Now)
	processes := []*grading.Service{w.app.Gradings, other.Gradings}
	code := func(who string) string { return fmt.Sprintf("# who: %s\ndef f():\n    return 1\n", who) }
	run := func(p int, who string) error {
		_, err := processes[p%2].Run(ctx, w.apps['A'], w.steps[0].ID, "python", code(who))
		return err
	}
	// burst runs n at once, alternating between the processes.
	burst := func(n int, prefix string) (allowed int, refusals []string) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for i := range n {
			wg.Go(func() {
				err := run(i, fmt.Sprintf("%s-%d", prefix, i))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					allowed++
				case errors.Is(err, apperr.ErrRateLimited):
					refusals = append(refusals, apperr.Message(err))
				default:
					t.Errorf("run: %v", err)
				}
			})
		}
		wg.Wait()
		return allowed, refusals
	}
	// runHeld starts a run that goes on until its gate opens.
	runHeld := func(p int, who string) chan error {
		w.grader.hold(who)
		done := make(chan error, 1)
		go func() { done <- run(p, who) }()
		w.waitFor(who+" to start", func() bool { return w.grader.has("start " + who) })
		return done
	}

	first := runHeld(0, "A-first")
	if allowed, refusals := burst(20, "A-beside"); allowed != 0 || !strings.Contains(refusals[0], "already going") {
		t.Errorf("%d of 20 runs started beside a run going; refusals %q", allowed, refusals)
	}
	w.grader.open("A-first")
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	total := 1
	for round := 0; total < grading.RunsPerMinute && round < 500; round++ {
		n, _ := burst(8, fmt.Sprint("A-round", round))
		total += n
	}
	n, _ := burst(8, "A-over")
	total += n
	if total != grading.RunsPerMinute {
		t.Errorf("%d runs in the minute through two processes, want exactly %d", total, grading.RunsPerMinute)
	}
	if most := w.grader.mostAtOnce('A'); most != 1 {
		t.Errorf("%d runs of one candidate at once, want 1", most)
	}
	if err := run(1, "A-one-more"); !errors.Is(err, apperr.ErrRateLimited) || !strings.Contains(apperr.Message(err), "runs in a minute") {
		t.Errorf("one more run in the minute: %v", err)
	}

	// The team's tries of a reference solution: one at a time per member,
	// across processes.
	try := func(p int, who string) error {
		_, err := processes[p%2].Try(ctx, w.owner, 0, w.steps[0], "python", code(who))
		return err
	}
	w.grader.hold("T-try")
	tried := make(chan error, 1)
	go func() { tried <- try(0, "T-try") }()
	w.waitFor("the try to start", func() bool { return w.grader.has("start T-try") })
	if err := try(1, "T-beside"); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("a second try at once on the other process: %v, want rate limited", err)
	}
	w.grader.open("T-try")
	if err := <-tried; err != nil {
		t.Fatal(err)
	}

	// A process dies with a run going: A-stuck never gives its hold back
	// (its gate stays shut until the end).
	clock.Advance(time.Minute)
	stuck := runHeld(0, "A-stuck")
	if allowed, _ := burst(6, "A-held"); allowed != 0 {
		t.Errorf("%d runs started while a dead process holds the candidate", allowed)
	}
	clock.Advance(5 * time.Minute)
	next := runHeld(1, "A-after-jump")
	w.grader.open("A-stuck") // the dead run's late give-back
	if err := <-stuck; err != nil {
		t.Fatal(err)
	}
	if err := run(0, "A-beside-next"); !errors.Is(err, apperr.ErrRateLimited) {
		t.Errorf("a run beside the one after the jump, once the dead one gave back: %v, want rate limited", err)
	}
	w.grader.open("A-after-jump")
	if err := <-next; err != nil {
		t.Fatal(err)
	}
	if err := run(0, "A-last"); err != nil {
		t.Errorf("a run after the others ended: %v", err)
	}
}
