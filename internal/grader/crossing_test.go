package grader_test

import (
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
)

// crossings are an honest candidate's everyday shapes of a task in each
// language: values of every kind, objects of the candidate's classes with
// methods and state, errors of the candidate's own types, functions the
// tests pass and functions the solution returns, generators, async
// functions, arguments changed in place, structures whose parts the
// solution rearranges. With a right solution every test must pass, as it
// would with the tests and the code in one process.
var crossings = []struct {
	name        string
	lang        grader.Language
	code, tests string
}{
	{"values", grader.Python, `import math, fractions, collections, datetime
def echo(x):
    return x
def stats(xs):
    return {"min": min(xs), "max": max(xs), "mean": sum(xs) / len(xs), "nan": math.nan, "big": 2 ** 100}
def shapes():
    Point = collections.namedtuple("Point", "x y")
    return (1, 2.5, "three", None, True, b"\x00\xff", {1, 2}, frozenset([3]), Point(1, 2),
            collections.Counter("aab"), fractions.Fraction(1, 3), datetime.date(2026, 12, 6), complex(1, -2))
`, `import math, fractions, collections, datetime
from solution import echo, stats, shapes

def test_echo_round_trips():
    for v in [0, -1, 10 ** 40, 1.5, -0.0, "é\ud800", "", [1, [2, [3]]], (1, (2,)), {"a": {1: [2]}}, {(1, 2): "t"}, b"x", bytearray(b"y"), None, True, range(3)]:
        got = echo(v)
        assert got == v and type(got) is type(v), (v, got)

def test_stats():
    s = stats([3, 1, 2])
    assert s["min"] == 1 and s["max"] == 3 and s["mean"] == 2.0 and math.isnan(s["nan"]) and s["big"] == 2 ** 100

def test_shapes():
    got = shapes()
    assert got[:8] == (1, 2.5, "three", None, True, b"\x00\xff", {1, 2}, frozenset([3]))
    assert got[8] == (1, 2) and got[8].x == 1 and got[8].y == 2
    assert got[9] == collections.Counter("aab") and got[10] == fractions.Fraction(1, 3)
    assert got[11] == datetime.date(2026, 12, 6) and got[12] == complex(1, -2)
`},
	{"objects, errors, callbacks", grader.Python, `import enum
LIMIT = 100

class EmptyStack(IndexError):
    pass

class Stack:
    def __init__(self, *items):
        self.items = list(items)
    def push(self, x):
        self.items.append(x)
        return self
    def pop(self):
        if not self.items:
            raise EmptyStack("pop from an empty stack")
        return self.items.pop()
    def __len__(self):
        return len(self.items)
    def __iter__(self):
        return iter(self.items)
    def __contains__(self, x):
        return x in self.items
    @property
    def top(self):
        return self.items[-1]
    @staticmethod
    def of(*xs):
        return Stack(*xs)

class Color(enum.Enum):
    RED = 1
    BLUE = 2

def favourite():
    return Color.BLUE

def countdown(n):
    while n > 0:
        yield n
        n -= 1

def apply_all(f, xs):
    return [f(x) for x in xs]

def sort_by(xs, key):
    return sorted(xs, key=key)

def adder(n):
    return lambda x: x + n

def sort_in_place(xs):
    xs.sort()

def swap_rows(grid):
    grid[0], grid[1] = grid[1], grid[0]

async def fetch(n):
    import asyncio
    await asyncio.sleep(0)
    return n * 2
`, `import solution
from solution import Stack, EmptyStack, Color, favourite, countdown, apply_all, sort_by, adder, sort_in_place, swap_rows, fetch

def test_stack():
    s = Stack(1, 2)
    s.push(3).push(4)
    assert len(s) == 4 and list(s) == [1, 2, 3, 4] and 3 in s and s.top == 4
    assert s.pop() == 4 and s.items == [1, 2, 3]
    assert isinstance(s, Stack) and isinstance(Stack.of(1), Stack)

def test_their_error():
    try:
        Stack().pop()
    except IndexError as e:
        assert isinstance(e, EmptyStack) and "empty" in str(e)
    else:
        assert False, "no error"

def test_enum():
    assert favourite() is Color.BLUE and favourite() != Color.RED

def test_generator():
    assert list(countdown(5)) == [5, 4, 3, 2, 1]
    g = countdown(2)
    assert next(g) == 2 and next(g) == 1

def test_callbacks():
    assert apply_all(lambda x: x * 10, [1, 2]) == [10, 20]
    assert sort_by(["bb", "a", "ccc"], len) == ["a", "bb", "ccc"]
    assert adder(3)(4) == 7

def test_changed_in_place():
    nums = [3, 1, 2]
    sort_in_place(nums)
    assert nums == [1, 2, 3]
    grid = [[1, 2], [3, 4]]
    swap_rows(grid)
    assert grid == [[3, 4], [1, 2]]

async def test_async():
    assert await fetch(3) == 6

def test_module_attribute():
    assert solution.LIMIT == 100
`},
	{"values", grader.JavaScript, `export const LIMIT = 100;
export function values() {
  return { n: -0, big: 2n ** 70n, inf: Infinity, nan: NaN, u: undefined, d: new Date(0), m: new Map([[1, 'a']]),
    s: new Set([1]), re: /a+/g, bytes: new Uint8Array([1, 255]), arr: [1, , 3], nested: { a: [{ b: 'c' }] } };
}
export const echo = (x) => x;
`, `import test from 'node:test';
import assert from 'node:assert/strict';
import { LIMIT, values, echo } from './solution.mjs';

test('values', () => {
  assert.equal(LIMIT, 100);
  const v = values();
  assert.ok(Object.is(v.n, -0));
  assert.equal(v.big, 2n ** 70n);
  assert.equal(v.inf, Infinity);
  assert.ok(Number.isNaN(v.nan));
  assert.ok('u' in v && v.u === undefined);
  assert.deepEqual(v.d, new Date(0));
  assert.deepEqual(v.m, new Map([[1, 'a']]));
  assert.deepEqual(v.s, new Set([1]));
  assert.deepEqual(v.re, /a+/g);
  assert.deepEqual(v.bytes, new Uint8Array([1, 255]));
  assert.equal(v.arr.length, 3);
  assert.equal(v.arr[1], undefined);
  assert.deepEqual(v.nested, { a: [{ b: 'c' }] });
});

test('echo', () => {
  for (const x of [0, 1.5, 'é', [1, [2]], { a: 1 }, null, true]) assert.deepEqual(echo(x), x);
});
`},
	{"objects, errors, callbacks", grader.JavaScript, `export class EmptyStack extends RangeError {}
export class Stack {
  constructor(...items) { this.items = items; }
  push(x) { this.items.push(x); return this; }
  pop() {
    if (this.items.length === 0) throw new EmptyStack('pop from an empty stack');
    return this.items.pop();
  }
  get size() { return this.items.length; }
  *[Symbol.iterator]() { yield* this.items; }
  static of(...xs) { return new Stack(...xs); }
}
export function* countdown(n) { while (n > 0) yield n--; }
export const applyAll = (f, xs) => xs.map((x) => f(x));
export const adder = (n) => (x) => x + n;
export function sortInPlace(xs) { xs.sort((a, b) => a - b); }
export function rename(person) { person.name = person.name.toUpperCase(); }
export async function fetchDouble(n) { await new Promise((r) => setTimeout(r, 1)); return n * 2; }
`, `import test from 'node:test';
import assert from 'node:assert/strict';
import { Stack, EmptyStack, countdown, applyAll, adder, sortInPlace, rename, fetchDouble } from './solution.mjs';

test('stack', () => {
  const s = new Stack(1, 2);
  assert.equal(s.push(3).push(4), s);
  assert.equal(s.size, 4);
  assert.deepEqual([...s], [1, 2, 3, 4]);
  assert.equal(s.pop(), 4);
  assert.deepEqual(s.items, [1, 2, 3]);
  assert.ok(s instanceof Stack);
  assert.ok(Stack.of(1) instanceof Stack);
});

test('their error', () => {
  assert.throws(() => new Stack().pop(), RangeError);
  assert.throws(() => new Stack().pop(), EmptyStack);
  assert.throws(() => new Stack().pop(), /empty/);
});

test('generator', () => assert.deepEqual([...countdown(3)], [3, 2, 1]));

test('callbacks', () => {
  assert.deepEqual(applyAll((x) => x * 10, [1, 2]), [10, 20]);
  assert.equal(adder(3)(4), 7);
});

test('changed in place', () => {
  const xs = [3, 1, 2];
  sortInPlace(xs);
  assert.deepEqual(xs, [1, 2, 3]);
  const p = { name: 'ada' };
  rename(p);
  assert.equal(p.name, 'ADA');
});

test('async', async () => assert.equal(await fetchDouble(3), 6));
`},
	{"types, methods, errors, callbacks", grader.Go, `package solution

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

var ErrEmpty = errors.New("empty stack")

var Limit int = 100

type Stack struct{ items []int }

func NewStack(xs ...int) *Stack { return &Stack{items: append([]int(nil), xs...)} }

func (s *Stack) Push(x int) *Stack {
	s.items = append(s.items, x)
	return s
}

func (s *Stack) Pop() (int, error) {
	if len(s.items) == 0 {
		return 0, ErrEmpty
	}
	x := s.items[len(s.items)-1]
	s.items = s.items[:len(s.items)-1]
	return x, nil
}

func (s *Stack) Len() int { return len(s.items) }

type Point struct{ X, Y float64 }

func (p Point) String() string { return fmt.Sprintf("(%g, %g)", p.X, p.Y) }

type Shape interface{ Area() float64 }

type Rect struct{ W, H float64 }

func (r Rect) Area() float64 { return r.W * r.H }

type Circle struct{ R float64 }

func (c Circle) Area() float64 { return 3 * c.R * c.R }

func Biggest(shapes []Shape) Shape {
	var best Shape
	for _, s := range shapes {
		if best == nil || s.Area() > best.Area() {
			best = s
		}
	}
	return best
}

func Map(xs []int, f func(int) int) []int {
	out := make([]int, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func Adder(n int) func(int) int { return func(x int) int { return x + n } }

func SortInPlace(xs []int) { sort.Ints(xs) }

func Count(words ...string) map[string]int {
	m := map[string]int{}
	for _, w := range words {
		m[strings.ToLower(w)]++
	}
	return m
}

type CodeError struct{ Code int }

func (e *CodeError) Error() string { return fmt.Sprint("code ", e.Code) }

func Fail(code int) error {
	if code == 0 {
		return nil
	}
	return fmt.Errorf("failing: %w", &CodeError{code})
}

func Wrap() error { return fmt.Errorf("while popping: %w", ErrEmpty) }

type Node struct {
	Val  int
	Next *Node
}

func Reverse(head *Node) *Node {
	var prev *Node
	for head != nil {
		head, head.Next, prev = head.Next, prev, head
	}
	return prev
}

func Describe(vs []any) string { return fmt.Sprint(vs...) }
`, `package solution

import (
	"errors"
	"reflect"
	"testing"
)

func TestStack(t *testing.T) {
	s := NewStack(1, 2)
	s.Push(3).Push(4)
	if s.Len() != 4 {
		t.Fatalf("Len = %d after chained pushes", s.Len())
	}
	if x, err := s.Pop(); x != 4 || err != nil {
		t.Fatal(x, err)
	}
	var e Stack
	if _, err := e.Pop(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("Pop of an empty stack: %v", err)
	}
	if Limit != 100 {
		t.Fatal(Limit)
	}
}

func TestInterfaces(t *testing.T) {
	b := Biggest([]Shape{Rect{1, 2}, Circle{1}, Rect{2, 2}})
	if r, ok := b.(Rect); !ok || r != (Rect{2, 2}) {
		t.Fatalf("Biggest = %#v", b)
	}
	if s := (Point{1, 2.5}).String(); s != "(1, 2.5)" {
		t.Fatal(s)
	}
}

func TestCallbacks(t *testing.T) {
	if got := Map([]int{1, 2}, func(x int) int { return x * 10 }); !reflect.DeepEqual(got, []int{10, 20}) {
		t.Fatal(got)
	}
	if got := Adder(3)(4); got != 7 {
		t.Fatal(got)
	}
}

func TestChangedInPlace(t *testing.T) {
	xs := []int{3, 1, 2}
	SortInPlace(xs)
	if !reflect.DeepEqual(xs, []int{1, 2, 3}) {
		t.Fatal(xs)
	}
}

func TestMapsAndVariadic(t *testing.T) {
	if got := Count("a", "A", "b"); !reflect.DeepEqual(got, map[string]int{"a": 2, "b": 1}) {
		t.Fatal(got)
	}
	if got := Describe([]any{1, "x", 2.5}); got != "1x2.5" {
		t.Fatalf("%q", got)
	}
}

func TestErrors(t *testing.T) {
	var ce *CodeError
	if err := Fail(7); !errors.As(err, &ce) || ce.Code != 7 || err.Error() != "failing: code 7" {
		t.Fatalf("Fail(7) = %v", err)
	}
	if err := Fail(0); err != nil {
		t.Fatal(err)
	}
	if err := Wrap(); !errors.Is(err, ErrEmpty) {
		t.Fatalf("Wrap() = %v", err)
	}
}

func TestLinkedList(t *testing.T) {
	c := &Node{3, nil}
	b := &Node{2, c}
	a := &Node{1, b}
	head := Reverse(a)
	if head != c || c.Next != b || b.Next != a || a.Next != nil {
		t.Fatalf("Reverse did not rewire the tests' own nodes: head %p (c %p), %+v %+v %+v", head, c, *a, *b, *c)
	}
}
`},
}

func TestWhatCrosses(t *testing.T) {
	for _, c := range crossings {
		t.Run(string(c.lang)+"/"+c.name, func(t *testing.T) {
			t.Parallel()
			o := mustGrade(t, grader.Suite{Language: c.lang, Code: c.code, Visible: c.tests})
			if score, max := o.Score(); score != max || max == 0 || len(o.Warnings) > 0 {
				t.Errorf("a right solution scored %v of %v:\n%s", score, max, describeTests(o))
			}
		})
	}
}
