package opening

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/filetype"
	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/plaintext"
)

// Limits on what an interview may hold.
const (
	MaxSteps       = 100
	MaxOptions     = 50
	MaxTitle       = 200
	MaxPrompt      = 20_000
	MaxDescription = 50_000
	MaxWordLimit   = 10_000
	MaxDeadline    = 365
	MaxThink       = 600  // seconds of think time
	MaxRecording   = 1800 // seconds a video answer may run
	MaxRetakes     = 10
	// DefaultMaxSeconds is a video step's length when none is given.
	DefaultMaxSeconds = 120

	// Code steps.
	DefaultTimeLimitMS = 10_000
	DefaultMemoryMB    = 256
	MaxCodeSource      = 200_000 // bytes of a starter or a test file
	MaxIOCases         = 100
	MaxIOText          = 1 << 20 // bytes of one case's stdin or expected stdout

	// File steps.
	DefaultFileMB = 25
	MaxFileMB     = 100
	MaxFiles      = 10
)

// checkText trims s and checks it against a length limit. Texts allowed
// to be longer than a title (prompts, descriptions) may hold lines.
func checkText(field, label, s string, max int, required bool) (string, error) {
	return plaintext.Field{Name: field, Label: label, Max: max, Required: required, Multiline: max > 1000}.Check(s)
}

// normalizeStep checks a step's common fields and its kind's settings,
// and returns it tidied. i is the step's index, for messages.
func normalizeStep(i int, s Step) (Step, error) {
	f := func(name string) string { return fmt.Sprintf("steps[%d].%s", i, name) }
	var err error
	if !s.Kind.Known() {
		return s, apperr.Invalid(f("kind"), "step %d: unknown kind %q (one of video, text, choice, code, takehome, codereview, file)", i+1, s.Kind)
	}
	if !s.Kind.Available() {
		return s, apperr.Invalid(f("kind"), "step %d: %s steps are not available in this version yet", i+1, s.Kind.Label())
	}
	if s.Title, err = checkText(f("title"), fmt.Sprintf("step %d's title", i+1), s.Title, MaxTitle, true); err != nil {
		return s, err
	}
	if s.Prompt, err = checkText(f("prompt"), fmt.Sprintf("step %d's prompt", i+1), s.Prompt, MaxPrompt, false); err != nil {
		return s, err
	}
	if s.Minutes < 0 || s.Minutes > 600 {
		return s, apperr.Invalid(f("minutes"), "step %d: the time estimate must be between 0 and 600 minutes", i+1)
	}
	if s.Kind != KindFile {
		s.Files = nil
	}
	switch s.Kind {
	case KindText:
		if s.MaxWords < 0 || s.MaxWords > MaxWordLimit {
			return s, apperr.Invalid(f("max_words"), "step %d: the word limit must be between 0 (none) and %d", i+1, MaxWordLimit)
		}
		s.Multiple, s.Points, s.Options = false, 0, nil
		s.ThinkSeconds, s.MaxSeconds, s.Retakes, s.Code = 0, 0, 0, nil
		s.ReviewersRate = false
	case KindChoice:
		return normalizeChoice(i, s)
	case KindVideo:
		return normalizeVideo(i, s)
	case KindCode:
		return normalizeCode(i, s)
	case KindFile:
		return normalizeFile(i, s)
	}
	return s, nil
}

func normalizeFile(i int, s Step) (Step, error) {
	f := func(name string) string { return fmt.Sprintf("steps[%d].files.%s", i, name) }
	s.MaxWords, s.Multiple, s.Points, s.Options, s.Code = 0, false, 0, nil, nil
	s.ThinkSeconds, s.MaxSeconds, s.Retakes, s.ReviewersRate = 0, 0, 0, false
	r := FileRules{MaxFiles: 1, MaxMB: DefaultFileMB}
	if s.Files != nil {
		r = *s.Files
	}
	if r.MaxFiles == 0 {
		r.MaxFiles = 1
	}
	if r.MaxMB == 0 {
		r.MaxMB = DefaultFileMB
	}
	if r.MaxFiles < 1 || r.MaxFiles > MaxFiles {
		return s, apperr.Invalid(f("max_files"), "step %d: the number of files must be between 1 and %d", i+1, MaxFiles)
	}
	if r.MaxMB < 1 || r.MaxMB > MaxFileMB {
		return s, apperr.Invalid(f("max_mb"), "step %d: the size of each file must be between 1 and %d MB", i+1, MaxFileMB)
	}
	for _, t := range r.Types {
		if _, ok := filetype.ByName(t); !ok {
			return s, apperr.Invalid(f("types"), "step %d: unknown file type %q (one of %s)", i+1, t, strings.Join(filetype.Names(), ", "))
		}
	}
	// Once each, in the catalogue's order.
	var types []string
	for _, t := range filetype.All {
		if slices.Contains(r.Types, t.Name) {
			types = append(types, t.Name)
		}
	}
	r.Types = types
	s.Files = &r
	return s, nil
}

