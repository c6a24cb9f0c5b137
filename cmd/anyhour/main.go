// Command anyhour runs the anyhour hiring platform: `anyhour serve` for the
// web, API and embedded workers; `anyhour worker` for workers alone;
// `anyhour migrate`; `anyhour admin bootstrap`; `anyhour demo`.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/anyhour/anyhour/internal/app"
	"github.com/anyhour/anyhour/internal/sandbox"
)

const usage = `anyhour — asynchronous interviews, at any hour.

Usage:
  anyhour serve [flags]            run the web server, API and background workers
  anyhour worker [flags]           run background workers only (scale-out)
  anyhour migrate [flags]          apply database migrations and exit
  anyhour admin bootstrap [flags]  create an organisation and owner; print an API token
  anyhour demo [flags]             fill a demo organisation; print the owner's login
  anyhour doctor                   check the sandbox, coding languages and ffmpeg on this machine
  anyhour similarity [flags] PATH… score how alike submissions are (CSV or JSON), as Dolos and JPlag do

Run "anyhour COMMAND -h" for a command's flags. Every flag can also be set
through an ANYHOUR_* environment variable; flags win.
`

func main() {
	logger := mainLogger(os.Args[1:])
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, logger); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "anyhour:", err)
		os.Exit(1)
	}
}

// mainLogger makes the logger for a command run with args, in the format
// asked for from the first line on (a format that is not one is refused
// once the command's flags are read), and closes to child programs the
// descriptors this process inherited: before anything starts a program, a
// descriptor inherited without close-on-exec would reach every box
// (sandbox.SealInherited).
func mainLogger(args []string) *slog.Logger {
	logger, err := newLogger(logFormat(args))
	if err != nil {
		logger, _ = newLogger("text")
	}
	if n, err := sandbox.SealInherited(); err != nil {
		logger.Warn("cannot check inherited descriptors", slog.Any("error", err))
	} else if n > 0 {
		logger.Info("closed inherited descriptors to child programs", slog.Int("count", n))
	}
	return logger
}

func run(ctx context.Context, args []string, stdout io.Writer, logger *slog.Logger) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, logger)
	case "worker":
		return worker(ctx, rest, logger)
	case "migrate":
		return migrate(ctx, rest, stdout, logger)
	case "admin":
		if len(rest) == 0 || rest[0] != "bootstrap" {
			return fmt.Errorf("usage: anyhour admin bootstrap --org NAME --email EMAIL [--password PW]")
		}
		return bootstrap(ctx, rest[1:], stdout, logger)
	case "doctor":
		return doctor(ctx, rest, stdout, logger)
	case "demo":
		return runDemo(ctx, rest, stdout, logger)
	case "similarity":
		return similarityCmd(ctx, rest, stdout, logger)
	}
	return fmt.Errorf("unknown command %q\n\n%s", cmd, usage)
}

