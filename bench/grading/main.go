// Command grading measures the grading of code answers, in one run,
// against the goals of the coding-tasks issue, and prints a Markdown
// report (see BENCHMARKS.md, "Coding tasks: grading"):
//
//   - (a) the floor: a whole grading of a 10-test task in Python,
//     JavaScript and Go (the judge's box and the solution's together)
//     against the language's bare start-up in bubblewrap with the same
//     flags, medians of 30 interleaved rounds after a warm-up. Goal: at
//     most 1.5 times the floor.
//   - (b) throughput: graded submissions per minute of a 10-test task in
//     Python, JavaScript and Go, one grading per core at once for 20 s
//     each through grader.Grade; and the median seconds from saving an
//     answer through the API to its grading being done. Goal for Go:
//     under 2 s.
//   - (c) 200 candidates saving code through the API at the same moment,
//     the worker at its default concurrency: all graded, none lost, none
//     graded twice.
//   - (h) HumanEvalPack (164 problems each in Python, JavaScript and Go)
//     through the API: every canonical solution must get full marks and
//     every buggy one lose points.
//   - (f) fair workers: one candidate saves code that spins until the
//     time limit, three times 4 s apart; right after, an honest candidate
//     saves a right answer and presses Run, and the team invites someone.
//     The time to the honest grading, to the invitation email and to the
//     run's results, in rounds alternating without and with the attacker.
//
// The parts that go through the app run anyhour in this process, SQLite
// in a temporary directory, served by net/http on 127.0.0.1, with its
// worker running. Grading needs bubblewrap, python3, node and Go. Run it
// from the module's root (it reads the Python harness and the corpus
// from there); about 8 minutes in all.
//
//	go run ./bench/grading [-only a,b,c,h,f] [-corpus DIR] [-out FILE]
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/sandbox"
)

// results is everything one run measured; a part not run is nil.
type results struct {
	overhead   *overheadResult
	throughput []langResult
	burst      *burstResult
	corpus     []corpusResult
	fair       []fairRound
	sandbox    string
	elapsed    time.Duration
}

func main() {
	only := flag.String("only", "a,b,c,h,f", "parts to run, comma-separated: a (a grading against the floor), b (throughput and latency), c (200 at once), h (HumanEvalPack), f (fair workers)")
	corpusDir := flag.String("corpus", "../shared/data/humanevalpack", "directory of humanevalpack_{python,js,go}.jsonl")
	out := flag.String("out", "", "also write the Markdown report to this file")
	flag.Parse()
	if err := benchmark(*only, *corpusDir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench/grading:", err)
		os.Exit(1)
	}
}

func benchmark(only, corpusDir, out string) error {
	parts := map[string]bool{}
	for _, p := range strings.Split(only, ",") {
		p = strings.TrimSpace(p)
		if !strings.Contains("abchf", p) || len(p) != 1 {
			return fmt.Errorf("-only takes a, b, c, h and f, not %q", p)
		}
		parts[p] = true
	}
	ctx := context.Background()
	start := time.Now()
	box, err := sandbox.New(sandbox.Options{})
	if err != nil {
		return err
	}
	cacheDir := filepath.Join(os.TempDir(), "anyhour-gocache")
	g, err := grader.New(box, grader.Options{GoCache: cacheDir})
	if err != nil {
		return err
	}
	if err := g.GoError(); err != nil {
		return err
	}
	rep := box.Check(ctx)
	res := results{sandbox: fmt.Sprintf("bubblewrap %s, cgroups %s (memory limit %v, pids limit %v)", rep.Version, rep.Cgroups, rep.MemoryLimit, rep.PidsLimit)}
	if parts["a"] {
		fmt.Println("== (a) a grading against the floor")
		master, err := goCacheMaster(cacheDir)
		if err != nil {
			return fmt.Errorf("(a): %w", err)
		}
		if res.overhead, err = overhead(ctx, box, g, cacheDir, master); err != nil {
			return fmt.Errorf("(a): %w", err)
		}
	}
	if parts["b"] {
		fmt.Println("== (b) throughput and submit to result")
		if res.throughput, err = throughput(ctx, g); err != nil {
			return fmt.Errorf("(b): %w", err)
		}
	}
	if parts["c"] {
		fmt.Printf("== (c) %d submissions at once\n", burstSize)
		if res.burst, err = burst(ctx, g); err != nil {
			return fmt.Errorf("(c): %w", err)
		}
	}
	if parts["h"] {
		fmt.Println("== (h) HumanEvalPack through the API")
		if res.corpus, err = corpus(ctx, g, corpusDir); err != nil {
			return fmt.Errorf("(h): %w", err)
		}
	}
	if parts["f"] {
		fmt.Println("== (f) fair workers: an attacker's slow saves")
		if res.fair, err = fair(ctx, g); err != nil {
			return fmt.Errorf("(f): %w", err)
		}
	}
	res.elapsed = time.Since(start)
	var report bytes.Buffer
	writeReport(&report, res)
	fmt.Printf("\n%s", report.String())
	if out != "" {
		return os.WriteFile(out, report.Bytes(), 0o644)
	}
	return nil
}
