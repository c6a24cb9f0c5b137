package grader_test

import (
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
)

// smokeSuites are small submissions with one wrong answer each.
func smokeSuites() []grader.Suite {
	return []grader.Suite{
		{Language: grader.Python, Code: "def add(a, b):\n    print('hi')\n    return a + b\n",
			Visible: "from solution import add\n\ndef test_one():\n    assert add(1, 2) == 3\n\ndef test_two():\n    assert add(2, 2) == 5\n",
			Hidden:  "from solution import add\n\ndef test_h():\n    assert add(0, 0) == 0\n", IncludeHidden: true,
			IOCases: []grader.IOCase{{Name: "io", Stdin: "", Stdout: ""}}},
		{Language: grader.JavaScript, Code: "export function add(a, b) { console.log('hi'); return a + b; }\n",
			Visible: "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './solution.mjs';\ntest('one', () => { assert.equal(add(1, 2), 3); });\ntest('two', () => { assert.equal(add(2, 2), 5); });\n",
			Hidden:  "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './solution.mjs';\ntest('h', () => { assert.equal(add(0, 0), 0); });\n", IncludeHidden: true},
		{Language: grader.Go, Code: "package solution\n\nimport \"fmt\"\n\nfunc Add(a, b int) int { fmt.Println(\"hi\"); return a + b }\n",
			Visible: "package solution\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {\n\tif Add(1, 2) != 3 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n\nfunc TestTwo(t *testing.T) {\n\tif got := Add(2, 2); got != 5 {\n\t\tt.Errorf(\"Add(2, 2) = %d, want 5\", got)\n\t}\n}\n",
			Hidden:  "package solution\n\nimport \"testing\"\n\nfunc TestH(t *testing.T) {\n\tif Add(0, 0) != 0 {\n\t\tt.Fatal(\"bad\")\n\t}\n}\n", IncludeHidden: true},
	}
}

// TestSmoke grades one small submission per language, visible and hidden
// tests together: one test fails, the others pass, prints are logs.
func TestSmoke(t *testing.T) {
	for _, s := range smokeSuites() {
		t.Run(string(s.Language), func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, s)
			var failed, hidden int
			for _, tt := range o.Tests {
				if !tt.Passed {
					failed++
				}
				if tt.Hidden {
					hidden++
				}
			}
			if failed != 1 || hidden != 1 || !strings.Contains(o.Logs, "hi") || !strings.Contains(o.HiddenLogs, "hi") {
				t.Errorf("%d failed, %d hidden: %+v", failed, hidden, o)
			}
		})
	}
}
