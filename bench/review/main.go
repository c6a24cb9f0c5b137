// Command review seeds organisations of several sizes on SQLite and
// PostgreSQL and times what reviewers do across many applications. Each
// measure is a function of the seeded world (see measures); today: search
// (search.go), at 1k and 100k applications with answers and messages, the
// goal being that the largest size costs at most twice the smallest
// (BENCHMARKS.md). Then, apart from any world, reviewer agreement over
// 10,000 ratings (agreement.go).
//
//	go run ./bench/review [-db sqlite|postgres|both] [-pg URL] [-sizes 1000,100000] [-n 100] [-out FILE] [-keep]
//
// `make bench-review` runs it with the defaults.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// defaultPG is the local server make test uses too; ANYHOUR_BENCH_POSTGRES
// overrides it.
const defaultPG = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// measures lists every group of measurements, each built on a seeded
// world. Add a new group here.
var measures = []func(w *world) []measurement{
	searchMeasurements,
}

// keep leaves the seeded databases in place (-keep).
var keep bool

func main() {
	pgDefault := defaultPG
	if v := os.Getenv("ANYHOUR_BENCH_POSTGRES"); v != "" {
		pgDefault = v
	}
	dbFlag := flag.String("db", "both", "database to measure: sqlite, postgres or both")
	pg := flag.String("pg", pgDefault, "PostgreSQL admin URL; a database anyhour_bench_<random> is created there and dropped after")
	sizesFlag := flag.String("sizes", "1000,100000", "comma-separated numbers of applications to seed")
	n := flag.Int("n", 100, "timed iterations per measurement")
	out := flag.String("out", "", "also write the Markdown report to this file")
	flag.BoolVar(&keep, "keep", false, "keep the seeded databases and print where they are, to look at query plans")
	flag.Parse()
	if err := benchmark(*dbFlag, *pg, *sizesFlag, *n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench/review:", err)
		os.Exit(1)
	}
}

func benchmark(dbFlag, pg, sizesFlag string, n int, out string) error {
	var sizes []int
	for _, s := range strings.Split(sizesFlag, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || v <= 0 {
			return fmt.Errorf("-sizes: %q is not a positive number", s)
		}
		sizes = append(sizes, v)
	}
	dbs := []string{"sqlite", "postgres"}
	if dbFlag != "both" {
		dbs = []string{dbFlag}
	}
	ctx := context.Background()
	var runs []*run
	for _, db := range dbs {
		r := &run{db: db, sizes: sizes, seeded: map[int]time.Duration{}, results: map[string]map[int]result{}}
		for _, size := range sizes {
			fmt.Fprintf(os.Stderr, "%s: seeding %d applications…\n", db, size)
			w, err := seed(ctx, db, pg, size)
			if err != nil {
				return fmt.Errorf("%s at %d: %w", db, size, err)
			}
			r.seeded[size] = w.seeded
			r.texts = w.texts
			fmt.Fprintf(os.Stderr, "%s: %d applications, %d texts seeded in %s\n", db, size, w.texts, w.seeded.Round(time.Second))
			for _, group := range measures {
				for _, m := range group(w) {
					res := timeIt(ctx, m, min(max(n/10, 3), 10), n)
					r.add(m, size, res)
					fmt.Fprintf(os.Stderr, "  %-45s %s\n", m.name, cell(res))
				}
			}
			if keep {
				fmt.Fprintf(os.Stderr, "%s: kept at %s\n", db, w.url)
			} else {
				w.close()
			}
		}
		runs = append(runs, r)
	}
	var buf bytes.Buffer
	writeReport(&buf, runs, n)
	agreementReport(&buf)
	os.Stdout.Write(buf.Bytes())
	if out != "" {
		return os.WriteFile(out, buf.Bytes(), 0o644)
	}
	return nil
}
