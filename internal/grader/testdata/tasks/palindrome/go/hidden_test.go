package solution

import (
	"strings"
	"testing"
)

func TestLong(t *testing.T) {
	if !IsPalindrome(strings.Repeat("ab", 50_000) + "a") {
		t.Error("a long palindrome was not recognised")
	}
}

func TestPunctuation(t *testing.T) {
	if !IsPalindrome("A man, a plan, a canal: Panama") {
		t.Error("want true for A man, a plan, a canal: Panama")
	}
	if IsPalindrome("race a car") {
		t.Error("want false for race a car")
	}
}

func TestEmpty(t *testing.T) {
	if !IsPalindrome("") || !IsPalindrome(".,!") {
		t.Error("want true for strings without letters")
	}
}
