package grader

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Caps on what the grader keeps of programs' text.
const (
	maxMessage = 4000     // one test's message
	maxLog     = 16 << 10 // one stream of one run in the logs
	maxLogs    = 64 << 10 // all logs of an outcome
)

// clean makes program output fit for storage and display: invalid UTF-8
// becomes U+FFFD and NUL bytes go (the database refuses them).
func clean[T string | []byte](b T) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}

// capText keeps the first n bytes of s (cut on a character boundary) and
// says how much was left out.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("\n… (%d more bytes)", len(s)-cut)
}

// validTail returns at most the last n bytes of s, starting on a
// character boundary.
func validTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}

// message cleans and caps a test's message.
func message(s string) string {
	return capText(strings.TrimRight(clean(s), " \t\n"), maxMessage)
}

func limitText(d time.Duration) string {
	if d <= 0 {
		d = 10 * time.Second
	}
	return d.Round(time.Millisecond).String()
}

// logs accumulates the candidate's output of several runs, capped.
type logs struct{ b strings.Builder }

// add appends one run's stream under a heading, if it has anything.
func (l *logs) add(heading string, data []byte, truncated bool) {
	s := strings.TrimRight(clean(data), " \t\n")
	if s == "" {
		return
	}
	s = capText(s, maxLog)
	if truncated {
		s += "\n… (cut off by the output limit)"
	}
	if l.b.Len() >= maxLogs {
		return
	}
	fmt.Fprintf(&l.b, "--- %s ---\n%s\n", heading, s)
}

func (l *logs) String() string { return capText(l.b.String(), maxLogs) }

// maxName bounds a test's name as shown.
const maxName = 300

// testName makes a test's name fit to show and store: valid UTF-8, no
// NUL or other control character (a name is one line of text), and at
// most maxName bytes. A JavaScript test's name can be any string.
func testName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	if len(s) > maxName {
		cut := maxName
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