func normalizeChoice(i int, s Step) (Step, error) {
	f := func(name string) string { return fmt.Sprintf("steps[%d].%s", i, name) }
	s.MaxWords, s.Code = 0, nil
	s.ThinkSeconds, s.MaxSeconds, s.Retakes = 0, 0, 0
	if s.Points == 0 {
		s.Points = 1
	}
	if !(s.Points >= 0 && s.Points <= 1000) { // written so that NaN fails too
		return s, apperr.Invalid(f("points"), "step %d: points must be between 0 and 1000", i+1)
	}
	if len(s.Options) < 2 || len(s.Options) > MaxOptions {
		return s, apperr.Invalid(f("options"), "step %d: a choice needs between 2 and %d options", i+1, MaxOptions)
	}
	correct := 0
	seen := map[string]bool{}
	for j := range s.Options {
		text, err := checkText(fmt.Sprintf("steps[%d].options[%d].text", i, j), fmt.Sprintf("step %d, option %d", i+1, j+1), s.Options[j].Text, 1000, true)
		if err != nil {
			return s, err
		}
		if seen[text] {
			return s, apperr.Invalid(f("options"), "step %d: option %q appears twice", i+1, text)
		}
		seen[text] = true
		s.Options[j].Text = text
		if s.Options[j].Correct {
			correct++
		}
	}
	if correct == 0 {
		return s, apperr.Invalid(f("options"), "step %d: mark at least one option as correct", i+1)
	}
	if !s.Multiple && correct > 1 {
		return s, apperr.Invalid(f("options"), "step %d: only one option can be correct unless several may be chosen", i+1)
	}
	return s, nil
}

func normalizeVideo(i int, s Step) (Step, error) {
	f := func(name string) string { return fmt.Sprintf("steps[%d].%s", i, name) }
	s.MaxWords, s.Multiple, s.Points, s.Options, s.Code = 0, false, 0, nil, nil
	s.ReviewersRate = false
	if s.MaxSeconds == 0 {
		s.MaxSeconds = DefaultMaxSeconds
	}
	if s.ThinkSeconds < 0 || s.ThinkSeconds > MaxThink {
		return s, apperr.Invalid(f("think_seconds"), "step %d: think time must be between 0 (start when ready) and %d seconds", i+1, MaxThink)
	}
	if s.MaxSeconds < 10 || s.MaxSeconds > MaxRecording {
		return s, apperr.Invalid(f("max_seconds"), "step %d: a recording may last between 10 and %d seconds", i+1, MaxRecording)
	}
	if s.Retakes < 0 || s.Retakes > MaxRetakes {
		return s, apperr.Invalid(f("retakes"), "step %d: retakes must be between 0 (one take) and %d", i+1, MaxRetakes)
	}
	if s.Minutes == 0 {
		// Think time, every take, and a minute to settle in.
		s.Minutes = (s.Takes()*(s.ThinkSeconds+s.MaxSeconds) + 60 + 59) / 60
	}
	return s, nil
}

