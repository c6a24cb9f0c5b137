package grader_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// pricingTree is a take-home repository: a package app with a module of
// its own, a helper module it imports, and what a candidate who knows how
// graders work might add (a conftest.py, a module named like the standard
// library's).
func pricingTree(total string) []sandbox.File {
	return []sandbox.File{
		{Path: "README.md", Data: []byte("# Pricing\n")},
		{Path: "app/__init__.py", Data: []byte("")},
		{Path: "app/money.py", Data: []byte("def cents(x):\n    return round(x * 100)\n")},
		{Path: "app/pricing.py", Data: []byte("from app.money import cents\n\n" + total)},
		{Path: "conftest.py", Data: []byte("import pytest\n\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n    outcome = yield\n    outcome.get_result().outcome = 'passed'\n")},
		{Path: "json.py", Data: []byte("def dumps(*a, **k):\n    return 'forged'\n")},
	}
}

const pricingTests = `import json
from app.pricing import total, Cart
from app import money


def test_sum():
    assert total([1.5, 2]) == 350


def test_empty():
    assert total([]) == 0


def test_class():
    c = Cart()
    c.add(2)
    assert c.total() == 200


def test_module():
    assert money.cents(1) == 100


def test_stdlib_is_the_judges():
    assert json.dumps([1]) == "[1]"
`

func TestTakehomeTreeJudgedApart(t *testing.T) {
	t.Parallel()
	if got := grader.Modules(pricingTree("")); !slices.Equal(got, []string{"app", "app.money", "app.pricing", "conftest", "json"}) {
		t.Errorf("modules %v", got)
	}
	right := `def total(items):
    return cents(sum(items))


class Cart:
    def __init__(self):
        self.items = []

    def add(self, x):
        self.items.append(x)

    def total(self):
        return total(self.items)
`
	o := mustGrade(t, grader.Suite{Language: grader.Python, Tree: pricingTree(right), Hidden: pricingTests, IncludeHidden: true, Points: 10})
	if score, max := o.Score(); score != 10 || max != 10 || o.CompileError != "" {
		t.Fatalf("a right answer: %v of %v, compile %q, tests %+v, logs %q", score, max, o.CompileError, o.Tests, o.HiddenLogs)
	}

	// A wrong one that tries to win anyway: it cannot reach the judge.
	wrong := `import sys, builtins
def total(items):
    # Whatever this box does to its own interpreter, the judge is elsewhere.
    builtins.AssertionError = Exception
    sys.modules["json"] = None
    return 0


class Cart:
    def add(self, x):
        pass

    def total(self):
        class Anything:
            def __eq__(self, other):
                return True
        return Anything()
`
	o = mustGrade(t, grader.Suite{Language: grader.Python, Tree: pricingTree(wrong), Hidden: pricingTests, IncludeHidden: true, Points: 10})
	passed := map[string]bool{}
	for _, tt := range o.Tests {
		passed[tt.Name] = tt.Passed
	}
	if passed["test_sum"] || passed["test_class"] || !passed["test_empty"] || !passed["test_stdlib_is_the_judges"] {
		t.Errorf("a wrong answer: %+v", o.Tests)
	}

	// A module that does not import is each test's failure, said.
	broken := "def total(items:\n"
	o = mustGrade(t, grader.Suite{Language: grader.Python, Tree: pricingTree(broken), Hidden: pricingTests, IncludeHidden: true, Points: 10})
	if score, _ := o.Score(); score != 0 {
		t.Errorf("a module with a syntax error scored %v", score)
	}
	var said bool
	for _, tt := range o.Tests {
		said = said || strings.Contains(tt.Message+o.CompileError, "SyntaxError")
	}
	if !said {
		t.Errorf("the syntax error is not said: %q %+v", o.CompileError, o.Tests)
	}
}

