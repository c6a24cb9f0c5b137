package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/anyhour/anyhour/internal/sqldb"
)

var (
	connsDesc = prometheus.NewDesc("anyhour_database_connections",
		"Open database connections by pool (SQLite: read, write; PostgreSQL: main) and state (in_use, idle).", []string{"pool", "state"}, nil)
	maxConnsDesc = prometheus.NewDesc("anyhour_database_connections_max",
		"The most connections each pool opens.", []string{"pool"}, nil)
	waitsDesc = prometheus.NewDesc("anyhour_database_connection_waits_total",
		"Times a query waited for a free connection, by pool.", []string{"pool"}, nil)
	waitSecondsDesc = prometheus.NewDesc("anyhour_database_connection_wait_seconds_total",
		"Time spent waiting for a free connection, by pool.", []string{"pool"}, nil)
)

// poolCollector reads database/sql's numbers of each pool, which cost no
// query.
type poolCollector func() []sqldb.PoolStats

func pools(f func() []sqldb.PoolStats) prometheus.Collector {
	if f == nil {
		f = func() []sqldb.PoolStats { return nil }
	}
	return poolCollector(f)
}

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- connsDesc
	ch <- maxConnsDesc
	ch <- waitsDesc
	ch <- waitSecondsDesc
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c() {
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(p.InUse), p.Name, "in_use")
		ch <- prometheus.MustNewConstMetric(connsDesc, prometheus.GaugeValue, float64(p.Idle), p.Name, "idle")
		ch <- prometheus.MustNewConstMetric(maxConnsDesc, prometheus.GaugeValue, float64(p.MaxOpenConnections), p.Name)
		ch <- prometheus.MustNewConstMetric(waitsDesc, prometheus.CounterValue, float64(p.WaitCount), p.Name)
		ch <- prometheus.MustNewConstMetric(waitSecondsDesc, prometheus.CounterValue, p.WaitDuration.Seconds(), p.Name)
	}
}
