// Package apptest builds a test world on app.New: the whole of anyhour
// (pages, API, uploads, the worker when asked) over a fresh test
// database, served on loopback, with the server's address as the app's
// BaseURL. Tests that need one service build domaintest instead; tests
// that need the app as it runs build this.
package apptest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/sqldb/sqldbtest"
)

// World is the app and its server.
type World struct {
	*app.App
	Server *httptest.Server
	URL    string
	dbURL  string // the database's, for another process on it
}

// New builds a world with cfg; an empty DataDir is a temporary
// directory, an empty BaseURL the server's address, zero Workers two.
// Errors are logged to stderr, which go test shows when a test fails.
func New(t testing.TB, cfg app.Config) *World {
	t.Helper()
	db, u := sqldbtest.OpenURL(t)
	return newOn(t, cfg, db, u)
}

// Another builds a second anyhour process on w's database, as a second
// `serve` behind a load balancer is: its own connections to the database
// (on SQLite, the same file), its own services and their state in
// memory, its own server; the same data directory and configuration.
func (w *World) Another(t testing.TB) *World {
	t.Helper()
	db, err := sqldb.Open(context.Background(), w.dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := w.Config
	cfg.BaseURL = ""
	return newOn(t, cfg, db, w.dbURL)
}

func newOn(t testing.TB, cfg app.Config, db *sqldb.DB, dbURL string) *World {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = srv.URL
	}
	if cfg.Workers == 0 {
		cfg.Workers = 2
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a, err := app.New(cfg, logger, db)
	if err != nil {
		t.Fatal(err)
	}
	// Its connections beside db (its upload locks'); db is closed by
	// whoever opened it.
	t.Cleanup(func() { a.CloseExtras() })
	srv.Config.Handler = a.Handler()
	return &World{App: a, Server: srv, URL: srv.URL, dbURL: dbURL}
}

// RunWorker runs the worker in the background until the test ends.
func (w *World) RunWorker(t testing.TB) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Worker().Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
}

// Work runs the queued tasks until none is left.
func (w *World) Work(t testing.TB) {
	t.Helper()
	if err := w.Worker().RunUntilIdle(context.Background()); err != nil {
		t.Fatal(err)
	}
}
