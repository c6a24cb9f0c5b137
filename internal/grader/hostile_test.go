package grader_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// Candidates' code that tries to read the hidden tests: at import (or
// init) time and when a test calls it, it reads the hidden test file under
// the names it could have and lists /task. The hidden tests carry a canary
// and fail if the candidate's code saw it.
var leakers = map[grader.Language]struct{ code, visible, hidden string }{
	grader.Python: {
		code: `import os

def _try():
    found = []
    for p in ["hidden_test.py", "/task/hidden_test.py"]:
        try:
            with open(p) as f:
                found.append(f.read())
        except OSError as e:
            found.append("ERR " + type(e).__name__)
    found.append("LS: " + listing())
    return "\n".join(found)

def listing():
    return " ".join(sorted(os.listdir("/task")))

AT_IMPORT = _try()
print(AT_IMPORT)

def leak():
    return AT_IMPORT + "\n" + _try()
`,
		visible: `import solution

def test_visible():
    found = solution.leak()
    print(found)
    assert "CANARY" not in found
    assert "hidden" not in solution.listing()
`,
		hidden: `# CANARY-7f3a
import solution

def test_no_leak():
    found = solution.leak()
    print(found)
    assert "CANARY" not in found
`,
	},
	grader.JavaScript: {
		code: `import fs from 'node:fs';

function tryRead() {
  const found = [];
  for (const p of ['hidden_test.mjs', '/task/hidden_test.mjs']) {
    try { found.push(fs.readFileSync(p, 'utf8')); } catch (e) { found.push('ERR ' + e.code); }
  }
  found.push('LS: ' + listing());
  return found.join('\n');
}

export function listing() { return fs.readdirSync('/task').sort().join(' '); }

const atImport = tryRead();
console.log(atImport);

export function leak() { return atImport + '\n' + tryRead(); }
`,
		visible: `import test from 'node:test';
import assert from 'node:assert/strict';
import { leak, listing } from './solution.mjs';

test('visible', () => {
  const found = leak();
  console.log(found);
  assert.ok(!found.includes('CANARY'));
  assert.ok(!listing().includes('hidden'));
});
`,
		hidden: `// CANARY-7f3a
import test from 'node:test';
import assert from 'node:assert/strict';
import { leak } from './solution.mjs';

test('no leak', () => {
  const found = leak();
  console.log(found);
  assert.ok(!found.includes('CANARY'));
});
`,
	},
	grader.Go: {
		code: `package solution

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

var atInit = tryRead()

func tryRead() string {
	var found []string
	for _, p := range []string{"hidden_test.go", "/task/hidden_test.go", "/task/h/hidden_test.go", "h/hidden_test.go", "../h/hidden_test.go"} {
		b, err := os.ReadFile(p)
		if err != nil {
			found = append(found, "ERR "+err.Error())
			continue
		}
		found = append(found, string(b))
	}
	// The tests' names are in the tests' binary, never in this one.
	if exe, err := os.ReadFile("/proc/self/exe"); err == nil && strings.Contains(string(exe), strings.Join([]string{"TestNo", "Leak"}, "")) {
		found = append(found, "CAN"+"ARY in the binary")
	}
	return strings.Join(append(found, "LS: "+Listing()), "\n")
}

func Listing() string {
	var paths []string
	filepath.Walk("/task", func(p string, _ os.FileInfo, _ error) error {
		paths = append(paths, p)
		return nil
	})
	return strings.Join(paths, " ")
}

func init() { fmt.Println(atInit) }

func Leak() string { return atInit + "\n" + tryRead() }
`,
		visible: `package solution

import (
	"strings"
	"testing"
)

func TestVisible(t *testing.T) {
	found := Leak()
	t.Log(found)
	if strings.Contains(found, "CAN"+"ARY") || strings.Contains(Listing(), "hidden") {
		t.Error("the hidden tests were in reach")
	}
}
`,
		hidden: `// CANARY-7f3a
package solution

import (
	"strings"
	"testing"
)

func TestNoLeak(t *testing.T) {
	found := Leak()
	t.Log(found)
	if strings.Contains(found, "CAN"+"ARY") {
		t.Error("the hidden tests were in reach")
	}
}
`,
	},
}

func TestHiddenTestsOutOfReach(t *testing.T) {
	for lang, l := range leakers {
		for _, include := range []bool{false, true} {
			name := string(lang) + "/visible-only"
			if include {
				name = string(lang) + "/with-hidden"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				o := mustGrade(t, grader.Suite{Language: lang, Code: l.code, Visible: l.visible, Hidden: l.hidden, IncludeHidden: include})
				want := 1
				if include {
					want = 2
				}
				if len(o.Tests) != want {
					t.Fatalf("%d tests, want %d: %+v", len(o.Tests), want, o)
				}
				for _, tt := range o.Tests {
					if !tt.Passed {
						t.Errorf("%s: %s\nlogs: %s\nhidden logs: %s", tt.Name, tt.Message, o.Logs, o.HiddenLogs)
					}
				}
				if strings.Contains(o.Logs+o.HiddenLogs, "CANARY") {
					t.Errorf("the candidate's output shows the hidden tests:\n%s\n%s", o.Logs, o.HiddenLogs)
				}
				if include && !strings.Contains(o.HiddenLogs, "ERR") {
					t.Errorf("the candidate's attempts are not in the hidden logs:\n%s", o.HiddenLogs)
				}
			})
		}
	}
}

