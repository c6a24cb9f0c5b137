// expect: fail=TestEmpty
package solution

import (
	"strings"
	"unicode"
)

func check(t string) bool {
	if len(t) == 1 {
		return true
	}
	return t[0] == t[len(t)-1] && check(t[1:len(t)-1])
}

func IsPalindrome(s string) bool {
	t := strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
	return check(t)
}