func normalizeCode(i int, s Step) (Step, error) {
	f := func(name string) string { return fmt.Sprintf("steps[%d].%s", i, name) }
	s.MaxWords, s.Multiple, s.Options = 0, false, nil
	s.ThinkSeconds, s.MaxSeconds, s.Retakes = 0, 0, 0
	if s.Code == nil {
		return s, apperr.Invalid(f("languages"), "step %d: a coding task needs its languages and tests", i+1)
	}
	c := *s.Code
	c.IOCases = append([]IOCase(nil), c.IOCases...)
	c.Reference = maps.Clone(c.Reference)
	if s.Points == 0 {
		s.Points = 1
	}
	if !(s.Points >= 0 && s.Points <= 1000) {
		return s, apperr.Invalid(f("points"), "step %d: points must be between 0 and 1000", i+1)
	}
	if c.TimeLimitMS == 0 {
		c.TimeLimitMS = DefaultTimeLimitMS
	}
	if c.TimeLimitMS < 1000 || c.TimeLimitMS > 60_000 {
		return s, apperr.Invalid(f("time_limit_ms"), "step %d: the time limit must be between 1000 and 60000 ms", i+1)
	}
	if c.MemoryMB == 0 {
		c.MemoryMB = DefaultMemoryMB
	}
	if c.MemoryMB < 32 || c.MemoryMB > 2048 {
		return s, apperr.Invalid(f("memory_mb"), "step %d: the memory limit must be between 32 and 2048 MB", i+1)
	}
	if len(c.Languages) == 0 {
		return s, apperr.Invalid(f("languages"), "step %d: choose at least one language (python, javascript, go)", i+1)
	}
	seen := map[Language]bool{}
	for _, l := range c.Languages {
		if !l.Valid() {
			return s, apperr.Invalid(f("languages"), "step %d: %q is not a supported language (python, javascript, go)", i+1, l)
		}
		if seen[l] {
			return s, apperr.Invalid(f("languages"), "step %d: %s is listed twice", i+1, l.Label())
		}
		seen[l] = true
	}
	for l, src := range c.Starter {
		if !seen[l] {
			return s, apperr.Invalid(f("starter"), "step %d: starter code for %q, which is not one of the step's languages", i+1, l)
		}
		if err := checkSource(f("starter."+string(l)), fmt.Sprintf("step %d's %s starter code", i+1, l.Label()), src); err != nil {
			return s, err
		}
	}
	for l, t := range c.Tests {
		if !seen[l] {
			return s, apperr.Invalid(f("tests"), "step %d: tests for %q, which is not one of the step's languages", i+1, l)
		}
		if err := checkSource(f("tests."+string(l)+".visible"), fmt.Sprintf("step %d's visible %s tests", i+1, l.Label()), t.Visible); err != nil {
			return s, err
		}
		if err := checkSource(f("tests."+string(l)+".hidden"), fmt.Sprintf("step %d's hidden %s tests", i+1, l.Label()), t.Hidden); err != nil {
			return s, err
		}
		if name := repeatedTest(l, t); name != "" {
			return s, apperr.Invalid(f("tests."+string(l)), "step %d: two %s tests are named %q; each test needs a name of its own, or only one of them would count", i+1, l.Label(), name)
		}
	}
	for l, src := range c.Reference {
		if !seen[l] {
			delete(c.Reference, l) // an unticked language's solution goes with it
			continue
		}
		if err := checkSource(f("reference."+string(l)), fmt.Sprintf("step %d's %s reference solution", i+1, l.Label()), src); err != nil {
			return s, err
		}
	}
	if len(c.IOCases) > MaxIOCases {
		return s, apperr.Invalid(f("io_cases"), "step %d: at most %d stdin/stdout cases", i+1, MaxIOCases)
	}
	names := map[string]bool{}
	for j := range c.IOCases {
		io := &c.IOCases[j]
		field := fmt.Sprintf("steps[%d].io_cases[%d]", i, j)
		name, err := checkText(field+".name", fmt.Sprintf("step %d, case %d's name", i+1, j+1), io.Name, MaxTitle, true)
		if err != nil {
			return s, err
		}
		if names[name] {
			return s, apperr.Invalid(field+".name", "step %d: two cases are named %q", i+1, name)
		}
		names[name] = true
		io.Name = name
		for _, part := range []struct{ field, label, text string }{{"stdin", "input", io.Stdin}, {"stdout", "expected output", io.Stdout}} {
			if len(part.text) > MaxIOText || !utf8.ValidString(part.text) || strings.ContainsRune(part.text, 0) {
				return s, apperr.Invalid(field+"."+part.field, "step %d, case %q: the %s must be text of at most 1 MB", i+1, name, part.label)
			}
		}
		if !(io.Points >= 0 && io.Points <= 1000) {
			return s, apperr.Invalid(field+".points", "step %d, case %q: points must be between 0 and 1000", i+1, name)
		}
	}
	// Every language must have something to grade it by.
	for _, l := range c.Languages {
		t := c.Tests[l]
		if strings.TrimSpace(t.Visible) == "" && strings.TrimSpace(t.Hidden) == "" && len(c.IOCases) == 0 {
			return s, apperr.Invalid(f("tests"), "step %d: %s has no tests; add tests for it or stdin/stdout cases", i+1, l.Label())
		}
	}
	s.Code = &c
	return s, nil
}

// repeatedTest returns a name declared twice in a language's tests,
// visible and hidden together, or "".
func repeatedTest(l Language, t CodeTests) string {
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

// checkSource checks a source file: text, within MaxCodeSource.
func checkSource(field, label, src string) error {
	if len(src) > MaxCodeSource {
		return apperr.Invalid(field, "%s is longer than %d KB", label, MaxCodeSource/1000)
	}
	if !utf8.ValidString(src) || strings.ContainsRune(src, 0) {
		return apperr.Invalid(field, "%s contains characters that are not text", label)
	}
	return nil
}
