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
	db      string // "sqlite" or "postgres"
	sizes   []int
	seeded  map[int]time.Duration
	results map[string]map[int]result // measurement name → size → result
	names   []string                  // measurement names in order
	unlike  map[string]string         // measurement name → why it has no ratio goal
}

func (r *run) add(name string, size int, res result) {
	if r.results[name] == nil {
		r.results[name] = map[int]result{}
		r.names = append(r.names, name)
	}
	r.results[name][size] = res
}

// writeReport writes the machine and one Markdown table per database.
func writeReport(w io.Writer, runs []*run, n int) {
	fmt.Fprintf(w, "Machine: %s, %d cores, %s %s/%s. Date: %s. Iterations per measurement: %d after a warm-up.\n",
		machine.CPU(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02 15:04 MST"), n)
	for _, r := range runs {
		fmt.Fprintf(w, "\n### %s\n\n", dbLabel(r.db))
		head := "| measurement |"
		rule := "|---|"
		for _, s := range r.sizes {
			head += fmt.Sprintf(" %s median (p95) |", sizeLabel(s))
			rule += "---:|"
		}
		if len(r.sizes) > 1 {
			head += fmt.Sprintf(" ratio %s / %s |", sizeLabel(r.sizes[len(r.sizes)-1]), sizeLabel(r.sizes[0]))
			rule += "---:|"
		}
		fmt.Fprintln(w, head)
		fmt.Fprintln(w, rule)
		for _, name := range r.names {
			line := "| " + name + " |"
			for _, s := range r.sizes {
				line += " " + cell(r.results[name][s]) + " |"
			}
			if len(r.sizes) > 1 {
				line += " " + ratio(r.results[name][r.sizes[0]], r.results[name][r.sizes[len(r.sizes)-1]], r.unlike[name]) + " |"
			}
			fmt.Fprintln(w, line)
		}
		var seeds []string
		for _, s := range r.sizes {
			seeds = append(seeds, fmt.Sprintf("%s in %s", sizeLabel(s), r.seeded[s].Round(100*time.Millisecond)))
		}
		fmt.Fprintf(w, "\nSeeding (services, bulk insert, ANALYZE; VACUUM ANALYZE on PostgreSQL): %s.\n", strings.Join(seeds, ", "))
		for _, name := range r.names {
			for _, s := range r.sizes {
				if why := r.results[name][s].skipped; why != "" {
					fmt.Fprintf(w, "\nNot measured: %s at %s: %s.\n", name, sizeLabel(s), why)
					break
				}
			}
		}
	}
}

func cell(r result) string {
	if r.skipped != "" {
		return "skipped"
	}
	return fmt.Sprintf("%s (%s)", ms(r.median), ms(r.p95))
}

func ratio(small, large result, unlike string) string {
	if small.skipped != "" || large.skipped != "" || small.median == 0 {
		return "–"
	}
	x := float64(large.median) / float64(small.median)
	verdict := "ok"
	if unlike != "" {
		verdict = "(" + unlike + ")"
	} else if x > goalRatio {
		verdict = "**misses 2x**"
	}
	return fmt.Sprintf("%.2fx %s", x, verdict)
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
