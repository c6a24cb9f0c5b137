// expect: fail=case,punctuation
export function isPalindrome(s) {
  const t = s.replace(/[^a-zA-Z0-9]/g, '');
  return t === [...t].reverse().join('');
}
