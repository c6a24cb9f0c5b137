package grader_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
)

// The attacks of a candidate who knows how graders work: forged results,
// a harness or framework patched from the solution, objects equal to
// everything, extra and same-named tests, every way of leaving early,
// reading the tests from the binary or the box, tracing the box's init,
// writing rubbish where the judge listens. Each goes with a wrong
// solution (add returns a - b) and must score nothing: the judgement
// happens in another box, on plain values, over tests the team declared.

// addTests are ten tests of add in each language's form, visible.
var addTests = map[grader.Language]string{
	grader.Python: func() string {
		var b strings.Builder
		b.WriteString("from solution import add\n\n")
		for i := range 10 {
			fmt.Fprintf(&b, "def test_add_%d():\n    assert add(%d, %d) == %d\n\n", i, i, i+1, 2*i+1)
		}
		return b.String()
	}(),
	grader.JavaScript: func() string {
		var b strings.Builder
		b.WriteString("import test from 'node:test';\nimport assert from 'node:assert';\nimport { add } from './solution.mjs';\n\n")
		for i := range 10 {
			fmt.Fprintf(&b, "test('add %d', () => { assert.strictEqual(add(%d, %d), %d); });\n", i, i, i+1, 2*i+1)
		}
		return b.String()
	}(),
	grader.Go: func() string {
		var b strings.Builder
		b.WriteString("package solution\n\nimport \"testing\"\n\n")
		for i := range 10 {
			fmt.Fprintf(&b, "func TestAdd%d(t *testing.T) {\n\tif got := Add(%d, %d); got != %d {\n\t\tt.Errorf(\"Add = %%v\", got)\n\t}\n}\n\n", i, i, i+1, 2*i+1)
		}
		return b.String()
	}(),
}

