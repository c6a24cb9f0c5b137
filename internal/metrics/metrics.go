// Package metrics exports what an operator watches, in Prometheus' text
// format at /metrics: each request's latency by route, the queue's backlog
// by task kind, how long gradings and media commands take, the bytes
// uploads bring, the outbox's emails that have not gone out, webhook
// delivery attempts and the database's connection pools, beside Go's
// runtime and the process (go_*, process_*).
//
// Names start with anyhour_ and end with their unit (_seconds, _bytes),
// counters with _total, as Prometheus' conventions ask. Labels hold only
// bounded values: a request's route is the pattern the router matched
// ("/c/{token}"), never its path, so no id or token reaches a label.
//
// What lives in the database (the queue's backlog, the outbox) is read
// when /metrics is scraped, one query each over a partial or status
// index, both under one short timeout: a database that is down or slow
// costs a scrape that timeout at most, and reports anyhour_database_up 0
// instead of numbers. Scrapes take turns, so several scrapers never run
// the queries at once.
//
// Every process (serve, worker) exports its own numbers. The ones read
// from the database are the same in each: aggregate them with max, not
// sum. docs/architecture.md lists every metric; deploy/grafana holds a
// dashboard of them.
package metrics

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/anyhour/anyhour/internal/ffmpeg"
	"github.com/anyhour/anyhour/internal/grading"
	"github.com/anyhour/anyhour/internal/webhook"
)

// KindTakehome is the grading kind of a take-home push.
const KindTakehome = "takehome"

// Metrics is one process's registry and the metrics it records itself.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
	inFlight prometheus.Gauge
	gradings *prometheus.HistogramVec
	media    *prometheus.HistogramVec
	webhooks *prometheus.CounterVec
}

// New returns the metrics of a process reading from src.
func New(src Sources) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "anyhour_http_request_duration_seconds",
			Help: "Time to answer HTTP requests, by route pattern, method and status class (2xx, 4xx, …).",
			// Up to a minute: an upload's PATCH or a zip of a take-home
			// may take that long.
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"route", "method", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "anyhour_http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		gradings: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "anyhour_grading_duration_seconds",
			Help: "Time to grade code, by kind (code: a saved answer; run: a candidate's run of the visible tests; try: the team's try of a solution; takehome: a push) and outcome (ok, over_budget, cancelled, error).",
			// A grading may run for its whole budget, 3 minutes at most.
			Buckets: []float64{.1, .25, .5, 1, 2.5, 5, 10, 20, 30, 60, 120, 180, 300},
		}, []string{"kind", "outcome"}),
		media: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "anyhour_media_duration_seconds",
			Help: "Time an ffmpeg command on a recording took, by kind (probe, remux, poster, rendition, audio, check) and outcome (ok, refused, cancelled, error).",
			// An H.264 copy of a long answer takes minutes.
			Buckets: []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}, []string{"kind", "outcome"}),
		webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "anyhour_webhook_delivery_attempts_total",
			Help: "Webhook delivery attempts by outcome: delivered (2xx), rejected (any other answer), unreachable (no connection or no answer in time), refused (a private address).",
		}, []string{"outcome"}),
	}
	// Series that exist from the start, at zero, so that rates and
	// dashboards have something to read before the first event.
	for _, k := range []string{grading.KindCode, grading.KindRun, grading.KindTry, KindTakehome} {
		m.gradings.WithLabelValues(k, grading.OutcomeOK)
	}
	for _, k := range []string{"probe", "remux", "poster", "rendition", "audio"} {
		m.media.WithLabelValues(k, ffmpeg.OutcomeOK)
	}
	for _, o := range []string{webhook.OutcomeDelivered, webhook.OutcomeRejected, webhook.OutcomeUnreachable, webhook.OutcomeRefused} {
		m.webhooks.WithLabelValues(o)
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.inFlight, m.gradings, m.media, m.webhooks,
		newDatabase(src), pools(src.Pools),
	)
	for _, c := range uploads(src.Uploads) {
		m.reg.MustRegister(c)
	}
	return m
}

// Handler serves the metrics in Prometheus' text format. It does not
// check who asks: see RequireToken.
func (m *Metrics) Handler(logger *slog.Logger) http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError,
	})
}

// Grading records a grading of code that took d (grading.Service and
// takehome.Service report them).
func (m *Metrics) Grading(kind, outcome string, d time.Duration) {
	m.gradings.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// Media records an ffmpeg command on a recording that took d.
func (m *Metrics) Media(kind, outcome string, d time.Duration) {
	m.media.WithLabelValues(kind, outcome).Observe(d.Seconds())
}

// WebhookAttempt counts a webhook delivery attempt.
func (m *Metrics) WebhookAttempt(outcome string) {
	m.webhooks.WithLabelValues(outcome).Inc()
}
