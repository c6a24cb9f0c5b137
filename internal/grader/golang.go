package grader

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// goBuild is what the compile run produced. In one box where only the Go
// toolchain runs, the module solution is built up to four ways, all test
// binaries of one `go test -c` but the program:
//
//	sol/  the candidate's package, with the generated server
//	      (gobridge.go), whose TestMain serves the tests' calls: the
//	      solution's program, run in the solution's box
//	v/, h/  the visible and hidden tests with the generated stubs in place
//	      of the candidate's code, run in the judge's box
//	p/    the candidate's code as a program, for the stdin/stdout cases
//
// The tests' binaries hold no code of the candidate's, and the solution's
// program no test: neither box can read the other's from its binary. A
// tests' binary depends only on the tests and on the declarations the
// stubs copy, not on the candidate's function bodies, so the grader keeps
// the ones it built (judgeCache): saving new code with the same
// signatures builds only the solution.
type goBuild struct {
	bins map[string][]byte // "s", "v", "h", "p" -> binary
	// compileError is the candidate's code's own errors (or the visible
	// tests' against it); hiddenError is the hidden tests' errors against
	// it, for reviewers only.
	compileError, hiddenError string
	tests                     map[string]goTestFile // "v", "h" -> instrumented tests
	testErr                   map[string]string     // "v", "h" -> the test file does not parse
	res                       sandbox.Result
}

// goModule is the box's module: the bridge and the judge's harness.
func (g *Grader) goModule() []sandbox.File {
	files := []sandbox.File{{Path: "go.mod", Data: []byte(g.goMod)}, {Path: "anyhour/harness/harness.go", Data: harnessFile("harness.go")}}
	for _, f := range []string{"codec.go", "protocol.go", "api.go"} {
		files = append(files, sandbox.File{Path: "anyhour/bridge/" + f, Data: harnessFile("bridge/" + f)})
	}
	return files
}

// solutionMain makes the candidate's package, tested, the solution's
// program: it serves the tests' calls and never runs a test of its own.
const solutionMain = "package solution\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\n" +
	"func TestMain(m *testing.M) { AnyhourServe(); os.Exit(0) }\n"

// goCompile builds what the suite needs in one box where only the Go
// toolchain runs: the candidate's code and the tests run later, each in
// boxes of their own.
func (g *Grader) goCompile(ctx context.Context, s Suite, pkgs []string) (goBuild, error) {
	b := goBuild{bins: map[string][]byte{}, tests: map[string]goTestFile{}, testErr: map[string]string{}}
	files := g.goModule()
	br, _ := bridgeGo(s.Code) // nil when it does not parse: the compiler says why
	var tests []string        // test packages to build
	var program bool          // build p
	var solution bool         // build sol
	keys := map[string]string{}
	for _, p := range pkgs {
		if p == "p" {
			program = true
			files = append(files, sandbox.File{Path: "p/solution.go", Data: []byte(setPackage(s.Code, "main"))})
			continue
		}
		src, name := s.Visible, "visible_test.go"
		if p == "h" {
			src, name = s.Hidden, "hidden_test.go"
		}
		tf, err := instrumentGoTests(name, src)
		if err != nil {
			b.testErr[p] = "the test file does not compile: " + err.Error()
			continue
		}
		b.tests[p] = tf
		solution = true
		stubs := "package solution\n"
		if br != nil {
			stubs = br.stubs(testNames(src))
		}
		judge := []sandbox.File{
			{Path: p + "/" + name, Data: []byte(tf.source)},
			{Path: p + "/zz_anyhour_bridge.go", Data: []byte(stubs)},
			{Path: p + "/" + goTestMainFile, Data: []byte(goTestMain("solution"))},
		}
		keys[p] = g.judgeKey(append(g.goModule(), judge...))
		if bin, ok := g.judges.get(keys[p]); ok {
			b.bins[p] = bin
			continue
		}
		tests = append(tests, "./"+p)
		files = append(files, judge...)
	}
	if solution {
		server := "package solution\n\nfunc AnyhourServe() {}\n"
		if br != nil {
			server = br.server()
		}
		tests = append(tests, "./sol")
		files = append(files,
			sandbox.File{Path: "sol/solution.go", Data: []byte(setPackage(s.Code, "solution"))},
			sandbox.File{Path: "sol/zz_anyhour_serve.go", Data: []byte(server)},
			sandbox.File{Path: "sol/zz_anyhour_main_test.go", Data: []byte(solutionMain)},
		)
	}
	var cmds [][]string
	goBin := g.goRoot + "/bin/go"
	var collect []string
	if len(tests) > 0 {
		cmds = append(cmds, append([]string{goBin, "test", "-c", "-vet=off", "-ldflags=-s -w", "-o", "/task/out/"}, tests...))
		for _, t := range tests {
			collect = append(collect, "out/"+strings.TrimPrefix(t, "./")+".test")
		}
	}
	if program {
		cmds = append(cmds, []string{goBin, "build", "-ldflags=-s -w", "-o", "/task/out/p", "./p"})
		collect = append(collect, "out/p")
	}
	if len(cmds) == 0 {
		return b, nil
	}
	args := cmds[0]
	if len(cmds) > 1 {
		// Both in one box: a second box would cost the go command's start-up again.
		var sh []string
		for _, c := range cmds {
			sh = append(sh, shellJoin(c)+" 2>&1")
		}
		args = []string{"/bin/sh", "-c", strings.Join(sh, "; ")}
	}
	cache, done, err := g.cache.fork()
	if err != nil {
		return b, err
	}
	defer done()
	res, err := g.box.Run(ctx, sandbox.Command{
		Args:  args,
		Env:   goEnv(g.goRoot, "/gocache", "/tmp"),
		Files: files,
		Binds: []sandbox.Bind{
			{Src: g.goRoot, Dst: g.goRoot},
			{Src: cache, Dst: "/gocache", Writable: true},
		},
		Collect: collect,
		Limits:  g.compile,
	})
	if err != nil {
		return b, err
	}
	b.res = res
	for _, name := range collect {
		bin, ok := res.Collected[name]
		if !ok || len(bin) == 0 {
			continue
		}
		key := strings.TrimSuffix(strings.TrimPrefix(name, "out/"), ".test")
		if key == "sol" {
			key = "s"
		}
		b.bins[key] = bin
		if k, ok := keys[key]; ok {
			g.judges.put(k, bin)
		}
	}
	b.classify(clean(res.Stdout) + clean(res.Stderr))
	want := len(pkgs) - len(b.testErr)
	if solution {
		want++ // the solution's program
	}
	if len(b.bins) < want && b.compileError == "" && b.hiddenError == "" {
		b.compileError = g.compileFailure(res)
	}
	return b, nil
}

