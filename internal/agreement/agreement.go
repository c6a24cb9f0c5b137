// Package agreement measures how far reviewers agree: Krippendorff's
// alpha for ordinal ratings, over units (an answer, say) each rated by
// two or more reviewers, and each reviewer's mean offset from the others
// on the units they rated together. It holds no data of its own.
package agreement

import (
	"math"
	"slices"
)

// Alpha is Krippendorff's alpha of ordinal ratings. Each unit holds the
// values it was given (by different raters); units with fewer than two
// count for nothing. Values are ordered by their number; any integers
// do. ok is false when there is nothing to measure: fewer than two
// pairable values, or all of them alike (no expected disagreement).
//
// It follows Krippendorff, "Computing Krippendorff's Alpha-Reliability"
// (2011): a coincidence matrix of the values paired within units, and
// the ordinal metric between two values, the count of pairable values
// from one to the other, less half of the two ends.
func Alpha(units [][]int) (alpha float64, pairable int, ok bool) {
	index := map[int]int{}
	var values []int
	for _, u := range units {
		if len(u) < 2 {
			continue
		}
		for _, v := range u {
			if _, seen := index[v]; !seen {
				index[v] = 0
				values = append(values, v)
			}
		}
	}
	slices.Sort(values)
	for i, v := range values {
		index[v] = i
	}
	k := len(values)
	o := make([][]float64, k)
	for i := range o {
		o[i] = make([]float64, k)
	}
	for _, u := range units {
		m := len(u)
		if m < 2 {
			continue
		}
		pairable += m
		for i, a := range u {
			for j, b := range u {
				if i != j {
					o[index[a]][index[b]] += 1 / float64(m-1)
				}
			}
		}
	}
	if pairable < 2 {
		return math.NaN(), pairable, false
	}
	n := make([]float64, k)
	for c := range o {
		for d := range o[c] {
			n[c] += o[c][d]
		}
	}
	// delta[c][d], c <= d: the ordinal distance, squared.
	delta := func(c, d int) float64 {
		if c > d {
			c, d = d, c
		}
		s := 0.0
		for g := c; g <= d; g++ {
			s += n[g]
		}
		s -= (n[c] + n[d]) / 2
		return s * s
	}
	var observed, expected float64
	for c := 0; c < k; c++ {
		for d := 0; d < k; d++ {
			if c == d {
				continue
			}
			dd := delta(c, d)
			observed += o[c][d] * dd
			expected += n[c] * n[d] * dd
		}
	}
	if expected == 0 {
		return math.NaN(), pairable, false
	}
	total := float64(pairable)
	return 1 - (total-1)*observed/expected, pairable, true
}

// Rating is one rater's value for one unit.
type Rating struct {
	Unit  string
	Rater int64
	Value int
}

// Offsets is each rater's mean offset from the others: over the units
// they rated with others, their value less the mean of the others'
// values, averaged, with the number of units behind it.
func Offsets(ratings []Rating) map[int64]Offset {
	byUnit := map[string][]Rating{}
	for _, r := range ratings {
		byUnit[r.Unit] = append(byUnit[r.Unit], r)
	}
	sums := map[int64]float64{}
	counts := map[int64]int{}
	for _, rs := range byUnit {
		if len(rs) < 2 {
			continue
		}
		total := 0
		for _, r := range rs {
			total += r.Value
		}
		for _, r := range rs {
			others := float64(total-r.Value) / float64(len(rs)-1)
			sums[r.Rater] += float64(r.Value) - others
			counts[r.Rater]++
		}
	}
	out := map[int64]Offset{}
	for rater, s := range sums {
		out[rater] = Offset{Mean: s / float64(counts[rater]), Units: counts[rater]}
	}
	return out
}

// Offset is a rater's mean offset from the others.
type Offset struct {
	Mean  float64
	Units int
}

// Units groups ratings by unit, for Alpha.
func Units(ratings []Rating) [][]int {
	byUnit := map[string][]int{}
	var order []string
	for _, r := range ratings {
		if _, ok := byUnit[r.Unit]; !ok {
			order = append(order, r.Unit)
		}
		byUnit[r.Unit] = append(byUnit[r.Unit], r.Value)
	}
	out := make([][]int, 0, len(order))
	for _, u := range order {
		out = append(out, byUnit[u])
	}
	return out
}
