package sqldb_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqldbtest.DropTemplates()
	os.Exit(code)
}

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	lite, err := sqldb.MigrationNames(sqldb.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := sqldb.MigrationNames(sqldb.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(lite, pg); diff != "" {
		t.Errorf("migration names differ between sqlite and postgres (-sqlite +postgres):\n%s", diff)
	}
	if len(lite) == 0 {
		t.Error("no migrations embedded")
	}
	// The SQL itself: after PostgreSQL's types become SQLite's, and
	// comments and spacing go, each pair says the same, up to a line
	// "-- Only on this dialect:" after which each says what only it can
	// (full-text search).
	types := strings.NewReplacer("BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "INTEGER PRIMARY KEY",
		"BIGINT", "INTEGER", "TIMESTAMPTZ", "TIMESTAMP", "BYTEA", "BLOB", "BOOLEAN", "INTEGER", "DOUBLE PRECISION", "REAL")
	for _, name := range lite {
		a, b := migrationSQL(t, "sqlite", name), types.Replace(migrationSQL(t, "postgres", name))
		if a != b {
			t.Errorf("%s says something else in each dialect:\nsqlite:   %s\npostgres: %s", name, a, b)
		}
	}
}

// dialectOwn starts the part of a migration that differs by dialect.
const dialectOwn = "-- Only on this dialect:"

// migrationSQL is a migration's statements without comments, on one line,
// up to any part of the dialect's own.
func migrationSQL(t *testing.T, dialect, name string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("migrations", dialect, name))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, dialectOwn) {
			break
		}
		if i := strings.Index(line, "--"); i >= 0 {
			line = line[:i]
		}
		lines = append(lines, line)
	}
	return strings.Join(strings.Fields(strings.Join(lines, " ")), " ")
}

func TestMigrateIsIdempotent(t *testing.T) {
	db := sqldbtest.Open(t)
	applied, err := db.Migrate(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Errorf("second Migrate applied %v, want nothing", applied)
	}
}

func TestTimeRoundTrip(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	want := time.Date(2026, 3, 29, 2, 30, 15, 123456789, berlin)
	var id int64
	err := db.WriteRow(ctx, `INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id`, "Acme", want).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var got time.Time
	if err := db.QueryRow(ctx, `SELECT created_at FROM organizations WHERE id = $1`, id).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(want.Truncate(time.Microsecond)) {
		t.Errorf("read back %v, want %v", got, want.Truncate(time.Microsecond))
	}
	// Comparison in SQL must order by instant, not by text.
	var n int
	err = db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations WHERE created_at < $1`, want.Add(time.Millisecond).In(time.FixedZone("X", -11*3600))).Scan(&n)
	if err != nil || n != 1 {
		t.Errorf("created_at < later instant: n=%d err=%v, want 1", n, err)
	}
}

// Replan changes how PostgreSQL plans a statement, never what it returns:
// run more times than PostgreSQL plans a statement before it may keep a
// generic plan, with values that differ, arguments after it converted as
// usual (a time), in Query and QueryRow, outside and inside a transaction.
func TestReplanReturnsTheSame(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	start := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := range 3 {
		if _, err := db.Exec(ctx, `INSERT INTO organizations (name, created_at) VALUES ($1, $2)`,
			fmt.Sprint("Org ", i), start.AddDate(0, 0, i)); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT COUNT(*) FROM organizations WHERE created_at >= $1 AND name <> $2`
	for i := range 8 {
		since := start.AddDate(0, 0, i%4).In(time.FixedZone("X", 3600))
		var want, got int
		if err := db.QueryRow(ctx, q, since, "none").Scan(&want); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, q, sqldb.Replan, since, "none").Scan(&got); err != nil || got != want {
			t.Errorf("QueryRow with Replan since day %d = %d, %v; want %d", i%4, got, err, want)
		}
		rows, err := db.Query(ctx, `SELECT name FROM organizations WHERE created_at >= $1 ORDER BY name`, sqldb.Replan, since)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if rows.Close(); rows.Err() != nil || n != want {
			t.Errorf("Query with Replan since day %d: %d rows, %v; want %d", i%4, n, rows.Err(), want)
		}
	}
	err := db.Transact(ctx, func(tx *sqldb.DB) error {
		var n int
		if err := tx.QueryRow(ctx, q, sqldb.Replan, start, "Org 0").Scan(&n); err != nil || n != 2 {
			t.Errorf("in a transaction: %d, %v; want 2", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConflictAndNotFoundAreNormalised(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	now := time.Now()
	var org int64
	if err := db.WriteRow(ctx, `INSERT INTO organizations (name, created_at) VALUES ('A', $1) RETURNING id`, now).Scan(&org); err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO members (org_id, email, name, role, created_at) VALUES ($1, 'a@example.com', 'A', 'owner', $2)`
	if _, err := db.Exec(ctx, insert, org, now); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, insert, org, now); !errors.Is(err, sqldb.ErrConflict) {
		t.Errorf("duplicate insert: err = %v, want ErrConflict", err)
	}
	var name string
	if err := db.QueryRow(ctx, `SELECT name FROM members WHERE id = -1`).Scan(&name); !errors.Is(err, sqldb.ErrNotFound) {
		t.Errorf("missing row: err = %v, want ErrNotFound", err)
	}
}

func TestTransactRollsBack(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	boom := errors.New("boom")
	err := db.Transact(ctx, func(tx *sqldb.DB) error {
		if _, err := tx.Exec(ctx, `INSERT INTO organizations (name, created_at) VALUES ('A', $1)`, time.Now()); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Transact = %v, want boom", err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM organizations`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after rollback: %d rows (err %v), want 0", n, err)
	}
}

func TestBooleans(t *testing.T) {
	ctx := context.Background()
	db := sqldbtest.Open(t)
	var b bool
	if err := db.QueryRow(ctx, `SELECT TRUE`).Scan(&b); err != nil || !b {
		t.Errorf("SELECT TRUE = %v, %v", b, err)
	}
}

// TestConcurrentMigrations starts several migrations on one fresh database
// at once, as serve and a few workers starting together would.
func TestConcurrentMigrations(t *testing.T) {
	ctx := context.Background()
	_, u := sqldbtest.OpenURL(t)
	fresh := u
	if sqldbtest.Dialect() == sqldb.Postgres {
		// The test database is migrated already; use an empty one beside it.
		admin, err := sqldb.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		name := "anyhour_migrate_" + strings.ReplaceAll(t.Name(), "/", "_")
		name = strings.ToLower(name)
		admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name)
		if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); admin.Close() })
		fresh = u[:strings.LastIndex(u, "/")+1] + name
		if i := strings.Index(u, "?"); i >= 0 {
			fresh += u[i:]
		}
	} else {
		fresh = filepath.Join(t.TempDir(), "fresh.db")
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			db, err := sqldb.Open(ctx, fresh)
			if err != nil {
				errs <- err
				return
			}
			defer db.Close()
			_, err = db.Migrate(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent migrate: %v", err)
		}
	}
}

func TestIn(t *testing.T) {
	in, args := sqldb.In([]any{"org"}, []int64{7, 8, 9})
	if in != "($2, $3, $4)" || len(args) != 4 || args[0] != "org" || args[3] != int64(9) {
		t.Errorf("In: %q %v", in, args)
	}
}
