// Package plaintext checks text that people type: names, titles, prompts,
// notes. Such text must be valid UTF-8 without control characters (other
// than newlines and tabs where lines are allowed): PostgreSQL refuses NUL
// bytes outright, and other control characters only ever arrive by mistake
// or malice.
package plaintext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/apperr"
)

// Field describes a text input for its checks and messages.
type Field struct {
	Name      string // the input's name, reported in apperr.Error.Field
	Label     string // how a person calls it: "the job title"
	Max       int    // the most characters allowed
	Required  bool
	Multiline bool // newlines and tabs allowed
}

// Check trims s and checks it against f.
func (f Field) Check(s string) (string, error) {
	if !utf8.ValidString(s) {
		return s, apperr.Invalid(f.Name, "%s contains bytes that are not text", f.Label)
	}
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if f.Required && s == "" {
		return s, apperr.Invalid(f.Name, "%s cannot be empty", f.Label)
	}
	if f.Max > 0 && utf8.RuneCountInString(s) > f.Max {
		return s, apperr.Invalid(f.Name, "%s is too long (at most %d characters)", f.Label, f.Max)
	}
	if HasControl(s, f.Multiline) {
		return s, apperr.Invalid(f.Name, "%s contains control characters", f.Label)
	}
	return s, nil
}

// HasControl reports whether s holds a control character; with lines,
// newlines and tabs are allowed.
func HasControl(s string, lines bool) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		if lines && (r == '\n' || r == '\t') {
			return false
		}
		return unicode.IsControl(r)
	}) >= 0
}
