package grading

import (
	"context"

	"github.com/anyhour/anyhour/internal/sandbox"
)

const python3 = "/usr/bin/python3"

// pythonFlags: ignore PYTHON* variables and the user's site directory,
// write no bytecode, and speak UTF-8 whatever the locale.
var pythonFlags = []string{"-E", "-s", "-B", "-X", "utf8"}

// pythonEnv is the environment of every Python box.
var pythonEnv = []string{"HOME=/tmp", "LANG=C.UTF-8"}

// pythonTests runs one Python test file: the tests in the judge's box,
// the candidate's code in the solution's (pair.go).
func (g *Grader) pythonTests(ctx context.Context, s Suite, src string, hidden bool) (testRun, error) {
	name := testFileName(hidden) + ".py"
	wire := sandbox.File{Path: "anyhour_wire.py", Data: harnessFile("wire.py")}
	judge := sandbox.Command{
		Args: append(append([]string{python3}, pythonFlags...), "/task/anyhour_judge.py", name, "/task/"+resultsFile),
		Env:  pythonEnv,
		Files: []sandbox.File{
			{Path: name, Data: []byte(src)},
			{Path: "anyhour_judge.py", Data: harnessFile("judge.py")},
			wire,
		},
		Collect: []string{resultsFile},
	}
	solution := sandbox.Command{
		Args: append(append([]string{python3}, pythonFlags...), "/task/anyhour_serve.py"),
		Env:  pythonEnv,
		Files: []sandbox.File{
			{Path: "solution.py", Data: []byte(s.Code)},
			{Path: "anyhour_serve.py", Data: harnessFile("serve.py")},
			wire,
		},
	}
	tr, err := g.runPair(ctx, judge, solution, s.Limits)
	if err != nil {
		return tr, err
	}
	tr.hidden = hidden
	tr.absorb(tr.records())
	return tr, nil
}

// pythonProgram is the command that runs the candidate's code as a program.
func pythonProgram(s Suite) sandbox.Command {
	args := append([]string{python3}, pythonFlags...)
	return sandbox.Command{
		Args:  append(args, "/task/solution.py"),
		Env:   pythonEnv,
		Files: []sandbox.File{{Path: "solution.py", Data: []byte(s.Code)}},
	}
}

func testFileName(hidden bool) string {
	if hidden {
		return "hidden_test"
	}
	return "visible_test"
}