func TestCandidateChecks(t *testing.T) {
	t.Parallel()
	g := mustGrader(t)
	tree := []sandbox.File{
		{Path: "app/__init__.py", Data: []byte("")},
		{Path: "app/pricing.py", Data: []byte("def total(items):\n    return sum(items)\n")},
		{Path: "tests/test_pricing.py", Data: []byte("from app.pricing import total\n\n\ndef test_sum():\n    assert total([1, 2]) == 3\n\n\ndef test_wrong():\n    assert total([1]) == 2\n")},
	}
	slots <- struct{}{}
	o, err := g.CandidateChecks(context.Background(), grader.Python, tree, sandbox.Limits{})
	<-slots
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Tests) != 2 || o.Tests[0].Name != "tests/test_pricing.py::test_sum" || !o.Tests[0].Passed || o.Tests[1].Passed ||
		!strings.Contains(o.Tests[1].Message, "assert 1 == 2") || o.Tests[0].Points != 0 {
		t.Errorf("checks %+v\nlogs %s\ncompile %q", o.Tests, o.Logs, o.CompileError)
	}
}

// TestJavaScriptTreeJudgedApart: a JavaScript take-home's hidden test, at
// its own path, imports the repository's modules by relative paths; they
// are stand-ins of modules imported in the solution's box.
func TestJavaScriptTreeJudgedApart(t *testing.T) {
	t.Parallel()
	tree := func(total string) []sandbox.File {
		return []sandbox.File{
			{Path: "package.json", Data: []byte(`{"type": "module"}`)},
			{Path: "src/money.mjs", Data: []byte("export const cents = (x) => Math.round(x * 100);\n")},
			{Path: "src/pricing.mjs", Data: []byte("import { cents } from './money.mjs';\n" + total)},
			{Path: "test/pricing.test.mjs", Data: []byte("import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { total } from '../src/pricing.mjs';\ntest('empty', () => assert.equal(total([]), 0));\n")},
		}
	}
	hidden := []sandbox.File{{Path: "test/hidden.test.mjs", Data: []byte(`import { test } from 'node:test';
import assert from 'node:assert';
import { total, Cart } from '../src/pricing.mjs';
import { cents } from '../src/money.mjs';

test('sum', () => assert.strictEqual(total([1.5, 2]), 350));
test('cart', () => { const c = new Cart(); c.add(2); assert.strictEqual(c.total(), 200); });
test('cents', () => assert.equal(cents(1), 100));
`)}}
	if got := grader.ImportedModules(hidden[0].Path, string(hidden[0].Data), tree("")); !slices.Equal(got, []string{"src/pricing.mjs", "src/money.mjs"}) {
		t.Errorf("imported modules %v", got)
	}
	right := "export function total(items) { return cents(items.reduce((a, b) => a + b, 0)); }\nexport class Cart { constructor() { this.items = []; } add(x) { this.items.push(x); } total() { return total(this.items); } }\n"
	o := mustGrade(t, grader.Suite{Language: grader.JavaScript, Tree: tree(right), HiddenFiles: hidden, IncludeHidden: true, Points: 9})
	if score, max := o.Score(); score != 9 || max != 9 {
		t.Fatalf("a right answer: %v of %v, compile %q, tests %+v, logs %q", score, max, o.CompileError, o.Tests, o.HiddenLogs)
	}
	wrong := "export function total() { return { valueOf() { return 350; }, toString() { return '350'; } }; }\nexport class Cart { add() {} total() { return new Proxy({}, { get: () => 200 }); } }\n"
	o = mustGrade(t, grader.Suite{Language: grader.JavaScript, Tree: tree(wrong), HiddenFiles: hidden, IncludeHidden: true, Points: 9})
	if score, _ := o.Score(); score != 3 {
		t.Errorf("a wrong answer scored %v: %+v", score, o.Tests)
	}

	g := mustGrader(t)
	slots <- struct{}{}
	checks, err := g.CandidateChecks(context.Background(), grader.JavaScript, tree(right), sandbox.Limits{})
	<-slots
	if err != nil {
		t.Fatal(err)
	}
	if len(checks.Tests) != 1 || !checks.Tests[0].Passed {
		t.Errorf("the repository's own tests: %+v\n%s\n%s", checks.Tests, checks.CompileError, checks.Logs)
	}
}
