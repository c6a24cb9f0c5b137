package sandbox_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// TestInheritedDescriptor: a server started with a descriptor open on its
// data directory and without close-on-exec (as a careless wrapper script
// leaves it) must not hand it to boxes. The first run shows the attack is
// real; after SealInherited, which the server runs at start and New runs
// too, the box sees nothing but its standard streams.
//
// Not parallel: while the descriptor is unsealed, every box would get it.
func TestInheritedDescriptor(t *testing.T) {
	b := newBox(t)
	dataDir := hostDir(t, false)
	if err := os.WriteFile(filepath.Join(dataDir, "anyhour.db"), []byte("SECRET ROWS"), 0o644); err != nil {
		t.Fatal(err)
	}
	fd, err := syscall.Open(dataDir, syscall.O_RDONLY|syscall.O_DIRECTORY, 0) // no O_CLOEXEC
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	script := fmt.Sprintf("echo $(ls /proc/self/fd); ls /proc/self/fd/%d/ 2>&1; cat /proc/self/fd/%d/anyhour.db 2>&1", fd, fd)
	cmd := sandbox.Command{Args: []string{"/bin/sh", "-c", script}}

	leaky := mustRun(t, b, cmd)
	if !strings.Contains(string(leaky.Stdout), "SECRET ROWS") {
		t.Fatalf("without sealing, the box did not see the inherited descriptor: %q", leaky.Stdout)
	}

	n, err := sandbox.SealInherited()
	if err != nil || n < 1 {
		t.Fatalf("SealInherited = %d, %v; want at least the data directory's descriptor", n, err)
	}
	res := mustRun(t, b, cmd)
	out := string(res.Stdout)
	if strings.Contains(out, "SECRET") {
		t.Errorf("the box reached the data directory through descriptor %d:\n%s", fd, out)
	}
	if first, _, _ := strings.Cut(out, "\n"); first != "0 1 2 3" {
		t.Errorf("the box has descriptors %q, want only 0 1 2 (and ls's own 3)", first)
	}
}

// TestExtraFiles: the descriptors a Command asks for arrive as 3, 4...
// and are the only ones besides the standard streams.
func TestExtraFiles(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	inR, inW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer inR.Close()
	defer outR.Close()
	go func() {
		inW.Write([]byte("ping\n"))
		inW.Close()
	}()
	res := mustRun(t, b, sandbox.Command{
		Args:       []string{"/bin/sh", "-c", "echo $(ls /proc/self/fd); read x <&3; echo \"$x pong\" >&4"},
		ExtraFiles: []*os.File{inR, outW},
	})
	outW.Close()
	got := make([]byte, 100)
	n, _ := outR.Read(got)
	if string(res.Stdout) != "0 1 2 3 4 5\n" || string(got[:n]) != "ping pong\n" {
		t.Errorf("descriptors %q (want 0-4 and ls's own 5), pipe %q (want \"ping pong\"); stderr %s", res.Stdout, got[:n], res.Stderr)
	}
}

// TestBoxUsers: boxes run as host users of their own, Peer boxes as
// another, and neither is the shared nobody.
func TestBoxUsers(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	uid, _, ok := b.HostUser()
	if !ok {
		if os.Geteuid() == 0 {
			t.Fatal("a root server has no box user")
		}
		t.Skip("SKIPPING: boxes run as the server's user when it is not root")
	}
	if uid == 65534 || uid == 0 {
		t.Fatalf("boxes run as host uid %d", uid)
	}
	shared := hostDir(t, false)
	if err := os.Chmod(shared, 0o1777); err != nil {
		t.Fatal(err)
	}
	for _, peer := range []bool{false, true} {
		name := fmt.Sprintf("peer-%v", peer)
		res := mustRun(t, b, sandbox.Command{
			Args:  []string{"/bin/touch", "/shared/" + name},
			Binds: []sandbox.Bind{{Src: shared, Dst: "/shared", Writable: true}},
			Peer:  peer,
		})
		fi, err := os.Stat(filepath.Join(shared, name))
		if err != nil {
			t.Fatalf("Peer %v: %v (stderr %s)", peer, err, res.Stderr)
		}
		want := uint32(uid)
		if peer {
			want++
		}
		if got := fi.Sys().(*syscall.Stat_t).Uid; got != want {
			t.Errorf("Peer %v: the box's file belongs to host uid %d, want %d", peer, got, want)
		}
	}
}

