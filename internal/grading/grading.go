// Package grading turns a candidate's code and a code step's tests into
// per-test results. Every program runs in a sandbox.Runner; nothing the
// candidate wrote runs on the host.
//
// # Test forms
//
// The tests take the forms of DESIGN.md section 4: a Python file whose
// top-level test_* functions are the tests, importing the module
// solution; an ES module registering tests with node:test and importing
// ./solution.mjs; a Go _test.go file in package solution; and
// stdin/stdout cases for any of the three.
//
// # Runs
//
// Visible and hidden tests never share a run. A run with the visible
// tests has no trace of the hidden ones (when Suite.IncludeHidden is
// false, hidden test code is not put in any box; the host only counts its
// tests), so the "run the visible tests" button cannot leak them. In the
// run with the hidden tests the harness takes the test file out of the
// candidate's reach before the candidate's code starts: Python and
// JavaScript read it into memory and delete it; Go compiles in one box
// and runs the test binary in another, which holds no source at all. Each
// stdin/stdout case runs in a box of its own, with only the program in it:
// neither expected output nor other cases' input is ever beside the
// candidate's code.
//
// In memory the hidden tests stay within reach of code that looks for
// them (Python's module object, the strings in Go's test binary), but
// nothing carries what it finds to the candidate: the hidden runs' output
// goes to HiddenLogs and hidden tests' messages, which ForCandidate drops.
// What the candidate does learn is whether each hidden test passed, if the
// product shows that.
//
// Limits apply to each run as a whole. The harnesses report each test as
// it finishes, so a test that hangs, exhausts memory or ends the process
// costs itself ("time limit exceeded while this test ran") and the tests
// after it in the same run ("did not run"), never the tests before it.
//
// # Reporting, and what a candidate could forge
//
// The harnesses (directory harness/) write their results to a file, one
// record per line, each starting with a random token made for the run.
// The token reaches the harness on stdin, which the harness reads and
// closes before the candidate's code runs; it is not in the environment,
// the arguments or any file. Only records with the token count: whatever
// the candidate's code prints, whatever it writes to the results file,
// cannot pass a test, and a record with a wrong token or a line that is
// not a record marks the run as tampered with, which fails every test of
// the run and adds a warning for the reviewer.
//
// What remains: the candidate's functions run in the harness's own process
// (that is what calling them from tests means), so code written to attack
// this harness could find the token in memory (Python's gc, Go's
// /proc/self/mem), patch the test framework, or make == lie with an object
// whose __eq__ always returns True. No in-process harness can rule that
// out. Such code is plain to see for the reviewer, who reads every
// submission, and the harnesses make it deliberate work: the Python and
// JavaScript harnesses bind everything they use before the candidate's
// code runs, the JavaScript reporter refuses to be driven twice, and Go
// test output reaches the results file only through a pipe the candidate's
// prints do not go to. The harnesses' files are in the box beside the
// candidate's code, and the project is open source: the design assumes the
// candidate knows all of it, except the token.
//
// # Points
//
// The units of a suite are its top-level tests (visible and hidden) and
// its stdin/stdout cases. A unit may name its own points: IOCase.Points,
// or for a test a comment line "points: N" ("# points: 2" in Python,
// "// points: 2" in JavaScript and Go) directly above its declaration.
// Suite.Points, less the named points, is split evenly over the other
// units; with Suite.Points zero each of them is worth one point. When the
// named points exceed Suite.Points, the others are worth nothing. Hidden
// units are counted from the hidden source even when they do not run, so a
// test is worth the same in the candidate's trial run and in the final
// grade. A unit with subtests (Go t.Run, node:test t.test and describe) is
// shown as its innermost subtests, "Parent/Sub", which share the unit's
// points evenly; if the parent itself failed while none of its subtests
// did, the parent is listed too and shares as well.
package grading

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// Language is a programming language the grader runs.
type Language string

// The languages Grade accepts.
const (
	Python     Language = "python"
	JavaScript Language = "javascript"
	Go         Language = "go"
)

// Languages lists the supported languages, in the order the UI offers them.
var Languages = []Language{Python, JavaScript, Go}

// Test is one graded test. Points is what the test is worth; it earns
// them when Passed.
type Test struct {
	Name       string
	Passed     bool
	Hidden     bool
	Points     float64
	Message    string // why it failed: the assertion, the error or the output diff
	DurationMS int64
}

// Outcome is what grading a submission produced.
type Outcome struct {
	Tests []Test
	// CompileError holds syntax or compile errors of the candidate's code,
	// which fail every test. It never quotes hidden tests.
	CompileError string
	// Logs is the candidate's output in the visible runs (stdout, stderr),
	// capped; HiddenLogs is the same for the hidden runs, for reviewers only.
	Logs, HiddenLogs string
	// Warnings are signs of tampering with the harness, for reviewers.
	Warnings       []string
	Wall           time.Duration // all runs together
	MaxRSSBytes    int64         // the largest of the runs
	TimedOut       bool          // some run hit the time limit
	MemoryExceeded bool          // some run hit the memory limit
}

// Score returns the points earned and the points possible.
func (o Outcome) Score() (score, max float64) {
	for _, t := range o.Tests {
		max += t.Points
		if t.Passed {
			score += t.Points
		}
	}
	return score, max
}

