package sandbox_test

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// The wait for a box's pid 1 is interrupted by signals: the Go runtime
// preempts goroutines with SIGURG, and an interrupted poll once made a
// box that was exiting normally "not exit". Here the waiting thread gets
// SIGURG every few milliseconds while a process takes a moment to end.
func TestExitedThroughSignals(t *testing.T) {
	c := exec.Command("sleep", "0.3")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.PidfdOpen(c.Process.Pid, 0)
	if err != nil {
		t.Skipf("no pidfd_open: %v", err)
	}
	defer unix.Close(fd)

	tid, result := make(chan int), make(chan bool)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- unix.Gettid()
		result <- sandbox.Exited(fd, time.Minute)
	}()
	waiter := <-tid
	signals := 0
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case ok := <-result:
			if !ok {
				t.Fatalf("the wait gave up after %d signals while the process was still running", signals)
			}
			var ws unix.WaitStatus
			if pid, err := unix.Wait4(c.Process.Pid, &ws, unix.WNOHANG, nil); pid != c.Process.Pid {
				t.Fatalf("the wait ended but the process has not exited (%d, %v)", pid, err)
			}
			if signals == 0 {
				t.Fatal("no signal reached the waiting thread: the test shows nothing")
			}
			t.Logf("the wait went on through %d signals", signals)
			return
		case <-tick.C:
			if unix.Tgkill(os.Getpid(), waiter, unix.SIGURG) == nil {
				signals++
			}
		}
	}
}
