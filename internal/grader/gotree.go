package grader

import (
	"bytes"
	"context"
	"fmt"
	"go/build"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// A Go take-home: the candidate's repository is a module (its go.mod
// names it), the hidden tests are _test.go files at paths of its layout,
// each testing the package of its directory as that package's own tests
// or as package x_test, importing the module's packages by their paths.
//
// As for a code step, the tests are compiled without the candidate's
// code: in a copy of the module where every package of the candidate's
// is replaced by its bridge (declarations and stubs, gobridge.go), so the
// tests' binary holds none of the candidate's code, not even the init
// functions of the packages the tests import. The candidate's module is
// built as it is, with a server beside each package and a program that
// imports them all, and runs in a box of its own. Both modules reach the
// bridge and the harness through a module "solution" of their own, put
// beside them (require and replace in the go.mod anyhour writes).
//
// What this version does not grade: modules that require others (the
// boxes have no network; the step's go.mod must have no require), cgo,
// tests of a main package, and packages under a nested internal
// directory (the server program cannot import them).

// goTreeLib is where the module "solution" (bridge, harness) goes.
const goTreeLib = "lib"

// goServeFile is each package's server, beside its code.
const goServeFile = "zz_anyhour_serve.go"

// goServeDir is the directory of the program that serves the tests'
// calls, in the candidate's module.
const goServeDir = "zz_anyhour_serve"

// GoModulePath reads the module path of a go.mod, and refuses what a
// take-home cannot be graded with: a go.mod without a module line, or
// one that requires, replaces or excludes other modules.
func GoModulePath(goMod string) (string, error) {
	mod := ""
	block := ""
	for i, line := range strings.Split(goMod, "\n") {
		if c := strings.Index(line, "//"); c >= 0 {
			line = line[:c]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if block != "" {
			if f[0] == ")" {
				block = ""
			} else if block != "godebug" {
				return "", fmt.Errorf("go.mod line %d: the module may not %s other modules: the grader has no network, so a take-home in Go uses the standard library only", i+1, block)
			}
			continue
		}
		switch f[0] {
		case "module":
			if len(f) != 2 {
				return "", fmt.Errorf("go.mod line %d: write the module line as module example.com/name", i+1)
			}
			mod = f[1]
			if u, err := strconv.Unquote(mod); err == nil {
				mod = u
			}
		case "go", "toolchain":
		case "godebug", "require", "replace", "exclude", "retract", "tool", "ignore":
			if len(f) == 2 && f[1] == "(" {
				block = f[0]
				continue
			}
			if f[0] != "godebug" {
				return "", fmt.Errorf("go.mod line %d: the module may not %s other modules: the grader has no network, so a take-home in Go uses the standard library only", i+1, f[0])
			}
		default:
			return "", fmt.Errorf("go.mod line %d: %q is not a go.mod directive", i+1, f[0])
		}
	}
	if mod == "" || strings.ContainsAny(mod, " \"'`\\") || strings.HasPrefix(mod, "/") || strings.HasSuffix(mod, "/") || mod == "solution" || strings.HasPrefix(mod, "solution/") {
		return "", fmt.Errorf("go.mod needs a module line such as module example.com/shop")
	}
	return mod, nil
}

// goPackage is one package of the candidate's module.
type goPackage struct {
	dir, path, name string
	files           map[string]string // file name -> source, the files this build compiles
	main            bool
}

// goTree is the candidate's module as the grader reads it.
type goTree struct {
	module string
	pkgs   map[string]*goPackage // by directory ("." for the root)
}

// readGoTree finds the module's packages: the directories with Go files
// that this platform builds, outside testdata, vendor, directories whose
// names start with "." or "_", and nested modules.
func readGoTree(tree []sandbox.File) (goTree, error) {
	files := map[string][]byte{}
	for _, f := range tree {
		files[f.Path] = f.Data
	}
	goMod, ok := files["go.mod"]
	if !ok {
		return goTree{}, fmt.Errorf("the repository has no go.mod at its top: a take-home in Go is a module")
	}
	mod, err := GoModulePath(string(goMod))
	if err != nil {
		return goTree{}, err
	}
	t := goTree{module: mod, pkgs: map[string]*goPackage{}}
	nested := map[string]bool{}
	for p := range files {
		if path.Base(p) == "go.mod" && p != "go.mod" {
			nested[path.Dir(p)] = true
		}
	}
	ctxt := buildContext(files)
	for p, data := range files {
		dir, name := path.Split(p)
		dir = path.Clean(dir)
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") || skippedDir(dir, nested) {
			continue
		}
		if ok, err := ctxt.MatchFile(dir, name); err != nil || !ok {
			continue
		}
		pkg := t.pkgs[dir]
		if pkg == nil {
			ip := mod
			if dir != "." {
				ip = mod + "/" + dir
			}
			pkg = &goPackage{dir: dir, path: ip, files: map[string]string{}}
			t.pkgs[dir] = pkg
		}
		pkg.files[name] = string(data)
	}
	for _, pkg := range t.pkgs {
		pkg.name = packageName(pkg.files)
		pkg.main = pkg.name == "main"
	}
	return t, nil
}

// skippedDir says whether the go command leaves dir out of the module's
// packages.
func skippedDir(dir string, nested map[string]bool) bool {
	if dir == "." {
		return false
	}
	for d := dir; d != "."; d = path.Dir(d) {
		b := path.Base(d)
		if b == "testdata" || b == "vendor" || strings.HasPrefix(b, ".") || strings.HasPrefix(b, "_") || nested[d] || b == goServeDir {
			return true
		}
	}
	return false
}

// buildContext is the box's platform over files in memory, for
// build constraints and file name suffixes (_windows.go).
func buildContext(files map[string][]byte) build.Context {
	c := build.Default
	c.GOOS, c.GOARCH, c.CgoEnabled = "linux", runtime.GOARCH, false
	c.GOROOT, c.GOPATH = "", ""
	c.JoinPath = path.Join
	c.IsAbsPath = path.IsAbs
	c.OpenFile = func(p string) (io.ReadCloser, error) {
		data, ok := files[path.Clean(p)]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	return c
}

// packageName is the package clause of the first file that has one.
func packageName(files map[string]string) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if name := clauseName(files[n]); name != "" {
			return name
		}
	}
	return ""
}

