// Package gittest is what tests need of git: it is there, or the test is
// skipped loudly, and failed on CI, which installs it (scripts/test.sh).
package gittest

import (
	"os"
	"testing"

	"github.com/anyhour/anyhour/internal/git"
)

// Need skips t when git cannot be run, or fails it under CI=true.
func Need(t testing.TB) {
	t.Helper()
	if err := git.Available(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("git is needed here: %v", err)
		}
		t.Skipf("SKIPPING: git is needed here: %v", err)
	}
}
