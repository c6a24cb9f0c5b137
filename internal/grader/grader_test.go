package grader_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/google/go-cmp/cmp"
)

// brief reduces an outcome to "name:ok" or "name:FAIL:message excerpt".
func brief(o grader.Outcome) []string {
	var out []string
	for _, t := range o.Tests {
		s := t.Name + ":ok"
		if !t.Passed {
			s = t.Name + ":FAIL"
		}
		out = append(out, s)
	}
	return out
}

func TestMessages(t *testing.T) {
	for _, c := range []struct {
		name  string
		suite grader.Suite
		want  []string // a part of each test's message
	}{
		{"python assert shows both sides", grader.Suite{Language: grader.Python, Code: "def f(x):\n    return x + 1\n",
			Visible: "from solution import f\n\ndef test_f():\n    assert f(1) == 3, 'f(1)'\n\ndef test_in():\n    assert f(1) in (5, 6)\n"},
			[]string{"f(1)\nassert f(1) == 3\n  left:  2\n  right: 3", "assert f(1) in (5, 6)\n  left:  2\n  right: (5, 6)"}},
		{"python exception names its place", grader.Suite{Language: grader.Python, Code: "def f(x):\n    return 1 / x\n",
			Visible: "from solution import f\n\ndef test_f():\n    assert f(0) == 1\n"},
			[]string{"ZeroDivisionError: division by zero\n  at solution.py:2 in f: return 1 / x\n  at visible_test.py:4 in test_f: assert f(0) == 1"}},
		{"python missing function", grader.Suite{Language: grader.Python, Code: "def g():\n    pass\n",
			Visible: "from solution import f\n\ndef test_f():\n    assert f() == 1\n"},
			[]string{"loading the tests failed: ImportError: cannot import name 'f' from 'solution'"}},
		{"javascript assertion diff", grader.Suite{Language: grader.JavaScript, Code: "export const f = (x) => ({ a: [x] });\n",
			Visible: "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { f } from './solution.mjs';\ntest('f', () => assert.deepEqual(f(1), { a: [2] }));\n"},
			[]string{"+ actual - expected\n\n  {\n    a: [\n+     1\n-     2\n    ]\n  }"}},
		{"javascript error names its place", grader.Suite{Language: grader.JavaScript, Code: "export function f(x) {\n  return x.y.z;\n}\n",
			Visible: "import test from 'node:test';\nimport { f } from './solution.mjs';\ntest('f', () => f({}));\n"},
			[]string{"TypeError: Cannot read properties of undefined (reading 'z')\n  at f (solution.js:2:14)\n  at TestContext.<anonymous> (visible_test.mjs:3:17)"}},
		{"javascript missing export", grader.Suite{Language: grader.JavaScript, Code: "export function g() {}\n",
			Visible: "import test from 'node:test';\nimport { f } from './solution.mjs';\ntest('f', () => f());\n"},
			[]string{"loading the tests failed: visible_test.mjs:2\nimport { f } from './solution.mjs';\n         ^\nSyntaxError: The requested module './solution.mjs' does not provide an export named 'f'"}},
		{"go t.Errorf", grader.Suite{Language: grader.Go, Code: "package solution\n\nfunc F(x int) int { return x + 1 }\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) {\n\tif got := F(1); got != 3 {\n\t\tt.Errorf(\"F(1) = %d, want 3\\nsecond line\", got)\n\t}\n}\n"},
			[]string{"visible_test.go:7: F(1) = 2, want 3\n    second line"}},
		{"stdin/stdout diff", grader.Suite{Language: grader.Python, Code: "print('a')\nprint('  b')\nprint('c')\n",
			IOCases: []grader.IOCase{{Name: "abc", Stdout: "a\nb\nc\n"}}},
			[]string{"output differs at line 2 (expected 3 lines, got 3)\n    1  a\n-   2  b\n-   3  c\n+   2    b\n+   3  c\n(the lines differ only in leading whitespace)"}},
		{"stdin/stdout exit status", grader.Suite{Language: grader.Python, Code: "import sys\nprint('ok')\nsys.exit(4)\n",
			IOCases: []grader.IOCase{{Name: "exit", Stdout: "ok"}}},
			[]string{"the program failed (exit status 4)"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, c.suite)
			if len(o.Tests) != len(c.want) {
				t.Fatalf("tests %q, want %d", brief(o), len(c.want))
			}
			for i, w := range c.want {
				if o.Tests[i].Passed || !strings.Contains(o.Tests[i].Message, w) {
					t.Errorf("%s: message\n%s\nwant it to contain\n%s", o.Tests[i].Name, o.Tests[i].Message, w)
				}
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		suite grader.Suite
		want  string
	}{
		{"python", grader.Suite{Language: grader.Python, Code: "def f(:\n    pass\n",
			Visible: "from solution import f\n\ndef test_f():\n    f()\n", Hidden: "def test_h():\n    pass\n", IncludeHidden: true,
			IOCases: []grader.IOCase{{Name: "io", Stdout: "x"}}},
			"File \"solution.py\", line 1"},
		{"python io only", grader.Suite{Language: grader.Python, Code: "print('x'\n",
			IOCases: []grader.IOCase{{Name: "a", Stdout: "x"}, {Name: "b", Stdout: "x", Hidden: true}}, IncludeHidden: true},
			"File \"solution.py\", line 1"},
		{"javascript", grader.Suite{Language: grader.JavaScript, Code: "export function f( {\n}\n",
			Visible: "import test from 'node:test';\nimport { f } from './solution.mjs';\ntest('f', () => f());\n",
			IOCases: []grader.IOCase{{Name: "io", Stdout: "x"}}},
			"SyntaxError: Unexpected end of input"},
		{"go", grader.Suite{Language: grader.Go, Code: "package solution\n\nfunc F() int { return \"x\" }\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { F() }\n", Hidden: "package solution\n\nimport \"testing\"\n\nfunc TestH(t *testing.T) {}\n",
			IncludeHidden: true, IOCases: []grader.IOCase{{Name: "io", Stdout: "x"}}},
			"solution.go:3:23: cannot use \"x\""},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, c.suite)
			if !strings.Contains(o.CompileError, c.want) || strings.Contains(o.CompileError, "/task") || strings.Contains(o.CompileError, "/tmp") {
				t.Errorf("compile error %q, want it to contain %q and no paths", o.CompileError, c.want)
			}
			for _, tt := range o.Tests {
				if tt.Passed || tt.Message != "did not run: the code does not compile" {
					t.Errorf("%s: passed %v, %q", tt.Name, tt.Passed, tt.Message)
				}
			}
		})
	}
}