// clauseName reads the package clause of Go source, or "".
func clauseName(src string) string {
	// setPackage finds the clause past comments and build lines.
	marked := setPackage(src, "\x00")
	i := strings.IndexByte(marked, 0)
	if i < 0 {
		return ""
	}
	rest := src[i:]
	end := strings.IndexFunc(rest, func(r rune) bool { return r == ';' || r == '\n' || r == ' ' || r == '\t' || r == '\r' || r == '/' })
	if end < 0 {
		end = len(rest)
	}
	return rest[:end]
}

// goTreeSuite is one package's hidden tests.
type goTreeSuite struct {
	dir   string
	files []sandbox.File // the test files, at their paths
	tf    goTestFile     // their tests, together
	src   string         // their sources, together (points, plans)
}

// goTreeBuild is what the compile run of a Go take-home produced.
type goTreeBuild struct {
	solution []byte
	judges   map[string][]byte // by directory
	compile  string            // the candidate's module's own errors
	hidden   map[string]string // by directory: the hidden tests' errors against it, for reviewers
	failed   map[string]string // by directory: why the tests cannot run at all
	res      sandbox.Result
}

// goTreeMod is the go.mod anyhour writes for both modules.
func (g *Grader) goTreeMod(module string) string {
	parts := strings.SplitN(g.goVersion, ".", 3)
	version := strings.Join(parts[:min(len(parts), 2)], ".")
	return fmt.Sprintf("module %s\n\ngo %s\n\nrequire solution v0.0.0\n\nreplace solution => ../%s\n", module, version, goTreeLib)
}

