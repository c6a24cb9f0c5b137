package app

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/metrics"
	"github.com/anyhour/anyhour/internal/queue"
)

// Who may read /metrics. The numbers say how busy the service is and how
// its workers fare, nothing of any candidate; still they are nobody's
// business outside, and a scrape costs two queries. So by default nobody
// reads them:
//
//   - on the main listener, /metrics exists only once ANYHOUR_METRICS_TOKEN
//     is set, and then answers only to that bearer token. Requests from
//     loopback get no pass there: behind a reverse proxy on the same
//     machine every request from the internet arrives from loopback.
//   - ANYHOUR_METRICS_LISTEN opens a listener of its own (the worker has
//     no other), serving /metrics, /healthz and /readyz. On a loopback
//     address it needs no token; on any other address anyhour refuses to
//     start without one.

// setUpMetrics makes the process's metrics and has the services report
// to them.
func (a *App) setUpMetrics() {
	// Every kind a worker handles is reported, with zeros when idle,
	// whether or not this process runs a worker.
	kinds := sync.OnceValue(func() []string { return a.newWorker().Kinds() })
	a.Metrics = metrics.New(metrics.Sources{
		Backlog: func(ctx context.Context, now time.Time) ([]queue.Backlog, error) {
			return queue.Backlogs(ctx, a.DB, now, kinds()...)
		},
		Emails:  a.Outbox.Outstanding,
		Pools:   a.DB.Stats,
		Uploads: a.uploads.Counts,
	})
	a.Gradings.SetObserver(a.Metrics.Grading)
	a.Takehomes.SetObserver(func(outcome string, d time.Duration) {
		a.Metrics.Grading(metrics.KindTakehome, outcome, d)
	})
	a.Videos.SetObserver(a.Metrics.Media)
	a.Webhooks.SetObserver(a.Metrics.WebhookAttempt)
}

// checkMetricsConfig refuses a token too short to resist guessing and a
// metrics listener open beyond this machine without a token.
func checkMetricsConfig(cfg Config) error {
	if cfg.MetricsToken != "" && len(cfg.MetricsToken) < metrics.MinTokenLength {
		return fmt.Errorf("ANYHOUR_METRICS_TOKEN is shorter than %d characters; make one with: openssl rand -hex 16", metrics.MinTokenLength)
	}
	if cfg.MetricsListen == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(cfg.MetricsListen)
	if err != nil {
		return fmt.Errorf("ANYHOUR_METRICS_LISTEN: %w", err)
	}
	if cfg.MetricsToken == "" && !loopback(host) {
		return fmt.Errorf("ANYHOUR_METRICS_LISTEN is %s, which is reachable beyond this machine: set ANYHOUR_METRICS_TOKEN, "+
			"the bearer token Prometheus sends, or listen on loopback (127.0.0.1:PORT)", cfg.MetricsListen)
	}
	return nil
}

// loopback reports whether host, from a listen address, reaches this
// machine only; "" (every interface) does not.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// MetricsHandler is what the listener of ANYHOUR_METRICS_LISTEN serves:
// /metrics (behind the token if one is set), /healthz and /readyz.
func (a *App) MetricsHandler() http.Handler {
	mux := http.NewServeMux()
	var h http.Handler = a.Metrics.Handler(a.Logger)
	if a.Config.MetricsToken != "" {
		h = metrics.RequireToken(a.Config.MetricsToken, h)
	}
	mux.Handle("GET /metrics", h)
	mux.HandleFunc("GET /healthz", serveHealth)
	mux.HandleFunc("GET /readyz", a.serveReady)
	return mux
}
