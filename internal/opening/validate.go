package opening

import (
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

// normalizeStep checks a step's common fields, then its kind's settings
// through the kind's unit, and returns it tidied. i is the step's index,
// for messages.
func normalizeStep(i int, s Step) (Step, error) {
	at := At(i)
	var err error
	if !s.Kind.Known() {
		return s, at.Invalid("kind", "unknown kind %q (one of video, text, choice, code, takehome, codereview, file)", s.Kind)
	}
	u, ok := s.Kind.Unit()
	if !ok || !s.Kind.Available() {
		return s, at.Invalid("kind", "%s steps are not available in this version yet", s.Kind.Label())
	}
	if s.Title, err = checkText(at.Field("title"), at.Label("title"), s.Title, MaxTitle, true); err != nil {
		return s, err
	}
	if s.Prompt, err = checkText(at.Field("prompt"), at.Label("prompt"), s.Prompt, MaxPrompt, false); err != nil {
		return s, err
	}
	if s.Minutes < 0 || s.Minutes > 600 {
		return s, at.Invalid("minutes", "the time estimate must be between 0 and 600 minutes")
	}
	common := Step{ID: s.ID, Position: s.Position, Kind: s.Kind, Title: s.Title, Prompt: s.Prompt, Minutes: s.Minutes}
	return u.Settings(at, common, s)
}
