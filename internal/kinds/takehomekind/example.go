package takehomekind

import (
	"maps"

	"github.com/anyhour/anyhour/internal/opening"
)

// A new take-home step starts with a small example in its language, so
// that it saves and its page shows the shape of a starter and its tests;
// candidates are not invited while it is still the example (Unready).

// Example is the example task in lang: a starter, a visible test and a
// hidden one.
func Example(lang opening.Language) opening.TakehomeTask {
	readme := "# Pricing\n\nThis is the example a new take-home starts with: replace it with your own starter and tests.\n"
	t := opening.TakehomeTask{Language: lang, Hours: 4}
	switch lang {
	case opening.JavaScript:
		t.Starter = map[string]string{"README.md": readme, "package.json": "{\n  \"type\": \"module\"\n}\n",
			"src/pricing.mjs": "// total is the sum of prices, in cents.\nexport function total(prices) {\n  throw new Error('not written yet');\n}\n"}
		t.Visible = map[string]string{"test/pricing.test.mjs": "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { total } from '../src/pricing.mjs';\n\ntest('empty', () => assert.strictEqual(total([]), 0));\n"}
		t.Hidden = map[string]string{"test/hidden.test.mjs": "import { test } from 'node:test';\nimport assert from 'node:assert';\nimport { total } from '../src/pricing.mjs';\n\ntest('sum', () => assert.strictEqual(total([100, 250]), 350));\n"}
	case opening.Go:
		t.Starter = map[string]string{"README.md": readme, "go.mod": "module example.com/shop\n\ngo 1.22\n",
			"pricing/pricing.go": "// Package pricing adds up prices.\npackage pricing\n\n// Total is the sum of prices, in cents.\nfunc Total(prices []int) int {\n\tpanic(\"not written yet\")\n}\n"}
		t.Visible = map[string]string{"pricing/pricing_test.go": "package pricing\n\nimport \"testing\"\n\nfunc TestEmpty(t *testing.T) {\n\tif Total(nil) != 0 {\n\t\tt.Fatal(\"an empty list costs nothing\")\n\t}\n}\n"}
		t.Hidden = map[string]string{"pricing/hidden_test.go": "package pricing_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/pricing\"\n)\n\nfunc TestSum(t *testing.T) {\n\tif pricing.Total([]int{100, 250}) != 350 {\n\t\tt.Fatal(\"100 and 250 make 350\")\n\t}\n}\n"}
	default:
		t.Language = opening.Python
		t.Starter = map[string]string{"README.md": readme, "app/__init__.py": "",
			"app/pricing.py": "def total(prices):\n    \"\"\"The sum of prices, in cents.\"\"\"\n    raise NotImplementedError\n"}
		t.Visible = map[string]string{"tests/test_pricing.py": "from app.pricing import total\n\n\ndef test_empty():\n    assert total([]) == 0\n"}
		t.Hidden = map[string]string{"hidden/test_total.py": "from app.pricing import total\n\n\ndef test_sum():\n    assert total([100, 250]) == 350\n"}
	}
	return t
}

// isExample says whether t's files are still an example's.
func isExample(t *opening.TakehomeTask) bool {
	if t == nil {
		return false
	}
	for _, lang := range opening.Languages {
		e := Example(lang)
		if maps.Equal(t.Starter, e.Starter) && maps.Equal(t.Visible, e.Visible) && maps.Equal(t.Hidden, e.Hidden) {
			return true
		}
	}
	return false
}

// Unready says why candidates cannot be sent the step yet: its files are
// still the example.
func (Unit) Unready(st opening.Step) []string {
	if isExample(st.Takehome) {
		return []string{"the starter and tests are still the example a new take-home starts with; write your own on the step's starter and tests page"}
	}
	return nil
}
