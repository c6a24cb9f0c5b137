import test from 'node:test';
import assert from 'node:assert/strict';
import { twoSum } from './solution.mjs';

test('same value', () => {
  assert.deepEqual(twoSum([3, 3], 6), [0, 1]);
});

test('last', () => {
  assert.deepEqual(twoSum([1, 5, 9, 13, 2], 11), [2, 4]);
});

test('large', () => {
  const n = 200_000;
  const nums = Array.from({ length: n }, (_, i) => i + 1);
  assert.deepEqual(twoSum(nums, 2 * n - 1), [n - 2, n - 1]);
});
