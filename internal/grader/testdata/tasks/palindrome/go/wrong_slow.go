// expect: fail=TestPunctuation,TestEmpty
package solution

import "unicode"

func alnum(b byte) bool { return unicode.IsLetter(rune(b)) || unicode.IsDigit(rune(b)) }

func IsPalindrome(s string) bool {
	i, j := 0, len(s)-1
	for i < j {
		if !alnum(s[i]) {
			continue
		}
		if !alnum(s[j]) {
			j--
			continue
		}
		if unicode.ToLower(rune(s[i])) != unicode.ToLower(rune(s[j])) {
			return false
		}
		i++
		j--
	}
	return true
}
