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
//
// One loop claims for every pool: each claim takes the oldest ready task
// of the kinds whose pool has a free slot, so a pool whose slots are all
// busy never holds up the others.
func (w *Worker) Run(ctx context.Context) error {
	wake := make(chan struct{}, 1)
	register(wake)
	defer unregister(wake)
	// freed is signalled whenever a handler returns: its pool has a slot
	// again, and a task waiting for its serial key may be ready.
	freed := make(chan struct{}, 1)

	var running sync.WaitGroup
	defer running.Wait()
	poll := time.NewTicker(w.cfg.Poll)
	defer poll.Stop()
	var nextSweep time.Time

	w.log.Info("queue worker started", w.poolsAttr())
	defer w.log.Info("queue worker stopped")
	for {
		if ctx.Err() != nil {
			return nil
		}
		// By the monotonic clock: a jump of this host's clock neither
		// delays sweeps (and with them, reading the database's clock)
		// nor hurries them.
		if now := time.Now(); !now.Before(nextSweep) {
			w.sweepAndLog(ctx)
			nextSweep = now.Add(w.cfg.Poll)
		}
		if f, ok := w.claimable(); ok {
			if t, ok := w.claimAndLog(ctx, f); ok {
				p := w.poolFor(t.Kind)
				p.slots <- struct{}{} // free: claimable saw it so, and only this loop takes slots
				running.Go(func() {
					defer func() {
						<-p.slots
						signal(freed)
					}()
					w.run(context.WithoutCancel(ctx), t, p)
				})
				continue // there may be more ready tasks
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-freed:
		case <-poll.C:
		}
	}
}

// signal sends on ch unless a signal is already pending.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

func (w *Worker) poolsAttr() slog.Attr {
	var attrs []any
	for _, p := range w.pools {
		attrs = append(attrs, slog.Int(p.name, cap(p.slots)))
	}
	return slog.Group("concurrency", attrs...)
}

func (w *Worker) claimAndLog(ctx context.Context, f kindFilter) (Task, bool) {
	dbCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
	defer cancel()
	t, ok, err := w.claim(dbCtx, f)
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
		t, ok, err := w.claim(ctx, kindFilter{})
		if err != nil || !ok {
			return err
		}
		w.run(ctx, t, w.poolFor(t.Kind))
	}
}
