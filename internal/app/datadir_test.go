package app_test

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
)

func mode(t *testing.T, path string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestDataDirIsPrivate: what anyhour creates in its data directory (on
// SQLite, whatever the suite's database) is
// for its own user only (the directories 0700, the files 0600: the
// SQLite database and its -wal and -shm, the blob store's directories and
// files, uploads), and a looser directory found at start is tightened,
// path by path, each with a log line.
func TestDataDirIsPrivate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "data")

	// A data directory as a backup might restore it: readable by all.
	for _, d := range []string{dir, filepath.Join(dir, "blobs", "media", "1")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		os.Chmod(d, 0o755)
	}
	loose := map[string]fs.FileMode{
		filepath.Join(dir, "notes.txt"):                       0o644,
		filepath.Join(dir, "blobs", "media", "1", "original"): 0o664,
		filepath.Join(dir, "private.txt"):                     0o600,
	}
	for p, m := range loose {
		if err := os.WriteFile(p, []byte("x"), m); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, m)
	}
	outside := filepath.Join(t.TempDir(), "shared.txt")
	if err := os.WriteFile(outside, []byte("not anyhour's"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(outside, 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}

	var logs bytes.Buffer
	a, err := app.Open(ctx, app.Config{DataDir: dir}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}

	want := map[string]fs.FileMode{
		dir:                                  0o700,
		filepath.Join(dir, "blobs"):          0o700,
		filepath.Join(dir, "blobs", "media"): 0o700,
		filepath.Join(dir, "blobs", "media", "1"):             0o700,
		filepath.Join(dir, "notes.txt"):                       0o600,
		filepath.Join(dir, "blobs", "media", "1", "original"): 0o600,
		filepath.Join(dir, "private.txt"):                     0o600,
	}
	for p, m := range want {
		if got := mode(t, p); got != m {
			t.Errorf("%s: %v, want %v", p, got, m)
		}
	}
	if got := mode(t, outside); got != 0o644 {
		t.Errorf("a file outside, reached by a link, became %v", got)
	}
	tightened := 0
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(line, "permissions tightened") {
			tightened++
		}
	}
	for _, p := range []string{dir, filepath.Join(dir, "notes.txt"), filepath.Join(dir, "blobs", "media", "1", "original")} {
		if !strings.Contains(logs.String(), "path="+p+" ") {
			t.Errorf("no log line for %s:\n%s", p, logs.String())
		}
	}
	if tightened != 6 { // dir, blobs, media, 1, notes.txt, original
		t.Errorf("%d paths logged as tightened, want 6:\n%s", tightened, logs.String())
	}
	if strings.Contains(logs.String(), "private.txt") {
		t.Error("a file already private was logged")
	}

	// What anyhour makes itself: the database and its companions, the
	// blob store's files and directories, the uploads' directory.
	if _, err := a.Blobs.Put(ctx, "media/2/original", strings.NewReader("recording")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"anyhour.db", "anyhour.db-wal", "anyhour.db-shm", "blobs/media/2/original"} {
		if got := mode(t, filepath.Join(dir, p)); got != 0o600 {
			t.Errorf("%s: %v, want 0600", p, got)
		}
	}
	for _, p := range []string{"blobs/media/2", "blobs/uploads"} {
		if got := mode(t, filepath.Join(dir, p)); got != 0o700 {
			t.Errorf("%s: %v, want 0700", p, got)
		}
	}
	if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		if m := mode(t, p); m&0o077 != 0 {
			t.Errorf("%s is %v", p, m)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	// A second start finds nothing to change.
	a.Close()
	logs.Reset()
	b, err := app.Open(ctx, app.Config{DataDir: dir}, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
	if strings.Contains(logs.String(), "tightened") {
		t.Errorf("the second start tightened again:\n%s", logs.String())
	}
}
