// Command bench seeds organisations of several sizes on SQLite and
// PostgreSQL and times the reviewer's application list at each: the
// domain call, the JSON API and the job's HTML page. The goal (see
// BENCHMARKS.md) is that 100k applications cost at most twice what 1k do,
// which holds only if every list is served by an index and paged by key.
//
//	go run ./bench [-db sqlite|postgres|both] [-pg URL] [-sizes 1000,100000] [-n 200] [-out FILE]
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

// defaultPG is the local server make test uses too.
const defaultPG = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// jobs is how many jobs the applications are spread over.
const jobs = 50

func main() {
	dbFlag := flag.String("db", "both", "database to measure: sqlite, postgres or both")
	pg := flag.String("pg", defaultPG, "PostgreSQL admin URL; a database anyhour_bench_<random> is created there and dropped after")
	sizesFlag := flag.String("sizes", "1000,100000", "comma-separated numbers of applications to seed")
	n := flag.Int("n", 200, "timed iterations per measurement")
	out := flag.String("out", "", "also write the Markdown report to this file")
	flag.Parse()
	if err := benchmark(*dbFlag, *pg, *sizesFlag, *n, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func benchmark(dbFlag, pg, sizesFlag string, n int, out string) error {
	sizes, err := parseSizes(sizesFlag)
	if err != nil {
		return err
	}
	var dbs []string
	switch dbFlag {
	case "sqlite", "postgres":
		dbs = []string{dbFlag}
	case "both":
		dbs = []string{"sqlite", "postgres"}
	default:
		return fmt.Errorf("-db is sqlite, postgres or both, not %q", dbFlag)
	}
	if n < 1 {
		return fmt.Errorf("-n must be at least 1")
	}
	ctx := context.Background()
	start := time.Now()
	var runs []*run
	for _, db := range dbs {
		r := &run{db: db, sizes: sizes, seeded: map[int]time.Duration{}, results: map[string]map[int]result{}, unlike: map[string]string{}}
		for i, size := range sizes {
			if err := measureSize(ctx, r, pg, size, n, i == len(sizes)-1); err != nil {
				return fmt.Errorf("%s, %d applications: %w", db, size, err)
			}
		}
		runs = append(runs, r)
	}
	var report bytes.Buffer
	writeReport(&report, runs, n)
	fmt.Printf("\n%s\nTotal time: %s.\n", report.String(), time.Since(start).Round(time.Second))
	if out != "" {
		return os.WriteFile(out, report.Bytes(), 0o644)
	}
	return nil
}

// measureSize seeds one database with size applications, times every
// measurement on it, and with plans set prints the list queries' plans.
func measureSize(ctx context.Context, r *run, pg string, size, n int, plans bool) error {
	fmt.Printf("== %s: seeding %d applications over %d jobs\n", dbLabel(r.db), size, jobs)
	f, err := newFixture(ctx, r.db, pg, size, jobs)
	if err != nil {
		return err
	}
	defer f.close()
	r.seeded[size] = f.seeded
	fmt.Printf("   seeded in %s; the measured job has %d applications\n", f.seeded.Round(time.Millisecond), f.perJob[0])
	if plans {
		fmt.Printf("== %s: plans of the list queries at %d applications\n", dbLabel(r.db), size)
		full, err := f.printPlans(ctx, os.Stdout)
		if err != nil {
			return err
		}
		if full {
			fmt.Println("   WARNING: a query above reads the whole applications table")
		}
	}
	dm := domainMeasurements(ctx, f)
	hm, err := httpMeasurements(ctx, f)
	if err != nil {
		return err
	}
	for _, m := range append(append(dm, hm...), countsMeasurements(f)...) {
		res := timeIt(ctx, m, warmup(n), n)
		r.add(m.name, size, res)
		if m.unlike != "" {
			r.unlike[m.name] = m.unlike
		}
		report := fmt.Sprintf("median %s, p95 %s", ms(res.median), ms(res.p95))
		if res.skipped != "" {
			report = "skipped: " + res.skipped
		}
		fmt.Printf("   %-60s %s\n", m.name, report)
	}
	return nil
}

func warmup(n int) int { return min(max(n/10, 5), 20) }

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < jobs {
			return nil, fmt.Errorf("-sizes: %q is not a number of applications of at least %d", f, jobs)
		}
		out = append(out, v)
	}
	return out, nil
}
