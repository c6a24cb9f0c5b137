package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/anyhour/anyhour/internal/upload"
)

// uploads exports the tus endpoint's counters.
func uploads(f func() upload.Counts) []prometheus.Collector {
	if f == nil {
		return nil
	}
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "anyhour_upload_received_bytes_total",
			Help: "Bytes of uploads (recordings, files) received and stored through tus.",
		}, func() float64 { return float64(f().BytesReceived) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "anyhour_uploads_created_total",
			Help: "Uploads created through tus.",
		}, func() float64 { return float64(f().Created) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "anyhour_uploads_finished_total",
			Help: "Uploads whose last byte arrived.",
		}, func() float64 { return float64(f().Finished) }),
	}
}
