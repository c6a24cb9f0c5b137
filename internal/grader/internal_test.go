package grader

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/anyhour/anyhour/internal/sandbox/sandboxtest"
	"github.com/google/go-cmp/cmp"
)

func TestSetPackage(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"package main\n\nfunc main() {}\n", "package solution\n\nfunc main() {}\n"},
		{"// Doc.\npackage  main // x\n", "// Doc.\npackage  solution // x\n"},
		{"/* a */ package main", "/* a */ package solution"},
		{"func f() {}\n", "func f() {}\n"},
	} {
		if got := setPackage(c.in, "solution"); got != c.want {
			t.Errorf("setPackage(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestInstrumentGoTests(t *testing.T) {
	src := `package solution

import tt "testing"

func TestA(t *tt.T) { t.Run("x", func(u *tt.T) {}) }

func TestB(_ *tt.T) {}

func TestC(*tt.T) {}

func Testlower(t *tt.T) {}

func helper(t *tt.T) {}
`
	f, err := instrumentGoTests("visible_test.go", src)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"TestA", "TestB", "TestC"}, f.tests); diff != "" {
		t.Errorf("tests (-want +got):\n%s", diff)
	}
	want := `package solution; import anyhourharness "solution/anyhour/harness"

import tt "testing"

func TestA(t *tt.T) { anyhourharness.Begin(); defer anyhourharness.Recover(t); t.Run("x", func(u *tt.T) { anyhourharness.Begin(); defer anyhourharness.Recover(u);}) }

func TestB(anyhourT *tt.T) { anyhourharness.Begin(); defer anyhourharness.Recover(anyhourT);}

func TestC(anyhourT *tt.T) { anyhourharness.Begin(); defer anyhourharness.Recover(anyhourT);}

func Testlower(t *tt.T) { anyhourharness.Begin(); defer anyhourharness.Recover(t);}

func helper(t *tt.T) { anyhourharness.Begin(); defer anyhourharness.Recover(t);}


var _ = anyhourharness.Begin
`
	if diff := cmp.Diff(want, f.source); diff != "" {
		t.Errorf("source (-want +got):\n%s", diff)
	}
	// The compiler's columns are mapped back to the source as written:
	// probe tokens, found in both versions of a line.
	orig, instr := strings.Split(src, "\n"), strings.Split(f.source, "\n")
	for _, p := range []struct {
		line  int
		token string
	}{{5, "t.Run"}, {5, "func(u"}, {5, "u *tt.T"}, {5, ") }"}, {7, "TestB"}, {7, "tt.T"}, {9, "tt.T"}, {11, "Testlower"}, {3, "tt"}} {
		at := strings.LastIndex(instr[p.line-1], p.token) + 1
		want := strings.LastIndex(orig[p.line-1], p.token) + 1
		in := fmt.Sprintf("visible_test.go:%d:%d: x", p.line, at)
		if got, w := f.fixColumns(in, "visible_test.go"), fmt.Sprintf("visible_test.go:%d:%d: x", p.line, want); got != w {
			t.Errorf("%q on line %d: fixColumns(%q) = %q, want %q", p.token, p.line, in, got, w)
		}
	}
	// Inside inserted text, the position is the insertion point's.
	begin := strings.Index(instr[4], "Begin") + 1
	if got := f.fixColumns(fmt.Sprintf("visible_test.go:5:%d: x", begin), "visible_test.go"); got != "visible_test.go:5:22: x" {
		t.Errorf("inside the insertion: %q", got)
	}
	if got := f.fixColumns("hidden_test.go:5:68: x", "visible_test.go"); got != "hidden_test.go:5:68: x" {
		t.Errorf("another file's position changed: %q", got)
	}
}

func TestParseRecords(t *testing.T) {
	data := "plan [\"a\"]\n" +
		"result {\"name\":\"a\",\"passed\":true}\n" +
		"result {not json\n" +
		"--- PASS: TestA (0.00s)\n" +
		"done null\n" +
		"result {\"name\":\"b\",\"pa"
	recs := parseRecords([]byte(data))
	var kinds []string
	for _, r := range recs {
		kinds = append(kinds, r.kind)
	}
	if strings.Join(kinds, " ") != "plan result done" {
		t.Errorf("records %q, want plan, result and done (no malformed line, no half-written last line)", kinds)
	}
}

