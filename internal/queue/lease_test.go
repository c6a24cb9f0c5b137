package queue_test

import (
	"context"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/testproc"
)

// TestDefaultLease: a worker told nothing holds a claim for DefaultLease
// (tens of seconds, not minutes), by the database's clock.
func TestDefaultLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	if queue.DefaultLease < 10*time.Second || queue.DefaultLease > time.Minute {
		t.Errorf("DefaultLease = %v, want tens of seconds", queue.DefaultLease)
	}
	w := queue.New(db, queue.Config{Name: "w", Logger: slog.New(slog.DiscardHandler)})
	id := mustEnqueue(t, db, "k", nil)
	before, err := db.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := w.Claim(ctx); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	after, err := db.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lease := mustGet(t, db, id).LeaseUntil
	// The database keeps microseconds.
	if lease.Before(before.Add(queue.DefaultLease).Truncate(time.Microsecond)) || lease.After(after.Add(queue.DefaultLease)) {
		t.Errorf("lease until %v, want DefaultLease after the claim, between %v and %v", lease, before, after)
	}
}

// TestDeadWorkersTaskTakenOverInALease: a worker claims a task and dies.
// A running worker takes it over once its lease has run out, by the
// database's clock, and not before; and within a few leases.
func TestDeadWorkersTaskTakenOverInALease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	const lease = time.Second
	dead := newWorker(db, &clock{}, "dead", lease)
	alive := newWorker(db, &clock{}, "alive", lease)
	type claim struct {
		attempt int
		lease   time.Time
	}
	took := make(chan claim, 1)
	alive.Handle("k", func(ctx context.Context, task queue.Task) error {
		took <- claim{task.Attempt, mustGet(t, db, task.ID).LeaseUntil}
		return nil
	})
	id := mustEnqueue(t, db, "k", nil)
	if _, ok, err := dead.Claim(ctx); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	deadLease := mustGet(t, db, id).LeaseUntil
	start(t, alive)

	got := <-took
	// The taker's lease started when it claimed, by the same clock.
	claimedAt := got.lease.Add(-lease)
	if got.attempt != 2 || claimedAt.Before(deadLease) {
		t.Errorf("taken over as attempt %d at %v, the dead worker's lease ending %v: want attempt 2, after its end", got.attempt, claimedAt, deadLease)
	}
	if late := claimedAt.Sub(deadLease); late > 5*lease {
		t.Errorf("taken over %.1f leases after the dead worker's ran out, want within a few", float64(late)/float64(lease))
	}
	waitFor(t, "the task to be done", func() bool { return mustGet(t, db, id).Status == queue.StatusDone })
}

// TestClockJumpTakesNothingHeld: the clocks of two workers jump five
// minutes ahead, as a wrong clock put right by NTP does, while one of them
// runs a task on its last attempt. The other neither takes the task (two
// workers would run it at once) nor fails it as lost, and the holder's
// renewals keep its lease as short as ever, so that if it died now its
// task would still be taken over within a lease, not five minutes later.
func TestClockJumpTakesNothingHeld(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	const lease = 6 * time.Second
	holderClock, otherClock := &clock{}, &clock{}
	holder := newWorker(db, holderClock, "holder", lease)
	other := newWorker(db, otherClock, "other", lease)
	var running, runs, most atomic.Int32
	started, release := make(chan struct{}), make(chan struct{})
	body := func(ctx context.Context, _ queue.Task) error {
		n := running.Add(1)
		defer running.Add(-1)
		runs.Add(1)
		if n > most.Load() {
			most.Store(n)
		}
		close(started)
		return held(ctx, release)
	}
	holder.Handle("k", body)
	other.Handle("k", func(ctx context.Context, task queue.Task) error {
		t.Errorf("the worker whose clock jumped ran task %d, held by another", task.ID)
		return nil
	})
	id := mustEnqueue(t, db, "k", nil, queue.MaxAttempts(1))
	stop := start(t, holder)
	<-started

	holderClock.Advance(5 * time.Minute)
	otherClock.Advance(5 * time.Minute)
	mustRunNone(t, other) // neither claimed nor swept
	before := mustGet(t, db, id)
	waitFor(t, "a renewal after the jump", func() bool { return mustGet(t, db, id).LeaseUntil.After(before.LeaseUntil) })
	mustRunNone(t, other)
	now, err := db.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, db, id); got.Status != queue.StatusRunning || got.Worker != "holder" || got.LeaseUntil.After(now.Add(lease)) {
		t.Errorf("after the jump the task is %s by %s until %v; want running by holder until at most a lease from now, %v",
			got.Status, got.Worker, got.LeaseUntil, now.Add(lease))
	}
	close(release)
	stop()
	if got := mustGet(t, db, id); got.Status != queue.StatusDone || got.Attempts != 1 || runs.Load() != 1 || most.Load() != 1 {
		t.Errorf("task %s after %d attempts, %d runs, at most %d at once; want done once", got.Status, got.Attempts, runs.Load(), most.Load())
	}

	// A worker whose clock jumped claims a task and dies: its lease ends a
	// lease from now, not five minutes later, and a worker on the right
	// time takes the task over.
	jumped := newWorker(db, holderClock, "jumped", time.Second)
	id = mustEnqueue(t, db, "lost", nil)
	if _, ok, err := jumped.Claim(ctx); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	now, err = db.Now(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, db, id).LeaseUntil; got.After(now.Add(time.Second)) {
		t.Errorf("the jumped worker holds its claim until %v, more than a lease from now (%v)", got, now)
	}
	right := newWorker(db, &clock{}, "right", time.Second)
	took := make(chan int, 1)
	right.Handle("lost", func(_ context.Context, task queue.Task) error {
		took <- task.Attempt
		return nil
	})
	start(t, right)
	if attempt := <-took; attempt != 2 {
		t.Errorf("taken over as attempt %d, want 2", attempt)
	}
}