// TestRunEndsEarly: a test that ends the process or hangs costs that test
// and the ones after it, never the ones before.
//
// The hanging cases get 10 s rather than 1 s: on a loaded machine the
// interpreter or test binary may not reach the first test within 1 s.
func TestRunEndsEarly(t *testing.T) {
	for _, c := range []struct {
		name  string
		suite grader.Suite
		want  []string // per test: "ok" or a part of its message
	}{
		{"python/exit", grader.Suite{Language: grader.Python, Code: "import os\n\ndef bye():\n    os._exit(3)\n",
			Visible: "from solution import bye\n\ndef test_a():\n    pass\n\ndef test_b():\n    bye()\n\ndef test_c():\n    pass\n"},
			[]string{"ok", "the program ended during this test (exit status 3)", "did not run: the program ended during an earlier test"}},
		{"python/sys-exit", grader.Suite{Language: grader.Python, Code: "import sys\n\ndef bye():\n    sys.exit(0)\n",
			Visible: "from solution import bye\n\ndef test_a():\n    bye()\n\ndef test_b():\n    pass\n"},
			[]string{"SystemExit: 0", "ok"}},
		{"python/hang", grader.Suite{Language: grader.Python, Code: "def spin():\n    while True:\n        pass\n",
			Visible: "from solution import spin\n\ndef test_a():\n    pass\n\ndef test_b():\n    spin()\n\ndef test_c():\n    pass\n",
			Limits:  sandbox.Limits{Wall: 10 * time.Second}},
			[]string{"ok", "time limit exceeded (10s) while this test ran", "did not run: the time limit ran out"}},
		{"python/import-hang", grader.Suite{Language: grader.Python, Code: "while True:\n    pass\n",
			Visible: "import solution\n\ndef test_a():\n    pass\n\ndef test_b():\n    pass\n",
			Limits:  sandbox.Limits{Wall: time.Second}},
			[]string{"the time limit (1s) ran out while the code was loading", "the time limit (1s) ran out while the code was loading"}},
		{"python/memory", grader.Suite{Language: grader.Python, Code: "def grow():\n    return b'x' * (512 << 20)\n",
			Visible: "from solution import grow\n\ndef test_a():\n    pass\n\ndef test_b():\n    grow()\n",
			Limits:  sandbox.Limits{MemoryBytes: 128 << 20}},
			[]string{"ok", "emory"}},
		{"javascript/exit", grader.Suite{Language: grader.JavaScript, Code: "export function bye() { process.exit(3); }\n",
			Visible: "import test from 'node:test';\nimport { bye } from './solution.mjs';\ntest('a', () => {});\ntest('b', () => bye());\ntest('c', () => {});\n"},
			[]string{"ok", "the program ended during this test (exit status 3)", "did not run: the program ended during an earlier test"}},
		{"javascript/hang", grader.Suite{Language: grader.JavaScript, Code: "export function spin() { for (;;) {} }\n",
			Visible: "import test from 'node:test';\nimport { spin } from './solution.mjs';\ntest('a', () => {});\ntest('b', () => spin());\ntest('c', () => {});\n",
			Limits:  sandbox.Limits{Wall: 10 * time.Second}},
			[]string{"ok", "time limit exceeded (10s) while this test ran", "did not run: the time limit ran out"}},
		{"go/goroutine-panic", grader.Suite{Language: grader.Go, Code: "package solution\n\nimport \"time\"\n\nfunc Boom() {\n\tgo func() { panic(\"boom\") }()\n\ttime.Sleep(time.Minute)\n}\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n\nfunc TestB(t *testing.T) { Boom() }\n\nfunc TestC(t *testing.T) {}\n"},
			[]string{"ok", "panic: boom", "did not run: the program ended during an earlier test"}},
		{"go/exit", grader.Suite{Language: grader.Go, Code: "package solution\n\nimport \"os\"\n\nfunc Bye() { os.Exit(0) }\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { Bye() }\n\nfunc TestB(t *testing.T) {}\n"},
			[]string{"did not finish: the program ended during this test (exit status 0)", "did not run: the program ended during an earlier test (exit status 0)"}},
		{"go/hang", grader.Suite{Language: grader.Go, Code: "package solution\n\nfunc Spin() {\n\tfor {\n\t}\n}\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) {}\n\nfunc TestB(t *testing.T) { Spin() }\n\nfunc TestC(t *testing.T) {}\n",
			Limits:  sandbox.Limits{Wall: 10 * time.Second}},
			[]string{"ok", "time limit exceeded (10s) while this test ran", "did not run: the time limit ran out"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, c.suite)
			if len(o.Tests) != len(c.want) {
				t.Fatalf("%d tests, want %d: %+v", len(o.Tests), len(c.want), o)
			}
			for i, w := range c.want {
				tt := o.Tests[i]
				if w == "ok" != tt.Passed || (w != "ok" && !strings.Contains(tt.Message, w)) {
					t.Errorf("%s: passed %v, message %q; want %q", tt.Name, tt.Passed, tt.Message, w)
				}
			}
		})
	}
}

