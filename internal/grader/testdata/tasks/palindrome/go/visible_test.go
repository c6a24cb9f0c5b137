package solution

import "testing"

func TestSimple(t *testing.T) {
	if !IsPalindrome("racecar") {
		t.Error(`IsPalindrome("racecar") = false, want true`)
	}
	if IsPalindrome("hello") {
		t.Error(`IsPalindrome("hello") = true, want false`)
	}
}

func TestCase(t *testing.T) {
	if !IsPalindrome("RaceCar") {
		t.Error(`IsPalindrome("RaceCar") = false, want true`)
	}
}
