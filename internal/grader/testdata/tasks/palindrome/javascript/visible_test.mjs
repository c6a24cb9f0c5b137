import test from 'node:test';
import assert from 'node:assert/strict';
import { isPalindrome } from './solution.mjs';

test('simple', () => {
  assert.equal(isPalindrome('racecar'), true);
  assert.equal(isPalindrome('hello'), false);
});

test('case', () => {
  assert.equal(isPalindrome('RaceCar'), true);
});
