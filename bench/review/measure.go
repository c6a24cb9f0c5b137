package main

import (
	"context"
	"slices"
	"time"
)

// measurement is one thing timed: run performs it once.
type measurement struct {
	name string
	run  func(ctx context.Context) error
	// unlike, when set, says why the sizes' figures are not held to the
	// 2x goal: they do not measure the same amount of work.
	unlike string
}

// result is the timing of one measurement on one database and size.
type result struct {
	median, p95 time.Duration
	err         error
}

// timeIt runs m warm times untimed, then n times timed.
func timeIt(ctx context.Context, m measurement, warm, n int) result {
	for i := 0; i < warm; i++ {
		if err := m.run(ctx); err != nil {
			return result{err: err}
		}
	}
	d := make([]time.Duration, n)
	for i := range d {
		start := time.Now()
		if err := m.run(ctx); err != nil {
			return result{err: err}
		}
		d[i] = time.Since(start)
	}
	slices.Sort(d)
	return result{median: d[len(d)/2], p95: d[(len(d)*95+99)/100-1]}
}
