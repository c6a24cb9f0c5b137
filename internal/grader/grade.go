package grader

import (
	"context"
	"fmt"

	"github.com/anyhour/anyhour/internal/apperr"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// Grade runs s's code against its tests and returns the per-test results.
// Whatever the candidate's code does (fail to compile, crash, hang, print
// rubbish) is part of the Outcome; Grade returns an error only when
// grading itself fails: an unknown language, Go not installed, the
// sandbox not working, ctx ending. A suite without tests or cases grades
// to an Outcome without tests, running nothing.
func (g *Grader) Grade(ctx context.Context, s Suite) (o Outcome, err error) {
	defer apperr.Wrap(&err, "grader.Grade(%s)", s.Language)
	switch s.Language {
	case Python, JavaScript:
	case Go:
		if g.goErr != nil {
			return Outcome{}, fmt.Errorf("%w: %v", errNoGo, g.goErr)
		}
	default:
		return Outcome{}, apperr.Invalid("language", "unknown language %q", s.Language)
	}
	if len(s.Code) > maxCode {
		return Outcome{}, apperr.Invalid("code", "the code is larger than %d KiB", maxCode>>10)
	}
	gr := &grading{g: g, s: s}
	if err := gr.run(ctx); err != nil {
		return Outcome{}, err
	}
	return gr.outcome(), nil
}

// maxCode bounds a submission's size.
const maxCode = 1 << 20

// grading is the state of one Grade call.
type grading struct {
	g *Grader
	s Suite

	units      []unit
	compile    string
	build      goBuild
	prog       *sandbox.Command // the program for the stdin/stdout cases
	logs       logs
	hiddenLogs logs
	warnings   []string
	out        Outcome
}

func (gr *grading) run(ctx context.Context) error {
	s := gr.s
	var visibleIO, hiddenIO []IOCase
	for _, c := range s.IOCases {
		if c.Hidden {
			hiddenIO = append(hiddenIO, c)
		} else {
			visibleIO = append(visibleIO, c)
		}
	}
	runHidden := s.IncludeHidden
	if s.Language == Go && s.Tree != nil {
		return gr.goTree(ctx) // a take-home: gotree.go
	}
	if s.Language == Go {
		var pkgs []string
		if s.Visible != "" {
			pkgs = append(pkgs, "v")
		}
		if runHidden && s.Hidden != "" {
			pkgs = append(pkgs, "h")
		}
		if len(visibleIO) > 0 || (runHidden && len(hiddenIO) > 0) {
			pkgs = append(pkgs, "p")
		}
		b, err := gr.g.goCompile(ctx, s, pkgs)
		if err != nil {
			return err
		}
		gr.build = b
		gr.compile = b.compileError
		gr.account(b.res)
		if bin := b.bins["p"]; bin != nil {
			p := goProgram(bin)
			gr.prog = &p
		}
	}
	if s.Visible != "" {
		if err := gr.tests(ctx, s.Visible, false); err != nil {
			return err
		}
	}
	if err := gr.ioCases(ctx, visibleIO, 0); err != nil {
		return err
	}
	for _, f := range s.HiddenFiles {
		if !runHidden {
			gr.units = append(gr.units, ungraded(staticPlan(s.Language, string(f.Data)), namedPoints(s.Language, string(f.Data)), true, "")...)
		} else if err := gr.testsAt(ctx, f.Path, string(f.Data), true); err != nil {
			return err
		}
	}
	if s.Hidden != "" {
		if !runHidden {
			names := staticPlan(s.Language, s.Hidden)
			gr.units = append(gr.units, ungraded(names, namedPoints(s.Language, s.Hidden), true, "")...)
		} else if err := gr.tests(ctx, s.Hidden, true); err != nil {
			return err
		}
	}
	if !runHidden {
		for _, c := range hiddenIO {
			gr.units = append(gr.units, unit{name: c.Name, hidden: true, points: c.Points})
		}
		return nil
	}
	return gr.ioCases(ctx, hiddenIO, len(visibleIO))
}

// tests grades one test file.
func (gr *grading) tests(ctx context.Context, src string, hidden bool) error {
	return gr.testsAt(ctx, "", src, hidden)
}

// testsAt grades one test file, at path name in the judge's box when it
// has one of its own (a take-home's).
func (gr *grading) testsAt(ctx context.Context, name, src string, hidden bool) error {
	s := gr.s
	named := namedPoints(s.Language, src)
	label := "visible tests"
	if hidden {
		label = "hidden tests"
	}
	if gr.compile != "" {
		gr.units = append(gr.units, ungraded(orLabel(staticPlan(s.Language, src), label), named, hidden, "did not run: the code does not compile")...)
		return nil
	}
	var tr testRun
	var err error
	switch s.Language {
	case Python:
		tr, err = gr.g.pythonTests(ctx, s, src, hidden)
	case JavaScript:
		tr, err = gr.g.javascriptTests(ctx, s, name, src, hidden)
	case Go:
		pkg := "v"
		if hidden {
			pkg = "h"
		}
		if msg := gr.goTestFailure(pkg); msg != "" {
			gr.units = append(gr.units, ungraded(orLabel(staticPlan(s.Language, src), label), named, hidden, msg)...)
			return nil
		}
		tr, err = gr.g.goTests(ctx, s, gr.build.bins[pkg], gr.build.bins["s"], gr.build.tests[pkg], hidden)
	}
	if err != nil {
		return err
	}
	if len(tr.plan) == 0 {
		tr.plan = staticPlan(s.Language, src)
	}
	gr.take(tr, named, label)
	return nil
}

// take adds a test run's units, logs and warnings.
func (gr *grading) take(tr testRun, named map[string]float64, label string) {
	hidden := tr.hidden
	gr.account(tr.res)
	l := &gr.logs
	if hidden {
		l = &gr.hiddenLogs
	}
	l.add(label+": stdout", tr.res.Stdout, tr.res.StdoutTruncated)
	l.add(label+": stderr", tr.res.Stderr, tr.res.StderrTruncated)
	// What the tests themselves printed: the team's code, never the
	// candidate's, for reviewers (and, for the visible tests, which the
	// candidate can read anyway, the candidate).
	l.add(label+": the tests' output", append(append([]byte(nil), tr.judge.Stdout...), tr.judge.Stderr...),
		tr.judge.StdoutTruncated || tr.judge.StderrTruncated)
	for _, t := range tr.tampered {
		gr.warnings = append(gr.warnings, label+": "+t)
	}
	if w := tr.incomplete(); w != "" {
		gr.warnings = append(gr.warnings, label+": "+w)
	}
	if tr.compile != "" {
		gr.compile = message(tr.compile)
	}
	gr.units = append(gr.units, tr.units(named, label)...)
}

// goTestFailure says why a Go test package has no binary, or "".
func (gr *grading) goTestFailure(pkg string) string {
	b := gr.build
	switch {
	case b.testErr[pkg] != "":
		return b.testErr[pkg]
	case b.bins[pkg] != nil && b.bins["s"] != nil:
		return ""
	case pkg == "h" && b.hiddenError != "":
		return "the hidden tests do not compile against this code:\n" + b.hiddenError
	default:
		return "did not run: the code does not compile"
	}
}

func orLabel(names []string, label string) []string {
	if len(names) == 0 {
		return []string{label}
	}
	return names
}

// ioCases grades stdin/stdout cases; first numbers the unnamed ones.
func (gr *grading) ioCases(ctx context.Context, cases []IOCase, first int) error {
	s := gr.s
	for i, c := range cases {
		name := c.Name
		if name == "" {
			name = fmt.Sprintf("case %d", first+i+1)
		}
		u := unit{name: name, hidden: c.Hidden, points: c.Points, graded: true}
		prog := gr.program()
		if gr.compile != "" || prog == nil {
			u.entries = []Test{{Name: name, Hidden: c.Hidden, Message: "did not run: the code does not compile"}}
			gr.units = append(gr.units, u)
			continue
		}
		t, res, compile, err := gr.g.ioCase(ctx, s, *prog, c, name)
		if err != nil {
			return err
		}
		gr.account(res)
		if compile != "" {
			gr.compile = message(compile)
		} else if c.Hidden {
			gr.hiddenLogs.add(name+": stderr", res.Stderr, res.StderrTruncated)
		} else {
			gr.logs.add(name+": stderr", res.Stderr, res.StderrTruncated)
		}
		u.entries = []Test{t}
		gr.units = append(gr.units, u)
	}
	return nil
}

// program returns the command that runs the candidate's code as a program.
func (gr *grading) program() *sandbox.Command {
	switch gr.s.Language {
	case Python:
		p := pythonProgram(gr.s)
		return &p
	case JavaScript:
		p := javascriptProgram(gr.s)
		return &p
	}
	return gr.prog
}

// account adds a run's resource use to the outcome.
func (gr *grading) account(res sandbox.Result) {
	gr.out.Wall += res.Wall
	gr.out.MaxRSSBytes = max(gr.out.MaxRSSBytes, res.MaxRSSBytes)
	gr.out.TimedOut = gr.out.TimedOut || res.TimedOut
	gr.out.MemoryExceeded = gr.out.MemoryExceeded || res.MemoryExceeded
}

func (gr *grading) outcome() Outcome {
	o := gr.out
	assignPoints(gr.units, gr.s.Points)
	for _, u := range gr.units {
		if u.graded {
			for _, t := range u.entries {
				t.Name = testName(t.Name)
				o.Tests = append(o.Tests, t)
			}
		}
	}
	o.CompileError = gr.compile
	o.Logs = gr.logs.String()
	o.HiddenLogs = gr.hiddenLogs.String()
	o.Warnings = gr.warnings
	return o
}