// goTreeCompile builds the solution's program and a tests' binary per
// package with hidden tests, in one box where only the Go toolchain
// runs.
func (g *Grader) goTreeCompile(ctx context.Context, t goTree, tree []sandbox.File, suites []goTreeSuite) (goTreeBuild, error) {
	b := goTreeBuild{judges: map[string][]byte{}, hidden: map[string]string{}, failed: map[string]string{}}
	goMod := g.goTreeMod(t.module)
	var files []sandbox.File
	for _, f := range g.goModule() {
		files = append(files, sandbox.File{Path: goTreeLib + "/" + f.Path, Data: f.Data})
	}
	// The judge's module: every package as its bridge, and the tests.
	judge := []sandbox.File{{Path: "go.mod", Data: []byte(goMod)}}
	bridges := map[string]*goBridge{}
	dirs := make([]string, 0, len(t.pkgs))
	for dir := range t.pkgs {
		dirs = append(dirs, dir)
	}
	sort.Strings(dirs)
	skip := map[string]map[string]bool{}
	for _, s := range suites {
		pkg := t.pkgs[s.dir]
		skip[s.dir] = map[string]bool{}
		for _, f := range s.files {
			if pkg != nil && clauseName(string(f.Data)) == pkg.name {
				for n := range testNames(string(f.Data)) {
					skip[s.dir][n] = true
				}
			}
		}
	}
	for _, dir := range dirs {
		pkg := t.pkgs[dir]
		if pkg.main {
			continue
		}
		br, err := bridgeGoFiles(pkg.path, pkg.files)
		if err != nil {
			continue // the candidate's build says why
		}
		bridges[dir] = br
		judge = append(judge, sandbox.File{Path: path.Join(dir, "zz_anyhour_bridge.go"), Data: []byte(br.stubs(skip[dir]))})
	}
	// Every suite's tests go in the one module; a binary is built for one
	// directory, from the bridges and that directory's tests, and kept by
	// what it was built from.
	type pending struct{ dir, name, key string }
	var builds []string // shell commands, each after its marker
	var todo []pending
	base := judge
	for i, s := range suites {
		pkg := t.pkgs[s.dir]
		switch {
		case pkg == nil:
			b.failed[s.dir] = fmt.Sprintf("did not run: the repository has no Go package in %s/", s.dir)
			continue
		case pkg.main:
			b.failed[s.dir] = fmt.Sprintf("did not run: %s/ holds a program (package main); the tests need a package they can import", s.dir)
			continue
		case bridges[s.dir] == nil:
			continue // the candidate's code does not parse: the compile error says why
		}
		var own []sandbox.File
		for _, f := range s.files {
			tf, err := instrumentGoTests(path.Base(f.Path), string(f.Data))
			if err != nil {
				b.failed[s.dir] = "did not run: the test file " + f.Path + " does not compile: " + err.Error()
				break
			}
			own = append(own, sandbox.File{Path: f.Path, Data: []byte(tf.source)})
		}
		if b.failed[s.dir] != "" {
			continue
		}
		own = append(own, sandbox.File{Path: path.Join(s.dir, goTestMainFile), Data: []byte(goTestMain(pkg.name))})
		judge = append(judge, own...)
		key := g.judgeKey(append(append(g.goModule(), base...), own...))
		if bin, ok := g.judges.get(key); ok {
			b.judges[s.dir] = bin
			continue
		}
		name := fmt.Sprintf("h%d", i)
		todo = append(todo, pending{s.dir, name, key})
		builds = append(builds, "echo '@@anyhour "+name+"'", "cd /task/j && "+shellJoin([]string{g.goRoot + "/bin/go", "test", "-c", "-vet=off", "-ldflags=-s -w", "-o", "/task/out/" + name + ".test", "./" + s.dir})+" 2>&1")
	}
	for _, f := range judge {
		files = append(files, sandbox.File{Path: "j/" + f.Path, Data: f.Data})
	}
	// The candidate's module, as it is, with the servers.
	var imports []string
	for _, f := range tree {
		// The candidate's files in the places of anyhour's own (the go.mod,
		// the servers, the program) are left out: anyhour's take them.
		if strings.HasSuffix(f.Path, "_test.go") || f.Path == "go.mod" || f.Path == goServeDir || strings.HasPrefix(f.Path, goServeDir+"/") ||
			path.Base(f.Path) == goServeFile {
			continue
		}
		files = append(files, sandbox.File{Path: "s/" + f.Path, Data: f.Data, Mode: f.Mode})
	}
	files = append(files, sandbox.File{Path: "s/go.mod", Data: []byte(goMod)})
	for _, dir := range dirs {
		br := bridges[dir]
		if br == nil || strings.Contains("/"+dir+"/", "/internal/") && !strings.HasPrefix(dir, "internal/") && dir != "internal" {
			continue // a nested internal package: the server cannot import it
		}
		files = append(files, sandbox.File{Path: "s/" + path.Join(dir, goServeFile), Data: []byte(br.server())})
		imports = append(imports, "\t_ "+strconv.Quote(br.path)+"\n")
	}
	main := "// Code generated by anyhour: the solution's program. DO NOT EDIT.\n\npackage main\n\nimport (\n\tanyhourbridge " +
		strconv.Quote("solution/anyhour/bridge") + "\n" + strings.Join(imports, "") + ")\n\nfunc main() { anyhourbridge.Serve(nil) }\n"
	files = append(files, sandbox.File{Path: "s/" + goServeDir + "/main.go", Data: []byte(main)})
	cmds := append([]string{"echo '@@anyhour s'", "cd /task/s && " + shellJoin([]string{g.goRoot + "/bin/go", "build", "-ldflags=-s -w", "-o", "/task/out/s", "./" + goServeDir}) + " 2>&1"}, builds...)
	collect := []string{"out/s"}
	for _, p := range todo {
		collect = append(collect, "out/"+p.name+".test")
	}
	cache, done, err := g.cache.fork()
	if err != nil {
		return b, err
	}
	defer done()
	res, err := g.box.Run(ctx, sandbox.Command{
		Args:    []string{"/bin/sh", "-c", strings.Join(cmds, "\n")},
		Env:     goEnv(g.goRoot, "/gocache", "/tmp"),
		Files:   files,
		Binds:   []sandbox.Bind{{Src: g.goRoot, Dst: g.goRoot}, {Src: cache, Dst: "/gocache", Writable: true}},
		Collect: collect,
		Limits:  g.compile,
	})
	if err != nil {
		return b, err
	}
	b.res = res
	b.solution = res.Collected["out/s"]
	for _, p := range todo {
		if bin := res.Collected["out/"+p.name+".test"]; len(bin) > 0 {
			b.judges[p.dir] = bin
			g.judges.put(p.key, bin)
		}
	}
	sections := map[string]string{}
	name := ""
	for _, line := range strings.Split(clean(res.Stdout)+clean(res.Stderr), "\n") {
		if n, ok := strings.CutPrefix(line, "@@anyhour "); ok {
			name = n
			continue
		}
		if strings.TrimSpace(line) != "" {
			sections[name] += line + "\n"
		}
	}
	if len(b.solution) == 0 {
		b.compile = strings.TrimSpace(sections["s"])
		if b.compile == "" {
			b.compile = g.compileFailure(res)
		}
		b.compile = capText(bridgeNote(b.compile), maxMessage)
	}
	for i, s := range suites {
		if msg := strings.TrimSpace(sections[fmt.Sprintf("h%d", i)]); msg != "" {
			b.hidden[s.dir] = capText(bridgeNote(msg), maxMessage)
		}
	}
	return b, nil
}

