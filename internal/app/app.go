// Package app wires anyhour together: it opens the database and the blob
// store, builds the domain services, and assembles the HTTP handler and
// the background workers. It holds no logic of its own.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/anyhour/anyhour/internal/api"
	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/domain"
	"github.com/anyhour/anyhour/internal/githttp"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/httpx"
	"github.com/anyhour/anyhour/internal/metrics"
	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sandbox"
	"github.com/anyhour/anyhour/internal/smtp"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/takehome"
	"github.com/anyhour/anyhour/internal/upload"
	"github.com/anyhour/anyhour/internal/upload/uploadlock"
	"github.com/anyhour/anyhour/internal/video"
	"github.com/anyhour/anyhour/internal/web"
	"github.com/anyhour/anyhour/internal/webhook"
)

// Config is everything anyhour reads from flags and the environment, read
// once in main and passed down.
type Config struct {
	Listen      string // ANYHOUR_LISTEN, host:port
	DataDir     string // ANYHOUR_DATA_DIR
	DatabaseURL string // ANYHOUR_DATABASE_URL; empty: SQLite in DataDir
	BaseURL     string // ANYHOUR_BASE_URL; empty: http://<Listen>
	Workers     int    // ANYHOUR_WORKERS: code gradings run at once; 0: one per core
	// TrustedProxies (ANYHOUR_TRUSTED_PROXIES) lists the reverse proxies,
	// as addresses or CIDR ranges, whose X-Forwarded-For is believed.
	TrustedProxies string
	// BlobURL (ANYHOUR_BLOB_URL) is where files and recordings are kept:
	// file:///a/dir, or s3://bucket/prefix?endpoint=…&region=…; empty
	// means DataDir/blobs.
	BlobURL string
	// SMTPURL (ANYHOUR_SMTP_URL) is the SMTP server emails go through:
	// smtp://user:pass@host:port?from=…; empty keeps them for admins.
	SMTPURL string
	// WebhooksToPrivate (ANYHOUR_WEBHOOKS_TO_PRIVATE) lets webhooks go to
	// loopback and private addresses, refused by default.
	WebhooksToPrivate bool
	// SandboxUID (ANYHOUR_SANDBOX_UID) is the host user id boxes run as
	// when the server is root, and SandboxUID+1 the tests' boxes; 0 means
	// sandbox.DefaultUID.
	SandboxUID int
	// MetricsToken (ANYHOUR_METRICS_TOKEN), if set, is the bearer token
	// that reads /metrics; the main listener serves /metrics only then.
	MetricsToken string
	// MetricsListen (ANYHOUR_METRICS_LISTEN), if set, is a host:port of
	// its own for /metrics, /healthz and /readyz, which the worker needs
	// to be watched at all. Only loopback without MetricsToken.
	MetricsListen string
	// LogFormat (ANYHOUR_LOG_FORMAT) is "text" (the default) or "json";
	// main reads it, to make the logger.
	LogFormat string
	// UploadExpiry (ANYHOUR_UPLOAD_EXPIRY) is how long an unfinished
	// upload is kept at least; one nobody can finish any more is removed
	// after it. 0 means upload.DefaultExpiry (24 hours).
	UploadExpiry time.Duration
}

// Defaults fills the zero fields of c.
func (c Config) Defaults() Config {
	if c.Listen == "" {
		c.Listen = "127.0.0.1:8080"
	}
	if c.DataDir == "" {
		c.DataDir = "anyhour-data"
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, "anyhour.db")
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Listen
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	return c
}

// App is a running anyhour: its database, stores and services.
type App struct {
	Config Config
	Logger *slog.Logger
	DB     *sqldb.DB
	Blobs  blob.Store
	domain.Services

	// Metrics are this process's, served at /metrics (see MetricsHandler).
	Metrics *metrics.Metrics

	api     *api.Server
	uploads *upload.Handler
	git     http.Handler // take-home repositories over smart HTTP
	ready   readiness    // what /readyz last said, to log changes only
	closers []func() error
}

