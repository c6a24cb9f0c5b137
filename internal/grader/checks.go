package grader

import (
	"context"
	"encoding/xml"
	"fmt"
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
	default:
		return Outcome{}, fmt.Errorf("the candidate's own checks run for Python and JavaScript repositories in this version, not %s", lang)
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
