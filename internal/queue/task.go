package queue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// errLeaseLost cancels a handler whose task another worker reclaimed.
var errLeaseLost = errors.New("queue: lease lost to another worker")

// run runs one claimed task, records its outcome and logs it, once.
func (w *Worker) run(ctx context.Context, t Task, p *pool) {
	start := time.Now()
	herr := w.handle(ctx, t)
	attrs := []slog.Attr{
		slog.Int64("task_id", t.ID), slog.String("kind", t.Kind), slog.String("pool", p.name),
		slog.Int("attempt", t.Attempt), slog.Int("max_attempts", t.MaxAttempts),
		slog.Duration("took", time.Since(start)),
	}
	if herr != nil {
		attrs = append(attrs, slog.String("error", herr.Error()), stack(herr))
	}

	ctx, cancel := context.WithTimeout(ctx, dbTimeout)
	defer cancel()
	var (
		level slog.Level
		msg   string
		saved bool
		err   error
	)
	switch {
	case herr == nil:
		level, msg = slog.LevelInfo, "queue task done"
		saved, err = w.markDone(ctx, t)
	case isPermanent(herr) || t.Attempt >= t.MaxAttempts:
		level, msg = slog.LevelError, "queue task failed"
		saved, err = w.markFailed(ctx, t, herr)
	default:
		delay := backoff(t.Attempt)
		level, msg = slog.LevelWarn, "queue task will retry"
		attrs = append(attrs, slog.Duration("retry_in", delay))
		saved, err = w.markRetry(ctx, t, w.now().Add(delay), herr)
	}
	if err != nil {
		level, msg = slog.LevelError, msg+"; recording the outcome failed"
		attrs = append(attrs, slog.String("record_error", err.Error()))
	} else if !saved {
		level, msg = slog.LevelWarn, msg+"; outcome discarded, another worker reclaimed the task"
	}
	w.log.LogAttrs(ctx, level, msg, attrs...)
}

// handle calls the task's handler, renewing the lease while it runs.
func (w *Worker) handle(ctx context.Context, t Task) error {
	fn := w.handler(t.Kind)
	if fn == nil {
		return Permanent(fmt.Errorf("queue: no handler for task kind %q", t.Kind))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	var hb sync.WaitGroup
	hb.Go(func() { w.heartbeat(ctx, t, stop, cancel) })
	defer hb.Wait()
	defer close(stop)
	return call(ctx, fn, t)
}

// heartbeat renews t's lease every Lease/3 until stop is closed, and
// cancels the handler if the task turns out to be another worker's now.
func (w *Worker) heartbeat(ctx context.Context, t Task, stop <-chan struct{}, cancel context.CancelCauseFunc) {
	tick := time.NewTicker(max(w.cfg.Lease/3, time.Millisecond))
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		rctx, done := context.WithTimeout(context.WithoutCancel(ctx), dbTimeout)
		ok, err := w.renew(rctx, t)
		done()
		if err != nil {
			w.log.Warn("queue lease renewal failed", slog.Int64("task_id", t.ID), slog.String("error", err.Error()))
			continue
		}
		if !ok {
			cancel(errLeaseLost)
			return
		}
	}
}

// call runs fn, turning a panic into an error so that it counts as a
// failed attempt instead of killing the worker.
func call(ctx context.Context, fn HandlerFunc, t Task) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = &panicError{value: p, stack: debug.Stack()}
		}
	}()
	return fn(ctx, t)
}

type panicError struct {
	value any
	stack []byte
}

func (e *panicError) Error() string { return fmt.Sprintf("queue: handler panicked: %v", e.value) }

// stack is a log attribute holding the stack of a panic, if err is one.
func stack(err error) slog.Attr {
	var p *panicError
	if errors.As(err, &p) {
		return slog.String("stack", string(p.stack))
	}
	return slog.Attr{}
}
