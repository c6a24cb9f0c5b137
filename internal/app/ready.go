package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/anyhour/anyhour/internal/blob"
	"github.com/anyhour/anyhour/internal/httpx"
)

// ReadyTimeout bounds each readiness check: a load balancer asks often,
// and a check that hangs on a database gone quiet must still answer.
const ReadyTimeout = 2 * time.Second

// Check is one readiness check as /readyz reports it. Error says what
// failed in words fit for anyone who can reach /readyz: no address, path
// or credential; the log has the details.
type Check struct {
	Name  string `json:"name"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
}

// Readiness is /readyz's body.
type Readiness struct {
	Ready  bool    `json:"ready"`
	Checks []Check `json:"checks"`
}

// Ready runs the readiness checks at once, each within ReadyTimeout: the
// database answers a query that reads it, and the blob store takes a
// write (disk) or its bucket answers (S3).
func (a *App) Ready(ctx context.Context) Readiness {
	ctx, cancel := context.WithTimeout(ctx, ReadyTimeout)
	defer cancel()
	checks := []struct {
		name, failed string
		run          func(context.Context) error
	}{
		{"database", "the database does not answer", a.DB.Ping},
		{"blob_store", "the file store cannot be written or reached", a.checkBlobs},
	}
	// A check that ignores its context (a write to a disk that hangs)
	// is given up on when the time is out, and left to finish alone.
	type result struct {
		i   int
		err error
	}
	done := make(chan result, len(checks))
	for i, c := range checks {
		go func() { done <- result{i, c.run(ctx)} }()
	}
	errs := make([]error, len(checks))
	for i := range errs {
		errs[i] = context.DeadlineExceeded // until it answers
	}
wait:
	for range checks {
		select {
		case res := <-done:
			errs[res.i] = res.err
		case <-ctx.Done():
			break wait
		}
	}
	r := Readiness{Ready: true, Checks: make([]Check, len(checks))}
	for i, c := range checks {
		r.Checks[i] = Check{Name: c.name, OK: errs[i] == nil}
		if errs[i] != nil {
			r.Ready = false
			r.Checks[i].Error = c.failed
			if errors.Is(errs[i], context.DeadlineExceeded) || ctx.Err() != nil {
				r.Checks[i].Error += " within " + ReadyTimeout.String()
			}
		}
		a.ready.note(a.Logger, c.name, errs[i])
	}
	return r
}

func (a *App) checkBlobs(ctx context.Context) error {
	if c, ok := a.Blobs.(blob.Checker); ok {
		return c.Check(ctx)
	}
	return nil
}

// serveReady answers /readyz: 200 when every check passes, else 503 with
// Retry-After, so that a load balancer sends requests elsewhere meanwhile.
func (a *App) serveReady(w http.ResponseWriter, r *http.Request) {
	ready := a.Ready(r.Context())
	status := http.StatusOK
	if !ready.Ready {
		status = http.StatusServiceUnavailable
		httpx.SetRetryAfter(w, status)
	}
	httpx.WriteJSON(w, status, ready)
}

// serveHealth answers /healthz, the liveness check: the process serves
// HTTP, whatever its database does (restarting it would not help).
func serveHealth(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok\n"))
}

// readiness remembers each check's last result, so that the log says
// when one starts failing and when it passes again, not at every probe.
type readiness struct {
	mu     sync.Mutex
	failed map[string]bool
}

func (r *readiness) note(logger *slog.Logger, name string, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failed == nil {
		r.failed = map[string]bool{}
	}
	switch {
	case err != nil && !r.failed[name]:
		logger.Warn("not ready", slog.String("check", name), slog.Any("error", err))
	case err == nil && r.failed[name]:
		logger.Info("ready again", slog.String("check", name))
	}
	r.failed[name] = err != nil
}