// compileFailure says why a compile run that printed nothing built
// nothing.
func (g *Grader) compileFailure(res sandbox.Result) string {
	switch {
	case res.TimedOut:
		return "compiling took longer than " + limitText(g.compile.Wall)
	case res.MemoryExceeded:
		return "compiling needed more memory than allowed"
	default:
		return "the compiler failed (" + exitText(res) + ")" + stderrTail(res)
	}
}

func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// goPathPrefix matches the package directories in compiler messages.
var goPathPrefix = regexp.MustCompile(`(?m)(^|\s)(?:\./|/task/)?(?:sol|[vhps])/`)

// classify sorts the go command's complaints: "# solution/sol" starts the
// errors of the candidate's package, "# solution/v" those of the visible
// tests against it, and so on. What the hidden tests say goes only to
// reviewers unless it concerns the candidate's file alone.
func (b *goBuild) classify(out string) {
	sections := map[string]*strings.Builder{}
	pkg := ""
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "# ") {
			f := strings.Fields(line)
			pkg = strings.TrimPrefix(f[1], "solution/")
			continue
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		if sections[pkg] == nil {
			sections[pkg] = &strings.Builder{}
		}
		sections[pkg].WriteString(goPathPrefix.ReplaceAllString(line, "$1") + "\n")
	}
	text := func(p string) string {
		if sections[p] == nil {
			return ""
		}
		t := strings.TrimSpace(sections[p].String())
		t = b.tests["v"].fixColumns(t, "visible_test.go")
		return b.tests["h"].fixColumns(t, "hidden_test.go")
	}
	for _, p := range []string{"sol", "p", "v", "s", ""} {
		if t := text(p); t != "" && b.compileError == "" {
			b.compileError = bridgeNote(t)
		}
	}
	if t := text("h"); t != "" {
		if strings.Contains(t, "hidden_test.go") || strings.Contains(t, goTestMainFile) || strings.Contains(t, "zz_anyhour") {
			b.hiddenError = bridgeNote(t)
		} else if b.compileError == "" {
			b.compileError = t
		}
	}
	b.compileError = capText(b.compileError, maxMessage)
	b.hiddenError = capText(b.hiddenError, maxMessage)
}

// bridgeNote explains errors in the generated bridge: a declaration of
// the candidate's that the tests' side could not take over.
func bridgeNote(t string) string {
	if !strings.Contains(t, "zz_anyhour_bridge.go") {
		return t
	}
	return t + "\n(zz_anyhour_bridge.go holds your package's declarations as the tests see them: your code runs apart from the tests, " +
		"and only what can be copied across—types, constants, functions' signatures—reaches them)"
}

