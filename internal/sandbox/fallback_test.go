package sandbox_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// The fallback for machines without cgroups: RLIMIT_NPROC for processes,
// RLIMIT_DATA plus polling for memory.
func TestWithoutCgroups(t *testing.T) {
	t.Parallel()
	newBox(t) // skips without bwrap
	b, err := sandbox.NewWithoutCgroups(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("runtimes still start under RLIMIT_DATA", func(t *testing.T) {
		t.Parallel()
		for _, cmd := range []sandbox.Command{
			pythonCmd("print('hello')", sandbox.Limits{}),
			{Args: []string{node, "-e", "console.log('hello')"}},
		} {
			res := mustRun(t, b, cmd)
			if res.ExitCode != 0 || string(res.Stdout) != "hello\n" {
				t.Errorf("%q: exit %d stdout %q stderr %s", cmd.Args, res.ExitCode, res.Stdout, tail(res.Stderr))
			}
		}
		// CPU time is polled: a run shorter than the interval shows 0.
		// The sleep after the loop lets a poll see the final CPU time
		// even when a loaded machine delays the polls.
		res := mustRun(t, b, pythonCmd("import time\nwhile time.process_time() < 0.5: pass\ntime.sleep(0.3)\n", sandbox.Limits{}))
		if res.CPU < 300*time.Millisecond || res.CPU > 700*time.Millisecond {
			t.Errorf("half a second of CPU measured as %v", res.CPU)
		}
	})
	t.Run("memory bomb", func(t *testing.T) {
		t.Parallel()
		// Many small processes, each under RLIMIT_DATA: only the polled
		// sum catches them.
		res := mustRun(t, b, pythonCmd(`
import os, time
for _ in range(6):
    if os.fork() == 0:
        a = bytearray(40 << 20)
        time.sleep(10)
        os._exit(0)
time.sleep(10)
`, sandbox.Limits{MemoryBytes: 128 << 20, Wall: 30 * time.Second})) // generous: a loaded machine can be slow to fork and allocate
		if !res.MemoryExceeded || res.TimedOut {
			t.Errorf("exit %d %q, MemoryExceeded %v, TimedOut %v, peak %d MB", res.ExitCode, res.Signal, res.MemoryExceeded, res.TimedOut, res.MaxRSSBytes>>20)
		}
		res = mustRun(t, b, pythonCmd("a = bytearray(300 << 20)\n", sandbox.Limits{MemoryBytes: 128 << 20}))
		if res.ExitCode != 1 || !strings.Contains(string(res.Stderr), "MemoryError") {
			t.Errorf("one big allocation: exit %d, stderr %s; want a MemoryError from RLIMIT_DATA", res.ExitCode, tail(res.Stderr))
		}
	})
	t.Run("fork bomb next to a normal run", func(t *testing.T) {
		t.Parallel()
		// RLIMIT_NPROC counts per user namespace: a bomb in one box does
		// not use up the processes of another running at the same time.
		var wg sync.WaitGroup
		var bomb sandbox.Result
		wg.Go(func() {
			bomb = mustRun(t, b, sandbox.Command{
				Args:   []string{"/bin/bash", "-c", ":(){ :|:& };:; sleep 60"},
				Limits: sandbox.Limits{Wall: 2 * time.Second, Processes: 20},
			})
		})
		time.Sleep(500 * time.Millisecond)
		res := mustRun(t, b, sandbox.Command{
			Args:   []string{"/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do sleep 0.3 & done; wait; echo ten children"},
			Limits: sandbox.Limits{Processes: 20},
		})
		wg.Wait()
		if res.ExitCode != 0 || string(res.Stdout) != "ten children\n" {
			t.Errorf("normal run next to the bomb: exit %d stdout %q stderr %s", res.ExitCode, res.Stdout, tail(res.Stderr))
		}
		if !bomb.TimedOut {
			t.Errorf("bomb: %+v", bomb)
		}
		res = mustRun(t, b, pythonCmd(`
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
	})
}
