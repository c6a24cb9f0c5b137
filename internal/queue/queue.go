// Package queue runs durable background work from the tasks table.
//
// A domain package calls Enqueue inside the same transaction as the write
// that causes the work, so a task is never lost and never runs without its
// data: if the transaction rolls back, there is no task.
//
// A Worker claims ready tasks, runs the handler registered for their kind
// and records the outcome, the way pkgsite's pgqueue does: success marks
// a task done; an error sends it back to pending with an exponential
// backoff until its attempts run out, then marks it failed; Permanent
// fails it at once. A claim holds a lease (DefaultLease, 30 s) that the
// worker renews while the handler runs, so only a dead worker's tasks are
// reclaimed, by any worker, once their lease expires: work a dead worker
// held resumes within about a lease. Leases are timed by the database's
// clock, never a worker's, so that a worker whose clock is wrong or jumps
// cannot take a task that another still holds. A handler whose lease is
// lost, to another worker or to a database unreachable for longer than
// the lease, has its context cancelled. Handlers must be safe to run
// more than once for the same task.
//
// A Worker's slots are split into pools (Config.Pools): each pool runs
// only its own kinds, with its own concurrency, so code gradings that run
// as long as they may never keep an email or a webhook waiting for a
// slot. Tasks enqueued with the same SerialKey run one at a time, across
// workers and processes: a candidate's gradings take one slot, not one
// per answer.
//
// Several workers, in one process or on several machines sharing one
// PostgreSQL database, may run at once. On SQLite the single writer
// serialises claims.
package queue

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Task statuses, as stored in tasks.status.
const (
	StatusPending = "pending"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// ErrNotFound is returned by Get for an unknown task ID.
var ErrNotFound = errors.New("queue: task not found")

// Task is a claimed task as its handler sees it.
type Task struct {
	ID          int64
	Kind        string
	Attempt     int             // 1 on the first run, counting runs lost with a dead worker
	MaxAttempts int             // the last attempt is the one where Attempt == MaxAttempts
	Payload     json.RawMessage // the payload given to Enqueue, as JSON

	// expires is when the worker's claim runs out by this process's
	// monotonic clock: a Lease after the claim or the last renewal that
	// succeeded was sent, which is no later than the database's reckoning.
	expires time.Time
}

// Decode unmarshals the task's payload into v.
func (t Task) Decode(v any) error {
	if err := json.Unmarshal(t.Payload, v); err != nil {
		return fmt.Errorf("queue: decode %s task %d: %w", t.Kind, t.ID, err)
	}
	return nil
}

// Permanent marks err as one that retrying cannot fix (a deleted
// record, a malformed payload): a handler returning it fails the task at
// once. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

func isPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}
