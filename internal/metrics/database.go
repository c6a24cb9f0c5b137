package metrics

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/anyhour/anyhour/internal/outbox"
	"github.com/anyhour/anyhour/internal/queue"
	"github.com/anyhour/anyhour/internal/sqldb"
	"github.com/anyhour/anyhour/internal/upload"
)

// Sources are where the metrics read what they do not count themselves.
// A nil source's metrics are left out.
type Sources struct {
	// Backlog reads the queue's unfinished tasks by kind (queue.Backlogs).
	Backlog func(ctx context.Context, now time.Time) ([]queue.Backlog, error)
	// Emails counts the emails that have not gone out
	// (outbox.Service.Outstanding).
	Emails func(ctx context.Context) (map[outbox.Status]int, error)
	// Pools describes the database's connection pools (sqldb.DB.Stats).
	Pools func() []sqldb.PoolStats
	// Uploads reads what the tus endpoint has taken (upload.Handler.Counts).
	Uploads func() upload.Counts
	// Timeout bounds the database reads of one scrape. Default 2 seconds.
	Timeout time.Duration
}

// DefaultTimeout bounds the database reads of a scrape when
// Sources.Timeout is zero.
const DefaultTimeout = 2 * time.Second

var (
	upDesc = prometheus.NewDesc("anyhour_database_up",
		"1 if the database answered this scrape's queries in time; 0 if not, and then the queue and outbox metrics are left out.", nil, nil)
	tasksDesc = prometheus.NewDesc("anyhour_queue_tasks",
		"Unfinished background tasks by kind and state: ready (due, waiting for a worker slot), scheduled (due later: retries, reminders), running.",
		[]string{"kind", "state"}, nil)
	ageDesc = prometheus.NewDesc("anyhour_queue_oldest_ready_age_seconds",
		"How long the longest-waiting ready task of each kind has been due; 0 when none is ready.", []string{"kind"}, nil)
	emailsDesc = prometheus.NewDesc("anyhour_outbox_emails",
		"Emails that have not gone out, by state: queued, sending, unknown (a worker died while sending: it may have gone, and is never resent blind), failed.",
		[]string{"state"}, nil)
)

// database reads the queue's backlog and the outbox at scrape time.
type database struct {
	src Sources
	mu  sync.Mutex // one scrape's queries at a time
}

func newDatabase(src Sources) *database {
	if src.Timeout <= 0 {
		src.Timeout = DefaultTimeout
	}
	return &database{src: src}
}

func (d *database) Describe(ch chan<- *prometheus.Desc) {
	ch <- upDesc
	ch <- tasksDesc
	ch <- ageDesc
	ch <- emailsDesc
}

func (d *database) Collect(ch chan<- prometheus.Metric) {
	d.mu.Lock()
	defer d.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), d.src.Timeout)
	defer cancel()
	// A query that fails for want of time leaves none to the next, which
	// then fails at once.
	up := 1.0
	if d.src.Backlog != nil && d.backlog(ctx, ch) != nil {
		up = 0
	}
	if d.src.Emails != nil && d.emails(ctx, ch) != nil {
		up = 0
	}
	ch <- prometheus.MustNewConstMetric(upDesc, prometheus.GaugeValue, up)
}

func (d *database) backlog(ctx context.Context, ch chan<- prometheus.Metric) error {
	now := time.Now()
	backlog, err := d.src.Backlog(ctx, now)
	if err != nil {
		return err
	}
	for _, b := range backlog {
		ch <- prometheus.MustNewConstMetric(tasksDesc, prometheus.GaugeValue, float64(b.Ready), b.Kind, "ready")
		ch <- prometheus.MustNewConstMetric(tasksDesc, prometheus.GaugeValue, float64(b.Scheduled), b.Kind, "scheduled")
		ch <- prometheus.MustNewConstMetric(tasksDesc, prometheus.GaugeValue, float64(b.Running), b.Kind, "running")
		age := 0.0
		if b.Ready > 0 {
			age = max(now.Sub(b.OldestReady).Seconds(), 0)
		}
		ch <- prometheus.MustNewConstMetric(ageDesc, prometheus.GaugeValue, age, b.Kind)
	}
	return nil
}

func (d *database) emails(ctx context.Context, ch chan<- prometheus.Metric) error {
	counts, err := d.src.Emails(ctx)
	if err != nil {
		return err
	}
	for st, n := range counts {
		ch <- prometheus.MustNewConstMetric(emailsDesc, prometheus.GaugeValue, float64(n), string(st))
	}
	return nil
}
