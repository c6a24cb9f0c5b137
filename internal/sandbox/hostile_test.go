package sandbox_test

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// During a fork bomb the server must still answer: an HTTP server in this
// process stands for /healthz and is polled while the bomb runs.
func TestForkBomb(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	defer srv.Close()

	tests := []struct {
		name string
		cmd  sandbox.Command
	}{
		// The classic, plus a wait: without one, bash exits at once and
		// the pid namespace takes the bomb with it.
		{"bash", sandbox.Command{Args: []string{"/bin/bash", "-c", ":(){ :|:& };:; sleep 60"}}},
		{"python", pythonCmd("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n", sandbox.Limits{})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cmd.Limits.Wall = 2 * time.Second
			stop := make(chan struct{})
			var slowest time.Duration
			var failures int
			var wg sync.WaitGroup
			wg.Go(func() {
				client := &http.Client{Timeout: 10 * time.Second}
				for {
					select {
					case <-stop:
						return
					case <-time.After(50 * time.Millisecond):
					}
					start := time.Now()
					resp, err := client.Get(srv.URL + "/healthz")
					if err != nil {
						failures++
						continue
					}
					resp.Body.Close()
					slowest = max(slowest, time.Since(start))
				}
			})
			start := time.Now()
			res := mustRun(t, b, tt.cmd)
			took := time.Since(start)
			close(stop)
			wg.Wait()
			t.Logf("bomb ended in %v (exit %d %q, timed out %v); slowest /healthz %v", took, res.ExitCode, res.Signal, res.TimedOut, slowest)
			// res.Wall runs from exec to exit, so it shows whether the
			// bomb was stopped on time; took adds the box's setup and
			// teardown, which a loaded machine (CI) can stretch, so it
			// gets a loose bound only.
			if res.Wall > 4*time.Second || took > 15*time.Second {
				t.Errorf("Run took %v (the program %v) with a 2 s wall limit", took, res.Wall)
			}
			// The bound is loose because a loaded machine can delay any
			// request by a second or more; a server starved by the bomb
			// would fail or stall far longer.
			if failures > 0 || slowest > 5*time.Second {
				t.Errorf("/healthz during the bomb: %d failures, slowest %v", failures, slowest)
			}
			stillWorks(t, b)
		})
	}
}

func TestMemoryBombs(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	// Wall is generous so that on a loaded machine a starved bomb still
	// reaches the memory limit before the clock runs out.
	lim := sandbox.Limits{MemoryBytes: 128 << 20, Wall: 30 * time.Second}
	tests := []struct {
		name string
		cmd  sandbox.Command
	}{
		{"python", pythonCmd("a = []\nwhile True:\n    a.append(bytearray(8 << 20))\n", lim)},
		{"node", sandbox.Command{
			Args:   []string{node, "bomb.js"},
			Files:  []sandbox.File{{Path: "bomb.js", Data: []byte("const a = [];\nfor (;;) a.push(Buffer.alloc(8 << 20, 1));\n")}},
			Limits: lim,
		}},
		{"tmpfs", sandbox.Command{ // tmpfs pages count against the memory limit too
			Args:   []string{"/bin/sh", "-c", "head -c 60m /dev/zero > /tmp/a; head -c 60m /dev/zero > /task/b; head -c 60m /dev/zero > /dev/shm/c; sleep 1; echo survived"},
			Limits: sandbox.Limits{MemoryBytes: 100 << 20, TmpBytes: 64 << 20, FileBytes: 64 << 20},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := mustRun(t, b, tt.cmd)
			t.Logf("exit %d %q, memory exceeded %v, peak %d MB, wall %v", res.ExitCode, res.Signal, res.MemoryExceeded, res.MaxRSSBytes>>20, res.Wall)
			if !res.MemoryExceeded || res.ExitCode == 0 || res.TimedOut {
				t.Errorf("exit %d %q, MemoryExceeded %v, TimedOut %v; stderr %q", res.ExitCode, res.Signal, res.MemoryExceeded, res.TimedOut, tail(res.Stderr))
			}
			stillWorks(t, b)
		})
	}
}

