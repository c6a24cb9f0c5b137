package solution

import (
	"slices"
	"testing"
)

func TestFirstFive(t *testing.T) {
	got := FizzBuzz(5)
	want := []string{"1", "2", "Fizz", "4", "Buzz"}
	if !slices.Equal(got, want) {
		t.Errorf("FizzBuzz(5) = %q, want %q", got, want)
	}
}

func TestFifteen(t *testing.T) {
	got := FizzBuzz(15)
	if len(got) == 0 || got[len(got)-1] != "FizzBuzz" {
		t.Errorf("FizzBuzz(15) = %q, want it to end with FizzBuzz", got)
	}
}

func TestLength(t *testing.T) {
	if got := len(FizzBuzz(30)); got != 30 {
		t.Errorf("len(FizzBuzz(30)) = %d, want 30", got)
	}
}
