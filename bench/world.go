package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/seed"
	"github.com/anyhour/anyhour/internal/sqldb"
)

// baseURL is what the in-process app believes it is served at.
const baseURL = "http://127.0.0.1:8080"

// world is one seeded database, the app over it, and what is timed on it.
type world struct {
	db     string // "sqlite" or "postgres"
	shape  seed.Shape
	size   int
	sdb    *sqldb.DB
	app    *app.App
	seeded *seed.World
	lists  []seed.List // the domain calls, whose statements are explained
	ms     []measurement
	took   time.Duration
	close  func()
}

// describe says what was seeded.
func (w *world) describe() string {
	var parts []string
	for _, o := range w.seeded.Orgs {
		parts = append(parts, fmt.Sprintf("%s: %d applications, %d jobs, the largest job %d", o.Name, o.Apps, len(o.Jobs), o.Jobs[0].Apps))
	}
	return strings.Join(parts, "; ")
}

// newWorld seeds a fresh database of dialect db with size applications
// spread as shape says, and builds the app over it.
func newWorld(ctx context.Context, db, adminURL string, shape seed.Shape, size int) (*world, error) {
	sdb, dir, cleanup, err := openDB(ctx, db, adminURL)
	if err != nil {
		return nil, err
	}
	w := &world{db: db, shape: shape, size: size, sdb: sdb, close: cleanup}
	w.app, err = app.New(app.Config{DataDir: filepath.Join(dir, "data"), BaseURL: baseURL}, slog.New(slog.DiscardHandler), sdb)
	if err != nil {
		cleanup()
		return nil, err
	}
	start := time.Now()
	if w.seeded, err = seed.New(ctx, sdb, w.app.Services, shape, size, time.Now()); err != nil {
		cleanup()
		return nil, err
	}
	// On PostgreSQL, VACUUM also sets the visibility map, as autovacuum
	// would have on a live database (seed.New has run ANALYZE).
	if db == "postgres" {
		if _, err := sdb.Exec(ctx, "VACUUM ANALYZE"); err != nil {
			cleanup()
			return nil, err
		}
	}
	w.took = time.Since(start)
	if w.lists, err = w.seeded.Lists(ctx, w.app.Services); err != nil {
		cleanup()
		return nil, err
	}
	for _, l := range w.lists {
		w.ms = append(w.ms, measurement{name: l.Name, run: l.Run})
	}
	pages, err := w.pages(ctx)
	if err != nil {
		cleanup()
		return nil, err
	}
	w.ms = append(w.ms, pages...)
	return w, nil
}

// openDB makes an empty, migrated database of the dialect asked for: a
// file in a new temporary directory for SQLite, a new database on the
// server of adminURL for PostgreSQL. close removes it.
func openDB(ctx context.Context, dialect, adminURL string) (*sqldb.DB, string, func(), error) {
	dir, err := os.MkdirTemp("", "anyhour-bench-")
	if err != nil {
		return nil, "", nil, err
	}
	cleanups := []func(){func() { os.RemoveAll(dir) }}
	cleanup := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	dbURL := filepath.Join(dir, "anyhour.db")
	if dialect == "postgres" {
		if dbURL, err = createPostgres(ctx, adminURL, &cleanups); err != nil {
			cleanup()
			return nil, "", nil, err
		}
	}
	db, err := sqldb.Open(ctx, dbURL)
	if err != nil {
		cleanup()
		return nil, "", nil, err
	}
	cleanups = append(cleanups, func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		cleanup()
		return nil, "", nil, err
	}
	return db, dir, cleanup, nil
}

// createPostgres creates anyhour_bench_<random> and registers its drop.
func createPostgres(ctx context.Context, adminURL string, cleanups *[]func()) (string, error) {
	admin, err := sqldb.Open(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("postgres admin connection (-pg): %w", err)
	}
	name := "anyhour_bench_" + randomHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", err
	}
	*cleanups = append(*cleanups, func() {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	})
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