// TestHiddenCompileError: hidden Go tests that do not compile against the
// candidate's code fail with the compiler's words, which only reviewers see.
func TestHiddenCompileError(t *testing.T) {
	o := mustGrade(t, grader.Suite{Language: grader.Go, IncludeHidden: true,
		Code:    "package solution\n\nfunc F() int { return 1 }\n",
		Visible: "package solution\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { F() }\n",
		Hidden:  "package solution\n\nimport \"testing\"\n\nfunc TestSecret(t *testing.T) { G() }\n"})
	if diff := cmp.Diff([]string{"TestF:ok", "TestSecret:FAIL"}, brief(o)); diff != "" {
		t.Fatalf("tests (-want +got):\n%s", diff)
	}
	if o.CompileError != "" || !strings.Contains(o.Tests[1].Message, "hidden_test.go:5:33: undefined: G") {
		t.Errorf("compile error %q, hidden message %q", o.CompileError, o.Tests[1].Message)
	}
	if c := o.ForCandidate(); strings.Contains(c.Tests[1].Message+c.Tests[1].Name, "G") {
		t.Errorf("the candidate sees %+v", c.Tests[1])
	}
}

func TestSubtests(t *testing.T) {
	for _, c := range []struct {
		name  string
		suite grader.Suite
		want  []string
		score float64
	}{
		{"go", grader.Suite{Language: grader.Go, Code: "package solution\n\nfunc Double(x int) int { return x * x }\n",
			Visible: `package solution

import "testing"

func TestDouble(t *testing.T) {
	for _, c := range []struct{ in, want int }{{2, 4}, {3, 6}} {
		t.Run("in "+string(rune('0'+c.in)), func(t *testing.T) {
			if got := Double(c.in); got != c.want {
				t.Errorf("Double(%d) = %d, want %d", c.in, got, c.want)
			}
		})
	}
}

func TestParentFails(t *testing.T) {
	t.Run("sub", func(t *testing.T) {})
	t.Error("the parent itself")
}
`},
			[]string{"TestDouble/in_2:ok", "TestDouble/in_3:FAIL", "TestParentFails/sub:ok", "TestParentFails:FAIL"}, 1},
		{"javascript", grader.Suite{Language: grader.JavaScript, Code: "export const double = (x) => x * x;\n",
			Visible: `import test, { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { double } from './solution.mjs';

test('double', async (t) => {
  await t.test('two', () => assert.equal(double(2), 4));
  await t.test('three', () => assert.equal(double(3), 6));
});

describe('suite', () => {
  it('one', () => assert.equal(double(1), 1));
});
`},
			[]string{"double/two:ok", "double/three:FAIL", "suite/one:ok"}, 1.5},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, c.suite)
			if diff := cmp.Diff(c.want, brief(o)); diff != "" {
				t.Errorf("tests (-want +got):\n%s\n%+v", diff, o)
			}
			// Each top-level test is worth one point, shared by its parts.
			if score, max := o.Score(); max != 2 || score != c.score {
				t.Errorf("score %v/%v, want %v/2", score, max, c.score)
			}
		})
	}
}

