package grader

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/anyhour/anyhour/internal/sandbox"
)

const python3 = "/usr/bin/python3"

// pythonFlags: ignore PYTHON* variables and the user's site directory,
// write no bytecode, and speak UTF-8 whatever the locale.
var pythonFlags = []string{"-E", "-s", "-B", "-X", "utf8"}

// pythonEnv is the environment of every Python box.
var pythonEnv = []string{"HOME=/tmp", "LANG=C.UTF-8"}

// pythonPair is the judge's and the solution's command, with their
// harnesses; the payloads bring the tests and the candidate's code.
func pythonPair() (judge, solution sandbox.Command) {
	wire := sandbox.File{Path: "anyhour_wire.py", Data: harnessFile("wire.py")}
	judge = sandbox.Command{
		Args:  append(append([]string{python3}, pythonFlags...), "/task/anyhour_judge.py"),
		Env:   pythonEnv,
		Files: []sandbox.File{{Path: "anyhour_judge.py", Data: harnessFile("judge.py")}, wire},
	}
	solution = sandbox.Command{
		Args:  append(append([]string{python3}, pythonFlags...), "/task/anyhour_serve.py"),
		Env:   pythonEnv,
		Files: []sandbox.File{{Path: "anyhour_serve.py", Data: harnessFile("serve.py")}, wire},
	}
	return judge, solution
}

// pythonTests runs one Python test file: the tests in the judge's box,
// the candidate's code in the solution's (pair.go).
func (g *Grader) pythonTests(ctx context.Context, s Suite, src string, hidden bool) (testRun, error) {
	name := testFileName(hidden) + ".py"
	judgeFiles := []sandbox.File{{Path: name, Data: []byte(src)}}
	// The tests compiled by an earlier run of the same file: parsing and
	// rewriting them again would cost the judge more than the rest of its
	// start (Python's ast module alone takes some 5 ms to import).
	key := compiledKey(name, src)
	if blob, ok := g.compiled.get(key); ok {
		judgeFiles = append(judgeFiles, sandbox.File{Path: "anyhour_compiled", Data: blob})
	}
	solution, argv, solutionArgv := []sandbox.File{{Path: "solution.py", Data: []byte(s.Code)}}, []string{name}, []string(nil)
	if s.Tree != nil {
		solution = make([]sandbox.File, len(s.Tree))
		for i, f := range s.Tree {
			solution[i] = sandbox.File{Path: "repo/" + f.Path, Data: f.Data}
		}
		argv, solutionArgv = append(append(argv, "tree"), Modules(s.Tree)...), []string{"tree"}
	}
	tr, err := g.runInterpreted(ctx, Python, judgeFiles, solution, argv, solutionArgv, s.Limits)
	if err != nil {
		return tr, err
	}
	tr.hidden = hidden
	tr.absorb(tr.records())
	if tr.compiled != nil {
		g.compiled.put(key, tr.compiled)
	}
	return tr, nil
}

// compiledKey names a test file's compiled form: its name, source and the
// judge that compiled it.
func compiledKey(name, src string) string {
	h := sha256.New()
	h.Write(harnessFile("judge.py"))
	h.Write([]byte("\x00" + name + "\x00" + src))
	return hex.EncodeToString(h.Sum(nil))
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