// Open connects to the database, applies migrations and builds the
// services.
func Open(ctx context.Context, cfg Config, logger *slog.Logger) (*App, error) {
	cfg = cfg.Defaults()
	if _, err := url.Parse(cfg.BaseURL); err != nil {
		return nil, fmt.Errorf("ANYHOUR_BASE_URL: %w", err)
	}
	if _, err := httpx.ParsePrefixes(cfg.TrustedProxies); err != nil {
		return nil, fmt.Errorf("ANYHOUR_TRUSTED_PROXIES: %w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, dataDirPerm); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := tightenDataDir(cfg.DataDir, logger); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := sqldb.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(applied) > 0 {
		logger.Info("database migrated", slog.String("dialect", db.Dialect.String()), slog.Any("applied", applied))
	}
	a, err := New(cfg, logger, db)
	if err != nil {
		return nil, err
	}
	// The search index is new: fill it once from what the database holds;
	// the hooks keep it from then on.
	if slices.Contains(applied, searchMigration) {
		n, err := a.Search.Reindex(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		logger.Info("search index built", slog.Int("texts", n))
	}
	return a, nil
}

// searchMigration creates the search index, which Open fills once.
const searchMigration = "0029_search.sql"

// New builds an App over an open, migrated database.
func New(cfg Config, logger *slog.Logger, db *sqldb.DB) (*App, error) {
	cfg = cfg.Defaults()
	if err := checkMetricsConfig(cfg); err != nil {
		return nil, err
	}
	blobs, uploads, err := openBlobs(context.Background(), cfg)
	if err != nil {
		return nil, fmt.Errorf("ANYHOUR_BLOB_URL: %w", err)
	}
	a := &App{Config: cfg, Logger: logger, DB: db, Blobs: blobs, Services: domain.New(db, blobs)}
	a.api = api.New(a.Services, api.Config{BaseURL: cfg.BaseURL}, logger)
	ucfg := upload.Config{DB: db, Store: uploads, Videos: a.Videos, Files: a.Files, Authenticate: a.api.Viewer, Logger: logger,
		Expiry: cfg.UploadExpiry}
	if db.Dialect == sqldb.Postgres {
		// Upload locks shared by every process on the database, so that
		// any number of serve processes take uploads; on SQLite, one
		// process runs and its locks are its own.
		locks, err := uploadlock.NewPostgres(db, logger)
		if err != nil {
			return nil, fmt.Errorf("upload locks: %w", err)
		}
		a.closers = append(a.closers, locks.Close)
		ucfg.Locker = locks
	}
	a.uploads, err = upload.New(ucfg)
	if err != nil {
		return nil, fmt.Errorf("uploads: %w", err)
	}
	a.Webhooks.AllowPrivate(cfg.WebhooksToPrivate)
	a.Takehomes.SetRoot(filepath.Join(cfg.DataDir, "git"))
	a.Takehomes.SetEngine(func() (takehome.Engine, error) {
		g, err := a.Gradings.Grader()
		if err != nil {
			return nil, err
		}
		return g, nil
	})
	if a.git, err = githttp.New(a.Takehomes, cfg.BaseURL, logger); err != nil {
		logger.Warn("take-home repositories cannot be served", slog.Any("error", err))
		a.git = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "This server cannot serve git repositories: git is not installed.", http.StatusServiceUnavailable)
		})
	}
	a.Videos.SetSandbox(sharedBox(sandbox.Options{UID: cfg.SandboxUID}))
	if err := a.setUpEmail(); err != nil {
		return nil, fmt.Errorf("ANYHOUR_SMTP_URL: %w", err)
	}
	a.setUpMetrics()
	a.startGrader()
	return a, nil
}

