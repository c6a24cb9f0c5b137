package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

const (
	python = "/usr/bin/python3" // by real path: python3 on PATH may be a pyenv shim
	node   = "/usr/bin/node"
)

var (
	boxOnce sync.Once
	box     *sandbox.Box
)

// newBox returns the package's shared Box (it is safe for concurrent use).
func newBox(t *testing.T) *sandbox.Box {
	t.Helper()
	b := sandboxtest.New(t)
	boxOnce.Do(func() { box = b })
	return box
}

func mustRun(t *testing.T, b *sandbox.Box, cmd sandbox.Command) sandbox.Result {
	t.Helper()
	res, err := b.Run(context.Background(), cmd)
	if err != nil {
		t.Fatalf("Run(%q): %v", cmd.Args, err)
	}
	return res
}

// pythonCmd runs a Python program given as source.
func pythonCmd(src string, lim sandbox.Limits) sandbox.Command {
	return sandbox.Command{
		Args:   []string{python, "main.py"},
		Files:  []sandbox.File{{Path: "main.py", Data: []byte(src)}},
		Limits: lim,
	}
}

// stillWorks shows that the box still runs an ordinary program after a
// hostile one.
func stillWorks(t *testing.T, b *sandbox.Box) {
	t.Helper()
	res := mustRun(t, b, sandbox.Command{Args: []string{"/bin/echo", "still", "works"}})
	if res.ExitCode != 0 || string(res.Stdout) != "still works\n" {
		t.Fatalf("ordinary run after a hostile one: %+v", res)
	}
}

func TestHello(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	tests := []struct {
		name string
		cmd  sandbox.Command
		want string
	}{
		{"python", sandbox.Command{
			Args:  []string{python, "pkg/hello.py"},
			Files: []sandbox.File{{Path: "pkg/hello.py", Data: []byte("import sys\nprint('hello', sys.stdin.read())\n")}},
			Stdin: []byte("from stdin"),
		}, "hello from stdin\n"},
		{"node", sandbox.Command{
			Args:  []string{node, "hello.js"},
			Files: []sandbox.File{{Path: "hello.js", Data: []byte("console.log('hello from ' + process.env.WHO)\n")}},
			Env:   []string{"WHO=node"},
		}, "hello from node\n"},
		{"shell with an executable file", sandbox.Command{
			Args:  []string{"/task/bin/hi.sh"},
			Files: []sandbox.File{{Path: "bin/hi.sh", Data: []byte("#!/bin/sh\necho hello from $(pwd)\n"), Mode: 0o755}},
		}, "hello from /task\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := mustRun(t, b, tt.cmd)
			if res.ExitCode != 0 || string(res.Stdout) != tt.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", res.ExitCode, res.Stdout, res.Stderr, tt.want)
			}
		})
	}
}

func TestExitCodesAndCollect(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	res := mustRun(t, b, pythonCmd(`
import os, sys
os.makedirs("out", exist_ok=True)
open("out/result.json", "w").write('{"ok": true}')
os.symlink("/etc/passwd", "passwd")    # the host has one; Collect must not follow
os.symlink("../../../proc/1/environ", "escape")
os.mkfifo("fifo")
sys.stderr.write("bye\n")
sys.exit(3)
`, sandbox.Limits{}))
	if res.ExitCode != 3 || res.Signal != "" || string(res.Stderr) != "bye\n" {
		t.Fatalf("exit %d signal %q stderr %q", res.ExitCode, res.Signal, res.Stderr)
	}
	res = mustRun(t, b, sandbox.Command{
		Args:    []string{"/bin/sh", "-c", `echo '{"ok": true}' > result.json; ln -s /etc/passwd passwd; ln -s ../../../../etc/hostname up; mkfifo fifo; kill -SEGV $$`},
		Collect: []string{"result.json", "passwd", "up", "fifo", "missing.txt"},
	})
	if res.ExitCode != -1 || res.Signal != "segmentation fault" {
		t.Errorf("exit %d signal %q, want -1 and segmentation fault", res.ExitCode, res.Signal)
	}
	want := map[string][]byte{"result.json": []byte("{\"ok\": true}\n")}
	if fmt.Sprint(res.Collected) != fmt.Sprint(want) {
		t.Errorf("Collected = %q, want %q", res.Collected, want)
	}
}

