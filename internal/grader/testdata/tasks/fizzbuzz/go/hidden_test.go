package solution

import "testing"

func TestZero(t *testing.T) {
	if got := FizzBuzz(0); len(got) != 0 {
		t.Errorf("FizzBuzz(0) = %q, want none", got)
	}
}

// TestHundred checks a longer run.
// points: 3
func TestHundred(t *testing.T) {
	out := FizzBuzz(100)
	n := 0
	for _, w := range out {
		if w == "FizzBuzz" {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d FizzBuzz, want 6", n)
	}
	if out[98] != "Fizz" || out[99] != "Buzz" {
		t.Errorf("out[98:] = %q, want [Fizz Buzz]", out[98:])
	}
}

func TestMillion(t *testing.T) {
	out := FizzBuzz(1_000_000)
	if len(out) != 1_000_000 || out[len(out)-1] != "Buzz" {
		t.Errorf("len %d, want 1000000 ending in Buzz", len(out))
	}
}
