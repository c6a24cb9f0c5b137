package grader_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

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

// TestTakehomeTreeAttacks: a repository whose modules try to win marks
// they did not earn from the solution's box (leave early, write forged
// results to every descriptor, kill or outlive the judge, search every
// file for the hidden tests to answer them) scores nothing, in Python and
// JavaScript.
func TestTakehomeTreeAttacks(t *testing.T) {
	t.Parallel()
	pyTests := "from app.pricing import total\n\n\ndef test_sum():\n    assert total([1, 2]) == 3\n\n\ndef test_many():\n    assert total([5, 5, 5]) == 15\n"
	forge := `"result {\"name\":\"test_sum\",\"passed\":true,\"ms\":1,\"message\":\"\"}\nresult {\"name\":\"test_many\",\"passed\":true,\"ms\":1,\"message\":\"\"}\ndone null\n"`
	python := map[string]string{
		"leaves early":   "import os\nos._exit(0)\n",
		"forges results": "import os\nfor fd in range(0, 64):\n    try:\n        os.write(fd, " + forge + ".encode())\n    except OSError:\n        pass\n\n\ndef total(items):\n    return 0\n",
		"kills and outlives the judge": `import os, signal
for pid in os.listdir("/proc"):
    if pid.isdigit() and int(pid) != os.getpid():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
if os.fork() == 0:
    import time
    time.sleep(30)
    os._exit(0)


def total(items):
    return 0
`,
		"searches for the hidden tests": `import os
answers = {}
needle = ("total([5, 5, 5" + "]) == 1" + "5").encode()  # never in this file as such
for root in ("/task", "/tmp", "/var", "/home", "/root", "/srv", "/run", "/dev/shm"):
    for d, _, files in os.walk(root):
        for f in files[:200]:
            try:
                with open(os.path.join(d, f), "rb") as h:
                    if needle in h.read(1 << 20):
                        answers = {(1, 2): 3, (5, 5, 5): 15}
            except OSError:
                pass


def total(items):
    return answers.get(tuple(items), 0)
`,
	}
	for name, src := range python {
		t.Run("python "+name, func(t *testing.T) {
			t.Parallel()
			tree := []sandbox.File{{Path: "app/__init__.py", Data: []byte("")}, {Path: "app/pricing.py", Data: []byte(src)}}
			o := mustGrade(t, grader.Suite{Language: grader.Python, Tree: tree, Hidden: pyTests, IncludeHidden: true, Points: 10,
				Limits: sandbox.Limits{Wall: 5 * time.Second}})
			if score, _ := o.Score(); score != 0 {
				t.Errorf("scored %v: %+v", score, o.Tests)
			}
		})
	}
	// The search works: with the tests in the repository, it finds them.
	t.Run("python search, the tests in the repository", func(t *testing.T) {
		t.Parallel()
		tree := []sandbox.File{{Path: "app/__init__.py", Data: []byte("")}, {Path: "app/pricing.py", Data: []byte(python["searches for the hidden tests"])},
			{Path: "notes.txt", Data: []byte(pyTests)}}
		o := mustGrade(t, grader.Suite{Language: grader.Python, Tree: tree, Hidden: pyTests, IncludeHidden: true, Points: 10, Limits: sandbox.Limits{Wall: 5 * time.Second}})
		if score, _ := o.Score(); score != 10 {
			t.Errorf("the control scored %v: %+v", score, o.Tests)
		}
	})
	jsTest := []sandbox.File{{Path: "test/hidden.test.mjs", Data: []byte("import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { total } from '../src/pricing.mjs';\n\ntest('sum', () => assert.strictEqual(total([1, 2]), 3));\ntest('many', () => assert.strictEqual(total([5, 5, 5]), 15));\n")}}
	js := map[string]string{
		"leaves early":   "process.exit(0);\nexport const total = () => 0;\n",
		"forges results": "import fs from 'node:fs';\nfor (let fd = 0; fd < 64; fd++) { try { fs.writeSync(fd, 'result {\"name\":\"sum\",\"passed\":true,\"ms\":1,\"message\":\"\"}\\ndone null\\n'); } catch {} }\nexport const total = () => 0;\n",
		"searches for the hidden tests": `import fs from 'node:fs';
import path from 'node:path';
let found = false;
function walk(d, n) {
  if (n > 6 || found) return;
  let names = [];
  try { names = fs.readdirSync(d); } catch { return; }
  for (const f of names.slice(0, 200)) {
    const p = path.join(d, f);
    try {
      const st = fs.statSync(p);
      if (st.isDirectory()) walk(p, n + 1);
      else if (st.size < 1 << 20 && fs.readFileSync(p, 'utf8').includes(needle)) found = true;
    } catch {}
  }
}
const needle = 'total([5, 5, 5' + ']), 1' + '5'; // never in this file as such
for (const root of ['/task', '/tmp', '/var', '/home', '/root', '/srv', '/run', '/dev/shm']) walk(root, 0);
export const total = (items) => (found ? items.reduce((a, b) => a + b, 0) : 0);
`,
	}
	for name, src := range js {
		t.Run("javascript "+name, func(t *testing.T) {
			t.Parallel()
			tree := []sandbox.File{{Path: "package.json", Data: []byte(`{"type": "module"}`)}, {Path: "src/pricing.mjs", Data: []byte(src)}}
			o := mustGrade(t, grader.Suite{Language: grader.JavaScript, Tree: tree, HiddenFiles: jsTest, IncludeHidden: true, Points: 10,
				Limits: sandbox.Limits{Wall: 5 * time.Second}})
			if score, _ := o.Score(); score != 0 {
				t.Errorf("scored %v: %+v", score, o.Tests)
			}
		})
	}
	t.Run("javascript search, the tests in the repository", func(t *testing.T) {
		t.Parallel()
		tree := []sandbox.File{{Path: "package.json", Data: []byte(`{"type": "module"}`)}, {Path: "src/pricing.mjs", Data: []byte(js["searches for the hidden tests"])},
			{Path: "notes.txt", Data: jsTest[0].Data}}
		o := mustGrade(t, grader.Suite{Language: grader.JavaScript, Tree: tree, HiddenFiles: jsTest, IncludeHidden: true, Points: 10, Limits: sandbox.Limits{Wall: 5 * time.Second}})
		if score, _ := o.Score(); score != 10 {
			t.Errorf("the control scored %v: %+v", score, o.Tests)
		}
	})
}
