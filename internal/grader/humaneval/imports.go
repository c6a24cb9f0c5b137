package humaneval

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// stdPackages are the standard packages the corpus's Go code refers to,
// by the name it uses them under.
var stdPackages = map[string]string{
	"bits": "math/bits", "bytes": "bytes", "errors": "errors", "fmt": "fmt", "hex": "encoding/hex",
	"math": "math", "md5": "crypto/md5", "rand": "math/rand", "reflect": "reflect", "regexp": "regexp",
	"slices": "slices", "sort": "sort", "strconv": "strconv", "strings": "strings", "testing": "testing",
	"time": "time", "unicode": "unicode", "utf8": "unicode/utf8",
}

// fixImports does what goimports would for the corpus's Go code, which
// lists imports per problem rather than per solution: it drops the imports
// a file does not use and adds the standard packages it uses without
// importing them. Source that does not parse is returned as is, for the
// compiler to report.
func fixImports(src string) string {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", src, parser.SkipObjectResolution)
	if err != nil {
		return src
	}
	declared := map[string]bool{}
	var qualifiers []string
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				qualifiers = append(qualifiers, id.Name)
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				declare(declared, n.Lhs...)
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				declare(declared, n.Key, n.Value)
			}
		case *ast.ValueSpec:
			declare(declared, idents(n.Names)...)
		case *ast.Field:
			declare(declared, idents(n.Names)...)
		case *ast.FuncDecl:
			declared[n.Name.Name] = true
		case *ast.TypeSpec:
			declared[n.Name.Name] = true
		}
		return true
	})
	// A qualifier not declared in the file is taken for a package.
	used := map[string]bool{}
	for _, q := range qualifiers {
		if !declared[q] {
			used[q] = true
		}
	}
	var keep []string
	have := map[string]bool{}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		if used[name] || name == "_" || name == "." {
			spec := strconv.Quote(p)
			if imp.Name != nil {
				spec = imp.Name.Name + " " + spec
			}
			keep = append(keep, spec)
			have[name] = true
		}
	}
	for name := range used {
		if p, ok := stdPackages[name]; ok && !have[name] {
			keep = append(keep, strconv.Quote(p))
		}
	}
	sort.Strings(keep)
	keep = slices.Compact(keep)

	tf := fset.File(f.Pos())
	var b strings.Builder
	last := 0
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			b.WriteString(src[last:tf.Offset(g.Pos())])
			last = tf.Offset(g.End())
		}
	}
	b.WriteString(src[last:])
	rest := b.String()
	clause := tf.Offset(f.Name.End())
	block := ""
	if len(keep) > 0 {
		block = "\n\nimport (\n\t" + strings.Join(keep, "\n\t") + "\n)"
	}
	return rest[:clause] + block + rest[clause:]
}

func declare(m map[string]bool, exprs ...ast.Expr) {
	for _, e := range exprs {
		if id, ok := e.(*ast.Ident); ok {
			m[id.Name] = true
		}
	}
}

func idents(ids []*ast.Ident) []ast.Expr {
	out := make([]ast.Expr, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
