package queue_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

// start runs w until the test ends or the returned stop is called; stop
// waits for Run to return.
func start(t *testing.T, w *queue.Worker) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds, failing the test if it never does.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestRunRunsTaskOnce(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	w := newWorker(db, &clock{}, "w", time.Minute)
	w.Handle("greet", func(ctx context.Context, task queue.Task) error {
		var p struct{ Name string }
		if err := task.Decode(&p); err != nil {
			return err
		}
		if p.Name != "Ada" {
			t.Errorf("payload name %q, want Ada", p.Name)
		}
		return nil
	})
	stop := start(t, w)

	// Enqueue in a transaction and nudge after commit, as domain code does.
	ctx := context.Background()
	var id int64
	err := db.Transact(ctx, func(tx *sqldb.DB) (err error) {
		id, err = queue.Enqueue(ctx, tx, "greet", map[string]string{"Name": "Ada"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	queue.Notify()

	waitFor(t, "the task to be done", func() bool { return mustGet(t, db, id).Status == "done" })
	stop()
	got := mustGet(t, db, id)
	if diff := cmp.Diff(outcome{"done", 1, ""}, outcomeOf(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got.Worker != "w" || !got.LeaseUntil.IsZero() {
		t.Errorf("worker %q, lease %v; want w and no lease", got.Worker, got.LeaseUntil)
	}
}

func TestDeadWorkerTaskIsReclaimed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	c := &clock{}
	dead := newWorker(db, c, "dead", time.Minute)
	alive := newWorker(db, c, "alive", time.Minute)
	ran := 0
	alive.Handle("k", func(ctx context.Context, task queue.Task) error {
		ran++
		if task.Attempt != 2 {
			t.Errorf("reclaimed task runs as attempt %d, want 2", task.Attempt)
		}
		return nil
	})
	id := mustEnqueue(t, db, "k", nil)
	if _, ok, err := dead.Claim(ctx); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}

	mustRunNone(t, alive) // the lease still holds
	c.Advance(2 * time.Minute)
	mustRunNone(t, alive) // by the database's clock, which alone times leases
	outliveLeases(t, db)
	mustRunOne(t, alive)
	got := mustGet(t, db, id)
	if got.Status != "done" || got.Worker != "alive" || ran != 1 {
		t.Errorf("status %q, worker %q, ran %d times; want done by alive, once", got.Status, got.Worker, ran)
	}
}

func TestLostOnLastAttemptFails(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	c := &clock{}
	dead := newWorker(db, c, "dead", time.Minute)
	alive := newWorker(db, c, "alive", time.Minute)
	alive.Handle("k", func(context.Context, queue.Task) error {
		t.Error("a task lost on its last attempt ran again")
		return nil
	})
	id := mustEnqueue(t, db, "k", nil, queue.MaxAttempts(2))
	for range 2 {
		if _, ok, err := dead.Claim(ctx); !ok || err != nil {
			t.Fatalf("Claim = %v, %v", ok, err)
		}
		outliveLeases(t, db)
	}
	mustRunNone(t, alive)
	want := outcome{"failed", 2, "worker lost the task: lease expired on attempt 2 of 2"}
	if diff := cmp.Diff(want, outcomeOf(mustGet(t, db, id))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestHeartbeatRenewsLease(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	// One slot, so that a renewal delayed past the short lease on a
	// loaded machine cannot let this same worker reclaim the task: the
	// test is about renewal, not about the race with a reclaim.
	w := queue.New(db, queue.Config{
		Concurrency: 1,
		Lease:       3 * time.Second,
		Poll:        10 * time.Millisecond,
		Name:        "w",
		Logger:      slog.New(slog.DiscardHandler),
	})
	started, release := make(chan struct{}), make(chan struct{})
	w.Handle("slow", func(ctx context.Context, _ queue.Task) error {
		close(started)
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	id := mustEnqueue(t, db, "slow", nil)
	stop := start(t, w)
	<-started
	first := mustGet(t, db, id).LeaseUntil
	waitFor(t, "the lease to be renewed", func() bool { return mustGet(t, db, id).LeaseUntil.After(first) })
	close(release)
	stop()
	if diff := cmp.Diff(outcome{"done", 1, ""}, outcomeOf(mustGet(t, db, id))); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A worker that stalls long enough to lose its lease learns so at its
// next renewal: its handler is cancelled and its outcome discarded, so
// it cannot overwrite the state of the worker that reclaimed the task.
func TestLostLeaseCancelsHandler(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	c := &clock{}
	slow := newWorker(db, c, "slow", 300*time.Millisecond)
	other := newWorker(db, c, "other", time.Minute)
	started, cause := make(chan struct{}), make(chan error, 1)
	slow.Handle("k", func(ctx context.Context, _ queue.Task) error {
		close(started)
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return ctx.Err()
	})
	id := mustEnqueue(t, db, "k", nil)
	ran := make(chan struct{})
	go func() {
		defer close(ran)
		slow.RunOne(ctx)
	}()
	<-started

	// Run out the lease until the other worker wins the race with the
	// slow one's renewals.
	for {
		outliveLeases(t, db)
		_, ok, err := other.Claim(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			break
		}
	}
	<-ran
	if err := <-cause; err == nil || errors.Is(err, context.Canceled) {
		t.Errorf("handler cancelled with cause %v, want lease lost", err)
	}
	got := mustGet(t, db, id)
	if got.Status != "running" || got.Worker != "other" || got.Attempts != 2 {
		t.Errorf("status %q, worker %q, attempts %d; want running by other, attempt 2", got.Status, got.Worker, got.Attempts)
	}
}

func TestRunDrainsOnCancel(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	w := newWorker(db, &clock{}, "w", time.Minute)
	started, release := make(chan struct{}), make(chan struct{})
	w.Handle("slow", func(ctx context.Context, _ queue.Task) error {
		close(started)
		<-release
		return ctx.Err() // Run's cancellation must not reach the handler
	})
	id := mustEnqueue(t, db, "slow", nil)

	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() { returned <- w.Run(ctx) }()
	<-started
	cancel()
	select {
	case <-returned:
		t.Fatal("Run returned while a handler was still running")
	default:
	}
	close(release)
	if err := <-returned; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if diff := cmp.Diff(outcome{"done", 1, ""}, outcomeOf(mustGet(t, db, id))); diff != "" {
		t.Errorf("after drain (-want +got):\n%s", diff)
	}
}

func TestConcurrentWorkersRunEachTaskOnce(t *testing.T) {
	t.Parallel()
	const n = 200
	ctx := context.Background()
	db, url := sqldbtest.OpenURL(t)
	// The second worker gets its own handle, as a second process would.
	db2, err := sqldb.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()

	err = db.Transact(ctx, func(tx *sqldb.DB) error {
		for i := range n {
			if _, err := queue.Enqueue(ctx, tx, "count", i); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	runs := make(map[int]int)
	all := make(chan struct{})
	count := func(ctx context.Context, task queue.Task) error {
		var i int
		if err := task.Decode(&i); err != nil {
			return queue.Permanent(err)
		}
		mu.Lock()
		defer mu.Unlock()
		runs[i]++
		if len(runs) == n && runs[i] == 1 {
			close(all)
		}
		return nil
	}
	var stops []func()
	for i, d := range []*sqldb.DB{db, db2} {
		w := queue.New(d, queue.Config{
			Concurrency: 4,
			Poll:        10 * time.Millisecond,
			Name:        []string{"one", "two"}[i],
			Logger:      slog.New(slog.DiscardHandler),
		})
		w.Handle("count", count)
		stops = append(stops, start(t, w))
	}
	<-all
	for _, stop := range stops {
		stop()
	}

	for i := range n {
		if runs[i] != 1 {
			t.Errorf("task %d ran %d times", i, runs[i])
		}
	}
	stats, err := queue.Stats(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"pending": 0, "running": 0, "done": n, "failed": 0}
	if diff := cmp.Diff(want, stats); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}
