package opening

import (
	"fmt"
	"github.com/anyhour/anyhour/internal/apperr"
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
	switch s.Kind {
	case KindText:
		if s.MaxWords < 0 || s.MaxWords > MaxWordLimit {
			return s, apperr.Invalid(f("max_words"), "step %d: the word limit must be between 0 (none) and %d", i+1, MaxWordLimit)
		}
		s.Multiple, s.Points, s.Options = false, 0, nil
	case KindChoice:
		return normalizeChoice(i, s)
	}
	return s, nil
}

func normalizeChoice(i int, s Step) (Step, error) {
	f := func(name string) string { return fmt.Sprintf("steps[%d].%s", i, name) }
	s.MaxWords = 0
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
