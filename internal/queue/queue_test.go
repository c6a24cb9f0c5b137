package queue_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/anyhour/anyhour/internal/clocktest"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// clock is the tests' clock.
type clock = clocktest.Clock

// newWorker returns a Worker on db with a fast poll, a quiet logger and
// the given clock.
func newWorker(db *sqldb.DB, c *clock, name string, lease time.Duration) *queue.Worker {
	cfg := testConfig(name, lease)
	cfg.Now = c.Now
	return queue.New(db, cfg)
}

// testConfig is a worker's configuration for tests: a fast poll and a
// quiet logger.
func testConfig(name string, lease time.Duration) queue.Config {
	return queue.Config{
		Concurrency: 2,
		Lease:       lease,
		Poll:        10 * time.Millisecond,
		Name:        name,
		Logger:      slog.New(slog.DiscardHandler),
	}
}

// outliveLeases makes every lease held run out, as the passing of time
// would: it moves their ends to just before now by the database's clock,
// by which leases are judged.
func outliveLeases(t *testing.T, db *sqldb.DB) {
	t.Helper()
	ctx := context.Background()
	now, err := db.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE tasks SET lease_until = $1 WHERE status = 'running'`, now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
}

func mustEnqueue(t *testing.T, db *sqldb.DB, kind string, payload any, opts ...queue.Option) int64 {
	t.Helper()
	id, err := queue.Enqueue(context.Background(), db, kind, payload, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustGet(t *testing.T, db *sqldb.DB, id int64) queue.TaskInfo {
	t.Helper()
	ti, err := queue.Get(context.Background(), db, id)
	if err != nil {
		t.Fatal(err)
	}
	return ti
}

// mustRunOne runs one ready task and fails the test if there was none.
func mustRunOne(t *testing.T, w *queue.Worker) {
	t.Helper()
	ok, err := w.RunOne(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatal("no task was ready")
	}
}

// mustRunNone checks that no task is ready.
func mustRunNone(t *testing.T, w *queue.Worker) {
	t.Helper()
	ok, err := w.RunOne(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if ok {
		t.Fatal("a task ran, want none ready")
	}
}

// outcome is the part of a TaskInfo that tests compare.
type outcome struct {
	Status    string
	Attempts  int
	LastError string
}

func outcomeOf(ti queue.TaskInfo) outcome {
	return outcome{ti.Status, ti.Attempts, ti.LastError}
}

func TestEnqueue(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	id := mustEnqueue(t, db, "email.send", map[string]string{"to": "ada@example.com"})
	got := mustGet(t, db, id)
	want := queue.TaskInfo{
		ID:          id,
		Kind:        "email.send",
		Payload:     []byte(`{"to":"ada@example.com"}`),
		Status:      queue.StatusPending,
		MaxAttempts: queue.DefaultMaxAttempts,
	}
	ignore := cmpopts.IgnoreFields(queue.TaskInfo{}, "RunAt", "CreatedAt", "UpdatedAt")
	if diff := cmp.Diff(want, got, ignore); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	if got.RunAt.IsZero() || !got.RunAt.Equal(got.CreatedAt) {
		t.Errorf("RunAt = %v, want CreatedAt %v", got.RunAt, got.CreatedAt)
	}

	later := time.Date(2031, 1, 2, 3, 4, 5, 0, time.UTC)
	id = mustEnqueue(t, db, "k", nil, queue.RunAt(later), queue.MaxAttempts(3))
	got = mustGet(t, db, id)
	if !got.RunAt.Equal(later) || got.MaxAttempts != 3 {
		t.Errorf("with options: RunAt %v, MaxAttempts %d; want %v, 3", got.RunAt, got.MaxAttempts, later)
	}

	if _, err := queue.Enqueue(context.Background(), db, "k", nil, queue.MaxAttempts(0)); err == nil {
		t.Error("Enqueue with MaxAttempts(0) succeeded")
	}
	if _, err := queue.Enqueue(context.Background(), db, "k", func() {}); err == nil {
		t.Error("Enqueue of an unencodable payload succeeded")
	}
}

func TestEnqueueRolledBackLeavesNoTask(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	errAbort := errors.New("abort")
	var id int64
	err := db.Transact(ctx, func(tx *sqldb.DB) error {
		var err error
		if id, err = queue.Enqueue(ctx, tx, "k", "x"); err != nil {
			return err
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("Transact = %v, want %v", err, errAbort)
	}
	if _, err := queue.Get(ctx, db, id); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Get(%d) = %v, want ErrNotFound", id, err)
	}
	stats, err := queue.Stats(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"pending": 0, "running": 0, "done": 0, "failed": 0}
	if diff := cmp.Diff(want, stats); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestRetryWithBackoffThenSuccess(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	c := &clock{}
	w := newWorker(db, c, "w", time.Minute)
	calls := 0
	w.Handle("flaky", func(ctx context.Context, task queue.Task) error {
		calls++
		if task.Attempt != calls {
			t.Errorf("call %d sees Attempt %d", calls, task.Attempt)
		}
		if calls == 1 {
			return errors.New("smtp: connection refused")
		}
		return nil
	})
	id := mustEnqueue(t, db, "flaky", nil)

	mustRunOne(t, w)
	ti := mustGet(t, db, id)
	if diff := cmp.Diff(outcome{"pending", 1, "smtp: connection refused"}, outcomeOf(ti)); diff != "" {
		t.Errorf("after a failure (-want +got):\n%s", diff)
	}
	if !ti.RunAt.After(ti.CreatedAt) {
		t.Errorf("RunAt %v is not after CreatedAt %v: no backoff", ti.RunAt, ti.CreatedAt)
	}
	// The clock goes back a minute while checking, so that a loaded
	// machine taking longer than the backoff (a second or two of real
	// time) to get here cannot make the task ready.
	c.Advance(-time.Minute)
	mustRunNone(t, w) // backing off

	c.Advance(time.Hour + time.Minute)
	mustRunOne(t, w)
	// A success keeps the earlier attempt's error for the record.
	if diff := cmp.Diff(outcome{"done", 2, "smtp: connection refused"}, outcomeOf(mustGet(t, db, id))); diff != "" {
		t.Errorf("after a success (-want +got):\n%s", diff)
	}
	if calls != 2 {
		t.Errorf("handler ran %d times, want 2", calls)
	}
}

func TestOutcomes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		handler queue.HandlerFunc
		runs    int // attempts to drive, advancing past the backoff each time
		want    outcome
	}{{
		name:    "max attempts",
		handler: func(context.Context, queue.Task) error { return errors.New("still down") },
		runs:    3,
		want:    outcome{"failed", 3, "still down"},
	}, {
		name: "permanent",
		handler: func(context.Context, queue.Task) error {
			return queue.Permanent(fmt.Errorf("opening 7: %w", errors.New("gone")))
		},
		runs: 1,
		want: outcome{"failed", 1, "opening 7: gone"},
	}, {
		name:    "panic is retried",
		handler: func(context.Context, queue.Task) error { panic("nil map") },
		runs:    2,
		want:    outcome{"pending", 2, "queue: handler panicked: nil map"},
	}, {
		name: "bad payload",
		handler: func(_ context.Context, task queue.Task) error {
			var n int
			return queue.Permanent(task.Decode(&n))
		},
		runs: 1,
		want: outcome{"failed", 1, "queue: decode k task 1: json: cannot unmarshal string into Go value of type int"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			db := sqldbtest.Open(t)
			c := &clock{}
			w := newWorker(db, c, "w", time.Minute)
			w.Handle("k", tc.handler)
			id := mustEnqueue(t, db, "k", "payload", queue.MaxAttempts(3))
			for range tc.runs {
				mustRunOne(t, w)
				c.Advance(2 * time.Hour)
			}
			if tc.want.Status == "failed" {
				mustRunNone(t, w)
			}
			if diff := cmp.Diff(tc.want, outcomeOf(mustGet(t, db, id))); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnknownKindFails(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	w := newWorker(db, &clock{}, "w", time.Minute)
	w.Handle("known", func(context.Context, queue.Task) error { return nil })
	id := mustEnqueue(t, db, "typo", nil)
	mustRunOne(t, w)
	want := outcome{"failed", 1, `queue: no handler for task kind "typo"`}
	if diff := cmp.Diff(want, outcomeOf(mustGet(t, db, id))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestGetNotFound(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	if _, err := queue.Get(context.Background(), db, 4242); !errors.Is(err, queue.ErrNotFound) {
		t.Errorf("Get = %v, want ErrNotFound", err)
	}
}

func TestLastErrorIsStorable(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	w := newWorker(db, &clock{}, "w", time.Minute)
	w.Handle("k", func(context.Context, queue.Task) error {
		return queue.Permanent(errors.New("nul\x00 bad\xff " + strings.Repeat("é", 3000)))
	})
	id := mustEnqueue(t, db, "k", nil)
	mustRunOne(t, w)
	ti := mustGet(t, db, id)
	if ti.Status != "failed" || !strings.HasPrefix(ti.LastError, "nul? bad? éé") || len(ti.LastError) > 2010 {
		t.Errorf("got status %q, last_error %.40q… (%d bytes)", ti.Status, ti.LastError, len(ti.LastError))
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		attempt  int
		min, max time.Duration
	}{
		{1, time.Second, 2 * time.Second},
		{2, 2 * time.Second, 4 * time.Second},
		{5, 16 * time.Second, 32 * time.Second},
		{12, 30 * time.Minute, time.Hour},
		{1000, 30 * time.Minute, time.Hour},
	} {
		for range 50 {
			if d := queue.Backoff(tc.attempt); d < tc.min || d > tc.max {
				t.Errorf("backoff(%d) = %v, want in [%v, %v]", tc.attempt, d, tc.min, tc.max)
			}
		}
	}
}
