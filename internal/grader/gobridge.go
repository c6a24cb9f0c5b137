package grader

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"
)

// The Go bridge. The tests are compiled without the candidate's code: in
// its place the judge's package gets a generated file that declares the
// same types and constants (copied declarations, which hold no code that
// runs) and, for each function and method, a stub with the same
// signature that sends the call to the solution's box
// (harness/bridge). The solution's package gets a generated server that
// calls the real functions by name. Both are generated from the
// candidate's source as written, by syntax alone; the compiler then
// checks that the tests and the candidate's code agree, as it would in
// one package.
//
// What cannot cross: generic functions and types (their type arguments are
// chosen at compile time, on the tests' side), channels, and package
// variables whose type the source does not say (a variable set with
// errors.New or fmt.Errorf counts as an error); the tests see none of
// these, so a test that uses one does not compile. A task author who needs
// one writes a plain function that returns it.

// goBridge is what the generator learnt of the candidate's package.
type goBridge struct {
	// pkg is the package's name; path its import path in a take-home's
	// module, whose packages each have a bridge, or "" for a code step's
	// one package.
	pkg, path string
	fset      *token.FileSet
	imports   map[string]string // local name -> import path
	types     []*ast.TypeSpec   // non-generic
	consts    []*ast.GenDecl
	vars      []goVar
	funcs     []*ast.FuncDecl // functions and methods of non-generic types, themselves not generic
}

type goVar struct{ name, typ string }

// bridgeGo reads the candidate's package. It fails when the source does
// not parse; the compiler then says why, better than the parser.
func bridgeGo(src string) (*goBridge, error) {
	return bridgeGoFiles("", map[string]string{"solution.go": src})
}

// bridgeGoFiles reads the files of the package at import path path (""
// for a code step's).
func bridgeGoFiles(path string, files map[string]string) (*goBridge, error) {
	fset := token.NewFileSet()
	b := &goBridge{pkg: "solution", path: path, fset: fset, imports: map[string]string{}}
	var parsed []*ast.File
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, err := parser.ParseFile(fset, name, files[name], parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, f)
	}
	if path != "" && len(parsed) > 0 {
		b.pkg = parsed[0].Name.Name
	}
	generic := map[string]bool{}
	for _, f := range parsed {
		b.read(f, generic)
	}
	for _, f := range parsed {
		b.readFuncs(f, generic)
	}
	return b, nil
}

// read takes a file's imports and declarations. Two files of a package
// that import different packages under one name are not told apart: the
// first one's counts.
func (b *goBridge) read(f *ast.File, generic map[string]bool) {
	fset := b.fset
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := importName(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if _, taken := b.imports[name]; name != "_" && name != "." && !taken {
			b.imports[name] = p
		}
	}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		switch g.Tok {
		case token.TYPE:
			for _, s := range g.Specs {
				ts := s.(*ast.TypeSpec)
				if ts.TypeParams != nil {
					generic[ts.Name.Name] = true
					continue
				}
				b.types = append(b.types, ts)
			}
		case token.CONST:
			b.consts = append(b.consts, g)
		case token.VAR:
			for _, s := range g.Specs {
				b.vars = append(b.vars, specVars(fset, s.(*ast.ValueSpec))...)
			}
		}
	}
}

// readFuncs takes a file's functions and methods, once read has seen
// every file's generic types.
func (b *goBridge) readFuncs(f *ast.File, generic map[string]bool) {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Type.TypeParams != nil || fd.Body == nil {
			continue
		}
		if fd.Recv == nil && (fd.Name.Name == "init" || fd.Name.Name == "main") {
			continue
		}
		if fd.Recv != nil {
			name, ok := recvType(fd)
			if !ok || generic[name] {
				continue
			}
		}
		b.funcs = append(b.funcs, fd)
	}
}

// importName is the name a package is imported under by default.
func importName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" && path.Dir(p) != "." {
		base = path.Base(path.Dir(p)) // math/rand/v2
	}
	return base
}

