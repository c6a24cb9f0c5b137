package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
)

const (
	throughputFor = 20 * time.Second
	latencyRounds = 7
	settle        = 3 * time.Second // internal/grading's delay after a save
)

// langResult is (b) for one language.
type langResult struct {
	lang      grader.Language
	graded    int
	elapsed   time.Duration
	gradeWall []time.Duration // each Grade call, alone
	latency   []time.Duration // PUT to grading done, through the app
}

func (r langResult) perMinute() float64 { return float64(r.graded) / r.elapsed.Minutes() }

// throughput grades each language's task at runtime.NumCPU() at once
// for throughputFor, then times submit to result through the app.
func throughput(ctx context.Context, g *grader.Grader) ([]langResult, error) {
	var out []langResult
	for _, lang := range grader.Languages {
		task := fizzTask(lang)
		if _, err := gradeFull(ctx, g, task); err != nil { // warm-up
			return nil, err
		}
		r := langResult{lang: lang}
		var n atomic.Int64
		var firstErr error
		var once sync.Once
		var wg sync.WaitGroup
		start := time.Now()
		for range runtime.NumCPU() {
			wg.Go(func() {
				for time.Since(start) < throughputFor {
					if _, err := gradeFull(ctx, g, task); err != nil {
						once.Do(func() { firstErr = err })
						return
					}
					n.Add(1)
				}
			})
		}
		wg.Wait()
		if firstErr != nil {
			return nil, firstErr
		}
		r.graded, r.elapsed = int(n.Load()), time.Since(start)
		for range latencyRounds {
			d, err := gradeFull(ctx, g, task)
			if err != nil {
				return nil, err
			}
			r.gradeWall = append(r.gradeWall, d)
		}
		fmt.Printf("   %s: %d graded in %s (%.0f/min), one alone %s\n", lang, r.graded, r.elapsed.Round(time.Millisecond), r.perMinute(), medianOf(r.gradeWall).Round(time.Millisecond))
		out = append(out, r)
	}
	return out, latency(ctx, g, out)
}

// gradeFull grades the task's right solution and checks full marks.
func gradeFull(ctx context.Context, g *grader.Grader, task fizz) (time.Duration, error) {
	start := time.Now()
	o, err := g.Grade(ctx, task.suite())
	if err != nil {
		return 0, err
	}
	if s, m := o.Score(); s != 10 || m != 10 || len(o.Tests) != 10 {
		return 0, fmt.Errorf("%s: the right solution scored %v/%v over %d tests: %s", task.lang, s, m, len(o.Tests), o.CompileError)
	}
	return time.Since(start), nil
}

// latency saves the right solution through the API, one candidate at a
// time, and polls the database until its grading is done.
func latency(ctx context.Context, g *grader.Grader, rs []langResult) error {
	w, err := newWorld(ctx, g, 0)
	if err != nil {
		return err
	}
	defer w.close()
	for i := range rs {
		task := fizzTask(rs[i].lang)
		iv, invs, err := w.interview(ctx, "Latency "+string(task.lang), []opening.Step{task.step()}, latencyRounds)
		if err != nil {
			return err
		}
		step := iv.Steps[0].ID
		for _, inv := range invs {
			start := time.Now()
			if err := w.save(inv.Token, step, task.lang, task.code); err != nil {
				return err
			}
			for {
				status, score, _, err := w.status(ctx, inv.Application.ID, step)
				if err != nil {
					return err
				}
				if status == "done" && score == 10 {
					break
				}
				if status == "error" || status == "done" || time.Since(start) > time.Minute {
					return fmt.Errorf("%s through the app: %s, score %v after %s", task.lang, status, score, time.Since(start))
				}
				time.Sleep(10 * time.Millisecond)
			}
			rs[i].latency = append(rs[i].latency, time.Since(start))
		}
		fmt.Printf("   %s: submit to result %s (median of %d)\n", task.lang, medianOf(rs[i].latency).Round(time.Millisecond), latencyRounds)
	}
	return nil
}
