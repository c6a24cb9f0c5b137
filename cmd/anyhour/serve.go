package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/app"
)

func serve(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := newFlagSet("serve", "Runs the web pages, the JSON API and the background workers in one process.")
	cfg := configFlags(fs)
	noWorkers := fs.Bool("no-workers", false, "do not run background workers in this process")
	withDemo := fs.Bool("demo", false, "fill a demo organisation first if the database has none")
	a, err := openSending(ctx, fs, cfg, args, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	logger = a.Logger
	if *withDemo {
		if err := seedDemo(ctx, a, stdout, true); err != nil {
			return err
		}
	}

	ln, err := net.Listen("tcp", a.Config.Listen)
	if err != nil {
		return err
	}
	stopMetrics, err := serveMetrics(a)
	if err != nil {
		ln.Close()
		return err
	}
	defer stopMetrics()
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	var wg sync.WaitGroup
	workerCtx, stopWorkers := context.WithCancel(context.Background())
	defer stopWorkers()
	if !*noWorkers {
		w := a.Worker()
		if err := a.EnsurePeriodic(ctx); err != nil {
			logger.Warn("periodic tasks (daily digests, the sweep of unfinished uploads) are not scheduled", slog.Any("error", err))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Run(workerCtx); err != nil {
				logger.Error("worker stopped", slog.Any("error", err))
			}
		}()
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	logger.Info("anyhour is running", slog.String("url", a.Config.BaseURL), slog.String("database", a.DB.Dialect.String()))
	fmt.Fprintf(stdout, "\n  anyhour is running at %s\n\n", a.Config.BaseURL)

	select {
	case err := <-serveErr:
		stopWorkers()
		wg.Wait()
		return err
	case <-ctx.Done():
	}
	// Stop accepting, let requests in flight finish, then drain workers.
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		logger.Warn("shutdown", slog.Any("error", err))
	}
	stopWorkers()
	wg.Wait()
	if err := <-serveErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	logger.Info("stopped")
	return nil
}

func worker(ctx context.Context, args []string, logger *slog.Logger) error {
	fs := newFlagSet("worker", "Runs background workers only; start several on several machines against one PostgreSQL.")
	cfg := configFlags(fs)
	a, err := openSending(ctx, fs, cfg, args, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	logger = a.Logger
	stopMetrics, err := serveMetrics(a)
	if err != nil {
		return err
	}
	defer stopMetrics()
	logger.Info("worker running", slog.String("database", a.DB.Dialect.String()), slog.Int("grading_slots", a.Config.Workers))
	w := a.Worker()
	if err := a.EnsurePeriodic(ctx); err != nil {
		logger.Warn("periodic tasks (daily digests, the sweep of unfinished uploads) are not scheduled", slog.Any("error", err))
	}
	return w.Run(ctx)
}

func migrate(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	fs := newFlagSet("migrate", "Applies database migrations and exits. serve and worker also migrate at start.")
	cfg := configFlags(fs)
	a, err := parseAndOpen(ctx, fs, cfg, args, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

// serveMetrics starts the listener of ANYHOUR_METRICS_LISTEN, if one is
// set, serving a.MetricsHandler; stop closes it.
func serveMetrics(a *app.App) (stop func(), err error) {
	if a.Config.MetricsListen == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", a.Config.MetricsListen)
	if err != nil {
		return nil, fmt.Errorf("ANYHOUR_METRICS_LISTEN: %w", err)
	}
	srv := &http.Server{
		Handler:           a.MetricsHandler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(a.Logger.Handler(), slog.LevelWarn),
	}
	go srv.Serve(ln)
	a.Logger.Info("metrics, health and readiness are served", slog.String("address", ln.Addr().String()),
		slog.Bool("token_required", a.Config.MetricsToken != ""))
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}, nil
}
