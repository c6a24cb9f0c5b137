package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/anyhour/anyhour/bench/machine"
	"github.com/anyhour/anyhour/internal/seed"
)

// goalRatio is the goal: the largest size within 2x of the smallest.
const goalRatio = 2.0

// shapeTitles say what each shape is, for the report's headings.
var shapeTitles = map[seed.Shape]string{
	seed.OldJob:   "a job holding the oldest 22% of the applications (50 jobs)",
	seed.BigOrg:   "one organisation with 90% of the rows; the small one's 10% are the oldest",
	seed.ManyJobs: "an organisation with 1,000 jobs",
}

// writeReport writes the machine, then one table per shape: each list's
// median at each size on each database, and the ratio of the largest size
// to the smallest.
func writeReport(w io.Writer, res results, worlds []*world, o options, flagged int) {
	fmt.Fprintf(w, "Machine: %s, %d cores, %s %s/%s. Date: %s. %d rounds of %d runs of each list on each world, the databases and sizes taking turns; medians over all rounds.\n",
		machine.CPU(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02 15:04 MST"), o.rounds, o.n)
	small, large := o.sizes[0], o.sizes[len(o.sizes)-1]
	for _, shape := range o.shapes {
		fmt.Fprintf(w, "\n#### %s: %s\n\n", shape, shapeTitles[shape])
		head, rule := "| list |", "|---|"
		for _, db := range o.dbs {
			for _, s := range o.sizes {
				head += fmt.Sprintf(" %s %s |", dbLabel(db), sizeLabel(s))
				rule += "---:|"
			}
			head += " ratio |"
			rule += "---:|"
		}
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, rule)
		for _, name := range names(worlds, shape) {
			line := "| " + name + " |"
			for _, db := range o.dbs {
				for _, s := range o.sizes {
					line += " " + cell(res, key{db, string(shape), name, s}) + " |"
				}
				line += " " + ratio(res, key{db, string(shape), name, small}, key{db, string(shape), name, large}) + " |"
			}
			fmt.Fprintln(w, line)
		}
		var seeds []string
		for _, wd := range worlds {
			if wd.shape == shape {
				seeds = append(seeds, fmt.Sprintf("%s %s in %s", dbLabel(wd.db), sizeLabel(wd.size), wd.took.Round(100*time.Millisecond)))
			}
		}
		fmt.Fprintf(w, "\nSeeded (ANALYZE; VACUUM ANALYZE on PostgreSQL): %s.\n", strings.Join(seeds, ", "))
		for k, err := range res.errs {
			if k.shape == string(shape) {
				fmt.Fprintf(w, "\nNot measured: %s, %s at %s: %v.\n", dbLabel(k.db), k.name, sizeLabel(k.size), err)
			}
		}
	}
	fmt.Fprintf(w, "\nPlans at %s marked wrong (a full read, a walk of the primary key, a large sort or filter, the list's index unused): %d.\n",
		sizeLabel(large), flagged)
}

// names are the measurements of shape's worlds, in the order they run.
func names(worlds []*world, shape seed.Shape) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range worlds {
		if w.shape != shape {
			continue
		}
		for _, m := range w.ms {
			if !seen[m.name] {
				seen[m.name] = true
				out = append(out, m.name)
			}
		}
	}
	return out
}

func cell(res results, k key) string {
	m, _, ok := res.stats(k)
	if !ok {
		return "–"
	}
	return ms(m)
}

// ratio is the large size's median over the small one's, marked when it
// misses the goal, or when the two did not show the same number of rows
// (a list not yet a page long in the small world).
func ratio(res results, small, large key) string {
	a, _, okA := res.stats(small)
	b, _, okB := res.stats(large)
	if !okA || !okB || a == 0 {
		return "–"
	}
	x := float64(b) / float64(a)
	s := fmt.Sprintf("%.2fx", x)
	if rs, rl := res.rows[small], res.rows[large]; rs != rl {
		return s + fmt.Sprintf(" (%d rows, %d)", rs, rl)
	}
	if x > goalRatio {
		return "**" + s + "**"
	}
	return s
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }
