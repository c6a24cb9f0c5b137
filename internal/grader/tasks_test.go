package grader_test

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// task is testdata/tasks/NAME/task.json.
type task struct {
	Points  float64 `json:"points"`
	IOCases []struct {
		Name   string  `json:"name"`
		Stdin  string  `json:"stdin"`
		Stdout string  `json:"stdout"`
		Hidden bool    `json:"hidden"`
		Points float64 `json:"points"`
	} `json:"io_cases"`
}

var extensions = map[grader.Language]string{grader.Python: ".py", grader.JavaScript: ".mjs", grader.Go: ".go"}

// TestTasks grades every solution in testdata/tasks: each task has, per
// language, its tests (or stdin/stdout cases in task.json), a reference
// solution.EXT that must score full marks, and wrong_*.EXT solutions whose
// first line says what they must lose: "expect: fail=a,b" (exactly those
// tests fail) or "expect: compile" (a compile error fails them all).
func TestTasks(t *testing.T) {
	dirs, err := filepath.Glob("testdata/tasks/*/task.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no tasks: %v", err)
	}
	for _, tj := range dirs {
		dir := filepath.Dir(tj)
		var tk task
		if err := json.Unmarshal(mustRead(t, tj), &tk); err != nil {
			t.Fatalf("%s: %v", tj, err)
		}
		for _, lang := range grader.Languages {
			ext := extensions[lang]
			files, _ := filepath.Glob(filepath.Join(dir, string(lang), "*"+ext))
			base := grader.Suite{
				Language:      lang,
				Points:        tk.Points,
				IncludeHidden: true,
				// A loaded machine stretches the wall clock, so Wall is
				// generous; CPU time, which load barely changes, is what
				// stops the wrong_slow solutions (the quadratic Go twosum
				// finishes in about 5 s of CPU, under 10 s of wall).
				Limits: sandbox.Limits{Wall: 10 * time.Second, CPU: 2 * time.Second},
			}
			for _, c := range tk.IOCases {
				base.IOCases = append(base.IOCases, grader.IOCase{Name: c.Name, Stdin: c.Stdin, Stdout: c.Stdout, Hidden: c.Hidden, Points: c.Points})
			}
			if b, err := os.ReadFile(filepath.Join(dir, string(lang), "visible_test"+ext)); err == nil {
				base.Visible = string(b)
			}
			if b, err := os.ReadFile(filepath.Join(dir, string(lang), "hidden_test"+ext)); err == nil {
				base.Hidden = string(b)
			}
			for _, f := range files {
				name := filepath.Base(f)
				if strings.HasSuffix(strings.TrimSuffix(name, ext), "_test") {
					continue
				}
				s := base
				s.Code = string(mustRead(t, f))
				t.Run(filepath.Base(dir)+"/"+string(lang)+"/"+name, func(t *testing.T) {
					t.Parallel()
					checkExpectation(t, s, tk.Points)
				})
			}
		}
	}
}

func checkExpectation(t *testing.T, s grader.Suite, points float64) {
	first, _, _ := strings.Cut(s.Code, "\n")
	_, expect, _ := strings.Cut(first, "expect: ")
	o := mustGrade(t, s)
	var failed []string
	for _, tt := range o.Tests {
		if !tt.Passed {
			failed = append(failed, tt.Name)
		}
	}
	score, max := o.Score()
	report := func() string {
		var b strings.Builder
		for _, tt := range o.Tests {
			b.WriteString("\n  " + tt.Name + ": ")
			if tt.Passed {
				b.WriteString("ok")
			} else {
				b.WriteString(strings.ReplaceAll(tt.Message, "\n", "\n    "))
			}
		}
		return b.String() + "\ncompile error: " + o.CompileError + "\nlogs: " + o.Logs + o.HiddenLogs
	}
	if os.Getenv("GRADING_SHOW") != "" {
		t.Logf("score %v/%v:%s", score, max, report())
	}
	if points > 0 && math.Abs(max-points) > 1e-9 {
		t.Errorf("max score %v, want %v", max, points)
	}
	switch {
	case expect == "":
		if len(failed) > 0 || score != max {
			t.Errorf("the reference solution scored %v/%v:%s", score, max, report())
		}
	case expect == "compile":
		if o.CompileError == "" || len(failed) != len(o.Tests) {
			t.Errorf("want a compile error failing every test:%s", report())
		}
	default:
		want := strings.Split(strings.TrimPrefix(expect, "fail="), ",")
		if !slices.Equal(failed, want) {
			t.Errorf("failed %q, want %q:%s", failed, want, report())
		}
		var lost float64
		for _, tt := range o.Tests {
			if !tt.Passed {
				lost += tt.Points
			}
		}
		if math.Abs(score-(max-lost)) > 1e-9 || lost <= 0 {
			t.Errorf("score %v/%v, lost %v", score, max, lost)
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
