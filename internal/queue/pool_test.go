package queue_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

// gate is a handler that blocks until released and records who runs at
// once, by a name taken from the task's payload.
type gate struct {
	release chan struct{}

	mu      sync.Mutex
	now     map[string]int // running, by name
	most    map[string]int // the most that ever ran at once, by name
	started []string
}

func newGate() *gate {
	return &gate{release: make(chan struct{}), now: map[string]int{}, most: map[string]int{}}
}

func (g *gate) handle(ctx context.Context, t queue.Task) error {
	var p struct{ Name, Group string }
	if err := t.Decode(&p); err != nil {
		return queue.Permanent(err)
	}
	g.mu.Lock()
	g.now[p.Group]++
	g.most[p.Group] = max(g.most[p.Group], g.now[p.Group])
	g.started = append(g.started, p.Name)
	g.mu.Unlock()
	<-g.release
	g.mu.Lock()
	g.now[p.Group]--
	g.mu.Unlock()
	return nil
}

func (g *gate) hasStarted(name string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, s := range g.started {
		if s == name {
			return true
		}
	}
	return false
}

func (g *gate) mostAtOnce(group string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.most[group]
}

type named struct{ Name, Group string }

// TestFullPoolDoesNotHoldOthers fills a pool's slots with handlers that
// never finish on their own: a task of another kind, queued afterwards,
// still runs, and the full pool starts nothing more. The worker polls
// once an hour, so it is the wake-up on commit that starts the task.
func TestFullPoolDoesNotHoldOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	w := queue.New(db, queue.Config{
		Concurrency: 1,
		Pools:       []queue.Pool{{Name: "grading", Kinds: []string{"grade"}, Concurrency: 2}},
		Poll:        time.Hour,
		Name:        "w",
		Logger:      slog.New(slog.DiscardHandler),
	})
	slow := newGate()
	w.Handle("grade", slow.handle)
	sent := make(chan struct{})
	w.Handle("email", func(context.Context, queue.Task) error { close(sent); return nil })
	var grades []int64
	for i := range 3 {
		grades = append(grades, mustEnqueue(t, db, "grade", named{fmt.Sprint("grade", i), "grade"}))
	}
	stop := start(t, w)
	waitFor(t, "two gradings to start", func() bool { return slow.hasStarted("grade0") && slow.hasStarted("grade1") })

	var email int64
	err := db.Transact(ctx, func(tx *sqldb.DB) (err error) {
		email, err = queue.Enqueue(ctx, tx, "email", nil)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	<-sent
	waitFor(t, "the email task to be done", func() bool { return mustGet(t, db, email).Status == queue.StatusDone })
	if got := mustGet(t, db, grades[2]).Status; got != queue.StatusPending || slow.hasStarted("grade2") {
		t.Errorf("the third grading is %s with both slots busy, want pending", got)
	}

	close(slow.release)
	waitFor(t, "every grading to be done", func() bool { return mustGet(t, db, grades[2]).Status == queue.StatusDone })
	stop()
	if n := slow.mostAtOnce("grade"); n != 2 {
		t.Errorf("%d gradings ran at once, want the pool's 2", n)
	}
}

// TestSerialKeyRunsOneAtATime: of two tasks with one key, the second
// waits while the first runs, neither failed nor counted as an attempt,
// and a task with another key queued after both goes first. Once the
// first is done the second starts without waiting for a poll.
func TestSerialKeyRunsOneAtATime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	w := queue.New(db, queue.Config{Concurrency: 3, Poll: time.Hour, Name: "w", Logger: slog.New(slog.DiscardHandler)})
	g := newGate()
	w.Handle("grade", g.handle)
	a1 := mustEnqueue(t, db, "grade", named{"a1", "a"}, queue.SerialKey("application:1"))
	a2 := mustEnqueue(t, db, "grade", named{"a2", "a"}, queue.SerialKey("application:1"))
	b1 := mustEnqueue(t, db, "grade", named{"b1", "b"}, queue.SerialKey("application:2"))
	stop := start(t, w)
	waitFor(t, "a1 and b1 to start", func() bool { return g.hasStarted("a1") && g.hasStarted("b1") })

	// a2 is ready and a slot is free, yet no worker may take it.
	other := newWorker(db, &clock{}, "other", time.Minute)
	if task, ok, err := other.Claim(ctx); err != nil || ok {
		t.Fatalf("another worker claimed %+v (%v) while a1 runs", task, err)
	}
	if got := outcomeOf(mustGet(t, db, a2)); got != (outcome{"pending", 0, ""}) {
		t.Errorf("a2 while a1 runs: %+v, want pending with no attempt", got)
	}

	close(g.release)
	waitFor(t, "a2 to be done", func() bool { return mustGet(t, db, a2).Status == queue.StatusDone })
	stop()
	for _, id := range []int64{a1, a2, b1} {
		if got := outcomeOf(mustGet(t, db, id)); got != (outcome{"done", 1, ""}) {
			t.Errorf("task %d: %+v, want done at the first attempt", id, got)
		}
	}
	if n := g.mostAtOnce("a"); n != 1 {
		t.Errorf("%d tasks of one key ran at once", n)
	}
	if got := mustGet(t, db, a1).SerialKey; got != "application:1" {
		t.Errorf("SerialKey = %q", got)
	}
}