// ForCandidate returns what the candidate may see of o: hidden tests keep
// their result and points but lose their names (they become "hidden test
// 1", "hidden test 2"...), messages and durations; the hidden runs' logs
// and the warnings are dropped. Callers must pass every Outcome through it
// before it reaches a candidate.
func (o Outcome) ForCandidate() Outcome {
	c := o
	c.Tests = make([]Test, len(o.Tests))
	n := 0
	for i, t := range o.Tests {
		if t.Hidden {
			n++
			t = Test{Name: fmt.Sprintf("hidden test %d", n), Passed: t.Passed, Hidden: true, Points: t.Points}
		}
		c.Tests[i] = t
	}
	c.HiddenLogs = ""
	c.Warnings = nil
	return c
}

// Suite is one submission with the tests it is graded against.
type Suite struct {
	Language Language
	Code     string
	// Visible and Hidden are test sources in the forms of DESIGN.md §4;
	// either may be empty.
	Visible, Hidden string
	IOCases         []IOCase
	// IncludeHidden runs the hidden tests and cases too; without it their
	// code is not even put in a box (the candidate's trial run).
	IncludeHidden bool
	// Points is the step's total, split as the package doc describes.
	Points float64
	// Limits bound each run of the candidate's code; zero fields take the
	// sandbox's defaults. Go compilation has its own, larger limits.
	Limits sandbox.Limits
}

// IOCase is a stdin/stdout case: the program reads Stdin and must print
// Stdout. Outputs are compared line by line after trimming trailing
// whitespace from every line and dropping trailing empty lines; "\r\n"
// counts as "\n". Leading whitespace and inner blank lines count.
type IOCase struct {
	Name, Stdin, Stdout string
	Hidden              bool
	Points              float64
}

// Options configure a Grader.
type Options struct {
	// GoRoot is the Go toolchain candidates' Go code is built with; it is
	// bound read-only into the box at the same path. Default /usr/local/go.
	GoRoot string
	// GoCache is a directory for the pre-built standard library (GOCACHE
	// layout) and the compile runs' copies of it. It must be owned by this
	// process's user and writable by nobody else; a root server hands the
	// copies to the sandbox's user, so every directory on the way to it
	// must be searchable by others. Default: anyhour-gocache under
	// os.TempDir(). New fills it once per Go version, which takes 15 s or
	// so; later it is a matter of microseconds.
	GoCache string
	// CompileLimits bound the Go compile run; zero fields take defaults
	// (60 s, 1 GiB, 256 processes).
	CompileLimits sandbox.Limits
}

// Grader grades submissions. It is safe for concurrent use.
type Grader struct {
	box     sandbox.Runner
	goRoot  string
	goErr   error // why Go is unavailable, or nil
	cache   *goCache
	goMod   string // go.mod for the candidate's module
	compile sandbox.Limits
}

// New returns a Grader that runs everything through r. It builds the
// standard library into the Go cache unless that was done before; when Go
// is not installed, New still succeeds and Grade reports Go as unavailable.
func New(r sandbox.Runner, opts Options) (*Grader, error) {
	if r == nil {
		return nil, errors.New("grading.New: nil runner")
	}
	g := &Grader{box: r, goRoot: opts.GoRoot, compile: compileLimits(opts.CompileLimits)}
	if g.goRoot == "" {
		g.goRoot = "/usr/local/go"
	}
	dir := opts.GoCache
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "anyhour-gocache")
	}
	g.goErr = g.setupGo(dir, boxOwner(r))
	return g, nil
}

// GoError says why Go submissions cannot be graded, or returns nil.
func (g *Grader) GoError() error { return g.goErr }

func (g *Grader) setupGo(cacheDir string, owner *hostUser) error {
	version, err := os.ReadFile(filepath.Join(g.goRoot, "VERSION"))
	if err != nil {
		return fmt.Errorf("grading: no Go toolchain at %s: %w", g.goRoot, err)
	}
	v, _, _ := strings.Cut(strings.TrimPrefix(string(version), "go"), "\n")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return fmt.Errorf("grading: cannot read the Go version in %s/VERSION", g.goRoot)
	}
	g.goMod = fmt.Sprintf("module solution\n\ngo %s.%s\n", parts[0], parts[1])
	c, err := openGoCache(cacheDir, g.goRoot, "go"+v, owner)
	if err != nil {
		return err
	}
	g.cache = c
	return nil
}

func compileLimits(l sandbox.Limits) sandbox.Limits {
	def := sandbox.Limits{
		Wall:        60 * time.Second,
		MemoryBytes: 1 << 30,
		Processes:   256,
		FileBytes:   256 << 20,
		OpenFiles:   1024,
		OutputBytes: 64 << 20,
		TmpBytes:    512 << 20,
	}
	if l.Wall > 0 {
		def.Wall = l.Wall
	}
	if l.CPU > 0 {
		def.CPU = l.CPU
	}
	if l.MemoryBytes > 0 {
		def.MemoryBytes = l.MemoryBytes
	}
	if l.Processes > 0 {
		def.Processes = l.Processes
	}
	if l.FileBytes > 0 {
		def.FileBytes = l.FileBytes
	}
	if l.OpenFiles > 0 {
		def.OpenFiles = l.OpenFiles
	}
	if l.OutputBytes > 0 {
		def.OutputBytes = l.OutputBytes
	}
	if l.TmpBytes > 0 {
		def.TmpBytes = l.TmpBytes
	}
	return def
}
