package grader

import (
	"bytes"
	"embed"
)

// harnessFiles are what runs in the boxes beside the tests and the
// candidate's code: for Python the judge, the solution's server and their
// wire format (judge.py, serve.py, wire.py); the same for JavaScript, with
// node:test's reporter; for Go the judge's harness (harness.go) and the
// bridge both sides import (bridge/).
//
//go:embed harness/judge.py harness/serve.py harness/wire.py
//go:embed harness/judge.mjs harness/serve.mjs harness/wire.mjs harness/reporter.mjs harness/runner.mjs
//go:embed harness/harness.go harness/bridge/codec.go harness/bridge/protocol.go harness/bridge/api.go
var harnessFiles embed.FS

func harnessFile(name string) []byte {
	b, err := harnessFiles.ReadFile("harness/" + name)
	if err != nil {
		panic("grading: missing embedded harness " + name)
	}
	// harness.go is kept out of anyhour's own build by a constraint that
	// the box's build must not see.
	return bytes.TrimPrefix(b, []byte("//go:build anyhourbox\n"))
}
