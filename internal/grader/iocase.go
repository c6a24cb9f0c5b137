package grader

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// ioCase runs the program once with the case's stdin, in a box holding
// only the program. It returns the graded test and, if the run showed that
// the code does not compile, the compiler's (interpreter's) message.
func (g *Grader) ioCase(ctx context.Context, s Suite, prog sandbox.Command, c IOCase, name string) (Test, sandbox.Result, string, error) {
	prog.Stdin = []byte(c.Stdin)
	prog.Limits = s.Limits
	if len(prog.Files) > 0 && prog.Limits.FileBytes < int64(len(prog.Files[0].Data)) {
		prog.Limits.FileBytes = max(sandbox.DefaultLimits.FileBytes, int64(len(prog.Files[0].Data))+1<<20)
	}
	t := Test{Name: name, Hidden: c.Hidden}
	res, err := g.box.Run(ctx, prog)
	if err != nil {
		return t, res, "", err
	}
	t.DurationMS = res.Wall.Milliseconds()
	if msg := syntaxError(s.Language, res); msg != "" {
		t.Message = "did not run: the code does not compile"
		return t, res, msg, nil
	}
	switch {
	case res.TimedOut:
		t.Message = fmt.Sprintf("time limit exceeded (%s)", limitText(s.Limits.Wall))
	case res.MemoryExceeded:
		t.Message = "memory limit exceeded"
	case res.StdoutTruncated:
		t.Message = "the output is longer than the output limit"
	case res.ExitCode != 0 || res.Signal != "":
		t.Message = "the program failed (" + exitText(res) + ")" + stderrTail(res)
	default:
		t.Message = diffOutput(c.Stdout, clean(res.Stdout))
		t.Passed = t.Message == ""
	}
	t.Message = message(t.Message)
	return t, res, "", nil
}

var (
	pySyntax = regexp.MustCompile(`(?m)^(SyntaxError|IndentationError|TabError): `)
	jsFrame  = regexp.MustCompile(`\bat (?:.* \()?file:///task/`)
)

// syntaxError recognises an interpreter refusing the program before any of
// it ran: Python prints a SyntaxError without a traceback, node a
// SyntaxError located in solution.js with no frame of it on the stack.
// Errors raised while running (a SyntaxError from parsing the input, say)
// have a traceback or such a frame, and are the program's failures.
func syntaxError(lang Language, res sandbox.Result) string {
	if res.ExitCode != 1 || len(res.Stdout) > 0 {
		return ""
	}
	stderr := clean(res.Stderr)
	switch lang {
	case Python:
		if pySyntax.MatchString(stderr) && !strings.Contains(stderr, "Traceback (most recent call last)") {
			return strings.TrimSpace(strings.ReplaceAll(stderr, `"/task/`, `"`))
		}
	case JavaScript:
		if strings.HasPrefix(stderr, "file:///task/solution.js:") && strings.Contains(stderr, "\nSyntaxError: ") && !jsFrame.MatchString(stderr) {
			msg := strings.ReplaceAll(stderr, "file:///task/", "")
			if i := strings.Index(msg, "\n    at "); i >= 0 {
				msg = msg[:i]
			}
			return strings.TrimSpace(msg)
		}
	}
	return ""
}

// ioLines is output as compared: "\r\n" as "\n", trailing whitespace off
// every line, trailing empty lines dropped.
func ioLines(s string) []string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r\v\f")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// diffOutput returns "" when the outputs match, else a short diff: a few
// lines of context, then from the first differing line up to six lines of
// expected ("-") and of actual ("+") output, numbered.
func diffOutput(expected, actual string) string {
	want, got := ioLines(expected), ioLines(actual)
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	if i == len(want) && i == len(got) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "output differs at line %d (expected %d lines, got %d)\n", i+1, len(want), len(got))
	for j := max(0, i-2); j < i; j++ {
		fmt.Fprintf(&b, "  %3d  %s\n", j+1, shortLine(want[j]))
	}
	const show = 6
	block := func(sign string, lines []string) {
		if i >= len(lines) {
			fmt.Fprintf(&b, "%s      (end of output)\n", sign)
			return
		}
		for j := i; j < len(lines) && j < i+show; j++ {
			fmt.Fprintf(&b, "%s %3d  %s\n", sign, j+1, shortLine(lines[j]))
		}
		if len(lines) > i+show {
			fmt.Fprintf(&b, "%s      … %d more lines\n", sign, len(lines)-i-show)
		}
	}
	block("-", want)
	block("+", got)
	if i < len(want) && i < len(got) && strings.TrimSpace(want[i]) == strings.TrimSpace(got[i]) {
		b.WriteString("(the lines differ only in leading whitespace)\n")
	}
	return capText(strings.TrimRight(b.String(), "\n"), 2000)
}

// shortLine shows a line of output: long lines are cut, and control
// characters are escaped so that they cannot hide a difference.
func shortLine(s string) string {
	const max = 200
	if len(s) > max {
		s = capText(s, max)
		s = s[:strings.LastIndexByte(s, '\n')] + "…"
	}
	if strings.IndexFunc(s, func(r rune) bool { return r < ' ' && r != '\t' }) >= 0 {
		q := fmt.Sprintf("%q", s)
		return q[1 : len(q)-1]
	}
	return s
}
