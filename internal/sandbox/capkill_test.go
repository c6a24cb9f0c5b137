package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
)

// TestStopsBoxesWithoutCapKill: a box runs as a host user of its own, so
// signalling it takes CAP_KILL, which a hardened unit may leave out. A
// program past its wall clock must still be stopped (a grading slot must
// not hang for good), and the start-up check's own run in the box must
// work. The test runs itself again without CAP_KILL.
func TestStopsBoxesWithoutCapKill(t *testing.T) {
	if os.Getenv("ANYHOUR_TEST_NO_CAP_KILL") == "1" {
		stopsWithoutCapKill(t)
		return
	}
	if os.Geteuid() != 0 {
		t.Skip("the box runs as host users only when the server is root")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Fatalf("setpriv (util-linux) is needed to drop CAP_KILL: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a bound on a hang, not a measurement
	defer cancel()
	cmd := exec.CommandContext(ctx, setpriv, "--inh-caps=-kill", "--bounding-set=-kill", "--",
		os.Args[0], "-test.run=^TestStopsBoxesWithoutCapKill$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "ANYHOUR_TEST_NO_CAP_KILL=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("without CAP_KILL a box past its wall clock was never stopped:\n%s", out)
	}
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("without CAP_KILL: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

func stopsWithoutCapKill(t *testing.T) {
	status, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(l, "CapEff:") {
			t.Logf("running with %s", l)
		}
	}
	box := sandboxtest.New(t)
	res, err := box.Run(context.Background(), sandbox.Command{Args: []string{"/bin/sleep", "60"}, Limits: sandbox.Limits{Wall: 500 * time.Millisecond}})
	if err != nil || !res.TimedOut {
		t.Errorf("a program past its wall clock: %+v, %v", res, err)
	}
	// A program that leaves a child behind in the background and outlives
	// its wall: nothing of it survives, though nothing in it could be
	// signalled by the server directly.
	res, err = box.Run(context.Background(), sandbox.Command{Args: []string{"/bin/sh", "-c", "(sleep 301 &); sleep 302"},
		Limits: sandbox.Limits{Wall: 500 * time.Millisecond}})
	if err != nil || !res.TimedOut {
		t.Errorf("a program with a child in the background: %+v, %v", res, err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		left := leftover("sleep\x00301", "sleep\x00302")
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("processes of the box outlived it: %v", left)
			break
		}
	}
	rep := box.Check(context.Background())
	t.Logf("check: %s", rep)
	for _, p := range rep.Problems {
		if strings.Contains(p, "in the box failed") || strings.Contains(p, "test program") {
			t.Errorf("the start-up check without CAP_KILL: %s", p)
		}
	}
}

// leftover lists the processes whose command line contains one of marks.
func leftover(marks ...string) []string {
	var out []string
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		for _, m := range marks {
			if strings.Contains(string(cmdline), m) {
				out = append(out, e.Name()+": "+strings.ReplaceAll(string(cmdline), "\x00", " "))
			}
		}
	}
	return out
}
