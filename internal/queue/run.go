package queue

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// dbTimeout bounds each of the worker's own queries. They run detached
// from Run's context, so that a shutdown never abandons a claim half read
// or an outcome unsaved.
const dbTimeout = 30 * time.Second

// Run claims and runs tasks until ctx is cancelled. It then stops
// claiming, waits for the running handlers to finish and record their
// outcome, and returns nil. Shutdown order follows miniflux: stop the HTTP
// server first, then cancel Run.
func (w *Worker) Run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	register(wake)
	defer unregister(wake)

	var running sync.WaitGroup
	defer running.Wait()
	slots := make(chan struct{}, w.cfg.Concurrency)
	poll := time.NewTicker(w.cfg.Poll)
	defer poll.Stop()
	var nextSweep time.Time

	w.log.Info("queue worker started", slog.Int("concurrency", w.cfg.Concurrency))
	defer w.log.Info("queue worker stopped")
	for {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		if now := w.now(); !now.Before(nextSweep) {
			w.sweepAndLog(ctx)
			nextSweep = now.Add(w.cfg.Poll)
		}
		t, ok := w.claimAndLog(ctx)
		if ok {
			running.Go(func() {
				defer func() { <-slots }()
				w.run(context.WithoutCancel(ctx), t)
			})
			continue // there may be more ready tasks
		}
		<-slots
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-poll.C:
		}
	}
}

func (w *Worker) claimAndLog(ctx context.Context) (Task, bool) {
	dbCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	t, ok, err := w.claim(dbCtx)
	if err != nil {
		w.log.Error("queue claim failed", slog.String("error", err.Error()))
	}
	return t, ok
}

func (w *Worker) sweepAndLog(ctx context.Context) {
	dbCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	n, err := w.sweep(dbCtx)
	if err != nil {
		w.log.Error("queue sweep failed", slog.String("error", err.Error()))
	} else if n > 0 {
		w.log.Warn("queue failed tasks whose workers were lost on their last attempt", slog.Int64("tasks", n))
	}
}

// RunUntilIdle runs ready tasks one at a time, in this goroutine, until
// none is left ready, then returns. Tests and one-off commands use it to
// finish the work a change enqueued without starting Run's pollers.
func (w *Worker) RunUntilIdle(ctx context.Context) error {
	for {
		if _, err := w.sweep(ctx); err != nil {
			return err
		}
		t, ok, err := w.claim(ctx)
		if err != nil || !ok {
			return err
		}
		w.run(ctx, t)
	}
}
