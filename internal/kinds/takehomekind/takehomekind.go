// Package takehomekind is the take-home step kind: work in a real git
// repository of the candidate's own, made from the team's starter, pushed
// with git or uploaded as a zip, graded on every push by hidden tests the
// candidate never sees, and reviewed as a pull request
// (docs/step-kinds.md). The repositories and pushes are package
// takehome's; package githttp serves them.
package takehomekind

import (
	"go/parser"
	"go/token"
	"maps"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/application"
	"github.com/anyhour/anyhour/internal/git"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// Unit is the kind's unit (opening.KindUnit).
type Unit struct{}

// Facts are the kind's facts.
func (Unit) Facts() opening.KindFacts {
	return opening.KindFacts{Kind: opening.KindTakehome, Label: "Take-home", Add: "Add a take-home step",
		Available: true, Scored: true,
		Settings: []string{"points", "language", "starter_files", "tests", "hours", "window_hours", "compensation", "max_repo_mb", "max_file_mb", "reviewers_rate"}}
}

var (
	amount   = regexp.MustCompile(`^[0-9]{1,7}(\.[0-9]{1,2})?$`)
	currency = regexp.MustCompile(`^[A-Z]{3}$`)
)

// Settings checks the task: the language; the starter's, visible and
// hidden tests' paths (plain relative paths, no ".git") and texts, within
// opening.MaxStarterFiles and MaxStarterBytes together; at least one
// hidden test, none of which is also in the starter or the visible tests
// (by path or by content: hidden tests never reach the candidate); the
// effort, the window, the compensation and the size limits.
func (Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	step.Points, step.ReviewersRate = from.Points, from.ReviewersRate
	if step.Points == 0 {
		step.Points = 10
	}
	if !(step.Points >= 0 && step.Points <= 1000) {
		return step, at.Invalid("points", "points must be between 0 and 1000")
	}
	if from.Takehome == nil {
		return step, at.Invalid("language", "a take-home needs its language, starter and tests")
	}
	t := *from.Takehome
	t.Starter, t.Visible, t.Hidden = maps.Clone(t.Starter), maps.Clone(t.Visible), maps.Clone(t.Hidden)
	if !t.Language.Valid() {
		return step, at.Invalid("language", "%q is not a supported language (python, javascript, go)", t.Language)
	}
	files, size := 0, 0
	for _, set := range []struct {
		field, label string
		files        map[string]string
	}{{"starter_files", "starter file", t.Starter}, {"tests.visible", "visible test", t.Visible}, {"tests.hidden", "hidden test", t.Hidden}} {
		for _, p := range opening.Paths(set.files) {
			if err := git.CheckPath(p); err != nil {
				return step, at.Invalid(set.field, "the %s %q cannot be in a repository: use a plain relative path such as src/app.py, without \"..\" or .git", set.label, clip(p))
			}
			text := set.files[p]
			if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
				return step, at.Invalid(set.field, "the %s %s is not text; send binary files in the starter's archive", set.label, p)
			}
			files++
			size += len(text)
		}
	}
	if files > opening.MaxStarterFiles || size > opening.MaxStarterBytes {
		return step, at.Invalid("starter_files", "the starter and tests hold %d files and %d KB; at most %d files and %d MB are taken",
			files, size/1000, opening.MaxStarterFiles, opening.MaxStarterBytes>>20)
	}
	for _, p := range opening.Paths(t.Visible) {
		if _, ok := t.Starter[p]; ok {
			return step, at.Invalid("tests.visible", "%s is both a starter file and a visible test; keep it in one of them", p)
		}
	}
	if len(t.Hidden) == 0 {
		return step, at.Invalid("tests.hidden", "add at least one hidden test: the points come from the hidden tests alone")
	}
	for _, p := range opening.Paths(t.Hidden) {
		for _, other := range []map[string]string{t.Starter, t.Visible} {
			if _, ok := other[p]; ok {
				return step, at.Invalid("tests.hidden", "the hidden test %s is also in the candidate's repository (the starter or the visible tests); hidden tests must never reach it", p)
			}
			for q, text := range other {
				if strings.TrimSpace(text) != "" && strings.TrimSpace(text) == strings.TrimSpace(t.Hidden[p]) {
					return step, at.Invalid("tests.hidden", "the hidden test %s is also in the candidate's repository, as %s; hidden tests must never reach it", p, q)
				}
			}
		}
	}
	if t.Language == opening.Go {
		if err := checkGo(at, t); err != nil {
			return step, err
		}
	}
	if !(t.Hours > 0 && t.Hours <= 200) {
		return step, at.Invalid("hours", "say how many hours the work should take, between 0.25 and 200")
	}
	if t.WindowHours < 0 || t.WindowHours > opening.MaxWindowHours {
		return step, at.Invalid("window_hours", "the window must be between 0 (until the deadline) and %d hours", opening.MaxWindowHours)
	}
	if t.WindowHours > 0 && float64(t.WindowHours) < t.Hours {
		return step, at.Invalid("window_hours", "a window of %d hours is shorter than the %g hours the work should take", t.WindowHours, t.Hours)
	}
	if c := t.Compensation; c != nil {
		cc := *c
		cc.Currency = strings.ToUpper(strings.TrimSpace(cc.Currency))
		cc.Amount = strings.TrimSpace(cc.Amount)
		if !amount.MatchString(cc.Amount) {
			return step, at.Invalid("compensation.amount", "the compensation must be an amount such as 150 or 150.00")
		}
		if !currency.MatchString(cc.Currency) {
			return step, at.Invalid("compensation.currency", "the currency must be a three-letter code such as EUR or USD")
		}
		var err error
		if cc.Terms, err = (plaintext.Field{Name: at.Field("compensation.terms"), Label: at.Label("compensation terms"), Max: 300}).Check(cc.Terms); err != nil {
			return step, err
		}
		t.Compensation = &cc
	}
	if t.MaxRepoMB == 0 {
		t.MaxRepoMB = opening.DefaultRepoMB
	}
	if t.MaxFileMB == 0 {
		t.MaxFileMB = opening.DefaultRepoFile
	}
	if t.MaxRepoMB < 1 || t.MaxRepoMB > opening.MaxRepoMB {
		return step, at.Invalid("max_repo_mb", "the repository's size limit must be between 1 and %d MB", opening.MaxRepoMB)
	}
	if t.MaxFileMB < 1 || t.MaxFileMB > opening.MaxTakehomeFile || t.MaxFileMB > t.MaxRepoMB {
		return step, at.Invalid("max_file_mb", "the size limit of a file must be between 1 and %d MB, and no more than the repository's", opening.MaxTakehomeFile)
	}
	if size > t.MaxRepoMB<<20 {
		return step, at.Invalid("starter_files", "the starter alone is larger than the repository's size limit")
	}
	step.Takehome = &t
	return step, nil
}

