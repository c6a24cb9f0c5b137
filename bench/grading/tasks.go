package main

import (
	"fmt"
	"strings"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
)

// fizzCases are the ten tests of the benchmark's task, FizzBuzz: n and
// what fizz(n) returns.
var fizzCases = []struct {
	n    int
	want string
}{{1, "1"}, {2, "2"}, {3, "Fizz"}, {5, "Buzz"}, {6, "Fizz"}, {7, "7"}, {10, "Buzz"}, {15, "FizzBuzz"}, {30, "FizzBuzz"}, {98, "98"}}

// fizz is the task in each language: a right solution and ten tests.
type fizz struct {
	lang        grader.Language
	code, tests string
}

func fizzTask(lang grader.Language) fizz {
	var t strings.Builder
	switch lang {
	case grader.Python:
		t.WriteString("from solution import fizz\n")
		for _, c := range fizzCases {
			fmt.Fprintf(&t, "\n\ndef test_fizz_%d():\n    assert fizz(%d) == %q\n", c.n, c.n, c.want)
		}
		return fizz{lang, "def fizz(n):\n    if n % 15 == 0:\n        return 'FizzBuzz'\n    if n % 3 == 0:\n        return 'Fizz'\n    if n % 5 == 0:\n        return 'Buzz'\n    return str(n)\n", t.String()}
	case grader.JavaScript:
		t.WriteString("import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { fizz } from './solution.mjs';\n")
		for _, c := range fizzCases {
			fmt.Fprintf(&t, "test('fizz %d', () => assert.equal(fizz(%d), %q));\n", c.n, c.n, c.want)
		}
		return fizz{lang, "export function fizz(n) {\n  if (n % 15 === 0) return 'FizzBuzz';\n  if (n % 3 === 0) return 'Fizz';\n  if (n % 5 === 0) return 'Buzz';\n  return String(n);\n}\n", t.String()}
	default:
		t.WriteString("package solution\n\nimport \"testing\"\n")
		for _, c := range fizzCases {
			fmt.Fprintf(&t, "\nfunc TestFizz%d(t *testing.T) {\n\tif got := Fizz(%d); got != %q {\n\t\tt.Errorf(\"Fizz(%d) = %%q\", got)\n\t}\n}\n", c.n, c.n, c.want, c.n)
		}
		return fizz{lang, "package solution\n\nimport \"strconv\"\n\nfunc Fizz(n int) string {\n\tswitch {\n\tcase n%15 == 0:\n\t\treturn \"FizzBuzz\"\n\tcase n%3 == 0:\n\t\treturn \"Fizz\"\n\tcase n%5 == 0:\n\t\treturn \"Buzz\"\n\t}\n\treturn strconv.Itoa(n)\n}\n", t.String()}
	}
}

// suite is the final grade of the right solution: the ten tests, hidden.
func (f fizz) suite() grader.Suite {
	return grader.Suite{Language: f.lang, Code: f.code, Hidden: f.tests, IncludeHidden: true, Points: 10}
}

// step is the task as an interview's code step, its tests hidden.
func (f fizz) step() opening.Step {
	l := opening.Language(f.lang)
	return opening.Step{Kind: opening.KindCode, Title: "FizzBuzz in " + string(f.lang), Points: 10, Code: &opening.CodeTask{
		Languages: []opening.Language{l},
		Tests:     map[opening.Language]opening.CodeTests{l: {Hidden: f.tests}},
	}}
}
