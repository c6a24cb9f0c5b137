import test from 'node:test';
import assert from 'node:assert/strict';
import { fizzbuzz } from './solution.mjs';

test('first five', () => {
  assert.deepEqual(fizzbuzz(5), ['1', '2', 'Fizz', '4', 'Buzz']);
});

test('fifteen', () => {
  assert.equal(fizzbuzz(15).at(-1), 'FizzBuzz');
});

test('length', () => {
  assert.equal(fizzbuzz(30).length, 30);
});