// specVars lists the variables of a declaration whose type is known: it
// is written, or the value is errors.New(...) or fmt.Errorf(...).
func specVars(fset *token.FileSet, s *ast.ValueSpec) []goVar {
	var out []goVar
	for i, n := range s.Names {
		if n.Name == "_" {
			continue
		}
		typ := ""
		if s.Type != nil {
			typ = nodeText(fset, s.Type)
		} else if i < len(s.Values) && isErrorValue(s.Values[i]) {
			typ = "error"
		}
		if typ != "" {
			out = append(out, goVar{n.Name, typ})
		}
	}
	return out
}

func isErrorValue(e ast.Expr) bool {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	pkg, ok := sel.X.(*ast.Ident)
	return ok && ((pkg.Name == "errors" && sel.Sel.Name == "New") || (pkg.Name == "fmt" && sel.Sel.Name == "Errorf"))
}

// recvType is the name of a method's receiver type.
func recvType(fd *ast.FuncDecl) (string, bool) {
	if fd.Recv == nil || len(fd.Recv.List) != 1 {
		return "", false
	}
	t := fd.Recv.List[0].Type
	if s, ok := t.(*ast.StarExpr); ok {
		t = s.X
	}
	id, ok := t.(*ast.Ident)
	if !ok {
		return "", false // a generic receiver such as T[K]
	}
	return id.Name, true
}

func pointerRecv(fd *ast.FuncDecl) bool {
	_, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
	return ok
}

// wire is the name a call travels under: F, T.M or (*T).M, after the
// package's import path in a module (example.com/shop/pricing.Total).
func (b *goBridge) wire(fd *ast.FuncDecl) string {
	if b.path != "" {
		return b.path + "." + wireName(fd)
	}
	return wireName(fd)
}

func wireName(fd *ast.FuncDecl) string {
	if fd.Recv == nil {
		return fd.Name.Name
	}
	t, _ := recvType(fd)
	if pointerRecv(fd) {
		return "(*" + t + ")." + fd.Name.Name
	}
	return t + "." + fd.Name.Name
}

func nodeText(fset *token.FileSet, n ast.Node) string {
	var buf bytes.Buffer
	printer.Fprint(&buf, fset, n)
	return buf.String()
}

// goParam is one parameter or result, its type as written.
type goParam struct {
	typ      string
	variadic bool
}

func params(fset *token.FileSet, fl *ast.FieldList) []goParam {
	var out []goParam
	if fl == nil {
		return nil
	}
	for _, f := range fl.List {
		n := max(len(f.Names), 1)
		t := f.Type
		variadic := false
		if e, ok := t.(*ast.Ellipsis); ok {
			variadic, t = true, e.Elt
		}
		for range n {
			out = append(out, goParam{nodeText(fset, t), variadic})
		}
	}
	return out
}

// usedImports lists the imports the nodes refer to, as import lines.
func (b *goBridge) usedImports(nodes ...ast.Node) []string {
	used := map[string]bool{}
	for _, n := range nodes {
		ast.Inspect(n, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					if _, ok := b.imports[id.Name]; ok {
						used[id.Name] = true
					}
				}
			}
			return true
		})
	}
	var lines []string
	for name := range used {
		lines = append(lines, name+" "+strconv.Quote(b.imports[name]))
	}
	sort.Strings(lines)
	return lines
}

const bridgeImport = `anyhourbridge "solution/anyhour/bridge"`

