package queue

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// Every update of a claimed task is fenced by "status = 'running' AND
// attempts = $n": each claim bumps attempts, so a worker that lost its
// lease and wakes up late cannot overwrite the outcome of the worker that
// reclaimed the task.

// claimSQL takes the oldest ready task: a pending one whose time has
// come by the worker's clock ($3), or a running one whose worker stopped
// renewing its lease, by the database's clock ($4), and that has attempts
// left (sweep fails the others). A task with a serial key waits while
// another task with that key is running, lease expired or not: a lost
// task is reclaimed, or failed by sweep, before the next one of its key
// starts. The first %s narrows the kinds to those of the pools with a
// free slot (kindFilter), from $5 on.
//
// On Postgres, FOR UPDATE SKIP LOCKED (the second %s) lets concurrent
// workers pass over a row another is claiming, as in pkgsite's pgqueue;
// SQLite's single writer serialises the whole UPDATE … RETURNING, so it
// needs no row lock. Two Postgres workers may still pick two tasks of one
// serial key at the same moment: the unique index on the running tasks'
// keys lets only one of them commit, and the other claims again.
const claimSQL = `
	UPDATE tasks SET status = 'running', attempts = attempts + 1, lease_until = $1, worker = $2, updated_at = $3
	WHERE id = (
		SELECT t.id FROM tasks t
		WHERE ((t.status = 'pending' AND t.run_at <= $3)
		    OR (t.status = 'running' AND t.lease_until < $4 AND t.attempts < t.max_attempts))
		  AND (t.serial_key IS NULL OR NOT EXISTS (
			SELECT 1 FROM tasks r WHERE r.serial_key = t.serial_key AND r.status = 'running' AND r.id <> t.id))
		  %s
		ORDER BY t.run_at, t.id
		LIMIT 1%s)
	RETURNING id, kind, payload, attempts, max_attempts`

// claimTries bounds how often claim tries again after losing a race for
// a serial key; each loss means another worker claimed a task, so the
// queue is moving.
const claimTries = 3

// claim marks the next ready task of the kinds f lets through as running
// under this worker's lease. ok is false when no task is ready.
func (w *Worker) claim(ctx context.Context, f kindFilter) (t Task, ok bool, err error) {
	kinds, args := f.sql(5)
	q := fmt.Sprintf(claimSQL, kinds, w.db.Dialect.Pick("", " FOR UPDATE SKIP LOCKED"))
	for try := 1; ; try++ {
		sent := time.Now()
		dbNow, judge, err := w.leaseNow(ctx)
		if err != nil {
			return Task{}, false, fmt.Errorf("queue: claim: %w", err)
		}
		expiredBefore := dbNow
		if !judge {
			expiredBefore = time.Time{} // no lease ends before it: take over nothing
		}
		now := w.now()
		var payload string
		err = w.db.WriteRow(ctx, q, append([]any{dbNow.Add(w.cfg.Lease), w.cfg.Name, now, expiredBefore}, args...)...).
			Scan(&t.ID, &t.Kind, &payload, &t.Attempt, &t.MaxAttempts)
		switch {
		case errors.Is(err, sqldb.ErrNotFound):
			return Task{}, false, nil
		case errors.Is(err, sqldb.ErrConflict) && try < claimTries:
			continue
		case err != nil:
			return Task{}, false, fmt.Errorf("queue: claim: %w", err)
		}
		t.Payload = []byte(payload)
		t.expires = sent.Add(w.cfg.Lease)
		return t, true, nil
	}
}

// sweep fails the tasks whose lease expired on their last attempt: their
// worker died (or hung) every time, and running them again would only
// repeat that. It returns how many it failed.
func (w *Worker) sweep(ctx context.Context) (int64, error) {
	dbNow, judge, err := w.leaseNow(ctx)
	if err != nil {
		return 0, fmt.Errorf("queue: sweep lost tasks: %w", err)
	}
	if !judge {
		return 0, nil
	}
	res, err := w.db.Exec(ctx, `
		UPDATE tasks SET status = 'failed', lease_until = NULL, updated_at = $1,
			last_error = 'worker lost the task: lease expired on attempt ' || attempts || ' of ' || max_attempts
		WHERE status = 'running' AND lease_until < $2 AND attempts >= max_attempts`,
		w.now(), dbNow)
	if err != nil {
		return 0, fmt.Errorf("queue: sweep lost tasks: %w", err)
	}
	return res.RowsAffected()
}

// renew extends t's lease to a Lease from now, by the database's clock.
// It returns false if the task is no longer this worker's to run.
func (w *Worker) renew(ctx context.Context, t Task) (bool, error) {
	dbNow, err := w.cfg.DBNow(ctx)
	if err != nil {
		return false, fmt.Errorf("queue: renew lease of task %d: %w", t.ID, err)
	}
	res, err := w.db.Exec(ctx, `
		UPDATE tasks SET lease_until = $1, updated_at = $2
		WHERE id = $3 AND status = 'running' AND attempts = $4`,
		dbNow.Add(w.cfg.Lease), w.now(), t.ID, t.Attempt)
	if err != nil {
		return false, fmt.Errorf("queue: renew lease of task %d: %w", t.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// markDone records that t succeeded. Earlier attempts' last_error stays,
// for whoever wonders why the task took three tries.
func (w *Worker) markDone(ctx context.Context, t Task) (bool, error) {
	return w.finish(ctx, t, `
		UPDATE tasks SET status = 'done', lease_until = NULL, updated_at = $1
		WHERE id = $2 AND status = 'running' AND attempts = $3`,
		w.now(), t.ID, t.Attempt)
}

// markRetry sends t back to pending, ready again at runAt.
func (w *Worker) markRetry(ctx context.Context, t Task, runAt time.Time, cause error) (bool, error) {
	return w.finish(ctx, t, `
		UPDATE tasks SET status = 'pending', run_at = $1, lease_until = NULL, last_error = $2, updated_at = $3
		WHERE id = $4 AND status = 'running' AND attempts = $5`,
		runAt, errorText(cause), w.now(), t.ID, t.Attempt)
}

// markFailed fails t for good.
func (w *Worker) markFailed(ctx context.Context, t Task, cause error) (bool, error) {
	return w.finish(ctx, t, `
		UPDATE tasks SET status = 'failed', lease_until = NULL, last_error = $1, updated_at = $2
		WHERE id = $3 AND status = 'running' AND attempts = $4`,
		errorText(cause), w.now(), t.ID, t.Attempt)
}

// finish runs one of the mark updates; false means another worker had
// already reclaimed the task.
func (w *Worker) finish(ctx context.Context, t Task, q string, args ...any) (bool, error) {
	res, err := w.db.Exec(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("queue: record outcome of task %d: %w", t.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// maxErrorLen bounds last_error; a handler error quoting a whole HTTP
// response body should not bloat the table.
const maxErrorLen = 2000

// errorText makes err storable: PostgreSQL's TEXT refuses NUL bytes and
// invalid UTF-8, and an outcome that fails to save would leave the task
// running until its lease expires.
func errorText(err error) string {
	s := strings.ToValidUTF8(err.Error(), "?")
	s = strings.ReplaceAll(s, "\x00", "?")
	if len(s) > maxErrorLen {
		s = s[:maxErrorLen]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return s
}
