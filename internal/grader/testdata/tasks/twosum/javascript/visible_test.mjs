import test from 'node:test';
import assert from 'node:assert/strict';
import { twoSum } from './solution.mjs';

test('basic', () => {
  assert.deepEqual(twoSum([2, 7, 11, 15], 9), [0, 1]);
});

test('negative', () => {
  assert.deepEqual(twoSum([-3, 4, 3, 90], 0), [0, 2]);
});
