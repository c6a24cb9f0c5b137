package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/anyhour/anyhour/bench/machine"
)

// goalRatio is the goal: the largest size within 2x of the smallest.
const goalRatio = 2.0

// run is everything measured on one database.
type run struct {
	db      string
	sizes   []int
	seeded  map[int]time.Duration
	texts   int
	results map[string]map[int]result // measurement name → size → result
	names   []string
	unlike  map[string]string
}

func (r *run) add(m measurement, size int, res result) {
	if r.results[m.name] == nil {
		r.results[m.name] = map[int]result{}
		r.names = append(r.names, m.name)
	}
	if m.unlike != "" {
		if r.unlike == nil {
			r.unlike = map[string]string{}
		}
		r.unlike[m.name] = m.unlike
	}
	r.results[m.name][size] = res
}

// writeReport writes the machine and one Markdown table per database.
func writeReport(w io.Writer, runs []*run, n int) {
	fmt.Fprintf(w, "Machine: %s, %d cores, %s %s/%s. Date: %s. Iterations per measurement: %d after a warm-up.\n\n",
		machine.CPU(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02 15:04 MST"), n)
	for _, r := range runs {
		fmt.Fprintf(w, "#### %s\n\n", dbLabel(r.db))
		var seeded []string
		for _, s := range r.sizes {
			seeded = append(seeded, fmt.Sprintf("%s in %s", sizeLabel(s), r.seeded[s].Round(time.Second)))
		}
		fmt.Fprintf(w, "Seeded: %s.\n\n", strings.Join(seeded, ", "))
		fmt.Fprint(w, "| measurement |")
		for _, s := range r.sizes {
			fmt.Fprintf(w, " %s median (p95) |", sizeLabel(s))
		}
		fmt.Fprint(w, " ratio |\n|---|")
		for range r.sizes {
			fmt.Fprint(w, "---:|")
		}
		fmt.Fprint(w, "---:|\n")
		for _, name := range r.names {
			fmt.Fprintf(w, "| %s |", name)
			for _, s := range r.sizes {
				fmt.Fprintf(w, " %s |", cell(r.results[name][s]))
			}
			small, large := r.results[name][r.sizes[0]], r.results[name][r.sizes[len(r.sizes)-1]]
			fmt.Fprintf(w, " %s |\n", ratio(small, large, r.unlike[name]))
		}
		fmt.Fprintln(w)
	}
}

func cell(r result) string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	return fmt.Sprintf("%s (%s)", ms(r.median), ms(r.p95))
}

func ratio(small, large result, unlike string) string {
	if small.err != nil || large.err != nil || small.median == 0 {
		return "–"
	}
	x := float64(large.median) / float64(small.median)
	switch {
	case unlike != "":
		return fmt.Sprintf("%.2fx (%s)", x, unlike)
	case x <= goalRatio:
		return fmt.Sprintf("%.2fx ok", x)
	default:
		return fmt.Sprintf("%.2fx OVER", x)
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

func sizeLabel(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func dbLabel(db string) string {
	if db == "postgres" {
		return "PostgreSQL"
	}
	return "SQLite"
}