func TestBadCommand(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	for _, cmd := range []sandbox.Command{
		{Args: []string{"python3", "-V"}},
		{},
		{Args: []string{"/bin/true"}, Files: []sandbox.File{{Path: "../x"}}},
		{Args: []string{"/bin/true"}, Files: []sandbox.File{{Path: "/etc/x"}}},
		{Args: []string{"/bin/true"}, Collect: []string{"../../etc/passwd"}},
		{Args: []string{"/bin/true"}, Binds: []sandbox.Bind{{Src: "/", Dst: "/"}}},
		{Args: []string{"/bin/true"}, Binds: []sandbox.Bind{{Src: "/etc", Dst: "/proc/x"}}},
		{Args: []string{"/bin/true"}, Env: []string{"NOEQUALS"}},
	} {
		if _, err := b.Run(context.Background(), cmd); !errors.Is(err, sandbox.ErrBadCommand) {
			t.Errorf("Run(%+v) = %v, want ErrBadCommand", cmd, err)
		}
	}
	// Failures of the sandbox itself are errors, not Results.
	for _, cmd := range []sandbox.Command{
		{Args: []string{"/usr/bin/no-such-program"}},
		{Args: []string{"/bin/true"}, Binds: []sandbox.Bind{{Src: "/no/such/dir", Dst: "/opt/x"}}},
	} {
		if res, err := b.Run(context.Background(), cmd); err == nil {
			t.Errorf("Run(%q) = %+v, want an error", cmd.Args, res)
		}
	}
	stillWorks(t, b)
}

func TestBinaryOutputKeptExactly(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	var all []byte
	for i := range 256 {
		all = append(all, byte(i))
	}
	all = append(all, 0xff, 0xfe, 0xc3, 0x28, 0, 0, 0xed, 0xa0, 0x80) // invalid UTF-8, NULs
	res := mustRun(t, b, sandbox.Command{
		Args:  []string{"/bin/sh", "-c", "cat data; cat data >&2"},
		Files: []sandbox.File{{Path: "data", Data: all}},
	})
	if !bytes.Equal(res.Stdout, all) || !bytes.Equal(res.Stderr, all) {
		t.Errorf("stdout %q\nstderr %q\nwant   %q", res.Stdout, res.Stderr, all)
	}
}

// TestOutputFlood is not parallel: it measures the test process's
// allocations while 100 MB go through the pipes.
func TestOutputFlood(t *testing.T) {
	b := newBox(t)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cmd := pythonCmd(`
import sys
chunk = b"\x00\xff-flood" * (1 << 17)   # 1 MiB
for _ in range(100):
    sys.stdout.buffer.write(chunk)
    sys.stderr.buffer.write(chunk[:1 << 19])
sys.stdout.flush()
open("done", "w").write("all written")
`, sandbox.Limits{OutputBytes: 1 << 20})
	cmd.Collect = []string{"done"}
	res := mustRun(t, b, cmd)
	runtime.ReadMemStats(&after)
	if res.ExitCode != 0 || res.TimedOut || string(res.Collected["done"]) != "all written" {
		t.Fatalf("exit %d, timed out %v, collected %q", res.ExitCode, res.TimedOut, res.Collected)
	}
	if len(res.Stdout) != 1<<20 || !res.StdoutTruncated || len(res.Stderr) != 1<<20 || !res.StderrTruncated {
		t.Errorf("stdout %d bytes (truncated %v), stderr %d (truncated %v); want 1 MiB each, truncated",
			len(res.Stdout), res.StdoutTruncated, len(res.Stderr), res.StderrTruncated)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Errorf("the test process allocated %d MB for 150 MB of output", grew>>20)
	}
	t.Logf("150 MB of output in %v; the server allocated %d KB", res.Wall, (after.TotalAlloc-before.TotalAlloc)>>10)
}