func TestPoints(t *testing.T) {
	o := mustGrade(t, grader.Suite{Language: grader.Python, Points: 20,
		Code: "def f():\n    return 1\n",
		Visible: "from solution import f\n\ndef test_a():\n    assert f() == 1\n\n" +
			"# A comment about the test.\n# points: 6\ndef test_b():\n    assert f() == 2\n",
		Hidden:  "def test_h1():\n    pass\n\ndef test_h2():\n    pass\n",
		IOCases: []grader.IOCase{{Name: "io", Stdout: "", Points: 4}, {Name: "secret", Stdout: "", Hidden: true}},
	})
	// 20 points: test_b names 6, io names 4; the other four units (test_a,
	// test_h1, test_h2, secret) share 10. The hidden ones did not run.
	var got []float64
	for _, tt := range o.Tests {
		got = append(got, tt.Points)
	}
	if diff := cmp.Diff([]float64{2.5, 6, 4}, got); diff != "" {
		t.Errorf("points (-want +got):\n%s\n%+v", diff, o)
	}
	if score, max := o.Score(); score != 6.5 || max != 12.5 {
		t.Errorf("score %v/%v, want 6.5/12.5", score, max)
	}
}

func TestForCandidate(t *testing.T) {
	o := mustGrade(t, grader.Suite{Language: grader.Python, IncludeHidden: true,
		Code:    "def f():\n    print('out')\n    return 1\n",
		Visible: "from solution import f\n\ndef test_v():\n    assert f() == 1\n",
		Hidden:  "from solution import f\n\ndef test_secret_name():\n    assert f() == 'secret value'\n\ndef test_other():\n    f()\n",
		IOCases: []grader.IOCase{{Name: "secret case", Stdin: "x", Stdout: "secret output", Hidden: true}}})
	c := o.ForCandidate()
	if diff := cmp.Diff([]string{"test_v:ok", "hidden test 1:FAIL", "hidden test 2:ok", "hidden test 3:FAIL"}, brief(c)); diff != "" {
		t.Errorf("tests (-want +got):\n%s", diff)
	}
	for _, tt := range c.Tests[1:] {
		if tt.Message != "" || !tt.Hidden || tt.DurationMS != 0 {
			t.Errorf("the candidate sees %+v", tt)
		}
	}
	if c.HiddenLogs != "" || o.HiddenLogs == "" || !strings.Contains(c.Logs, "out") {
		t.Errorf("logs %q, hidden logs %q (reviewer: %q)", c.Logs, c.HiddenLogs, o.HiddenLogs)
	}
	if s1, m1 := o.Score(); true {
		if s2, m2 := c.Score(); s1 != s2 || m1 != m2 {
			t.Errorf("the candidate's score %v/%v differs from %v/%v", s2, m2, s1, m1)
		}
	}
	if !strings.Contains(o.Tests[1].Message, "secret value") || o.Tests[1].Name != "test_secret_name" {
		t.Errorf("the reviewer lost the hidden test's details: %+v", o.Tests[1])
	}
}

