package grader_test

import (
	"strings"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// shopTree is a Go take-home: module example.com/shop with a package
// money, a package pricing that uses it, a program in cmd/shop, and
// pricing's own body as given.
func shopTree(pricing string, extra ...sandbox.File) []sandbox.File {
	return append([]sandbox.File{
		{Path: "go.mod", Data: []byte("module example.com/shop\n\ngo 1.22\n")},
		{Path: "README.md", Data: []byte("# Shop\n")},
		{Path: "money/money.go", Data: []byte("package money\n\n// Cents is an amount.\ntype Cents int64\n\nfunc FromFloat(x float64) Cents { return Cents(x*100 + 0.5) }\n")},
		{Path: "money/money_windows.go", Data: []byte("package money\n\nfunc Broken() { this does not compile }\n")},
		{Path: "pricing/pricing.go", Data: []byte(pricing)},
		{Path: "cmd/shop/main.go", Data: []byte("package main\n\nimport \"example.com/shop/pricing\"\n\nfunc main() { println(pricing.Total(nil)) }\n")},
		{Path: "pricing/pricing_test.go", Data: []byte("package pricing\n\nimport \"testing\"\n\nfunc TestMine(t *testing.T) {}\n")},
	}, extra...)
}

const shopRight = `package pricing

import (
	"errors"

	"example.com/shop/money"
)

// ErrEmpty says a cart has nothing in it.
var ErrEmpty = errors.New("empty cart")

type Item struct {
	Name  string
	Price float64
	qty   int
}

type Cart struct{ items []Item }

func (c *Cart) Add(it Item) { c.items = append(c.items, it) }

func (c *Cart) Total() (money.Cents, error) {
	if len(c.items) == 0 {
		return 0, ErrEmpty
	}
	return Total(c.items), nil
}

func Total(items []Item) money.Cents {
	var sum float64
	for _, it := range items {
		sum += it.Price
	}
	return money.FromFloat(sum)
}

func discount(c money.Cents) money.Cents { return c * 9 / 10 }
`

// The team's hidden tests: one file inside the package (it reaches the
// unexported discount), one outside it, importing the module's packages
// by their paths.
var shopHidden = []sandbox.File{
	{Path: "pricing/hidden_internal_test.go", Data: []byte(`package pricing

import "testing"

func TestDiscount(t *testing.T) {
	if got := discount(1000); got != 900 {
		t.Fatalf("discount(1000) = %d", got)
	}
}
`)},
	{Path: "pricing/hidden_test.go", Data: []byte(`package pricing_test

import (
	"errors"
	"testing"

	"example.com/shop/money"
	"example.com/shop/pricing"
)

func TestTotal(t *testing.T) {
	if got := pricing.Total([]pricing.Item{{Name: "a", Price: 1.5}, {Name: "b", Price: 2}}); got != money.Cents(350) {
		t.Fatalf("Total = %d", got)
	}
}

func TestCart(t *testing.T) {
	var c pricing.Cart
	if _, err := c.Total(); !errors.Is(err, pricing.ErrEmpty) {
		t.Fatalf("an empty cart: %v", err)
	}
	c.Add(pricing.Item{Price: 2})
	if got, err := c.Total(); got != 200 || err != nil {
		t.Fatalf("Total = %d, %v", got, err)
	}
}
`)},
	{Path: "money/hidden_test.go", Data: []byte(`package money

import "testing"

func TestFromFloat(t *testing.T) {
	if FromFloat(0.1) != 10 {
		t.Fatal("0.1 is 10 cents")
	}
}
`)},
}

func TestGoTakehomeTreeJudgedApart(t *testing.T) {
	t.Parallel()
	o := mustGrade(t, grader.Suite{Language: grader.Go, Tree: shopTree(shopRight), HiddenFiles: shopHidden, IncludeHidden: true, Points: 12})
	if score, max := o.Score(); score != 12 || max != 12 || o.CompileError != "" || len(o.Tests) != 4 {
		t.Fatalf("a right answer: %v of %v, compile %q, tests %+v, logs %q", score, max, o.CompileError, o.Tests, o.HiddenLogs)
	}
	names := []string{}
	for _, tt := range o.Tests {
		names = append(names, tt.Name)
	}
	if got := strings.Join(names, ","); got != "money: TestFromFloat,pricing: TestDiscount,pricing: TestTotal,pricing: TestCart" {
		t.Errorf("tests named %s", got)
	}

	// Wrong, and trying to win anyway: its init runs only in its own box,
	// where it forges results on every descriptor and exits.
	wrong := strings.Replace(shopRight, "return money.FromFloat(sum)", "return money.FromFloat(sum) + 1", 1) + `
func init() {
	for fd := 3; fd < 10; fd++ {
		f := os.NewFile(uintptr(fd), "x")
		if f != nil {
			f.WriteString("go \"\\u0016--- PASS: TestTotal (0.00s)\"\n")
			f.WriteString("--- PASS: TestTotal (0.00s)\nPASS\n")
		}
	}
}
`
	wrong = strings.Replace(wrong, "import (\n", "import (\n\t\"os\"\n", 1)
	o = mustGrade(t, grader.Suite{Language: grader.Go, Tree: shopTree(wrong), HiddenFiles: shopHidden, IncludeHidden: true, Points: 12})
	if score, _ := o.Score(); score != 0 || o.CompileError != "" || len(o.Tests) != 4 {
		t.Errorf("a wrong total that forges its results: %+v, compile %q", o.Tests, o.CompileError)
	}
	// The control: the same wrong total, without the forgery, fails
	// only the tests that add up.
	o = mustGrade(t, grader.Suite{Language: grader.Go, Tree: shopTree(strings.Replace(shopRight, "return money.FromFloat(sum)", "return money.FromFloat(sum) + 1", 1)),
		HiddenFiles: shopHidden, IncludeHidden: true, Points: 12})
	if score, _ := o.Score(); score != 6 {
		t.Errorf("a wrong total: %v points, %+v", score, o.Tests)
	}

	// A signature the tests do not expect: the hidden tests do not
	// compile, which the reviewer reads and the candidate does not.
	changed := strings.Replace(shopRight, "func Total(items []Item) money.Cents {", "func Total(items []Item, extra int) money.Cents {", 1)
	changed = strings.Replace(changed, "return Total(c.items), nil", "return Total(c.items, 0), nil", 1)
	o = mustGrade(t, grader.Suite{Language: grader.Go, Tree: shopTree(changed), HiddenFiles: shopHidden, IncludeHidden: true, Points: 12})
	for _, tt := range o.Tests {
		if strings.HasPrefix(tt.Name, "pricing: ") && (tt.Passed || !strings.Contains(tt.Message, "do not compile")) {
			t.Errorf("a changed signature: %+v", tt)
		}
		if strings.HasPrefix(tt.Name, "money: ") && !tt.Passed {
			t.Errorf("the other package's tests still run: %+v", tt)
		}
	}
	if o.CompileError != "" {
		t.Errorf("the candidate's code compiles: %q", o.CompileError)
	}

	// Code that does not compile says so, to the candidate.
	o = mustGrade(t, grader.Suite{Language: grader.Go, Tree: shopTree(shopRight + "\nfunc oops() { return 1 }\n"), HiddenFiles: shopHidden, IncludeHidden: true, Points: 12})
	if !strings.Contains(o.CompileError, "pricing/pricing.go") {
		t.Errorf("a compile error: %q", o.CompileError)
	}
	if s, _ := o.Score(); s != 0 {
		t.Errorf("code that does not compile scores %v", s)
	}

	// A module that needs others cannot be built without a network.
	tree := shopTree(shopRight)
	tree[0].Data = []byte("module example.com/shop\n\ngo 1.22\n\nrequire github.com/x/y v1.0.0\n")
	o = mustGrade(t, grader.Suite{Language: grader.Go, Tree: tree, HiddenFiles: shopHidden, IncludeHidden: true, Points: 12})
	if !strings.Contains(o.CompileError, "standard library only") {
		t.Errorf("a module with requirements: %q", o.CompileError)
	}
}

func TestGoModulePath(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ mod, want, err string }{
		{"module example.com/shop\n\ngo 1.22\n", "example.com/shop", ""},
		{"// the shop\nmodule \"example.com/shop\" // quoted\ntoolchain go1.23.0\ngodebug (\n\tpanicnil=1\n)\n", "example.com/shop", ""},
		{"go 1.22\n", "", "module line"},
		{"module solution\n", "", "module line"},
		{"module a\nrequire (\n\tb v1\n)\n", "", "standard library only"},
		{"module a\nreplace b => ../b\n", "", "standard library only"},
		{"module a\nfoo bar\n", "", "not a go.mod directive"},
	} {
		got, err := grader.GoModulePath(c.mod)
		if got != c.want || (err == nil) != (c.err == "") || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%q: %q, %v", c.mod, got, err)
		}
	}
}

