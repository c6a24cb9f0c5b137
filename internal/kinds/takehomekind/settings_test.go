package takehomekind_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/apperr"
	_ "github.com/anyhour/anyhour/internal/kinds"
	"github.com/anyhour/anyhour/internal/opening"
)

func task() opening.Step {
	return opening.Step{Kind: opening.KindTakehome, Title: "Pricing", Takehome: &opening.TakehomeTask{
		Language: opening.Python, Hours: 3,
		Starter: map[string]string{"app/__init__.py": "", "app/pricing.py": "def total(items):\n    return 0\n"},
		Visible: map[string]string{"tests/test_pricing.py": "from app.pricing import total\n\ndef test_empty():\n    assert total([]) == 0\n"},
		Hidden:  map[string]string{"hidden/test_total.py": "from app.pricing import total\n\ndef test_sum():\n    assert total([1, 2]) == 3\n"},
	}}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	st, err := opening.CheckStep(0, task())
	if err != nil {
		t.Fatal(err)
	}
	if st.Points != 10 || st.Takehome.MaxRepoMB != opening.DefaultRepoMB || st.Takehome.MaxFileMB != opening.DefaultRepoFile {
		t.Errorf("defaults: points %v, %+v", st.Points, st.Takehome)
	}
	tests := []struct {
		name   string
		change func(*opening.TakehomeTask)
		want   string
	}{
		{"no language", func(t *opening.TakehomeTask) { t.Language = "cobol" }, "not a supported language"},
		{"a path with ..", func(t *opening.TakehomeTask) { t.Starter["../etc/passwd"] = "x" }, "cannot be in a repository"},
		{"an absolute path", func(t *opening.TakehomeTask) { t.Visible["/tmp/x"] = "x" }, "cannot be in a repository"},
		{"a .git path", func(t *opening.TakehomeTask) { t.Starter[".git/hooks/pre-commit"] = "#!/bin/sh\n" }, "cannot be in a repository"},
		{"binary text", func(t *opening.TakehomeTask) { t.Starter["logo.png"] = "\x89PNG\x00" }, "is not text"},
		{"no hidden tests", func(t *opening.TakehomeTask) { t.Hidden = nil }, "at least one hidden test"},
		{"a hidden test in the starter", func(t *opening.TakehomeTask) { t.Starter["hidden/test_total.py"] = "x" }, "hidden tests must never reach it"},
		{"a hidden test copied into the visible tests", func(t *opening.TakehomeTask) {
			t.Visible["tests/test_more.py"] = t.Hidden["hidden/test_total.py"]
		}, "as tests/test_more.py"},
		{"a visible test that is a starter file", func(t *opening.TakehomeTask) { t.Visible["app/pricing.py"] = "x" }, "both a starter file and a visible test"},
		{"no hours", func(t *opening.TakehomeTask) { t.Hours = 0 }, "how many hours"},
		{"a window shorter than the work", func(t *opening.TakehomeTask) { t.WindowHours = 2 }, "shorter than"},
		{"a bad amount", func(t *opening.TakehomeTask) { t.Compensation = &opening.Compensation{Amount: "lots", Currency: "EUR"} }, "an amount such as 150"},
		{"a bad currency", func(t *opening.TakehomeTask) {
			t.Compensation = &opening.Compensation{Amount: "150", Currency: "euros"}
		}, "three-letter code"},
		{"a file limit over the repository's", func(t *opening.TakehomeTask) { t.MaxRepoMB, t.MaxFileMB = 5, 10 }, "no more than the repository's"},
		{"too much starter", func(t *opening.TakehomeTask) { t.Starter["big.txt"] = strings.Repeat("x", opening.MaxStarterBytes) }, "at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := task()
			tt.change(st.Takehome)
			_, err := opening.CheckStep(0, st)
			if !errors.Is(err, apperr.ErrInvalid) || !strings.Contains(apperr.Message(err), tt.want) {
				t.Errorf("err = %v, want invalid with %q", err, tt.want)
			}
		})
	}
	t.Run("compensation tidied", func(t *testing.T) {
		st := task()
		st.Takehome.Compensation = &opening.Compensation{Amount: " 150.50 ", Currency: "eur", Terms: "Paid within 14 days of submitting."}
		got, err := opening.CheckStep(0, st)
		if err != nil {
			t.Fatal(err)
		}
		if c := got.Takehome.Compensation; c.Amount != "150.50" || c.Currency != "EUR" {
			t.Errorf("compensation %+v", c)
		}
		if st.Takehome.Compensation.Currency != "eur" {
			t.Error("the input changed")
		}
	})
}

func goTask() opening.Step {
	return opening.Step{Kind: opening.KindTakehome, Title: "Pricing", Takehome: &opening.TakehomeTask{
		Language: opening.Go, Hours: 3,
		Starter: map[string]string{"go.mod": "module example.com/shop\n\ngo 1.22\n", "pricing/pricing.go": "package pricing\n\nfunc Total(xs []int) int { return 0 }\n"},
		Visible: map[string]string{"pricing/pricing_test.go": "package pricing\n\nimport \"testing\"\n\nfunc TestEmpty(t *testing.T) {}\n"},
		Hidden:  map[string]string{"pricing/hidden_test.go": "package pricing_test\n\nimport \"testing\"\n\nfunc TestSum(t *testing.T) {}\n"},
	}}
}

// TestGoSettings: a Go take-home is a module of the standard library
// alone, and its hidden tests are test files of a package.
func TestGoSettings(t *testing.T) {
	t.Parallel()
	if _, err := opening.CheckStep(0, goTask()); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		change func(*opening.TakehomeTask)
		want   string
	}{
		{"no go.mod", func(t *opening.TakehomeTask) { delete(t.Starter, "go.mod") }, "add go.mod"},
		{"a module that needs others", func(t *opening.TakehomeTask) {
			t.Starter["go.mod"] += "require github.com/x/y v1.0.0\n"
		}, "standard library only"},
		{"a hidden test that is not a test file", func(t *opening.TakehomeTask) {
			t.Hidden["pricing/hidden.go"] = "package pricing\n"
		}, "not a Go test file"},
		{"a hidden test of a program", func(t *opening.TakehomeTask) {
			t.Hidden["cmd/shop/main_test.go"] = "package main\n"
		}, "tests a program"},
		{"a hidden test without a package clause", func(t *opening.TakehomeTask) {
			t.Hidden["pricing/x_test.go"] = "func TestX() {}\n"
		}, "package clause"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st := goTask()
			tt.change(st.Takehome)
			_, err := opening.CheckStep(0, st)
			if !errors.Is(err, apperr.ErrInvalid) || !strings.Contains(apperr.Message(err), tt.want) {
				t.Errorf("err = %v, want invalid with %q", err, tt.want)
			}
		})
	}
}
