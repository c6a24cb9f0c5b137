package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/grader"
	"github.com/anyhour/anyhour/internal/opening"
)

const burstSize = 200

type burstResult struct {
	workers          int
	saved            int           // PUTs answered 200
	saveWall         time.Duration // first PUT to last answer
	total            time.Duration // release to the last grading done
	done, doneOnce   int           // gradings done; of them, at attempt 1
	fullMarks        int
	tasksDone, tasks int // code.grade tasks done; all code.grade tasks
	taskRetries      int // code.grade tasks claimed more than once
}

// burst has burstSize candidates of one interview save the Python task's
// right solution at the same moment, with the worker running at its
// default concurrency, and checks that each is graded exactly once.
func burst(ctx context.Context, g *grader.Grader) (*burstResult, error) {
	w, err := newWorld(ctx, g, 0)
	if err != nil {
		return nil, err
	}
	defer w.close()
	task := fizzTask(grader.Python)
	iv, invs, err := w.interview(ctx, "Burst", []opening.Step{task.step()}, burstSize)
	if err != nil {
		return nil, err
	}
	res := &burstResult{workers: w.app.Config.Workers}
	step := iv.Steps[0].ID
	release := make(chan struct{})
	errs := make([]error, len(invs))
	var wg sync.WaitGroup
	for i, inv := range invs {
		wg.Go(func() {
			<-release
			errs[i] = w.save(inv.Token, step, task.lang, task.code)
		})
	}
	start := time.Now()
	close(release)
	wg.Wait()
	res.saveWall = time.Since(start)
	for _, err := range errs {
		if err == nil {
			res.saved++
		} else {
			fmt.Println("   save failed:", err)
		}
	}
	if err := w.waitDone(ctx, res.saved, 10*time.Minute); err != nil {
		return nil, err
	}
	res.total = time.Since(start)
	time.Sleep(2 * time.Second) // let a duplicate, if any, show
	db := w.app.DB
	for _, q := range []struct {
		dst *int
		sql string
	}{
		{&res.done, `SELECT COUNT(*) FROM gradings WHERE status = 'done'`},
		{&res.doneOnce, `SELECT COUNT(*) FROM gradings WHERE status = 'done' AND attempt = 1`},
		{&res.fullMarks, `SELECT COUNT(*) FROM gradings WHERE status = 'done' AND score = 10 AND max_score = 10`},
		{&res.tasksDone, `SELECT COUNT(*) FROM tasks WHERE kind = 'code.grade' AND status = 'done'`},
		{&res.tasks, `SELECT COUNT(*) FROM tasks WHERE kind = 'code.grade'`},
		{&res.taskRetries, `SELECT COUNT(*) FROM tasks WHERE kind = 'code.grade' AND attempts > 1`},
	} {
		if err := db.QueryRow(ctx, q.sql).Scan(q.dst); err != nil {
			return nil, err
		}
	}
	fmt.Printf("   %d saved in %s, all graded after %s\n", res.saved, res.saveWall.Round(time.Millisecond), res.total.Round(time.Millisecond))
	return res, nil
}
