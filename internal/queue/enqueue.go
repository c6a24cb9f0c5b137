package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// DefaultMaxAttempts is how often a task runs before it fails, unless
// Enqueue is given MaxAttempts. With the default backoff the seven
// retries of eight attempts span two to four minutes.
const DefaultMaxAttempts = 8

// Option changes how Enqueue schedules a task.
type Option func(*options)

type options struct {
	runAt       time.Time
	delay       time.Duration
	maxAttempts int
	serialKey   string
}

// RunAt makes the task ready no earlier than t.
func RunAt(t time.Time) Option {
	return func(o *options) { o.runAt, o.delay = t, 0 }
}

// Delay makes the task ready d after it is enqueued.
func Delay(d time.Duration) Option {
	return func(o *options) { o.runAt, o.delay = time.Time{}, d }
}

// MaxAttempts sets how many times the task may run before it fails.
func MaxAttempts(n int) Option {
	return func(o *options) { o.maxAttempts = n }
}

// SerialKey makes the task one of those with key that run one at a
// time, whichever workers and processes claim them: while one is
// running, the others stay pending and the worker takes other ready
// tasks instead. A worker that dies holds the key until its task's lease
// expires; the task is then reclaimed (or failed on its last attempt)
// before the next one of its key starts.
func SerialKey(key string) Option {
	return func(o *options) { o.serialKey = key }
}

// Enqueue adds a pending task of the given kind whose payload is the JSON
// encoding of payload, and returns its ID.
//
// Call it with the tx of the Transact that makes the domain change, so
// the two commit or roll back together. Workers in this process are woken
// once the transaction commits (at once when tx is not in one); workers
// in other processes notice the task at their next poll.
func Enqueue(ctx context.Context, tx *sqldb.DB, kind string, payload any, opts ...Option) (id int64, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("queue: enqueue %s: %w", kind, err)
		}
	}()
	o := options{maxAttempts: DefaultMaxAttempts}
	for _, opt := range opts {
		opt(&o)
	}
	if kind == "" {
		return 0, errors.New("empty kind")
	}
	if o.maxAttempts < 1 {
		return 0, fmt.Errorf("MaxAttempts(%d) is less than 1", o.maxAttempts)
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, err
	}
	now := time.Now()
	runAt := o.runAt
	if runAt.IsZero() {
		runAt = now.Add(o.delay)
	}
	var key *string
	if o.serialKey != "" {
		key = &o.serialKey
	}
	err = tx.WriteRow(ctx, `
		INSERT INTO tasks (kind, payload, status, max_attempts, run_at, serial_key, created_at, updated_at)
		VALUES ($1, $2, 'pending', $3, $4, $5, $6, $6)
		RETURNING id`,
		kind, string(body), o.maxAttempts, runAt, key, now).Scan(&id)
	if err != nil {
		return 0, err
	}
	tx.AfterCommit(Notify)
	if wait := runAt.Sub(now); wait > 0 && wait <= maxWakeDelay {
		// A task due soon is started when it is due, not at the next
		// poll after (a code grading waits a few seconds after a save,
		// and a poll could add a second to it). If the transaction rolls
		// back, the wake-up finds nothing: harmless.
		time.AfterFunc(wait, Notify)
	}
	return id, nil
}

// maxWakeDelay bounds the delays Enqueue sets a wake-up for; later tasks
// are found by polling.
const maxWakeDelay = time.Minute
