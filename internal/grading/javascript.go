package grading

import (
	"context"

	"github.com/anyhour/anyhour/internal/sandbox"
)

const node = "/usr/bin/node"

// javascriptTests runs one node:test file with the harness. The reporter
// writes nothing to its destination (it writes the results file itself,
// synchronously), so the destination is just somewhere harmless.
func (g *Grader) javascriptTests(ctx context.Context, s Suite, src string, hidden bool) (testRun, error) {
	name := testFileName(hidden) + ".mjs"
	token := newToken()
	cmd := sandbox.Command{
		Args: []string{node,
			"--test-reporter=./anyhour-reporter.mjs", "--test-reporter-destination=stderr",
			"/task/anyhour-main.mjs", name, "/task/" + resultsFile},
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Stdin: []byte(token + "\n"),
		Files: []sandbox.File{
			{Path: "solution.mjs", Data: []byte(s.Code)},
			{Path: name, Data: []byte(src)},
			{Path: "anyhour-main.mjs", Data: harnessFile("main.mjs")},
			{Path: "anyhour-reporter.mjs", Data: harnessFile("reporter.mjs")},
			{Path: "anyhour-hooks.mjs", Data: harnessFile("hooks.mjs")},
		},
		Collect: []string{resultsFile},
		Limits:  s.Limits,
	}
	return g.runHarness(ctx, cmd, token, hidden, s.Limits)
}

// javascriptProgram is the command that runs the candidate's code as a
// program.
func javascriptProgram(s Suite) sandbox.Command {
	return sandbox.Command{
		Args:  []string{node, "/task/solution.mjs"},
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Files: []sandbox.File{{Path: "solution.mjs", Data: []byte(s.Code)}},
	}
}