// TestDeadWorkerHoldsKeyUntilLease: a worker that dies holding a task
// keeps its key only until the lease expires; the lost task is then
// reclaimed first, and the next task of the key follows.
func TestDeadWorkerHoldsKeyUntilLease(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := sqldbtest.Open(t)
	c := &clock{}
	dead := newWorker(db, c, "dead", time.Minute)
	alive := newWorker(db, c, "alive", time.Minute)
	var ran []string
	alive.Handle("grade", func(_ context.Context, task queue.Task) error {
		var p named
		task.Decode(&p)
		ran = append(ran, p.Name)
		return nil
	})
	a1 := mustEnqueue(t, db, "grade", named{"a1", "a"}, queue.SerialKey("application:1"))
	mustEnqueue(t, db, "grade", named{"a2", "a"}, queue.SerialKey("application:1"))
	mustEnqueue(t, db, "grade", named{"b1", "b"}, queue.SerialKey("application:2"))
	if task, ok, err := dead.Claim(ctx); !ok || err != nil || task.ID != a1 {
		t.Fatalf("Claim = %+v, %v, %v", task, ok, err)
	}

	mustRunOne(t, alive) // b1
	mustRunNone(t, alive)
	outliveLeases(t, db)
	mustRunOne(t, alive) // a1, reclaimed
	mustRunOne(t, alive) // a2
	if got := fmt.Sprint(ran); got != "[b1 a1 a2]" {
		t.Errorf("ran %s, want [b1 a1 a2]", got)
	}
	if got := mustGet(t, db, a1); got.Status != queue.StatusDone || got.Attempts != 2 || got.Worker != "alive" {
		t.Errorf("a1: %+v", got)
	}
}

// TestSerialKeyHoldsAcrossWorkers runs tasks of a few keys on two
// workers with their own database handles, as two processes would: no
// two tasks of a key ever run at once, and every task runs once.
func TestSerialKeyHoldsAcrossWorkers(t *testing.T) {
	t.Parallel()
	const keys, perKey = 4, 10
	ctx := context.Background()
	db, url := sqldbtest.OpenURL(t)
	db2, err := sqldb.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	err = db.Transact(ctx, func(tx *sqldb.DB) error {
		for i := range keys * perKey {
			k := fmt.Sprint(i % keys)
			if _, err := queue.Enqueue(ctx, tx, "grade", named{fmt.Sprint(i), k}, queue.SerialKey(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	now, runs := map[string]int{}, map[string]int{}
	handle := func(_ context.Context, task queue.Task) error {
		var p named
		if err := task.Decode(&p); err != nil {
			return queue.Permanent(err)
		}
		mu.Lock()
		now[p.Group]++
		runs[p.Name]++
		if now[p.Group] > 1 {
			t.Errorf("two tasks of key %s run at once", p.Group)
		}
		mu.Unlock()
		time.Sleep(time.Millisecond) // long enough for the other worker to try
		mu.Lock()
		now[p.Group]--
		mu.Unlock()
		return nil
	}
	var stops []func()
	for i, d := range []*sqldb.DB{db, db2} {
		w := queue.New(d, queue.Config{Concurrency: 4, Poll: 5 * time.Millisecond, Name: fmt.Sprint("w", i), Logger: slog.New(slog.DiscardHandler)})
		w.Handle("grade", handle)
		stops = append(stops, start(t, w))
	}
	waitFor(t, "every task to be done", func() bool {
		stats, err := queue.Stats(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return stats[queue.StatusDone] == keys*perKey
	})
	for _, stop := range stops {
		stop()
	}
	for i := range keys * perKey {
		if n := runs[fmt.Sprint(i)]; n != 1 {
			t.Errorf("task %d ran %d times", i, n)
		}
	}
}

// TestSerialKeyClaimRace makes two PostgreSQL workers claim tasks of one
// key at the same moment: the second picks the other task of the key
// before the first claim commits, loses on the unique index once it does,
// and claims again, taking a task of another key.
func TestSerialKeyClaimRace(t *testing.T) {
	t.Parallel()
	if sqldbtest.Dialect() != sqldb.Postgres {
		t.Skip("SQLite's single writer serialises claims; the race needs PostgreSQL")
	}
	ctx := context.Background()
	db, url := sqldbtest.OpenURL(t)
	db2, err := sqldb.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	a1 := mustEnqueue(t, db, "grade", nil, queue.SerialKey("a"))
	a2 := mustEnqueue(t, db, "grade", nil, queue.SerialKey("a"))
	b1 := mustEnqueue(t, db, "grade", nil, queue.SerialKey("b"))

	second := make(chan queue.Task, 1)
	err = db.Transact(ctx, func(tx *sqldb.DB) error {
		first, ok, err := newWorker(tx, &clock{}, "first", time.Minute).Claim(ctx)
		if err != nil || !ok || first.ID != a1 {
			return fmt.Errorf("first claim: %+v, %v, %v", first, ok, err)
		}
		go func() {
			task, ok, err := newWorker(db2, &clock{}, "second", time.Minute).Claim(ctx)
			if err != nil || !ok {
				t.Errorf("second claim: %v, %v", ok, err)
			}
			second <- task
		}()
		// Commit once the second claim waits on the first's row in the index.
		waitFor(t, "the second claim to wait for the first", func() bool {
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n > 0
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := <-second; got.ID != b1 {
		t.Errorf("the second worker claimed task %d, want b1 (%d); a2 is %d", got.ID, b1, a2)
	}
	if got := mustGet(t, db, a2); got.Status != queue.StatusPending || got.Attempts != 0 {
		t.Errorf("a2: %s after %d attempts, want pending", got.Status, got.Attempts)
	}
}
