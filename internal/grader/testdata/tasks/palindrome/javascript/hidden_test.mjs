import test from 'node:test';
import assert from 'node:assert/strict';
import { isPalindrome } from './solution.mjs';

test('long', () => {
  assert.equal(isPalindrome('ab'.repeat(50_000) + 'a'), true);
});

test('punctuation', () => {
  assert.equal(isPalindrome('A man, a plan, a canal: Panama'), true);
  assert.equal(isPalindrome('race a car'), false);
});

test('empty', () => {
  assert.equal(isPalindrome(''), true);
  assert.equal(isPalindrome('.,!'), true);
});