// goTests runs a compiled test binary in the judge's box, beside the
// solution's program in its own; neither holds source, toolchain or
// cache.
func (g *Grader) goTests(ctx context.Context, s Suite, judgeBin, solutionBin []byte, tf goTestFile, hidden bool) (testRun, error) {
	l := s.Limits
	if l.FileBytes == 0 {
		l.FileBytes = sandbox.DefaultLimits.FileBytes
	}
	l.FileBytes = max(l.FileBytes, int64(max(len(judgeBin), len(solutionBin)))+1<<20)
	judge := sandbox.Command{
		Args:  []string{"/task/judge.test", "-test.v=test2json", "-test.run=^Test", "-test.paniconexit0"},
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Files: []sandbox.File{{Path: "judge.test", Data: judgeBin, Mode: 0o755}},
	}
	solution := sandbox.Command{
		Args:  []string{"/task/solution"},
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Files: []sandbox.File{{Path: "solution", Data: solutionBin, Mode: 0o755}},
	}
	tr, err := g.runPair(ctx, judge, solution, nil, nil, l)
	if err != nil {
		return tr, err
	}
	tr.hidden = hidden
	tr.plan = append([]string(nil), tf.tests...)
	tr.limits = s.Limits
	// testing's closing verdict goes to the real stdout: not the tests'
	// output, and the results say it better.
	for _, v := range []string{"PASS\n", "FAIL\n", "\x16PASS\n", "\x16FAIL\n"} {
		if bytes.Equal(tr.judge.Stdout, []byte(v)) || bytes.HasSuffix(tr.judge.Stdout, []byte("\n"+v)) {
			tr.judge.Stdout = tr.judge.Stdout[:len(tr.judge.Stdout)-len(v)]
		}
	}
	tr.absorbGo(tr.records())
	return tr, nil
}

// goProgram is the command that runs the compiled program.
func goProgram(bin []byte) sandbox.Command {
	return sandbox.Command{
		Args:  []string{"/task/solution"},
		Env:   []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Files: []sandbox.File{{Path: "solution", Data: bin, Mode: 0o755}},
	}
}

// harnessLine is the location testing gives a failure reported by the
// harness's Recover, which says nothing useful.
var harnessLine = regexp.MustCompile(`^harness\.go:\d+: `)

// absorbGo reads the testing package's output (as -test.v=test2json
// writes it: its own lines start with 0x16) out of the judge's records.
func (tr *testRun) absorbGo(recs []record) {
	planned := map[string]bool{}
	for _, n := range tr.plan {
		planned[n] = true
	}
	output := map[string][]string{}
	current := ""
	for _, r := range recs {
		var line string
		if r.kind != "go" {
			tr.absorb([]record{r})
			continue
		}
		if json.Unmarshal(r.payload, &line) != nil {
			continue
		}
		frame, ok := strings.CutPrefix(line, "\x16")
		if !ok {
			if current != "" {
				l := strings.TrimPrefix(line, "    ")
				output[current] = append(output[current], harnessLine.ReplaceAllString(l, ""))
			}
			continue
		}
		switch {
		case strings.HasPrefix(frame, "=== RUN   "):
			current = strings.TrimPrefix(frame, "=== RUN   ")
			tr.started = append(tr.started, current)
			if !strings.Contains(current, "/") && !planned[current] {
				planned[current] = true
				tr.plan = append(tr.plan, current)
			}
		case strings.HasPrefix(frame, "=== NAME  "):
			current = strings.TrimSpace(strings.TrimPrefix(frame, "=== NAME  "))
		case strings.HasPrefix(frame, "=== CONT  "):
			current = strings.TrimPrefix(frame, "=== CONT  ")
		case strings.HasPrefix(frame, "--- "):
			if res, ok := goResult(frame, output); ok {
				tr.results = append(tr.results, res)
			}
		}
	}
}

// goResult reads "--- PASS: Name (0.01s)" (or FAIL, SKIP).
func goResult(frame string, output map[string][]string) (result, bool) {
	verdict, rest, ok := strings.Cut(strings.TrimPrefix(frame, "--- "), ": ")
	if !ok {
		return result{}, false
	}
	name, secs := rest, ""
	if i := strings.LastIndex(rest, " ("); i >= 0 {
		name, secs = rest[:i], strings.TrimSuffix(strings.TrimPrefix(rest[i:], " ("), "s)")
	}
	r := result{Name: name, Passed: verdict != "FAIL"}
	if f, err := strconv.ParseFloat(secs, 64); err == nil {
		r.MS = int64(f * 1000)
	}
	if !r.Passed {
		r.Message = strings.Join(output[name], "\n")
	}
	return r, true
}
