package main

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// measurement is one thing timed: run performs it once and says how many
// rows it showed (0 for a page without a list, or whose list is the same
// length at every size).
type measurement struct {
	name string
	run  func(ctx context.Context) (int, error)
}

// key names a measurement on one database, shape and size.
type key struct {
	db    string
	shape string
	name  string
	size  int
}

// results are every timed run, and the rows each measurement showed.
type results struct {
	samples map[key][]time.Duration
	rows    map[key]int
	errs    map[key]error
}

// measure times every measurement of every world: in each round the
// databases take turns (SQLite first in odd rounds, PostgreSQL in even
// ones), and within a database the sizes do, so that the load of the
// moment falls on all alike. Each round runs each measurement n times
// after one untimed run; the first round warms up with a few more.
func measure(ctx context.Context, worlds []*world, o options) results {
	res := results{samples: map[key][]time.Duration{}, rows: map[key]int{}, errs: map[key]error{}}
	for r := 0; r < o.rounds; r++ {
		dbs, sizes := slices.Clone(o.dbs), slices.Clone(o.sizes)
		if r%2 == 1 {
			slices.Reverse(dbs)
			slices.Reverse(sizes)
		}
		start := time.Now()
		for _, db := range dbs {
			for _, shape := range o.shapes {
				for _, size := range sizes {
					for _, w := range worlds {
						if w.db == db && w.shape == shape && w.size == size {
							res.round(ctx, w, o.n, r == 0)
						}
					}
				}
			}
		}
		fmt.Printf("   round %d of %d in %s\n", r+1, o.rounds, time.Since(start).Round(100*time.Millisecond))
	}
	return res
}

// round times each of w's measurements n times.
func (res results) round(ctx context.Context, w *world, n int, first bool) {
	warm := 1
	if first {
		warm = 10
	}
	for _, m := range w.ms {
		k := key{w.db, string(w.shape), m.name, w.size}
		if res.errs[k] != nil {
			continue
		}
		for i := 0; i < warm; i++ {
			rows, err := m.run(ctx)
			if err != nil {
				res.errs[k] = err
				break
			}
			res.rows[k] = rows
		}
		for i := 0; i < n && res.errs[k] == nil; i++ {
			start := time.Now()
			if _, err := m.run(ctx); err != nil {
				res.errs[k] = err
				break
			}
			res.samples[k] = append(res.samples[k], time.Since(start))
		}
	}
}

// median and p95 of the samples of k.
func (res results) stats(k key) (median, p95 time.Duration, ok bool) {
	d := slices.Clone(res.samples[k])
	if len(d) == 0 || res.errs[k] != nil {
		return 0, 0, false
	}
	slices.Sort(d)
	return d[len(d)/2], d[(len(d)*95+99)/100-1], true
}