// configFlags declares the flags every command shares, with defaults taken
// from the environment, and returns the Config they fill.
func configFlags(fs *flag.FlagSet) *app.Config {
	c := &app.Config{}
	fs.StringVar(&c.Listen, "listen", env("ANYHOUR_LISTEN", "127.0.0.1:8080"), "address to listen on (ANYHOUR_LISTEN)")
	fs.StringVar(&c.DataDir, "data-dir", env("ANYHOUR_DATA_DIR", "./anyhour-data"), "directory for the SQLite database and files (ANYHOUR_DATA_DIR)")
	c.DatabaseURL = env("ANYHOUR_DATABASE_URL", "")
	fs.Var(secret{&c.DatabaseURL}, "database-url", "postgres:// URL, or a SQLite path; default: anyhour.db in the data directory (ANYHOUR_DATABASE_URL)")
	fs.StringVar(&c.BaseURL, "base-url", env("ANYHOUR_BASE_URL", ""), "public URL used in links; default http://LISTEN (ANYHOUR_BASE_URL)")
	workers, _ := strconv.Atoi(env("ANYHOUR_WORKERS", "0"))
	fs.IntVar(&c.Workers, "workers", workers, "code gradings run at once, in this process; 0 means one per CPU; emails, webhooks and video have slots of their own (ANYHOUR_WORKERS)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("ANYHOUR_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For is believed, as addresses or CIDR ranges, comma-separated (ANYHOUR_TRUSTED_PROXIES)")
	c.BlobURL = env("ANYHOUR_BLOB_URL", "")
	fs.Var(secret{&c.BlobURL}, "blob-url", "where files and recordings are kept: file:///a/dir or s3://bucket/prefix?endpoint=URL&region=R, credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (ANYHOUR_BLOB_URL; default DATA_DIR/blobs)")
	private, _ := strconv.ParseBool(env("ANYHOUR_WEBHOOKS_TO_PRIVATE", "false"))
	fs.BoolVar(&c.WebhooksToPrivate, "webhooks-to-private", private, "let webhooks go to loopback and private addresses, refused by default (ANYHOUR_WEBHOOKS_TO_PRIVATE)")
	fs.IntVar(&c.SandboxUID, "sandbox-uid", sandboxUID(), "host user id the sandbox runs candidates' code as when anyhour runs as root, and this plus one for the tests that judge it; both must belong to nobody else (ANYHOUR_SANDBOX_UID; default 2000000000)")
	expiry, _ := time.ParseDuration(env("ANYHOUR_UPLOAD_EXPIRY", "0"))
	fs.DurationVar(&c.UploadExpiry, "upload-expiry", expiry, "how long an unfinished upload is kept at least; once nobody can finish it, it is removed after this (ANYHOUR_UPLOAD_EXPIRY; 0 means 24h)")
	c.SMTPURL = env("ANYHOUR_SMTP_URL", "")
	fs.Var(secret{&c.SMTPURL}, "smtp-url", "SMTP server for email: smtp://user:pass@host:587?from=hiring@example.com (STARTTLS required, except on loopback; tls=none turns it off) or smtps://…:465; without it emails are kept and shown to admins (ANYHOUR_SMTP_URL)")
	fs.StringVar(&c.MetricsListen, "metrics-listen", env("ANYHOUR_METRICS_LISTEN", ""), "a listener of its own for /metrics, /healthz and /readyz, such as 127.0.0.1:9464; only loopback without a metrics token (ANYHOUR_METRICS_LISTEN)")
	c.MetricsToken = env("ANYHOUR_METRICS_TOKEN", "")
	fs.Var(secret{&c.MetricsToken}, "metrics-token", "bearer token that reads /metrics, 16 characters at least; without it the main listener serves no /metrics (ANYHOUR_METRICS_TOKEN; prefer the variable: flags show in ps)")
	fs.StringVar(&c.LogFormat, "log-format", env("ANYHOUR_LOG_FORMAT", "text"), "text or json (ANYHOUR_LOG_FORMAT)")
	return c
}

// secret is a string flag that may hold a password (a database or S3
// URL): -h says whether it is set, never what it is.
type secret struct{ p *string }

func (s secret) String() string {
	if s.p == nil || *s.p == "" {
		return ""
	}
	return "(set; not shown)"
}

func (s secret) Set(v string) error { *s.p = v; return nil }

// parseAndOpen parses a command's flags and opens anyhour with the
// configuration they give. The caller closes the App.
func parseAndOpen(ctx context.Context, fs *flag.FlagSet, cfg *app.Config, args []string, logger *slog.Logger) (*app.App, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	logger, err := inFormat(logger, cfg.LogFormat)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, *cfg, logger)
}

// openSending is parseAndOpen for the commands that send email (serve and
// worker): they refuse to start when the emails would carry links to a
// default address that only this machine can open.
func openSending(ctx context.Context, fs *flag.FlagSet, cfg *app.Config, args []string, logger *slog.Logger) (*app.App, error) {
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if cfg.SMTPURL != "" && strings.TrimSpace(cfg.BaseURL) == "" {
		listen := cfg.Listen
		if listen == "" {
			listen = "127.0.0.1:8080"
		}
		return nil, fmt.Errorf("ANYHOUR_BASE_URL is not set, so the emails this process sends would link candidates and the team to http://%s, "+
			"which their browsers cannot reach: set ANYHOUR_BASE_URL (or --base-url) to the address people open, such as https://hiring.example.com, "+
			"the same in every serve and worker process", listen)
	}
	logger, err := inFormat(logger, cfg.LogFormat)
	if err != nil {
		return nil, err
	}
	return app.Open(ctx, *cfg, logger)
}

// sandboxUID is ANYHOUR_SANDBOX_UID, or 0 for the sandbox's default.
func sandboxUID() int {
	n, _ := strconv.Atoi(env("ANYHOUR_SANDBOX_UID", "0"))
	return n
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok && strings.TrimSpace(v) != "" {
		return v
	}
	return def
}

func newFlagSet(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet("anyhour "+name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: anyhour %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}
