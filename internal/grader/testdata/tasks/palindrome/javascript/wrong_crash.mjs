// expect: fail=long,empty
function check(t) {
  if (t.length === 1) return true;
  return t[0] === t.at(-1) && check(t.slice(1, -1));
}

export function isPalindrome(s) {
  return check(s.toLowerCase().replace(/[^a-z0-9]/g, ''));
}
