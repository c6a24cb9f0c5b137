package similarity_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/similarity"
)

const original = `def median(values):
    """The middle value of a list."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        raise ValueError("no values")
    middle = n // 2
    if n % 2 == 1:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def mode(values):
    counts = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    best = max(counts.values())
    return [v for v, c in counts.items() if c == best]
`

// renamed is original with every name changed, comments and layout too.
const renamed = `# my own work
def middle_of(xs):
    s = sorted(xs)
    size = len(s)

    if size == 0:
        raise ValueError("empty")   # nothing to do
    half = size // 2
    if size % 2 == 1:
        return s[half]
    return (s[half - 1] + s[half]) / 2


def most_common(items):
    tally = {}
    for it in items:
        tally[it] = tally.get(it, 0) + 1
    top = max(tally.values())
    return [it for it, n in tally.items() if n == top]
`

// other solves the same problems another way.
const other = `import statistics


def median(values):
    if not values:
        raise ValueError("no values")
    return statistics.median(values)


def mode(values):
    from collections import Counter
    c = Counter(values)
    most = c.most_common()
    return [value for value, count in most if count == most[0][1]]
`

func add(t *testing.T, ix *similarity.Index, id, src string) {
	t.Helper()
	if err := ix.Add(id, []similarity.File{{Path: id + ".py", Data: []byte(src)}}); err != nil {
		t.Fatal(err)
	}
}

// TestRenamedIsFound: the same solution with its names, comments and
// layout changed is a pair, near 1, with the right lines matched; an
// independent solution is far below it.
func TestRenamedIsFound(t *testing.T) {
	t.Parallel()
	ix := similarity.NewIndex(similarity.Python, similarity.Options{})
	add(t, ix, "ada", original)
	add(t, ix, "bob", renamed)
	add(t, ix, "eve", other)
	pairs := ix.Pairs(0)
	if len(pairs) == 0 || pairs[0].Left != "ada" || pairs[0].Right != "bob" || pairs[0].Similarity < 0.8 {
		t.Fatalf("pairs %+v", pairs)
	}
	for _, p := range pairs[1:] {
		if p.Similarity > 0.3 {
			t.Errorf("an independent solution: %+v", p)
		}
	}
	// The fragments cover mode() on both sides: lines 13-18 and 14-19.
	covered := false
	for _, f := range pairs[0].Fragments {
		if f.Left.Start <= 15 && f.Left.End >= 17 && f.Right.Start <= 16 && f.Right.End >= 18 {
			covered = true
		}
	}
	if !covered {
		t.Errorf("fragments %+v", pairs[0].Fragments)
	}
}

// TestStarterIsNotAMatch: two candidates who only filled in the starter
// differently do not match on the starter's lines.
func TestStarterIsNotAMatch(t *testing.T) {
	t.Parallel()
	starter := `class Inventory:
    """Keeps counts of items by name."""

    def __init__(self):
        self.counts = {}

    def add(self, name, n=1):
        if n <= 0:
            raise ValueError("n must be positive")
        self.counts[name] = self.counts.get(name, 0) + n

    def remove(self, name, n=1):
        # TODO: write this
        pass
`
	a := strings.Replace(starter, "        # TODO: write this\n        pass\n", "        have = self.counts.get(name, 0)\n        if n > have:\n            raise KeyError(name)\n        self.counts[name] = have - n\n", 1)
	b := strings.Replace(starter, "        # TODO: write this\n        pass\n", "        if self.counts.get(name, 0) < n:\n            return False\n        self.counts[name] -= n\n        if not self.counts[name]:\n            del self.counts[name]\n        return True\n", 1)
	ix := similarity.NewIndex(similarity.Python, similarity.Options{})
	if err := ix.AddTemplate([]similarity.File{{Path: "starter.py", Data: []byte(starter)}}); err != nil {
		t.Fatal(err)
	}
	add(t, ix, "ada", a)
	add(t, ix, "bob", b)
	for _, p := range ix.Pairs(0) {
		if p.Similarity > 0.3 {
			t.Errorf("the starter matched: %+v", p)
		}
	}
	// The control: without the template, the starter alone makes them alike.
	ix = similarity.NewIndex(similarity.Python, similarity.Options{})
	add(t, ix, "ada", a)
	add(t, ix, "bob", b)
	if pairs := ix.Pairs(0); len(pairs) != 1 || pairs[0].Similarity < 0.4 {
		t.Errorf("without the template: %+v", pairs)
	}
}