func TestConcurrentRuns(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			res, err := b.Run(context.Background(), pythonCmd(
				fmt.Sprintf("import time\nopen('/tmp/mine', 'w').write('%d')\ntime.sleep(0.2)\nprint(open('/tmp/mine').read() * 3)\n", i),
				sandbox.Limits{}))
			want := strings.Repeat(fmt.Sprint(i), 3) + "\n"
			switch {
			case err != nil:
				errs <- err
			case res.ExitCode != 0 || string(res.Stdout) != want:
				errs <- fmt.Errorf("run %d: exit %d stdout %q stderr %q, want %q", i, res.ExitCode, res.Stdout, res.Stderr, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	rep := b.Check(context.Background())
	t.Logf("Check: %s", rep)
	if !rep.UserNamespaces || rep.Bwrap == "" || rep.Version == "" {
		t.Errorf("Check = %+v", rep)
	}
}

// BenchmarkOverhead measures an empty run in the box (bwrap start and
// teardown, cgroups) against a direct exec of the same program; compare
// the two lines' ns/op:
//
//	go test ./internal/sandbox -run '^$' -bench Overhead
func BenchmarkOverhead(b *testing.B) {
	box := sandboxtest.New(b)
	b.Run("boxed", func(b *testing.B) {
		for b.Loop() {
			res, err := box.Run(context.Background(), sandbox.Command{Args: []string{"/bin/true"}})
			if err != nil || res.ExitCode != 0 {
				b.Fatalf("/bin/true in the box: %v %+v", err, res)
			}
		}
	})
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command("/bin/true").Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestNewWithoutBwrap(t *testing.T) {
	t.Parallel()
	_, err := sandbox.New(sandbox.Options{Bwrap: "/nonexistent/bwrap"})
	if !errors.Is(err, sandbox.ErrNoBwrap) || !strings.Contains(err.Error(), "apt-get install bubblewrap") {
		t.Errorf("New with a missing bwrap = %v, want ErrNoBwrap naming the Debian package", err)
	}
}

// TestTwoBoxes: two Boxes in one process (a test's beside the app's) run
// at the same time without their cgroups clashing.
func TestTwoBoxes(t *testing.T) {
	t.Parallel()
	a, b := sandboxtest.New(t), sandboxtest.New(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, box := range []*sandbox.Box{a, b} {
		wg.Go(func() {
			for range 5 {
				res, err := box.Run(context.Background(), sandbox.Command{Args: []string{"/bin/true"}})
				if err == nil && res.ExitCode != 0 {
					err = fmt.Errorf("exit %d: %s", res.ExitCode, res.Stderr)
				}
				if err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("box %d: %v", i, err)
		}
	}
}

// TestHostUser: what a box writes through a writable bind belongs, on the
// host, to the user HostUser names, or to the server's user when boxes
// run as that.
func TestHostUser(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	uid, gid, ok := b.HostUser()
	if !ok {
		uid, gid = os.Getuid(), os.Getgid()
	}
	if ok != (os.Geteuid() == 0) {
		t.Errorf("HostUser ok = %v for a server with euid %d", ok, os.Geteuid())
	}
	dir := t.TempDir()
	// The box's user must be able to reach and write the bound directory.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(out, uid, gid); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, b, sandbox.Command{Args: []string{"/bin/sh", "-c", "echo hi > /out/f"},
		Binds: []sandbox.Bind{{Src: out, Dst: "/out", Writable: true}}})
	if res.ExitCode != 0 {
		t.Fatalf("writing into the bind: exit %d: %s", res.ExitCode, res.Stderr)
	}
	fi, err := os.Stat(filepath.Join(out, "f"))
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if int(st.Uid) != uid || int(st.Gid) != gid {
		t.Errorf("the box's file belongs to %d:%d, HostUser says %d:%d (ok %v)", st.Uid, st.Gid, uid, gid, ok)
	}
}