// attacks are wrong solutions that try to pass anyway. tamper says the
// grading must warn reviewers that the protocol was broken, ended that it
// must say the run ended without all its results.
var attacks = []struct {
	name          string
	lang          grader.Language
	code          string
	tamper, ended bool
}{
	{"forged records and replies, then exit", grader.Python, `import os, glob
def add(a, b):
    names = [f"test_add_{i}" for i in range(10)]
    for path in ["/task/anyhour-results", "anyhour-results"] + glob.glob("/task/*") + glob.glob("/tmp/*"):
        try:
            with open(path, "a") as f:
                for n in names:
                    f.write('result {"name":"%s","passed":true,"ms":1,"message":""}\n' % n)
                f.write("done null\n")
        except OSError:
            pass
    for fd in range(3, 20):
        try:
            os.write(fd, b'result {"name":"test_add_0","passed":true}\ndone null\n')
        except OSError:
            pass
    os._exit(0)
`, true, false},
	{"walks the frames and the heap, patches the harness", grader.Python, `import sys, gc, builtins
found = []
f = sys._getframe()
while f is not None:
    found.append(f.f_code.co_filename)
    for v in list(f.f_globals.values()):
        if isinstance(v, str) and "def test_" in v:
            found.append("TEST SOURCE")
    f = f.f_back
for o in gc.get_objects():
    if isinstance(o, str) and "def test_add" in o:
        found.append("TEST SOURCE")
main = sys.modules.get("__main__")
for name in dir(main):
    obj = getattr(main, name, None)
    if isinstance(obj, type) and hasattr(obj, "visit_Assert"):
        obj.visit_Assert = lambda self, node: None
builtins.AssertionError = type("AssertionError", (Exception,), {})
def add(a, b):
    return a - b
`, false, false},
	{"returns objects equal to everything", grader.Python, `class Eq(int):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = int.__hash__
class Anything:
    def __eq__(self, other):
        return True
n = 0
def add(a, b):
    global n
    n += 1
    return Eq(a - b) if n % 2 else Anything()
`, false, false},
	{"registers its own passing tests", grader.Python, `import sys, types
def add(a, b):
    return a - b
for i in range(10):
    globals()["test_add_%d" % i] = lambda: None
fake = types.ModuleType("visible_test")
for i in range(10):
    setattr(fake, "test_add_%d" % i, lambda: None)
sys.modules["visible_test"] = fake
`, false, false},
	{"ptrace of the box's init", grader.Python, `import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace(16, 1, 0, 0)
try:
    os.read(os.open("/proc/1/mem", os.O_RDONLY), 10)
except OSError:
    pass
def add(a, b):
    return a - b
`, false, false},
	{"writes rubbish where the judge listens", grader.Python, `import os
def add(a, b):
    os.write(4, b'["ok", 3, [], 0]\n{"result": "passed"}\n')
    return a - b
`, true, false},
	{"forges replies from the server's flush", grader.Python, `import os, sys
server = sys.modules["__main__"]
server._flush = (lambda: os.write(4, b'["ok", 3, [], 0]\n'),)
def add(a, b):
    return a - b
`, true, false},
	{"outlives the judge, printing passes", grader.Python, `import sys, threading, time
server = sys.modules["__main__"]
server._exit = lambda code: time.sleep(100)
def spam():
    while True:
        print('result {"name":"test_add_0","passed":true}', flush=True)
        time.sleep(0.05)
threading.Thread(target=spam, daemon=True).start()
def add(a, b):
    return a - b
`, false, false},
	{"sys.exit in the call", grader.Python, "import sys\ndef add(a, b):\n    sys.exit(0)\n", false, false},
	{"kills itself", grader.Python, "import os, signal\ndef add(a, b):\n    os.kill(os.getpid(), signal.SIGKILL)\n", false, true},
	{"os._exit at import", grader.Python, "import os\nos._exit(0)\n", false, true},

	{"forged records and replies, then exit", grader.JavaScript, `import fs from 'node:fs';
export function add(a, b) {
  for (const p of ['/task/anyhour-results', 'anyhour-results']) {
    try { for (let i = 0; i < 10; i++) fs.appendFileSync(p, 'result {"name":"add ' + i + '","passed":true,"ms":1,"message":""}\n'); } catch {}
  }
  for (let fd = 3; fd < 20; fd++) { try { fs.writeSync(fd, 'done null\n'); } catch {} }
  process.reallyExit(0);
}
`, true, false},
	{"patches node:assert and node:test", grader.JavaScript, `import assert from 'node:assert';
import * as nodeTest from 'node:test';
for (const k of Object.keys(assert)) { try { assert[k] = () => {}; } catch {} }
assert.strictEqual = () => {};
Object.prototype.passed = true;
Object.prototype.skip = true;
for (let i = 0; i < 97; i++) nodeTest.test('extra ' + i, () => {});
for (let i = 0; i < 10; i++) nodeTest.test('add ' + i, () => {});
export function add(a, b) { return a - b; }
`, false, false},
	{"returns objects that coerce to anything", grader.JavaScript, `let n = 0;
export function add(a, b) {
  n++;
  return { valueOf() { return a + b; }, toString() { return String(a + b); }, [Symbol.toPrimitive]() { return a + b; } };
}
`, false, false},
	{"writes rubbish where the judge listens", grader.JavaScript, `import fs from 'node:fs';
export function add(a, b) { fs.writeSync(4, '["ok",3,[],0]\n{"not":"a message"}\n'); return a - b; }
`, true, false},
	{"process.exit in the call", grader.JavaScript, "export function add(a, b) { process.exit(0); }\n", false, true},

	{"forged records, reads the binary, then exits", grader.Go, `package solution

import (
	"os"
	"strings"
	"syscall"
)

func Add(a, b int) int {
	exe, _ := os.ReadFile("/proc/self/exe")
	var names []string
	for i := 0; i < 10; i++ {
		n := "TestAdd" + string(rune('0'+i))
		if strings.Contains(string(exe), n) {
			names = append(names, n)
		}
	}
	for _, p := range []string{"/task/anyhour-results", "anyhour-results"} {
		if f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644); err == nil {
			for _, n := range names {
				f.WriteString("go \"\\u0016--- PASS: " + n + " (0.00s)\"\n")
			}
			f.WriteString("done null\n")
			f.Close()
		}
	}
	os.NewFile(4, "out").Write([]byte{0x05, 'R', 0, 0, 0, 0})
	syscall.Exit(0)
	return a - b
}
`, true, false},
	{"panics in a goroutine", grader.Go, "package solution\n\nimport \"time\"\n\nfunc Add(a, b int) int {\n\tgo func() { panic(\"boom\") }()\n\ttime.Sleep(time.Second)\n\treturn a - b\n}\n", false, true},
	{"writes rubbish where the judge listens", grader.Go, "package solution\n\nimport \"os\"\n\nfunc Add(a, b int) int {\n\tos.NewFile(4, \"out\").Write([]byte(\"\\x03Xyz\"))\n\treturn a - b\n}\n", true, false},
}

func TestAttacks(t *testing.T) {
	for _, a := range attacks {
		t.Run(string(a.lang)+"/"+a.name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, grader.Suite{Language: a.lang, Code: a.code, Visible: addTests[a.lang], Points: 10})
			score, max := o.Score()
			if score != 0 || max != 10 || len(o.Tests) != 10 {
				t.Errorf("scored %v of %v over %d tests, want 0 of 10 over 10:\n%s", score, max, len(o.Tests), describeTests(o))
			}
			if strings.Contains(o.Logs+o.HiddenLogs, "TEST SOURCE") {
				t.Errorf("the solution found the tests' source:\n%s", o.Logs)
			}
			warnings := strings.Join(o.Warnings, "\n")
			if strings.Contains(warnings, "broke the protocol") != a.tamper {
				t.Errorf("warnings %q; want the broken protocol reported: %v", o.Warnings, a.tamper)
			}
			if strings.Contains(warnings, "ended without all its results") != a.ended {
				t.Errorf("warnings %q; want the early end reported: %v", o.Warnings, a.ended)
			}
		})
	}
}

