package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimilarityCommand: submissions on disk, as Dolos and JPlag take
// them: a directory counts as one, the template's code matches nobody, the
// CSV is one row a pair, most alike first, and JSON adds the fragments.
func TestSimilarityCommand(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(p, text string) string {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return full
	}
	solution := "def total(prices, tax):\n    s = 0\n    for p in prices:\n        if p < 0:\n            raise ValueError(p)\n        s += p\n    return round(s * (1 + tax), 2)\n\n\ndef cheapest(prices):\n    best = None\n    for p in prices:\n        if best is None or p < best:\n            best = p\n    return best\n"
	copied := strings.NewReplacer("prices", "xs", "tax", "rate", "best", "lowest", "total", "sum_all").Replace(solution)
	write("ada/shop.py", solution)
	write("ada/README.md", "not code")
	write("bob/main/shop.py", copied)
	write("eve.py", "import statistics\n\n\ndef total(prices, tax):\n    return round(sum(prices) * (1 + tax), 2)\n")
	var out bytes.Buffer
	err := run(context.Background(), []string{"similarity", filepath.Join(dir, "ada"), filepath.Join(dir, "bob"), filepath.Join(dir, "eve.py")}, &out, discard)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || strings.Join(rows[0], ",") != "left,right,similarity" || !strings.HasSuffix(rows[1][0], "ada") || !strings.HasSuffix(rows[1][1], "bob") {
		t.Fatalf("rows %q", rows)
	}
	var top float64
	fmt.Sscan(rows[1][2], &top)
	if top < 0.8 {
		t.Errorf("the renamed copy scores %v", top)
	}

	out.Reset()
	if err := run(context.Background(), []string{"similarity", "--format", "json", "--language", "python", filepath.Join(dir, "ada"), filepath.Join(dir, "bob")}, &out, discard); err != nil {
		t.Fatal(err)
	}
	var pairs []struct {
		Similarity float64
		Fragments  []struct{ Left, Right struct{ File string } }
	}
	if err := json.Unmarshal(out.Bytes(), &pairs); err != nil || len(pairs) != 1 || len(pairs[0].Fragments) == 0 ||
		!strings.HasSuffix(pairs[0].Fragments[0].Right.File, "bob/main/shop.py") {
		t.Errorf("json %s, %v", out.String(), err)
	}

	// The solution as the template: nothing left to match.
	out.Reset()
	if err := run(context.Background(), []string{"similarity", "--template", filepath.Join(dir, "ada", "shop.py"), filepath.Join(dir, "ada"), filepath.Join(dir, "bob")}, &out, discard); err != nil {
		t.Fatal(err)
	}
	if rows, _ := csv.NewReader(&out).ReadAll(); len(rows) > 1 && rows[1][2] != "0" {
		t.Errorf("with the solution as the template: %q", rows)
	}

	for name, args := range map[string][]string{
		"one path":          {"similarity", filepath.Join(dir, "eve.py")},
		"a language":        {"similarity", "--language", "cobol", filepath.Join(dir, "ada"), filepath.Join(dir, "bob")},
		"a format":          {"similarity", "--format", "xml", filepath.Join(dir, "ada"), filepath.Join(dir, "bob")},
		"a path not there":  {"similarity", filepath.Join(dir, "nobody"), filepath.Join(dir, "bob")},
		"a binary template": {"similarity", "--template", write("bin.py", "\x00\x01\x02"), filepath.Join(dir, "ada"), filepath.Join(dir, "bob")},
	} {
		if err := run(context.Background(), args, &bytes.Buffer{}, discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A directory of 10,000 files is refused, with the reason.
	many := filepath.Join(dir, "many")
	if err := os.MkdirAll(many, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 10_000 {
		if err := os.WriteFile(filepath.Join(many, fmt.Sprintf("f%05d.py", i)), []byte("x = 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := run(context.Background(), []string{"similarity", many, filepath.Join(dir, "bob")}, &bytes.Buffer{}, discard); err == nil || !strings.Contains(err.Error(), "more than 5000 source files") {
		t.Errorf("10,000 files: %v", err)
	}
}