// setUpEmail points the outbox at the SMTP server, if there is one, and
// gives it what makes candidates' links.
func (a *App) setUpEmail() error {
	a.Outbox.SetLogger(a.Logger)
	a.Digests.SetBaseURL(a.Config.BaseURL)
	a.Digests.SetLogger(a.Logger)
	a.Outbox.SetLinker(func(ctx context.Context, appID int64) (string, error) {
		token, err := a.Applications.NewLink(ctx, appID)
		if err != nil {
			return "", err
		}
		return a.Config.BaseURL + "/c/" + token, nil
	})
	if a.Config.SMTPURL == "" {
		a.Logger.Info("no SMTP server (ANYHOUR_SMTP_URL): emails are kept and shown to admins under Settings")
		return nil
	}
	cfg, err := smtp.ParseURL(a.Config.SMTPURL)
	if err != nil {
		return err
	}
	host := "anyhour.invalid"
	if u, err := url.Parse(a.Config.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	a.Outbox.SetSender(smtp.NewSMTP(cfg), cfg.From, host)
	a.Logger.Info("emails go through SMTP", slog.String("server", cfg.String()))
	return nil
}

// Close releases the database and the connections held beside it.
func (a *App) Close() error {
	return errors.Join(a.CloseExtras(), a.DB.Close())
}

// CloseExtras releases the connections held beside the database (the
// upload locks'), leaving the database open; Close calls it.
func (a *App) CloseExtras() error {
	var errs []error
	for _, c := range a.closers {
		errs = append(errs, c())
	}
	a.closers = nil
	return errors.Join(errs...)
}

// EnsurePeriodic queues the periodic tasks (the daily digests' tick, the
// sweep of expired uploads) unless they are queued already. Call it
// where a worker runs.
func (a *App) EnsurePeriodic(ctx context.Context) error {
	return errors.Join(a.Digests.EnsureTicking(ctx), a.uploads.EnsureSweeping(ctx))
}

// Handler returns the whole HTTP surface: pages, API, health checks, and
// /metrics when a token is set (see MetricsHandler).
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", serveHealth)
	mux.HandleFunc("GET /readyz", a.serveReady)
	if a.Config.MetricsToken != "" {
		mux.Handle("GET /metrics", metrics.RequireToken(a.Config.MetricsToken, a.Metrics.Handler(a.Logger)))
	}
	pages := web.New(a.Services, web.Config{BaseURL: a.Config.BaseURL}, a.Logger)
	pages.Register(mux)
	a.api.Register(mux)
	mux.Handle(upload.BasePath, a.uploads)
	mux.Handle(githttp.BasePath, a.git)
	proxies, _ := httpx.ParsePrefixes(a.Config.TrustedProxies) // checked in Open
	return httpx.Chain(httpx.RecordRoute(mux), httpx.RealIP(proxies), httpx.WithRoute, a.Metrics.Instrument,
		httpx.Log(a.Logger), httpx.SecurityHeaders, httpx.CrossOriginPages(pages.CrossSiteRefused()))
}

// Worker returns the background worker with every task kind registered.
//
// Its slots are in pools, so that no kind of work waits for another's
// slots: code gradings, which use a CPU each and may run for minutes,
// get ANYHOUR_WORKERS; video processing (ffmpeg, CPU-bound) gets one;
// emails and webhook deliveries, which mostly wait on the network, get a
// few each, apart, so that a slow webhook receiver cannot hold up email;
// the rest (rescoring after an interview edit, daily digests) shares the
// default pool.
func (a *App) Worker() *queue.Worker {
	w := a.newWorker()
	if err := a.Videos.CheckTools(); err != nil {
		a.Logger.Warn("video answers cannot be processed on this worker; they wait in the queue (run anyhour doctor)", slog.Any("error", err))
	} else {
		a.Logger.Info("video answers are processed with ffmpeg in the sandbox")
	}
	return w
}

// newWorker makes a worker with every task kind registered, and nothing
// checked or started.
func (a *App) newWorker() *queue.Worker {
	w := queue.New(a.DB, queue.Config{
		Concurrency: 2,
		Pools: []queue.Pool{
			{Name: "grading", Kinds: []string{grading.TaskGrade, takehome.TaskGrade}, Concurrency: a.Config.Workers},
			{Name: "video", Kinds: []string{video.TaskProcess, video.TaskRendition, video.TaskAudio}, Concurrency: 1},
			{Name: "email", Kinds: []string{outbox.TaskSend}, Concurrency: 4},
			{Name: "webhooks", Kinds: []string{webhook.TaskDeliver}, Concurrency: 4},
		},
		Logger: a.Logger,
	})
	a.Accounts.RegisterTasks(w)
	a.Applications.RegisterTasks(w)
	a.Gradings.RegisterTasks(w)
	a.Takehomes.RegisterTasks(w)
	a.Matchings.RegisterTasks(w)
	a.Outbox.RegisterTasks(w)
	a.Webhooks.RegisterTasks(w)
	a.Digests.RegisterTasks(w)
	a.uploads.RegisterTasks(w)
	a.Videos.RegisterTasks(w)
	return w
}