// cuttable is a database that a test can make unreachable to a worker.
type cuttable struct {
	db    *sqldb.DB // the worker's handle
	check *sqldb.DB // the test's, which stays reachable
	cut   func() (restore func())
}

// newCuttable opens a database that the test can cut off from the worker
// for a while. On PostgreSQL the worker's handle goes through a proxy
// that drops every connection and refuses new ones, as a restart or a
// network fault does. On SQLite, a file that cannot go away, another
// writer holds the database, so that every write of the worker waits, as
// it does behind a long transaction.
func newCuttable(t *testing.T) cuttable {
	t.Helper()
	ctx := context.Background()
	direct, raw := sqldbtest.OpenURL(t)
	if direct.Dialect == sqldb.SQLite {
		return cuttable{db: direct, check: direct, cut: func() func() {
			held, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
			go func() {
				defer close(done)
				direct.Transact(ctx, func(tx *sqldb.DB) error {
					close(held)
					<-release
					return nil
				})
			}()
			<-held
			return func() { close(release); <-done }
		}}
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testproc.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	db, err := sqldb.Open(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return cuttable{db: db, check: direct, cut: func() func() {
		proxy.Cut()
		return proxy.Restore
	}}
}

// TestRenewalRidesOutOutage: the database is cut off from a worker while
// its handler runs, long enough for a renewal to fail but not for the
// lease to run out. The handler goes on, uncancelled, and the lease is
// renewed once the database is back. Then the handler finishes during
// another outage: its outcome is recorded when the database is back, and
// the task is done once.
func TestRenewalRidesOutOutage(t *testing.T) {
	t.Parallel()
	c := newCuttable(t)
	logs := &testproc.LogWatch{}
	const lease = 6 * time.Second
	w := queue.New(c.db, queue.Config{Concurrency: 1, Lease: lease, Poll: 10 * time.Millisecond, Name: "w", Logger: slog.New(logs)})
	started, release, cause := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	w.Handle("k", func(ctx context.Context, _ queue.Task) error {
		close(started)
		select {
		case <-release:
			cause <- nil
			return nil
		case <-ctx.Done():
			cause <- context.Cause(ctx)
			return ctx.Err()
		}
	})
	id := mustEnqueue(t, c.check, "k", nil)
	stop := start(t, w)
	<-started
	before := mustGet(t, c.check, id).LeaseUntil

	restore := c.cut()
	waitFor(t, "a renewal to fail", func() bool { return logs.Count("queue lease renewal failed") > 0 })
	restore()
	waitFor(t, "a renewal once the database is back", func() bool { return mustGet(t, c.check, id).LeaseUntil.After(before) })

	// The handler finishes while the database is out of reach again: its
	// outcome is recorded once the database is back, within the lease,
	// and the task is not run again.
	restore = c.cut()
	close(release)
	if err := <-cause; err != nil {
		t.Errorf("the handler was cancelled: %v", err)
	}
	if c.db.Dialect == sqldb.Postgres { // on SQLite the write waits for the database instead
		waitFor(t, "recording the outcome to fail", func() bool { return logs.Count("queue outcome not recorded") > 0 })
	}
	restore()
	waitFor(t, "the task to be done", func() bool { return mustGet(t, c.check, id).Status == queue.StatusDone })
	stop()
	if diff := outcomeOf(mustGet(t, c.check, id)); diff != (outcome{"done", 1, ""}) {
		t.Errorf("after the outage: %+v, want done at the first attempt", diff)
	}
}

// TestOutageLongerThanLeaseCancels: the database stays out of reach for
// longer than the lease. The handler is cancelled, saying why, before the
// lease runs out; once the database is back another worker takes the
// task over, and it never runs twice at once.
func TestOutageLongerThanLeaseCancels(t *testing.T) {
	t.Parallel()
	c := newCuttable(t)
	const lease = 1500 * time.Millisecond
	cl := &clock{}
	w := queue.New(c.db, queue.Config{Concurrency: 1, Lease: lease, Poll: 10 * time.Millisecond, Name: "cut off",
		Logger: slog.New(slog.DiscardHandler), Now: cl.Now})
	var running atomic.Int32
	started, cause := make(chan struct{}), make(chan error, 1)
	w.Handle("k", func(ctx context.Context, _ queue.Task) error {
		running.Add(1)
		defer running.Add(-1)
		close(started)
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return ctx.Err()
	})
	id := mustEnqueue(t, c.check, "k", nil)
	stop := start(t, w)
	<-started

	restore := c.cut()
	err := <-cause
	if err == nil || !strings.Contains(err.Error(), "lease expired") {
		t.Errorf("the handler was cancelled with %v, want the lease expired", err)
	}
	restore()
	stop()

	// The outcome of the cut-off attempt is recorded if the database is
	// back in time, and discarded if another worker took the task first;
	// either way the task runs again, as attempt 2.
	other := newWorker(c.check, cl, "other", lease)
	took := make(chan int, 1)
	other.Handle("k", func(_ context.Context, task queue.Task) error {
		if running.Load() != 0 {
			t.Error("the task ran on two workers at once")
		}
		took <- task.Attempt
		return nil
	})
	cl.Advance(time.Hour) // past the retry's backoff, if it was recorded
	start(t, other)
	if attempt := <-took; attempt != 2 {
		t.Errorf("taken over as attempt %d, want 2", attempt)
	}
	waitFor(t, "the task to be done", func() bool { return mustGet(t, c.check, id).Status == queue.StatusDone })
}

// jumpingClock is the database's clock, moved by an offset that a test
// sets: a jump of the clock every worker times its leases by (on SQLite,
// the host's own).
type jumpingClock struct {
	db     *sqldb.DB
	offset atomic.Int64
}

func (c *jumpingClock) Now(ctx context.Context) (time.Time, error) {
	t, err := c.db.Now(ctx)
	return t.Add(time.Duration(c.offset.Load())), err
}

func (c *jumpingClock) jump(d time.Duration) { c.offset.Add(int64(d)) }

func jumpingWorker(db *sqldb.DB, c *jumpingClock, name string, lease time.Duration) *queue.Worker {
	cfg := testConfig(name, lease)
	cfg.DBNow = c.Now
	return queue.New(db, cfg)
}

// held is a handler's body that runs until release is closed, or until
// its worker loses the task.
func held(ctx context.Context, release <-chan struct{}) error {
	select {
	case <-release:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// TestDatabaseClockJumpsForward: the database's clock jumps five minutes
// ahead (NTP putting a clock right, a virtual machine resumed) while a
// worker runs two tasks. Every lease then looks five minutes old. Neither
// that worker (the one process of a SQLite install) nor another takes a
// task over, and the one on its last attempt is not failed as lost: each
// runs once, and its holder's renewals carry on by the new time.
func TestDatabaseClockJumpsForward(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	const lease = 4 * time.Second
	c := &jumpingClock{db: db}
	holder := jumpingWorker(db, c, "holder", lease)
	other := jumpingWorker(db, c, "other", lease)
	var runs atomic.Int32
	started, release := make(chan struct{}, 2), make(chan struct{})
	body := func(ctx context.Context, _ queue.Task) error {
		runs.Add(1)
		started <- struct{}{}
		return held(ctx, release)
	}
	holder.Handle("k", body)
	holder.Handle("last", body)
	for _, kind := range []string{"k", "last"} {
		other.Handle(kind, func(ctx context.Context, task queue.Task) error {
			t.Errorf("another worker ran task %d (%s), held by the first", task.ID, task.Kind)
			return nil
		})
	}
	retried := mustEnqueue(t, db, "k", nil, queue.MaxAttempts(3))
	last := mustEnqueue(t, db, "last", nil, queue.MaxAttempts(1))
	stop := start(t, holder)
	defer stop()
	<-started
	<-started
	mustRunNone(t, other) // the other worker has read the clock before the jump

	c.jump(5 * time.Minute)
	// For a lease and a half, by this process's clock: through the hold,
	// and past it, once every lease has been renewed by the new time.
	for end := time.Now().Add(lease * 3 / 2); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		mustRunNone(t, other)
	}
	for _, id := range []int64{retried, last} {
		if got := mustGet(t, db, id); got.Status != queue.StatusRunning || got.Worker != "holder" || got.Attempts != 1 {
			t.Errorf("after the jump, task %d is %s by %s on attempt %d; want still running by holder on attempt 1", id, got.Status, got.Worker, got.Attempts)
		}
	}
	close(release)
	stop()
	for _, id := range []int64{retried, last} {
		if got := mustGet(t, db, id); got.Status != queue.StatusDone || got.Attempts != 1 {
			t.Errorf("task %d: %s after %d attempts, want done after 1", id, got.Status, got.Attempts)
		}
	}
	if n := runs.Load(); n != 2 {
		t.Errorf("%d runs of two tasks", n)
	}
}

// TestDatabaseClockJumpsBack: the database's clock jumps five minutes
// back after a worker claimed a task and died. Its lease, set by the old
// time, would then last five minutes more; a worker that sees the jump
// cuts it to a lease from the new now, and takes the task over within a
// lease or two, not five minutes later.
func TestDatabaseClockJumpsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	const lease = 2 * time.Second
	c := &jumpingClock{db: db}
	dead := jumpingWorker(db, c, "dead", lease)
	alive := jumpingWorker(db, c, "alive", lease)
	var ran atomic.Int32
	alive.Handle("k", func(context.Context, queue.Task) error { ran.Add(1); return nil })
	id := mustEnqueue(t, db, "k", nil)
	if _, ok, err := dead.Claim(ctx); !ok || err != nil {
		t.Fatalf("Claim = %v, %v", ok, err)
	}
	mustRunNone(t, alive) // the lease holds; the clock is read before the jump

	c.jump(-5 * time.Minute)
	waitFor(t, "the dead worker's task to be taken over", func() bool {
		if _, err := alive.RunOne(ctx); err != nil {
			t.Fatal(err)
		}
		return ran.Load() > 0
	})
	if got := mustGet(t, db, id); got.Status != queue.StatusDone || got.Attempts != 2 {
		t.Errorf("task %s after %d attempts, want done after the dead worker's and one more", got.Status, got.Attempts)
	}
}

// TestALateReadingIsNoJump: one reading of the database's clock comes
// back ten seconds late (a stalled query), which looks like a jump back.
// A second reading shows it was not: no lease is cut, and the task its
// holder runs is not taken over.
func TestALateReadingIsNoJump(t *testing.T) {
	t.Parallel()
	db := sqldbtest.Open(t)
	const lease = 4 * time.Second
	holder := jumpingWorker(db, &jumpingClock{db: db}, "holder", lease)
	var late atomic.Bool
	cfg := testConfig("other", lease)
	cfg.DBNow = func(ctx context.Context) (time.Time, error) {
		now, err := db.Now(ctx)
		if late.CompareAndSwap(true, false) {
			now = now.Add(-10 * time.Second)
		}
		return now, err
	}
	other := queue.New(db, cfg)
	other.Handle("k", func(_ context.Context, task queue.Task) error {
		t.Errorf("another worker ran task %d, held by the first", task.ID)
		return nil
	})
	started, release := make(chan struct{}), make(chan struct{})
	holder.Handle("k", func(ctx context.Context, _ queue.Task) error {
		close(started)
		return held(ctx, release)
	})
	id := mustEnqueue(t, db, "k", nil, queue.MaxAttempts(3))
	stop := start(t, holder)
	defer stop()
	<-started
	mustRunNone(t, other)
	before := mustGet(t, db, id).LeaseUntil
	late.Store(true)
	mustRunNone(t, other)
	if got := mustGet(t, db, id); got.Status != queue.StatusRunning || got.Worker != "holder" || got.LeaseUntil.Before(before) {
		t.Errorf("after a late reading the task is %s by %s until %v (was until %v); want still the holder's, its lease not cut",
			got.Status, got.Worker, got.LeaseUntil, before)
	}
	close(release)
	stop()
	if got := mustGet(t, db, id); got.Status != queue.StatusDone || got.Attempts != 1 {
		t.Errorf("task %s after %d attempts, want done after 1", got.Status, got.Attempts)
	}
}
