package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/bench/machine"
)

// The goals.
const (
	goalOverhead = 1.5             // a whole grading over the language's bare start-up
	goalGoResult = 2 * time.Second // submit to result for Go, the settle delay aside
)

// writeReport writes the machine and one section per part measured.
func writeReport(w io.Writer, res results) {
	fmt.Fprintf(w, "Machine: %s, %d cores, %s %s/%s; %s; SQLite. Date: %s. The whole run took %s.\n",
		machine.CPU(), runtime.NumCPU(), runtime.Version(), runtime.GOOS, runtime.GOARCH, res.sandbox,
		time.Now().UTC().Format("2006-01-02 15:04 MST"), res.elapsed.Round(time.Second))
	if res.overhead != nil {
		writeOverhead(w, res.overhead)
	}
	if res.throughput != nil {
		writeThroughput(w, res.throughput)
	}
	if res.burst != nil {
		writeBurst(w, res.burst)
	}
	if res.corpus != nil {
		writeCorpus(w, res.corpus)
	}
	if res.fair != nil {
		writeFair(w, res.fair)
	}
}

func writeOverhead(w io.Writer, r *overheadResult) {
	fmt.Fprintf(w, "\n#### (a) A whole grading against the language's floor\n\n")
	fmt.Fprintf(w, "Median wall time of %d rounds after a warm-up (fastest–slowest in brackets); the variants take turns within each round. "+
		"The floor is the language's bare start-up in bubblewrap with the flags the sandbox uses (`python3 -c pass`, `node -e 0`; for Go, building the task's solution and tests as one ordinary test package and running it), without cgroups, rlimits or supervision. "+
		"A grading is `grader.Grade` of the 10-test task with the right solution, visible tests, full marks checked: the judge's box and the solution's, Go's compile box too. "+
		"As a candidate's saves usually meet it, the Python and JavaScript boxes were started ahead (one pair waits per language, refilled behind each grading) and the tests compiled by an earlier grading of the same file are kept (Python's compiled tests, Go's tests' binary). "+
		"A cold grading has a Grader of its own, made before the clock starts, with nothing started ahead or kept.\n\n", overheadRounds)
	fmt.Fprintln(w, "| language | run | median | against the floor |")
	fmt.Fprintln(w, "|---|---|---:|---:|")
	for i, row := range r.rows {
		s := slices.Clone(row.walls)
		slices.Sort(s)
		floor := r.rows[i-i%rowsPerLanguage]
		ratio := ""
		if i%rowsPerLanguage != 0 {
			x := float64(row.median()) / float64(floor.median())
			ratio = fmt.Sprintf("%.2f", x)
			if i%rowsPerLanguage >= 2 {
				ratio += verdict(x <= goalOverhead, " ≤ 1.5 ok", " **misses 1.5**")
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s (%s–%s) | %s |\n", row.lang, row.name, ms(row.median()), ms(s[0]), ms(s[len(s)-1]), ratio)
	}
}

func writeThroughput(w io.Writer, rs []langResult) {
	fmt.Fprintf(w, "\n#### (b) Throughput and submit to result\n\n")
	fmt.Fprintf(w, "Throughput: the task's right solution graded (10 hidden tests, full marks checked) by %d goroutines at once for %s per language through grader.Grade. "+
		"Submit to result: a candidate's PUT of the answer through the API until the grading row is done, polled every 10 ms, one candidate at a time, median of %d (the worker at its default, one grading per core, polling for ready tasks every second); "+
		"the app waits %s after a save by design before grading (an editor saves as the candidate types; only the last save of a burst is graded).\n\n",
		runtime.NumCPU(), throughputFor, latencyRounds, settle)
	fmt.Fprintln(w, "| language | graded | per minute | one grading alone (median) | submit → result | of which after the settle delay |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		lat := medianOf(r.latency)
		after := lat - settle
		goal := ""
		if r.lang == "go" {
			goal = verdict(after < goalGoResult, " < 2 s ok", " **misses 2 s**")
		}
		fmt.Fprintf(w, "| %s | %d in %s | %.0f | %s | %s (%s–%s) | %s%s |\n", r.lang, r.graded, seconds(r.elapsed), r.perMinute(),
			ms(medianOf(r.gradeWall)), seconds(lat), seconds(slices.Min(r.latency)), seconds(slices.Max(r.latency)), seconds(after), goal)
	}
}

func writeBurst(w io.Writer, r *burstResult) {
	fmt.Fprintf(w, "\n#### (c) %d submissions at once\n\n", burstSize)
	fmt.Fprintf(w, "%d candidates of one interview PUT the Python task's right solution at the same moment; the worker runs %d gradings at once (the default, one per core).\n\n", burstSize, r.workers)
	fmt.Fprintln(w, "| measure | value |")
	fmt.Fprintln(w, "|---|---:|")
	fmt.Fprintf(w, "| saves answered 200 | %d of %d (all within %s) |\n", r.saved, burstSize, seconds(r.saveWall))
	fmt.Fprintf(w, "| gradings done | %d of %d%s |\n", r.done, burstSize, verdict(r.done == burstSize, " ok", " **lost some**"))
	fmt.Fprintf(w, "| gradings done at `attempt` = 1 | %d of %d |\n", r.doneOnce, burstSize)
	fmt.Fprintf(w, "| with full marks (10/10) | %d of %d |\n", r.fullMarks, burstSize)
	fmt.Fprintf(w, "| `code.grade` tasks done (of all) | %d (%d)%s |\n", r.tasksDone, r.tasks, verdict(r.tasksDone == burstSize && r.tasks == burstSize, " ok", " **not one per submission**"))
	fmt.Fprintf(w, "| `code.grade` tasks claimed more than once | %d |\n", r.taskRetries)
	fmt.Fprintf(w, "| first save to last grading done | %s (%.0f per minute, %s of it the settle delay) |\n", seconds(r.total), float64(burstSize)/r.total.Minutes(), settle)
}

func writeCorpus(w io.Writer, rs []corpusResult) {
	fmt.Fprintf(w, "\n#### (h) HumanEvalPack through the API\n\n")
	fmt.Fprintf(w, "Per language: interviews of up to 100 code steps, one per problem (its tests hidden, 1 point); two candidates per interview PUT every step's answer, one the canonical solution and one the buggy one (8 requests at a time); the worker grades with %d at once. Time is from creating the interviews to the last grading done, the %s settle included.\n\n", runtime.NumCPU(), settle)
	fmt.Fprintln(w, "| language | problems (excluded as faulty) | canonical: full marks | buggy: lost points | interviews | time | gradings' own wall time, summed |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	var fails []string
	for _, r := range rs {
		ex := "none"
		if len(r.faulty) > 0 {
			ex = strings.Join(r.faulty, ", ")
		}
		fmt.Fprintf(w, "| %s | %d (%s) | %d of %d | %d of %d | %d | %s | %s |\n", r.lang, r.problems, ex, r.fullMarks, r.canonical, r.lostPoints, r.buggy, r.interviews, seconds(r.elapsed), seconds(r.gradingSpent))
		fails = append(fails, r.failures...)
	}
	if len(fails) > 0 {
		fmt.Fprintf(w, "\nNot as expected: %s.\n", strings.Join(fails, "; "))
	}
}

func writeFair(w io.Writer, rs []fairRound) {
	fmt.Fprintf(w, "\n#### (f) Fair workers: an attacker's slow saves\n\n")
	fmt.Fprintf(w, "A Python task with visible and hidden tests and %d stdin/stdout cases (six runs per grading), %d ms per run; the worker at its defaults (%d grading slots). "+
		"In attack rounds one candidate saves code that spins until the limit %d times, %s apart; right after the last save an honest candidate saves the right answer and presses Run, "+
		"and the team invites a candidate (no SMTP server: the email is kept). Quiet rounds do the same without the attacker. Rounds alternate, each in a fresh app; the honest grading includes the %s settle delay.\n\n",
		fairIOCases, fairTimeMS, runtime.NumCPU(), attackSaves, attackEvery, settle)
	fmt.Fprintln(w, "| round | honest save → graded | invitation → email | Run → results | attacker's last grading done after |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for i, r := range rs {
		att := "–"
		if r.attack {
			att = seconds(r.attacker)
		}
		fmt.Fprintf(w, "| %d %s | %s | %s | %s | %s |\n", i/2+1, r.name(), seconds(r.graded), seconds(r.emailed), seconds(r.ran), att)
	}
	med := func(attack bool, f func(fairRound) time.Duration) string {
		var ds []time.Duration
		for _, r := range rs {
			if r.attack == attack {
				ds = append(ds, f(r))
			}
		}
		return seconds(medianOf(ds))
	}
	graded := func(r fairRound) time.Duration { return r.graded }
	emailed := func(r fairRound) time.Duration { return r.emailed }
	ran := func(r fairRound) time.Duration { return r.ran }
	fmt.Fprintf(w, "| median quiet | %s | %s | %s | |\n", med(false, graded), med(false, emailed), med(false, ran))
	fmt.Fprintf(w, "| median attack | %s | %s | %s | |\n", med(true, graded), med(true, emailed), med(true, ran))
}

func verdict(ok bool, yes, no string) string {
	if ok {
		return yes
	}
	return no
}

func ms(d time.Duration) string      { return fmt.Sprintf("%.1f ms", float64(d)/1e6) }
func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