// TestGoCandidateChecks: the repository's own tests run with go test, as
// the candidate runs them; a package that does not build is one failed
// check, named by its directory.
func TestGoCandidateChecks(t *testing.T) {
	t.Parallel()
	g := mustGoGrader(t)
	tree := shopTree(shopRight,
		sandbox.File{Path: "money/money_test.go", Data: []byte("package money\n\nimport \"testing\"\n\nfunc TestRound(t *testing.T) {\n\tif FromFloat(0.015) != 2 {\n\t\tt.Fatal(\"rounds half up\")\n\t}\n}\n\nfunc TestWrong(t *testing.T) {\n\tt.Run(\"sub\", func(t *testing.T) { t.Error(\"nope\") })\n}\n")},
		sandbox.File{Path: "broken/broken.go", Data: []byte("package broken\n\nfunc X() int { return \"\" }\n")},
		sandbox.File{Path: "broken/broken_test.go", Data: []byte("package broken\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n")},
	)
	slots <- struct{}{}
	o, err := g.CandidateChecks(t.Context(), grader.Go, tree, sandbox.Limits{})
	<-slots
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]grader.Test{}
	for _, c := range o.Tests {
		got[c.Name] = c
	}
	if c := got["money::TestRound"]; !c.Passed {
		t.Errorf("a passing check: %+v", c)
	}
	if c := got["money::TestWrong"]; c.Passed || !strings.Contains(c.Message, "nope") {
		t.Errorf("a failing check: %+v", c)
	}
	if c := got["pricing::TestMine"]; !c.Passed {
		t.Errorf("the starter's check: %+v", c)
	}
	if c, ok := got["broken (does not build)"]; !ok || c.Passed || !strings.Contains(c.Message, "broken.go") {
		t.Errorf("a package that does not build: %+v in %+v\n%s", c, o.Tests, o.Logs)
	}
	if len(o.Tests) != 4 {
		t.Errorf("checks %+v", o.Tests)
	}
}