// typeNames lists the declared types, for registration.
func (b *goBridge) registrations(skip map[string]bool) string {
	var regs []string
	for _, ts := range b.types {
		if !skip[ts.Name.Name] {
			regs = append(regs, "(*"+ts.Name.Name+")(nil)")
		}
	}
	// Every variable, in order on both sides; one the tests declare for
	// themselves is read into a place of its own.
	var vars []string
	for _, v := range b.vars {
		if skip[v.name] {
			vars = append(vars, "new("+v.typ+")")
		} else {
			vars = append(vars, "&"+v.name)
		}
	}
	var s strings.Builder
	s.WriteString("func init() {\n")
	if len(regs) > 0 {
		fmt.Fprintf(&s, "\tanyhourbridge.Register(%s)\n", strings.Join(regs, ", "))
	}
	if len(vars) > 0 && b.path != "" {
		fmt.Fprintf(&s, "\tanyhourbridge.PackageVars(%q, %s)\n", b.path, strings.Join(vars, ", "))
	} else if len(vars) > 0 {
		fmt.Fprintf(&s, "\tanyhourbridge.Vars(%s)\n", strings.Join(vars, ", "))
	}
	s.WriteString("}\n")
	return s.String()
}

// server is the solution's generated file: the dispatch table.
func (b *goBridge) server() string {
	var body strings.Builder
	var nodes []ast.Node
	for _, fd := range b.funcs {
		nodes = append(nodes, fd.Type)
		if fd.Recv != nil {
			nodes = append(nodes, fd.Recv)
		}
		in := params(b.fset, fd.Type.Params)
		out := params(b.fset, fd.Type.Results)
		fmt.Fprintf(&body, "\t\t%q: func(c *anyhourbridge.Call) {\n", b.wire(fd))
		callee := fd.Name.Name
		if fd.Recv != nil {
			t, _ := recvType(fd)
			if pointerRecv(fd) {
				fmt.Fprintf(&body, "\t\t\tvar recv *%s\n\t\t\tc.PtrRecv(&recv)\n", t)
			} else {
				fmt.Fprintf(&body, "\t\t\tvar recv %s\n\t\t\tc.Recv(&recv)\n", t)
			}
			callee = "recv." + fd.Name.Name
		}
		var args, ptrs []string
		for i, p := range in {
			typ := p.typ
			if p.variadic {
				typ = "[]" + typ
			}
			fmt.Fprintf(&body, "\t\t\tvar a%d %s\n", i, typ)
			ptrs = append(ptrs, fmt.Sprintf("&a%d", i))
			arg := fmt.Sprintf("a%d", i)
			if p.variadic {
				arg += "..."
			}
			args = append(args, arg)
		}
		fmt.Fprintf(&body, "\t\t\tc.Args(%s)\n", strings.Join(ptrs, ", "))
		var rs, rptrs []string
		for i := range out {
			rs = append(rs, fmt.Sprintf("r%d", i))
			rptrs = append(rptrs, fmt.Sprintf("&r%d", i))
		}
		call := fmt.Sprintf("%s(%s)", callee, strings.Join(args, ", "))
		if len(rs) > 0 {
			fmt.Fprintf(&body, "\t\t\t%s := %s\n\t\t\tc.Return(%s)\n", strings.Join(rs, ", "), call, strings.Join(rptrs, ", "))
		} else {
			fmt.Fprintf(&body, "\t\t\t%s\n", call)
		}
		body.WriteString("\t\t},\n")
	}
	if b.path != "" {
		// One of a module's packages: the program that imports them all serves.
		return b.file("tests", nodes, nil) + "\nfunc init() {\n\tanyhourbridge.Add(map[string]anyhourbridge.Func{\n" +
			body.String() + "\t})\n}\n"
	}
	return b.file("tests", nodes, nil) + "\n// AnyhourServe answers the tests' calls.\nfunc AnyhourServe() {\n\tanyhourbridge.Serve(map[string]anyhourbridge.Func{\n" +
		body.String() + "\t})\n}\n"
}

