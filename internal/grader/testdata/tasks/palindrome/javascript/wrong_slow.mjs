// expect: fail=punctuation,empty
const alnum = (c) => /[a-z0-9]/i.test(c);

export function isPalindrome(s) {
  let i = 0;
  let j = s.length - 1;
  while (i < j) {
    if (!alnum(s[i])) continue;
    if (!alnum(s[j])) {
      j--;
      continue;
    }
    if (s[i].toLowerCase() !== s[j].toLowerCase()) return false;
    i++;
    j--;
  }
  return true;
}
