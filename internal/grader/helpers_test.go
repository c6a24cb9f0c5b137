package grader_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

var (
	graderOnce   sync.Once
	sharedGrader *grader.Grader
	graderErr    error
	// slots bounds the sandbox runs the tests make at once.
	slots = make(chan struct{}, runtime.NumCPU())
)

// mustGrader returns a Grader on the real sandbox, shared by the tests.
// Without bubblewrap the test is skipped, loudly, and fails on CI.
func mustGrader(t testing.TB) *grader.Grader {
	t.Helper()
	graderOnce.Do(func() {
		box, err := sandbox.New(sandbox.Options{})
		if err != nil {
			graderErr = err
			return
		}
		sharedGrader, graderErr = grader.New(box, grader.Options{})
	})
	if errors.Is(graderErr, sandbox.ErrNoBwrap) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("grading tests need bubblewrap: %v", graderErr)
		}
		t.Skipf("SKIPPING: grading tests need bubblewrap: %v", graderErr)
	}
	if graderErr != nil {
		t.Fatal(graderErr)
	}
	return sharedGrader
}

// mustGoGrader is mustGrader where Go must work too: without it the test
// is skipped, loudly, and fails on CI.
func mustGoGrader(t testing.TB) *grader.Grader {
	t.Helper()
	g := mustGrader(t)
	if g.GoError() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Go is not available: %v", g.GoError())
		}
		t.Skipf("SKIPPING: Go is not available: %v", g.GoError())
	}
	return g
}

// mustGrade grades s, holding one of the slots while it does.
func mustGrade(t testing.TB, s grader.Suite) grader.Outcome {
	t.Helper()
	g := mustGrader(t)
	if s.Language == grader.Go {
		g = mustGoGrader(t)
	}
	slots <- struct{}{}
	defer func() { <-slots }()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	o, err := g.Grade(ctx, s)
	if err != nil {
		t.Fatalf("Grade: %v", err)
	}
	return o
}