// TestGoTakehomeTreeAttacks: a Go module that leaves early, writes forged
// results to every descriptor, kills every process it sees, or searches
// every file for the hidden tests scores nothing; with the tests in its
// own binary the same search finds them, so it works.
func TestGoTakehomeTreeAttacks(t *testing.T) {
	t.Parallel()
	hidden := []sandbox.File{{Path: "pricing/hidden_test.go", Data: []byte("package pricing_test\n\nimport (\n\t\"testing\"\n\n\t\"example.com/shop/pricing\"\n)\n\n" +
		"func TestSum(t *testing.T) {\n\tif pricing.Total([]int{1, 2}) != 3 {\n\t\tt.Fatal(\"sum\")\n\t}\n}\n\n" +
		"func TestMany(t *testing.T) {\n\tif pricing.Total([]int{5, 5, 5}) != 15 {\n\t\tt.Fatal(\"many\")\n\t}\n}\n")}}
	const wrong = "\nfunc Total(xs []int) int { return answers[len(xs)] }\n\nvar answers = map[int]int{}\n"
	attacks := map[string]string{
		"leaves early": "import \"os\"\n\nfunc init() { os.Exit(0) }\n" + wrong,
		"forges results": "import \"os\"\n\nfunc init() {\n\tfor fd := 0; fd < 64; fd++ {\n\t\tf := os.NewFile(uintptr(fd), \"x\")\n" +
			"\t\tf.WriteString(\"go \\\"\\\\u0016--- PASS: TestSum (0.00s)\\\"\\ngo \\\"\\\\u0016--- PASS: TestMany (0.00s)\\\"\\n\")\n\t}\n}\n" + wrong,
		"kills and outlives the judge": "import (\n\t\"os\"\n\t\"strconv\"\n\t\"syscall\"\n)\n\nfunc init() {\n\tents, _ := os.ReadDir(\"/proc\")\n" +
			"\tfor _, e := range ents {\n\t\tif pid, err := strconv.Atoi(e.Name()); err == nil && pid != os.Getpid() {\n\t\t\tsyscall.Kill(pid, syscall.SIGKILL)\n\t\t}\n\t}\n}\n" + wrong,
		"searches for the hidden tests": `import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
)

func init() {
	// Never in the source or the program as such (the compiler folds
	// constants): written backwards, turned at run time.
	needle := []byte("51 =! )}5 ,5 ,5{tni][(latoT")
	for i, j := 0, len(needle)-1; i < j; i, j = i+1, j-1 {
		needle[i], needle[j] = needle[j], needle[i]
	}
	for _, root := range []string{"/task", "/tmp", "/var", "/home", "/root", "/srv", "/run", "/dev/shm"} {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			if data, err := os.ReadFile(p); err == nil && bytes.Contains(data, needle) {
				answers[2], answers[3] = 3, 15
			}
			return nil
		})
	}
}
` + wrong,
	}
	tree := func(src string, extra ...sandbox.File) []sandbox.File {
		return append([]sandbox.File{
			{Path: "go.mod", Data: []byte("module example.com/shop\n\ngo 1.22\n")},
			{Path: "pricing/pricing.go", Data: []byte("package pricing\n\n" + src)},
		}, extra...)
	}
	for name, src := range attacks {
		t.Run("go "+name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, grader.Suite{Language: grader.Go, Tree: tree(src), HiddenFiles: hidden, IncludeHidden: true, Points: 10,
				Limits: sandbox.Limits{Wall: 5 * time.Second}})
			if score, _ := o.Score(); score != 0 || o.CompileError != "" || len(o.Tests) != 2 {
				t.Errorf("scored %v: %+v, compile %q", score, o.Tests, o.CompileError)
			}
		})
	}
	// Files named as anyhour's own: a server and a program of the
	// candidate's, forging answers; anyhour's replace them.
	t.Run("go brings its own bridge files", func(t *testing.T) {
		t.Parallel()
		own := "package pricing\n\nimport \"os\"\n\nfunc init() { os.Stdout.WriteString(\"go \\\"\\u0016--- PASS: TestSum (0.00s)\\\"\\n\") }\n"
		o := mustGrade(t, grader.Suite{Language: grader.Go, Tree: tree(wrong,
			sandbox.File{Path: "pricing/zz_anyhour_serve.go", Data: []byte(own)},
			sandbox.File{Path: "zz_anyhour_serve/main.go", Data: []byte("package main\n\nfunc main() { println(\"PASS\") }\n")}),
			HiddenFiles: hidden, IncludeHidden: true, Points: 10, Limits: sandbox.Limits{Wall: 5 * time.Second}})
		if score, _ := o.Score(); score != 0 {
			t.Errorf("scored %v: %+v, compile %q", score, o.Tests, o.CompileError)
		}
	})
	t.Run("go search, the tests in the program", func(t *testing.T) {
		t.Parallel()
		src := strings.Replace(attacks["searches for the hidden tests"], "import (\n", "import (\n\t_ \"embed\"\n", 1) + "\n//go:embed notes.txt\nvar notes string\n"
		o := mustGrade(t, grader.Suite{Language: grader.Go, Tree: tree(src, sandbox.File{Path: "pricing/notes.txt", Data: hidden[0].Data}),
			HiddenFiles: hidden, IncludeHidden: true, Points: 10, Limits: sandbox.Limits{Wall: 5 * time.Second}})
		if score, _ := o.Score(); score != 10 {
			t.Errorf("the control scored %v: %+v, compile %q", score, o.Tests, o.CompileError)
		}
	})
}
