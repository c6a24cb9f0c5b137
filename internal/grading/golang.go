package grading

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/anyhour/anyhour/internal/sandbox"
)

// goBuild is what the compile run produced. The candidate's code is
// compiled up to three ways, each in a directory of the module solution:
// v (with the visible tests), h (with the hidden tests) and p (as a
// program for the stdin/stdout cases).
type goBuild struct {
	bins map[string][]byte // "v", "h", "p" -> binary
	// compileError is the candidate's code's own errors; hiddenError is
	// the hidden tests' errors against it, for reviewers only.
	compileError, hiddenError string
	tests                     map[string]goTestFile // "v", "h" -> instrumented tests
	testErr                   map[string]string     // "v", "h" -> the test file does not parse
	res                       sandbox.Result
}

// goCompile builds what the suite needs in one box where only the Go
// toolchain runs: the candidate's code runs later, in boxes of its own.
func (g *Grader) goCompile(ctx context.Context, s Suite, pkgs []string) (goBuild, error) {
	b := goBuild{bins: map[string][]byte{}, tests: map[string]goTestFile{}, testErr: map[string]string{}}
	files := []sandbox.File{
		{Path: "go.mod", Data: []byte(g.goMod)},
		{Path: "anyhour/harness/harness.go", Data: harnessFile("harness.go")},
	}
	var testPkgs []string
	var program bool
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
		testPkgs = append(testPkgs, p)
		files = append(files,
			sandbox.File{Path: p + "/solution.go", Data: []byte(setPackage(s.Code, "solution"))},
			sandbox.File{Path: p + "/" + name, Data: []byte(tf.source)},
			sandbox.File{Path: p + "/" + goTestMainFile, Data: []byte(goTestMain("solution"))},
		)
	}
	var cmds [][]string
	var collect []string
	goBin := g.goRoot + "/bin/go"
	if len(testPkgs) > 0 {
		cmd := []string{goBin, "test", "-c", "-vet=off", "-ldflags=-s -w", "-o", "/task/out/"}
		for _, p := range testPkgs {
			cmd = append(cmd, "./"+p)
			collect = append(collect, "out/"+p+".test")
		}
		cmds = append(cmds, cmd)
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
	for _, p := range pkgs {
		name := "out/" + p + ".test"
		if p == "p" {
			name = "out/p"
		}
		if bin, ok := res.Collected[name]; ok && len(bin) > 0 {
			b.bins[p] = bin
		}
	}
	b.classify(clean(res.Stdout) + clean(res.Stderr))
	if len(b.bins) < len(testPkgs)+boolInt(program) && b.compileError == "" && b.hiddenError == "" {
		switch {
		case res.TimedOut:
			b.compileError = "compiling took longer than " + limitText(g.compile.Wall)
		case res.MemoryExceeded:
			b.compileError = "compiling needed more memory than allowed"
		default:
			b.compileError = "the compiler failed (" + exitText(res) + ")" + stderrTail(res)
		}
	}
	return b, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// goPathPrefix matches the package directories in compiler messages.
var goPathPrefix = regexp.MustCompile(`(?m)(^|\s)(?:\./|/task/)?[vhp]/`)

// classify sorts the go command's complaints: "# solution/v" starts the
// errors of the package with the visible tests, and so on. The candidate's
// code is in all of them; what the hidden package says goes only to
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
	for _, p := range []string{"v", "p", ""} {
		if t := text(p); t != "" && b.compileError == "" {
			b.compileError = t
		}
	}
	if t := text("h"); t != "" {
		if strings.Contains(t, "hidden_test.go") || strings.Contains(t, goTestMainFile) {
			b.hiddenError = t
		} else if b.compileError == "" {
			b.compileError = t
		}
	}
	b.compileError = capText(b.compileError, maxMessage)
	b.hiddenError = capText(b.hiddenError, maxMessage)
}

// goTests runs a compiled test binary in a box of its own: no source, no
// toolchain, no cache.
func (g *Grader) goTests(ctx context.Context, s Suite, bin []byte, tf goTestFile, hidden bool) (testRun, error) {
	l := s.Limits
	if l.FileBytes == 0 {
		l.FileBytes = sandbox.DefaultLimits.FileBytes
	}
	l.FileBytes = max(l.FileBytes, int64(len(bin))+1<<20)
	token := newToken()
	tr := testRun{hidden: hidden, plan: append([]string(nil), tf.tests...), limits: s.Limits}
	res, err := g.box.Run(ctx, sandbox.Command{
		Args:    []string{"/task/solution.test", "-test.v=test2json", "-test.run=^Test", "-test.paniconexit0"},
		Env:     []string{"HOME=/tmp", "LANG=C.UTF-8"},
		Stdin:   []byte(token + "\n"),
		Files:   []sandbox.File{{Path: "solution.test", Data: bin, Mode: 0o755}},
		Collect: []string{resultsFile},
		Limits:  l,
	})
	if err != nil {
		return tr, err
	}
	// testing's closing verdict goes to the real stdout: not the
	// candidate's output, and the results say it better.
	for _, v := range []string{"PASS\n", "FAIL\n", "\x16PASS\n", "\x16FAIL\n"} {
		if bytes.Equal(res.Stdout, []byte(v)) || bytes.HasSuffix(res.Stdout, []byte("\n"+v)) {
			res.Stdout = res.Stdout[:len(res.Stdout)-len(v)]
		}
	}
	tr.res = res
	recs, tampered := parseRecords(res.Collected[resultsFile], token)
	tr.tampered = tampered
	tr.absorbGo(recs)
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
// writes it: its own lines start with 0x16) out of the harness's records.
func (tr *testRun) absorbGo(recs []record) {
	planned := map[string]bool{}
	for _, n := range tr.plan {
		planned[n] = true
	}
	output := map[string][]string{}
	current := ""
	for _, r := range recs {
		if r.kind == "done" {
			tr.done = true
			continue
		}
		var line string
		if r.kind != "go" || json.Unmarshal(r.payload, &line) != nil {
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
