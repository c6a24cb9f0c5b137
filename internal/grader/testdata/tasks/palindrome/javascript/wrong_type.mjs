// expect: fail=simple,case,long,punctuation,empty
export function isPalindrome(s) {
  const t = s.toLowerCase().replace(/[^a-z0-9]/g, '');
  return t === [...t].reverse().join('') ? 'yes' : 'no';
}
