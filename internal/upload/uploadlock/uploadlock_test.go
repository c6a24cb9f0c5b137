package uploadlock_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"testing"
	"time"

	tusd "github.com/tus/tusd/v2/pkg/handler"

	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
	"github.com/anyhour/anyhour/internal/upload/uploadlock"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

// lockers are two Lockers that must exclude each other: two processes'
// on PostgreSQL, one process's otherwise.
type lockers struct {
	a, b tusd.Locker
	db   *sqldb.DB
}

func newLockers(t *testing.T, kind string) lockers {
	t.Helper()
	if kind == "local" {
		l := uploadlock.NewLocal()
		return lockers{a: l, b: l}
	}
	if sqldbtest.Dialect() != sqldb.Postgres {
		t.Skip("locks shared between processes live in PostgreSQL; the PostgreSQL run of the suite takes this test")
	}
	db, u := sqldbtest.OpenURL(t)
	open := func() tusd.Locker {
		other, err := sqldb.Open(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		p, err := uploadlock.NewPostgres(other, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	return lockers{a: open(), b: open(), db: db}
}

func lock(t *testing.T, l tusd.Locker, ctx context.Context, id string, release func()) (tusd.Lock, error) {
	t.Helper()
	k, err := l.NewLock(id)
	if err != nil {
		t.Fatal(err)
	}
	return k, k.Lock(ctx, release)
}

// TestOneWriter: while one request holds an upload's lock, a PATCH
// elsewhere is refused at once with 423; a HEAD or DELETE asks the holder
// to let go and has the lock once it has; other uploads are not held up.
func TestOneWriter(t *testing.T) {
	for _, kind := range []string{"local", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ls := newLockers(t, kind)
			ctx := context.Background()
			asked := make(chan struct{}, 1)
			holder, err := lock(t, ls.a, ctx, "up1", func() {
				select {
				case asked <- struct{}{}:
				default: // asked again
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := lock(t, ls.b, ctx, "up1", func() {}); !errors.Is(err, uploadlock.ErrLocked) {
				t.Fatalf("a second writer: %v, want ErrLocked", err)
			}
			other, err := lock(t, ls.b, ctx, "up2", func() {})
			if err != nil {
				t.Fatalf("another upload: %v", err)
			}
			other.Unlock()
			select {
			case <-asked:
				t.Fatal("a refused writer asked the holder to let go")
			default:
			}

			got := make(chan error, 1)
			go func() {
				_, err := lock(t, ls.b, uploadlock.WithTakeover(ctx), "up1", func() {})
				got <- err
			}()
			<-asked // the holder hears it, and lets go
			select {
			case err := <-got:
				t.Fatalf("the takeover had the lock before the holder let go: %v", err)
			default:
			}
			if err := holder.Unlock(); err != nil {
				t.Fatal(err)
			}
			if err := <-got; err != nil {
				t.Fatalf("the takeover: %v", err)
			}
		})
	}
}

// TestTakeoverWaitsInVain: a holder that does not let go keeps the lock;
// the takeover gives up when its time is up, with 423.
func TestTakeoverWaitsInVain(t *testing.T) {
	for _, kind := range []string{"local", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ls := newLockers(t, kind)
			holder, err := lock(t, ls.a, context.Background(), "up", func() {})
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Unlock()
			ctx, cancel := context.WithTimeout(uploadlock.WithTakeover(context.Background()), 300*time.Millisecond)
			defer cancel()
			if _, err := lock(t, ls.b, ctx, "up", func() {}); !errors.Is(err, uploadlock.ErrLocked) {
				t.Fatalf("a takeover the holder ignores: %v, want ErrLocked", err)
			}
		})
	}
}

// TestLockLostWithItsConnection: the database drops the connection a lock
// is held on (a restart, a cut): the lock is gone with it, so its holder
// is asked to stop at once, and another process may take the lock.
// Unlocking afterwards is harmless, and no connection goes back to the
// pool holding a lock.
func TestLockLostWithItsConnection(t *testing.T) {
	ls := newLockers(t, "postgres")
	ctx := context.Background()
	asked := make(chan struct{}, 1)
	holder, err := lock(t, ls.a, ctx, "up", func() {
		select {
		case asked <- struct{}{}:
		default:
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	var killed int
	if err := ls.db.QueryRow(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&killed); err != nil || killed != 1 {
		t.Fatalf("terminating the lock's connection: %d, %v", killed, err)
	}
	select {
	case <-asked:
	case <-time.After(30 * time.Second):
		t.Fatal("the holder of a lost lock was never asked to stop")
	}
	other, err := lock(t, ls.b, ctx, "up", func() {})
	if err != nil {
		t.Fatalf("taking the lost lock in another process: %v", err)
	}
	if err := holder.Unlock(); err != nil {
		t.Errorf("unlocking a lost lock: %v", err)
	}
	if err := other.Unlock(); err != nil {
		t.Fatal(err)
	}
	var held int
	if err := ls.db.QueryRow(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&held); err != nil || held != 0 {
		t.Errorf("%d advisory locks left after every lock was let go (%v)", held, err)
	}
}

// BenchmarkLockUnlock is what a lock adds to each request on an upload:
// taking it and letting it go, without contention.
func BenchmarkLockUnlock(b *testing.B) {
	for _, kind := range []string{"local", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			var l tusd.Locker = uploadlock.NewLocal()
			if kind == "postgres" {
				if sqldbtest.Dialect() != sqldb.Postgres {
					b.Skip("set ANYHOUR_TEST_POSTGRES to measure the PostgreSQL locks")
				}
				p, err := uploadlock.NewPostgres(sqldbtest.Open(b), slog.New(slog.DiscardHandler))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { p.Close() })
				l = p
			}
			ctx := context.Background()
			for b.Loop() {
				k, _ := l.NewLock("up")
				if err := k.Lock(ctx, func() {}); err != nil {
					b.Fatal(err)
				}
				k.Unlock()
			}
		})
	}
}
