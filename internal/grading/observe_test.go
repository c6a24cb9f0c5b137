package grading_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/grading"
)

// TestGradingsAreObserved: the observer hears each grading's kind and
// outcome: A's code, stopped at its budget, is over_budget, B's graded
// code is ok, and so is B's run of the visible tests.
func TestGradingsAreObserved(t *testing.T) {
	t.Parallel()
	w := newFairWorld(t, 1, "AB")
	var mu sync.Mutex
	var heard []string
	w.app.Gradings.SetObserver(func(kind, outcome string, d time.Duration) {
		mu.Lock()
		defer mu.Unlock()
		heard = append(heard, kind+" "+outcome)
	})
	w.app.Gradings.SetBudget(50 * time.Millisecond)
	w.grader.hold("A-endless")
	w.save('A', 0, "A-endless")
	w.save('B', 0, "B")
	w.run(w.worker(1))
	w.waitFor("both gradings", func() bool { return w.finished('A', 0)() && w.finished('B', 0)() })
	if _, err := w.app.Gradings.Run(context.Background(), w.apps['B'], w.steps[0].ID, "python", "# who: B-run\ndef f():\n    return 1\n"); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	got := slices.Sorted(slices.Values(heard))
	mu.Unlock()
	want := []string{grading.KindCode + " " + grading.OutcomeOK, grading.KindCode + " " + grading.OutcomeOverBudget, grading.KindRun + " " + grading.OutcomeOK}
	if !slices.Equal(got, want) {
		t.Errorf("heard %q, want %q", got, want)
	}
}
