package git_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/git/gittest"
)

func newRepo(t *testing.T) git.Repo {
	t.Helper()
	gittest.Need(t)
	r, err := git.Init(context.Background(), filepath.Join(t.TempDir(), "repo.git"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var who = git.Signature{Name: "anyhour", Email: "noreply@anyhour.invalid", When: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}

func TestCommitTreeAndBundle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := newRepo(t)
	files := []git.File{
		{Path: "README.md", Data: []byte("# Pricing\n")},
		{Path: "app/pricing.py", Data: []byte("def total(items):\n    return 0\n")},
		{Path: "run.sh", Data: []byte("#!/bin/sh\n"), Executable: true},
		{Path: `odd "name" with\slash`, Data: []byte("x")},
	}
	if _, err := r.Commit(ctx, files, "", "Starter", who); !errors.Is(err, git.ErrBadPath) {
		t.Fatalf("a path with a backslash: %v, want ErrBadPath", err)
	}
	files[3].Path = `odd "name" here.txt`
	first, err := r.Commit(ctx, files, "", "Starter", who)
	if err != nil {
		t.Fatal(err)
	}
	if head, _ := r.Head(ctx); head != first {
		t.Errorf("head %s, want %s", head, first)
	}
	got, err := r.Files(ctx, first, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].Path != "README.md" || string(got[1].Data) != "def total(items):\n    return 0\n" || !got[3].Executable || got[2].Path != `odd "name" here.txt` {
		t.Errorf("files %+v", got)
	}
	if _, err := r.Files(ctx, first, 10); err == nil {
		t.Error("a tree over the limit was read")
	}

	// A second commit on the first; one on a stale parent is refused.
	second, err := r.Commit(ctx, []git.File{{Path: "app/pricing.py", Data: []byte("def total(items):\n    return sum(items)\n")}}, first, "Sum", who)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Commit(ctx, files, first, "Stale", who); !errors.Is(err, git.ErrMoved) {
		t.Errorf("a commit on a stale parent: %v, want ErrMoved", err)
	}
	log, err := r.Log(ctx, second, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 || log[0].ID != second || log[0].Parent != first || log[0].Message != "Sum" || !log[1].When.Equal(who.When) {
		t.Errorf("log %+v", log)
	}

	// A bundle makes the repository again.
	bundle := filepath.Join(t.TempDir(), "repo.bundle")
	if err := r.Bundle(ctx, bundle); err != nil {
		t.Fatal(err)
	}
	if err := git.Verify(ctx, bundle); err != nil {
		t.Fatal(err)
	}
	again, err := git.Restore(ctx, filepath.Join(t.TempDir(), "again.git"), bundle, 0)
	if err != nil {
		t.Fatal(err)
	}
	if head, _ := again.Head(ctx); head != second {
		t.Errorf("restored head %s, want %s", head, second)
	}
}

func TestCheckPath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "/etc/passwd", "../x", "a/../b", "a//b", "./a", ".git/config", "a/.GIT/hooks", "a/.git./x", "a\\b", "a\nb", "\xff"} {
		if err := git.CheckPath(p); !errors.Is(err, git.ErrBadPath) {
			t.Errorf("%q: %v, want ErrBadPath", p, err)
		}
	}
	for _, p := range []string{"a", "src/app.py", ".gitignore", "docs/the .github notes.md", "é/ü.txt"} {
		if err := git.CheckPath(p); err != nil {
			t.Errorf("%q: %v", p, err)
		}
	}
}
