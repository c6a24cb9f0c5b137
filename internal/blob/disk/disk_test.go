package disk_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/blob/disk"
)

// mustNew returns a Store in a fresh directory, and that directory.
func mustNew(t *testing.T) (*disk.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	s, err := disk.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func mustPut(t *testing.T, s blob.Store, key, content string) {
	t.Helper()
	n, err := s.Put(context.Background(), key, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(content)) {
		t.Fatalf("Put(%q) size = %d, want %d", key, n, len(content))
	}
}

func mustRead(t *testing.T, s blob.Store, key string) string {
	t.Helper()
	o, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err != nil {
		t.Fatal(err)
	}
	if o.Size() != int64(len(b)) {
		t.Errorf("Open(%q).Size() = %d, read %d bytes", key, o.Size(), len(b))
	}
	return string(b)
}

// files lists the regular files under dir, slash-separated and relative.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			names = append(names, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestRoundTrip(t *testing.T) {
	s, dir := mustNew(t)
	mustPut(t, s, "org/1/answers/7.webm", "hello, video")
	if got := mustRead(t, s, "org/1/answers/7.webm"); got != "hello, video" {
		t.Errorf("read %q, want %q", got, "hello, video")
	}

	o, err := s.Open(context.Background(), "org/1/answers/7.webm")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := o.Seek(7, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(o)
	if string(rest) != "video" {
		t.Errorf("after Seek(7) read %q, want %q", rest, "video")
	}
	if o.ModTime().IsZero() {
		t.Error("ModTime is zero")
	}
	if diff := cmp.Diff([]string{"org/1/answers/7.webm"}, files(t, dir)); diff != "" {
		t.Errorf("files on disk (-want +got):\n%s", diff)
	}
}

func TestEmptyObject(t *testing.T) {
	s, _ := mustNew(t)
	mustPut(t, s, "empty", "")
	if got := mustRead(t, s, "empty"); got != "" {
		t.Errorf("read %q, want nothing", got)
	}
}

func TestOverwrite(t *testing.T) {
	s, dir := mustNew(t)
	mustPut(t, s, "k", "first, longer content")
	mustPut(t, s, "k", "second")
	if got := mustRead(t, s, "k"); got != "second" {
		t.Errorf("read %q, want %q", got, "second")
	}
	if diff := cmp.Diff([]string{"k"}, files(t, dir)); diff != "" {
		t.Errorf("files on disk (-want +got):\n%s", diff)
	}
}

func TestStat(t *testing.T) {
	s, _ := mustNew(t)
	mustPut(t, s, "a/b", "12345")
	info, err := s.Stat(context.Background(), "a/b")
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != 5 || info.ModTime.IsZero() {
		t.Errorf("Stat = %+v, want size 5 and a ModTime", info)
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	s, dir := mustNew(t)
	mustPut(t, s, "a/b", "x")
	mustPut(t, s, "a/c", "y")
	if err := s.Delete(ctx, "a/b"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Stat(ctx, "a/b"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after Delete: %v, want ErrNotFound", err)
	}
	// Deleting is idempotent: a missing key, or a directory, is no error.
	for _, key := range []string{"a/b", "never", "a", "a/c/deeper"} {
		if err := s.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q) = %v, want nil", key, err)
		}
	}
	if diff := cmp.Diff([]string{"a/c"}, files(t, dir)); diff != "" {
		t.Errorf("files on disk (-want +got):\n%s", diff)
	}
}

func TestNotFound(t *testing.T) {
	ctx := context.Background()
	s, _ := mustNew(t)
	mustPut(t, s, "dir/file", "x")
	// "dir" is a directory, and "dir/file/x" runs through a file.
	for _, key := range []string{"missing", "dir", "dir/file/x", "nodir/x"} {
		t.Run(key, func(t *testing.T) {
			if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Open: %v, want ErrNotFound", err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
				t.Errorf("Stat: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestHostileKeys(t *testing.T) {
	ctx := context.Background()
	parent := t.TempDir()
	s, err := disk.New(filepath.Join(parent, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Targets the keys aim at, just outside the root.
	for _, name := range []string{"x", "b"} {
		if err := os.WriteFile(filepath.Join(parent, name), []byte("outside"), 0o600); err != nil {
			t.Fatal(err)
		}
	}

	for _, key := range []string{"", "../x", "/etc/passwd", "a/../../b", `a\b`, `..\x`, "a\x00b", "a/\nb", ".", "a//b"} {
		t.Run(key, func(t *testing.T) {
			if _, err := s.Put(ctx, key, strings.NewReader("evil")); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Put: %v, want ErrInvalidKey", err)
			}
			if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Open: %v, want ErrInvalidKey", err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Stat: %v, want ErrInvalidKey", err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
				t.Errorf("Delete: %v, want ErrInvalidKey", err)
			}
		})
	}

	if diff := cmp.Diff([]string{"b", "x"}, files(t, parent)); diff != "" {
		t.Errorf("files around the root (-want +got):\n%s", diff)
	}
	for _, name := range []string{"x", "b"} {
		if b, _ := os.ReadFile(filepath.Join(parent, name)); string(b) != "outside" {
			t.Errorf("%s now holds %q", name, b)
		}
	}
}

// A symlink planted inside the root (by hand, or by a bug elsewhere) must
// not lead the store outside it.
func TestSymlinkCannotEscape(t *testing.T) {
	ctx := context.Background()
	s, dir := mustNew(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cr3t"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skipf("cannot make symlinks here: %v", err)
	}
	if _, err := s.Open(ctx, "link/secret"); err == nil {
		t.Error("Open through a symlink out of the root succeeded")
	}
	if _, err := s.Put(ctx, "link/new", strings.NewReader("x")); err == nil {
		t.Error("Put through a symlink out of the root succeeded")
	}
	if err := s.Delete(ctx, "link/secret"); err == nil {
		t.Error("Delete through a symlink out of the root succeeded")
	}
	if diff := cmp.Diff([]string{"secret"}, files(t, outside)); diff != "" {
		t.Errorf("files outside (-want +got):\n%s", diff)
	}
}

// failingReader yields some bytes, then fails, like an upload cut short.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

func TestFailedPutLeavesNoObject(t *testing.T) {
	ctx := context.Background()
	s, dir := mustNew(t)
	errCut := errors.New("connection reset")
	partial := bytes.Repeat([]byte("p"), 100_000)

	_, err := s.Put(ctx, "up/new", &failingReader{data: partial, err: errCut})
	if !errors.Is(err, errCut) {
		t.Fatalf("Put = %v, want the reader's error", err)
	}
	if _, err := s.Stat(ctx, "up/new"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after failed Put: %v, want ErrNotFound", err)
	}

	// A failed overwrite keeps the old object.
	mustPut(t, s, "up/old", "old")
	_, err = s.Put(ctx, "up/old", &failingReader{data: partial, err: errCut})
	if !errors.Is(err, errCut) {
		t.Fatalf("Put = %v, want the reader's error", err)
	}
	if got := mustRead(t, s, "up/old"); got != "old" {
		t.Errorf("after failed overwrite read %q, want %q", got, "old")
	}

	// No temporary file is left behind either.
	if got := files(t, dir); !slices.Equal(got, []string{"up/old"}) {
		t.Errorf("files on disk = %q, want only up/old", got)
	}
}

func TestCancelledPutLeavesNoObject(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s, dir := mustNew(t)
	if _, err := s.Put(ctx, "k", strings.NewReader("data")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if got := files(t, dir); len(got) != 0 {
		t.Errorf("files on disk = %q, want none", got)
	}
}
