package grading

import "embed"

// harnessFiles are the in-box harnesses: harness.py for Python; main.mjs,
// reporter.mjs and hooks.mjs for JavaScript; harness.go for Go.
//
//go:embed harness/harness.py harness/main.mjs harness/reporter.mjs harness/hooks.mjs harness/harness.go
var harnessFiles embed.FS

func harnessFile(name string) []byte {
	b, err := harnessFiles.ReadFile("harness/" + name)
	if err != nil {
		panic("grading: missing embedded harness " + name)
	}
	return b
}