func TestLoops(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	t.Run("sleep forever", func(t *testing.T) {
		t.Parallel()
		start := time.Now()
		res := mustRun(t, b, sandbox.Command{Args: []string{"/bin/sleep", "1000"}, Limits: sandbox.Limits{Wall: time.Second}})
		// res.Wall excludes the box's setup; the bound on the whole
		// call is loose because setup can be slow on a loaded machine.
		if !res.TimedOut || res.ExitCode != -1 || res.Signal != "killed" || res.Wall > 3*time.Second || time.Since(start) > 15*time.Second {
			t.Errorf("%+v after %v", res, time.Since(start))
		}
		stillWorks(t, b)
	})
	t.Run("infinite loop hits the CPU limit", func(t *testing.T) {
		t.Parallel()
		// Wall is far above CPU so that a process starved on a loaded
		// machine still runs into the CPU limit first.
		res := mustRun(t, b, pythonCmd("while True:\n    pass\n", sandbox.Limits{Wall: 60 * time.Second, CPU: time.Second}))
		// The kernel enforces RLIMIT_CPU on its own accounting; what the box
		// reads back (cgroup or sampled /proc) can come out a little short,
		// so the bound below only checks the loop was stopped near the limit.
		if res.TimedOut || res.ExitCode != -1 || res.CPU < 500*time.Millisecond || res.CPU > 2*time.Second {
			t.Errorf("exit %d %q, timed out %v, CPU %v", res.ExitCode, res.Signal, res.TimedOut, res.CPU)
		}
		stillWorks(t, b)
	})
	t.Run("infinite loop hits the wall clock", func(t *testing.T) {
		t.Parallel()
		res := mustRun(t, b, sandbox.Command{Args: []string{"/bin/sh", "-c", "while :; do :; done"}, Limits: sandbox.Limits{Wall: time.Second}})
		if !res.TimedOut || res.ExitCode != -1 {
			t.Errorf("%+v", res)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		t.Parallel()
		// 2 s leaves time for the box's setup on a loaded machine; the
		// program sleeps far longer, so only the context ends it. Should
		// the context end during setup anyway, Run returns a wrapped
		// error and an empty Result (Wall 0).
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		res, err := b.Run(ctx, sandbox.Command{Args: []string{"/bin/sleep", "1000"}})
		if !errors.Is(err, context.DeadlineExceeded) || (res.Wall > 0 && res.ExitCode != -1) {
			t.Errorf("Run = %+v, %v; want DeadlineExceeded", res, err)
		}
	})
}

// A program that double-forks, calls setsid, ignores SIGHUP and SIGTERM
// and means to write a file through a writable bind a second later must be
// gone when Run returns.
func TestDaemonDoesNotSurvive(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	token := "daemon-" + rand.Text()
	out := hostDir(t, true)
	res := mustRun(t, b, sandbox.Command{
		Args: []string{python, "main.py", token},
		Files: []sandbox.File{{Path: "main.py", Data: []byte(`
import os, signal, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for s in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        os.close(1); os.close(2)
        time.sleep(1)
        open("/out/escaped", "w").write(sys.argv[1])
        time.sleep(60)
    os._exit(0)
time.sleep(0.2)
print("parent exits")
`)}},
		Binds: []sandbox.Bind{{Src: out, Dst: "/out", Writable: true}},
	})
	if res.ExitCode != 0 || string(res.Stdout) != "parent exits\n" {
		t.Fatalf("exit %d stdout %q stderr %q", res.ExitCode, res.Stdout, res.Stderr)
	}
	if pids := processesWith(token); len(pids) > 0 {
		t.Errorf("processes %v survived the run", pids)
	}
	time.Sleep(1500 * time.Millisecond)
	if _, err := os.Stat(filepath.Join(out, "escaped")); err == nil {
		t.Error("the daemon wrote its file after the run ended")
	}
	if pids := processesWith(token); len(pids) > 0 {
		t.Errorf("processes %v alive 1.5 s after the run", pids)
	}
	stillWorks(t, b)
}

// hostDir makes a directory for a Bind: bwrap runs as uid 65534, which
// must reach it (t.TempDir's parent is 0700) and, if writable, write it.
func hostDir(t *testing.T, writable bool) string {
	t.Helper()
	b := newBox(t)
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if uid, gid, ok := b.HostUser(); ok && writable {
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// processesWith lists the pids whose command line contains token.
func processesWith(token string) []string {
	var pids []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && strings.Contains(string(cmdline), token) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

func TestFilesystem(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	res := mustRun(t, b, sandbox.Command{
		Args: []string{"/bin/sh", "-c", `
try() { if eval "$2" 2>/dev/null; then echo "$1: yes"; else echo "$1: no"; fi; }
try "write /" "echo x > /x"
try "mkdir /etc" "mkdir /etc"
try "write /usr" "echo x > /usr/x"
try "write /usr/bin" "echo x > /usr/bin/x"
try "write /dev" "echo x > /dev/x"
try "chmod /dev/null" "chmod 600 /dev/null"
try "write /proc/sys" "echo 1 > /proc/sys/kernel/ns_last_pid"
try "write /tmp" "echo x > /tmp/x"
try "write /task" "echo x > /task/x"
try "write /dev/shm" "echo x > /dev/shm/x"
head -c 20m /dev/zero > /tmp/fill 2>/dev/null; echo "tmp filled to $(stat -c %s /tmp/fill)"
head -c 20m /dev/zero > /task/fill 2>/dev/null; echo "work filled to $(stat -c %s /task/fill)"
/bin/sh -c 'head -c 3m /dev/zero > /dev/shm/big' 2>/dev/null; echo "big file: $(stat -c %s /dev/shm/big)"
echo top: $(ls /)
`},
		Limits: sandbox.Limits{TmpBytes: 8 << 20, FileBytes: 2 << 20},
	})
	want := `write /: no
mkdir /etc: no
write /usr: no
write /usr/bin: no
write /dev: no
chmod /dev/null: no
write /proc/sys: no
write /tmp: yes
write /task: yes
write /dev/shm: yes
tmp filled to 2097152
work filled to 2097152
big file: 2097152
top: bin dev lib lib64 proc sbin task tmp usr
`
	if string(res.Stdout) != want {
		t.Errorf("got:\n%s\nwant:\n%s\nstderr: %s", res.Stdout, want, res.Stderr)
	}
	// FileBytes caps one file; TmpBytes caps the whole /tmp.
	res = mustRun(t, b, sandbox.Command{
		Args:   []string{"/bin/sh", "-c", `for i in 1 2 3 4 5 6; do head -c 2m /dev/zero > /tmp/f$i 2>/dev/null; done; du -sk /tmp | cut -f1`},
		Limits: sandbox.Limits{TmpBytes: 8 << 20, FileBytes: 2 << 20},
	})
	if kb := strings.TrimSpace(string(res.Stdout)); kb != "8192" {
		t.Errorf("/tmp holds %s KB, want 8192 (TmpBytes)", kb)
	}
	stillWorks(t, b)
}

func TestNoNetwork(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0") // stands for the server's own port
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("reached the server"))
			c.Close()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	res := mustRun(t, b, pythonCmd(fmt.Sprintf(`
import socket
def attempt(name, f):
    try:
        f()
        print(name, "reached")
    except OSError as e:
        print(name, "failed")
def connect(host, port):
    s = socket.create_connection((host, port), timeout=2)
    print(s.recv(100))
attempt("server", lambda: connect("127.0.0.1", %d))
attempt("postgres", lambda: connect("127.0.0.1", 5432))
attempt("dns", lambda: socket.getaddrinfo("example.com", 80))
attempt("internet", lambda: connect("93.184.215.14", 80))
attempt("ipv6", lambda: connect("2606:4700::6810:84e5", 80))
print(open("/proc/net/dev").read().count(":"), "interfaces")
`, port), sandbox.Limits{}))
	want := "server failed\npostgres failed\ndns failed\ninternet failed\nipv6 failed\n1 interfaces\n"
	if string(res.Stdout) != want {
		t.Errorf("got:\n%s\nwant:\n%s\nstderr: %s", res.Stdout, want, res.Stderr)
	}
	stillWorks(t, b)
}

// The server's data (a data directory, an SQLite file) and its ANYHOUR_*
// environment are out of reach; the box's user is not root and has no
// capabilities.
func TestServerSecretsOutOfReach(t *testing.T) {
	b := newBox(t) // not parallel: t.Setenv
	t.Setenv("ANYHOUR_SECRET", "hunter2")
	dataDir := hostDir(t, false) // readable by anyone on the host
	db := filepath.Join(dataDir, "anyhour.db")
	if err := os.WriteFile(db, []byte("SECRET ROWS"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := mustRun(t, b, sandbox.Command{
		Args: []string{"/bin/sh", "-c", fmt.Sprintf(`
cat %s 2>/dev/null || echo "no db"
ls %s 2>/dev/null || echo "no data dir"
ls /etc /home /root /var 2>/dev/null || echo "no /etc /home /root /var"
env | sort
id -u; id -g
grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status
ls /proc | grep -c '^[0-9]'
`, db, dataDir)},
		Env: []string{"HOME=/tmp", "LANG=C.UTF-8"},
	})
	want := `no db
no data dir
no /etc /home /root /var
HOME=/tmp
LANG=C.UTF-8
PATH=/usr/bin:/bin
PWD=/task
65534
65534
CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000000
`
	if got := string(res.Stdout); !strings.HasPrefix(got, want) || strings.Contains(got, "hunter2") {
		t.Errorf("got:\n%s\nwant:\n%s(then a process count)\nstderr: %s", got, want, res.Stderr)
	}
	stillWorks(t, b)
}

func tail(b []byte) string {
	if len(b) > 300 {
		b = b[len(b)-300:]
	}
	return string(b)
}

func TestProcessLimit(t *testing.T) {
	t.Parallel()
	b := newBox(t)
	res := mustRun(t, b, pythonCmd(`
import os, time
started = 0
for _ in range(30):
    try:
        if os.fork() == 0:
            time.sleep(30)  # outlives the loop even on a loaded machine; killed when the box ends
            os._exit(0)
        started += 1
    except OSError:
        pass
print(started)
`, sandbox.Limits{Processes: 20}))
	if got := strings.TrimSpace(string(res.Stdout)); got != "18" {
		t.Errorf("30 forks with Processes 20 started %q, want 18 (20 less bwrap's pid 1 and python)", got)
	}
}
