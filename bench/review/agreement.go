package main

import (
	"fmt"
	"io"
	mrand "math/rand/v2"
	"slices"
	"time"

	"github.com/anyhour/anyhour/internal/agreement"
)

// agreementReport times Krippendorff's alpha and the reviewers' offsets
// over 10,000 ratings: 2,500 answers rated by four of eight reviewers,
// each reviewer with a lean of their own, as the agreement page computes
// them for one criterion (the ratings read from the database apart). It
// needs no seeded world, so it runs once, after the searches.
func agreementReport(w io.Writer) {
	rng := mrand.New(mrand.NewPCG(7, 11))
	lean := []int{-1, 0, 0, 0, 1, 0, -1, 1}
	var ratings []agreement.Rating
	for u := 0; u < 2500; u++ {
		truth := 1 + rng.IntN(5)
		for _, r := range rng.Perm(8)[:4] {
			v := min(5, max(1, truth+lean[r]+rng.IntN(3)-1))
			ratings = append(ratings, agreement.Rating{Unit: fmt.Sprint(u), Rater: int64(r), Value: v})
		}
	}
	var alpha float64
	timeOf := func(f func()) (median, p95 time.Duration) {
		d := make([]time.Duration, 30)
		for i := range d {
			start := time.Now()
			f()
			d[i] = time.Since(start)
		}
		slices.Sort(d)
		return d[len(d)/2], d[len(d)*95/100]
	}
	am, ap := timeOf(func() { alpha, _, _ = agreement.Alpha(agreement.Units(ratings)) })
	om, op := timeOf(func() { agreement.Offsets(ratings) })
	fmt.Fprintf(w, "\n### Reviewer agreement over %d ratings\n\n", len(ratings))
	fmt.Fprintf(w, "2,500 answers, each rated by four of eight reviewers with leans of their own (alpha %.3f), 30 runs:\n\n", alpha)
	fmt.Fprintf(w, "| measurement | median | p95 |\n|---|---:|---:|\n")
	fmt.Fprintf(w, "| Krippendorff's alpha (ordinal), grouping included | %s | %s |\n", ms(am), ms(ap))
	fmt.Fprintf(w, "| each reviewer's offset from the others | %s | %s |\n", ms(om), ms(op))
}
