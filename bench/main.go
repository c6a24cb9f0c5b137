// Command bench times the lists a team pages through (a job's
// applications, the organisation's, the inbox, a reviewer's queue, the
// pages and the API that show them) on SQLite and PostgreSQL, at 1k and
// 100k applications spread the skewed ways real data is (package seed): a
// large job holding the oldest rows, one organisation with 90% of the
// rows, an organisation with 1,000 jobs. The goal (see BENCHMARKS.md) is
// that 100k costs at most twice what 1k does, which holds only if every
// list is read down an index in its order and paged by key.
//
// Every world is seeded first; then the sizes and the databases take
// turns, round by round, so that a busy moment on the machine falls on all
// of them alike; medians are over all rounds. Before the rounds, the
// statements each list sends, recorded as the service sent them (package
// sqldb's Recorder), are printed with their arguments and plans:
// EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite.
//
//	go run ./bench [-db sqlite|postgres|both] [-pg URL] [-sizes 1000,100000]
//	    [-shapes old-job,big-org,many-jobs] [-rounds 10] [-n 20] [-out FILE] [-plans FILE]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/seed"
)

// defaultPG is the local server make test uses too.
const defaultPG = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

type options struct {
	dbs    []string
	pg     string
	sizes  []int
	shapes []seed.Shape
	rounds int
	n      int
	out    string
	plans  string
}

func main() {
	var o options
	dbFlag := flag.String("db", "both", "database to measure: sqlite, postgres or both")
	flag.StringVar(&o.pg, "pg", defaultPG, "PostgreSQL admin URL; databases anyhour_bench_<random> are created there and dropped after")
	sizesFlag := flag.String("sizes", "1000,100000", "comma-separated numbers of applications to seed; ratios are the largest over the smallest")
	shapesFlag := flag.String("shapes", "old-job,big-org,many-jobs", "comma-separated skewed shapes to seed (package seed)")
	flag.IntVar(&o.rounds, "rounds", 10, "rounds: each times every list on every world n times, the databases and sizes in turn")
	flag.IntVar(&o.n, "n", 20, "timed runs of each list in each round")
	flag.StringVar(&o.out, "out", "", "also write the Markdown report to this file")
	flag.StringVar(&o.plans, "plans", "", "write the plans to this file instead of standard output")
	flag.Parse()
	err := o.parse(*dbFlag, *sizesFlag, *shapesFlag)
	if err == nil {
		err = benchmark(context.Background(), o)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func (o *options) parse(dbs, sizes, shapes string) error {
	switch dbs {
	case "sqlite", "postgres":
		o.dbs = []string{dbs}
	case "both":
		o.dbs = []string{"sqlite", "postgres"}
	default:
		return fmt.Errorf("-db is sqlite, postgres or both, not %q", dbs)
	}
	for _, f := range strings.Split(sizes, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 100 {
			return fmt.Errorf("-sizes: %q is not a number of applications of at least 100", f)
		}
		o.sizes = append(o.sizes, v)
	}
	slices.Sort(o.sizes)
	for _, f := range strings.Split(shapes, ",") {
		s := seed.Shape(strings.TrimSpace(f))
		if !slices.Contains(seed.Shapes, s) {
			return fmt.Errorf("-shapes: %q is none of %v", f, seed.Shapes)
		}
		o.shapes = append(o.shapes, s)
	}
	if o.rounds < 1 || o.n < 1 {
		return fmt.Errorf("-rounds and -n must be at least 1")
	}
	return nil
}

func benchmark(ctx context.Context, o options) error {
	start := time.Now()
	var worlds []*world
	defer func() {
		for _, w := range worlds {
			w.close()
		}
	}()
	for _, db := range o.dbs {
		for _, shape := range o.shapes {
			for _, size := range o.sizes {
				fmt.Printf("== %s, %s: seeding %d applications\n", dbLabel(db), shape, size)
				w, err := newWorld(ctx, db, o.pg, shape, size)
				if err != nil {
					return fmt.Errorf("%s, %s, %d applications: %w", db, shape, size, err)
				}
				worlds = append(worlds, w)
				fmt.Printf("   seeded in %s; %s\n", w.took.Round(100*time.Millisecond), w.describe())
			}
		}
	}
	plans := io.Writer(os.Stdout)
	if o.plans != "" {
		f, err := os.Create(o.plans)
		if err != nil {
			return err
		}
		defer f.Close()
		plans = f
	}
	flagged := 0
	for _, w := range worlds {
		if w.size != o.sizes[len(o.sizes)-1] {
			continue
		}
		n, err := w.printPlans(ctx, plans)
		if err != nil {
			return err
		}
		flagged += n
	}
	res := measure(ctx, worlds, o)
	var report bytes.Buffer
	writeReport(&report, res, worlds, o, flagged)
	fmt.Printf("\n%s\nTotal time: %s.\n", report.String(), time.Since(start).Round(time.Second))
	if o.out != "" {
		return os.WriteFile(o.out, report.Bytes(), 0o644)
	}
	return nil
}

func dbLabel(db string) string {
	if db == "postgres" {
		return "PostgreSQL"
	}
	return "SQLite"
}

func sizeLabel(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
