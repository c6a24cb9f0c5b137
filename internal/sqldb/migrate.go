package sqldb

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// MigrationNames lists the migrations embedded for a dialect, in the order
// they are applied.
func MigrationNames(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations/"+d.String())
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names, nil
}

// Migrate applies every embedded migration not yet recorded, each in its
// own transaction, and returns the names it applied. Migrations are
// forward-only: a file, once released, is never edited; a change is a new
// file.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("sqldb: migrate: %w", err)
		}
	}()
	err = db.Transact(ctx, func(tx *DB) error {
		if err := tx.lockMigrations(ctx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			name TEXT PRIMARY KEY,
			applied_at TIMESTAMP NOT NULL
		)`)
		return err
	})
	if err != nil {
		return nil, err
	}
	names, err := MigrationNames(db.Dialect)
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		done, err := db.applyMigration(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("%s: %w", name, err)
		}
		if done {
			applied = append(applied, name)
		}
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, name string) (applied bool, err error) {
	body, err := migrationFS.ReadFile("migrations/" + db.Dialect.String() + "/" + name)
	if err != nil {
		return false, err
	}
	err = db.Transact(ctx, func(tx *DB) error {
		if err := tx.lockMigrations(ctx); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = $1`, name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		if _, err := tx.Exec(ctx, string(body)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)`, name, time.Now())
		applied = err == nil
		return err
	})
	return applied, err
}

// migrationLock is the PostgreSQL advisory lock key that serialises
// migrations ("anyhour" in ASCII): several processes starting at once on a
// fresh database would otherwise race to create the same tables. SQLite's
// single writer already serialises them.
const migrationLock = 0x616e79686f7572

func (db *DB) lockMigrations(ctx context.Context) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock))
	return err
}