// TestOutputSanitised: NUL bytes and invalid UTF-8 from the candidate's
// code never reach a message or the logs.
func TestOutputSanitised(t *testing.T) {
	for _, s := range []grader.Suite{
		{Language: grader.Python,
			Code:    "import sys\nsys.stdout.buffer.write(b'bad \\xff\\xfe nul \\x00 end\\n')\nsys.stdout.flush()\n\ndef f():\n    raise ValueError('nul\\x00here \\udcff')\n",
			Visible: "from solution import f\n\ndef test_f():\n    f()\n",
			IOCases: []grader.IOCase{{Name: "io", Stdout: "x"}}},
		{Language: grader.JavaScript,
			Code:    "process.stdout.write(Buffer.from([0x62, 0xff, 0xfe, 0x00, 0x0a]));\nexport function f() { throw new Error('nul\\0here \\uD800'); }\n",
			Visible: "import test from 'node:test';\nimport { f } from './solution.mjs';\ntest('f\\u0000 \\u0007name', () => f());\n",
			IOCases: []grader.IOCase{{Name: "io", Stdout: "x"}}},
		{Language: grader.Go,
			Code:    "package solution\n\nimport \"fmt\"\n\nfunc init() { fmt.Print(\"bad \\xff\\xfe nul \\x00 end\\n\") }\n\nfunc F() string { return \"nul\\x00here \\xff\" }\n\nfunc main() { fmt.Print(\"\\xff\\x00\\n\") }\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestF(t *testing.T) { t.Errorf(\"%s\", F()) }\n",
			IOCases: []grader.IOCase{{Name: "io", Stdout: "x"}}},
	} {
		t.Run(string(s.Language), func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, s)
			texts := []string{o.Logs, o.HiddenLogs, o.CompileError}
			for _, tt := range o.Tests {
				texts = append(texts, tt.Name, tt.Message)
			}
			for _, x := range texts {
				if strings.ContainsRune(x, 0) || !utf8.ValidString(x) {
					t.Errorf("unsanitised text %q", x)
				}
			}
			if !strings.Contains(o.Logs, "\uFFFD") {
				t.Errorf("the logs lost the bad output instead of replacing it: %q", o.Logs)
			}
			if len(o.Tests) != 2 || o.Tests[0].Passed || !strings.Contains(o.Tests[0].Message, "nul") {
				t.Errorf("tests: %+v", o.Tests)
			}
		})
	}
}

// TestLeftoverHandles: a timer or thread the candidate's code leaves
// running does not hold the run until the time limit.
func TestLeftoverHandles(t *testing.T) {
	for _, s := range []grader.Suite{
		{Language: grader.JavaScript, Code: "setInterval(() => {}, 1000);\nexport const f = () => 1;\n",
			Visible: "import test from 'node:test';\nimport { f } from './solution.mjs';\ntest('a', () => {});\ntest('b', () => { if (f() !== 1) throw new Error('x'); });\n"},
		{Language: grader.Python, Code: "import threading, time\nthreading.Thread(target=lambda: time.sleep(100)).start()\n\ndef f():\n    return 1\n",
			Visible: "from solution import f\n\ndef test_a():\n    assert f() == 1\n"},
		{Language: grader.Python, Code: "import threading, time\nthreading.Thread(target=lambda: time.sleep(100)).start()\nraise ValueError('x')\n",
			Visible: "from solution import f\n\ndef test_a():\n    assert f() == 1\n"},
	} {
		t.Run(string(s.Language), func(t *testing.T) {
			t.Parallel()
			// 20 s: a loaded machine must not make a run that ends by
			// itself look as if it waited for the time limit.
			s.Limits = sandbox.Limits{Wall: 20 * time.Second}
			o := mustGrade(t, s)
			if o.TimedOut {
				t.Errorf("the run waited for the time limit: %+v", o)
			}
		})
	}
}

// TestPrintsBeforeAHangAreKept: what the code printed during the tests
// before one that hangs reaches the logs, though the solution's box is
// ended before it can leave by itself (its output is a pipe, which Python
// buffers).
func TestPrintsBeforeAHangAreKept(t *testing.T) {
	t.Parallel()
	o := mustGrade(t, grader.Suite{Language: grader.Python,
		Code:    "def hello():\n    print('hello from the candidate')\n    return 1\n\ndef spin():\n    while True:\n        pass\n",
		Visible: "from solution import hello, spin\n\ndef test_a():\n    assert hello() == 1\n\ndef test_b():\n    spin()\n",
		Limits:  sandbox.Limits{Wall: 3 * time.Second}})
	if len(o.Tests) != 2 || !o.Tests[0].Passed || o.Tests[1].Passed {
		t.Fatalf("tests: %+v", o.Tests)
	}
	if !strings.Contains(o.Logs, "hello from the candidate") {
		t.Errorf("the logs lack what the code printed before the hang: %q", o.Logs)
	}
}
