// Package grader turns a candidate's code and a code step's tests into
// per-test results. Every program runs in a sandbox.Runner; nothing the
// candidate wrote runs on the host.
//
// # Test forms
//
// The tests take the forms of docs/contracts.md: a Python file whose
// top-level test_* functions are the tests, importing the module
// solution; an ES module registering tests with node:test and importing
// ./solution.mjs; a Go _test.go file in package solution; and
// stdin/stdout cases for any of the three.
//
// # Two boxes: the judgement apart from the candidate's code
//
// Each run of a test file is two boxes started together (pair.go): the
// judge, holding the team's tests, the assertion library and the results
// file, and the solution, holding the candidate's code and a small server.
// Two pipes join them and nothing else: different host users, no shared
// file, process or network. The tests call the candidate's functions as
// always (`from solution import f`, `import { f } from './solution.mjs'`,
// `F(x)` in package solution); in the judge those names are stand-ins that
// send the call across as data and rebuild the answer as plain values
// (harness/wire.py, harness/wire.mjs, harness/bridge) before any assertion
// sees it. What crosses: numbers, strings, booleans, null, lists, tuples,
// dicts, sets, bytes and the like, in both directions; objects of the
// candidate's classes as handles whose attributes and methods are asked for
// across the same pipe (in Go, values of the candidate's types, copied both
// ways: a method with a pointer receiver updates the tests' value); the
// tests' functions, called back while the call that received them is under
// way; the changes a call makes to a list, dict, slice, map or pointed-to
// value it was given. What cannot: anything else the tests would pass
// (open files, their own objects), channels, generic Go functions, and Go
// package variables of unknown type. A handle compares equal only to
// itself: no __eq__, getter or prototype of the candidate's ever runs on
// the judging side.
//
// So the candidate's code cannot read the tests, their expected values or
// the results, nor write a result: it can only answer the calls it is
// given. Only the tests the team's file declares count (Python's test_*
// functions, the tests node:test registers from the team's module, Go's
// Test functions); a repeated name fails, and so does a test left without
// a result because the solution's program ended (whatever the exit code),
// hung or ran out of memory, each with why. The judge reports a solution
// that writes what is not a message to the pipe ("broke the protocol"),
// which fails every test of the run, and a run that ended without all its
// results; both reach reviewers as Outcome.Warnings.
//
// Visible and hidden tests never share a run, and a run with only the
// visible tests has no trace of the hidden ones (Suite.IncludeHidden
// false: their code is not put in any box; the host only counts their
// tests), so the "run the visible tests" button cannot leak them. The
// hidden runs' output goes to HiddenLogs and hidden tests' messages, which
// ForCandidate drops. Each stdin/stdout case runs in a box of its own,
// with only the program in it: neither expected output nor other cases'
// input is ever beside the candidate's code.
//
// Limits apply to each run as a whole. The judges report each test as it
// finishes, so a test that hangs, exhausts memory or ends the program
// costs itself ("time limit exceeded while this test ran") and the tests
// after it in the same run ("did not run"), never the tests before it.
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
package grader

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
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
	// Visible and Hidden are test sources in the forms of docs/contracts.md;
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
	// Tree, for a take-home, is the candidate's repository in place of
	// Code: it goes under /task/repo in the solution's box, and the tests
	// import its modules, Python's by their names (from app.pricing
	// import total), each imported there when the tests first use it,
	// JavaScript's by relative paths (HiddenFiles), Go's packages by
	// their import paths (HiddenFiles, gotree.go), across the same
	// bridge as `solution`.
	Tree []sandbox.File
	// HiddenFiles, for a JavaScript or Go take-home, are the hidden tests
	// each at its path in the repository's layout, in place of Hidden.
	// JavaScript: one run a file, the file at its path in the judge's box,
	// so that its relative imports ('../src/pricing.mjs') reach stand-ins
	// of the repository's modules, imported in the solution's box. Go: one
	// run a directory, its _test.go files testing that package.
	HiddenFiles []sandbox.File
}

// jsImport finds a test file's relative imports: static, re-exports and
// dynamic with a literal.
var jsImport = regexp.MustCompile(`(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}/[^'"]+)['"]`)

// ImportedModules are the repository's files that test file name imports
// by relative paths (JavaScript), as paths in the repository.
func ImportedModules(name, src string, tree []sandbox.File) []string {
	have := map[string]bool{}
	for _, f := range tree {
		have[f.Path] = true
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range jsImport.FindAllStringSubmatch(src, -1) {
		p := path.Clean(path.Join(path.Dir(name), m[1]))
		if have[p] && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// Modules are the names of the Python modules of a repository's files:
// app/pricing.py is app.pricing, app/__init__.py is app.
func Modules(tree []sandbox.File) []string {
	var out []string
	for _, f := range tree {
		p, ok := strings.CutSuffix(f.Path, ".py")
		if !ok {
			continue
		}
		p = strings.TrimSuffix(strings.TrimSuffix(p, "/__init__"), "__init__")
		if p == "" || strings.ContainsAny(p, " -.") {
			continue // not importable by name
		}
		out = append(out, strings.ReplaceAll(p, "/", "."))
	}
	return out
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
	// Cold starts every box when a grading needs it instead of keeping a
	// pair started ahead for Python and JavaScript (warm.go): nothing
	// waits in memory, and each grading takes the boxes' start-up.
	Cold bool
}

// judgeCacheBytes bounds the tests' binaries a Grader keeps (some 3 MB
// each).
const judgeCacheBytes = 256 << 20

// compiledCacheBytes bounds the compiled Python tests a Grader keeps.
const compiledCacheBytes = 32 << 20

// Grader grades submissions. It is safe for concurrent use.
type Grader struct {
	box       sandbox.Runner
	goRoot    string
	goErr     error // why Go is unavailable, or nil
	cache     *goCache
	goMod     string // go.mod for the candidate's module
	goVersion string // the toolchain's full version
	compile   sandbox.Limits
	judges    *judgeCache // Go tests' binaries
	compiled  *judgeCache // Python tests, compiled
	warm      *warmPool
	cold      bool
}

// New returns a Grader that runs everything through r. It builds the
// standard library into the Go cache unless that was done before; when Go
// is not installed, New still succeeds and Grade reports Go as unavailable.
func New(r sandbox.Runner, opts Options) (*Grader, error) {
	if r == nil {
		return nil, errors.New("grader.New: nil runner")
	}
	g := &Grader{box: r, goRoot: opts.GoRoot, cold: opts.Cold, compile: compileLimits(opts.CompileLimits), judges: newJudgeCache(judgeCacheBytes), compiled: newJudgeCache(compiledCacheBytes), warm: newWarmPool()}
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
	g.goVersion = v
	c, err := openGoCache(cacheDir, g.goRoot, "go"+v, owner, g.goModule())
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
