package agreement_test

import (
	"math"
	"testing"

	"github.com/anyhour/anyhour/internal/agreement"
)

// TestAlphaOfKrippendorffsExample is the reliability data of
// Krippendorff's "Computing Krippendorff's Alpha-Reliability" (2011),
// four observers and twelve units with values missing: ordinal alpha
// 0.815.
func TestAlphaOfKrippendorffsExample(t *testing.T) {
	const x = 0 // missing
	data := [4][12]int{
		{1, 2, 3, 3, 2, 1, 4, 1, 2, x, x, x},
		{1, 2, 3, 3, 2, 2, 4, 1, 2, 5, x, 3},
		{x, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, x},
		{1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, x},
	}
	var units [][]int
	for u := 0; u < 12; u++ {
		var vs []int
		for o := 0; o < 4; o++ {
			if data[o][u] != x {
				vs = append(vs, data[o][u])
			}
		}
		units = append(units, vs)
	}
	alpha, n, ok := agreement.Alpha(units)
	if !ok || math.Abs(alpha-0.815) > 0.0005 || n != 40 {
		t.Fatalf("alpha = %.4f over %d values (ok %v), want 0.815 over 40", alpha, n, ok)
	}
}

func TestAlphaEdges(t *testing.T) {
	if a, _, ok := agreement.Alpha([][]int{{3, 3}, {4, 4}, {1, 1}}); !ok || a != 1 {
		t.Errorf("perfect agreement: %v %v", a, ok)
	}
	if _, _, ok := agreement.Alpha([][]int{{3, 3}, {3, 3}}); ok {
		t.Error("no variation at all has no alpha")
	}
	if _, n, ok := agreement.Alpha([][]int{{3}, {4}, {}}); ok || n != 0 {
		t.Error("units rated once have no alpha")
	}
	if a, _, ok := agreement.Alpha([][]int{{1, 5}, {5, 1}, {2, 4}, {4, 2}}); !ok || a >= 0 {
		t.Errorf("systematic disagreement: %v, want below 0", a)
	}
}

func TestOffsets(t *testing.T) {
	got := agreement.Offsets([]agreement.Rating{
		{"a", 1, 5}, {"a", 2, 3}, {"b", 1, 4}, {"b", 2, 2}, {"b", 3, 3}, {"c", 3, 1},
	})
	if o := got[1]; o.Units != 2 || math.Abs(o.Mean-(2+1.5)/2) > 1e-9 {
		t.Errorf("rater 1: %+v", o)
	}
	if o := got[3]; o.Units != 1 || o.Mean != 0 {
		t.Errorf("rater 3 (a unit rated alone does not count): %+v", o)
	}
}
