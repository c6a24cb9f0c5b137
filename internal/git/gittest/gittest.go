// Package gittest is what tests need of git: it is there, or the test is
// skipped loudly, and failed on CI, which installs it (scripts/test.sh);
// and work handed in as a zip.
package gittest

import (
	"archive/zip"
	"bytes"
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

// Zip makes a zip of files, by path, as a candidate hands work in.
func Zip(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for p, text := range files {
		f, err := zw.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
