// Package sqldbtest hands tests a migrated database of their own: a SQLite
// file in t.TempDir() by default, or, when ANYHOUR_TEST_POSTGRES holds a
// postgres:// URL, a fresh PostgreSQL database cloned from a migrated
// template and dropped when the test ends.
package sqldbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/anyhour/anyhour/internal/sqldb"
)

// EnvPostgres names the variable that selects PostgreSQL for tests.
const EnvPostgres = "ANYHOUR_TEST_POSTGRES"

// Open returns a migrated database for t, closed when t ends.
func Open(t testing.TB) *sqldb.DB {
	t.Helper()
	db, _ := OpenURL(t)
	return db
}

// OpenURL is Open, also returning the URL the database was opened with, for
// tests that start a second process on the same database.
func OpenURL(t testing.TB) (*sqldb.DB, string) {
	t.Helper()
	var u string
	if pg := os.Getenv(EnvPostgres); pg != "" {
		u = postgresDB(t, pg)
	} else {
		u = sqliteDB(t)
	}
	db, err := sqldb.Open(context.Background(), u)
	if err != nil {
		t.Fatalf("sqldbtest: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, u
}

// Dialect reports which database Open hands out.
func Dialect() sqldb.Dialect {
	if os.Getenv(EnvPostgres) != "" {
		return sqldb.Postgres
	}
	return sqldb.SQLite
}

var (
	templateOnce sync.Once
	templatePath string // a migrated SQLite file, or a Postgres template database name
	templateErr  error
)

// sqliteDB copies a once-migrated file, the way PocketBase clones its test
// data: migrating per test would dominate the suite's run time.
func sqliteDB(t testing.TB) string {
	templateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "anyhour-sqldbtest-")
		if err != nil {
			templateErr = err
			return
		}
		templatePath = filepath.Join(dir, "template.db")
		templateErr = migrate(templatePath)
	})
	if templateErr != nil {
		t.Fatalf("sqldbtest: migrate template: %v", templateErr)
	}
	path := filepath.Join(t.TempDir(), "anyhour.db")
	if err := copyFile(templatePath, path); err != nil {
		t.Fatalf("sqldbtest: %v", err)
	}
	return path
}

func migrate(u string) error {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, u)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if db.Dialect == sqldb.SQLite {
		// Fold the WAL into the main file so that copying one file is enough.
		_, err = db.Exec(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	}
	return err
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

var createMu sync.Mutex

// postgresDB creates a database cloned from a template migrated once per
// test process, and drops it when the test ends.
func postgresDB(t testing.TB, adminURL string) string {
	t.Helper()
	admin, err := sql.Open("pgx", adminURL)
	if err != nil {
		t.Fatalf("sqldbtest: %v", err)
	}
	defer admin.Close()
	ctx := context.Background()
	templateOnce.Do(func() {
		templatePath = "anyhour_tmpl_" + randomSuffix()
		if _, templateErr = admin.ExecContext(ctx, "CREATE DATABASE "+templatePath); templateErr != nil {
			return
		}
		templateErr = migrate(withDatabase(adminURL, templatePath))
	})
	if templateErr != nil {
		t.Fatalf("sqldbtest: postgres template (is %s right?): %v", EnvPostgres, templateErr)
	}
	name := "anyhour_test_" + randomSuffix()
	createMu.Lock()
	_, err = admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, templatePath))
	createMu.Unlock()
	if err != nil {
		t.Fatalf("sqldbtest: create database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", adminURL)
		if err != nil {
			return
		}
		defer admin.Close()
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	return withDatabase(adminURL, name)
}

// DropTemplates removes the template this process made, a SQLite file or
// a PostgreSQL database; call it from TestMain after m.Run.
func DropTemplates() {
	if templatePath == "" {
		return
	}
	pg := os.Getenv(EnvPostgres)
	if pg == "" {
		os.RemoveAll(filepath.Dir(templatePath))
		return
	}
	admin, err := sql.Open("pgx", pg)
	if err != nil {
		return
	}
	defer admin.Close()
	admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+templatePath+" WITH (FORCE)")
}

func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + name
	return u.String()
}

func randomSuffix() string {
	b := make([]byte, 6)
	rand.Read(b)
	return hex.EncodeToString(b)
}
