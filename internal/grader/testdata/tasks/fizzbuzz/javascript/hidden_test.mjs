import test from 'node:test';
import assert from 'node:assert/strict';
import { fizzbuzz } from './solution.mjs';

test('zero', () => {
  assert.deepEqual(fizzbuzz(0), []);
});

// points: 3
test('hundred', () => {
  const out = fizzbuzz(100);
  assert.equal(out.filter((w) => w === 'FizzBuzz').length, 6);
  assert.equal(out[98], 'Fizz');
  assert.equal(out[99], 'Buzz');
});

test('million', () => {
  const out = fizzbuzz(1_000_000);
  assert.equal(out.length, 1_000_000);
  assert.equal(out.at(-1), 'Buzz');
});