// TestBadInput: binary files, invalid UTF-8, unknown languages and empty
// submissions are refused with the reason; two empty files are no match.
func TestBadInput(t *testing.T) {
	t.Parallel()
	ix := similarity.NewIndex("", similarity.Options{})
	for name, f := range map[string]similarity.File{
		"binary":           {Path: "a.py", Data: []byte("print(1)\x00\x01")},
		"invalid UTF-8":    {Path: "a.py", Data: []byte("print('\xff')")},
		"unknown language": {Path: "a.cob", Data: []byte("DISPLAY 'HI'.")},
		"too large":        {Path: "a.py", Data: []byte(strings.Repeat("x = 1\n", similarity.MaxFile/6+1))},
	} {
		if err := ix.Add(name, []similarity.File{f}); err == nil {
			t.Errorf("%s: taken", name)
		}
	}
	if err := ix.Add("empty", []similarity.File{{Path: "a.py"}}); !errors.Is(err, similarity.ErrEmpty) {
		t.Errorf("an empty file: %v", err)
	}
	if err := ix.Add("empty2", []similarity.File{{Path: "b.py", Data: []byte("\n\n")}}); !errors.Is(err, similarity.ErrEmpty) {
		t.Errorf("another empty file: %v", err)
	}
	if pairs := ix.Pairs(0); len(pairs) != 0 {
		t.Errorf("nothing matched nothing: %+v", pairs)
	}
	// Minified code on one line of 1 MB is read, in one line.
	long := strings.Repeat("var a=1;function f(b){return b+a}", 1<<20/34)
	if err := ix.Add("minified", []similarity.File{{Path: "m.js", Data: []byte(long)}}); err != nil {
		t.Errorf("a minified file: %v", err)
	}
}

// TestScannedTokens holds the reading of C's family to what the
// comparison needs: comments and layout gone, names "N", strings and
// numbers alike, keywords and builtins as they are (chroma's word), and
// operators whole; odd corners (a regular expression with a quote in
// it, a template string, a preprocessor line) neither stop the reading
// nor lose the lines.
func TestScannedTokens(t *testing.T) {
	cases := []struct {
		lang similarity.Language
		src  string
		want string
	}{
		{similarity.Java, "// note\npublic int size(String s) {\n  /* why */ return s.length() + 10;\n}\n",
			"public int N ( N N ) { return N . N ( ) + 0 ; }"},
		{similarity.Go, "package p\n\nfunc f(xs []int) int { return len(xs) } // len is a builtin\n",
			"package N func N ( N [ ] int ) int { return len ( N ) }"},
		{similarity.JavaScript, "const re = /it's/g;\nlet s = `a ${b}`;\nif (x === y) { x += 1 }\n",
			"const N = / N S S S"},
		{similarity.Cpp, "#include <vector>\nint main() { std::vector<int> v; return 0; }\n",
			"# N < N > int N ( ) { N :: N < int > N ; return 0 ; }"},
	}
	for _, c := range cases {
		toks, err := similarity.Tokens(c.lang, []byte(c.src))
		if err != nil {
			t.Fatalf("%s: %v", c.lang, err)
		}
		var got []string
		for _, tk := range toks {
			got = append(got, tk.Text)
		}
		if s := strings.Join(got, " "); !strings.HasPrefix(s, c.want) {
			t.Errorf("%s: %q\n want it to start %q", c.lang, s, c.want)
		}
		if toks[len(toks)-1].Line != strings.Count(strings.TrimRight(c.src, "\n"), "\n")+1 && c.lang != similarity.Go {
			t.Errorf("%s: the last token is on line %d", c.lang, toks[len(toks)-1].Line)
		}
	}
}
