package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// The candidate's own checks: a take-home repository's visible tests, run
// with the language's usual runner in one box with the repository, as the
// candidate runs them. Everything in that box is the candidate's to
// change (a conftest.py, a test of their own, the runner's report), so
// what it says is shown as theirs and is worth no points: the points come
// from the hidden tests, judged apart (Suite.Tree).

// junitFile is where the runner writes its report, collected after.
const junitFile = "anyhour-checks.xml"

// goChecksFile is where go test -json writes its events.
const goChecksFile = "anyhour-checks.json"

// goChecks runs go test ./... in the repository, with the toolchain and
// a copy of the prepared cache; what it builds and runs is the
// candidate's, in a box of its own.
func (g *Grader) goChecks(ctx context.Context, files []sandbox.File, l sandbox.Limits) (Outcome, error) {
	if g.goErr != nil {
		return Outcome{}, fmt.Errorf("%w: %v", errNoGo, g.goErr)
	}
	cache, done, err := g.cache.fork()
	if err != nil {
		return Outcome{}, err
	}
	defer done()
	limits := g.compile
	limits.Wall = max(limits.Wall, l.Wall)
	res, err := g.box.Run(ctx, sandbox.Command{
		Args:    []string{"/bin/sh", "-c", "cd /task/repo && " + shellJoin([]string{g.goRoot + "/bin/go", "test", "-json", "./..."}) + " > /task/" + goChecksFile},
		Env:     goEnv(g.goRoot, "/gocache", "/tmp"),
		Files:   files,
		Binds:   []sandbox.Bind{{Src: g.goRoot, Dst: g.goRoot}, {Src: cache, Dst: "/gocache", Writable: true}},
		Collect: []string{goChecksFile},
		Limits:  limits,
	})
	if err != nil {
		return Outcome{}, err
	}
	o := Outcome{Wall: res.Wall, MaxRSSBytes: res.MaxRSSBytes, TimedOut: res.TimedOut, MemoryExceeded: res.MemoryExceeded}
	events, ok := res.Collected[goChecksFile]
	module := ""
	for _, f := range files {
		if f.Path == "repo/go.mod" {
			if m := moduleLine.FindSubmatch(f.Data); m != nil {
				module = string(m[1])
			}
		}
	}
	var printed string
	o.Tests, printed = parseGoTestJSON(events, module)
	o.Logs = capLog(printed + string(res.Stderr))
	if !ok || len(o.Tests) == 0 && res.ExitCode != 0 {
		switch {
		case res.TimedOut:
			o.CompileError = "the tests ran out of time before they reported"
		case res.MemoryExceeded:
			o.CompileError = "the tests ran out of memory before they reported"
		case len(o.Tests) == 0 && res.ExitCode != 0:
			o.CompileError = "go test failed (see the output)"
		}
	}
	return o, nil
}

// moduleLine finds a go.mod's module path.
var moduleLine = regexp.MustCompile(`(?m)^\s*module\s+"?([^"\s]+)`)

// goEvent is one line of go test -json (test2json); since Go 1.24 the
// build's output comes as events too, named by ImportPath.
type goEvent struct {
	Action, Package, Test, Output string
	ImportPath, FailedBuild       string
	Elapsed                       float64
}

// parseGoTestJSON reads go test -json into tests worth no points, each
// named by its package's directory and its name ("pricing::TestTotal"),
// with a package that did not build as a failed test of its own; and
// what was printed, in order. module is the module's path.
func parseGoTestJSON(data []byte, module string) ([]Test, string) {
	var out []Test
	var printed strings.Builder
	output := map[string]*strings.Builder{} // by package and top-level test
	add := func(key, text string) {
		if output[key] == nil {
			output[key] = &strings.Builder{}
		}
		if output[key].Len() < 8<<10 && !strings.HasPrefix(text, "=== ") {
			output[key].WriteString(text)
		}
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var e goEvent
		if json.Unmarshal(line, &e) != nil {
			continue
		}
		if printed.Len() < 64<<10 {
			printed.WriteString(e.Output)
		}
		if e.Action == "build-output" {
			add("build\x00"+e.ImportPath, e.Output)
			continue
		}
		top, _, _ := strings.Cut(e.Test, "/")
		key := e.Package + "\x00" + top
		add(key, e.Output)
		done := e.Action == "pass" || e.Action == "fail" || e.Action == "skip"
		if !done || len(out) == maxChecks {
			continue
		}
		if e.Test == "" {
			// A package that failed without a test failing: it did not build.
			if e.Action == "fail" && !failedIn(out, e.Package) {
				msg := output[key].String()
				if b := output["build\x00"+e.FailedBuild]; b != nil {
					msg = b.String() + msg
				}
				out = append(out, Test{Name: clip(e.Package, 300), Message: clip(strings.TrimSpace(msg), 4000)})
			}
			continue
		}
		if top != e.Test {
			continue // a subtest: its parent says
		}
		t := Test{Name: clip(e.Package+"::"+e.Test, 300), Passed: e.Action == "pass", DurationMS: int64(e.Elapsed * 1000)}
		if e.Action == "fail" {
			t.Message = clip(strings.TrimSpace(output[key].String()), 4000)
		}
		if e.Action == "skip" {
			t.Message = "skipped"
		}
		out = append(out, t)
	}
	// Names by directory, as the candidate sees the repository.
	for i := range out {
		out[i].Name = relPackage(out[i].Name, module)
	}
	return out, printed.String()
}

