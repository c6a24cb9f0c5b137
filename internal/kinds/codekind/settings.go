package codekind

import (
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// Settings checks the task: points, limits, languages, and for each
// language its starter, tests and reference solution, the stdin/stdout
// cases, and that every language has something to grade it by.
func (Unit) Settings(at opening.At, step, from opening.Step) (opening.Step, error) {
	step.Points, step.ReviewersRate = from.Points, from.ReviewersRate
	if from.Code == nil {
		return step, at.Invalid("languages", "a coding task needs its languages and tests")
	}
	c := *from.Code
	c.IOCases = append([]opening.IOCase(nil), c.IOCases...)
	c.Reference = maps.Clone(c.Reference)
	if step.Points == 0 {
		step.Points = 1
	}
	if !(step.Points >= 0 && step.Points <= 1000) {
		return step, at.Invalid("points", "points must be between 0 and 1000")
	}
	if c.TimeLimitMS == 0 {
		c.TimeLimitMS = opening.DefaultTimeLimitMS
	}
	if c.TimeLimitMS < 1000 || c.TimeLimitMS > 60_000 {
		return step, at.Invalid("time_limit_ms", "the time limit must be between 1000 and 60000 ms")
	}
	if c.MemoryMB == 0 {
		c.MemoryMB = opening.DefaultMemoryMB
	}
	if c.MemoryMB < 32 || c.MemoryMB > 2048 {
		return step, at.Invalid("memory_mb", "the memory limit must be between 32 and 2048 MB")
	}
	if len(c.Languages) == 0 {
		return step, at.Invalid("languages", "choose at least one language (python, javascript, go)")
	}
	seen := map[opening.Language]bool{}
	for _, l := range c.Languages {
		if !l.Valid() {
			return step, at.Invalid("languages", "%q is not a supported language (python, javascript, go)", l)
		}
		if seen[l] {
			return step, at.Invalid("languages", "%s is listed twice", l.Label())
		}
		seen[l] = true
	}
	for l, src := range c.Starter {
		if !seen[l] {
			return step, at.Invalid("starter", "starter code for %q, which is not one of the step's languages", l)
		}
		if err := checkSource(at.Field("starter."+string(l)), at.Label(l.Label()+" starter code"), src); err != nil {
			return step, err
		}
	}
	for l, t := range c.Tests {
		if !seen[l] {
			return step, at.Invalid("tests", "tests for %q, which is not one of the step's languages", l)
		}
		if err := checkSource(at.Field("tests."+string(l)+".visible"), at.Label("visible "+l.Label()+" tests"), t.Visible); err != nil {
			return step, err
		}
		if err := checkSource(at.Field("tests."+string(l)+".hidden"), at.Label("hidden "+l.Label()+" tests"), t.Hidden); err != nil {
			return step, err
		}
		if name := repeatedTest(l, t); name != "" {
			return step, at.Invalid("tests."+string(l), "two %s tests are named %q; each test needs a name of its own, or only one of them would count", l.Label(), name)
		}
	}
	for l, src := range c.Reference {
		if !seen[l] {
			delete(c.Reference, l) // an unticked language's solution goes with it
			continue
		}
		if err := checkSource(at.Field("reference."+string(l)), at.Label(l.Label()+" reference solution"), src); err != nil {
			return step, err
		}
	}
	if len(c.IOCases) > opening.MaxIOCases {
		return step, at.Invalid("io_cases", "at most %d stdin/stdout cases", opening.MaxIOCases)
	}
	names := map[string]bool{}
	for j := range c.IOCases {
		io := &c.IOCases[j]
		field := at.Field(fmt.Sprintf("io_cases[%d]", j))
		name, err := plaintext.Field{Name: field + ".name", Label: fmt.Sprintf("step %d, case %d's name", int(at)+1, j+1),
			Max: opening.MaxTitle, Required: true}.Check(io.Name)
		if err != nil {
			return step, err
		}
		if names[name] {
			return step, apperr.Invalid(field+".name", "step %d: two cases are named %q", int(at)+1, name)
		}
		names[name] = true
		io.Name = name
		for _, part := range []struct{ field, label, text string }{{"stdin", "input", io.Stdin}, {"stdout", "expected output", io.Stdout}} {
			if len(part.text) > opening.MaxIOText || !utf8.ValidString(part.text) || strings.ContainsRune(part.text, 0) {
				return step, apperr.Invalid(field+"."+part.field, "step %d, case %q: the %s must be text of at most 1 MB", int(at)+1, name, part.label)
			}
		}
		if !(io.Points >= 0 && io.Points <= 1000) {
			return step, apperr.Invalid(field+".points", "step %d, case %q: points must be between 0 and 1000", int(at)+1, name)
		}
	}
	// Every language must have something to grade it by.
	for _, l := range c.Languages {
		t := c.Tests[l]
		if strings.TrimSpace(t.Visible) == "" && strings.TrimSpace(t.Hidden) == "" && len(c.IOCases) == 0 {
			return step, at.Invalid("tests", "%s has no tests; add tests for it or stdin/stdout cases", l.Label())
		}
	}
	step.Code = &c
	return step, nil
}

// repeatedTest returns a name declared twice in a language's tests,
// visible and hidden together, or "".
func repeatedTest(l opening.Language, t opening.CodeTests) string {
	visible, repeated := grader.DeclaredTests(grader.Language(l), t.Visible)
	if len(repeated) > 0 {
		return repeated[0]
	}
	hidden, repeated := grader.DeclaredTests(grader.Language(l), t.Hidden)
	if len(repeated) > 0 {
		return repeated[0]
	}
	for _, v := range visible {
		for _, h := range hidden {
			if v == h {
				return v
			}
		}
	}
	return ""
}

// checkSource checks a source file: text, within opening.MaxCodeSource.
func checkSource(field, label, src string) error {
	if len(src) > opening.MaxCodeSource {
		return apperr.Invalid(field, "%s is longer than %d KB", label, opening.MaxCodeSource/1000)
	}
	if !utf8.ValidString(src) || strings.ContainsRune(src, 0) {
		return apperr.Invalid(field, "%s contains characters that are not text", label)
	}
	return nil
}
