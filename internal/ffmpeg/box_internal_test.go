package ffmpeg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// boxedTools returns Tools running in the real sandbox. (mediatest, which
// other tests use, imports this package.)
func boxedTools(t *testing.T) Tools {
	t.Helper()
	tools, err := Find()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but ffmpeg is missing: %v", err)
		}
		t.Skipf("SKIPPING: media tests need ffmpeg (apt-get install ffmpeg): %v", err)
	}
	tools.Runner = sandboxtest.New(t)
	return tools
}

// The box sees its input read-only and can write nowhere but /out: a
// shell in it tries everything else, and the input is unchanged after.
func TestBoxCannotWriteItsInput(t *testing.T) {
	t.Parallel()
	tools := boxedTools(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "answer.webm")
	original := []byte("what the candidate sent\n")
	if err := os.WriteFile(in, original, 0o644); err != nil {
		t.Fatal(err)
	}
	// Writable by anyone, so that only the read-only bind protects it.
	if err := os.Chmod(in, 0o666); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	script := `
		cat /in/input > /out/output
		echo more >> /in/input && echo appended to the input
		printf '' > /in/input && echo truncated the input
		rm -f /in/input && echo removed the input
		mv /in/input /in/moved && echo moved the input
		chmod 666 /in/input && echo changed the mode of the input
		touch /in/new && echo wrote beside the input
		touch /new && echo wrote at the root
		touch /usr/new && echo wrote in /usr
		exit 0`
	res, err := tools.run(context.Background(), job{bin: "/usr/bin/sh", in: in, out: out, limits: posterJob, args: []string{"-c", script}})
	if err != nil {
		t.Fatal(err)
	}
	if s := strings.TrimSpace(string(res.stdout)); s != "" {
		t.Errorf("the box:\n%s", s)
	}
	if got, _ := os.ReadFile(in); !bytes.Equal(got, original) {
		t.Errorf("the input is now %q", got)
	}
	if got, _ := os.ReadFile(out); !bytes.Equal(got, original) {
		t.Errorf("the output is %q, want a copy of the input", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the directory holds %d entries, want the input and the output", len(entries))
	}
}

// A box that leaves a symlink as its output (to a host file it could not
// read, hoping the server would) gets an error, not the file.
func TestBoxOutputMustBeAFile(t *testing.T) {
	t.Parallel()
	tools := boxedTools(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.WriteFile(in, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	_, err := tools.run(context.Background(), job{bin: "/usr/bin/ln", in: in, out: out, limits: posterJob,
		args: []string{"-s", "/etc/shadow", boxOutput}})
	if err == nil || !strings.Contains(err.Error(), "not a plain file") {
		t.Errorf("run = %v, want a refusal of the symlink", err)
	}
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		t.Errorf("the symlink reached %s: %v", out, err)
	}
}

// The box has no network: ffmpeg, even without the protocol whitelist,
// cannot reach a server on the host's loopback, which it reaches from
// outside the box.
func TestBoxHasNoNetwork(t *testing.T) {
	t.Parallel()
	tools := boxedTools(t)
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	args := []string{"-nostdin", "-v", "error", "-i", srv.URL + "/answer.webm", "-f", "null", "-"}
	_, err := tools.run(context.Background(), job{bin: tools.FFmpeg, limits: probeJob, args: args})
	var exit *exitError
	if !errors.As(err, &exit) || hits.Load() != 0 {
		t.Fatalf("in the box: %v, with %d requests to the server; want a failure and none", err, hits.Load())
	}
	exec.Command(tools.FFmpeg, args...).Run()
	if hits.Load() == 0 {
		t.Error("outside the box ffmpeg did not reach the server either: the test shows nothing")
	}
}

// A command over its memory cap fails with a *LimitError.
func TestBoxMemoryCap(t *testing.T) {
	t.Parallel()
	tools := boxedTools(t)
	l := probeJob
	l.MemoryBytes = 48 * mb
	// One 8192×8192 picture is 100 MB; no input file is needed to make it.
	_, err := tools.run(context.Background(), job{bin: tools.FFmpeg, limits: l, args: []string{
		"-nostdin", "-v", "error", "-f", "lavfi", "-i", "color=s=8192x8192", "-frames:v", "1", "-f", "null", "-"}})
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "memory") {
		t.Errorf("run = %v, want a *LimitError about memory", err)
	}
}

// A command that writes past its file size cap fails with a *LimitError,
// and its output goes nowhere.
func TestBoxFileSizeCap(t *testing.T) {
	t.Parallel()
	tools := boxedTools(t)
	out := filepath.Join(t.TempDir(), "out")
	l := posterJob
	l.FileBytes = 1 * mb
	// Ten raw 320x240 frames are 1.2 MB.
	_, err := tools.run(context.Background(), job{bin: tools.FFmpeg, out: out, limits: l, args: []string{
		"-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-frames:v", "10",
		"-pix_fmt", "yuv420p", "-c:v", "rawvideo", "-f", "nut", "-y", "file:" + boxOutput}})
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(le.Reason, "larger than 1 MB") {
		t.Errorf("run = %v, want a *LimitError about the size", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("the output reached %s: %v", out, err)
	}
}

// removeStale removes the command directories of servers that are gone,
// and only those.
func TestRemoveStale(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	gone := exec.Command("/bin/true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{ // name: should stay
		fmt.Sprintf("%s%d-1", stagingPrefix, gone.Process.Pid): false,
		fmt.Sprintf("%s%d-2", stagingPrefix, os.Getpid()):      true,
		stagingPrefix + "1-3":                                  true, // init is alive
		"anyhour-media-4":                                      true, // not ours
	}
	for name := range names {
		if err := os.MkdirAll(filepath.Join(dir, name, "out"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	removeStale(dir)
	for name, stay := range names {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != stay {
			t.Errorf("%s: present %v, want %v", name, err == nil, stay)
		}
	}
}