// failedIn says whether a test of package pkg already failed.
func failedIn(tests []Test, pkg string) bool {
	for _, t := range tests {
		if !t.Passed && strings.HasPrefix(t.Name, pkg+"::") {
			return true
		}
	}
	return false
}

// relPackage writes a test's package as its directory in the module.
func relPackage(name, module string) string {
	pkg, test, _ := strings.Cut(name, "::")
	if pkg == module && module != "" {
		pkg = "."
	} else if rel, ok := strings.CutPrefix(pkg, module+"/"); ok && module != "" {
		pkg = rel
	}
	if test == "" {
		return pkg + " (does not build)"
	}
	return pkg + "::" + test
}

// maxChecks bounds the tests read from a report.
const maxChecks = 500

// CandidateChecks runs a repository's own tests and returns them as
// tests worth no points, each named by its file and function
// ("tests/test_pricing.py::test_empty"); Logs holds what the runner printed.
func (g *Grader) CandidateChecks(ctx context.Context, lang Language, tree []sandbox.File, l sandbox.Limits) (o Outcome, err error) {
	defer apperr.Wrap(&err, "grader.CandidateChecks(%s)", lang)
	files := make([]sandbox.File, len(tree))
	for i, f := range tree {
		files[i] = sandbox.File{Path: "repo/" + f.Path, Data: f.Data}
	}
	cmd := sandbox.Command{Files: files, Collect: []string{junitFile}, Limits: l}
	switch lang {
	case Python:
		cmd.Files = append(cmd.Files, sandbox.File{Path: "anyhour_checks.py", Data: []byte(pytestRunner)})
		cmd.Args, cmd.Env = append(append([]string{python3}, pythonFlags...), "/task/anyhour_checks.py"), pythonEnv
	case JavaScript:
		// node's own runner finds the test files under the directory.
		cmd.Args, cmd.Env = []string{node, "--test", "--test-reporter=junit", "--test-reporter-destination=/task/" + junitFile, "/task/repo"}, nodeEnv
	case Go:
		return g.goChecks(ctx, files, l)
	default:
		return Outcome{}, fmt.Errorf("the candidate's own checks run for Python, JavaScript and Go repositories, not %s", lang)
	}
	res, err := g.box.Run(ctx, cmd)
	if err != nil {
		return Outcome{}, err
	}
	o.Wall, o.MaxRSSBytes, o.TimedOut, o.MemoryExceeded = res.Wall, res.MaxRSSBytes, res.TimedOut, res.MemoryExceeded
	o.Logs = capLog(string(res.Stdout) + string(res.Stderr))
	report, ok := res.Collected[junitFile]
	if !ok {
		switch {
		case res.TimedOut:
			o.CompileError = "the tests ran out of time before they reported"
		case res.MemoryExceeded:
			o.CompileError = "the tests ran out of memory before they reported"
		default:
			o.CompileError = "the tests did not report (see the output)"
		}
		return o, nil
	}
	o.Tests, err = parseJUnit(report)
	if err != nil {
		o.CompileError = "the tests' report cannot be read: " + err.Error()
	}
	return o, nil
}

// pytestRunner runs pytest in the repository, its report to a file and
// its output to the box's.
const pytestRunner = `import os, sys
os.chdir("/task/repo")
sys.path.insert(0, "/task/repo")
sys.dont_write_bytecode = True
import pytest
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "--junitxml=/task/` + junitFile + `", "-o", "junit_family=xunit1"]))
`

type junitSuites struct {
	Suites []junitSuite `xml:"testsuite"`
	Cases  []junitCase  `xml:"testcase"` // node's runner puts them at the top
}

type junitSuite struct {
	Cases []junitCase `xml:"testcase"`
}

type junitCase struct {
	Class   string        `xml:"classname,attr"`
	Name    string        `xml:"name,attr"`
	File    string        `xml:"file,attr"`
	Time    float64       `xml:"time,attr"`
	Failure *junitProblem `xml:"failure"`
	Error   *junitProblem `xml:"error"`
	Skipped *junitProblem `xml:"skipped"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// parseJUnit reads a JUnit XML report into tests worth no points.
func parseJUnit(data []byte) ([]Test, error) {
	var doc junitSuites
	if err := xml.Unmarshal(data, &doc); err != nil {
		var one junitSuite
		if err2 := xml.Unmarshal(data, &one); err2 != nil {
			return nil, err
		}
		doc.Suites = []junitSuite{one}
	}
	var out []Test
	doc.Suites = append([]junitSuite{{Cases: doc.Cases}}, doc.Suites...)
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if len(out) == maxChecks {
				return out, nil
			}
			name := c.Name
			if c.File != "" {
				name = c.File + "::" + c.Name
			} else if c.Class != "" {
				name = c.Class + "::" + c.Name
			}
			t := Test{Name: clip(name, 300), Passed: true, DurationMS: int64(c.Time * 1000)}
			for _, p := range []*junitProblem{c.Failure, c.Error} {
				if p != nil {
					t.Passed = false
					t.Message = clip(strings.TrimSpace(p.Message+"\n"+p.Text), 4000)
				}
			}
			if c.Skipped != nil {
				t.Passed, t.Message = false, clip("skipped: "+c.Skipped.Message, 4000)
			}
			out = append(out, t)
		}
	}
	return out, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "… (truncated)"
}

// capLog bounds what a run printed.
func capLog(s string) string { return clip(s, 16<<10) }