// goTree grades a Go take-home's hidden tests.
func (gr *grading) goTree(ctx context.Context) error {
	s := gr.s
	bySuite := map[string]*goTreeSuite{}
	var suites []goTreeSuite
	var dirs []string
	for _, f := range s.HiddenFiles {
		dir := path.Dir(f.Path)
		if bySuite[dir] == nil {
			bySuite[dir] = &goTreeSuite{dir: dir}
			dirs = append(dirs, dir)
		}
		st := bySuite[dir]
		st.files = append(st.files, f)
		st.src += string(f.Data) + "\n"
		if tf, err := instrumentGoTests(path.Base(f.Path), string(f.Data)); err == nil {
			st.tf.tests = append(st.tf.tests, tf.tests...)
		}
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		suites = append(suites, *bySuite[d])
	}
	// Tests from several packages are told apart by their directory.
	prefix := func(d string) string {
		if len(suites) > 1 {
			return d + ": "
		}
		return ""
	}
	plan := func(st goTreeSuite) []string {
		var out []string
		for _, n := range orLabel(st.tf.tests, "hidden tests") {
			out = append(out, prefix(st.dir)+n)
		}
		return out
	}
	named := func(st goTreeSuite) map[string]float64 {
		out := map[string]float64{}
		for n, p := range namedPoints(Go, st.src) {
			out[prefix(st.dir)+n] = p
		}
		return out
	}
	if !s.IncludeHidden {
		for _, st := range suites {
			gr.units = append(gr.units, ungraded(plan(st), named(st), true, "")...)
		}
		return nil
	}
	t, err := readGoTree(s.Tree)
	if err != nil {
		gr.compile = err.Error()
	}
	var b goTreeBuild
	if err == nil {
		if b, err = gr.g.goTreeCompile(ctx, t, s.Tree, suites); err != nil {
			return err
		}
		gr.account(b.res)
		gr.compile = b.compile
	}
	for _, st := range suites {
		fail := ""
		switch {
		case gr.compile != "":
			fail = "did not run: the code does not compile"
		case b.failed[st.dir] != "":
			fail = b.failed[st.dir]
		case b.hidden[st.dir] != "" || b.judges[st.dir] == nil:
			fail = "the hidden tests do not compile against this code:\n" + b.hidden[st.dir]
		}
		if fail != "" {
			gr.units = append(gr.units, ungraded(plan(st), named(st), true, fail)...)
			continue
		}
		tr, err := gr.g.goTests(ctx, s, b.judges[st.dir], b.solution, st.tf, true)
		if err != nil {
			return err
		}
		if p := prefix(st.dir); p != "" {
			for i := range tr.plan {
				tr.plan[i] = p + tr.plan[i]
			}
			for i := range tr.started {
				tr.started[i] = p + tr.started[i]
			}
			for i := range tr.results {
				tr.results[i].Name = p + tr.results[i].Name
			}
		}
		gr.take(tr, named(st), prefix(st.dir)+"hidden tests")
	}
	return nil
}
