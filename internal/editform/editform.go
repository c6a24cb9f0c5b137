// Package editform reads the interview editor's fields as typed. Numbers
// stay text in the form, so that a bad value is shown again as entered;
// these read them, with an error that names the field and the step.
// Step kinds read their settings with it (web.EditorKind).
package editform

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/apperr"
)

// Fields are a step's fields, by name ("max_words" of
// "steps.3.max_words"); Label names the step in messages ("step 2's ").
type Fields struct {
	Values url.Values
	Label  string
}

// Get is a field's text.
func (f Fields) Get(name string) string { return f.Values.Get(name) }

// Checked reports whether a checkbox is ticked.
func (f Fields) Checked(name string) bool { return f.Values.Get(name) != "" }

// Int reads a whole number; blank is 0. what names it: "word limit".
func (f Fields) Int(name, what string) (int, error) { return Int(f.Get(name), name, f.Label+what) }

// Float reads a number; blank is 0.
func (f Fields) Float(name, what string) (float64, error) {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, apperr.Invalid(name, "%s%s must be a number", f.Label, what)
	}
	return n, nil
}

// Duration reads a length typed as seconds ("90") or as minutes and
// seconds ("1:30"); blank is 0.
func (f Fields) Duration(name, what string) (int, error) {
	v := strings.TrimSpace(f.Get(name))
	if v == "" {
		return 0, nil
	}
	bad := apperr.Invalid(name, "%s%s must be minutes:seconds, such as 2:00, or a number of seconds, such as 90", f.Label, what)
	mins, secs, colon := strings.Cut(v, ":")
	if !colon {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, bad
		}
		return n, nil
	}
	m, err1 := strconv.Atoi(mins)
	s, err2 := strconv.Atoi(secs)
	if err1 != nil || err2 != nil || m < 0 || m > 1000 || len(secs) != 2 || s < 0 || s > 59 {
		return 0, bad
	}
	return m*60 + s, nil
}

// Int reads a whole number typed into field; blank is 0. label names it
// in the message: "the deadline".
func Int(v, field, label string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, apperr.Invalid(field, "%s must be a whole number", label)
	}
	return n, nil
}

// Clock writes seconds as m:ss, the way the editor shows a length.
func Clock(seconds int) string {
	return fmt.Sprintf("%d:%02d", seconds/60, seconds%60)
}

// Number writes n as the editor shows it: "1.5", "10".
func Number(n float64) string { return strconv.FormatFloat(n, 'f', -1, 64) }
