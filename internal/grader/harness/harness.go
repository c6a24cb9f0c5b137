//go:build anyhourbox

// Package harness is anyhour's Go test harness: the judge's side of a Go
// task. It is never part of anyhour's own binaries: the grading package
// copies this file into the sandbox, where the team's tests are compiled,
// without the candidate's code, into a test binary that calls it (see
// grading's gosource.go and gobridge.go), run as
//
//	pkg.test -test.v=test2json
//
// beside the solution's box, which its calls reach through the bridge.
// The testing package's own output goes through a pipe to the results
// (descriptor 5), one record per line: "go <line as JSON>". The tests' prints go to
// the real stdout and stderr.
package harness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"solution/anyhour/bridge"
)

var realStdout, realStderr = os.Stdout, os.Stderr

var (
	mu      sync.Mutex // held while moving output from the pipe to the file
	rfd     = -1       // the pipe's read end, non-blocking
	pending []byte     // the start of a line not yet complete
	results *os.File
)

func record(kind, payload string) {
	results.Write([]byte(kind + " " + payload + "\n"))
}

// Main waits for the solution's hello, then runs the tests with the
// testing package writing to a pipe whose lines go to the results
// (descriptor 5, read by the grader), and returns the exit code. testing takes os.Stdout as its
// output when the tests start; Begin then gives the tests the real one
// back.
func Main(m *testing.M) int {
	results = os.NewFile(5, "results")
	if !start() {
		return 0
	}
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		fmt.Fprintln(realStderr, "anyhour harness:", err)
		return 3
	}
	rfd = p[0]
	syscall.SetNonblock(rfd, true)
	w := os.NewFile(uintptr(p[1]), "testing")
	done := make(chan struct{})
	go func() {
		for waitReadable() && pump() {
		}
		close(done)
	}()
	os.Stdout = w
	code := m.Run()
	os.Stdout, os.Stderr = realStdout, realStderr
	w.Close()
	<-done
	record("done", "null")
	return code
}

// start reads the solution's hello; false if it ended first or broke
// the protocol, which is then recorded.
func start() (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if t, isTamper := r.(bridge.Tamper); isTamper {
				q, _ := json.Marshal(t.Error())
				record("tamper", string(q))
				ok = false
				return
			}
			panic(r)
		}
	}()
	if !bridge.Start() {
		record("gone", "null")
		return false
	}
	return true
}

// waitReadable waits up to a second for the pipe to have something.
func waitReadable() bool {
	var set syscall.FdSet
	set.Bits[rfd/64] |= 1 << (uint(rfd) % 64)
	tv := syscall.Timeval{Sec: 1}
	_, err := syscall.Select(rfd+1, &set, nil, nil, &tv)
	return err == nil || err == syscall.EINTR
}

// pump moves everything testing has written so far into the results
// file, one record per complete line, and reports false at the end of
// the output. Begin calls it too, so that whatever was written before a
// test starts (the results of the tests before it) is in the file before
// the test runs: if the test ends the process, the goroutine might not
// get to it.
func pump() bool {
	mu.Lock()
	defer mu.Unlock()
	buf := make([]byte, 64<<10)
	for {
		n, err := syscall.Read(rfd, buf)
		if n > 0 {
			pending = append(pending, buf[:n]...)
			emit(false)
		}
		switch {
		case err == syscall.EAGAIN:
			return true
		case err == syscall.EINTR:
		case n <= 0:
			emit(true)
			return false
		}
	}
}

// emit writes the complete lines of pending as records, and the rest too
// if all is set or it is too long to wait for.
func emit(all bool) {
	for len(pending) > 0 {
		i := bytes.IndexByte(pending, '\n')
		if i < 0 {
			if !all && len(pending) < 64<<10 {
				return
			}
			i = len(pending)
		}
		q, _ := json.Marshal(string(pending[:i]))
		record("go", string(q))
		pending = pending[min(i+1, len(pending)):]
	}
}

// Begin starts a test: the test's prints go to the real stdout and stderr
// (testing, with -test.v=test2json, points os.Stderr at os.Stdout too),
// and the output so far is in the results.
func Begin() {
	os.Stdout, os.Stderr = realStdout, realStderr
	if rfd >= 0 {
		pump()
	}
}

// Recover, deferred at the start of a test, turns a panic into a failure
// of that test, so the tests after it still run. When the solution's
// program has ended, or broke the protocol, nothing more can be asked of
// it: the harness records which test that was and stops.
func Recover(t *testing.T) {
	r := recover()
	if r == nil {
		return
	}
	switch v := r.(type) {
	case bridge.Gone:
		q, _ := json.Marshal(t.Name())
		stop("gone", string(q))
	case bridge.Tamper:
		q, _ := json.Marshal(v.Error())
		stop("tamper", string(q))
	case *bridge.Panic:
		t.Errorf("panic: %s", v)
	default:
		t.Errorf("panic: %v%s", r, where())
	}
}

// stop records why the run ends here and ends it: with syscall.Exit,
// since -test.paniconexit0 turns os.Exit(0) during a test into a panic.
func stop(kind, payload string) {
	if rfd >= 0 {
		pump()
	}
	record(kind, payload)
	syscall.Exit(0)
}

// where lists the innermost frames of the tests' code.
func where() string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	for k := 0; k < 4; {
		fr, more := frames.Next()
		// Paths as -trimpath writes them: module path, directory, file.
		if strings.HasPrefix(fr.File, "solution/") && !strings.HasPrefix(fr.File, "solution/anyhour/") && !strings.Contains(fr.File, "zz_anyhour") {
			file := fr.File[strings.LastIndexByte(fr.File, '/')+1:]
			fn := fr.Function[strings.LastIndexByte(fr.Function, '/')+1:]
			_, fn, _ = strings.Cut(fn, ".")
			fmt.Fprintf(&b, "\n    at %s:%d in %s", file, fr.Line, fn)
			k++
		}
		if !more {
			break
		}
	}
	return b.String()
}
