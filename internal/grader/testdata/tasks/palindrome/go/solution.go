package solution

import "unicode"

func IsPalindrome(s string) bool {
	var t []rune
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			t = append(t, unicode.ToLower(r))
		}
	}
	for i, j := 0, len(t)-1; i < j; i, j = i+1, j-1 {
		if t[i] != t[j] {
			return false
		}
	}
	return true
}
