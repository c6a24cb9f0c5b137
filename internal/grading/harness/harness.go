// Package harness is anyhour's Go test harness. It is never part of
// anyhour's own binaries: the grading package copies this file into the
// sandbox, where the candidate's package is compiled with tests that call
// it (see grading's gosource.go), and runs the resulting test binary as
//
//	pkg.test -test.v=test2json < TOKEN
//
// The testing package's own output, and nothing else, goes through a pipe
// to the results file, one record per line: "TOKEN go <line as JSON>".
// The tests' prints go to the real stdout and stderr, which are the logs.
//
// Go initialises an imported package before the package importing it, so
// this package reads the token before any of the candidate's code runs.
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
)

var (
	token                  = readToken()
	realStdout, realStderr = os.Stdout, os.Stderr
)

// readToken reads the first line of stdin, one byte at a time so that
// nothing beyond it is consumed.
func readToken() string {
	var b []byte
	one := make([]byte, 1)
	for len(b) < 200 {
		n, err := os.Stdin.Read(one)
		if n == 0 || err != nil || one[0] == '\n' {
			break
		}
		b = append(b, one[0])
	}
	return string(b)
}

var (
	mu      sync.Mutex // held while moving output from the pipe to the file
	rfd     = -1       // the pipe's read end, non-blocking
	pending []byte     // the start of a line not yet complete
	results *os.File
)

// Main runs the tests with the testing package writing to a pipe whose
// lines go to the results file at path, and returns the exit code.
// testing takes os.Stdout as its output when the tests start; Begin then
// gives the tests the real one back.
func Main(m *testing.M, path string) int {
	var err error
	results, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		fmt.Fprintln(realStderr, "anyhour harness:", err)
		return 3
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
	results.Write([]byte(token + " done null\n"))
	return code
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
// any of the test's code runs: if that code brings the process down, the
// goroutine might not get to it.
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
		results.Write([]byte(token + " go " + string(q) + "\n"))
		pending = pending[min(i+1, len(pending)):]
	}
}

// Begin starts a test: the test's prints go to the real stdout and stderr
// (testing, with -test.v=test2json, points os.Stderr at os.Stdout too),
// and the output so far is in the results file.
func Begin() {
	os.Stdout, os.Stderr = realStdout, realStderr
	if rfd >= 0 {
		pump()
	}
}

// Recover, deferred at the start of a test, turns a panic into a failure
// of that test, so the tests after it still run.
func Recover(t *testing.T) {
	r := recover()
	if r == nil {
		return
	}
	t.Errorf("panic: %v%s", r, where())
}

// where lists the innermost frames of the candidate's and the tests' code.
func where() string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	for k := 0; k < 4; {
		fr, more := frames.Next()
		if strings.HasPrefix(fr.File, "/task/") && !strings.HasPrefix(fr.File, "/task/anyhour/") {
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
