package grader

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// harnessImport is the import path of harness/harness.go in the box's
// module, and harnessName the name the instrumented tests use for it.
const (
	harnessImport = "solution/anyhour/harness"
	harnessName   = "anyhourharness"
)

// setPackage rewrites the package clause of Go source to name: candidates
// write package solution for tests and package main for a program, and
// the same code may be graded both ways. Source without a package clause
// is returned as is, for the compiler to complain about.
func setPackage(src, name string) string {
	fset := token.NewFileSet()
	file := fset.AddFile("solution.go", -1, len(src))
	var s scanner.Scanner
	s.Init(file, []byte(src), nil, 0)
	_, tok, _ := s.Scan()
	if tok != token.PACKAGE {
		return src
	}
	pos, tok, lit := s.Scan()
	if tok != token.IDENT {
		return src
	}
	off := file.Offset(pos)
	return src[:off] + name + src[off+len(lit):]
}

// goTestFile is a Go test file as the box compiles it.
type goTestFile struct {
	tests  []string // top-level Test functions, in source order
	source string   // instrumented
	shifts []shift  // the instrumentation's edits, to correct the compiler's columns
}

// shift is an edit at a line and column of the original source: ins bytes
// inserted, del bytes deleted.
type shift struct{ line, col, ins, del int }

// instrumentGoTests parses a test file and prepares it for the harness.
// Every function that takes a *testing.T (tests and subtest literals)
// starts with
//
//	anyhourharness.Begin(); defer anyhourharness.Recover(t);
//
// on the line of its opening brace, so line numbers stay as written:
// Begin gives the test's own prints back to stdout, and Recover turns a
// panic into a failure of that test instead of the end of the binary,
// which would take every later test with it. The harness import goes on
// the package clause's line.
func instrumentGoTests(name, src string) (goTestFile, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution)
	if err != nil {
		return goTestFile{}, err
	}
	testing := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == "testing" {
			testing = "testing"
			if imp.Name != nil {
				testing = imp.Name.Name
			}
		}
	}
	var out goTestFile
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && isTestName(fd.Name.Name) && tParam(fd.Type, testing) != nil {
			out.tests = append(out.tests, fd.Name.Name)
		}
	}
	var ed edits
	tf := fset.File(f.Pos())
	off := func(p token.Pos) int { return tf.Offset(p) }
	ast.Inspect(f, func(n ast.Node) bool {
		var ft *ast.FuncType
		var body *ast.BlockStmt
		switch n := n.(type) {
		case *ast.FuncDecl:
			ft, body = n.Type, n.Body
		case *ast.FuncLit:
			ft, body = n.Type, n.Body
		default:
			return true
		}
		field := tParam(ft, testing)
		if field == nil || body == nil {
			return true
		}
		param := "t"
		switch {
		case len(field.Names) == 0:
			param = "anyhourT"
			ed.add(off(field.Type.Pos()), 0, param+" ")
		case field.Names[0].Name == "_":
			param = "anyhourT"
			ed.add(off(field.Names[0].Pos()), 1, param)
		default:
			param = field.Names[0].Name
		}
		ed.add(off(body.Lbrace)+1, 0, " "+harnessName+".Begin(); defer "+harnessName+".Recover("+param+");")
		return true
	})
	ed.add(off(f.Name.End()), 0, "; import "+harnessName+" "+strconv.Quote(harnessImport))
	for _, e := range ed {
		p := tf.Position(tf.Pos(e.off))
		out.shifts = append(out.shifts, shift{p.Line, p.Column, len(e.text), e.del})
	}
	out.source = ed.apply(src) + "\n\nvar _ = " + harnessName + ".Begin\n"
	return out, nil
}

// goPosition matches a position in a test file in the compiler's messages.
var goPosition = regexp.MustCompile(`((?:visible|hidden)_test\.go):(\d+):(\d+)`)

// fixColumns maps the columns of the instrumented test file named file in
// the compiler's messages back to the source as written.
func (f goTestFile) fixColumns(msg, file string) string {
	return goPosition.ReplaceAllStringFunc(msg, func(m string) string {
		sub := goPosition.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sub[2])
		col, _ := strconv.Atoi(sub[3])
		if sub[1] != file {
			return m
		}
		var on []shift
		for _, s := range f.shifts {
			if s.line == line {
				on = append(on, s)
			}
		}
		sort.Slice(on, func(i, j int) bool { return on[i].col < on[j].col })
		orig := col
		at := 0 // how far the edits so far moved the line
		for _, s := range on {
			start := s.col + at
			if col < start {
				break
			}
			if col < start+s.ins {
				orig = s.col
				break
			}
			at += s.ins - s.del
			orig = col - at
		}
		return fmt.Sprintf("%s:%d:%d", file, line, orig)
	})
}

// isTestName is the go tool's rule: Test, or Test followed by a character
// that is not a lower-case letter.
func isTestName(name string) bool {
	if !strings.HasPrefix(name, "Test") {
		return false
	}
	if len(name) == 4 {
		return true
	}
	r, _ := utf8.DecodeRuneInString(name[4:])
	return !unicode.IsLower(r)
}

// tParam returns the parameter of a func(*testing.T), or nil.
func tParam(ft *ast.FuncType, testing string) *ast.Field {
	if testing == "" || testing == "." || testing == "_" || ft.Params == nil || len(ft.Params.List) != 1 {
		return nil
	}
	if ft.Results != nil && len(ft.Results.List) > 0 {
		return nil
	}
	field := ft.Params.List[0]
	if len(field.Names) > 1 {
		return nil
	}
	star, ok := field.Type.(*ast.StarExpr)
	if !ok {
		return nil
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != "T" {
		return nil
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name != testing {
		return nil
	}
	return field
}

// goTestMain is the generated file that hands the test binary to the
// harness. Its name sorts before the tests' file names.
const goTestMainFile = "0anyhour_test.go"

func goTestMain(pkg string) string {
	return "package " + pkg + `

import (
	"os"
	"testing"

	` + harnessName + ` "` + harnessImport + `"
)

func TestMain(m *testing.M) { os.Exit(` + harnessName + `.Main(m)) }
`
}

// edits are insertions and replacements at byte offsets of a source.
type edits []edit

type edit struct {
	off, del int
	text     string
}

func (e *edits) add(off, del int, text string) { *e = append(*e, edit{off, del, text}) }

func (e edits) apply(src string) string {
	sort.SliceStable(e, func(i, j int) bool { return e[i].off > e[j].off })
	for _, x := range e {
		src = src[:x.off] + x.text + src[x.off+x.del:]
	}
	return src
}
