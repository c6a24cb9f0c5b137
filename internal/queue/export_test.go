package queue

import "context"

// RunOne does one turn of Run's loop synchronously: it fails lost tasks,
// claims the next ready one and runs it to completion. It reports whether
// a task was claimed.
func (w *Worker) RunOne(ctx context.Context) (bool, error) {
	if _, err := w.sweep(ctx); err != nil {
		return false, err
	}
	t, ok, err := w.claim(ctx, kindFilter{})
	if !ok || err != nil {
		return false, err
	}
	w.run(ctx, t, w.poolFor(t.Kind))
	return true, nil
}

// Claim claims the next ready task and does nothing more with it, like a
// worker that dies right after claiming.
func (w *Worker) Claim(ctx context.Context) (Task, bool, error) {
	return w.claim(ctx, kindFilter{})
}

var Backoff = backoff
