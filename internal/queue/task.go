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

// errLeaseLost cancels a handler whose task another worker reclaimed;
// errLeaseExpired one whose lease ran out because it could not be renewed.
var (
	errLeaseLost    = errors.New("queue: lease lost to another worker")
	errLeaseExpired = errors.New("queue: lease expired: the database could not be reached to renew it")
)

// run runs one claimed task, records its outcome and logs it, once.
func (w *Worker) run(ctx context.Context, t Task, p *pool) {
	start := time.Now()
	expires, herr := w.handle(ctx, t)
	attrs := []slog.Attr{
		slog.Int64("task_id", t.ID), slog.String("kind", t.Kind), slog.String("pool", p.name),
		slog.Int("attempt", t.Attempt), slog.Int("max_attempts", t.MaxAttempts),
		slog.Duration("took", time.Since(start)),
	}
	if herr != nil {
		attrs = append(attrs, slog.String("error", herr.Error()), stack(herr))
	}

	var (
		level slog.Level
		msg   string
		mark  func(context.Context) (bool, error)
	)
	switch {
	case herr == nil:
		level, msg = slog.LevelInfo, "queue task done"
		mark = func(ctx context.Context) (bool, error) { return w.markDone(ctx, t) }
	case isPermanent(herr) || t.Attempt >= t.MaxAttempts:
		level, msg = slog.LevelError, "queue task failed"
		mark = func(ctx context.Context) (bool, error) { return w.markFailed(ctx, t, herr) }
	default:
		delay := backoff(t.Attempt)
		level, msg = slog.LevelWarn, "queue task will retry"
		attrs = append(attrs, slog.Duration("retry_in", delay))
		runAt := w.now().Add(delay)
		mark = func(ctx context.Context) (bool, error) { return w.markRetry(ctx, t, runAt, herr) }
	}
	saved, err := w.record(ctx, t, expires, mark)
	if err != nil {
		level, msg = slog.LevelError, msg+"; recording the outcome failed"
		attrs = append(attrs, slog.String("record_error", err.Error()))
	} else if !saved {
		level, msg = slog.LevelWarn, msg+"; outcome discarded, another worker reclaimed the task"
	}
	w.log.LogAttrs(ctx, level, msg, attrs...)
}

// record saves a task's outcome with mark. While the database cannot be
// reached it tries again every Lease/15, as long as the lease it holds
// until expires lasts, so that work finished during a brief outage is
// not done again by another worker; beyond that, the task is another
// worker's to take over.
func (w *Worker) record(ctx context.Context, t Task, expires time.Time, mark func(context.Context) (bool, error)) (bool, error) {
	retry, margin := w.cfg.Lease/15, w.cfg.Lease/10
	for {
		rctx, cancel := context.WithTimeout(ctx, dbTimeout)
		saved, err := mark(rctx)
		cancel()
		if err == nil || time.Until(expires)-margin < retry {
			return saved, err
		}
		w.log.Warn("queue outcome not recorded; trying again", slog.Int64("task_id", t.ID), slog.String("error", err.Error()))
		time.Sleep(retry)
	}
}

// handle calls the task's handler, renewing the lease while it runs. It
// returns the handler's error, and when the lease then held runs out by
// this process's monotonic clock.
func (w *Worker) handle(ctx context.Context, t Task) (expires time.Time, err error) {
	fn := w.handler(t.Kind)
	if fn == nil {
		return t.expires, Permanent(fmt.Errorf("queue: no handler for task kind %q", t.Kind))
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	var hb sync.WaitGroup
	hb.Go(func() { expires = w.heartbeat(ctx, t, stop, cancel) })
	err = call(ctx, fn, t)
	close(stop)
	hb.Wait()
	return expires, err
}

// heartbeat keeps t's lease until stop is closed, and returns when the
// lease it then holds runs out by this process's monotonic clock (zero
// if another worker holds the task). It renews the lease every Lease/3. A renewal that fails (the database is down, or too slow
// to answer) does not stop a healthy handler: it is tried again every
// Lease/15 until one succeeds or the lease runs out. The lease is reckoned
// on this process's monotonic clock, which no change to the wall clock
// moves, from when the last renewal that succeeded was sent, so it runs
// out here no later than in the database. The handler is cancelled when
// the task turns out to be another worker's, or a tenth of a lease before
// it would run out, so that it has stopped before another worker may
// claim the task.
func (w *Worker) heartbeat(ctx context.Context, t Task, stop <-chan struct{}, cancel context.CancelCauseFunc) (expires time.Time) {
	every, retry, margin := w.cfg.Lease/3, w.cfg.Lease/15, w.cfg.Lease/10
	expires, wait := t.expires, every
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-stop:
			return expires
		case <-timer.C:
		}
		left := time.Until(expires) - margin
		if left <= 0 {
			w.log.Error("queue lease expired: its renewals failed; the handler is cancelled and another worker will take the task over",
				slog.Int64("task_id", t.ID), slog.String("kind", t.Kind))
			cancel(errLeaseExpired)
			return expires
		}
		sent := time.Now()
		rctx, done := context.WithTimeout(context.WithoutCancel(ctx), min(every, left))
		ok, err := w.renew(rctx, t)
		done()
		switch {
		case err != nil:
			w.log.Warn("queue lease renewal failed; trying again", slog.Int64("task_id", t.ID),
				slog.Duration("lease_left", time.Until(expires)), slog.String("error", err.Error()))
			wait = max(min(retry, time.Until(expires)-margin), 0)
		case !ok:
			cancel(errLeaseLost)
			return time.Time{} // nothing left to record
		default:
			expires, wait = sent.Add(w.cfg.Lease), every
		}
		timer.Reset(wait)
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
