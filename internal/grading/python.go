package grading

import (
	"context"

	"github.com/anyhour/anyhour/internal/sandbox"
)

const python3 = "/usr/bin/python3"

// pythonFlags: ignore PYTHON* variables and the user's site directory,
// write no bytecode, and speak UTF-8 whatever the locale.
var pythonFlags = []string{"-E", "-s", "-B", "-X", "utf8"}

// pythonTests runs one Python test file with the harness.
func (g *Grader) pythonTests(ctx context.Context, s Suite, src string, hidden bool) (testRun, error) {
	name := testFileName(hidden) + ".py"
	token := newToken()
	args := append([]string{python3}, pythonFlags...)
	args = append(args, "/task/anyhour_harness.py", name, "/task/"+resultsFile)
	cmd := sandbox.Command{
		Args:  args,
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Stdin: []byte(token + "\n"),
		Files: []sandbox.File{
			{Path: "solution.py", Data: []byte(s.Code)},
			{Path: name, Data: []byte(src)},
			{Path: "anyhour_harness.py", Data: harnessFile("harness.py")},
		},
		Collect: []string{resultsFile},
		Limits:  s.Limits,
	}
	return g.runHarness(ctx, cmd, token, hidden, s.Limits)
}

// pythonProgram is the command that runs the candidate's code as a program.
func pythonProgram(s Suite) sandbox.Command {
	args := append([]string{python3}, pythonFlags...)
	return sandbox.Command{
		Args:  append(args, "/task/solution.py"),
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Files: []sandbox.File{{Path: "solution.py", Data: []byte(s.Code)}},
	}
}

func testFileName(hidden bool) string {
	if hidden {
		return "hidden_test"
	}
	return "visible_test"
}

// runHarness runs a Python or JavaScript harness and reads its records.
func (g *Grader) runHarness(ctx context.Context, cmd sandbox.Command, token string, hidden bool, l sandbox.Limits) (testRun, error) {
	tr := testRun{hidden: hidden, limits: l}
	res, err := g.box.Run(ctx, cmd)
	if err != nil {
		return tr, err
	}
	tr.res = res
	recs, tampered := parseRecords(res.Collected[resultsFile], token)
	tr.tampered = tampered
	tr.absorb(recs)
	return tr, nil
}