// checkGo holds a Go take-home to what its gradings can build: a go.mod
// at the top of the starter, naming the module and needing no other;
// hidden tests that are test files (x_test.go) of a package.
func checkGo(at opening.At, t opening.TakehomeTask) error {
	mod, ok := t.Starter["go.mod"]
	if !ok {
		return at.Invalid("starter_files", "a take-home in Go is a module: add go.mod at the top of the starter (module example.com/shop)")
	}
	if _, err := grader.GoModulePath(mod); err != nil {
		return at.Invalid("starter_files", "%v", err)
	}
	for _, p := range opening.Paths(t.Hidden) {
		if !strings.HasSuffix(p, "_test.go") {
			return at.Invalid("tests.hidden", "the hidden test %s is not a Go test file: name it like pricing/pricing_hidden_test.go, in the directory of the package it tests", p)
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, t.Hidden[p], parser.PackageClauseOnly)
		if err != nil {
			return at.Invalid("tests.hidden", "the hidden test %s does not start with a package clause: %v", p, err)
		}
		if f.Name.Name == "main" || f.Name.Name == "main_test" {
			return at.Invalid("tests.hidden", "the hidden test %s tests a program (package main); hidden tests test a package the program uses", p)
		}
	}
	return nil
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}

// Given: the candidate pushed work.
func (Unit) Given(a application.Answer) bool { return a.Commit != "" }

// Score is the last push's grading, stored on the answer once graded;
// the step's points count in the total from the start.
func (Unit) Score(step opening.Step, a application.Answer) (score, max float64, ok bool) {
	if a.Score == nil {
		return 0, step.Points, false
	}
	return *a.Score, step.Points, true
}

// Derived: no, the score is the grading's.
func (Unit) Derived() bool { return false }