// TestSeccomp: what no task needs is refused, the box's init cannot be
// traced, and a call through the 32-bit entry kills the program instead
// of slipping past the list.
func TestSeccomp(t *testing.T) {
	t.Parallel()
	if runtime.GOARCH != "amd64" {
		t.Skip("SKIPPING: the system call numbers below are x86-64's")
	}
	b := newBox(t)
	res := mustRun(t, b, pythonCmd(`
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def call(name, nr, *args):
    r = libc.syscall(nr, *args)
    print(name, r, os.strerror(ctypes.get_errno()) if r < 0 else "ok")
call("ptrace-attach-init", 101, 16, 1, 0, 0)   # PTRACE_ATTACH to pid 1
call("ptrace-traceme", 101, 0, 0, 0, 0)
call("process_vm_readv", 310, 1, 0, 0, 0, 0, 0)
call("unshare", 272, 0x20000)                   # CLONE_NEWNS
call("keyctl", 250, 0, 0, 0, 0)
call("bpf", 321, 0, 0, 0)
call("perf_event_open", 298, 0, 0, -1, -1, 0)
call("userfaultfd", 323, 0)
call("io_uring_setup", 425, 1, 0)
call("getpid", 39)
`, sandbox.Limits{}))
	want := `ptrace-attach-init -1 Operation not permitted
ptrace-traceme -1 Operation not permitted
process_vm_readv -1 Operation not permitted
unshare -1 Operation not permitted
keyctl -1 Operation not permitted
bpf -1 Operation not permitted
perf_event_open -1 Operation not permitted
userfaultfd -1 Operation not permitted
io_uring_setup -1 Function not implemented
getpid 2 ok
`
	if string(res.Stdout) != want {
		t.Errorf("got:\n%s\nwant:\n%s\nstderr: %s", res.Stdout, want, res.Stderr)
	}

	gcc, err := exec.LookPath("gcc")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gcc is needed to build the 32-bit entry test")
		}
		t.Skip("SKIPPING the 32-bit entry: no gcc")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "int80.c")
	os.WriteFile(src, []byte(`#include <stdio.h>
int main(void) {
	long r;
	puts("before"); fflush(stdout);
	__asm__ volatile ("int $0x80" : "=a"(r) : "a"(20)); /* i386 getpid */
	printf("after %ld\n", r);
	return 0;
}
`), 0o644)
	bin := filepath.Join(dir, "int80")
	if out, err := exec.Command(gcc, "-O0", "-o", bin, src).CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v: %s", err, out)
	}
	prog, _ := os.ReadFile(bin)
	res = mustRun(t, b, sandbox.Command{Args: []string{"/task/int80"}, Files: []sandbox.File{{Path: "int80", Data: prog, Mode: 0o755}}})
	if string(res.Stdout) != "before\n" || res.Signal != "bad system call" {
		t.Errorf("a call through int 0x80: stdout %q, exit %d, signal %q; want it killed by SIGSYS after \"before\"", res.Stdout, res.ExitCode, res.Signal)
	}
}

// TestStartAhead: a box started ahead waits for its input without its
// wall clock running, takes the memory limit given when it is waited for,
// and a box never waited for can be stopped.
func TestStartAhead(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	start := func(src string) (*sandbox.Started, *os.File) {
		t.Helper()
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		s, err := b.Start(sandbox.Command{
			Args:       []string{python, "-c", "import os\nos.read(3, 1)\n" + src},
			ExtraFiles: []*os.File{r},
			Limits:     sandbox.Limits{CPU: time.Minute},
		})
		if err != nil {
			t.Fatal(err)
		}
		return s, w
	}

	// Started long before its work, with a short clock: the clock counts
	// from Wait, so the work is done in time.
	s, w := start("print('done')")
	time.Sleep(3 * time.Second)
	w.Write([]byte{1})
	w.Close()
	res, err := s.Wait(context.Background(), 2*time.Second, 0)
	if err != nil || res.TimedOut || string(res.Stdout) != "done\n" {
		t.Errorf("waited after 3 s with a 2 s clock: timed out %v, stdout %q, err %v", res.TimedOut, res.Stdout, err)
	}

	// The memory limit given to Wait holds.
	s, w = start("b = bytearray(200 << 20)\nprint(len(b))")
	w.Write([]byte{1})
	w.Close()
	res, err = s.Wait(context.Background(), 10*time.Second, 64<<20)
	if err != nil || !res.MemoryExceeded {
		t.Errorf("200 MB under a 64 MB limit set at Wait: memory exceeded %v, stdout %q, err %v", res.MemoryExceeded, res.Stdout, err)
	}

	// Never waited for: Stop ends it, and a second Stop is harmless.
	s, w = start("print('never')")
	s.Stop()
	s.Stop()
	w.Close()
	stillWorks(t, b)
}