// file starts a generated file: its header, the imports the nodes use
// and the registrations of the package's types and variables.
func (b *goBridge) file(to string, nodes []ast.Node, skip map[string]bool) string {
	var s strings.Builder
	s.WriteString("// Code generated by anyhour for the bridge to the " + to + ". DO NOT EDIT.\n\npackage " + b.pkg + "\n\nimport (\n\t" + bridgeImport + "\n")
	for _, imp := range b.usedImports(nodes...) {
		s.WriteString("\t" + imp + "\n")
	}
	s.WriteString(")\n\n")
	s.WriteString(b.registrations(skip))
	return s.String()
}

// stubs is the judge's generated file: the candidate's declarations the
// tests may use, and a stub per function and method. Names the test file
// declares itself are left out (in one package they would clash, as they
// would have with the candidate's code): skip holds them.
func (b *goBridge) stubs(skip map[string]bool) string {
	var decls strings.Builder
	var nodes []ast.Node
	for _, ts := range b.types {
		if skip[ts.Name.Name] {
			continue
		}
		nodes = append(nodes, ts)
		decls.WriteString("type " + nodeText(b.fset, ts) + "\n\n")
	}
	for _, g := range b.consts {
		clash := false
		for _, s := range g.Specs {
			for _, n := range s.(*ast.ValueSpec).Names {
				clash = clash || skip[n.Name]
			}
		}
		if clash {
			continue
		}
		nodes = append(nodes, g)
		decls.WriteString(nodeText(b.fset, g) + "\n\n")
	}
	for _, v := range b.vars {
		if !skip[v.name] {
			decls.WriteString("var " + v.name + " " + v.typ + "\n")
		}
	}
	// The variables' types are text: parse them back for their imports.
	for _, v := range b.vars {
		if e, err := parser.ParseExpr(v.typ); err == nil && !skip[v.name] {
			nodes = append(nodes, e)
		}
	}
	decls.WriteString("\n")
	for _, fd := range b.funcs {
		name := fd.Name.Name
		if fd.Recv != nil {
			t, _ := recvType(fd)
			if skip[t] {
				continue
			}
		} else if skip[name] {
			continue
		}
		nodes = append(nodes, fd.Type)
		in := params(b.fset, fd.Type.Params)
		out := params(b.fset, fd.Type.Results)
		var ps, aptrs, rs, rptrs []string
		for i, p := range in {
			dots := ""
			if p.variadic {
				dots = "..."
			}
			ps = append(ps, fmt.Sprintf("a%d %s%s", i, dots, p.typ))
			aptrs = append(aptrs, fmt.Sprintf("&a%d", i))
		}
		for i, p := range out {
			rs = append(rs, fmt.Sprintf("r%d %s", i, p.typ))
			rptrs = append(rptrs, fmt.Sprintf("&r%d", i))
		}
		recv, recvArg := "", "nil"
		if fd.Recv != nil {
			t, _ := recvType(fd)
			if pointerRecv(fd) {
				t = "*" + t
			}
			recv, recvArg = "(recv "+t+") ", "&recv"
		}
		results := ""
		if len(rs) > 0 {
			results = " (" + strings.Join(rs, ", ") + ")"
		}
		fmt.Fprintf(&decls, "func %s%s(%s)%s {\n\tanyhourbridge.Invoke(%q, %s, %s, %s)\n", recv, name, strings.Join(ps, ", "), results,
			b.wire(fd), recvArg, anyList(aptrs), anyList(rptrs))
		if len(rs) > 0 {
			decls.WriteString("\treturn\n")
		}
		decls.WriteString("}\n\n")
	}
	return b.file("solution", nodes, skip) + "\n" + decls.String()
}

func anyList(xs []string) string {
	if len(xs) == 0 {
		return "nil"
	}
	return "[]any{" + strings.Join(xs, ", ") + "}"
}

// testNames lists the top-level names a test file declares.
func testNames(src string) map[string]bool {
	names := map[string]bool{}
	f, err := parser.ParseFile(token.NewFileSet(), "x_test.go", src, parser.SkipObjectResolution)
	if err != nil {
		return names
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	return names
}