func TestIOComparison(t *testing.T) {
	cases := []grader.IOCase{
		{Name: "trailing space and blank lines", Stdin: "a b", Stdout: "a\nb"},
		{Name: "crlf", Stdin: "a b", Stdout: "a\r\nb\r\n"},
		{Name: "leading space counts", Stdin: "a b", Stdout: " a\nb"},
		{Name: "inner blank line counts", Stdin: "a b", Stdout: "a\n\nb"},
	}
	code := map[grader.Language]string{
		grader.Python:     "import sys\nfor w in sys.stdin.read().split():\n    print(w + '  \\t')\nprint()\nprint()\n",
		grader.JavaScript: "import fs from 'node:fs';\nfor (const w of fs.readFileSync(0, 'utf8').split(/\\s+/)) process.stdout.write(w + ' \\t\\r\\n');\nprocess.stdout.write('\\n\\n');\n",
		grader.Go:         "package main\n\nimport (\n\t\"fmt\"\n\t\"io\"\n\t\"os\"\n\t\"strings\"\n)\n\nfunc main() {\n\tb, _ := io.ReadAll(os.Stdin)\n\tfor _, w := range strings.Fields(string(b)) {\n\t\tfmt.Print(w, \"  \\n\")\n\t}\n\tfmt.Print(\"\\n\\n\")\n}\n",
	}
	for _, lang := range grader.Languages {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, grader.Suite{Language: lang, Code: code[lang], IOCases: cases})
			want := []string{"trailing space and blank lines:ok", "crlf:ok", "leading space counts:FAIL", "inner blank line counts:FAIL"}
			if diff := cmp.Diff(want, brief(o)); diff != "" {
				t.Errorf("tests (-want +got):\n%s\n%+v", diff, o)
			}
		})
	}
}

func TestBadSuite(t *testing.T) {
	g := mustGrader(t)
	_, err := g.Grade(context.Background(), grader.Suite{Language: "cobol", Code: "x"})
	if !errors.Is(err, apperr.ErrInvalid) {
		t.Errorf("unknown language: %v, want ErrInvalid", err)
	}
	if o, err := g.Grade(context.Background(), grader.Suite{Language: grader.Python, Code: "x = 1\n"}); err != nil || len(o.Tests) != 0 || o.Wall != 0 {
		t.Errorf("no tests at all: %+v, %v; want nothing run", o, err)
	}
	o := mustGrade(t, grader.Suite{Language: grader.Python, Code: "x = 1\n", Visible: "# no tests here\n"})
	if diff := cmp.Diff([]string{"visible tests:FAIL"}, brief(o)); diff != "" || o.Tests[0].Message != "the test file has no tests" {
		t.Errorf("a test file without tests: %+v", o)
	}
}
