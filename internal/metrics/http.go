package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/anyhour/anyhour/internal/httpx"
)

// Instrument times every request by its route (httpx.Route: put it
// inside httpx.WithRoute, with httpx.RecordRoute round the mux), method
// and status class. Put it outside the middleware that turns a panic into
// a 500, so that the 500 is what it counts.
func (m *Metrics) Instrument(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inFlight.Inc()
		rec := &statusRecorder{ResponseWriter: w}
		defer func() {
			m.inFlight.Dec()
			m.requests.WithLabelValues(httpx.Route(r), method(r.Method), statusClass(rec.status)).
				Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(rec, r)
	})
}

// method keeps the method label to the methods anyhour answers; anything
// else a client makes up is "other".
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// statusClass is "2xx" for 200 to 299, and so on; a handler that wrote
// nothing answered 200.
func statusClass(status int) string {
	if status == 0 {
		status = http.StatusOK
	}
	return strconv.Itoa(status/100) + "xx"
}

// statusRecorder notes the status a handler writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 && code >= 200 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController (tusd's flushes and deadlines)
// reach the writer underneath.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
