// Package humaneval adapts HumanEvalPack (bigcode's OctoPack: 164
// problems each in Python, JavaScript and Go, with a canonical and a buggy
// solution) to anyhour's code steps, so that the corpus can be graded
// through the grading package or the API: every canonical solution must
// score full marks, every buggy one must lose points.
//
// The corpus's tests take other forms than anyhour's (docs/contracts.md); Tests
// adapts them:
//   - Python: test defines check(candidate); the file imports solution and
//     gets one test, test_<entry point>, that calls check.
//   - JavaScript: test calls console.assert, which only prints in Node; the
//     adapted file imports node:test and node:assert, turns console.assert
//     into assert.ok and runs the corpus's test code as one test.
//   - Go: test uses testify's assert in package main; the adapted file is
//     in package solution with a small stand-in for assert.New and Equal
//     (testify's Equal is reflect.DeepEqual for these tests).
//
// Five problems are faulty in the corpus itself (Problem.Faulty says why);
// report figures without them.
package humaneval

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"github.com/anyhour/anyhour/internal/grader"
)

// Problem is one problem of the corpus in one language.
type Problem struct {
	TaskID     string // e.g. "Go/95"
	Language   grader.Language
	EntryPoint string
	Prompt     string // the signature and docstring the solutions complete
	Canonical  string // the body of the correct solution
	Buggy      string // the body of a solution with one bug
	Test       string // the corpus's own test code
	Import     string // Go: imports the canonical solution may need
	TestSetup  string // Go: the test file's package clause and imports
	// Faulty says why the corpus's own problem cannot be graded fairly, or
	// is empty.
	Faulty string
}

// faulty are the problems the corpus gets wrong (see its README).
var faulty = map[string]string{
	"JavaScript/65":  "the canonical solution assigns an undeclared variable, which an ES module rejects",
	"JavaScript/105": "the canonical solution assigns an undeclared variable, which an ES module rejects",
	"JavaScript/111": "the canonical solution assigns an undeclared variable, which an ES module rejects",
	"JavaScript/162": "the canonical solution assigns an undeclared variable, which an ES module rejects",
	"Go/95":          "the canonical solution depends on map iteration order",
}

