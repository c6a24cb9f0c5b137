package grader_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/anyhour/anyhour/internal/grader"
)

// nodeTestFeatures is a test file that uses what the judge's stand-in for
// node:test offers: hooks, suites, subtests awaited and not, skip and
// todo, done callbacks, timeouts, async tests, failures of each kind.
const nodeTestFeatures = `import test, { describe, it, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { add, later, boom } from './solution.mjs';

const log = [];
before(() => log.push('before'));
beforeEach(() => log.push('each'));

test('sync pass', () => assert.equal(add(1, 2), 3));
test('sync fail', () => assert.equal(add(1, 2), 4));
test('async pass', async () => assert.equal(await later(2), 2));
test('skipped', { skip: true }, () => assert.fail('no'));
test.skip('skipped too', () => assert.fail('no'));
test('todo that fails', { todo: true }, () => assert.fail('x'));
test('done callback', (t, done) => { setTimeout(() => done(), 1); });
test('done with an error', (t, done) => { done(new Error('bad')); });
test('timeout', { timeout: 50 }, () => new Promise((r) => setTimeout(r, 5000)));
test('the solution throws', () => boom());
test('subtests', async (t) => {
  await t.test('a', () => {});
  await t.test('b', () => assert.fail('b'));
});
test('subtests not awaited', (t) => {
  t.test('x', () => {});
  t.test('y', () => assert.equal(add(2, 2), 4));
});
test('t.skip', (t) => { t.skip('later'); });
describe('suite', () => {
  it('one', () => {});
  it('two', () => assert.ok(false));
  describe('inner', () => { it('deep', () => {}); });
});
test('hooks ran', () => assert.ok(log[0] === 'before' && log.filter((x) => x === 'each').length >= 10, String(log)));
`

// TestStandInAgreesWithNodeTest: the same file graded through the
// stand-in and through node:test itself (a word node:test offers and the
// stand-in does not, in a comment, sends it there) gives the same tests,
// the same verdicts and the same first line of each failure.
func TestStandInAgreesWithNodeTest(t *testing.T) {
	t.Parallel()
	code := `export function add(a, b) { return a + b; }
export async function later(x) { await new Promise((r) => setTimeout(r, 1)); return x; }
export function boom() { throw new RangeError('out of range'); }
`
	outcome := func(tests string) string {
		o := mustGrade(t, grader.Suite{Language: grader.JavaScript, Code: code, Visible: tests})
		var b strings.Builder
		for _, tt := range o.Tests {
			first, _, _ := strings.Cut(tt.Message, "\n")
			fmt.Fprintf(&b, "%s passed=%v %s\n", tt.Name, tt.Passed, first)
		}
		return b.String()
	}
	fast := outcome(nodeTestFeatures)
	real := outcome(nodeTestFeatures + "// mock: graded by node:test itself\n")
	if fast != real {
		t.Errorf("the stand-in:\n%s\nnode:test:\n%s", fast, real)
	}
	for _, want := range []string{"sync fail passed=false", "timeout passed=false test timed out after 50ms",
		"the solution throws passed=false RangeError: out of range", "subtests/b passed=false", "suite/two passed=false", "hooks ran passed=true"} {
		if !strings.Contains(fast, want) {
			t.Errorf("the stand-in's outcome lacks %q:\n%s", want, fast)
		}
	}
}