func TestDiffOutput(t *testing.T) {
	for _, c := range []struct{ want, got, diff string }{
		{"a\nb\n", "a  \nb\t\n\n\n", ""},
		{"a\r\nb", "a\nb", ""},
		{"", "\n\n", ""},
		{"a\nb\nc", "a\nB\nc", "output differs at line 2 (expected 3 lines, got 3)\n    1  a\n-   2  b\n-   3  c\n+   2  B\n+   3  c"},
		{"a", "a\nextra", "output differs at line 2 (expected 1 lines, got 2)\n    1  a\n-      (end of output)\n+   2  extra"},
		{"x", "x\x1b[0m", "output differs at line 1 (expected 1 lines, got 1)\n-   1  x\n+   1  x\\x1b[0m"},
	} {
		if got := diffOutput(c.want, c.got); got != c.diff {
			t.Errorf("diffOutput(%q, %q) =\n%s\nwant\n%s", c.want, c.got, got, c.diff)
		}
	}
}

func TestNamedPointsAndPlans(t *testing.T) {
	py := "# points: 2\ndef test_a():\n    pass\n\n# points: 3\n\ndef test_b():\n    pass\n\n# points: 1.5\n@mark\nasync def test_c():\n    pass\n\nclass X:\n    def test_method(self):\n        pass\n"
	if diff := cmp.Diff(map[string]float64{"test_a": 2, "test_c": 1.5}, namedPoints(Python, py)); diff != "" {
		t.Errorf("python points (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"test_a", "test_b", "test_c"}, staticPlan(Python, py)); diff != "" {
		t.Errorf("python plan (-want +got):\n%s", diff)
	}
	js := "// points: 4\ntest('a b', () => {});\n  test(\"nested\", () => {});\ndescribe(`suite`, () => {});\ntest(`x ${i}`, () => {});\nit('it\\'s', () => {});\n"
	if diff := cmp.Diff(map[string]float64{"a b": 4}, namedPoints(JavaScript, js)); diff != "" {
		t.Errorf("js points (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a b", "suite", "it's"}, staticPlan(JavaScript, js)); diff != "" {
		t.Errorf("js plan (-want +got):\n%s", diff)
	}
	goSrc := "package solution\n\nimport \"testing\"\n\n// TestA does a.\n// points: 5\nfunc TestA(t *testing.T) {}\n\nfunc TestB(t *testing.T) {}\n"
	if diff := cmp.Diff(map[string]float64{"TestA": 5}, namedPoints(Go, goSrc)); diff != "" {
		t.Errorf("go points (-want +got):\n%s", diff)
	}
}

func TestAssignPoints(t *testing.T) {
	units := []unit{
		{name: "a", entries: []Test{{}, {}}},
		{name: "b", points: 4, entries: []Test{{}}},
		{name: "c"},
		{name: "d", entries: []Test{{}}},
	}
	assignPoints(units, 10)
	var got []float64
	for _, u := range units {
		for _, e := range u.entries {
			got = append(got, e.Points)
		}
	}
	if diff := cmp.Diff([]float64{1, 1, 4, 2}, got); diff != "" {
		t.Errorf("points (-want +got):\n%s", diff)
	}
}

// TestGoCacheFork: a run's cache links the master's entries, may be added
// to by the box's user, and leaves the master alone.
func TestGoCacheFork(t *testing.T) {
	dir := t.TempDir()
	c := &goCache{master: filepath.Join(dir, "master"), runs: filepath.Join(dir, "runs")}
	if os.Geteuid() == 0 {
		c.owner = &hostUser{2_000_000_000, 2_000_000_000}
	}
	for name, data := range map[string]string{"aa/aa01-a": "index", "aa/aa02-d": "output", "README": "x", "trim.txt": "1", "anyhour-std-built": "now"} {
		p := filepath.Join(c.master, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(data), 0o644)
	}
	os.MkdirAll(c.runs, 0o755)
	run, done, err := c.fork()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"aa/aa01-a", "aa/aa02-d", "README"} {
		a, _ := os.Stat(filepath.Join(c.master, name))
		b, err := os.Stat(filepath.Join(run, name))
		if err != nil || !os.SameFile(a, b) {
			t.Errorf("%s is not linked: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(run, "anyhour-std-built")); err == nil {
		t.Error("the stamp was copied")
	}
	if trim, _ := os.ReadFile(filepath.Join(run, "trim.txt")); string(trim) == "1" {
		t.Error("trim.txt is the master's")
	}
	if c.owner != nil {
		fi, _ := os.Stat(filepath.Join(run, "aa"))
		if st := fi.Sys().(*syscall.Stat_t); int(st.Uid) != c.owner.uid {
			t.Errorf("the run's directories belong to uid %d, want %d", st.Uid, c.owner.uid)
		}
	}
	done()
}

func TestGoCacheUnreachable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache") // t.TempDir's parent is private
	_, err := openGoCache(dir, "/usr/local/go", "go0", &hostUser{2_000_000_000, 2_000_000_000}, nil)
	if err == nil || !strings.Contains(err.Error(), "cannot reach") {
		t.Errorf("openGoCache in a private directory: %v", err)
	}
}

func TestTestName(t *testing.T) {
	for in, want := range map[string]string{
		"plain name":                "plain name",
		"nul\x00here":               "nulhere",
		"line\nbreak\ttab\r":        "linebreaktab",
		"bell\x07 del\x7f c1\u0085": "bell del c1",
		"bad \xff utf8":             "bad \uFFFD utf8",
		strings.Repeat("é", 200):    strings.Repeat("é", 150) + "…",
	} {
		if got := testName(in); got != want {
			t.Errorf("testName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJudgeCache: saving new function bodies under the same signatures
// reuses the tests' binary; a new signature builds it again, and the
// cached binary grades the new body, not the old one.
func TestJudgeCache(t *testing.T) {
	box := sandboxtest.New(t)
	g, err := New(box, Options{})
	if err != nil || g.GoError() != nil {
		t.Fatalf("New: %v %v", err, g.GoError())
	}
	tests := "package solution\n\nimport \"testing\"\n\nfunc TestDouble(t *testing.T) {\n\tif Double(2) != 4 {\n\t\tt.Fatal(Double(2))\n\t}\n}\n"
	grade := func(code string) Outcome {
		t.Helper()
		o, err := g.Grade(context.Background(), Suite{Language: Go, Code: code, Visible: tests})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	wrong := grade("package solution\n\nfunc Double(n int) int { return n + 1 }\n")
	right := grade("package solution\n\n// A new body, the same signature.\nfunc Double(n int) int { return 2 * n }\n")
	if wrong.Tests[0].Passed || !right.Tests[0].Passed {
		t.Fatalf("wrong passed %v, right passed %v: the cached tests' binary graded the wrong code", wrong.Tests[0].Passed, right.Tests[0].Passed)
	}
	if g.judges.hits != 1 {
		t.Errorf("%d cache hits after two gradings with one signature, want 1", g.judges.hits)
	}
	grade("package solution\n\nfunc Double(n int64) int64 { return 2 * n }\n")
	if g.judges.hits != 1 || g.judges.order.Len() != 2 {
		t.Errorf("a new signature: %d hits, %d entries; want it built anew", g.judges.hits, g.judges.order.Len())
	}
}

// TestGoCacheForkFails: a run's cache that cannot be made is an error,
// and its half-made directory is removed, without a panic (the cleanup
// once called the done func that the failing return had just set to nil).
func TestGoCacheForkFails(t *testing.T) {
	runs := t.TempDir()
	c := &goCache{master: filepath.Join(t.TempDir(), "missing"), runs: runs}
	dir, done, err := c.fork()
	if err == nil || dir != "" || done != nil {
		t.Fatalf("fork from a missing master: %q %v %v", dir, done != nil, err)
	}
}