// Load reads one of the corpus's JSON Lines files
// (humanevalpack_{python,js,go}.jsonl).
func Load(path string) ([]Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Problem
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var r struct {
			TaskID     string  `json:"task_id"`
			Prompt     string  `json:"prompt"`
			Canonical  string  `json:"canonical_solution"`
			Buggy      string  `json:"buggy_solution"`
			Test       string  `json:"test"`
			EntryPoint string  `json:"entry_point"`
			Import     *string `json:"import"`
			TestSetup  *string `json:"test_setup"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		lang, _, _ := strings.Cut(r.TaskID, "/")
		p := Problem{TaskID: r.TaskID, EntryPoint: r.EntryPoint, Prompt: r.Prompt, Canonical: r.Canonical,
			Buggy: r.Buggy, Test: r.Test, Faulty: faulty[r.TaskID]}
		switch lang {
		case "Python":
			p.Language = grader.Python
		case "JavaScript":
			p.Language = grader.JavaScript
		case "Go":
			p.Language = grader.Go
		default:
			return nil, fmt.Errorf("%s:%d: unknown language in task %q", path, n, r.TaskID)
		}
		if r.Import != nil {
			p.Import = *r.Import
		}
		if r.TestSetup != nil {
			p.TestSetup = *r.TestSetup
		}
		out = append(out, p)
	}
	return out, sc.Err()
}

// CanonicalCode is the canonical solution as a complete source file.
func (p Problem) CanonicalCode() string { return p.Code(p.Canonical) }

// BuggyCode is the buggy solution as a complete source file.
func (p Problem) BuggyCode() string { return p.Code(p.Buggy) }

// Code completes the prompt with body into a source file in the form
// anyhour expects: Python's module solution, an ES module exporting its
// top-level names, Go's package solution with the imports it uses.
func (p Problem) Code(body string) string {
	src := p.Prompt + body
	switch p.Language {
	case grader.JavaScript:
		return src + "\n\nexport { " + strings.Join(jsNames(src), ", ") + " };\n"
	case grader.Go:
		if p.Import != "" && !strings.Contains(src, strings.TrimSpace(p.Import)) {
			src = p.Import + "\n" + src
		}
		return fixImports("package solution\n\n" + src)
	}
	return src
}

// Tests returns the problem's tests in anyhour's form.
func (p Problem) Tests() string {
	switch p.Language {
	case grader.Python:
		return pythonTests(p)
	case grader.JavaScript:
		return jsTests(p)
	default:
		return goTests(p)
	}
}

// Suite grades solution, a complete source file, against the problem's
// tests, as hidden tests (what a final grade runs).
func (p Problem) Suite(solution string) grader.Suite {
	return grader.Suite{Language: p.Language, Code: solution, Hidden: p.Tests(), IncludeHidden: true, Points: 1}
}

var checkCall = regexp.MustCompile(`(?m)^check\(.*\)\s*$`)

func pythonTests(p Problem) string {
	return "from solution import *\n\n" + checkCall.ReplaceAllString(p.Test, "") +
		"\n\n\ndef test_" + p.EntryPoint + "():\n    check(" + p.EntryPoint + ")\n"
}

var jsTopName = regexp.MustCompile(`(?m)^(?:export\s+)?(?:const|let|var|class|(?:async\s+)?function\*?)\s+([A-Za-z_$][\w$]*)`)

// jsNames lists the top-level names a JavaScript source declares.
func jsNames(src string) []string {
	var names []string
	for _, m := range jsTopName.FindAllStringSubmatch(src, -1) {
		if !slices.Contains(names, m[1]) {
			names = append(names, m[1])
		}
	}
	return names
}

func jsTests(p Problem) string {
	// The names the prompt declares; not always the entry point, which in
	// JavaScript/114 is spelt differently from the function.
	names := jsNames(p.Prompt)
	if len(names) == 0 {
		names = []string{p.EntryPoint}
	}
	body := strings.ReplaceAll(p.Test, "console.assert(", "assert.ok(")
	return "import test from 'node:test';\nimport assert from 'node:assert';\nimport { " + strings.Join(names, ", ") +
		" } from './solution.mjs';\n\ntest(" + fmt.Sprintf("%q", p.EntryPoint) + ", () => {\n" + body + "\n});\n"
}

// goAssert stands in for testify's assert.New(t).Equal.
const goAssert = `
type anyhourAssertions struct{ t *testing.T }

var assert = struct {
	New func(t *testing.T) anyhourAssertions
}{New: func(t *testing.T) anyhourAssertions { return anyhourAssertions{t} }}

func (a anyhourAssertions) Equal(expected, actual any, msgAndArgs ...any) bool {
	a.t.Helper()
	if reflect.DeepEqual(expected, actual) {
		return true
	}
	a.t.Errorf("not equal:\nexpected: %#v\nactual:   %#v%s", expected, actual, anyhourMessage(msgAndArgs))
	return false
}

func anyhourMessage(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return ""
	}
	if f, ok := msgAndArgs[0].(string); ok {
		return "\n" + fmt.Sprintf(f, msgAndArgs[1:]...)
	}
	return "\n" + fmt.Sprint(msgAndArgs...)
}
`

var goImport = regexp.MustCompile(`"([^"]+)"`)

func goTests(p Problem) string {
	imports := []string{"fmt", "reflect", "testing"}
	for _, m := range goImport.FindAllStringSubmatch(p.TestSetup, -1) {
		if m[1] != "github.com/stretchr/testify/assert" && !slices.Contains(imports, m[1]) {
			imports = append(imports, m[1])
		}
	}
	var b strings.Builder
	b.WriteString("package solution\n\nimport (\n")
	for _, imp := range imports {
		fmt.Fprintf(&b, "\t%q\n", imp)
	}
	b.WriteString(")\n" + goAssert + "\n" + p.Test + "\n")
	return fixImports(b.String())
}