// TestHonestControl: the same tests pass a right solution, so the
// attacks above score nothing because they fail, not because nothing can
// pass.
func TestHonestControl(t *testing.T) {
	right := map[grader.Language]string{
		grader.Python:     "def add(a, b):\n    return a + b\n",
		grader.JavaScript: "export function add(a, b) { return a + b; }\n",
		grader.Go:         "package solution\n\nfunc Add(a, b int) int { return a + b }\n",
	}
	for lang, code := range right {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, grader.Suite{Language: lang, Code: code, Visible: addTests[lang], Points: 10})
			if score, max := o.Score(); score != 10 || max != 10 || len(o.Warnings) > 0 {
				t.Errorf("scored %v of %v, warnings %q:\n%s", score, max, o.Warnings, describeTests(o))
			}
		})
	}
}

func describeTests(o grader.Outcome) string {
	var b strings.Builder
	for _, t := range o.Tests {
		fmt.Fprintf(&b, "  %s passed=%v: %s\n", t.Name, t.Passed, t.Message)
	}
	fmt.Fprintf(&b, "compile: %s\nlogs: %s\nwarnings: %q\n", o.CompileError, o.Logs, o.Warnings)
	return b.String()
}

// TestWarmBoxesShareNothing: the boxes a Grader starts ahead are each used
// once. A solution that leaves a mark in every place it can write finds
// none from the grading before it.
func TestWarmBoxesShareNothing(t *testing.T) {
	for lang, s := range map[grader.Language]grader.Suite{
		grader.Python: {Language: grader.Python, Code: `import os
seen = [p for p in ("/tmp/mark", "/task/mark", "/dev/shm/mark") if os.path.exists(p)]
for p in ("/tmp/mark", "/task/mark", "/dev/shm/mark"):
    open(p, "w").write("x")
def add(a, b):
    return a + b if not seen else 0
`, Visible: addTests[grader.Python]},
		grader.JavaScript: {Language: grader.JavaScript, Code: `import fs from 'node:fs';
const seen = ['/tmp/mark', '/task/mark', '/dev/shm/mark'].filter((p) => fs.existsSync(p));
for (const p of ['/tmp/mark', '/task/mark', '/dev/shm/mark']) fs.writeFileSync(p, 'x');
export function add(a, b) { return seen.length === 0 ? a + b : 0; }
`, Visible: addTests[grader.JavaScript]},
	} {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			for i := range 3 {
				o := mustGrade(t, s)
				if score, _ := o.Score(); score != float64(len(o.Tests)) {
					t.Fatalf("grading %d: the solution saw a mark of an earlier grading:\n%s", i+1, describeTests(o))
				}
			}
		})
	}
}

// TestSameNamedTests: two of the team's tests with one name (node:test
// lets a file register them) never let the passing one hide the failing
// one, whichever comes last: the name fails, and so does the repeat.
func TestSameNamedTests(t *testing.T) {
	t.Parallel()
	tests := "import test from 'node:test';\nimport assert from 'node:assert';\nimport { add } from './solution.mjs';\n" +
		"test('same', () => assert.strictEqual(add(1, 1), 3));\n" +
		"for (const name of ['same']) test(name, () => assert.strictEqual(add(1, 1), 2));\n"
	o := mustGrade(t, grader.Suite{Language: grader.JavaScript, Code: "export function add(a, b) { return a + b; }\n", Visible: tests, Points: 10})
	if score, _ := o.Score(); score != 0 || len(o.Tests) != 2 {
		t.Errorf("scored %v over %d tests, want 0 over 2:\n%s", score, len(o.Tests), describeTests(o))
	}
}

// TestRepliesBeyondLimits: answers nested past the wire's depth, or too
// large for it, fail the test they answer and pass nothing.
func TestRepliesBeyondLimits(t *testing.T) {
	for lang, code := range map[grader.Language]string{
		grader.Python:     "def add(a, b):\n    x = []\n    for _ in range(100000):\n        x = [x]\n    return x\n",
		grader.JavaScript: "export function add(a, b) { let x = []; for (let i = 0; i < 100000; i++) x = [x]; return x; }\n",
	} {
		t.Run(string(lang), func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, grader.Suite{Language: lang, Code: code, Visible: addTests[lang], Points: 10})
			if score, _ := o.Score(); score != 0 || len(o.Tests) != 10 || !strings.Contains(o.Tests[0].Message, "nested") {
				t.Errorf("scored %v over %d tests:\n%s", score, len(o.Tests), describeTests(o))
			}
		})
	}
}
