package grader

import (
	"context"

	"github.com/anyhour/anyhour/internal/sandbox"
)

const node = "/usr/bin/node"

// nodeEnv is the environment of every JavaScript box.
var nodeEnv = []string{"HOME=/tmp", "LANG=C.UTF-8"}

// detectModule lets node run the candidate's file, solution.js, as an ES
// module when it has import or export statements and as CommonJS
// otherwise, so that `const readline = require('readline')` works as well
// as `import readline from 'node:readline'`.
const detectModule = "--experimental-detect-module"

// javascriptPair is the judge's and the solution's command, with their
// harnesses; the payloads bring the tests and the candidate's code. The
// reporter writes nothing to its destination (it writes the results
// itself, synchronously), so the destination is just somewhere harmless.
func javascriptPair() (judge, solution sandbox.Command) {
	wire := sandbox.File{Path: "anyhour-wire.mjs", Data: harnessFile("wire.mjs")}
	judge = sandbox.Command{
		Args: []string{node, "--test-reporter=./anyhour-reporter.mjs", "--test-reporter-destination=stderr", "/task/anyhour-judge.mjs"},
		Env:  nodeEnv,
		Files: []sandbox.File{
			{Path: "anyhour-judge.mjs", Data: harnessFile("judge.mjs")},
			{Path: "anyhour-reporter.mjs", Data: harnessFile("reporter.mjs")},
			{Path: "anyhour-test.mjs", Data: harnessFile("runner.mjs")},
			wire,
		},
	}
	solution = sandbox.Command{
		Args:  []string{node, detectModule, "/task/anyhour-serve.mjs"},
		Env:   nodeEnv,
		Files: []sandbox.File{{Path: "anyhour-serve.mjs", Data: harnessFile("serve.mjs")}, wire},
	}
	return judge, solution
}

// javascriptTests runs one node:test file: the tests in the judge's box,
// the candidate's code in the solution's (pair.go).
func (g *Grader) javascriptTests(ctx context.Context, s Suite, at, src string, hidden bool) (testRun, error) {
	name := testFileName(hidden) + ".mjs"
	solution, solutionArgv := []sandbox.File{{Path: "solution.js", Data: []byte(s.Code)}}, []string(nil)
	if s.Tree != nil {
		// A take-home: the test at its own path, the modules it imports
		// by their paths in the repository.
		name = at
		solution = make([]sandbox.File, len(s.Tree))
		for i, f := range s.Tree {
			solution[i] = sandbox.File{Path: "repo/" + f.Path, Data: f.Data}
		}
		solutionArgv = append([]string{"tree"}, ImportedModules(at, src, s.Tree)...)
	}
	tr, err := g.runInterpreted(ctx, JavaScript, []sandbox.File{{Path: name, Data: []byte(src)}}, solution, []string{name}, solutionArgv, s.Limits)
	if err != nil {
		return tr, err
	}
	tr.hidden = hidden
	tr.absorb(tr.records())
	return tr, nil
}

// javascriptProgram is the command that runs the candidate's code as a
// program, an ES module or CommonJS.
func javascriptProgram(s Suite) sandbox.Command {
	return sandbox.Command{
		Args:  []string{node, detectModule, "/task/solution.js"},
		Env:   nodeEnv,
		Files: []sandbox.File{{Path: "solution.js", Data: []byte(s.Code)}},
	}
}
