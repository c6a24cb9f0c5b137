package grader

import (
	"regexp"
	"strconv"
	"strings"
)

// unit is what a suite's points are split over: a top-level test or a
// stdin/stdout case. entries are the graded tests it shows as (itself, or
// its subtests); nil when it was not graded in this outcome.
type unit struct {
	name    string
	hidden  bool
	points  float64 // named by the unit itself; 0 if not
	graded  bool
	entries []Test
}

// assignPoints gives every entry its share, as the package doc describes.
func assignPoints(units []unit, total float64) {
	var named float64
	free := 0
	for _, u := range units {
		if u.points > 0 {
			named += u.points
		} else {
			free++
		}
	}
	each := 1.0
	if total > 0 {
		each = 0
		if free > 0 && total > named {
			each = (total - named) / float64(free)
		}
	}
	for i := range units {
		p := units[i].points
		if p <= 0 {
			p = each
		}
		for j := range units[i].entries {
			units[i].entries[j].Points = p / float64(len(units[i].entries))
		}
	}
}

var (
	pointsComment = regexp.MustCompile(`^\s*(?:#|//)\s*points:\s*([0-9]+(?:\.[0-9]+)?)\s*$`)
	commentLine   = regexp.MustCompile(`^\s*(?:#|//|@)`)
	pyTestDecl    = regexp.MustCompile(`^\s*(?:async\s+)?def\s+(test_\w+)\s*\(`)
	goTestDecl    = regexp.MustCompile(`^func\s+(Test\w*)\s*\(`)
	jsTestDecl    = regexp.MustCompile("^\\s*(?:test|it|describe)(?:\\.(?:only|skip|todo))?\\s*\\(\\s*(?:'((?:\\\\.|[^'\\\\])*)'|\"((?:\\\\.|[^\"\\\\])*)\"|`((?:\\\\.|[^`\\\\$])*)`)")
	pyTopTest     = regexp.MustCompile(`^(?:async\s+)?def\s+(test_\w+)\s*\(`)
	jsTopTest     = regexp.MustCompile("^(?:test|it|describe)(?:\\.(?:only|skip|todo))?\\s*\\(\\s*(?:'((?:\\\\.|[^'\\\\])*)'|\"((?:\\\\.|[^\"\\\\])*)\"|`((?:\\\\.|[^`\\\\$])*)`)")
)

// declared returns the name a line declares a test under, if it does.
func declared(lang Language, line string, top bool) (string, bool) {
	var m []string
	switch {
	case lang == Python && top:
		m = pyTopTest.FindStringSubmatch(line)
	case lang == Python:
		m = pyTestDecl.FindStringSubmatch(line)
	case lang == Go:
		m = goTestDecl.FindStringSubmatch(line)
	case lang == JavaScript && top:
		m = jsTopTest.FindStringSubmatch(line)
	case lang == JavaScript:
		m = jsTestDecl.FindStringSubmatch(line)
	}
	if m == nil {
		return "", false
	}
	for _, g := range m[1:] {
		if g != "" {
			return unescapeJS(g), true
		}
	}
	return "", true
}

// unescapeJS undoes the escapes a test name commonly has in a JavaScript
// string literal.
func unescapeJS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	if u, err := strconv.Unquote(`"` + strings.ReplaceAll(strings.ReplaceAll(s, `\'`, `'`), `"`, `\"`) + `"`); err == nil {
		return u
	}
	return s
}

// namedPoints finds "points: N" comments in test source: the points
// belong to the test declared right below, within the same block of
// comments (and Python decorators).
func namedPoints(lang Language, src string) map[string]float64 {
	out := map[string]float64{}
	pending := 0.0
	for _, line := range strings.Split(src, "\n") {
		if m := pointsComment.FindStringSubmatch(line); m != nil {
			pending, _ = strconv.ParseFloat(m[1], 64)
			continue
		}
		if name, ok := declared(lang, line, false); ok {
			if pending > 0 && name != "" {
				out[name] = pending
			}
			pending = 0
			continue
		}
		if !commentLine.MatchString(line) {
			pending = 0
		}
	}
	return out
}

// staticPlan lists a test source's top-level tests as the host can see
// them without running anything: Python's test_* functions at the start of
// a line, node:test calls at the start of a line with a literal name, Go's
// Test functions. It counts hidden tests that do not run, and names tests
// when a run ends before the harness could.
func staticPlan(lang Language, src string) []string {
	if lang == Go {
		if f, err := instrumentGoTests("x_test.go", src); err == nil {
			return f.tests
		}
	}
	var names []string
	for _, line := range strings.Split(src, "\n") {
		if name, ok := declared(lang, line, true); ok && name != "" {
			names = append(names, name)
		}
	}
	return names
}
